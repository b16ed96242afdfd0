package views

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/payload/citrixgen"
	"github.com/lsui/lsui/internal/scramble"
)

// citrixZip writes a Citrix-format bundle (generated from the documented
// elements, invented values) with a nested event zip; hostile puts
// terminal escapes into its text.
func citrixZip(t *testing.T, hostile bool) string {
	t.Helper()
	at := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	fqdn := "ctxlic01.corp.example"
	if hostile {
		fqdn = "evil\x1b]0;owned\x07.example\x1b[2J"
	}
	b := citrixgen.Bundle{
		At: at, GUID: "6f1c2a9e-4b7d-4e21-9a0b-3c5d7e9f1a2b", HardwareID: "HWID-00155D0A1B2C", FQDN: fqdn,
		Version: "11.16.6.0. build 35000", InstallUTC: time.Date(2024, 6, 29, 9, 0, 0, 0, time.UTC), SGPMaxDays: 15,
		UploadType: "Auto", Extra: true,
		Serials: []citrixgen.Serial{{ID: "1", SADate: "2025.0630", SN: "LA-0012345678-12345"}},
		Features: []citrixgen.Feature{{ID: "XDT_PLT_UD", Samples: []citrixgen.Sample{{SADate: "2025.0630", CountUsedMax: 2,
			CountInstalled: 500, Active: 2, Users: []string{"jsmith", scramble.CitrixBase64("mlopez")}}}}},
		Events: []citrixgen.Event{{At: at.Add(-time.Hour), User: "jsmith", Device: "CLIENT-0042"}},
	}
	data, err := b.Zip()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "upload_1795660200.zip")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGoldenCitrixPayloadView is `lsui view` on a Citrix bundle: the
// verdict naming the format, the entries with their UI checks, the
// summary with the document trees (scrolled), the report XML
// pretty-printed, and the nested event zip's entries.
func TestGoldenCitrixPayloadView(t *testing.T) {
	zip := citrixZip(t, false)
	cases := []struct {
		name  string
		keys  []string
		ready string
	}{
		{"entries", nil, ""},
		{"summary", []string{"i"}, "Citrix bundle summary"},
		{"summary_scrolled", []string{"i", "pgdown"}, "Citrix bundle summary"},
		{"report_xml", []string{"enter"}, "<LicenseServerReport>"},
		{"nested_events", []string{"down", "enter"}, "── events/0000.json ──"},
	}
	for _, c := range cases {
		for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
			t.Run(c.name+"_"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				app := NewPayloadApp(zip, "upload_1795660200.zip", Options{})
				tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(sz.w, sz.h))
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
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*PayloadApp)
				frame := final.View()
				checkFrame(t, frame, sz.w, sz.h)
				if r := final.Model().Report(); r.Format != payload.FormatCitrix || r.State != payload.StateRead {
					t.Errorf("report %s %s", r.Format, r.Verdict())
				}
				golden.RequireEqual(t, []byte(frame+"\n"))
			})
		}
	}
}

// Text from a Citrix bundle is sanitized in the verdict, the summary and
// the trees.
func TestCitrixTextIsSanitized(t *testing.T) {
	zip := citrixZip(t, true)
	for _, keys := range [][]string{nil, {"i"}, {"i", "pgdown"}, {"G", "enter"}} {
		app := NewPayloadApp(zip, "upload_1795660200.zip", Options{})
		tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24))
		waitFor(t, tm.Output(), "VERDICT")
		for _, k := range keys {
			tm.Send(keyMsg(k))
		}
		time.Sleep(50 * time.Millisecond)
		if err := tm.Quit(); err != nil {
			t.Fatal(err)
		}
		frame := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*PayloadApp).View()
		if strings.ContainsAny(frame, "\x07") || strings.Contains(frame, "\x1b]") || strings.Contains(frame, "\x1b[2J") {
			t.Errorf("keys %v: a control sequence from the bundle reached the frame: %q", keys, frame)
		}
	}
}

// The key the confirm dialog previews with is the key written on y: the
// pseudonyms shown before confirming are the ones uploaded afterwards.
func TestPrivacyConfirmWritesThePreviewedKey(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), PreviewKey: fixedPreviewKey}, 120, 30)
	s := a.Context().Snapshot
	press(a, "6", "space")
	want, _ := fixedPreviewKey().Scrambler().Pseudonym("aaron.garcia")
	if v := a.View(); !strings.Contains(v, want) || !strings.Contains(v, "Writes key "+fixedPreviewKey().Fingerprint()) {
		t.Fatalf("the dialog does not preview with the key it will write (%s):\n%s", want, v)
	}
	press(a, "y")
	if c, err := config.Read(s.Layout.Config); err != nil || !c.Scramble {
		t.Fatalf("y did not turn it on: %v", err)
	}
	key, err := scramble.LoadKey(s.Layout.ConfigDir, fixedNow)
	if err != nil || key.Fingerprint() != fixedPreviewKey().Fingerprint() {
		t.Fatalf("written key %v (%v), previewed %s", key, err, fixedPreviewKey().Fingerprint())
	}
	if v := a.View(); !strings.Contains(v, want) {
		t.Errorf("the pseudonym changed once confirmed (want %s):\n%s", want, v)
	}
}

// The Privacy tab marks what the demo's latest Citrix payload verifies:
// with anonymization off it carries the names in plain text, as the
// setting says (the older upload, scrambled, is from when it was on).
func TestPrivacyVerifiedAgainstCitrixPayload(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), PreviewKey: fixedPreviewKey}, 120, 30)
	press(a, "6")
	v := a.View()
	if !strings.Contains(v, "* verified against upload_") || !strings.Contains(v, "names in plain text") || !strings.Contains(v, "aaron.garcia *") {
		t.Errorf("no verification line:\n%s", v)
	}
}

// `/` filters the Uploads tab's two streams and the Privacy tab's
// identities; esc clears.
func TestFilterUploadsAndPrivacy(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), PreviewKey: fixedPreviewKey}, 120, 30)
	press(a, "7", "/", "c", "i", "t", "r", "i", "x", "enter")
	v := a.View()
	if !strings.Contains(v, "Uploads 1/2 of 5") || strings.Contains(v, " lsui   ") {
		t.Errorf("filter citrix on Uploads:\n%s", v)
	}
	press(a, "enter")
	if v := a.View(); !strings.Contains(v, "VERDICT CITRIX") {
		t.Errorf("enter on a filtered Citrix row does not open it:\n%s", v)
	}
	press(a, "esc", "esc")
	if v := a.View(); !strings.Contains(v, "Uploads 1/5") {
		t.Errorf("esc does not clear the filter:\n%s", v)
	}
	press(a, "6", "/", "a", "i", "s", "h", "a", ".", "g", "enter")
	v = a.View()
	if !strings.Contains(v, "aisha.green") || strings.Contains(v, "aaron.garcia") {
		t.Errorf("filter on Privacy:\n%s", v)
	}
}

// `/` filters a payload's entries; enter opens the one left.
func TestFilterPayloadEntries(t *testing.T) {
	zip := citrixZip(t, false)
	app := NewPayloadApp(zip, "upload_1795660200.zip", Options{})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm.Output(), "VERDICT CITRIX")
	for _, k := range []string{"/", "n", "o", "t", "e", "s", "enter", "enter"} {
		tm.Send(keyMsg(k))
	}
	waitFor(t, tm.Output(), "collected by the call-home agent")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
}
