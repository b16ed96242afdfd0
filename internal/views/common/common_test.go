package common

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

func TestListWindow(t *testing.T) {
	k := keys.New()
	tests := []struct {
		name         string
		n, h         int
		keys         []tea.KeyMsg
		cursor, from int
		to           int
	}{
		{"empty", 0, 5, []tea.KeyMsg{{Type: tea.KeyDown}}, 0, 0, 0},
		{"short list", 3, 10, []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyDown}, {Type: tea.KeyDown}}, 2, 0, 3},
		{"scrolls down", 100, 10, []tea.KeyMsg{{Type: tea.KeyPgDown}, {Type: tea.KeyDown}}, 11, 2, 12},
		{"end", 100, 10, []tea.KeyMsg{{Type: tea.KeyEnd}}, 99, 90, 100},
		{"end then up a page", 100, 10, []tea.KeyMsg{{Type: tea.KeyEnd}, {Type: tea.KeyPgUp}}, 89, 89, 99},
		{"home", 100, 10, []tea.KeyMsg{{Type: tea.KeyEnd}, {Type: tea.KeyHome}}, 0, 0, 10},
		{"up at top", 100, 10, []tea.KeyMsg{{Type: tea.KeyUp}}, 0, 0, 10},
		{"vim keys", 100, 10, []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("j")}, {Type: tea.KeyRunes, Runes: []rune("j")}, {Type: tea.KeyRunes, Runes: []rune("k")}}, 1, 0, 10},
	}
	for _, tt := range tests {
		var l List
		l.SetHeight(tt.h)
		l.SetLen(tt.n)
		for _, m := range tt.keys {
			l.HandleKey(m, k)
		}
		from, to := l.Window()
		if l.Cursor != tt.cursor || from != tt.from || to != tt.to {
			t.Errorf("%s: cursor %d window [%d,%d), want %d [%d,%d)", tt.name, l.Cursor, from, to, tt.cursor, tt.from, tt.to)
		}
	}
}

func TestListShrinks(t *testing.T) {
	var l List
	l.SetHeight(10)
	l.SetLen(1000)
	l.Select(500)
	l.SetLen(20) // a filter narrowed the list
	from, to := l.Window()
	if l.Cursor != 19 || from != 10 || to != 20 {
		t.Errorf("after shrinking: cursor %d window [%d,%d), want 19 [10,20)", l.Cursor, from, to)
	}
	l.SetHeight(50) // the terminal grew
	if from, to := l.Window(); from != 0 || to != 20 {
		t.Errorf("after growing: window [%d,%d), want [0,20)", from, to)
	}
}

func TestFit(t *testing.T) {
	tests := []struct {
		in    string
		w     int
		right bool
		want  string
	}{
		{"abc", 5, false, "abc  "},
		{"abc", 5, true, "  abc"},
		{"abcdef", 4, false, "abc…"},
		{"\x1b[31mred\x1b[0m", 5, false, "red  "},
		{"a\u202eb", 3, false, "ab "},
		{"日本語", 5, false, "日本…"},
		{"日本語", 6, false, "日本語"},
		{"x", 0, false, ""},
	}
	for _, tt := range tests {
		got := Fit(tt.in, tt.w, tt.right)
		if got != tt.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
		if tt.w > 0 && ansi.StringWidth(got) != tt.w {
			t.Errorf("Fit(%q, %d) is %d cells wide", tt.in, tt.w, ansi.StringWidth(got))
		}
	}
}

func TestFlex(t *testing.T) {
	cols := Flex(80, 8, []Column{{Width: 10}, {Width: 0}, {Width: 5}, {Width: 0}})
	total := 2
	for i, c := range cols {
		if i > 0 {
			total++
		}
		total += c.Width
	}
	if total != 80 {
		t.Errorf("columns fill %d cells of 80: %+v", total, cols)
	}
	if d := cols[1].Width - cols[3].Width; d < 0 || d > 1 {
		t.Errorf("flexible columns not shared evenly: %d and %d", cols[1].Width, cols[3].Width)
	}
	narrow := Flex(20, 8, []Column{{Width: 10}, {Width: 0}})
	if narrow[1].Width != 8 {
		t.Errorf("below the minimum a flexible column keeps %d, got %d", 8, narrow[1].Width)
	}
}

