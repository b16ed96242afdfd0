package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/scramble"
)

// demoRoot writes the demo server into a folder the test keeps, so state
// (the setting, the key) carries from one command to the next.
func demoRoot(t *testing.T) string {
	t.Helper()
	now, _ := time.Parse(time.RFC3339, fixedNow)
	d, err := demo.Materialize(t.TempDir(), now, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return d.Dir
}

func TestConfigScrambleOnCreatesKeyAndKeepsBackup(t *testing.T) {
	root := demoRoot(t)
	cfg := filepath.Join(root, "WebServicesForLicensing", "SimpleLicenseServiceConfig.xml")
	before, _ := os.ReadFile(cfg)
	out, _, code := lsui(t, nil, "config", "scramble", "--root", root, "--now", fixedNow)
	if code != exitOK || !strings.HasPrefix(out, "off (") {
		t.Fatalf("state: exit %d %q", code, out)
	}
	_, errOut, code := lsui(t, nil, "config", "scramble", "on", "--root", root, "--now", fixedNow)
	if code != exitOK {
		t.Fatalf("on: exit %d %s", code, errOut)
	}
	if !strings.Contains(errOut, "fingerprint") {
		t.Errorf("creating the key should say so: %q", errOut)
	}
	if _, err := os.Stat(scramble.KeyFilePath(filepath.Dir(cfg))); err != nil {
		t.Fatalf("no key after turning on: %v", err)
	}
	bak, err := os.ReadFile(cfg + ".bak")
	if err != nil || string(bak) != string(before) {
		t.Errorf(".bak does not hold the previous file: %v", err)
	}
	after, _ := os.ReadFile(cfg)
	if len(after) != len(before) {
		t.Errorf("only the value should change: %d bytes became %d", len(before), len(after))
	}
	out, _, _ = lsui(t, nil, "config", "scramble", "--root", root)
	if !strings.HasPrefix(out, "on (") {
		t.Errorf("state after on: %q", out)
	}
	_, _, code = lsui(t, nil, "config", "scramble", "off", "--root", root)
	restored, _ := os.ReadFile(cfg)
	if code != exitOK || string(restored) != string(before) {
		t.Errorf("off should give back the original bytes (exit %d)", code)
	}
}

func TestScrambleNames(t *testing.T) {
	root := demoRoot(t)
	// No key yet: a throwaway preview key, said on stderr.
	out, errOut, code := lsui(t, nil, "scramble", "--root", root, "alice@corp.example", "Bob")
	if code != exitOK || !strings.Contains(errOut, "throwaway preview key") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "alice@corp.example\t") || len(strings.Split(lines[0], "\t")[1]) != scramble.PseudonymLen {
		t.Fatalf("output %q", out)
	}
	lsui(t, nil, "config", "scramble", "on", "--root", root, "--now", fixedNow)
	first, _, _ := lsui(t, nil, "scramble", "--root", root, "--now", fixedNow, "Alice@CORP.example")
	second, errOut, _ := lsui(t, nil, "scramble", "--root", root, "--now", fixedNow, " alice@corp.example ")
	if first == "" || strings.Split(first, "\t")[1] != strings.Split(second, "\t")[1] {
		t.Errorf("server key must give one pseudonym per canonical name: %q vs %q", first, second)
	}
	if strings.Contains(errOut, "preview") {
		t.Error("with a saved key there is no preview note")
	}
	js, _, code := lsui(t, nil, "scramble", "--json", "--root", root, "--now", fixedNow, "carol")
	var doc struct {
		Key   struct{ Fingerprint string } `json:"key"`
		Names []struct{ Name, Pseudonym string }
	}
	if code != exitOK || json.Unmarshal([]byte(js), &doc) != nil || len(doc.Names) != 1 || doc.Key.Fingerprint == "" {
		t.Errorf("json: exit %d %q", code, js)
	}
	keyFile, _ := os.ReadFile(scramble.KeyFilePath(filepath.Join(root, "WebServicesForLicensing")))
	for _, f := range strings.Fields(string(keyFile)) {
		if len(f) == 64 && strings.Contains(js, f) {
			t.Fatal("the key reached the output")
		}
	}
}

func TestScrambleRotateWarns(t *testing.T) {
	root := demoRoot(t)
	lsui(t, nil, "config", "scramble", "on", "--root", root, "--now", fixedNow)
	out, errOut, code := lsui(t, nil, "scramble", "rotate", "--root", root, "--now", fixedNow, "--tz", "UTC")
	if code != exitOK || !strings.Contains(errOut, "continuity breaks") || !strings.Contains(out, "2026-12-01") {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}
