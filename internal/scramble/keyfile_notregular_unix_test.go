//go:build unix

package scramble

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/regularfile"
)

// A key file that is a link or a named pipe is refused (ErrCorruptKey,
// never replaced), promptly, and never followed (issue 14 items 4 and 5).
func TestKeyFileNotRegular(t *testing.T) {
	for _, kind := range []string{"symbolic link", "named pipe"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			path := KeyFilePath(dir)
			if kind == "named pipe" {
				if err := syscall.Mkfifo(path, 0o600); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
			} else {
				elsewhere := filepath.Join(t.TempDir(), "k")
				if _, _, err := EnsureKey(filepath.Dir(elsewhere), time.Now()); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(KeyFilePath(filepath.Dir(elsewhere)), path); err != nil {
					t.Skipf("no symlinks: %v", err)
				}
			}
			done := make(chan error, 1)
			go func() { _, err := LoadKey(dir, time.Now()); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("LoadKey blocked")
			}
			if !errors.Is(err, ErrCorruptKey) || !errors.Is(err, regularfile.ErrNotRegular) || !strings.Contains(err.Error(), "a "+kind) {
				t.Fatalf("LoadKey: %v", err)
			}
			if _, _, err := EnsureKey(dir, time.Now()); !errors.Is(err, ErrCorruptKey) {
				t.Errorf("EnsureKey over a %s: %v, want a refusal", kind, err)
			}
			if fi, _ := os.Lstat(path); fi.Mode().IsRegular() {
				t.Errorf("the %s was replaced by a key file", kind)
			}
		})
	}
}
