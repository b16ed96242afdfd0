package prefs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPlainConsole(t *testing.T) {
	tests := []struct {
		env   map[string]string
		goos  string
		plain bool
	}{
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-256color"}, "linux", false},
		{map[string]string{"LANG": "C"}, "linux", true},
		{map[string]string{"LANG": "C.UTF-8", "LC_ALL": "POSIX"}, "linux", true}, // LC_ALL wins
		{map[string]string{"LC_ALL": "de_DE.utf8@euro", "LANG": "C"}, "linux", false},
		{map[string]string{"LC_CTYPE": "en_GB.ISO-8859-1", "LANG": "en_GB.UTF-8"}, "linux", true},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "vt100"}, "linux", true},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "linux"}, "linux", true},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "dumb"}, "linux", true},
		{map[string]string{"LANG": "en_US.UTF-8", "LSUI_ASCII": "1"}, "linux", true},
		{map[string]string{"LANG": "C", "LSUI_ASCII": "0"}, "linux", false},
		{map[string]string{}, "linux", true},
		{map[string]string{}, "windows", false},
	}
	for _, tt := range tests {
		got, why := plainConsole(env(tt.env), tt.goos)
		if got != tt.plain || (got && why == "") {
			t.Errorf("%v on %s: plain %v (%q), want %v", tt.env, tt.goos, got, why, tt.plain)
		}
	}
}

func TestDecide(t *testing.T) {
	yes, no := true, false
	utf := env(map[string]string{"LANG": "en_US.UTF-8"})
	c := env(map[string]string{"LANG": "C"})
	if a, m := Decide(false, false, nil, utf); a || m {
		t.Errorf("defaults on UTF-8: ascii %v mouse %v", a, m)
	}
	if a, _ := Decide(false, false, nil, c); !a {
		t.Errorf("LANG=C draws ASCII")
	}
	if a, _ := Decide(false, false, &File{Prefs: Prefs{ASCII: &no}}, c); a {
		t.Errorf("a preference for Unicode wins over the locale")
	}
	if a, m := Decide(false, false, &File{Prefs: Prefs{ASCII: &yes, Mouse: &yes}}, utf); !a || !m {
		t.Errorf("preferences: ascii %v mouse %v", a, m)
	}
	if a, _ := Decide(true, false, &File{Prefs: Prefs{ASCII: &no}}, utf); !a {
		t.Errorf("--ascii wins")
	}
}

func TestLoadSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lsui", FileName)
	f := Load(path)
	if f.Err != nil || f.Prefs.LastTab != "" {
		t.Fatalf("a missing file is empty preferences: %+v", f)
	}
	yes := true
	if err := f.Save(Prefs{Mouse: &yes, LastTab: "Usage"}); err != nil {
		t.Fatal(err)
	}
	g := Load(path)
	if g.Err != nil || g.Prefs.LastTab != "Usage" || g.Prefs.Mouse == nil || !*g.Prefs.Mouse {
		t.Fatalf("read back: %+v", g)
	}
	// A BOM, as Notepad writes it, is fine.
	os.WriteFile(path, []byte("\xef\xbb\xbf{\"ascii\": true}\n"), 0o600)
	if h := Load(path); h.Err != nil || h.Prefs.ASCII == nil || !*h.Prefs.ASCII {
		t.Errorf("BOM: %+v", h)
	}
	bad := []byte("{\n  \"ascii\": tru\n}\n")
	os.WriteFile(path, bad, 0o600)
	h := Load(path)
	if h.Err == nil || !strings.Contains(h.Err.Error(), path) || !strings.Contains(h.Err.Error(), "line 2") {
		t.Fatalf("a malformed file is reported with its place: %v", h.Err)
	}
	if h.Prefs.ASCII != nil {
		t.Errorf("a malformed file's values are ignored")
	}
	if err := h.Save(Prefs{LastTab: "Usage"}); err == nil {
		t.Errorf("a malformed file was overwritten")
	}
	if got, _ := os.ReadFile(path); string(got) != string(bad) {
		t.Errorf("the malformed file changed: %q", got)
	}
	// Read fine, then broken by hand before the save: still refused.
	os.WriteFile(path, []byte(`{"last_tab":"Usage"}`), 0o600)
	k := Load(path)
	os.WriteFile(path, []byte(`{"last_tab":`), 0o600)
	if err := k.Save(Prefs{LastTab: "Overview"}); err == nil {
		t.Errorf("a file broken since it was read was overwritten")
	}
	os.WriteFile(path, []byte(`{"colour":"red"}`), 0o600)
	if l := Load(path); l.Err == nil {
		t.Errorf("an unknown field is reported, so a typo is not silently ignored")
	}
	os.Remove(path)
	os.Mkdir(path, 0o700)
	if l := Load(path); l.Err == nil || !strings.Contains(l.Err.Error(), "not a regular file") {
		t.Errorf("a directory in its place: %v", l.Err)
	}
}
