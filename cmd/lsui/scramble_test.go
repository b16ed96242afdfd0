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
	out, errOut, code := lsui(t, nil, "scramble", "rotate", "--yes", "--root", root, "--now", fixedNow, "--tz", "UTC")
	if code != exitOK || !strings.Contains(errOut, "continuity breaks") || !strings.Contains(out, "2026-12-01") {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}

// lsuiOnTerminal runs the CLI as if stdin and stderr were a terminal, with
// input typed on it.
func lsuiOnTerminal(t *testing.T, input string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb strings.Builder
	e := &env{stdin: strings.NewReader(input), stdout: &out, stderr: &errb, getenv: func(string) string { return "" },
		isTerminal: func(any) bool { return true }}
	code = run(args, e)
	return out.String(), errb.String(), code
}

func TestScrambleRotateConfirms(t *testing.T) {
	root := demoRoot(t)
	common := []string{"--root", root, "--now", fixedNow, "--tz", "UTC"}
	lsui(t, nil, append([]string{"config", "scramble", "on"}, common...)...)
	keyFile := scramble.KeyFilePath(filepath.Join(root, "WebServicesForLicensing"))
	before, _ := os.ReadFile(keyFile)
	unchanged := func(what string) {
		t.Helper()
		if after, _ := os.ReadFile(keyFile); string(after) != string(before) {
			t.Errorf("%s changed the key file", what)
		}
	}

	// A script without --yes: refused, one line saying what to pass.
	_, errOut, code := lsui(t, nil, append([]string{"scramble", "rotate"}, common...)...)
	if code != exitFail || !strings.Contains(errOut, "pass --yes") {
		t.Errorf("no terminal, no --yes: exit %d, %q", code, errOut)
	}
	unchanged("a refused rotation")

	// On a terminal: asked; anything but y is no.
	for _, answer := range []string{"n\n", "\n", ""} {
		_, errOut, code = lsuiOnTerminal(t, answer, append([]string{"scramble", "rotate", "--immediate"}, common...)...)
		if code != exitFail || !strings.Contains(errOut, "Rotate the scramble key? [y/N]") || !strings.Contains(errOut, "not rotated") {
			t.Errorf("answer %q: exit %d, %q", answer, code, errOut)
		}
	}
	unchanged("a declined rotation")
	out, errOut, code := lsuiOnTerminal(t, "y\n", append([]string{"scramble", "rotate"}, common...)...)
	if code != exitOK || !strings.Contains(out, "effective 2026-12-01T00:00:00Z") {
		t.Fatalf("answer y: exit %d\n%s\n%s", code, out, errOut)
	}
	pending := strings.Fields(out)[3] // "rotated OLD -> NEW, effective …"
	pending = strings.TrimSuffix(pending, ",")

	// --cancel withdraws the pending key; a second --cancel has nothing to do.
	out, errOut, code = lsui(t, nil, append([]string{"scramble", "rotate", "--cancel"}, common...)...)
	if code != exitOK || !strings.Contains(out, "withdrew pending key "+pending) {
		t.Errorf("--cancel: exit %d, %q %q", code, out, errOut)
	}
	unchanged2, _ := os.ReadFile(keyFile)
	if strings.Contains(string(unchanged2), "key "+pending) {
		t.Error("the withdrawn key's bytes are still in the file")
	}
	_, errOut, code = lsui(t, nil, append([]string{"scramble", "rotate", "--cancel"}, common...)...)
	if code != exitFail || !strings.Contains(errOut, "no rotation is pending") {
		t.Errorf("second --cancel: exit %d, %q", code, errOut)
	}
	if _, errOut, code = lsui(t, nil, append([]string{"scramble", "rotate", "--cancel", "--immediate"}, common...)...); code != exitUsage {
		t.Errorf("--cancel --immediate: exit %d, %q; want a usage error", code, errOut)
	}
}

func TestScrambleRotateOnTheDemoSaysWhatIsMissing(t *testing.T) {
	_, errOut, code := lsui(t, nil, "scramble", "rotate", "--yes", "--demo", "--now", fixedNow)
	if code != exitFail || strings.Contains(errOut, os.TempDir()) || !strings.Contains(errOut, "DEMO/WebServicesForLicensing/lsui-scramble.key") ||
		!strings.Contains(errOut, "lsui config scramble on") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, %q: want one line naming DEMO's key file and the fix", code, errOut)
	}
}