func TestBlock(t *testing.T) {
	got := Block("one\n"+strings.Repeat("x", 30)+"\nthree\nfour", 10, 3)
	want := "one\n" + strings.Repeat("x", 10) + "\nthree"
	if got != want {
		t.Errorf("Block = %q, want %q", got, want)
	}
	if got := Block("a", 5, 3); got != "a\n\n" {
		t.Errorf("Block pads to the height: %q", got)
	}
}

func TestAgeAndBytes(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	ages := map[time.Duration]string{
		10 * time.Second: "just now", 5 * time.Minute: "5m ago", 3 * time.Hour: "3h ago",
		47 * time.Hour: "47h ago", 72 * time.Hour: "3d ago", -2 * time.Hour: "2h from now",
	}
	for d, want := range ages {
		if got := Age(now, now.Add(-d)); got != want {
			t.Errorf("Age(%v) = %q, want %q", d, got, want)
		}
	}
	sizes := map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 13824: "13.5 KiB", 5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB"}
	for n, want := range sizes {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestRowMarksSelectionWithoutColour(t *testing.T) {
	th := theme.New(nil, true)
	sel := Row(th, true, 20, "abc", "styled")
	if !strings.HasPrefix(sel, "> abc") || ansi.StringWidth(sel) != 20 {
		t.Errorf("selected row %q: want the > marker and the full width", sel)
	}
	if got := Row(th, false, 20, "abc", "styled"); got != "  styled" {
		t.Errorf("unselected row %q", got)
	}
}

func TestField(t *testing.T) {
	type step struct {
		msg  tea.KeyMsg
		want string
	}
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	steps := []step{
		{runes("alice"), "alice"},
		{tea.KeyMsg{Type: tea.KeyLeft}, "alice"},
		{runes("X"), "alicXe"},
		{tea.KeyMsg{Type: tea.KeyBackspace}, "alice"},
		{tea.KeyMsg{Type: tea.KeyHome}, "alice"},
		{tea.KeyMsg{Type: tea.KeyDelete}, "lice"},
		{tea.KeyMsg{Type: tea.KeyEnd}, "lice"},
		{tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}, "lice "},
		{runes("b\x1b[2Job"), "lice bob"},
		{tea.KeyMsg{Type: tea.KeyCtrlW}, "lice "},
		{tea.KeyMsg{Type: tea.KeyCtrlU}, ""},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("pa\u202este"), Paste: true}, "paste"},
		// Word moves and forward delete come with textinput.
		{runes(" it"), "paste it"},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("b"), Alt: true}, "paste it"},
		{tea.KeyMsg{Type: tea.KeyCtrlD}, "paste t"},
		{runes("\x00\x07"), "paste t"},
		{tea.KeyMsg{Type: tea.KeyCtrlV}, "paste t"}, // the terminal pastes; lsui never reads a clipboard
	}
	var f Field
	f.Focus()
	for i, s := range steps {
		f.Update(s.msg)
		if f.Value() != s.want {
			t.Fatalf("step %d: %q, want %q", i, f.Value(), s.want)
		}
	}
	f.Limit = 3
	f.SetValue("abcdef")
	if f.Value() != "abc" {
		t.Errorf("limit: %q", f.Value())
	}
	th := theme.New(nil, true)
	if v := f.View(th, 10); !strings.Contains(v, "abc_") {
		t.Errorf("focused field %q: want the text and the _ cursor", v)
	}
	f.SetValue(strings.Repeat("y", 3))
	f.Limit = 0
	f.SetValue(strings.Repeat("z", 100))
	if v := f.View(th, 10); ansi.StringWidth(v) > 10 || !strings.HasSuffix(v, "z_") {
		t.Errorf("a long value shows its end within the width: %q", v)
	}
}

func TestFitEnd(t *testing.T) {
	UseGlyphs(theme.New(nil, true).Glyphs)
	defer UseGlyphs(theme.New(nil, false).Glyphs)
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"MyFiles/a.lic:6", 20, "MyFiles/a.lic:6     "},
		{"MyFiles/long_name.lic:12", 12, "...me.lic:12"},
		{"abc", 2, ".."},
	}
	for _, tt := range tests {
		if got := FitEnd(tt.in, tt.w, false); got != tt.want || ansi.StringWidth(got) != tt.w {
			t.Errorf("FitEnd(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
	}
}
