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

// MaxFutureSkew is how far after now a payload's name may lie and still
// count: a clock set back by up to this keeps today's payload named after
// the newest one. A name further in the future (upload_999999999999.zip,
// or a clock that was years ahead) neither steers today's name nor counts
// in the retention rule, and is never deleted: it is listed as kept.
const MaxFutureSkew = 7 * 24 * time.Hour

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
// Two exceptions keep what a month's final numbers need: the newest
// payload of each calendar month (in loc) before now's month stays until
// it is delivered (a success) or an operator removes it, and a cycle never
// deletes a payload it saw refused or failing in the same cycle. Names
// more than MaxFutureSkew after now are left alone (see MaxFutureSkew).
//
// Only regular files named upload_<digits>.zip are touched; symbolic links
// and everything else are ignored. A payload is marked deleted in the
// journal only after its remove succeeded, and the journal is saved once
// at the end. The caller holds the upload lock.
func Prune(dir string, j *uploads.Journal, now time.Time, loc *time.Location) (PruneResult, error) {
	return prune(context.Background(), dir, j, pruneOptions{now: func() time.Time { return now }, loc: loc})
}

// pruneOptions are the cycle's fault hook, clock, zone and the payloads
// this cycle saw refused, and, for tests, a remove that fails the way
// Windows does on a file open elsewhere.
type pruneOptions struct {
	hook    func(string) error
	remove  func(string) error
	now     func() time.Time
	loc     *time.Location
	protect map[string]bool // not deleted in this cycle, whatever the rule says
}

// retained says which payloads prune must keep although the newest success
// is newer: those in protect, and each earlier month's newest payload
// unless it was delivered. files are oldest first and none is in the future.
func retained(files []payloadFile, j *uploads.Journal, now time.Time, loc *time.Location, protect map[string]bool) map[string]bool {
	if loc == nil {
		loc = time.Local
	}
	keep := map[string]bool{}
	for n := range protect {
		keep[n] = true
	}
	ny, nm, _ := now.In(loc).Date()
	for i, f := range files {
		y, m, _ := f.time.In(loc).Date()
		if y > ny || (y == ny && m >= nm) {
			continue // now's month (or later): the ordinary rule
		}
		if i+1 < len(files) {
			if y2, m2, _ := files[i+1].time.In(loc).Date(); y2 == y && m2 == m {
				continue // not the month's newest
			}
		}
		if r, ok := j.Get(f.name); !ok || r.Outcome != uploads.Success {
			keep[f.name] = true
		}
	}
	return keep
}

func prune(ctx context.Context, dir string, j *uploads.Journal, po pruneOptions) (PruneResult, error) {
	if po.remove == nil {
		po.remove = os.Remove
	}
	if po.now == nil {
		po.now = func() time.Time { return time.Now().UTC() }
	}
	res := PruneResult{Deleted: []string{}, Kept: []string{}}
	all, err := payloadFiles(dir)
	if err != nil {
		return res, err
	}
	now := po.now()
	files, future := splitFuture(all, now)
	keep := retained(files, j, now, po.loc, po.protect)
	last := -1
	for i, f := range files {
		if r, ok := j.Get(f.name); ok && r.Outcome == uploads.Success {
			last = i
		}
	}
	changed := false
	var stopped error
	for i, f := range files {
		if i >= last || keep[f.name] {
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
	for _, f := range future {
		res.Kept = append(res.Kept, f.name)
	}
	if !changed {
		return res, stopped
	}
	j.Compact(nil)
	if err := j.Save(); err != nil {
		return res, fmt.Errorf("upload journal: %w", err)
	}
	return res, stopped
}

// splitFuture separates the payloads named more than MaxFutureSkew after
// now from the others; files is oldest first, so they are its tail.
func splitFuture(files []payloadFile, now time.Time) (present, future []payloadFile) {
	horizon := now.Add(MaxFutureSkew)
	i := len(files)
	for i > 0 && files[i-1].time.After(horizon) {
		i--
	}
	return files[:i], files[i:]
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
