package common

import (
	"testing"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/views/theme"
)

// FuzzFitAndField: whatever a file or a paste holds, a fitted cell is
// exactly its width and a field holds and shows no control character.
func FuzzFitAndField(f *testing.F) {
	f.Add("alice@corp.example", 10)
	f.Add("\x1b]52;c;QUFB\x07\u202eevil\u009b2J", 5)
	f.Add("日本語のユーザー", 7)
	f.Add("\xff\xfe", 1)
	f.Fuzz(func(t *testing.T, s string, w int) {
		w = 1 + abs(w)%120
		got := Fit(s, w, w%2 == 0)
		if ansi.StringWidth(got) != w {
			t.Fatalf("Fit(%q, %d) = %q, %d cells", s, w, got, ansi.StringWidth(got))
		}
		var fl Field
		fl.Focus()
		fl.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
		fl.Update(tea.KeyMsg{Type: tea.KeyLeft})
		fl.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
		view := fl.View(theme.New(nil, true), w)
		if ansi.StringWidth(view) > w {
			t.Fatalf("field view %q wider than %d", view, w)
		}
		for _, r := range fl.Value() + view + got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("unsafe rune %U from %q", r, s)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
