// Package atomicfile writes files so that a crash leaves either the old
// content or the new one under the final name, never a partial file: write a
// temporary file in the same folder, fsync it, rename it over the target,
// then fsync the folder.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/regularfile"
)

// File is a pending write. Write to it, then Commit; Abort (or a Commit
// that fails) removes the temporary file. Abort after Commit is a no-op, so
// `defer f.Abort()` is the idiom.
type File struct {
	*os.File
	target string
	perm   os.FileMode
	done   bool
}

// Create starts a write to path. The temporary file sits beside path, named
// so that listings of the final names (upload_*.zip, *.lic) never match it.
func Create(path string, perm os.FileMode) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	return &File{File: tmp, target: path, perm: perm}, nil
}

// Commit flushes the data to disk and renames it into place.
func (f *File) Commit() error {
	tmp, err := f.finish()
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, f.target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.target, err)
	}
	syncDir(filepath.Dir(f.target))
	return nil
}

// finish sets the mode, flushes and closes the temporary file, and
// returns its name; on an error it is removed.
func (f *File) finish() (string, error) {
	if f.done {
		return "", fmt.Errorf("%s: already committed or aborted", f.target)
	}
	f.done = true
	tmp := f.File.Name()
	fail := func(err error) (string, error) {
		f.File.Close()
		os.Remove(tmp)
		return "", err
	}
	if err := f.File.Chmod(f.perm); err != nil && !isUnsupported(err) {
		return fail(fmt.Errorf("%s: %w", f.target, err))
	}
	if err := f.File.Sync(); err != nil {
		return fail(fmt.Errorf("%s: flush: %w", f.target, err))
	}
	if err := f.File.Close(); err != nil {
		return fail(fmt.Errorf("%s: %w", f.target, err))
	}
	return tmp, nil
}

// testHookBeforeReplace lets a test write the target in the moment between
// CommitIfUnchanged's last look and its replace.
var testHookBeforeReplace func()

// ErrTargetChanged: CommitIfUnchanged found the target different from
// what the caller's edit was based on, and left the other write in place.
var ErrTargetChanged = errors.New("changed on disk")

// CommitIfUnchanged is Commit for a file somebody else may write at the
// same moment (the licence server's config): the target must still hold
// exactly base, the bytes the new content was derived from.
//
// The target is read again right before the replace. Where the OS can swap
// two names atomically (Linux renameat2 RENAME_EXCHANGE), the replace is
// such a swap, and the file it displaced is checked as well: if it is not
// base, another write landed between the last look and the swap, and the
// swap is undone, so that write is back under the target name. Elsewhere
// the replace is a plain rename and a write landing in the moment between
// the last look and the rename can still be lost. On ErrTargetChanged
// nothing of this write remains and the target holds the other write.
func (f *File) CommitIfUnchanged(base []byte) error {
	tmp, err := f.finish()
	if err != nil {
		return err
	}
	if !holds(f.target, base) {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.target, ErrTargetChanged)
	}
	mine, err := os.Lstat(tmp)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.target, err)
	}
	if testHookBeforeReplace != nil {
		testHookBeforeReplace()
	}
	swapped, err := exchange(tmp, f.target)
	if err != nil {
		os.Remove(tmp)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: deleted: %w", f.target, ErrTargetChanged)
		}
		return fmt.Errorf("%s: %w", f.target, err)
	}
	if !swapped {
		if err := os.Rename(tmp, f.target); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("%s: %w", f.target, err)
		}
		syncDir(filepath.Dir(f.target))
		return nil
	}
	// tmp now names the file the swap displaced.
	if holds(tmp, base) {
		os.Remove(tmp)
		syncDir(filepath.Dir(f.target))
		return nil
	}
	if err := f.undoExchange(tmp, mine); err != nil {
		return err
	}
	return fmt.Errorf("%s: %w", f.target, ErrTargetChanged)
}

// undoExchange puts back, under the target name, the write that the swap
// displaced. expected is what the target should hold now (first our file);
// if the target was replaced yet again meanwhile, the swap brings that
// newer file out instead, and it goes back in on the next round.
func (f *File) undoExchange(tmp string, expected fs.FileInfo) error {
	for range 64 {
		placing, err := os.Lstat(tmp)
		if err != nil {
			return fmt.Errorf("%s: restoring the other write: %w", f.target, err)
		}
		if _, err := exchange(tmp, f.target); err != nil {
			return fmt.Errorf("%s: restoring the other write (it is kept as %s): %w", f.target, tmp, err)
		}
		out, err := os.Lstat(tmp)
		if err != nil {
			return fmt.Errorf("%s: restoring the other write: %w", f.target, err)
		}
		if os.SameFile(out, expected) {
			os.Remove(tmp)
			syncDir(filepath.Dir(f.target))
			return nil
		}
		expected = placing
	}
	return fmt.Errorf("%s: written again and again while being restored; the displaced file is kept as %s", f.target, tmp)
}

// holds reports whether path is a regular file whose content is want.
func holds(path string, want []byte) bool {
	got, err := regularfile.ReadFile(path, int64(len(want)))
	return err == nil && bytes.Equal(got, want)
}

// Abort discards the pending write.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// WriteFile is Create, one Write and Commit.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// WriteFrom is Create, io.Copy from r and Commit.
func WriteFrom(path string, r io.Reader, perm os.FileMode) (int64, error) {
	f, err := Create(path, perm)
	if err != nil {
		return 0, err
	}
	defer f.Abort()
	n, err := io.Copy(f, r)
	if err != nil {
		return n, fmt.Errorf("%s: %w", path, err)
	}
	return n, f.Commit()
}

// RemoveStale deletes the temporary files a killed process left beside
// target: regular files named exactly as Create names them for target
// ("."+base+".tmp-"+digits), not modified for at least minAge (by the real
// clock). Nothing else is touched: not a link, not a folder, not a name
// lsui would not have written. minAge keeps the pending write of a process
// running right now alive; 0 is for callers holding a lock that every
// writer of target takes. It returns the base names removed.
func RemoveStale(target string, minAge time.Duration) []string {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	prefix := "." + base + ".tmp-"
	var removed []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !allDigits(rest) || !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() || time.Since(fi.ModTime()) < minAge {
			continue
		}
		if os.Remove(path) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
