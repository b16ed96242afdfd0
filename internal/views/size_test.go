package views

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

var sizeMatrix = []struct{ w, h int }{{60, 20}, {80, 24}, {100, 30}, {120, 40}, {200, 60}}

// states are key sequences that reach every screen and its modes.
var states = []struct {
	name string
	keys []string
}{
	{"overview", nil},
	{"overview_scrolled", []string{"G"}},
	{"licences", []string{"2"}},
	{"licences_file", []string{"2", "enter"}},
	{"licences_file_end", []string{"2", "enter", "G"}},
	{"expirations", []string{"3", "G"}},
	{"expiration_to_file", []string{"3", "enter"}},
	{"entitlements", []string{"4", "G"}},
	{"usage", []string{"5"}},
	{"usage_filter", []string{"5", "/", "a", "l"}},
	{"usage_nomatch", []string{"5", "/", "z", "z", "z", "q", "enter"}},
	{"usage_devices", []string{"5", "d", "s", "s"}},
	{"privacy", []string{"6"}},
	{"privacy_try", []string{"6", "t", "A", "l", "i", "c", "e"}},
	{"privacy_confirm", []string{"6", "space"}},
	{"uploads", []string{"7"}},
	{"full_help", []string{"5", "?"}},
	{"help_paged", []string{"6", "?", "pgdown"}},
	{"messages", []string{"5", "]", "m"}},
	{"licences_filtered", []string{"2", "/", "e", "v", "a", "l"}},
	{"licences_nomatch", []string{"2", "/", "z", "z", "enter"}},
	{"expirations_sorted", []string{"3", "s", "S"}},
	{"entitlements_filter", []string{"4", "/", "x", "d", "t"}},
	{"overview_filter", []string{"/", "c", "s", "s"}},
	{"upload_question", []string{"7", "u"}},
	{"full_help_privacy", []string{"6", "?"}},
}

// TestFrameFitsEverySize renders every screen state at every size of the
// matrix, and again after resizing through all of them, and checks that
// the frame is exactly the terminal's height and no line is wider than it.
func TestFrameFitsEverySize(t *testing.T) {
	load := demoLoader(t)
	for _, st := range states {
		for _, sz := range sizeMatrix {
			t.Run(st.name+"_"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				a := readyApp(t, Options{Load: load, PreviewKey: fixedPreviewKey}, sz.w, sz.h)
				press(a, st.keys...)
				if a.State() != StateReady {
					t.Fatalf("state %v, want ready", a.State())
				}
				checkFrame(t, a.View(), sz.w, sz.h)
				for _, to := range sizeMatrix {
					a.Update(tea.WindowSizeMsg{Width: to.w, Height: to.h})
					checkFrame(t, a.View(), to.w, to.h)
				}
			})
		}
	}
}

func TestTooSmall(t *testing.T) {
	load := demoLoader(t)
	tests := []struct {
		w, h  int
		small bool
	}{
		{59, 19, true},
		{59, 20, true},
		{60, 19, true},
		{60, 20, false},
		{20, 5, true},
		{1, 1, true},
	}
	for _, tt := range tests {
		a := readyApp(t, Options{Load: load}, tt.w, tt.h)
		frame := a.View()
		got := strings.Contains(strings.Join(strings.Fields(frame), " "), "terminal too small: "+itoa(tt.w)+"×"+itoa(tt.h)+" (need 60×20)")
		if tt.w < 20 {
			got = a.State() == StateTooSmall // no room for the words
		}
		if got != tt.small || (a.State() == StateTooSmall) != tt.small {
			t.Errorf("%dx%d: too-small screen %v (state %v), want %v", tt.w, tt.h, got, a.State(), tt.small)
		}
		if tt.w >= 40 {
			checkFrame(t, frame, tt.w, tt.h)
		}
		// Growing the terminal brings the dashboard back.
		a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if a.State() != StateReady {
			t.Errorf("%dx%d then 80x24: state %v, want ready", tt.w, tt.h, a.State())
		}
	}
}

func TestStates(t *testing.T) {
	a := New(Options{Load: demoLoader(t)})
	if a.State() != StateLoading {
		t.Fatalf("new app: state %v, want loading", a.State())
	}
	if v := a.View(); !strings.Contains(v, "opening the licence server") {
		t.Errorf("first frame before any size: %q", v)
	}
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := a.View(); !strings.Contains(v, "opening the licence server") {
		t.Errorf("loading frame: %q", v)
	}
	a.Update(loadedMsg{err: errTest("licensing root /nowhere: no such file or directory")})
	if a.State() != StateError {
		t.Fatalf("after a failed load: state %v, want error", a.State())
	}
	if v := a.View(); !strings.Contains(v, "/nowhere") {
		t.Errorf("error frame does not name the error: %q", v)
	}
	if _, cmd := a.Update(keyMsg("q")); cmd == nil || cmd() != tea.Quit() {
		t.Errorf("q on the error screen does not quit")
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

// TestTooSmallKeepsTheOpenQuestion: a confirm dialog open when the
// terminal shrinks below the minimum stays on the too-small screen, cut to
// fit, and its answer keys still work there.
func TestTooSmallKeepsTheOpenQuestion(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), PreviewKey: fixedPreviewKey, ASCII: true,
		Endpoint: "http://127.0.0.1:9/"}, 80, 24)
	press(a, "6", "space")
	a.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	v := a.View()
	flat := strings.Join(strings.Fields(v), " ")
	for _, want := range []string{"terminal too small: 40x10", "Turn anonymization ON?", "y/n answers"} {
		if !strings.Contains(flat, want) {
			t.Errorf("too-small screen lacks %q:\n%s", want, v)
		}
	}
	checkFrame(t, v, 40, 10)
	press(a, "n")
	if v := a.View(); strings.Contains(v, "Turn anonymization") {
		t.Errorf("n does not answer the question on the too-small screen:\n%s", v)
	}
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := a.View(); !strings.Contains(v, "Anonymization [ ] off") || strings.Contains(v, "Turn anonymization") {
		t.Errorf("back at 80x24 after n: the setting changed or the dialog is still open:\n%s", v)
	}
	// The root's own question (upload now?) shows the same way.
	press(a, "7", "u")
	a.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	if v := strings.Join(strings.Fields(a.View()), " "); !strings.Contains(v, "Upload to http://127.0.0.1:9/?") {
		t.Errorf("the upload question is not on the too-small screen: %s", v)
	}
	press(a, "n")
	if v := a.View(); strings.Contains(v, "Upload to") {
		t.Errorf("n does not answer the upload question on the too-small screen:\n%s", v)
	}
}
