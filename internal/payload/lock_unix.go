//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package payload

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive flock without blocking. flock belongs to the
// open file, so the kernel drops it when the process exits or dies.
func tryLock(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		default:
			return false, err
		}
	}
}

func unlock(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

// lockOpenFlags keep the lock file from being a link (or, on Unix, a FIFO that
// would block the open).
const lockOpenFlags = unix.O_NOFOLLOW | unix.O_NONBLOCK
