//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens without following a link at the last element
// (O_NOFOLLOW: a link swapped in after Check fails with ELOOP) and without
// waiting for a writer (O_NONBLOCK: a FIFO swapped in opens at once, and
// the fstat in Open refuses it). O_NOCTTY: a terminal device never becomes
// the controlling terminal.
func openNoFollow(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && errors.Is(pe.Err, syscall.ELOOP) {
			return nil, refuse(name, fs.ModeSymlink)
		}
		return nil, err
	}
	return f, nil
}

// settle puts the descriptor back in blocking mode. O_NONBLOCK changes
// nothing for reads of a regular file, but the descriptor may be handed to
// code that expects an ordinary one.
func settle(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
