package payload

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/regularfile"
)

// Issue 14, sender side: the cases of items 4, 6, 11, 12 and 13 against
// the upload cycle. Item 5's named pipes are in fifo_hardening_test.go.

// TestHardeningSymlinkedLicenceNeverLeaves: MyFiles/zz.lic pointing at the
// scramble key stops the payload by name, like a hostile name; nothing
// carrying the key is built or sent.
func TestHardeningSymlinkedLicenceNeverLeaves(t *testing.T) {
	root := fixtureRoot(t)
	keyBytes := "lsui-scramble-key v1\nkey 0123456789abcdef 2026-11-01T00:00:00Z " + strings.Repeat("ab", 32) + "\n"
	os.WriteFile(filepath.Join(root, "WebServicesForLicensing", "lsui-scramble.key"), []byte(keyBytes), 0o600)
	if err := os.Symlink("../WebServicesForLicensing/lsui-scramble.key", filepath.Join(root, "MyFiles", "zz.lic")); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(201)}
	s := loadRoot(t, root, testNow)
	res, err := RunCycle(context.Background(), s, quickOptions(sc.srv.URL, testNow))
	if err == nil || !errors.Is(err, regularfile.ErrNotRegular) || !strings.Contains(err.Error(), "zz.lic: a symbolic link, not a regular file") {
		t.Fatalf("cycle: %v, want a refusal naming zz.lic", err)
	}
	if n := len(sc.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	for _, n := range payloadNames(t, uploads.Dir(s.Layout.UsageDir)) {
		data, _ := os.ReadFile(filepath.Join(uploads.Dir(s.Layout.UsageDir), n))
		if strings.Contains(string(data), "abababab") {
			t.Errorf("%s holds the key", n)
		}
	}
	// The journal holds no phantom record of the payload never built
	// (item 12).
	j, _ := uploads.ReadJournal(uploads.Dir(s.Layout.UsageDir))
	if r, ok := j.Get(res.Built); ok {
		t.Errorf("phantom record of the payload never built: %+v", r)
	}
	os.Remove(filepath.Join(root, "MyFiles", "zz.lic"))
	res, err = RunCycle(context.Background(), loadRoot(t, root, testNow.Add(time.Hour)), quickOptions(sc.srv.URL, testNow.Add(time.Hour)))
	if err != nil || !res.OK() {
		t.Fatalf("cycle after removing the link: %+v, %v", res, err)
	}
	j, _ = uploads.ReadJournal(uploads.Dir(s.Layout.UsageDir))
	for _, r := range j.Records {
		if _, err := os.Stat(filepath.Join(uploads.Dir(s.Layout.UsageDir), r.File)); err != nil && !r.Deleted {
			t.Errorf("phantom record %+v", r)
		}
	}
}

// TestHardeningFullReceiverDiskKeepsLastMonth: the receiver, its disk full,
// answers 400 to last month's final payload and 201 to today's. The cycle
// must not then delete last month's payload, nor report it kept and then
// delete it (item 6). The next cycle delivers it and only then prunes it.
func TestHardeningFullReceiverDiskKeepsLastMonth(t *testing.T) {
	for _, status := range []int{400, 507, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			root := fixtureRoot(t)
			s := loadRoot(t, root, testNow)
			dir := uploads.Dir(s.Layout.UsageDir)
			october, sum := placeRecorded(t, dir, time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), uploads.Failed)
			placeRecorded(t, dir, time.Date(2026, 10, 30, 23, 0, 0, 0, time.UTC), uploads.Success)
			sc := newScripted(t, false)
			sc.steps = []step{sc.status(201)}
			sc.byKey[sum] = sc.status(status)
			opt := quickOptions(sc.srv.URL, testNow)
			opt.MaxAttempts = 1
			res, err := RunCycle(context.Background(), s, opt)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(res.Deleted, october) {
				t.Fatalf("deleted %s in the cycle that saw it refused: %+v", october, res)
			}
			for _, a := range res.Uploaded {
				if a.Outcome != uploads.Success && slices.Contains(res.Deleted, a.File) {
					t.Errorf("%s reported %s (kept for the next cycle) and then deleted", a.File, a.Outcome)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, october)); err != nil {
				t.Fatalf("last month's final payload is gone: %v", err)
			}
			if !slices.Contains(res.Kept, october) {
				t.Errorf("kept %v, want %s among them", res.Kept, october)
			}
			// A day later, still refused: it stays (delivered or removed by hand only).
			next := testNow.Add(24 * time.Hour)
			res, err = RunCycle(context.Background(), loadRoot(t, root, next), quickOptions(sc.srv.URL, next))
			if err != nil || slices.Contains(res.Deleted, october) {
				t.Fatalf("second cycle: %+v, %v", res, err)
			}
			// The receiver has room again: delivered, then pruned.
			delete(sc.byKey, sum)
			later := next.Add(24 * time.Hour)
			res, err = RunCycle(context.Background(), loadRoot(t, root, later), quickOptions(sc.srv.URL, later))
			if err != nil || !res.OK() || !slices.Contains(res.Deleted, october) {
				t.Fatalf("third cycle: %+v, %v; want %s delivered and pruned", res, err, october)
			}
		})
	}
}

