package payload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestNameProblems(t *testing.T) {
	tests := []struct {
		name string
		want []string // substrings, in order; nil means safe
	}{
		{"usage.json", nil},
		{"licenses/citrix_startup.lic", nil},
		{"licenses/Zoë.lic", nil},
		{"a..b/c", nil}, // dots inside a name are not a parent reference
		{"licenses/", nil},
		{"", []string{"empty name"}},
		{"..", []string{`".."`}},
		{"a/../../b", []string{`".."`}},
		{"/etc/passwd", []string{"absolute"}},
		{`a\b`, []string{"backslash"}},
		{`..\x`, []string{"backslash", `".."`}},
		{"C:x", []string{"drive letter"}},
		{"z:/x", []string{"drive letter"}},
		{"ab:c", []string{"colon"}},
		{"a\x00b", []string{"control character"}},
		{"a\x1b[31mred", []string{"control character"}},
		{"a\u009bb", []string{"control character"}},
		{"a\u202eb", []string{"bidi"}},
		{"a\u200bb", []string{"bidi"}},
		{"a\xffb", []string{"not valid UTF-8"}},
	}
	for _, tc := range tests {
		got := nameProblems(tc.name)
		if len(got) != len(tc.want) {
			t.Errorf("%q: problems %q, want %d like %q", tc.name, got, len(tc.want), tc.want)
			continue
		}
		for i := range got {
			if !strings.Contains(got[i], tc.want[i]) {
				t.Errorf("%q: problem %d is %q, want it to mention %q", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}

func TestLooksPseudonymized(t *testing.T) {
	for name, want := range map[string]bool{
		"abcdefghijklmnopqrstuvwxyz": true,
		"7kz2m4q5x6a7b2c3d4e5f6g7h2": true,
		"abcdefghijklmnopqrstuvwxy":  false, // 25
		"Abcdefghijklmnopqrstuvwxyz": false,
		"abcdefghijklmnopqrstuvwxy1": false, // 1 is not base32
		"alice@corp.example":         false,
		`CORP\alice`:                 false,
		"abcdefghijklm nopqrstuvwxy": false,
		"abcdefghijklm.nopqrstuvwxy": false,
		"":                           false,
	} {
		if got := LooksPseudonymized(name); got != want {
			t.Errorf("LooksPseudonymized(%q) = %v", name, got)
		}
	}
}

// TestReportJSON pins the `payload inspect --json` contract from the issue.
func TestReportJSON(t *testing.T) {
	rep := inspectBytes(payloadZip(t, true, nil), DefaultLimits)
	if !rep.OK {
		t.Fatalf("valid scrambled payload rejected: %q", rep.Problems)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(top); !reflect.DeepEqual(got, []string{"citrix", "entries", "file", "format", "manifest", "ok", "problems", "state", "summary"}) {
		t.Errorf("top-level keys %v", got)
	}
	if string(top["state"]) != `"verified"` {
		t.Errorf("state %s, want \"verified\"", top["state"])
	}
	if string(top["problems"]) != "[]" {
		t.Errorf("problems %s, want []", top["problems"])
	}
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(top["entries"], &entries); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"name", "size", "compressed", "sha256"} {
		if _, ok := entries[0][key]; !ok {
			t.Errorf("entry has no %q: %s", key, top["entries"])
		}
	}
	var summary map[string]json.RawMessage
	if err := json.Unmarshal(top["summary"], &summary); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"licenses", "features", "identities", "scrambled", "plaintext_identities_found"} {
		if _, ok := summary[key]; !ok {
			t.Errorf("summary has no %q: %s", key, top["summary"])
		}
	}
	want := Summary{Licenses: 2, Features: 1, Identities: 2, Scrambled: true, LicenceFiles: 1}
	if rep.Summary != want {
		t.Errorf("summary %+v, want %+v", rep.Summary, want)
	}

	bad := inspectBytes([]byte("nope"), DefaultLimits)
	data, _ = json.Marshal(bad)
	if !bytes.Contains(data, []byte(`"manifest":null`)) || !bytes.Contains(data, []byte(`"entries":[]`)) {
		t.Errorf("rejected report JSON %s", data)
	}
}

func sortedKeys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		rep  Report
		want string
	}{
		{Report{OK: true, State: StateVerified, Entries: make([]Entry, 5), Summary: Summary{Licenses: 3, Features: 2, Identities: 40, Scrambled: true}},
			"LSUI: manifest verified (5 entries); 3 licence lines, 2 features, 40 identities (scrambled)"},
		{Report{OK: true, State: StateVerified, Summary: Summary{}}, "LSUI: manifest verified (0 entries); 0 licence lines, 0 features, 0 identities (plain names)"},
		{Report{State: StateListed, Entries: make([]Entry, 4)}, "LISTED: 4 entries, directory and layout checked; content not read, so not verified"},
		{Report{Problems: []string{"no manifest.json"}}, "REJECTED: no manifest.json"},
		{Report{Problems: []string{"a", "b", "c"}}, "REJECTED: a (+2 more)"},
		{Report{}, "REJECTED: unknown problem"},
	}
	for _, tc := range tests {
		if got := tc.rep.Verdict(); got != tc.want {
			t.Errorf("Verdict() = %q, want %q", got, tc.want)
		}
	}
}

func TestInspectStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := payloadZip(t, false, nil)
	rep := Inspect(ctx, bytes.NewReader(data), int64(len(data)), "x.zip", DefaultLimits)
	if rep.OK || !strings.Contains(strings.Join(rep.Problems, "\n"), "stopped") {
		t.Errorf("cancelled inspection: %s", rep.Verdict())
	}
}

func TestInspectFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		path, want string
	}{
		{filepath.Join(dir, "missing.zip"), "cannot open"},
		{dir, "not a regular file"},
	} {
		rep := InspectFile(context.Background(), tc.path, DefaultLimits)
		if rep.OK || !strings.Contains(rep.Verdict(), tc.want) || rep.File != tc.path {
			t.Errorf("%s: %s (file %q)", tc.path, rep.Verdict(), rep.File)
		}
	}
}

// TestInspectSymlinkIsData: the link's target is hashed as the entry's
// content and nothing is followed.
func TestInspectSymlinkIsData(t *testing.T) {
	link := zfile{name: "licenses/link.lic", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}
	rep := inspectBytes(payloadZip(t, false, listed(link)), DefaultLimits)
	i := entryIndex(rep.Entries, link.name)
	if i < 0 {
		t.Fatal("no link entry")
	}
	e := rep.Entries[i]
	if !e.Symlink || !e.Read || e.Size != int64(len(link.data)) || e.Check != CheckOK {
		t.Errorf("link entry %+v", e)
	}
}

func TestReadEntry(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	big := bytes.Repeat([]byte("0123456789"), 1000)
	good := write("good.zip", payloadZip(t, false, listed(zfile{name: "licenses/big.lic", data: big})))
	slip := write("slip.zip", payloadZip(t, false, listed(zfile{name: "../x", data: []byte("outside")})))
	bomb := write("bomb.zip", payloadZip(t, false, listed(zfile{name: "licenses/bomb.lic", data: make([]byte, 8<<20)})))
	overlap := write("overlap.zip", overlappingZip())
	folder := write("folder.zip", zipOf(t, []zfile{{name: "licenses/", store: true}}))

	data, err := ReadEntry(context.Background(), good, "licenses/big.lic", 1<<20)
	if err != nil || !bytes.Equal(data, big) {
		t.Errorf("whole entry: %d bytes, %v", len(data), err)
	}
	data, err = ReadEntry(context.Background(), good, "licenses/big.lic", 100)
	if !errors.Is(err, ErrTruncated) || !bytes.Equal(data, big[:100]) {
		t.Errorf("capped entry: %q, %v", data, err)
	}
	if data, err := ReadEntry(context.Background(), slip, "../x", 100); err != nil || string(data) != "outside" {
		t.Errorf("a badly named entry is still viewable as data: %q, %v", data, err)
	}
	for _, tc := range []struct {
		path, entry, want string
	}{
		{good, "nope.json", "file does not exist"},
		{bomb, "licenses/bomb.lic", "compression ratio"},
		{overlap, "a", "overlap"},
		{folder, "licenses/", "is a folder"},
		{filepath.Join(dir, "missing.zip"), "x", "no such file"},
	} {
		_, err := ReadEntry(context.Background(), tc.path, tc.entry, 1<<20)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: err %v, want %q", filepath.Base(tc.path), tc.entry, err, tc.want)
		}
	}
}

// TestInspectToleratesFolders: folder entries are not problems in
// themselves. (Data before the first entry, a self-extractor stub, is:
// streaming readers see it; TestHostileZips has it.)
func TestInspectToleratesFolders(t *testing.T) {
	withFolder := payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
		return append([]zfile{{name: "licenses/", store: true}}, files...)
	})
	rep := inspectBytes(withFolder, DefaultLimits)
	if !rep.OK || !rep.Entries[0].Dir || rep.Entries[0].Check != CheckFolder {
		t.Errorf("folder entry: %s %+v", rep.Verdict(), rep.Entries[0])
	}
}
