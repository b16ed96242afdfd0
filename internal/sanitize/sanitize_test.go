package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ASCII", "Example Corp", "Example Corp"},
		{"empty", "", ""},
		{"unicode kept", "Müller & Søn — 株式会社", "Müller & Søn — 株式会社"},
		{"emoji kept", "ok 👍", "ok 👍"},
		{"ESC b", "a\x1bb", "a"}, // ESC b is a complete two-byte sequence
		{"ESC at end", "abc\x1b", "abc"},
		{"ESC c reset", "x\x1bcy", "xy"}, // RIS, full terminal reset
		{"ESC ( B charset", "x\x1b(By", "xy"},
		{"ESC then control", "x\x1b\x01y", "x\uFFFDy"},
		{"CSI clear screen", "a\x1b[2Jb", "ab"},
		{"CSI colour", "\x1b[31mred\x1b[0m", "red"},
		{"CSI private mode", "\x1b[?1049hx", "x"},
		{"CSI with intermediate", "\x1b[2 qx", "x"}, // DECSCUSR
		{"CSI unterminated", "x\x1b[12;", "x"},
		{"CSI aborted by control", "x\x1b[1\x01m", "x\uFFFDm"},
		{"C1 CSI", "a\u009b31mb", "ab"},
		{"C1 CSI unterminated", "a\u009b", "a"},
		{"OSC 8 hyperlink BEL", "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07", "click"},
		{"OSC 8 hyperlink ST", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"OSC 52 clipboard BEL", "a\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07b", "ab"},
		{"OSC 52 clipboard ST", "a\x1b]52;c;Y3VybA==\x1b\\b", "ab"},
		{"OSC title C1 ST", "a\x1b]0;pwned\u009cb", "ab"},
		{"C1 OSC", "a\u009d0;title\x07b", "ab"},
		{"OSC unterminated", "a\x1b]0;title", "a"},
		{"OSC aborted by CAN", "a\x1b]0;ti\x18b", "ab"},
		{"OSC aborted by new ESC", "a\x1b]0;t\x1b[31mb", "ab"},
		{"DCS", "a\x1bP1$r0m\x1b\\b", "ab"},
		{"APC", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"PM and SOS", "a\x1b^pm\x1b\\b\x1bXsos\x07c", "abc"},
		{"C1 DCS", "a\u0090q\x1b\\b", "ab"},
		{"stray C1", "a\u0085b\u009cc", "a\uFFFDb\uFFFDc"},
		{"C0 controls", "a\x00b\x07c\x08d", "a\uFFFDb\uFFFDc\uFFFDd"},
		{"DEL", "a\x7fb", "a\uFFFDb"},
		{"tab", "a\tb", "a b"},
		{"newlines", "a\nb\r\nc\rd", "a b c d"},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"RLO bidi override", "user\u202Egpj.exe", "usergpj.exe"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"bidi marks", "a\u200eb\u200fc\u061cd", "abcd"},
		{"zero width", "a\u200bb\u200dc\ufeffd", "abcd"},
		{"tag characters", "a\U000E0041\U000E0062b", "ab"},
		{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"encoded surrogate", "a\xed\xa0\x80b", "a\uFFFD\uFFFD\uFFFDb"},
		{"raw 8-bit CSI byte", "a\x9b31m", "a\uFFFD31m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "line one\nline two\n", "line one\nline two\n"},
		{"CRLF", "a\r\nb\r\n", "a\nb\n"},
		{"lone CR", "a\rb", "a\nb"},
		{"tab", "a\tb", "a    b"},
		{"line separator", "a\u2028b", "a\nb"},
		{"CSI", "\x1b[1mbold\x1b[0m\n", "bold\n"},
		{"OSC unterminated ends at line end", "a\x1b]0;hidden\nvisible\n", "a\nvisible\n"},
		{"OSC unterminated ends at CR", "a\x1b]0;hidden\r\nvisible", "a\nvisible"},
		{"OSC never spans lines", "a\x1b]0;x\ny\x07b", "a\ny\uFFFDb"},
		{"other controls", "a\x00\x0bb\x0cc", "a\uFFFD\uFFFDb\uFFFDc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"fits", "abc", 3, "abc"},
		{"cut", "abcdef", 4, "abc…"},
		{"width one", "abcdef", 1, "…"},
		{"zero width", "abc", 0, ""},
		{"negative width", "abc", -3, ""},
		{"wide characters not split", "株式会社", 4, "株…"},
		{"wide characters fit", "株式", 4, "株式"},
		{"escapes removed before measuring", "\x1b[31mabcdef\x1b[0m", 6, "abcdef"},
		{"controls removed", "a\x1b]0;x\x07bcdef", 3, "ab…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.width)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			if tt.width > 0 && Width(got) > tt.width {
				t.Errorf("Truncate(%q, %d) is %d cells wide", tt.in, tt.width, Width(got))
			}
		})
	}
}

