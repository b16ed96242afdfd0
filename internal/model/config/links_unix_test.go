//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/regularfile"
)

// A symlinked config is refused, never edited outside the root; a config
// swapped for a link after Read is not written through it; a .bak that is
// a link is not written through either (issue 14 item 4). A FIFO is refused
// at once (item 5).
func TestConfigNotRegular(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "outside.xml")
	orig := fixture(t, "element.xml")
	os.WriteFile(outside, orig, 0o644)

	t.Run("link at Read", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "SimpleLicenseServiceConfig.xml")
		os.Symlink(outside, path)
		if _, err := Read(path); !errors.Is(err, regularfile.ErrNotRegular) || !errors.Is(err, ErrUnreadable) {
			t.Fatalf("Read: %v", err)
		}
	})
	t.Run("link swapped in after Read", func(t *testing.T) {
		path := copyFixture(t, "element.xml")
		c, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(path)
		os.Symlink(outside, path)
		if err := c.Write(!c.Scramble); !errors.Is(err, regularfile.ErrNotRegular) {
			t.Fatalf("Write: %v", err)
		}
		if fi, _ := os.Lstat(path); fi.Mode()&os.ModeSymlink == 0 {
			t.Error("the link was replaced")
		}
	})
	t.Run(".bak is a link", func(t *testing.T) {
		path := copyFixture(t, "element.xml")
		os.Symlink(outside, path+".bak")
		c, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Write(!c.Scramble); !errors.Is(err, regularfile.ErrNotRegular) {
			t.Fatalf("Write: %v", err)
		}
		assertFile(t, path, orig)
	})
	if got, _ := os.ReadFile(outside); string(got) != string(orig) {
		t.Error("the file outside the root changed")
	}
	t.Run("named pipe", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "SimpleLicenseServiceConfig.xml")
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		done := make(chan error, 1)
		go func() { _, err := Read(path); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, regularfile.ErrNotRegular) || !errors.Is(err, ErrUnreadable) {
				t.Fatalf("Read: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("Read blocked on a named pipe")
		}
	})
}

// A Write refused because the file changed puts the previous .bak back:
// a Write that changed nothing leaves no trace (item 8).
func TestChangedWriteRestoresBackup(t *testing.T) {
	path := copyFixture(t, "element.xml")
	os.WriteFile(path+".bak", []byte("the backup of an earlier change"), 0o644)
	c, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	newer := append(fixture(t, "element.xml"), "<!-- saved by the service -->\n"...)
	// The newer write lands after the backup is made, right before the
	// replace (the moment the old check could not see).
	testHookAfterBackup = func() { os.WriteFile(path, newer, 0o644) }
	defer func() { testHookAfterBackup = nil }()
	if err := c.Write(!c.Scramble); !errors.Is(err, ErrChanged) {
		t.Fatalf("Write: %v, want ErrChanged", err)
	}
	assertFile(t, path, newer)
	assertFile(t, path+".bak", []byte("the backup of an earlier change"))
}
