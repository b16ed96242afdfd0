package payload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// manyLicences is a valid payload with n extra licence files.
func manyLicences(t testing.TB, n int) []byte {
	return payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
		for i := range n {
			files = append(files, zfile{name: fmt.Sprintf("licenses/f%04d.lic", i),
				data: []byte(strings.Repeat(fmt.Sprintf("INCREMENT F%d CITRIX 2025.0630 permanent %d\n", i, i), 1+i%7))})
		}
		*m = manifestFor(files, false)
		return files
	})
}

func TestScanListsWithoutReading(t *testing.T) {
	data := manyLicences(t, 40)
	s := Scan(context.Background(), bytes.NewReader(data), int64(len(data)), "p.zip", DefaultLimits)
	l := s.Listing()
	if l.State != StateListed || l.OK || len(l.Problems) != 0 {
		t.Fatalf("listing: state %q ok %v problems %q", l.State, l.OK, l.Problems)
	}
	if !strings.HasPrefix(l.Verdict(), "LISTED: ") {
		t.Errorf("listing verdict %q", l.Verdict())
	}
	if l.Manifest != nil || l.Summary != (Summary{}) {
		t.Errorf("a listing has read content: manifest %v, summary %+v", l.Manifest, l.Summary)
	}
	for _, e := range l.Entries {
		if e.Read || e.SHA256 != "" || e.Check != CheckPending {
			t.Errorf("listed entry %s: read %v sha %q check %q", e.Name, e.Read, e.SHA256, e.Check)
		}
	}

	progress := make(chan VerifyProgress, 1000)
	rep := s.Verify(context.Background(), progress)
	close(progress)
	if !rep.OK || rep.State != StateVerified {
		t.Fatalf("verified: %s", rep.Verdict())
	}
	if l.State != StateListed || l.Entries[0].Check != CheckPending {
		t.Errorf("Verify changed the listing: %q, %q", l.State, l.Entries[0].Check)
	}
	if again := s.Verify(context.Background(), nil); again != rep {
		t.Error("a second Verify returned another report")
	}
	var last VerifyProgress
	n := 0
	for p := range progress {
		if p.Entries < last.Entries && p.Bytes < last.Bytes {
			// Workers may deliver out of order; never both behind.
			t.Errorf("progress went back: %+v after %+v", p, last)
		}
		last, n = p, n+1
	}
	if n != len(rep.Entries) || last.TotalEntries != len(rep.Entries) || last.TotalBytes == 0 {
		t.Errorf("%d progress values, last %+v, for %d entries", n, last, len(rep.Entries))
	}
}

// TestVerifyIsDeterministic: entries are read on all cores, but the report
// must not depend on which finished first.
func TestVerifyIsDeterministic(t *testing.T) {
	data := manyLicences(t, 60)
	// Corrupt several entries' CRC-32 in the central directory.
	bad := append([]byte(nil), data...)
	for _, name := range []string{"licenses/f0003.lic", "licenses/f0031.lic", "licenses/f0057.lic"} {
		i := bytes.LastIndex(bad, []byte(name))
		bad[i-46+16]++ // the CRC field of the central record before the name
	}
	var first []byte
	for range 8 {
		rep := inspectBytes(bad, DefaultLimits)
		if rep.OK {
			t.Fatal("corrupt entries accepted")
		}
		got, _ := json.Marshal(rep)
		if first == nil {
			first = got
			joined := strings.Join(rep.Problems, "\n")
			a, b, c := strings.Index(joined, "f0003"), strings.Index(joined, "f0031"), strings.Index(joined, "f0057")
			if a < 0 || !(a < b && b < c) {
				t.Fatalf("problems not in zip order:\n%s", joined)
			}
			continue
		}
		if !bytes.Equal(got, first) {
			t.Fatalf("reports differ between runs:\n%s\n%s", first, got)
		}
	}
}

func TestScanFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.zip")
	if err := os.WriteFile(good, manyLicences(t, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		listing    State
		final      State
		problem    string
	}{
		{"good", good, StateListed, StateVerified, ""},
		{"missing", filepath.Join(dir, "nope.zip"), StateRejected, StateRejected, "cannot open"},
		{"folder", dir, StateRejected, StateRejected, "not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ScanFile(context.Background(), tc.path, DefaultLimits)
			if got := s.Listing().State; got != tc.listing {
				t.Errorf("listing %q, want %q", got, tc.listing)
			}
			rep := s.Verify(context.Background(), nil)
			if rep.State != tc.final || !strings.Contains(strings.Join(rep.Problems, "\n"), tc.problem) {
				t.Errorf("final %q %q, want %q with %q", rep.State, rep.Problems, tc.final, tc.problem)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close after Verify: %v", err)
			}
		})
	}
	// Abandoned after the listing: Close releases the file.
	s := ScanFile(context.Background(), good, DefaultLimits)
	if err := s.Close(); err != nil || s.Close() != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestListingRejectsWhatTheDirectoryShows: structural problems are in the
// listing already, so a screen shows them before any content is read.
func TestListingRejectsWhatTheDirectoryShows(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		problem string
	}{
		{"overlap", overlappingZip(), "overlap"},
		{"local name lie", localNameLie(), `local header names it "evil"`},
		{"bad name", payloadZip(t, false, listed(zfile{name: "../escape.lic", data: []byte("x")})), `".." in path`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Scan(context.Background(), bytes.NewReader(tc.data), int64(len(tc.data)), "x.zip", DefaultLimits)
			l := s.Listing()
			if l.State != StateRejected || !strings.Contains(strings.Join(l.Problems, "\n"), tc.problem) {
				t.Errorf("listing %q %q, want a problem with %q", l.State, l.Problems, tc.problem)
			}
			if rep := s.Verify(context.Background(), nil); rep.OK {
				t.Error("verified a zip its listing rejected")
			}
		})
	}
}
