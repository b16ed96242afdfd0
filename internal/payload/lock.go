package payload

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/regularfile"
)

// LockName is the lock file an upload cycle holds, in LS/resource/usage.
const LockName = "lsui-upload.lock"

// ErrLocked means another upload cycle holds the lock.
var ErrLocked = errors.New("another upload cycle is running")

// LockedError says who holds the lock, as far as the lock file tells.
type LockedError struct {
	Path  string
	PID   int       // 0 when the holder has not written it yet
	Since time.Time // zero when unknown
}

func (e *LockedError) Error() string {
	holder := "holder unknown"
	if e.PID > 0 {
		holder = "pid " + strconv.Itoa(e.PID)
		if !e.Since.IsZero() {
			holder += " since " + e.Since.Format(time.RFC3339)
		}
	}
	return fmt.Sprintf("%s (%s; lock %s)", ErrLocked, holder, e.Path)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Lock is a held upload-cycle lock. The operating system owns it (flock on
// Unix, LockFileEx on Windows), so it dies with the process that holds it: a
// crashed cycle never leaves the next one locked out, whatever the file
// still says. The file itself is never deleted — removing it while another
// process waits on it would let two holders lock two different files.
type Lock struct {
	f    *os.File
	path string
}

// AcquireLock takes the upload-cycle lock in dir without waiting. When
// another process (or another Lock in this one) holds it, the error is a
// *LockedError naming the holder.
func AcquireLock(dir string, now time.Time) (*Lock, error) {
	path := filepath.Join(dir, LockName)
	// The file is opened in place and never replaced: the OS lock belongs to
	// this file, so an atomic rename would hand a second process a fresh,
	// unlocked file.
	// Never through a link, never waiting on a FIFO (issue 14): the holder
	// text is written into this file, and it must be lsui's own.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|lockOpenFlags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("upload lock %s: %w", path, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = &regularfile.KindError{Kind: regularfile.Kind(st.Mode())}
		}
		return nil, fmt.Errorf("upload lock %s: %w", path, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("upload lock %s: %w", path, err)
	}
	if !held {
		le := &LockedError{Path: path}
		le.PID, le.Since = parseHolder(f)
		f.Close()
		return nil, le
	}
	// Who holds it is for the error message of the next cycle only; the lock
	// is the OS lock, not these bytes, so a torn write here is harmless.
	holder := fmt.Sprintf("pid %d\nsince %s\n", os.Getpid(), now.UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(holder), 0)
	}
	return &Lock{f: f, path: path}, nil
}

// Path is the lock file.
func (l *Lock) Path() string { return l.path }

// Release gives the lock up. It is safe to call twice.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	// Clearing the holder first means a reader never names a dead pid after
	// a clean exit; closing the file releases the OS lock either way.
	f.Truncate(0)
	unlock(f)
	return f.Close()
}

// parseHolder reads "pid N\nsince TIME\n" from the lock file.
func parseHolder(f *os.File) (int, time.Time) {
	buf := make([]byte, 256)
	n, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return 0, time.Time{}
	}
	var pid int
	var since time.Time
	for _, line := range strings.Split(string(buf[:n]), "\n") {
		key, value, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch key {
		case "pid":
			if v, err := strconv.Atoi(value); err == nil && v > 0 {
				pid = v
			}
		case "since":
			if t, err := time.Parse(time.RFC3339, value); err == nil {
				since = t
			}
		}
	}
	return pid, since
}
