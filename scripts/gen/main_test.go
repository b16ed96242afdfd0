package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	var out bytes.Buffer
	err := run([]string{"root", "-dir", root, "-licences", "20", "-events", "3000", "-users", "50", "-udadmin-users", "30"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "20 licence files") {
		t.Errorf("printed %q", out.String())
	}
	lics, _ := filepath.Glob(filepath.Join(root, "MyFiles", "*.lic"))
	if len(lics) != 20 {
		t.Errorf("%d licence files, want 20", len(lics))
	}
	if _, err := os.Stat(filepath.Join(root, "udadmin.txt")); err != nil {
		t.Error(err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"bogus"}, {"root"}, {"root", "-dir", "x", "extra"}} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("gen %q: no error", args)
		}
	}
}
