package views

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
)

// Hostile strings: clear the screen, write the clipboard (OSC 52), retitle
// the window, a C1 CSI, and a bidi override that would make a name read
// backwards.
const (
	hostileNotice = "\x1b[2J\x1b]52;c;ZXZpbA==\x07Evil\u202eCorp\u009b31m\x07"
	hostileUser   = "\x1b[31mmallory\x1b]52;c;QUFBQQ==\x07@corp\u202e.example"
	hostileEntry  = "\x1b[2J\x1b]0;pwned\x07evil\u202enosj.json"
	hostileBody   = "{\"a\": \"\x1b[31mred\u009b2J\x1b]52;c;QUFB\x07\"}\n"
)

// hostileLoader is the demo with a hostile licence file (NOTICE and file
// name), a hostile user in the udadmin listing, and a hostile payload zip.
func hostileLoader(t *testing.T) func(context.Context) (*model.Snapshot, model.Options, error) {
	t.Helper()
	d, err := demo.Materialize(t.TempDir(), fixedNow, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	layout := model.NewLayout(d.Dir)
	licName := "hostile.lic"
	if runtime.GOOS != "windows" {
		// Windows forbids control characters in file names; elsewhere the
		// name itself is hostile too (and sorts first).
		licName = "\x1b]0;pwned\x07\u202ehostile.lic"
	}
	lic := "SERVER this_host HOSTNAME=ctxlic01.demo.example\nVENDOR CITRIX\n" +
		"INCREMENT XDT_PLT_UD CITRIX 2027.0101 permanent 10 VENDOR_STRING=;LT=Retail \\\n" +
		"\tNOTICE=\"" + hostileNotice + "\" SN=LA-1\n"
	if err := os.WriteFile(filepath.Join(layout.MyFiles, licName), []byte(lic), 0o644); err != nil {
		t.Fatal(err)
	}
	listing, err := os.ReadFile(d.UdadminFile)
	if err != nil {
		t.Fatal(err)
	}
	row := " " + hostileUser + " XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)\n"
	listing = []byte(strings.Replace(string(listing), "Users:\n", "Users:\n"+row, 1))
	udadmin := filepath.Join(t.TempDir(), "udadmin.txt")
	if err := os.WriteFile(udadmin, listing, 0o644); err != nil {
		t.Fatal(err)
	}
	// In Citrix's folder, newest: what o opens first.
	if err := os.MkdirAll(layout.UsageDir, 0o755); err != nil {
		t.Fatal(err)
	}
	zf, err := os.Create(filepath.Join(layout.UsageDir, uploads.FileName(fixedNow)))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, e := range []struct{ name, body string }{{"manifest.json", "{}"}, {hostileEntry, hostileBody}} {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()
	opts := model.Options{Root: d.Dir, Demo: true, Now: fixedNow, Location: time.UTC, UdadminFile: udadmin, NoExec: true}
	return func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		s, err := model.Load(ctx, opts)
		return s, opts, err
	}
}

// unsafeRune reports what a terminal could act on or that hides text:
// controls (C0 but newline, DEL, C1) and format characters (bidi).
func unsafeRune(r rune) bool {
	return (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r)
}

// TestHostileTextNeverReachesTheFrame walks every screen over hostile
// input and checks that no frame holds an escape, control or bidi
// character, while the hostile records are still shown (their printable
// parts), so the test could fail.
func TestHostileTextNeverReachesTheFrame(t *testing.T) {
	load := hostileLoader(t)
	walks := []struct {
		name string
		keys []string
		want string // printable text from the hostile record that must show
	}{
		{"overview", nil, "ctxlic01"},
		{"licence line", []string{"2"}, "Evil"},
		{"licence file", []string{"2", "enter"}, "Evil"},
		{"expirations", []string{"3", "G"}, "hostile.lic"},
		{"usage", []string{"5", "/", "m", "a", "l"}, "mallory"},
		{"privacy", []string{"6"}, "mallory"},
		{"privacy pseudonyms", []string{"6", "space"}, "mallory"},
		{"uploads", []string{"7"}, "upload_"},
		{"payload", []string{"o"}, "evil"},
		{"payload entry", []string{"o", "down", "enter"}, "red"},
	}
	for _, w := range walks {
		for _, sz := range []struct{ w, h int }{{80, 24}, {200, 60}} {
			a := readyApp(t, Options{Load: load, PreviewKey: fixedPreviewKey}, sz.w, sz.h)
			if len(a.Context().Snapshot.ParseErrors) > 0 && w.name == "overview" {
				t.Logf("parse errors: %v", a.Context().Snapshot.ParseErrors)
			}
			press(a, w.keys...)
			frame := a.View()
			for i, r := range frame {
				if unsafeRune(r) {
					t.Errorf("%s at %dx%d: unsafe rune %U at byte %d in frame:\n%s", w.name, sz.w, sz.h, r, i, frame)
					break
				}
			}
			if !strings.Contains(frame, w.want) {
				t.Errorf("%s at %dx%d: frame does not show %q:\n%s", w.name, sz.w, sz.h, w.want, frame)
			}
		}
	}
}
