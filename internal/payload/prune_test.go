package payload

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
)

// outcomeLetters maps the letters of a test sequence to outcomes.
var outcomeLetters = map[byte]uploads.Outcome{'s': uploads.Success, 'f': uploads.Failed, 'u': uploads.Unknown}

// placeSequence writes one payload per letter, a day apart, oldest first,
// and returns their names.
func placeSequence(t *testing.T, dir, seq string) []string {
	t.Helper()
	var names []string
	for i := range len(seq) {
		name, _ := placeRecorded(t, dir, testNow.AddDate(0, 0, i), outcomeLetters[seq[i]])
		names = append(names, name)
	}
	return names
}

func TestPruneRule(t *testing.T) {
	tests := []struct {
		seq  string // outcomes, oldest first
		kept string // '.' where the payload is deleted
	}{
		{"", ""},
		{"ffs", "..s"},
		{"sf", "sf"},
		{"ss", ".s"},
		{"ff", "ff"},
		{"f", "f"},
		{"s", "s"},
		{"sss", "..s"},
		{"fsff", ".sff"},
		{"sfsf", "..sf"},
		{"us", ".s"},
		{"su", "su"},
		{"uu", "uu"},
		{"sfu", "sfu"},
		{"fusfu", "..sfu"},
		// Across November's end: November's final payload (the 4th, failed)
		// stays until it is delivered, although December's success is newer.
		{"fusfus", "...f.s"},
		{"ssffs", "...fs"},
		{"sffsss", ".....s"}, // November's final payload was delivered
		{"sffus", "...us"},   // ... of unknown outcome: not known delivered, it stays
	}
	for _, tt := range tests {
		t.Run(tt.seq, func(t *testing.T) {
			dir := t.TempDir()
			names := placeSequence(t, dir, tt.seq)
			var wantKept, wantDeleted []string
			for i, c := range []byte(tt.kept) {
				if c == '.' {
					wantDeleted = append(wantDeleted, names[i])
				} else {
					wantKept = append(wantKept, names[i])
				}
			}
			j, err := uploads.ReadJournal(dir)
			if err != nil {
				t.Fatal(err)
			}
			// Now is the newest payload's time: the sequence never lies in
			// the future.
			now := testNow.AddDate(0, 0, max(len(tt.seq)-1, 0))
			res, err := Prune(dir, j, now, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Kept, orEmpty(wantKept)) || !slices.Equal(res.Deleted, orEmpty(wantDeleted)) {
				t.Errorf("kept %v deleted %v, want kept %v deleted %v", res.Kept, res.Deleted, wantKept, wantDeleted)
			}
			if got := payloadNames(t, dir); !slices.Equal(got, wantKept) {
				t.Errorf("on disk %v, want %v", got, wantKept)
			}
			// The journal on disk records each delete and still parses.
			j2, err := uploads.ReadJournal(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range wantDeleted {
				if r, ok := j2.Get(n); !ok || !r.Deleted {
					t.Errorf("journal record for deleted %s: %+v", n, r)
				}
			}
			for _, n := range wantKept {
				if r, _ := j2.Get(n); r.Deleted {
					t.Errorf("journal marks kept %s deleted", n)
				}
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestPruneTouchesOnlyPayloads(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	names := placeSequence(t, dir, "ffs")
	target := filepath.Join(outside, "precious.zip")
	os.WriteFile(target, []byte("keep me"), 0o644)
	strangers := []string{"upload_abc.zip", "upload_+5.zip", "upload_-5.zip", "Upload_5.zip", "upload_5.ZIP",
		"upload_5.zip.bak", "upload_.zip", "upload_ 5.zip", ".upload_5.zip.tmp-1", "notes.txt", LockName}
	for _, n := range strangers {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
	}
	// A link and a folder named like old payloads.
	link := filepath.Join(dir, "upload_1.zip")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	os.Mkdir(filepath.Join(dir, "upload_2.zip"), 0o755)

	j, _ := uploads.ReadJournal(dir)
	j.Set(uploads.Record{File: "upload_1.zip", Outcome: uploads.Failed})
	res, err := Prune(dir, j, testNow, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Deleted, names[:2]) {
		t.Errorf("deleted %v, want %v", res.Deleted, names[:2])
	}
	for _, n := range append(strangers, "upload_2.zip") {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link: %v", err)
	}
	if data, err := os.ReadFile(target); err != nil || string(data) != "keep me" {
		t.Errorf("link target: %q, %v", data, err)
	}
}

func TestPruneDeleteFailsThenRetries(t *testing.T) {
	dir := t.TempDir()
	names := placeSequence(t, dir, "ffs")
	j, _ := uploads.ReadJournal(dir)
	busy := errors.New("The process cannot access the file because it is being used by another process.")
	res, err := prune(t.Context(), dir, j, pruneOptions{remove: func(path string) error {
		if filepath.Base(path) == names[0] {
			return &os.PathError{Op: "remove", Path: path, Err: busy}
		}
		return os.Remove(path)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || !strings.HasPrefix(res.Errors[0], names[0]+": ") || !slices.Equal(res.Deleted, names[1:2]) {
		t.Fatalf("result %+v", res)
	}
	j2, err := uploads.ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := j2.Get(names[0]); r.Deleted || r.Outcome != uploads.Failed {
		t.Errorf("journal after a failed delete: %+v", r)
	}
	if got := payloadNames(t, dir); !slices.Equal(got, []string{names[0], names[2]}) {
		t.Errorf("on disk %v", got)
	}
	// The next prune (the next cycle) deletes it.
	res, err = Prune(dir, j2, testNow, time.UTC)
	if err != nil || !slices.Equal(res.Deleted, names[:1]) || len(res.Errors) != 0 {
		t.Errorf("retry: %+v, %v", res, err)
	}
	if got := payloadNames(t, dir); !slices.Equal(got, names[2:]) {
		t.Errorf("on disk after retry %v", got)
	}
}

func TestPruneMissingFolder(t *testing.T) {
	j, _ := uploads.ReadJournal(t.TempDir())
	res, err := Prune(filepath.Join(t.TempDir(), "nope"), j, testNow, time.UTC)
	if err != nil || len(res.Deleted)+len(res.Kept) != 0 {
		t.Errorf("%+v, %v", res, err)
	}
}

func TestCompactJournal(t *testing.T) {
	j := &uploads.Journal{Version: 1}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range uploads.MaxDeletedRecords + 5 {
		j.Set(uploads.Record{File: uploads.FileName(base.Add(time.Duration(i) * time.Hour)), Outcome: uploads.Success, Deleted: true})
	}
	live := uploads.FileName(base.Add(-time.Hour))
	j.Set(uploads.Record{File: live, Outcome: uploads.Failed})
	j.Compact(nil)
	if len(j.Records) != uploads.MaxDeletedRecords+1 {
		t.Fatalf("%d records, want %d", len(j.Records), uploads.MaxDeletedRecords+1)
	}
	if _, ok := j.Get(live); !ok {
		t.Error("a record of a payload still on disk was dropped")
	}
	for i := range 5 {
		if _, ok := j.Get(uploads.FileName(base.Add(time.Duration(i) * time.Hour))); ok {
			t.Errorf("oldest deleted record %d kept", i)
		}
	}
}

func TestEarlierMonths(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		files map[time.Time]uploads.Outcome
		loc   *time.Location
		want  []time.Time
	}{
		{"none", nil, time.UTC, nil},
		{"this month only", map[time.Time]uploads.Outcome{day(11, 1): uploads.Failed}, time.UTC, nil},
		{"newest failed per month, oldest month first", map[time.Time]uploads.Outcome{
			day(9, 1): uploads.Failed, day(9, 29): uploads.Failed, day(10, 5): uploads.Failed, day(10, 6): uploads.Failed,
		}, time.UTC, []time.Time{day(9, 29), day(10, 6)}},
		{"a newer success in the month means delivered", map[time.Time]uploads.Outcome{
			day(10, 5): uploads.Failed, day(10, 30): uploads.Success,
		}, time.UTC, nil},
		{"unknown outcomes are not ours to send", map[time.Time]uploads.Outcome{
			day(10, 5): uploads.Failed, day(10, 30): uploads.Unknown,
		}, time.UTC, []time.Time{day(10, 5)}},
		// 2026-11-01 02:00 UTC is still October 31 in New York.
		{"months in the server's zone", map[time.Time]uploads.Outcome{
			time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC): uploads.Failed,
		}, mustZone(t, "America/New_York"), []time.Time{time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)}},
		{"a failed payload from the future is not an earlier month", map[time.Time]uploads.Outcome{
			day(12, 1): uploads.Failed,
		}, time.UTC, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for at, o := range tt.files {
				placeRecorded(t, dir, at, o)
			}
			j, _ := uploads.ReadJournal(dir)
			got, err := earlierMonths(dir, j, testNow, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, uploads.FileName(w))
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	return loc
}

func TestTodaysName(t *testing.T) {
	dir := t.TempDir()
	j, _ := uploads.ReadJournal(dir)
	if got, _ := todaysName(dir, j, testNow); got != uploads.FileName(testNow) {
		t.Errorf("empty folder: %s", got)
	}
	placeRecorded(t, dir, testNow, uploads.Success)
	j, _ = uploads.ReadJournal(dir)
	if got, _ := todaysName(dir, j, testNow); got != uploads.FileName(testNow.Add(time.Second)) {
		t.Errorf("taken name: %s", got)
	}
	// A record of a deleted payload keeps its name taken too.
	j.Set(uploads.Record{File: uploads.FileName(testNow.Add(time.Second)), Deleted: true})
	if got, _ := todaysName(dir, j, testNow); got != uploads.FileName(testNow.Add(2*time.Second)) {
		t.Errorf("recorded name: %s", got)
	}
	// A clock set back still names today's payload after the newest one.
	if got, _ := todaysName(dir, j, testNow.Add(-48*time.Hour)); got != uploads.FileName(testNow.Add(2*time.Second)) {
		t.Errorf("clock set back: %s", got)
	}
}

func TestIsPayloadName(t *testing.T) {
	for name, want := range map[string]bool{
		"upload_1764237600.zip": true, "upload_0.zip": true, "upload_.zip": false, "upload_1.zip ": false,
		"upload_1a.zip": false, "upload_+1.zip": false, "upload_1.Zip": false, "xupload_1.zip": false,
		"upload_١.zip": false, "": false,
	} {
		if got := isPayloadName(name); got != want {
			t.Errorf("isPayloadName(%q) = %v", name, got)
		}
	}
}
