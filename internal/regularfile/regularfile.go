// Package regularfile opens the files lsui reads from a licensing root
// (licence files, debug logs, listings, lsui.json, the config XML, the
// scramble key, payloads named on the command line) and refuses anything
// that is not a regular file.
//
// A symbolic link is refused by name, never followed: MyFiles/zz.lic
// pointing at the scramble key would otherwise be read, shown and
// uploaded as a licence file. A named pipe, socket or device is refused
// before it is opened, and the open itself cannot block (O_NONBLOCK on
// Unix), so a FIFO planted where lsui reads a file cannot hang a command
// that holds the upload lock. After the open, the handle is checked again
// (fstat) to be the same regular file the name showed, which closes the
// window between the check and the open.
package regularfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is matched (errors.Is) by every refusal of this package.
var ErrNotRegular = errors.New("not a regular file")

// KindError says what a refused file is. It comes wrapped in an
// *fs.PathError naming the file, so the message reads
// "open MyFiles/zz.lic: a symbolic link, not a regular file; lsui reads regular files only".
type KindError struct {
	Kind string // "a symbolic link", "a named pipe", "a folder", …
}

func (e *KindError) Error() string {
	return e.Kind + ", not a regular file; lsui reads regular files only"
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *KindError) Is(target error) bool { return target == ErrNotRegular }

// Kind describes a file mode in words, for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	case m.IsRegular():
		return "a regular file"
	}
	// Windows reports junctions and other reparse points as irregular.
	return "an irregular file (a junction, reparse point or other special file)"
}

func refuse(name string, m fs.FileMode) error {
	return &fs.PathError{Op: "open", Path: name, Err: &KindError{Kind: Kind(m)}}
}

// Check reports whether name is a regular file, without following a
// symbolic link and without opening it. It returns the Lstat error as is
// (so errors.Is(err, fs.ErrNotExist) still works).
func Check(name string) (fs.FileInfo, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, refuse(name, fi.Mode())
	}
	return fi, nil
}

// Open opens name for reading when it is a regular file. See the package
// comment for what is refused; a missing file is an error satisfying
// errors.Is(err, fs.ErrNotExist).
func Open(name string) (*os.File, error) {
	before, err := Check(name)
	if err != nil {
		return nil, err
	}
	f, err := openNoFollow(name)
	if err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if !after.Mode().IsRegular() {
		f.Close()
		return nil, refuse(name, after.Mode())
	}
	if !os.SameFile(before, after) {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrReplaced}
	}
	if err := settle(f); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f, nil
}

// ErrReplaced is matched by Open's refusal of a file that another program
// replaced (a save by rename) between the check and the open: the name now
// holds a file that was not checked.
var ErrReplaced = errors.New("replaced by another file while being opened; try again")

// ErrTooLarge is matched by ReadFile's refusal of a file over its limit.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads a regular file whole, refusing one larger than limit
// bytes (limit <= 0 means no limit) after reading at most limit+1 bytes.
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, limit)}
	}
	return data, nil
}
