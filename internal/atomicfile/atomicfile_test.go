package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// entries lists a folder's names, so tests can see stray temporary files.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s = %q, want %q", filepath.Base(path), got, want)
	}
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name     string
		existing *string
		perm     os.FileMode
	}{
		{"new file", nil, 0o640},
		{"replaces a file", ptr("old content that is longer than the new one"), 0o600},
		{"replaces an empty file", ptr(""), 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "SimpleLicenseServiceConfig.xml")
			if tt.existing != nil {
				if err := os.WriteFile(path, []byte(*tt.existing), 0o666); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFile(path, []byte("new"), tt.perm); err != nil {
				t.Fatal(err)
			}
			assertContent(t, path, "new")
			if runtime.GOOS != "windows" {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				// Chmod, not the umask-filtered create mode, sets the bits.
				if fi.Mode().Perm() != tt.perm {
					t.Errorf("mode %04o, want %04o", fi.Mode().Perm(), tt.perm)
				}
			}
			if names := entries(t, dir); len(names) != 1 {
				t.Errorf("folder holds %v, want only the target", names)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestWriteFileMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "x.lic")
	err := WriteFile(path, []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want an error naming %s", err, path)
	}
}

func TestPendingWriteIsInvisible(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "upload_1767225600.zip")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := f.Write([]byte("new")); err != nil {
		t.Fatal(err)
	}
	// Listings of final names must not pick up the temporary file.
	for _, pattern := range []string{"upload_*.zip", "*.zip", "*.lic"} {
		matches, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, m := range matches {
			if m != path {
				t.Errorf("pattern %s matches the temporary file %s", pattern, filepath.Base(m))
			}
		}
	}
	assertContent(t, path, "old")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, "new")
}

func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.lic")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	f.Abort() // twice is fine
	assertContent(t, path, "old")
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v after Abort, want only a.lic", names)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	assertContent(t, path, "old")
}

func TestCommitTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.lic")
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("one"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // the deferred idiom: must not remove the committed file
	if err := f.Commit(); err == nil {
		t.Error("second Commit succeeded")
	}
	assertContent(t, path, "one")
}

func TestCommitFailureLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	// Renaming a file over a non-empty folder fails on every platform.
	path := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(path, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("x"))
	if err := f.Commit(); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Commit over a folder: %v, want an error naming the target", err)
	}
	if names := entries(t, dir); len(names) != 1 || names[0] != "target" {
		t.Errorf("folder holds %v after a failed Commit, want only target", names)
	}
}

type failingReader struct{ n int }

var errBroken = errors.New("connection reset")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errBroken
	}
	n := copy(p, bytes.Repeat([]byte("x"), min(len(p), r.n)))
	r.n -= n
	return n, nil
}

func TestWriteFrom(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "upload_1.zip")
	n, err := WriteFrom(path, strings.NewReader("payload"), 0o644)
	if err != nil || n != 7 {
		t.Fatalf("WriteFrom = %d, %v", n, err)
	}
	assertContent(t, path, "payload")

	// A reader that fails half way leaves the old file and no debris.
	n, err = WriteFrom(path, &failingReader{n: 3}, 0o644)
	if !errors.Is(err, errBroken) || n != 3 {
		t.Fatalf("WriteFrom with a failing reader = %d, %v; want 3, %v", n, err, errBroken)
	}
	assertContent(t, path, "payload")
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v, want only the target", names)
	}
}
