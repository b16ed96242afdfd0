package payload

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
)

// TestCyclesNeverTouchCitrixFiles runs full cycles — failures, a success
// that prunes, another failure — beside Citrix's own call-home zips, one
// with an old time that a prune of that folder would have deleted, and a
// journal-looking file of Citrix's. Every one of them is still there,
// byte for byte, and lsui's own payloads are only in lsui/.
func TestCyclesNeverTouchCitrixFiles(t *testing.T) {
	root := fixtureRoot(t)
	usage := loadRoot(t, root, testNow).Layout.UsageDir
	if err := os.MkdirAll(usage, 0o755); err != nil {
		t.Fatal(err)
	}
	fx := citrixFixtures(t)
	citrix := map[string][]byte{
		uploads.FileName(testNow.Add(-72 * time.Hour)): fx["plain"],     // older than every lsui payload
		uploads.FileName(testNow.Add(-1 * time.Hour)):  fx["scrambled"], // a failed Citrix upload lingering
		uploads.FileName(testNow.Add(30 * time.Hour)):  fx["nested"],    // newer than lsui's
		"upload_manual.zip":                            fx["extra"],
		"citrix-notes.log":                             []byte("not lsui's\r\n"),
	}
	for name, data := range citrix {
		if err := os.WriteFile(filepath.Join(usage, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sc := newScripted(t, false)
	var built []string
	for i, c := range "ffsf" {
		if c == 's' {
			sc.steps = []step{sc.status(201)}
		} else {
			sc.steps = []step{sc.status(403)}
		}
		now := testNow.Add(time.Duration(i) * time.Hour)
		res, err := RunCycle(context.Background(), loadRoot(t, root, now), quickOptions(sc.srv.URL, now))
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		if len(res.Moved) != 0 {
			t.Errorf("cycle %d moved %v: Citrix's zips are not lsui's", i, res.Moved)
		}
		built = append(built, res.Built)
	}
	for name, data := range citrix {
		got, err := os.ReadFile(filepath.Join(usage, name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("Citrix's %s changed or went away: %v", name, err)
		}
	}
	lsuiDir := uploads.Dir(usage)
	if got := payloadNames(t, lsuiDir); strings.Join(got, ",") != built[2]+","+built[3] {
		t.Errorf("lsui's folder holds %v, want the success and the later failure of %v", got, built)
	}
	if _, err := os.Stat(filepath.Join(usage, uploads.JournalName)); err == nil {
		t.Errorf("a journal was written into Citrix's folder")
	}
}

// TestMigrateLegacy moves what an earlier lsui left beside Citrix's zips —
// its payloads (recognised by the manifest inside) and its journal — once,
// and leaves Citrix's bundle where it is.
func TestMigrateLegacy(t *testing.T) {
	root := fixtureRoot(t)
	s := loadRoot(t, root, testNow)
	usage := s.Layout.UsageDir
	os.MkdirAll(usage, 0o755)
	legacy := filepath.Join(usage, uploads.FileName(testNow.Add(-48*time.Hour)))
	if _, err := Build(context.Background(), s, BuildOptions{Now: testNow.Add(-48 * time.Hour), Out: legacy}); err != nil {
		t.Fatal(err)
	}
	j, _ := uploads.ReadJournal(usage)
	j.Set(uploads.Record{File: filepath.Base(legacy), Outcome: uploads.Success, At: testNow.Add(-48 * time.Hour)})
	if err := j.Save(); err != nil {
		t.Fatal(err)
	}
	citrixZip := filepath.Join(usage, uploads.FileName(testNow.Add(-24*time.Hour)))
	os.WriteFile(citrixZip, citrixFixtures(t)["plain"], 0o644)
	before, _ := os.ReadFile(citrixZip)

	sc := newScripted(t, false)
	sc.steps = []step{sc.status(403)}
	res, err := RunCycle(context.Background(), loadRoot(t, root, testNow), quickOptions(sc.srv.URL, testNow))
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Join(res.Moved, "\n")
	if !strings.Contains(moved, "moved "+filepath.Base(legacy)+" (an earlier lsui's payload) into lsui/") ||
		!strings.Contains(moved, "moved lsui-journal.json") || len(res.Moved) != 2 {
		t.Errorf("moved lines %q", res.Moved)
	}
	if _, err := os.Stat(filepath.Join(uploads.Dir(usage), filepath.Base(legacy))); err != nil {
		t.Errorf("legacy payload not in lsui/: %v", err)
	}
	if after, err := os.ReadFile(citrixZip); err != nil || !bytes.Equal(after, before) {
		t.Errorf("Citrix's bundle was touched: %v", err)
	}
	// The moved journal kept the legacy payload's outcome.
	if got := outcomeOf(t, uploads.Dir(usage), filepath.Base(legacy)); got != uploads.Success {
		t.Errorf("legacy outcome %q after the move", got)
	}
	// Once: the next cycle moves nothing.
	sc.steps = []step{sc.status(403)}
	res, err = RunCycle(context.Background(), loadRoot(t, root, testNow.Add(time.Hour)), quickOptions(sc.srv.URL, testNow.Add(time.Hour)))
	if err != nil || len(res.Moved) != 0 {
		t.Errorf("second cycle moved %v (%v)", res.Moved, err)
	}
}
