package viewer

import (
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

// FuzzViewer feeds arbitrary file contents to the viewer: it must not
// panic, must keep every row within the width, and must never let a
// control, escape or bidi character through.
func FuzzViewer(f *testing.F) {
	f.Add("INCREMENT X CITRIX 2025.0101 permanent 1 \\\n\tNOTICE=\"x\"\n", 40, 10, 1)
	f.Add("\x1b[2J\x1b]52;c;QUFB\x07evil\u202e\r\n\u009b31m日本語\ttab", 20, 5, 2)
	f.Add(strings.Repeat("LONG", 100), 10, 3, 1)
	f.Add("", 1, 1, 0)
	f.Add("\xff\xfe\x00bad utf8", 60, 20, 7)
	f.Fuzz(func(t *testing.T, text string, w, h, hl int) {
		w, h = 1+abs(w)%200, 1+abs(h)%80
		m := New(theme.New(nil, false), keys.New())
		m.SetSize(w, h)
		m.SetContent("title\x1b[31m", text, hl, hl+1)
		for _, row := range strings.Split(m.View(), "\n") {
			plain := ansi.Strip(row)
			if ansi.StringWidth(row) > w {
				t.Fatalf("row %q is wider than %d", plain, w)
			}
			for _, r := range plain {
				if (r < 0x20) || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) {
					t.Fatalf("unsafe rune %U in row %q", r, plain)
				}
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
