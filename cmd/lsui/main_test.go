package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const fixedNow = "2026-11-27T10:00:00Z"

// lsui runs the CLI in-process; vars is its whole environment.
func lsui(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code = run(args, e)
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/lsui -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test ./cmd/lsui -update rewrites it)\n--- got ---\n%s", name, got)
	}
}

// TestDemoGoldens runs each read-only command on the demo server at a fixed
// clock. Running twice proves the output is byte-identical from run to run.
func TestDemoGoldens(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"licenses.json", []string{"licenses", "--json"}},
		{"licenses.txt", []string{"licenses"}},
		{"entitlements.json", []string{"entitlements", "--json"}},
		{"entitlements.txt", []string{"--json=false", "entitlements"}},
		{"usage.json", []string{"usage", "--json"}},
		{"usage-last-month.json", []string{"usage", "--month", "2026-10", "--json"}},
		{"check.txt", []string{"check"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--demo", "--now", fixedNow}, c.args...)
			out1, errOut, code := lsui(t, nil, args...)
			if c.name != "check.txt" && code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			out2, _, _ := lsui(t, nil, args...)
			if out1 != out2 {
				t.Fatal("output differs between two runs at the same --now")
			}
			if strings.HasSuffix(c.name, ".json") && !json.Valid([]byte(out1)) {
				t.Fatal("not valid JSON")
			}
			if strings.Contains(out1, os.TempDir()) {
				t.Error("output shows the demo's temporary folder; it must say DEMO")
			}
			golden(t, c.name, out1)
		})
	}
}

func TestLicensesJSONContract(t *testing.T) {
	out, _, code := lsui(t, nil, "licenses", "--demo", "--now", fixedNow, "--json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Root     string           `json:"root"`
		Licenses []map[string]any `json:"licenses"`
		Errors   []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Root != demoRootLabel {
		t.Errorf("root = %q, want %q", doc.Root, demoRootLabel)
	}
	keys := []string{"file", "line", "keyword", "feature", "vendor", "version", "css_date", "expires", "count",
		"uncounted", "product", "edition", "model", "product_code", "edition_code", "model_code", "license_type",
		"overdraft", "issued", "start", "serial", "notice", "hostid"}
	if len(doc.Licenses) == 0 {
		t.Fatal("no licences in the demo")
	}
	for _, k := range keys {
		if _, ok := doc.Licenses[0][k]; !ok {
			t.Errorf("licence record lacks %q", k)
		}
	}
	if len(doc.Errors) != 1 {
		t.Errorf("demo has %d malformed lines, want exactly 1", len(doc.Errors))
	}
	for _, e := range doc.Errors {
		if e["file"] == "" || e["line"].(float64) < 1 || e["message"] == "" {
			t.Errorf("error record incomplete: %v", e)
		}
	}
}

func TestCheckStatuses(t *testing.T) {
	out, _, code := lsui(t, nil, "check", "--demo", "--now", fixedNow)
	if code != 2 || !strings.HasPrefix(out, "LICENSES CRITICAL - ") {
		t.Errorf("demo check: exit %d, %q; the demo has an expired eval still in use, so CRITICAL", code, out)
	}
	out, _, code = lsui(t, nil, "check", "--root", filepath.Join(t.TempDir(), "missing"))
	if code != 3 || !strings.HasPrefix(out, "LICENSES UNKNOWN - ") {
		t.Errorf("unreadable root: exit %d, %q, want 3 UNKNOWN", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	cases := [][]string{
		{"nosuchcommand"},
		{"licenses", "--bogus"},
		{"usage", "--month", "2026-13", "--demo"},
		{"config", "scramble", "maybe", "--demo"},
		{"check", "--warn-days", "-1", "--demo"},
	}
	for _, args := range cases {
		_, errOut, code := lsui(t, nil, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 3 || errOut == "" {
			t.Errorf("%v: want a short clear error on stderr, got %q", args, errOut)
		}
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			p := append(append([]string{}, path...), sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	walk(newRootCommand(&env{getenv: func(string) string { return "" }}), nil)
	if len(paths) < 15 {
		t.Fatalf("only %d commands found: %v", len(paths), paths)
	}
	for _, p := range paths {
		out, _, code := lsui(t, nil, append(p, "--help")...)
		if code != exitOK || !strings.Contains(out, "Usage: lsui "+strings.Join(p, " ")) {
			t.Errorf("%v --help: exit %d, %q", p, code, out)
		}
	}
	out, _, code := lsui(t, nil, "--help")
	if code != exitOK || !strings.Contains(out, "licenses") {
		t.Errorf("lsui --help: exit %d, %q", code, out)
	}
}

func TestRootErrorsNameTheFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, errOut, code := lsui(t, map[string]string{"LSUI_ROOT": missing}, "licenses")
	if code != exitFail || !strings.Contains(errOut, missing) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q: want one line naming %s", code, errOut, missing)
	}
}

func TestIndentShallow(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1,"b":[{"x":"[,{"},{"y":2}],"c":[],"d":{}}`,
			"{\n  \"a\": 1,\n  \"b\": [\n    {\"x\":\"[,{\"},\n    {\"y\":2}\n  ],\n  \"c\": [],\n  \"d\": {}\n}"},
		{`{"s":"a\"}b"}`, "{\n  \"s\": \"a\\\"}b\"\n}"},
		{`[]`, `[]`},
	}
	for _, tt := range tests {
		if got := string(indentShallow([]byte(tt.in), 2)); got != tt.want {
			t.Errorf("indentShallow(%s) =\n%s\nwant\n%s", tt.in, got, tt.want)
		}
		if !json.Valid(indentShallow([]byte(tt.in), 2)) {
			t.Errorf("%s: not valid JSON after indenting", tt.in)
		}
	}
}