func TestWidth(t *testing.T) {
	for in, want := range map[string]int{"abc": 3, "株式": 4, "\x1b[31mab": 2, "a\u202eb": 2} {
		if got := Width(in); got != want {
			t.Errorf("Width(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestPlainASCIIDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("alice@corp.example XDT_PLT_UD ", 10)
	multi := s + "\n" + s + "\n"
	var line, text string
	allocs := testing.AllocsPerRun(100, func() {
		line = Line(s)
		text = Text(multi)
	})
	if allocs != 0 {
		t.Errorf("plain ASCII: %v allocations per run, want 0", allocs)
	}
	if line != s || text != multi {
		t.Error("plain ASCII was changed")
	}
}

// TestLongInput guards against quadratic behaviour: a megabyte of escape
// debris, controls and text must come out in one pass. (No timing
// assertion: a quadratic version would make this test take minutes.)
func TestLongInput(t *testing.T) {
	unit := "name\x1b[31m\u202e\x00\xff\x1b]8;;u\x07"
	in := strings.Repeat(unit, (1<<20)/len(unit))
	got := Line(in)
	want := strings.Repeat("name\uFFFD\uFFFD", (1<<20)/len(unit))
	if got != want {
		t.Errorf("Line of 1 MB: got %d bytes, want %d", len(got), len(want))
	}
	// One unterminated OSC at the start must not make every later byte rescan.
	in = "\x1b]" + strings.Repeat("x", 1<<20)
	if got := Line(in); got != "" {
		t.Errorf("unterminated OSC of 1 MB: got %d bytes, want 0", len(got))
	}
	in = strings.Repeat("\x1b[", 1<<19)
	if got := Text(in); got != "" {
		t.Errorf("1 MB of CSI introducers: got %d bytes, want 0", len(got))
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b[31mred", "\x1b]8;;u\x07x\x1b]8;;\x1b\\", "\u009b2J", "\u202eabc",
		"a\xffb", "\r\n\t", "\x1b", "\x1b]", "\u009d\u009c", "\xc2", "株式会社",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSafe(t, "Line", s, Line(s), false)
		checkSafe(t, "Text", s, Text(s), true)
		if got := Truncate(s, 5); Width(got) > 5 {
			t.Errorf("Truncate(%q, 5) = %q is wider than 5", s, got)
		}
	})
}

func checkSafe(t *testing.T, fn, in, out string, newlineAllowed bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q is not valid UTF-8", fn, in, out)
	}
	for _, r := range out {
		switch {
		case r == '\n' && newlineAllowed:
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			r == 0x200e, r == 0x200f, r == 0x061c:
			t.Fatalf("%s(%q) = %q contains %U", fn, in, out, r)
		}
	}
	if fn == "Line" && isPrintableASCII(in, false) && out != in {
		t.Fatalf("Line changed plain ASCII %q to %q", in, out)
	}
}

func TestTruncateTail(t *testing.T) {
	tests := []struct {
		s, tail string
		w       int
		want    string
	}{
		{"licence", "...", 7, "licence"},
		{"licences", "...", 7, "lice..."},
		{"licences", "...", 2, ".."},
		{"ab", "...", 2, "ab"},
		{"\x1b[31mred\x1b[0m text", "...", 6, "red..."},
		{"licences", "…", 4, "lic…"},
	}
	for _, tt := range tests {
		if got := TruncateTail(tt.s, tt.w, tt.tail); got != tt.want {
			t.Errorf("TruncateTail(%q, %d, %q) = %q, want %q", tt.s, tt.w, tt.tail, got, tt.want)
		}
	}
}
