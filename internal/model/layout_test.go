package model

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLayoutMatchesFolderNamesInAnyCase(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"myfiles", "webservicesforlicensing", "ls/Resource/USAGE"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	l := NewLayout(root)
	if got, want := l.MyFiles, filepath.Join(root, "myfiles"); got != want {
		t.Errorf("MyFiles = %s, want %s", got, want)
	}
	if got, want := l.Config, filepath.Join(root, "webservicesforlicensing", ConfigFileName); got != want {
		t.Errorf("Config = %s, want %s", got, want)
	}
	if got, want := l.UsageDir, filepath.Join(root, "ls", "Resource", "USAGE"); got != want {
		t.Errorf("UsageDir = %s, want %s", got, want)
	}
	if got := l.Rel(filepath.Join(l.MyFiles, "a.lic")); got != "myfiles/a.lic" {
		t.Errorf("Rel = %s", got)
	}
}

func TestLayoutCanonicalNamesWhenMissing(t *testing.T) {
	root := t.TempDir()
	l := NewLayout(root)
	if got, want := l.UsageDir, filepath.Join(root, "LS", "resource", "usage"); got != want {
		t.Errorf("UsageDir = %s, want %s", got, want)
	}
}

func TestResolveRoot(t *testing.T) {
	dir := t.TempDir()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "LSUI_ROOT" {
				return v
			}
			return ""
		}
	}
	if got, err := ResolveRoot(dir, env("")); err != nil || got != dir {
		t.Errorf("flag: got %q, %v", got, err)
	}
	if got, err := ResolveRoot("", env(dir)); err != nil || got != dir {
		t.Errorf("env: got %q, %v", got, err)
	}
	if _, err := ResolveRoot(filepath.Join(dir, "nope"), env("")); err == nil {
		t.Error("a missing --root must be an error, not the demo")
	}
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := ResolveRoot("", env(file)); err == nil {
		t.Error("a file as LSUI_ROOT must be an error")
	}
}

func TestSettingsKeepUnknownFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), SettingsFileName)
	os.WriteFile(path, []byte(`{"endpoint":"https://x.example/u","future_field":{"a":1}}`), 0o644)
	s, err := ReadSettings(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Endpoint != "https://x.example/u" {
		t.Errorf("endpoint = %q", s.Endpoint)
	}
	id, err := s.EnsureServerID()
	if err != nil || len(id) != 24 {
		t.Fatalf("server id %q, %v", id, err)
	}
	again, err := ReadSettings(path)
	if err != nil {
		t.Fatal(err)
	}
	if again.ServerID != id {
		t.Errorf("server id not kept: %q vs %q", again.ServerID, id)
	}
	if _, ok := again.extra["future_field"]; !ok {
		t.Error("unknown field lost on save")
	}
	os.WriteFile(path, []byte(`{"endpoint":`), 0o644)
	if _, err := ReadSettings(path); err == nil {
		t.Error("a broken settings file must be an error")
	}
}

func TestProgramFilesRoots(t *testing.T) {
	env := map[string]string{"ProgramFiles(x86)": `D:\Apps (x86)\`, "ProgramW6432": `D:\Apps`}
	got := programFilesRoots(func(k string) string { return env[k] })
	if got[0] != `D:\Apps (x86)\Citrix\Licensing` || got[1] != `D:\Apps\Citrix\Licensing` {
		t.Errorf("from the environment: %q", got)
	}
	got = programFilesRoots(func(string) string { return "" })
	if got[0] != `C:\Program Files (x86)\Citrix\Licensing` || got[1] != `C:\Program Files\Citrix\Licensing` {
		t.Errorf("defaults: %q", got)
	}
}
