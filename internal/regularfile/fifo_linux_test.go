//go:build linux

package regularfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo plants a named pipe; a plain open of it waits for a writer forever.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// returnsPromptly fails the test instead of hanging it when f blocks; it
// makes no assertion about how long f took.
func returnsPromptly(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s blocked on a named pipe", what)
		return nil
	}
}

func TestRefusesNamedPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe.log")
	mkfifo(t, path)
	for what, open := range map[string]func() error{
		"Open":     func() error { f, err := Open(path); closeIf(f); return err },
		"ReadFile": func() error { _, err := ReadFile(path, 0); return err },
	} {
		err := returnsPromptly(t, what, open)
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), path+": a named pipe, not a regular file") {
			t.Errorf("%s: %v", what, err)
		}
	}
}

// The descriptor Open returns is back in blocking mode.
func TestOpenedBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a")
	os.WriteFile(path, []byte("x"), 0o644)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rc, _ := f.SyscallConn()
	var flags int
	rc.Control(func(fd uintptr) {
		r, _, _ := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		flags = int(r)
	})
	if flags&syscall.O_NONBLOCK != 0 {
		t.Error("descriptor left non-blocking")
	}
}
