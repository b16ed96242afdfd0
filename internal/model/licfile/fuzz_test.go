package licfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: no input panics, every error and line points at a real
// physical line, and the derived views (Display, Entitled, Overdraft) are
// safe on whatever the parser produced.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.lic"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed fixtures: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"\uFEFF",
		"\\",
		"\"",
		"INCREMENT a b c d e \"",
		"INCREMENT a b c d e f=\"x \\\r\ny\"\r",
		"INCREMENT a b 2025.0229 31-feb-2026 -1 VENDOR_STRING=;GP=x;;=;SA=2",
		"SERVER\nVENDOR\nUSE_SERVER x\nPACKAGE\n=\n\"\"\n",
		"a \\\n\\\n\\\n",
		"INCREMENT XDTTP_PLT_UD CITRIX 2025.0630 1-jan-0 0\nINCREMENT XDSTP_PLT_UD CITRIX 2025.0630 1-jan-0 0\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := ParseBytes("fuzz.lic", data)
		text := strings.TrimPrefix(string(data), "\uFEFF")
		physical := physicalLineCount(text)
		for _, e := range file.Errors {
			if e.Line < 1 || e.Line > physical || e.File != "fuzz.lic" {
				t.Fatalf("error %v outside lines 1..%d", e, physical)
			}
		}
		for _, l := range file.Lines {
			if l.LineNo < 1 || l.LineNo > physical || l.File != "fuzz.lic" {
				t.Fatalf("line %s outside lines 1..%d", l.Pos(), physical)
			}
			if l.Count < 0 || l.ODP < 0 || l.GraceHours < 0 || l.LeaseDays < 0 || l.Overdraft() < 0 {
				t.Fatalf("negative number on %s: %+v", l.Pos(), *l)
			}
			if l.Uncounted && l.Count != 0 {
				t.Fatalf("uncounted line with count %d", l.Count)
			}
			if l.Permanent && !l.Expires.IsZero() {
				t.Fatalf("permanent line with expiry %v", l.Expires)
			}
			_ = l.Name.Display()
			_ = l.CountsAsEntitlement()
		}
		for _, s := range file.Servers {
			if s.LineNo < 1 || s.LineNo > physical {
				t.Fatalf("server line %d outside 1..%d", s.LineNo, physical)
			}
			_ = s.HostName()
		}
		_ = Entitled(file.Lines)
		again := ParseBytes("fuzz.lic", bytes.Clone(data))
		if a, b := fmt.Sprint(len(file.Lines), file.Errors), fmt.Sprint(len(again.Lines), again.Errors); a != b {
			t.Fatalf("non-deterministic parse: %s vs %s", a, b)
		}
	})
}

// physicalLineCount counts lines independently of the parser's splitter:
// LF, CRLF and lone CR each end one; a last line may lack its break.
func physicalLineCount(s string) int {
	n := strings.Count(s, "\n") + strings.Count(s, "\r") - strings.Count(s, "\r\n")
	if s != "" && !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, "\r") {
		n++
	}
	return n
}
