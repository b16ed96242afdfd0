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

func TestLongLogRoots(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ll")
	var out bytes.Buffer
	if err := run([]string{"longlog", "-dir", dir, "-years", "0.5", "-per-day", "50", "-users", "40"}, &out); err != nil {
		t.Fatal(err)
	}
	long, err1 := os.ReadFile(filepath.Join(dir, "long", "LS", "lmgrd_debug.log"))
	window, err2 := os.ReadFile(filepath.Join(dir, "window", "LS", "lmgrd_debug.log"))
	if err1 != nil || err2 != nil || len(window) == 0 || len(window) >= len(long) || !bytes.HasSuffix(long, window) {
		t.Fatalf("long %d bytes (%v), window %d bytes (%v): want the window a proper suffix", len(long), err1, len(window), err2)
	}
	for _, root := range []string{"long", "window"} {
		if _, err := os.Stat(filepath.Join(dir, root, "MyFiles", "citrix_startup.lic")); err != nil {
			t.Error(err)
		}
	}
	if err := run([]string{"longlog", "-dir", dir}, &out); err == nil {
		t.Error("a second longlog into the same folder: no error")
	}
}
