package uploads

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		unix int64
	}{
		{"upload_1764230400.zip", true, 1764230400},
		{"upload_0.zip", true, 0},
		{"upload_.zip", false, 0},
		{"upload_12a.zip", false, 0},
		{"upload_-5.zip", false, 0},
		{"upload_1764230400.zip.tmp", false, 0},
		{".upload_1764230400.zip.tmp-123", false, 0},
		{"Upload_1764230400.zip", false, 0},
		{"upload_9999999999999.zip", false, 0},
	}
	for _, tt := range tests {
		got, ok := ParseName(tt.name)
		if ok != tt.ok || (ok && got.Unix() != tt.unix) {
			t.Errorf("ParseName(%q) = %v, %v; want %v, %d", tt.name, got, ok, tt.ok, tt.unix)
		}
	}
	if FileName(time.Unix(1764230400, 0)) != "upload_1764230400.zip" {
		t.Error("FileName does not round-trip")
	}
}

func TestJournalRoundTripAndList(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"upload_300.zip", "upload_100.zip", "upload_200.zip", "other.zip"} {
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "upload_400.zip"), 0o755) // a folder is not an upload
	j, err := ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	j.Set(Record{File: "upload_200.zip", Outcome: Failed, Error: "503"})
	j.Set(Record{File: "upload_100.zip", Outcome: Success})
	j.Set(Record{File: "upload_200.zip", Outcome: Failed, Error: "timeout", Attempts: 5})
	if err := j.Save(); err != nil {
		t.Fatal(err)
	}
	list, j2, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(j2.Records) != 2 {
		t.Errorf("journal has %d records, want 2 (Set replaces)", len(j2.Records))
	}
	if len(list) != 3 || list[0].Name != "upload_100.zip" || list[2].Name != "upload_300.zip" {
		t.Fatalf("list = %+v", list)
	}
	if list[0].Outcome != Success || list[1].Outcome != Failed || list[2].Outcome != Unknown {
		t.Errorf("outcomes %s %s %s", list[0].Outcome, list[1].Outcome, list[2].Outcome)
	}
	if list[1].Record == nil || list[1].Record.Error != "timeout" {
		t.Errorf("record = %+v", list[1].Record)
	}
	if b := FailedBacklog(list); b.Count != 1 || b.Bytes != int64(len("upload_200.zip")) || b.Oldest.Unix() != 200 {
		t.Errorf("backlog = %+v", b)
	}
	if l := Last(list, Success); l == nil || l.Name != "upload_100.zip" {
		t.Errorf("last success = %+v", l)
	}
}

func TestCorruptJournalIsAnErrorButZipsStillList(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "upload_1.zip"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, JournalName), []byte(`{"version":1,"records":[`), 0o644)
	list, _, err := List(dir)
	if err == nil {
		t.Error("a corrupt journal must be reported")
	}
	if len(list) != 1 {
		t.Errorf("zips must still list: %v", list)
	}
	os.WriteFile(filepath.Join(dir, JournalName), []byte(`{"version":9,"records":[]}`), 0o644)
	if _, err := ReadJournal(dir); err == nil {
		t.Error("a journal from a newer lsui must not be read as this version")
	}
}

func TestMissingDirIsEmpty(t *testing.T) {
	list, j, err := List(filepath.Join(t.TempDir(), "none"))
	if err != nil || len(list) != 0 || j == nil {
		t.Errorf("got %v %v %v", list, j, err)
	}
}
