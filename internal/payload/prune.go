package payload

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
)

// PruneResult is what Prune did. Kept lists the payloads the rule keeps;
// a payload whose delete failed is in Errors instead, and the next prune
// tries it again.
type PruneResult struct {
	Deleted []string `json:"deleted"`
	Kept    []string `json:"kept"`
	Errors  []string `json:"errors,omitempty"`
}

// maxDeletedRecords bounds the history the journal keeps of deleted
// payloads: about three years of daily uploads.
const maxDeletedRecords = 1000

// Prune applies the retention rule of DOMAIN.md §6 to the payloads in dir:
// "Successful uploads are deleted except the last one. Unsuccessful uploads
// linger on the disk until a successful upload occurs; when that happens,
// all but the last upload are deleted."
//
// Payloads are ordered by the time in their names. When one succeeded (per
// the journal j), every payload older than the newest success is deleted,
// whatever its outcome; the newest success and everything newer stay. With
// no success at all, nothing is deleted. So fail, fail, success leaves the
// success; success, fail leaves both; success, success leaves the last.
//
// Only regular files named upload_<digits>.zip are touched; symbolic links
// and everything else are ignored. A payload is marked deleted in the
// journal only after its remove succeeded, and the journal is saved once
// at the end. The caller holds the upload lock.
func Prune(dir string, j *uploads.Journal) (PruneResult, error) {
	return prune(context.Background(), dir, j, pruneOptions{})
}

// pruneOptions are the cycle's fault hook and, for tests, a remove that
// fails the way Windows does on a file open elsewhere.
type pruneOptions struct {
	hook   func(string) error
	remove func(string) error
	now    func() time.Time
}

func prune(ctx context.Context, dir string, j *uploads.Journal, po pruneOptions) (PruneResult, error) {
	if po.remove == nil {
		po.remove = os.Remove
	}
	if po.now == nil {
		po.now = func() time.Time { return time.Now().UTC() }
	}
	res := PruneResult{Deleted: []string{}, Kept: []string{}}
	files, err := payloadFiles(dir)
	if err != nil {
		return res, err
	}
	last := -1
	for i, f := range files {
		if r, ok := j.Get(f.name); ok && r.Outcome == uploads.Success {
			last = i
		}
	}
	changed := false
	var stopped error
	for i, f := range files {
		if i >= last {
			res.Kept = append(res.Kept, f.name)
			continue
		}
		if stopped = ctx.Err(); stopped != nil {
			// Cancelled: what was deleted so far is still recorded below.
			break
		}
		path := filepath.Join(dir, f.name)
		// Checked again right before the remove: a file swapped for a link
		// since the listing is left alone.
		if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
			continue
		}
		if err := po.remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// Typically Windows refusing to delete a zip open elsewhere; the
			// journal is left as it was and the next cycle tries again.
			res.Errors = append(res.Errors, fmt.Sprintf("%s: %v", f.name, err))
			continue
		}
		r, ok := j.Get(f.name)
		if !ok {
			r = uploads.Record{File: f.name, Outcome: uploads.Unknown, At: po.now()}
		}
		r.Deleted = true
		j.Set(r)
		changed = true
		res.Deleted = append(res.Deleted, f.name)
		if po.hook != nil {
			if err := po.hook("pruning"); err != nil {
				return res, &errHookAbort{"pruning", err}
			}
		}
	}
	if !changed {
		return res, stopped
	}
	compactJournal(j)
	if err := j.Save(); err != nil {
		return res, fmt.Errorf("upload journal: %w", err)
	}
	return res, stopped
}

// compactJournal forgets the oldest deleted payloads beyond
// maxDeletedRecords, so the journal does not grow forever.
func compactJournal(j *uploads.Journal) {
	var deleted []int
	for i, r := range j.Records {
		if r.Deleted {
			deleted = append(deleted, i)
		}
	}
	extra := len(deleted) - maxDeletedRecords
	if extra <= 0 {
		return
	}
	sort.Slice(deleted, func(a, b int) bool {
		return recordTime(j.Records[deleted[a]]).Before(recordTime(j.Records[deleted[b]]))
	})
	drop := map[int]bool{}
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
}

func recordTime(r uploads.Record) time.Time {
	if t, ok := uploads.ParseName(r.File); ok {
		return t
	}
	return r.At
}

// payloadFile is one upload_<digits>.zip on disk.
type payloadFile struct {
	name    string
	time    time.Time
	outcome uploads.Outcome
}

// payloadFiles lists the regular files in dir named exactly
// upload_<digits>.zip, oldest first (then by name). Links are skipped: the
// directory entry's own type is used, never the target's.
func payloadFiles(dir string) ([]payloadFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("payload folder: %w", err)
	}
	var files []payloadFile
	for _, e := range entries {
		if !e.Type().IsRegular() || !isPayloadName(e.Name()) {
			continue
		}
		t, ok := uploads.ParseName(e.Name())
		if !ok {
			continue
		}
		files = append(files, payloadFile{name: e.Name(), time: t})
	}
	sort.Slice(files, func(a, b int) bool {
		if !files[a].time.Equal(files[b].time) {
			return files[a].time.Before(files[b].time)
		}
		return files[a].name < files[b].name
	})
	return files, nil
}

// isPayloadName is upload_<ASCII digits>.zip and nothing else: no sign, no
// space, no other case.
func isPayloadName(name string) bool {
	const prefix, suffix = "upload_", ".zip"
	if len(name) <= len(prefix)+len(suffix) || name[:len(prefix)] != prefix || name[len(name)-len(suffix):] != suffix {
		return false
	}
	for _, c := range name[len(prefix) : len(name)-len(suffix)] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
