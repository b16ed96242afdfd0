package regularfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOpenRegular(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.lic")
	if err := os.WriteFile(path, []byte("INCREMENT x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	if string(data) != "INCREMENT x" {
		t.Errorf("read %q", data)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.lic")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}

// TestReplacedWhileOpening opens a file that another goroutine keeps
// saving by rename, as the licensing service and editors do: each open
// gets a whole file, or a refusal a caller can tell apart (ErrReplaced:
// config.Write reports it as a change on disk), never another error.
func TestReplacedWhileOpening(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not rename over a file another handle has open")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "SimpleLicenseServiceConfig.xml")
	if err := os.WriteFile(path, []byte("<Configurations/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			tmp := filepath.Join(dir, fmt.Sprintf("save%d.tmp", i))
			if err := os.WriteFile(tmp, []byte("<Configurations/>"), 0o644); err != nil {
				done <- err
				return
			}
			if err := os.Rename(tmp, path); err != nil {
				done <- err
				return
			}
		}
	}()
	replaced := 0
	for range 20000 {
		f, err := Open(path)
		if err == nil {
			f.Close()
			continue
		}
		if !errors.Is(err, ErrReplaced) {
			close(stop)
			t.Fatalf("open during saves: %v, want nil or ErrReplaced", err)
		}
		replaced++
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("20000 opens during saves: %d refused as replaced", replaced)
}

func TestRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "lsui-scramble.key")
	if err := os.WriteFile(secret, []byte("key 0123456789abcdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"zz.lic":       secret,                             // a link to a readable file
		"dangling.lic": filepath.Join(dir, "nothing-here"), // to nothing
		"dir.lic":      dir,                                // to a folder
	}
	for name, target := range tests {
		t.Run(name, func(t *testing.T) {
			link := filepath.Join(dir, name)
			if err := os.Symlink(target, link); err != nil {
				t.Skipf("no symlinks: %v", err)
			}
			for what, open := range map[string]func() error{
				"Open":     func() error { f, err := Open(link); closeIf(f); return err },
				"ReadFile": func() error { _, err := ReadFile(link, 1<<20); return err },
				"Check":    func() error { _, err := Check(link); return err },
			} {
				err := open()
				if !errors.Is(err, ErrNotRegular) {
					t.Fatalf("%s: %v, want ErrNotRegular", what, err)
				}
				want := link + ": a symbolic link, not a regular file; lsui reads regular files only"
				if !strings.HasSuffix(err.Error(), want) {
					t.Errorf("%s: message %q, want it to end %q", what, err, want)
				}
				if strings.Contains(err.Error(), "0123456789abcdef") {
					t.Errorf("%s: the target's content leaked into %q", what, err)
				}
			}
		})
	}
}

func TestRefusesFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "x.lic")
	os.Mkdir(dir, 0o755)
	_, err := ReadFile(dir, 0)
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a folder, not a regular file") {
		t.Errorf("folder: %v", err)
	}
}

func TestReadFileLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xml")
	os.WriteFile(path, []byte("0123456789"), 0o644)
	if data, err := ReadFile(path, 10); err != nil || len(data) != 10 {
		t.Errorf("at the limit: %d bytes, %v", len(data), err)
	}
	if _, err := ReadFile(path, 9); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), path) {
		t.Errorf("over the limit: %v, want ErrTooLarge naming the file", err)
	}
}

func closeIf(f *os.File) {
	if f != nil {
		f.Close()
	}
}
