package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// systemLocation is the machine's zone by its IANA name: from TZ (a name,
// or a path into a zoneinfo folder), else from the link /etc/localtime
// points through. When neither names one (Windows, a copied
// /etc/localtime) it is the current offset as a fixed zone named like
// "+01:00", so reports and payloads show a real zone, never "Local".
func systemLocation(getenv func(string) string, now time.Time) *time.Location {
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" {
		if name := zoneinfoName(tz); name != "" {
			if loc, err := time.LoadLocation(name); err == nil {
				return loc
			}
		}
	}
	if target, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		if name := zoneinfoName(target); name != "" && name != "localtime" {
			if loc, err := time.LoadLocation(name); err == nil {
				return loc
			}
		}
	}
	// A link that is not fully resolvable (a relative one in a container)
	// still names the zone.
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if name := zoneinfoName(target); name != "" {
			if loc, err := time.LoadLocation(name); err == nil {
				return loc
			}
		}
	}
	return fixedZone(now.In(time.Local))
}

// zoneinfoName turns "Europe/Berlin", "/usr/share/zoneinfo/Europe/Berlin"
// or "../usr/share/zoneinfo/Europe/Berlin" into "Europe/Berlin"; "" when s
// is a path outside a zoneinfo folder.
func zoneinfoName(s string) string {
	s = filepath.ToSlash(s)
	if i := strings.LastIndex(s, "zoneinfo/"); i >= 0 {
		s = s[i+len("zoneinfo/"):]
		// posix/ and right/ are variants of the same names.
		s = strings.TrimPrefix(strings.TrimPrefix(s, "posix/"), "right/")
		return s
	}
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || s == "Local" {
		return ""
	}
	return s
}

// fixedZone is t's offset as a zone named by it: "+01:00", "-05:30", "+00:00".
func fixedZone(t time.Time) *time.Location {
	_, off := t.Zone()
	sign := '+'
	abs := off
	if off < 0 {
		sign, abs = '-', -off
	}
	return time.FixedZone(fmt.Sprintf("%c%02d:%02d", sign, abs/3600, abs%3600/60), off)
}
