package main

import (
	"runtime"
	"runtime/debug"
)

// version is the module version lsui was built as (v1.2.0 from `go
// install …@v1.2.0`), with the commit when the build recorded one, else
// "devel"; then the Go version and platform, which support asks for first.
func version() string {
	v, rev, dirty := "devel", "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (commit " + rev
		if dirty {
			v += ", modified"
		}
		v += ")"
	}
	return v + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
