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
	"github.com/lsui/lsui/internal/regularfile"
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
//
// Records is kept sorted by File on disk. Change it only through Set and
// Compact: Get looks records up through an index those keep.
type Journal struct {
	Version int      `json:"version"`
	Records []Record `json:"records"`
	path    string
	index   map[string]int // File → position in Records
}

const journalVersion = 1

// The journal's caps. A cycle compacts the journal to the payloads on disk
// plus MaxDeletedRecords of history, a few hundred KB; a journal beyond
// these was not written by this lsui and is not read (ErrJournalTooLarge).
const (
	MaxJournalBytes   = 16 << 20
	MaxJournalRecords = 50_000
	// MaxDeletedRecords bounds the history of deleted payloads: about three
	// years of daily uploads.
	MaxDeletedRecords = 1000
)

// ErrJournalTooLarge: the journal is over MaxJournalBytes or holds more than
// MaxJournalRecords records. It is not read further; the zips still list,
// without outcomes, and a cycle sets the file aside (see SetAside).
var ErrJournalTooLarge = errors.New("upload journal too large")

// ReadJournal reads dir's journal; a missing one is empty. A journal that
// does not parse is an error: callers must not write over it blindly. A
// journal that is not a regular file (a link, a FIFO) is refused.
func ReadJournal(dir string) (*Journal, error) {
	path := filepath.Join(dir, JournalName)
	j := &Journal{Version: journalVersion, path: path}
	data, err := regularfile.ReadFile(path, MaxJournalBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if errors.Is(err, regularfile.ErrTooLarge) {
		return nil, fmt.Errorf("%s: %w: larger than %d MiB, read no further (lsui's own stays far below; move it aside)",
			path, ErrJournalTooLarge, MaxJournalBytes>>20)
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
	if len(j.Records) > MaxJournalRecords {
		return nil, fmt.Errorf("%s: %w: %d records, more than %d (lsui's own stays far below; move it aside)",
			path, ErrJournalTooLarge, len(j.Records), MaxJournalRecords)
	}
	j.path = path
	j.reindex()
	return j, nil
}

// SetAside renames an unreadable journal in dir to
// lsui-journal.json.set-aside-<unix seconds> (kept for the operator, never
// deleted) so that a cycle can start a new one. It returns the new name.
func SetAside(dir string, now time.Time) (string, error) {
	from := filepath.Join(dir, JournalName)
	if _, err := regularfile.Check(from); err != nil {
		return "", err
	}
	for t := now.Unix(); ; t++ {
		name := fmt.Sprintf("%s.set-aside-%d", JournalName, t)
		to := filepath.Join(dir, name)
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			if err := os.Rename(from, to); err != nil {
				return "", err
			}
			return name, nil
		}
	}
}

// reindex rebuilds the index from Records. A name recorded twice (a
// hand-edited file) keeps its last record, as the old linear Get would
// have found the first: the last is the one Set would have written.
func (j *Journal) reindex() {
	j.index = make(map[string]int, len(j.Records))
	kept := j.Records[:0]
	for _, r := range j.Records {
		if i, ok := j.index[r.File]; ok {
			kept[i] = r
			continue
		}
		j.index[r.File] = len(kept)
		kept = append(kept, r)
	}
	j.Records = kept
}

func (j *Journal) lookup(file string) (int, bool) {
	if j.index == nil || len(j.index) != len(j.Records) {
		j.reindex()
	}
	i, ok := j.index[file]
	if ok && (i >= len(j.Records) || j.Records[i].File != file) {
		j.reindex() // Records was changed behind the index's back
		i, ok = j.index[file]
	}
	return i, ok
}

// Get is the record for a zip's base name.
func (j *Journal) Get(file string) (Record, bool) {
	if i, ok := j.lookup(file); ok {
		return j.Records[i], true
	}
	return Record{}, false
}

// Set adds or replaces the record for r.File. New records go at the end;
// Save writes them sorted by name.
func (j *Journal) Set(r Record) {
	if i, ok := j.lookup(r.File); ok {
		j.Records[i] = r
		return
	}
	j.index[r.File] = len(j.Records)
	j.Records = append(j.Records, r)
}

// Compact drops what the journal no longer needs: a record of a payload
// that is not on disk (exists reports false) and was never built (no
// SHA-256: a cycle that stopped before or inside the build) is dropped; one
// that was built is kept as history (marked deleted, as prune would have
// marked it had it not been killed first). Of the history, the newest
// MaxDeletedRecords stay. It reports whether anything changed.
func (j *Journal) Compact(exists func(file string) bool) bool {
	changed := false
	kept := j.Records[:0]
	var deleted []int
	for _, r := range j.Records {
		if !r.Deleted && exists != nil && !exists(r.File) {
			if r.SHA256 == "" {
				changed = true
				continue
			}
			r.Deleted, changed = true, true
		}
		if r.Deleted {
			deleted = append(deleted, len(kept))
		}
		kept = append(kept, r)
	}
	j.Records = kept
	if extra := len(deleted) - MaxDeletedRecords; extra > 0 {
		sort.SliceStable(deleted, func(a, b int) bool {
			return recordTime(j.Records[deleted[a]]).Before(recordTime(j.Records[deleted[b]]))
		})
		drop := make(map[int]bool, extra)
		for _, i := range deleted[:extra] {
			drop[i] = true
		}
		kept := j.Records[:0]
		for i, r := range j.Records {
			if !drop[i] {
				kept = append(kept, r)
			}
		}
		j.Records = kept
		changed = true
	}
	j.reindex()
	return changed
}

func recordTime(r Record) time.Time {
	if t, ok := ParseName(r.File); ok {
		return t
	}
	return r.At
}

// Save writes the journal atomically, sorted by name. A journal that would
// exceed the caps is not written (the one on disk stays).
func (j *Journal) Save() error {
	sort.Slice(j.Records, func(a, b int) bool { return j.Records[a].File < j.Records[b].File })
	j.reindex()
	if len(j.Records) > MaxJournalRecords {
		return fmt.Errorf("%s: %w: %d records, more than %d; not written", j.path, ErrJournalTooLarge, len(j.Records), MaxJournalRecords)
	}
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	if len(data) >= MaxJournalBytes {
		return fmt.Errorf("%s: %w: %d bytes; not written", j.path, ErrJournalTooLarge, len(data))
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