// TestHardeningFarFutureNameDoesNotSteer: upload_999999999999.zip (year
// 33658) and names past what ParseName reads must not push today's
// payload's name out of range, so every later payload stays visible to
// list and prune (item 13). The stranger is never deleted.
func TestHardeningFarFutureNameDoesNotSteer(t *testing.T) {
	root := fixtureRoot(t)
	s := loadRoot(t, root, testNow)
	dir := uploads.Dir(s.Layout.UsageDir)
	os.MkdirAll(dir, 0o755)
	strangers := []string{"upload_999999999999.zip", "upload_1000000000000.zip", "upload_99999999999999999999.zip"}
	for _, n := range strangers {
		os.WriteFile(filepath.Join(dir, n), []byte("not lsui's"), 0o644)
	}
	// A future name lsui itself recorded (a clock once years ahead) does not
	// count as the newest success either.
	future, _ := placeRecorded(t, dir, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), uploads.Success)
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(201)}
	var built []string
	for day := range 3 {
		now := testNow.AddDate(0, 0, day)
		res, err := RunCycle(context.Background(), loadRoot(t, root, now), quickOptions(sc.srv.URL, now))
		if err != nil || !res.OK() {
			t.Fatalf("day %d: %+v, %v", day, res, err)
		}
		if res.Built != uploads.FileName(now) {
			t.Errorf("day %d built %s, want %s", day, res.Built, uploads.FileName(now))
		}
		built = append(built, res.Built)
		list, _, err := uploads.List(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range list {
			names = append(names, u.Name)
		}
		if !slices.Contains(names, res.Built) {
			t.Errorf("day %d: %s not listed: %v", day, res.Built, names)
		}
	}
	got := payloadNames(t, dir)
	want := []string{built[2], future, "upload_999999999999.zip"}
	if !slices.Equal(got, want) {
		t.Errorf("on disk %v, want %v (older payloads pruned, today's and the far-future ones kept)", got, want)
	}
	for _, n := range strangers {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

// TestHardeningCrashLeftoversSwept: temporary key, config, backup,
// lsui.json, journal and payload files from killed runs are removed at the
// next cycle, under the lock; a fresh one (a write under way elsewhere)
// and anything not named as lsui names them stay (item 11).
func TestHardeningCrashLeftoversSwept(t *testing.T) {
	root := fixtureRoot(t)
	s := loadRoot(t, root, testNow)
	usage, cfg := uploads.Dir(s.Layout.UsageDir), s.Layout.ConfigDir
	os.MkdirAll(usage, 0o755)
	old := time.Now().Add(-time.Hour)
	plant := func(dir, name string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("leftover"), 0o600)
		os.Chtimes(p, mtime, mtime)
		return p
	}
	gone := []string{
		plant(cfg, ".lsui-scramble.key.tmp-3141592653", old),
		plant(cfg, ".SimpleLicenseServiceConfig.xml.tmp-271828", old),
		plant(cfg, ".SimpleLicenseServiceConfig.xml.bak.tmp-161803", old),
		plant(cfg, ".lsui.json.tmp-42", old),
		plant(usage, ".lsui-journal.json.tmp-77", time.Now()), // under the lock: no age needed
		plant(usage, ".upload_1764237600.zip.tmp-88", time.Now()),
	}
	stay := []string{
		plant(cfg, ".lsui-scramble.key.tmp-99", time.Now()), // a rotation writing right now
		plant(cfg, ".lsui-scramble.key.tmp-abc", old),
		plant(cfg, "lsui-scramble.key.tmp-1", old),
		plant(cfg, "notes.txt", old),
		plant(usage, ".upload_x.zip.tmp-1", old),
		plant(usage, ".spool-1.part", old), // a receiver's, not the sender's folder to sweep
	}
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(201)}
	res, err := RunCycle(context.Background(), s, quickOptions(sc.srv.URL, testNow))
	if err != nil || !res.OK() {
		t.Fatalf("cycle: %+v, %v", res, err)
	}
	for _, p := range gone {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s not swept", filepath.Base(p))
		}
		if !slices.Contains(res.Swept, p) {
			t.Errorf("%s not reported swept: %v", filepath.Base(p), res.Swept)
		}
	}
	for _, p := range stay {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s removed", filepath.Base(p))
		}
	}
}

