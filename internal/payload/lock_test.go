package payload

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockExcludesSecondHolder(t *testing.T) {
	dir := t.TempDir()
	l, err := AcquireLock(dir, testNow)
	if err != nil {
		t.Fatal(err)
	}
	_, err = AcquireLock(dir, testNow)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second acquire: %v, want a LockedError", err)
	}
	if le.PID != os.Getpid() || !le.Since.Equal(testNow) {
		t.Errorf("holder pid %d since %v, want %d since %v", le.PID, le.Since, os.Getpid(), testNow)
	}
	want := fmt.Sprintf("another upload cycle is running (pid %d since 2026-11-27T10:00:00Z", os.Getpid())
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start %q", err.Error(), want)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second release: %v", err)
	}
	l2, err := AcquireLock(dir, testNow)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
	if _, err := os.Stat(filepath.Join(dir, LockName)); err != nil {
		t.Errorf("the lock file must stay in place: %v", err)
	}
}

func TestParseHolder(t *testing.T) {
	tests := []struct {
		text string
		pid  int
		ok   bool
	}{
		{"pid 42\nsince 2026-11-27T10:00:00Z\n", 42, true},
		{"", 0, false},
		{"pid -3\nsince yesterday\n", 0, false},
		{"garbage\x00\xff", 0, false},
	}
	for _, tt := range tests {
		f, err := os.CreateTemp(t.TempDir(), "lock")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(tt.text)
		pid, since := parseHolder(f)
		f.Close()
		if pid != tt.pid || since.IsZero() == tt.ok {
			t.Errorf("parseHolder(%q) = %d, %v", tt.text, pid, since)
		}
	}
	le := &LockedError{Path: "x"}
	if !strings.Contains(le.Error(), "holder unknown") {
		t.Errorf("%q", le.Error())
	}
}

// TestLockHolderProcess is not a test: it is the child process of
// TestLockDiesWithProcess, holding the lock until it is killed.
func TestLockHolderProcess(t *testing.T) {
	dir := os.Getenv("LSUI_LOCK_HOLDER_DIR")
	if dir == "" {
		t.Skip("helper process")
	}
	if _, err := AcquireLock(dir, testNow); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}

func TestLockDiesWithProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$")
	cmd.Env = append(os.Environ(), "LSUI_LOCK_HOLDER_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("holder said %q, %v", line, err)
	}

	_, err = AcquireLock(dir, testNow)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
		t.Fatalf("while the holder runs: %v, want pid %d", err, cmd.Process.Pid)
	}

	// The holder crashes without releasing anything.
	cmd.Process.Kill()
	cmd.Wait()
	l, err := AcquireLock(dir, testNow)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	l.Release()
}
