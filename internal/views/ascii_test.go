package views

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lsui/lsui/internal/payload/citrixgen"
)

// highByte is the first byte of frame outside ASCII, -1 when none.
func highByte(frame string) int {
	for i := 0; i < len(frame); i++ {
		if frame[i] >= 0x80 {
			return i
		}
	}
	return -1
}

func requireASCII(t *testing.T, what, frame string) {
	t.Helper()
	if i := highByte(frame); i >= 0 {
		lo := max(i-40, 0)
		t.Errorf("%s: byte %#x at %d, in ASCII mode: %q\n%s", what, frame[i], i, frame[lo:min(i+40, len(frame))], frame)
	}
}

// TestASCIIModeDrawsOnlyASCII: in ASCII mode (LANG=C, --ascii) every
// screen state of the dashboard, at every size, is ASCII bytes only, the
// demo's josé.núñez included (folded to jose.nunez, not dropped).
func TestASCIIModeDrawsOnlyASCII(t *testing.T) {
	load := demoLoader(t)
	extra := []struct {
		name string
		keys []string
	}{
		{"usage_jose", []string{"5", "/", "j", "o", "s"}},
		{"privacy_jose", []string{"6", "/", "j", "o", "s"}},
		{"uploads_open_last", []string{"o"}},
		{"uploads_open_summary", []string{"o", "i"}},
	}
	all := append([]struct {
		name string
		keys []string
	}{}, states...)
	all = append(all, extra...)
	for _, st := range all {
		for _, sz := range []struct{ w, h int }{{60, 20}, {80, 24}, {120, 40}} {
			a := readyApp(t, Options{Load: load, PreviewKey: fixedPreviewKey, ASCII: true}, sz.w, sz.h)
			press(a, st.keys...)
			frame := a.View()
			requireASCII(t, st.name+"_"+itoa(sz.w)+"x"+itoa(sz.h), frame)
			if strings.HasSuffix(st.name, "_jose") && !strings.Contains(frame, "jose.nunez") {
				t.Errorf("%s: the name is not folded to jose.nunez:\n%s", st.name, frame)
			}
		}
	}
	// The too-small screen too.
	a := readyApp(t, Options{Load: load, ASCII: true}, 40, 10)
	requireASCII(t, "too small", a.View())
}

// TestASCIIPayloadViewerNestedEntries: `lsui view --ascii` on a Citrix
// bundle whose nested events and report carry a non-ASCII name draws the
// nested entries' rules, the summary's document headings and the name in
// ASCII.
func TestASCIIPayloadViewerNestedEntries(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	b := citrixgen.Bundle{
		At: at, GUID: "6f1c2a9e-4b7d-4e21-9a0b-3c5d7e9f1a2b", HardwareID: "HWID-00155D0A1B2C", FQDN: "ctxlic01.corp.example",
		Version: "11.16.6.0. build 35000", InstallUTC: time.Date(2024, 6, 29, 9, 0, 0, 0, time.UTC), SGPMaxDays: 15,
		UploadType: "Auto", Extra: true,
		Serials: []citrixgen.Serial{{ID: "1", SADate: "2025.0630", SN: "LA-0012345678-12345"}},
		Features: []citrixgen.Feature{{ID: "XDT_PLT_UD", Samples: []citrixgen.Sample{{SADate: "2025.0630", CountUsedMax: 1,
			CountInstalled: 500, Active: 1, Users: []string{"josé.núñez"}}}}},
		Events: []citrixgen.Event{{At: at.Add(-time.Hour), User: "josé.núñez", Device: "CLIENT-0042"}},
	}
	data, err := b.Zip()
	if err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(t.TempDir(), "upload_1795660200.zip")
	if err := os.WriteFile(zip, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		keys  []string
		ready string
	}{
		{"entries", nil, ""},
		{"nested_events", []string{"down", "enter"}, "-- events/0000.json --"},
		{"summary", []string{"i", "pgdown"}, "Citrix bundle summary"},
	} {
		t.Run(c.name, func(t *testing.T) {
			app := NewPayloadApp(zip, "upload_1795660200.zip", Options{ASCII: true})
			tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(100, 40))
			waitFor(t, tm.Output(), "VERDICT CITRIX")
			for _, k := range c.keys {
				tm.Send(keyMsg(k))
			}
			if c.ready != "" {
				waitFor(t, tm.Output(), c.ready)
			}
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			frame := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*PayloadApp).View()
			requireASCII(t, c.name, frame)
			if c.name == "nested_events" && !strings.Contains(frame, "jose.nunez") {
				t.Errorf("the nested event's user is not drawn folded:\n%s", frame)
			}
		})
	}
}