// TestHardeningReceiverSweepsSpool: a receiver started on a folder holding
// a killed receiver's spool files removes them; a fresh one (another
// receiver's request under way) and stored payloads stay (item 11).
func TestHardeningReceiverSweepsSpool(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	for _, n := range []string{".spool-1234.part", ".spool-5.part", ".spool-x.part", "spool-1.part", ".spool-9.part.keep"} {
		p := filepath.Join(dir, n)
		os.WriteFile(p, []byte("half a body"), 0o644)
		os.Chtimes(p, old, old)
	}
	os.WriteFile(filepath.Join(dir, ".spool-77.part"), []byte("being read"), 0o644)
	os.Mkdir(filepath.Join(dir, ".spool-6.part"), 0o755)
	NewReceiver(dir, ReceiverOptions{})
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{".spool-6.part", ".spool-77.part", ".spool-9.part.keep", ".spool-x.part", "spool-1.part"}
	if !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}

// TestHardeningOversizedJournal: a journal over the byte cap is not read
// (at most the cap), the zips still list, and a cycle sets it aside and
// goes on (item 12).
func TestHardeningOversizedJournal(t *testing.T) {
	root := fixtureRoot(t)
	s := loadRoot(t, root, testNow)
	dir := uploads.Dir(s.Layout.UsageDir)
	name, _ := placeRecorded(t, dir, testNow.Add(-time.Hour), uploads.Failed)
	// Generated, not committed: the records of 20,000 payloads padded with
	// error texts to past the cap.
	var b strings.Builder
	b.WriteString(`{"version":1,"records":[`)
	for i := 0; b.Len() < uploads.MaxJournalBytes+1024; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"file":"upload_%d.zip","outcome":"failed","at":"2026-01-01T00:00:00Z","error":"%s"}`, 1700000000+i, strings.Repeat("x", 900))
	}
	b.WriteString(`]}`)
	journal := filepath.Join(dir, uploads.JournalName)
	os.WriteFile(journal, []byte(b.String()), 0o644)

	if _, err := uploads.ReadJournal(dir); !errors.Is(err, uploads.ErrJournalTooLarge) {
		t.Fatalf("ReadJournal: %v, want ErrJournalTooLarge", err)
	}
	list, _, err := uploads.List(dir)
	if !errors.Is(err, uploads.ErrJournalTooLarge) || len(list) != 1 || list[0].Name != name {
		t.Fatalf("List: %v, %v; want the zip listed beside the error", list, err)
	}
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(201)}
	res, err := RunCycle(context.Background(), s, quickOptions(sc.srv.URL, testNow))
	if err != nil || !res.OK() || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "set aside as lsui-journal.json.set-aside-") {
		t.Fatalf("cycle: %+v, %v", res, err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, uploads.JournalName+".set-aside-*"))
	if len(matches) != 1 {
		t.Fatalf("set-aside journals: %v", matches)
	}
	if fi, _ := os.Stat(matches[0]); fi.Size() != int64(b.Len()) {
		t.Error("the set-aside journal is not the original")
	}
	if _, err := uploads.ReadJournal(dir); err != nil {
		t.Errorf("new journal: %v", err)
	}
}

// TestHardeningJournalTooManyRecords: the record cap, under the byte cap.
func TestHardeningJournalTooManyRecords(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`{"version":1,"records":[`)
	for i := range uploads.MaxJournalRecords + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"file":"upload_%d.zip","outcome":"failed","at":"2026-01-01T00:00:00Z"}`, i)
	}
	b.WriteString(`]}`)
	os.WriteFile(filepath.Join(dir, uploads.JournalName), []byte(b.String()), 0o644)
	if _, err := uploads.ReadJournal(dir); !errors.Is(err, uploads.ErrJournalTooLarge) || !strings.Contains(err.Error(), "records") {
		t.Fatalf("ReadJournal: %v", err)
	}
}
