package model

// Hardening (issue 7): oversized licence files in a real root, and Windows
// install paths (spaces, parentheses, the two Program Files roots) checked
// on Linux with folders of the same names. What this can and cannot prove
// about Windows is written down in docs/reliability.md.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
)

// copyTree copies the fixture root (testdata/root) to dst.
func copyTree(t *testing.T, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS("testdata/root")); err != nil {
		t.Fatal(err)
	}
}

var hardeningNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func loadHardening(t *testing.T, root string) *Snapshot {
	t.Helper()
	s, err := Load(context.Background(), Options{Root: root, Now: hardeningNow, Location: time.UTC,
		UdadminFile: filepath.Join(root, "udadmin.txt"), NoExec: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHardeningOversizedLicenceFiles: in a root holding a 65 MiB .lic (over
// licfile.MaxFileSize) and a 50 MB one of real-looking lines, Load refuses
// the first with one problem naming it, loads the second, and the root's
// other files load as before.
func TestHardeningOversizedLicenceFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 115 MB")
	}
	root := t.TempDir()
	copyTree(t, root)
	myfiles := filepath.Join(root, "myfiles")

	huge, err := os.Create(filepath.Join(myfiles, "huge.lic"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("# padding, not a licence\n"), 40000) // 1,000,000 bytes
	for written := 0; written < 65<<20; written += len(chunk) {
		if _, err := huge.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	huge.Close()

	var big bytes.Buffer
	for i := 0; big.Len() < 50<<20; i++ {
		fmt.Fprintf(&big, "INCREMENT MPS_ENT_CCU CITRIX 2025.0630 permanent 1 \\\n"+
			"\tVENDOR_STRING=;LT=Retail;GP=720;SA=1;LP=90;ODP=0 NOTICE=\"Big %d\" SN=BIG-%09d \\\n"+
			"\tSIGN=\"1A2B 3C4D 5E6F 7A8B 9C0D 1E2F 3A4B 5C6D 7E8F 9A0B 1C2D 3E4F\"\n", i, i)
	}
	bigLines := bytes.Count(big.Bytes(), []byte("INCREMENT"))
	if err := os.WriteFile(filepath.Join(myfiles, "big.lic"), big.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	big = bytes.Buffer{}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	began := time.Now()
	s := loadHardening(t, root)
	elapsed := time.Since(began)
	runtime.ReadMemStats(&after)

	var tooLarge []Problem
	for _, p := range s.Problems {
		if strings.Contains(p.Message, licfile.ErrTooLarge.Error()) {
			tooLarge = append(tooLarge, p)
		}
	}
	if len(tooLarge) != 1 || tooLarge[0].File != "myfiles/huge.lic" {
		t.Errorf("problems %v; want one naming myfiles/huge.lic as too large", s.Problems)
	}
	// The fixture's own 4 lines and its one malformed line are still there.
	if len(s.Lines) != 4+bigLines || len(s.ParseErrors) != 1 || s.Server.Host != "ctxlic01.corp.example" {
		t.Errorf("%d lines (want %d), %d parse errors (want 1), host %q", len(s.Lines), 4+bigLines, len(s.ParseErrors), s.Server.Host)
	}
	if len(s.Usage.Identities) != 6 || s.Config == nil {
		t.Errorf("the rest of the root did not load: %d identities, config %v", len(s.Usage.Identities), s.ConfigErr)
	}
	t.Logf("Load with a 65 MiB and a 50 MiB licence file: %s, %d lines, %.0f MiB allocated in total, %.0f MiB in use after",
		elapsed.Round(time.Millisecond), len(s.Lines), float64(after.TotalAlloc-before.TotalAlloc)/(1<<20),
		float64(after.HeapInuse)/(1<<20))
}

// windowsLikeRoots makes the two Windows install folders, spelled as on
// Windows, under a temporary folder standing in for C:\.
func windowsLikeRoots(t *testing.T) (x86, plain string) {
	t.Helper()
	drive := t.TempDir()
	x86 = filepath.Join(drive, "Program Files (x86)", "Citrix", "Licensing")
	plain = filepath.Join(drive, "Program Files", "Citrix", "Licensing")
	return x86, plain
}

// TestHardeningPathsWithSpacesAndParentheses: a root under
// "Program Files (x86)/Citrix/Licensing" resolves from --root and from
// LSUI_ROOT (absolute and relative) and loads exactly as the plain fixture.
func TestHardeningPathsWithSpacesAndParentheses(t *testing.T) {
	x86, _ := windowsLikeRoots(t)
	copyTree(t, x86)
	// A licence file name with spaces and parentheses too, as Citrix's
	// download names them ("FID_… (1).lic" after a second download).
	if err := os.Rename(filepath.Join(x86, "myfiles", "retail.lic"), filepath.Join(x86, "myfiles", "retail (1) copy.lic")); err != nil {
		t.Fatal(err)
	}
	drive := filepath.Dir(filepath.Dir(filepath.Dir(x86)))
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "LSUI_ROOT" {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name, flag, env string
	}{
		{"--root", x86, ""},
		{"LSUI_ROOT", "", x86},
		{"--root with a trailing separator", x86 + string(filepath.Separator), ""},
		{"relative --root", filepath.Join("Program Files (x86)", "Citrix", "Licensing"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !filepath.IsAbs(tc.flag) && tc.flag != "" {
				t.Chdir(drive)
			}
			got, err := ResolveRoot(tc.flag, env(tc.env))
			if err != nil || got != x86 {
				t.Fatalf("ResolveRoot = %q, %v; want %q", got, err, x86)
			}
			s := loadHardening(t, got)
			if len(s.Problems) != 0 || len(s.Files) != 2 || len(s.Lines) != 4 || len(s.Usage.Identities) != 6 || s.Config == nil {
				t.Errorf("problems %v, %d files, %d lines, %d identities, config %v", s.Problems, len(s.Files), len(s.Lines),
					len(s.Usage.Identities), s.ConfigErr)
			}
			if len(s.ParseErrors) != 1 || s.ParseErrors[0].File != "myfiles/retail (1) copy.lic" {
				t.Errorf("parse errors %v; want one in myfiles/retail (1) copy.lic", s.ParseErrors)
			}
			if s.Layout.Rel(s.Layout.UsageDir) != "LS/resource/usage" || len(s.Uploads) != 2 {
				t.Errorf("usage dir %s, %d uploads", s.Layout.Rel(s.Layout.UsageDir), len(s.Uploads))
			}
		})
	}
}

// TestHardeningWindowsRootDiscovery runs the default-root logic with the
// package's Windows roots pointed at look-alike folders: the first root
// that exists wins, and a root without WebServicesForLicensing takes the
// other root's (DOMAIN.md §1: "config may sit under C:\Program Files").
// What runtime.GOOS selects (DefaultRoots, udadmin.exe) is not exercised
// here; see docs/reliability.md.
func TestHardeningWindowsRootDiscovery(t *testing.T) {
	x86, plain := windowsLikeRoots(t)
	savedWindows, savedLinux := windowsRoots, linuxRoots
	t.Cleanup(func() { windowsRoots, linuxRoots = savedWindows, savedLinux })
	windowsRoots = []string{x86, plain}
	// ResolveRoot searches DefaultRoots(), which on this OS is linuxRoots.
	if runtime.GOOS != "windows" {
		linuxRoots = windowsRoots
	}
	noEnv := func(string) string { return "" }

	if _, err := ResolveRoot("", noEnv); err != ErrNoServer {
		t.Fatalf("no root installed: %v, want ErrNoServer (the demo opens)", err)
	}

	// Only the 64-bit folder exists (32-bit Windows, or a custom install):
	// it is the root, and its own config is used.
	copyTree(t, plain)
	got, err := ResolveRoot("", noEnv)
	if err != nil || got != plain {
		t.Fatalf("ResolveRoot = %q, %v; want %q", got, err, plain)
	}

	// The usual 64-bit install: licences under (x86), the web services
	// config under Program Files. The (x86) root wins and borrows the
	// config folder.
	for _, d := range []string{"MyFiles", "LS"} {
		if err := os.MkdirAll(filepath.Join(x86, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err = ResolveRoot("", noEnv)
	if err != nil || got != x86 {
		t.Fatalf("ResolveRoot = %q, %v; want %q", got, err, x86)
	}
	l := NewLayout(got)
	if want := filepath.Join(plain, "webservicesforlicensing"); l.ConfigDir != want {
		t.Errorf("ConfigDir = %s, want the other root's %s", l.ConfigDir, want)
	}
	if want := filepath.Join(x86, "MyFiles"); l.MyFiles != want {
		t.Errorf("MyFiles = %s, want %s", l.MyFiles, want)
	}
	s := loadHardening(t, got)
	if s.Config == nil {
		t.Errorf("the borrowed config did not load: %v", s.ConfigErr)
	}

	// Once (x86) has its own config folder, it is used.
	if err := os.MkdirAll(filepath.Join(x86, "WebServicesForLicensing"), 0o755); err != nil {
		t.Fatal(err)
	}
	if l := NewLayout(x86); l.ConfigDir != filepath.Join(x86, "WebServicesForLicensing") {
		t.Errorf("ConfigDir = %s, want the root's own", l.ConfigDir)
	}

	// A root that is not one of the install folders never borrows.
	other := filepath.Join(t.TempDir(), "Licensing")
	if err := os.MkdirAll(filepath.Join(other, "MyFiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	if l := NewLayout(other); l.ConfigDir != filepath.Join(other, "WebServicesForLicensing") {
		t.Errorf("ConfigDir = %s for a custom root; want its own (absent) folder", l.ConfigDir)
	}
}
