//go:build windows

package payload

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffset is where the locked byte sits: far past the holder text.
// Windows locks are mandatory, so locking the bytes that hold "pid N since
// …" would stop the waiting process from reading who holds the lock.
const lockOffset = 1 << 30

// tryLock takes an exclusive LockFileEx lock on one byte without blocking.
// Windows releases it when the handle closes, including when the process
// dies.
func tryLock(f *os.File) (bool, error) {
	ol := &windows.Overlapped{Offset: lockOffset}
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return false, nil
	default:
		return false, err
	}
}

func unlock(f *os.File) error {
	ol := &windows.Overlapped{Offset: lockOffset}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
}

// lockOpenFlags keep the lock file from being a link (or, on Unix, a FIFO that
// would block the open).
const lockOpenFlags = 0
