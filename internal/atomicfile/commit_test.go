package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCommitIfUnchanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "SimpleLicenseServiceConfig.xml")
	os.WriteFile(path, []byte("base"), 0o644)
	f, _ := Create(path, 0o644)
	f.Write([]byte("edited"))
	if err := f.CommitIfUnchanged([]byte("base")); err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, "edited")

	// The target no longer holds the base: nothing is written.
	f, _ = Create(path, 0o644)
	f.Write([]byte("edited again"))
	if err := f.CommitIfUnchanged([]byte("base")); !errors.Is(err, ErrTargetChanged) {
		t.Fatalf("err = %v, want ErrTargetChanged", err)
	}
	assertContent(t, path, "edited")
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v", names)
	}
}

// A write landing between the last look and the replace is put back where
// the OS can swap two names atomically (Linux).
func TestCommitIfUnchangedWriteInTheWindow(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux has an atomic exchange; elsewhere the window stays (docs/reliability.md)")
	}
	for _, how := range []string{"renamed over", "written in place"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "SimpleLicenseServiceConfig.xml")
			os.WriteFile(path, []byte("base"), 0o644)
			testHookBeforeReplace = func() {
				if how == "renamed over" {
					WriteFile(path, []byte("newer, by the service"), 0o644)
				} else {
					os.WriteFile(path, []byte("newer, by the service"), 0o644)
				}
			}
			defer func() { testHookBeforeReplace = nil }()
			f, _ := Create(path, 0o644)
			f.Write([]byte("edited"))
			err := f.CommitIfUnchanged([]byte("base"))
			if !errors.Is(err, ErrTargetChanged) {
				t.Fatalf("err = %v, want ErrTargetChanged", err)
			}
			assertContent(t, path, "newer, by the service")
			if names := entries(t, dir); len(names) != 1 {
				t.Errorf("folder holds %v", names)
			}
		})
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "lsui-scramble.key")
	old := time.Now().Add(-time.Hour)
	write := func(name string, age time.Time) {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o600)
		os.Chtimes(p, age, age)
	}
	write("lsui-scramble.key", old)
	write(".lsui-scramble.key.tmp-123456", old)     // a crashed rotation: removed
	write(".lsui-scramble.key.tmp-999", time.Now()) // a rotation under way: kept
	write(".lsui-scramble.key.tmp-12x", old)        // not lsui's naming
	write(".lsui-scramble.key.tmp-", old)
	write(".other.key.tmp-1", old)
	write("lsui-scramble.key.tmp-1", old)
	os.Mkdir(filepath.Join(dir, ".lsui-scramble.key.tmp-5"), 0o755)
	if err := os.Symlink(target, filepath.Join(dir, ".lsui-scramble.key.tmp-6")); err != nil {
		t.Logf("no symlinks: %v", err)
	}
	removed := RemoveStale(target, 10*time.Minute)
	if !slices.Equal(removed, []string{".lsui-scramble.key.tmp-123456"}) {
		t.Errorf("removed %v", removed)
	}
	left := strings.Join(entries(t, dir), " ")
	for _, want := range []string{"lsui-scramble.key", ".lsui-scramble.key.tmp-999", ".lsui-scramble.key.tmp-12x", ".other.key.tmp-1", ".lsui-scramble.key.tmp-5"} {
		if !slices.Contains(entries(t, dir), want) {
			t.Errorf("%s removed; left: %s", want, left)
		}
	}
	// With no age required (the caller holds the lock), the fresh one goes too.
	if removed := RemoveStale(target, 0); !slices.Equal(removed, []string{".lsui-scramble.key.tmp-999"}) {
		t.Errorf("removed %v", removed)
	}
}
