package lmstat

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any input parses without panicking, to non-negative totals,
// with every problem naming a line of the input.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/realdata/lmstat_*.txt")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 8<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(citrixWindows))
	f.Add(utf16LE(citrixWindows))
	f.Add([]byte("Users of A:  (Total of 1 license issued;  Total of 1 license in use)\n    a b (v1) (s 1), start Mon 1/1 0:00, 2 licenses  (linger: 1)\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		l, err := Parse(bytes.NewReader(in), "fuzz")
		if err != nil {
			t.Fatalf("a bytes.Reader cannot fail: %v", err)
		}
		lines := bytes.Count(in, []byte("\n")) + 1
		for _, p := range l.Problems {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("problem at line %d of %d: %v", p.Line, lines, p)
			}
		}
		for _, ft := range l.Features {
			if ft.Issued < 0 || ft.InUse < 0 || ft.CheckedOut() < 0 {
				t.Fatalf("negative totals: %+v", ft)
			}
			for _, c := range ft.Checkouts {
				if c.Licenses < 0 {
					t.Fatalf("negative licences: %+v", c)
				}
			}
		}
	})
}
