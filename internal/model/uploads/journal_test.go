package uploads

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

var base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestJournalIndex: 20,000 records (issue 14 item 12: a linear Get inside
// per-file loops made upload take 8.4 s) are found, replaced and saved in
// name order through the index.
func TestJournalIndex(t *testing.T) {
	dir := t.TempDir()
	j, err := ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20_000
	for i := n - 1; i >= 0; i-- { // newest first: Save must sort
		j.Set(Record{File: FileName(base.Add(time.Duration(i) * time.Hour)), Outcome: Failed})
	}
	j.Set(Record{File: FileName(base), Outcome: Success})
	if len(j.Records) != n {
		t.Fatalf("%d records, want %d (Set replaces)", len(j.Records), n)
	}
	if err := j.Save(); err != nil {
		t.Fatal(err)
	}
	j2, err := ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(j2.Records, func(a, b Record) int { return compareStrings(a.File, b.File) }) {
		t.Error("saved journal not sorted by name")
	}
	for i := range n {
		name := FileName(base.Add(time.Duration(i) * time.Hour))
		r, ok := j2.Get(name)
		want := Failed
		if i == 0 {
			want = Success
		}
		if !ok || r.File != name || r.Outcome != want {
			t.Fatalf("Get(%s) = %+v, %v", name, r, ok)
		}
	}
	if _, ok := j2.Get("upload_1.zip"); ok {
		t.Error("Get found a record never set")
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// A hand-edited journal naming one file twice keeps one record, the last.
func TestJournalDuplicateRecords(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, JournalName), []byte(`{"version":1,"records":[
		{"file":"upload_5.zip","outcome":"failed","at":"2026-01-01T00:00:00Z"},
		{"file":"upload_5.zip","outcome":"success","at":"2026-01-02T00:00:00Z"}]}`), 0o644)
	j, err := ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := j.Get("upload_5.zip"); len(j.Records) != 1 || r.Outcome != Success {
		t.Errorf("records %+v", j.Records)
	}
}

// TestJournalCompact: records of payloads gone from disk become history
// when they were built (SHA-256 known) and are dropped when they were
// never built (phantoms); the history is capped, oldest first.
func TestJournalCompact(t *testing.T) {
	j := &Journal{Version: 1}
	onDisk := FileName(base)
	j.Set(Record{File: onDisk, Outcome: Failed, SHA256: "aa"})
	j.Set(Record{File: FileName(base.Add(time.Hour)), Outcome: Failed, Error: "interrupted"}) // never built
	j.Set(Record{File: FileName(base.Add(2 * time.Hour)), Outcome: Success, SHA256: "bb"})    // removed by prune, unrecorded
	for i := range MaxDeletedRecords {
		j.Set(Record{File: FileName(base.Add(-time.Duration(i+1) * time.Hour)), Outcome: Success, Deleted: true})
	}
	changed := j.Compact(func(name string) bool { return name == onDisk })
	if !changed {
		t.Error("Compact reported no change")
	}
	if _, ok := j.Get(FileName(base.Add(time.Hour))); ok {
		t.Error("phantom record of a payload never built kept")
	}
	if r, ok := j.Get(FileName(base.Add(2 * time.Hour))); !ok || !r.Deleted {
		t.Errorf("built payload gone from disk: %+v, %v; want kept as deleted history", r, ok)
	}
	if r, ok := j.Get(onDisk); !ok || r.Deleted {
		t.Errorf("payload on disk: %+v, %v", r, ok)
	}
	deleted := 0
	for _, r := range j.Records {
		if r.Deleted {
			deleted++
		}
	}
	if deleted != MaxDeletedRecords {
		t.Errorf("%d deleted records kept, want %d", deleted, MaxDeletedRecords)
	}
	if _, ok := j.Get(FileName(base.Add(-time.Duration(MaxDeletedRecords) * time.Hour))); ok {
		t.Error("the oldest history record survived the cap")
	}
}

// BenchmarkJournalLookups is the per-file loop of a cycle over 20,000
// payloads. Run with -benchtime=1x to check it works; not timed in CI.
func BenchmarkJournalLookups(b *testing.B) {
	j := &Journal{Version: 1}
	for i := range 20_000 {
		j.Set(Record{File: FileName(base.Add(time.Duration(i) * time.Hour)), Outcome: Failed})
	}
	for b.Loop() {
		for i := range 20_000 {
			if _, ok := j.Get(FileName(base.Add(time.Duration(i) * time.Hour))); !ok {
				b.Fatal("missing")
			}
		}
	}
}
