package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The generator's three steps end to end, on a small root: what the bench
// script runs, so a payload or model change that breaks it shows here and
// not half-way through a ten-minute run.
func TestRootPayloadInspectUsage(t *testing.T) {
	dir := t.TempDir()
	root, zip := filepath.Join(dir, "root"), filepath.Join(dir, "p.zip")
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"root", "-dir", root, "-licences", "20", "-events", "3000", "-users", "50", "-udadmin-users", "30"}, "20 licence files"},
		{[]string{"payload", "-root", root, "-udadmin-file", filepath.Join(root, "udadmin.txt"), "-out", zip}, "22 files in the manifest"},
		// The verdict's wording belongs to internal/payload; the verdict and
		// the entry count are what the suite relies on.
		{[]string{"inspect", zip}, "23 entries"},
	}
	for _, s := range steps {
		var out bytes.Buffer
		if err := run(s.args, &out); err != nil {
			t.Fatalf("gen %s: %v", strings.Join(s.args, " "), err)
		}
		if !strings.Contains(out.String(), s.want) {
			t.Errorf("gen %s printed %q, want %q in it", s.args[0], out.String(), s.want)
		}
		if s.args[0] == "inspect" && !strings.HasPrefix(out.String(), "OK") {
			t.Errorf("gen inspect: %q, want an OK verdict", out.String())
		}
	}
	var out bytes.Buffer
	if err := run([]string{"usage", "-root", root}, &out); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Month      string            `json:"month"`
		Identities []json.RawMessage `json:"identities"`
	}
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil || rec.Month != "2026-11" || len(rec.Identities) == 0 {
		t.Errorf("usage: month %q, %d identities, err %v", rec.Month, len(rec.Identities), err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		nil, {"bogus"}, {"root"}, {"payload", "-root", "x"}, {"inspect"}, {"inspect", "/nonexistent/p.zip"}, {"usage"},
	} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("gen %q: no error", args)
		}
	}
}
