//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly || windows)

package payload

import (
	"errors"
	"os"
)

// tryLock: lsui runs on Windows and Unix licence servers only; elsewhere an
// upload cycle refuses to run rather than run unguarded.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("file locking is not supported on this operating system")
}

func unlock(*os.File) error { return nil }

// lockOpenFlags keep the lock file from being a link (or, on Unix, a FIFO that
// would block the open).
const lockOpenFlags = 0
