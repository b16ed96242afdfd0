//go:build unix

package payload

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/regularfile"
)

// prompt fails the test instead of hanging it when f blocks; it asserts
// nothing about how long f took.
func prompt[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(60 * time.Second):
		t.Fatalf("%s blocked on a named pipe", what)
		var zero T
		return zero
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// TestHardeningFIFOInspect: `payload inspect FIFO` and the viewer's entry
// read refuse a named pipe at once (issue 14 item 5).
func TestHardeningFIFOInspect(t *testing.T) {
	path := filepath.Join(t.TempDir(), "upload_1.zip")
	mkfifo(t, path)
	s := prompt(t, "ScanFile", func() *Scanned { return ScanFile(context.Background(), path, DefaultLimits) })
	if v := s.Listing().Verdict(); !strings.HasPrefix(v, "REJECTED") || !strings.Contains(v, "a named pipe, not a regular file") {
		t.Errorf("verdict %q", s.Listing().Verdict())
	}
	err := prompt(t, "ReadEntry", func() error { _, err := ReadEntry(context.Background(), path, "usage.json", 1<<20); return err })
	if !errors.Is(err, regularfile.ErrNotRegular) {
		t.Errorf("ReadEntry: %v", err)
	}
}

// TestHardeningFIFOLicenceUnderTheLock: a FIFO named like a licence file
// stops `upload` (which holds the lock while it builds) with a refusal,
// promptly, and the lock is free afterwards.
func TestHardeningFIFOLicenceUnderTheLock(t *testing.T) {
	root := fixtureRoot(t)
	mkfifo(t, filepath.Join(root, "MyFiles", "pipe.lic"))
	snap := prompt(t, "Load", func() any { return loadRoot(t, root, testNow) }).(*model.Snapshot)
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(201)}
	err := prompt(t, "RunCycle", func() error {
		_, err := RunCycle(context.Background(), snap, quickOptions(sc.srv.URL, testNow))
		return err
	})
	if !errors.Is(err, regularfile.ErrNotRegular) || !strings.Contains(err.Error(), "pipe.lic: a named pipe") {
		t.Fatalf("cycle: %v", err)
	}
	l, err := AcquireLock(uploads.Dir(snap.Layout.UsageDir), testNow)
	if err != nil {
		t.Fatalf("lock after the refused cycle: %v", err)
	}
	l.Release()
}

// TestHardeningLockFileNotRegular: a link or FIFO planted as the lock file
// is refused; the link's target is not truncated or written.
func TestHardeningLockFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "precious")
	os.WriteFile(target, []byte("not lsui's"), 0o644)
	if err := os.Symlink(target, filepath.Join(dir, LockName)); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	if _, err := AcquireLock(dir, testNow); err == nil {
		t.Fatal("locked through a link")
	}
	if got, _ := os.ReadFile(target); string(got) != "not lsui's" {
		t.Errorf("the link's target became %q", got)
	}
	fifoDir := t.TempDir()
	mkfifo(t, filepath.Join(fifoDir, LockName))
	err := prompt(t, "AcquireLock", func() error { _, err := AcquireLock(fifoDir, testNow); return err })
	if !errors.Is(err, regularfile.ErrNotRegular) {
		t.Errorf("FIFO lock: %v", err)
	}
}
