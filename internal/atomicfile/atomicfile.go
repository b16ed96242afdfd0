// Package atomicfile writes files so that a crash leaves either the old
// content or the new one under the final name, never a partial file: write a
// temporary file in the same folder, fsync it, rename it over the target,
// then fsync the folder.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	if f.done {
		return fmt.Errorf("%s: already committed or aborted", f.target)
	}
	f.done = true
	tmp := f.File.Name()
	fail := func(err error) error {
		f.File.Close()
		os.Remove(tmp)
		return err
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
	if err := os.Rename(tmp, f.target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.target, err)
	}
	syncDir(filepath.Dir(f.target))
	return nil
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
