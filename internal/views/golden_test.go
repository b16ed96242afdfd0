package views

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lsui/lsui/internal/scramble"
)

// fixedPreviewKey replaces the random throwaway key the Privacy screen
// previews with, so its pseudonyms and fingerprint are the same every run.
func fixedPreviewKey() *scramble.Key {
	k, err := scramble.NewKey(bytes.Repeat([]byte{0x42}, scramble.KeySize))
	if err != nil {
		panic(err)
	}
	k.Preview = true
	return k
}

// waitFor reads the program's output until it contains want.
func waitFor(t *testing.T, out io.Reader, want string) {
	t.Helper()
	teatest.WaitFor(t, out, func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// TestGoldenScreens drives the real program (teatest) on the demo server
// at a fixed clock to each tab, and compares the final frame with
// testdata/TestGoldenScreens/<screen>_<size>.golden. Regenerate with
// go test ./internal/views/... -update.
func TestGoldenScreens(t *testing.T) {
	screens := []struct {
		name  string
		keys  []string
		ready string // text the last frame must have drawn
		ascii bool
	}{
		{"overview", nil, "", false},
		{"licences", []string{"2"}, "LINE FEATURE", false},
		{"licences_file", []string{"2", "enter"}, "XDT_PLT_UD CITRIX", false},
		{"expirations", []string{"3"}, "!! EXPIRED", false},
		{"entitlements", []string{"4"}, "available", false},
		{"entitlements_ascii", []string{"4"}, "available", true},
		{"usage", []string{"5"}, "users per day", false},
		{"usage_filtered", []string{"5", "/", "a", "i", "s", "h", "a"}, "/aisha", false},
		{"privacy", []string{"6"}, "verified against", false},
		{"privacy_confirm", []string{"6", "space"}, "!! aaron.garcia *", false}, // the dialog, with the Citrix payload checked (plain: the setting is off)
		{"uploads", []string{"7"}, "FILE", false},
		{"uploads_open_last", []string{"o"}, "VERDICT", false},
		{"help", []string{"?"}, "redraw", false},
	}
	sizes := []struct{ w, h int }{{60, 20}, {80, 24}, {120, 40}}
	for _, sc := range screens {
		for _, sz := range sizes {
			name := sc.name + "_" + itoa(sz.w) + "x" + itoa(sz.h)
			t.Run(name, func(t *testing.T) {
				app := New(Options{Load: demoLoader(t), ASCII: sc.ascii, PreviewKey: fixedPreviewKey})
				tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(sz.w, sz.h))
				waitFor(t, tm.Output(), "Most urgent")
				for _, k := range sc.keys {
					tm.Send(keyMsg(k))
				}
				if len(sc.keys) > 0 {
					waitFor(t, tm.Output(), sc.ready)
				}
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
				frame := final.View()
				checkFrame(t, frame, sz.w, sz.h)
				golden.RequireEqual(t, []byte(frame+"\n"))
			})
		}
	}
}

// checkFrame fails when a frame is not exactly h lines of at most w cells.
func checkFrame(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("line %d is %d cells wide, over %d: %q", i+1, got, w, l)
		}
	}
}

var (
	_ tea.Model = (*App)(nil)
	_ tea.Model = (*PayloadApp)(nil)
)
