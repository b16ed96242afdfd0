// Package uploads lists the call-home payloads a licence server keeps in
// LS/resource/usage (DOMAIN.md §6) and the journal that records how each
// upload went, so a restart knows which zips succeeded and which failed.
package uploads

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/atomicfile"
)

// JournalName is the journal file, kept beside the zips.
const JournalName = "lsui-journal.json"

// Folder is lsui's own payload folder inside LS/resource/usage. The usage
// folder itself belongs to Citrix's call-home, whose upload_<unix>.zip files
// lsui must never modify or delete (DOMAIN.md §6): lsui builds, lists,
// uploads and prunes only here, and keeps its journal here.
const Folder = "lsui"

// Dir is lsui's payload folder for the usage folder usageDir.
func Dir(usageDir string) string { return filepath.Join(usageDir, Folder) }

// Outcome is what happened to an upload.
type Outcome string

const (
	Unknown Outcome = ""        // no outcome recorded (Citrix's own upload, or a cycle that died)
	Success Outcome = "success" // the endpoint answered 2xx
	Failed  Outcome = "failed"  // every attempt failed
)

// Record is the journal's entry for one zip.
type Record struct {
	File     string    `json:"file"`
	Outcome  Outcome   `json:"outcome"`
	At       time.Time `json:"at"`
	SHA256   string    `json:"sha256,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	Status   int       `json:"status,omitempty"` // last HTTP status, 0 when none
	Error    string    `json:"error,omitempty"`
	// Deleted marks a zip that prune removed; kept so the history stays.
	Deleted bool `json:"deleted,omitempty"`
}

// Journal is the record of outcomes. Save writes it atomically.
type Journal struct {
	Version int      `json:"version"`
	Records []Record `json:"records"`
	path    string
}

const journalVersion = 1

// ReadJournal reads dir's journal; a missing one is empty. A journal that
// does not parse is an error: callers must not write over it blindly.
func ReadJournal(dir string) (*Journal, error) {
	path := filepath.Join(dir, JournalName)
	j := &Journal{Version: journalVersion, path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), j); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if j.Version != journalVersion {
		return nil, fmt.Errorf("%s: journal version %d, this lsui reads %d", path, j.Version, journalVersion)
	}
	j.path = path
	return j, nil
}

// Get is the record for a zip's base name.
func (j *Journal) Get(file string) (Record, bool) {
	for _, r := range j.Records {
		if r.File == file {
			return r, true
		}
	}
	return Record{}, false
}

// Set adds or replaces the record for r.File.
func (j *Journal) Set(r Record) {
	for i := range j.Records {
		if j.Records[i].File == r.File {
			j.Records[i] = r
			return
		}
	}
	j.Records = append(j.Records, r)
	sort.Slice(j.Records, func(a, b int) bool { return j.Records[a].File < j.Records[b].File })
}

// Save writes the journal atomically.
func (j *Journal) Save() error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(j.path, append(data, '\n'), 0o644)
}

// Upload is one upload_<unix>.zip on disk.
type Upload struct {
	Name    string    // base name
	Path    string    // full path
	Time    time.Time // from the name, UTC
	Size    int64
	Outcome Outcome
	Record  *Record // nil when the journal has none
}

// ParseName reads the time from upload_<unix seconds>.zip.
func ParseName(name string) (time.Time, bool) {
	digits, ok := strings.CutPrefix(name, "upload_")
	if !ok {
		return time.Time{}, false
	}
	digits, ok = strings.CutSuffix(digits, ".zip")
	if !ok || digits == "" || len(digits) > 12 {
		return time.Time{}, false
	}
	// ParseInt alone would take "+5": only plain ASCII digits name an upload.
	for _, c := range digits {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
	}
	sec, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, false
	}
	return time.Unix(sec, 0).UTC(), true
}

// FileName is the name of an upload made at t.
func FileName(t time.Time) string { return fmt.Sprintf("upload_%d.zip", t.Unix()) }

// List returns the zips in dir, oldest first, with their recorded outcomes.
// A missing dir is an empty list. The journal error, if any, is returned
// beside a list without outcomes so the zips still show.
func List(dir string) ([]Upload, *Journal, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Journal{Version: journalVersion, path: filepath.Join(dir, JournalName)}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	j, jerr := ReadJournal(dir)
	var list []Upload
	for _, e := range entries {
		t, ok := ParseName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		u := Upload{Name: e.Name(), Path: filepath.Join(dir, e.Name()), Time: t}
		if info, err := e.Info(); err == nil {
			u.Size = info.Size()
		}
		if j != nil {
			if r, ok := j.Get(u.Name); ok {
				u.Outcome = r.Outcome
				u.Record = &r
			}
		}
		list = append(list, u)
	}
	sort.Slice(list, func(a, b int) bool {
		if !list[a].Time.Equal(list[b].Time) {
			return list[a].Time.Before(list[b].Time)
		}
		return list[a].Name < list[b].Name
	})
	return list, j, jerr
}

// Backlog summarises failed uploads still on disk: the pile the dashboard
// and `lsui payload list` warn about.
type Backlog struct {
	Count  int
	Bytes  int64
	Oldest time.Time
}

// FailedBacklog counts the failed uploads in list.
func FailedBacklog(list []Upload) Backlog {
	var b Backlog
	for _, u := range list {
		if u.Outcome != Failed {
			continue
		}
		b.Count++
		b.Bytes += u.Size
		if b.Oldest.IsZero() || u.Time.Before(b.Oldest) {
			b.Oldest = u.Time
		}
	}
	return b
}

// Last is the newest upload with the given outcome, or nil.
func Last(list []Upload, o Outcome) *Upload {
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Outcome == o {
			return &list[i]
		}
	}
	return nil
}
