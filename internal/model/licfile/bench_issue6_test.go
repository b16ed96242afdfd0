package licfile_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/scripts/gen/synth"
)

// rootFiles is how many licence files the suite parses per operation
// (issue 6): a large customer's MyFiles, as scripts/gen writes it.
const rootFiles = 1000

// generatedRoot is the suite's MyFiles in memory: names and contents.
var generatedRoot = sync.OnceValues(func() ([]string, [][]byte) {
	names := make([]string, rootFiles)
	data := make([][]byte, rootFiles)
	for i := range names {
		names[i], data[i] = synth.LicenceFileName(i), synth.LicenceFile(i)
	}
	return names, data
})

func rootBytes(data [][]byte) int64 {
	n := 0
	for _, d := range data {
		n += len(d)
	}
	return int64(n)
}

// writeRoot puts the generated files in a temporary MyFiles once per
// benchmark; the page cache then holds them, as it does for a server whose
// dashboard reloads.
func writeRoot(b *testing.B) string {
	dir := filepath.Join(b.TempDir(), "MyFiles")
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	names, data := generatedRoot()
	for i, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), data[i], 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkParseRoot is the model's path for MyFiles (model.loadLicences):
// list the folder, then open and Parse every .lic. MB/s is over the
// licence bytes.
func BenchmarkParseRoot(b *testing.B) {
	dir := writeRoot(b)
	_, data := generatedRoot()
	b.SetBytes(rootBytes(data))
	b.ReportAllocs()
	for b.Loop() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		lines := 0
		for _, e := range entries {
			if !strings.EqualFold(filepath.Ext(e.Name()), ".lic") {
				continue
			}
			f, err := os.Open(filepath.Join(dir, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			lf, err := licfile.Parse(e.Name(), f)
			f.Close()
			if err != nil || len(lf.Errors) > 0 {
				b.Fatalf("%s: %v %v", e.Name(), err, lf.Errors)
			}
			lines += len(lf.Lines)
		}
		if lines < rootFiles {
			b.Fatalf("%d licence lines in %d files", lines, rootFiles)
		}
	}
}

// BenchmarkParseRootBytes is the parser alone over the same files, already
// in memory.
func BenchmarkParseRootBytes(b *testing.B) {
	names, data := generatedRoot()
	b.SetBytes(rootBytes(data))
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range data {
			if lf := licfile.ParseBytes(names[i], d); len(lf.Lines) == 0 {
				b.Fatalf("%s: no lines", names[i])
			}
		}
	}
}

// BenchmarkReadRootFloor is BenchmarkParseRoot's floor: the same listing,
// opens and reads, with only a line count for work.
func BenchmarkReadRootFloor(b *testing.B) {
	dir := writeRoot(b)
	_, data := generatedRoot()
	b.SetBytes(rootBytes(data))
	for b.Loop() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		lines := 0
		for _, e := range entries {
			if !strings.EqualFold(filepath.Ext(e.Name()), ".lic") {
				continue
			}
			d, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			lines += bytes.Count(d, []byte{'\n'})
		}
		if lines == 0 {
			b.Fatal("no lines")
		}
	}
}

// The generated root must be what the benchmarks claim to parse: every
// file clean, every kind of order present, CRLF and BOM files among them.
func TestGeneratedRootParses(t *testing.T) {
	names, data := generatedRoot()
	seen := map[string]bool{}
	crlf, bom := 0, 0
	for i, d := range data {
		lf := licfile.ParseBytes(names[i], d)
		if len(lf.Errors) > 0 || len(lf.Lines) == 0 {
			t.Fatalf("%s: %d lines, errors %v", names[i], len(lf.Lines), lf.Errors)
		}
		for _, l := range lf.Lines {
			seen[l.LicenseType] = true
		}
		if bytes.Contains(d, []byte("\r\n")) {
			crlf++
		}
		if bytes.HasPrefix(d, []byte("\xef\xbb\xbf")) {
			bom++
		}
	}
	for _, lt := range []string{"SYS", "Retail", "RetailS", "Eval", "NFR", "CSP", "TP"} {
		if !seen[lt] {
			t.Errorf("no LT=%s line in the generated root", lt)
		}
	}
	if crlf == 0 || bom == 0 {
		t.Errorf("%d CRLF files and %d BOM files: want some of each", crlf, bom)
	}
	if n := rootBytes(data); n < 500_000 {
		t.Errorf("generated root is %d bytes: want the size of a large MyFiles", n)
	}
}
