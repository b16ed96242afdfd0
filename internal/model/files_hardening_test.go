//go:build unix

package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/regularfile"
)

// promptLoad loads root, failing the test (not hanging it) if Load blocks.
// It asserts nothing about how long Load took.
func promptLoad(t *testing.T, root string) *Snapshot {
	t.Helper()
	done := make(chan *Snapshot, 1)
	go func() { done <- loadHardening(t, root) }()
	select {
	case s := <-done:
		return s
	case <-time.After(60 * time.Second):
		t.Fatal("Load blocked")
		return nil
	}
}

func problemFor(s *Snapshot, file string) string {
	for _, p := range s.Problems {
		if p.File == file {
			return p.Message
		}
	}
	return ""
}

// TestHardeningSymlinkedLicenceIsRefused: MyFiles/zz.lic pointing at the
// scramble key is refused by name (issue 14 item 4), never read.
func TestHardeningSymlinkedLicenceIsRefused(t *testing.T) {
	root := t.TempDir()
	copyTree(t, root)
	key := filepath.Join(root, "webservicesforlicensing", "lsui-scramble.key")
	os.WriteFile(key, []byte("INCREMENT SECRET_KEY_FEATURE CITRIX 2025.0630 permanent 1 SIGN=0123456789abcdef0123\n"), 0o600)
	if err := os.Symlink("../webservicesforlicensing/lsui-scramble.key", filepath.Join(root, "myfiles", "zz.lic")); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	s := promptLoad(t, root)
	msg := problemFor(s, "myfiles/zz.lic")
	if !strings.Contains(msg, "a symbolic link, not a regular file; lsui reads regular files only") {
		t.Errorf("problem for myfiles/zz.lic = %q; problems: %v", msg, s.Problems)
	}
	for _, l := range s.Lines {
		if l.Feature == "SECRET_KEY_FEATURE" {
			t.Error("the link's target was read as a licence file")
		}
	}
	if len(s.Files) != 2 {
		t.Errorf("%d licence files loaded, want the 2 regular ones", len(s.Files))
	}
}

// TestHardeningSymlinkedConfigIsRefused: a config that is a link is not
// read (and so never edited) outside the root.
func TestHardeningSymlinkedConfigIsRefused(t *testing.T) {
	root := t.TempDir()
	copyTree(t, root)
	cfg := filepath.Join(root, "webservicesforlicensing", "SimpleLicenseServiceConfig.xml")
	outside := filepath.Join(t.TempDir(), "elsewhere.xml")
	data, _ := os.ReadFile(cfg)
	os.WriteFile(outside, data, 0o644)
	os.Remove(cfg)
	if err := os.Symlink(outside, cfg); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	s := promptLoad(t, root)
	if s.Config != nil || !errors.Is(s.ConfigErr, regularfile.ErrNotRegular) || !errors.Is(s.ConfigErr, config.ErrUnreadable) {
		t.Fatalf("config %v, err %v; want a refusal", s.Config, s.ConfigErr)
	}
	if !strings.Contains(s.ConfigErr.Error(), "a symbolic link") {
		t.Errorf("ConfigErr = %v", s.ConfigErr)
	}
	if got, _ := os.ReadFile(outside); string(got) != string(data) {
		t.Error("the file outside the root changed")
	}
}

// TestHardeningNamedPipesDoNotHang plants a FIFO at each file Load reads
// (issue 14 item 5): each is refused by name and the rest loads.
func TestHardeningNamedPipesDoNotHang(t *testing.T) {
	tests := []struct {
		name    string
		path    string // relative to the root; replaced by a FIFO
		problem string // Problem.File expected, "" when reported elsewhere
	}{
		{"licence file", "myfiles/zz.lic", "myfiles/zz.lic"},
		{"debug log", "LS/pipe.log", ""},
		{"udadmin capture", "udadmin.txt", "udadmin.txt"},
		{"lsui.json", "webservicesforlicensing/lsui.json", "webservicesforlicensing/lsui.json"},
		{"config", "webservicesforlicensing/SimpleLicenseServiceConfig.xml", ""},
		{"journal", "LS/resource/usage/lsui/lsui-journal.json", "LS/resource/usage/lsui/lsui-journal.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			copyTree(t, root)
			p := filepath.Join(root, filepath.FromSlash(tt.path))
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			s := promptLoad(t, root)
			var msg string
			switch {
			case tt.problem != "":
				msg = problemFor(s, tt.problem)
			case strings.HasSuffix(tt.path, ".xml"):
				if s.ConfigErr != nil {
					msg = s.ConfigErr.Error()
				}
			default:
				for _, p := range s.Problems {
					if strings.Contains(p.Message, "pipe.log") {
						msg = p.Message
					}
				}
			}
			if !strings.Contains(msg, "a named pipe, not a regular file") {
				t.Errorf("no refusal naming the pipe: %q; problems %v", msg, s.Problems)
			}
			if len(s.Files) == 0 {
				t.Error("nothing else loaded")
			}
		})
	}
}
