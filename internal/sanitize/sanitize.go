// Package sanitize makes untrusted text safe to draw on a terminal. Licence
// NOTICE strings, user names from logs, zip entry names and file contents
// come from files and the network; an escape sequence in any of them could
// clear the screen, retitle the window, plant a hyperlink, write the
// clipboard (OSC 52) or reorder what the admin reads (bidi overrides). Every
// string the TUI draws or the CLI prints in text form passes through Line or
// Text first.
//
// What happens to each kind of dangerous input:
//
//   - Whole escape sequences are dropped, introducer to final byte, so no
//     "[31m" debris remains: ESC sequences, CSI (ESC [ or U+009B), and the
//     string sequences OSC, DCS, SOS, PM and APC (ESC ] P X ^ _ or their C1
//     forms) up to BEL, ST (ESC \ or U+009C), CAN or SUB. An unterminated
//     string sequence runs to the end of the input — in Text only to the end
//     of its line, so one hostile line cannot hide the rest of a file.
//   - Any other C0 control, DEL and C1 control (U+0080–U+009F) becomes
//     U+FFFD, the same visible mark invalid UTF-8 gets: the reader sees that
//     something was there. Tab becomes one space in Line and four in Text;
//     CR, LF, CRLF and U+2028/U+2029 become one space in Line and "\n" in
//     Text.
//   - Format characters (Unicode category Cf) are dropped: the bidi
//     embeddings, overrides and isolates, LRM/RLM/ALM, zero-width spaces and
//     joiners, soft hyphens, the BOM and the invisible tag characters. They
//     draw nothing, so dropping them shows text in its logical order, which
//     is the truth about the bytes.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Replacement marks a control character or a byte that is not UTF-8.
const Replacement = '\uFFFD'

// Ellipsis ends a string that Truncate shortened.
const Ellipsis = "…"

// Line returns s made safe for a one-line field: no control characters,
// escape sequences, line breaks or format characters remain. Plain printable
// ASCII is returned as is, without allocating.
func Line(s string) string {
	if isPrintableASCII(s, false) {
		return s
	}
	return clean(s, false)
}

// Text is Line for multi-line viewers: line breaks survive as "\n" (CRLF,
// lone CR and U+2028/U+2029 included) and a tab becomes four spaces. Tab
// stops would need the display width of everything before them on the line,
// and four spaces read well enough in a viewer.
func Text(s string) string {
	if isPrintableASCII(s, true) {
		return s
	}
	return clean(s, true)
}

// Truncate sanitizes s as Line does, then shortens it to at most width
// terminal cells, ending it with "…" when it had to cut. Wide characters
// (CJK, emoji) count as two cells and are never split. A width below 1
// gives "". Truncate plain text before styling it: the styling's own escape
// codes would be removed here.
func Truncate(s string, width int) string { return TruncateTail(s, width, Ellipsis) }

// TruncateTail is Truncate ending cut text in tail instead of Ellipsis
// ("..." for a console that cannot draw "…"). A tail wider than width is
// itself cut to fit.
func TruncateTail(s string, width int, tail string) string {
	if width < 1 {
		return ""
	}
	if ansi.StringWidth(tail) > width {
		tail = ansi.Truncate(tail, width, "")
		if s = Line(s); ansi.StringWidth(s) <= width {
			return s
		}
		return tail
	}
	return ansi.Truncate(Line(s), width, tail)
}

// Width is the number of terminal cells Line(s) occupies.
func Width(s string) int {
	return ansi.StringWidth(Line(s))
}

func isPrintableASCII(s string, keepNewline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if c == '\n' && keepNewline {
			continue
		}
		return false
	}
	return true
}

func clean(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s))
	lineBreak := func() {
		if multiline {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			// Copy a run of printable ASCII at once: that is almost all text.
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case 0x1b:
				i = skipEscape(s, i+1, multiline)
				continue
			case '\t':
				if multiline {
					b.WriteString("    ")
				} else {
					b.WriteByte(' ')
				}
			case '\r':
				if i+1 < len(s) && s[i+1] == '\n' {
					i++
				}
				lineBreak()
			case '\n':
				lineBreak()
			default:
				b.WriteRune(Replacement)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(Replacement)
		case r == 0x9b: // C1 CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			i = skipControlString(s, i+size, multiline)
			continue
		case r >= 0x80 && r <= 0x9f:
			b.WriteRune(Replacement)
		case r == '\u2028' || r == '\u2029':
			lineBreak()
		case unicode.Is(unicode.Cf, r):
			// Invisible by definition; see the package comment.
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// skipEscape returns the index just past the escape sequence whose ESC sat
// before i.
func skipEscape(s string, i int, multiline bool) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipControlString(s, i+1, multiline)
	}
	// ECMA-35 shape: intermediates 0x20–0x2F, then one final 0x30–0x7E
	// (ESC c, ESC 7, ESC ( B …). Anything else ends the sequence, and only
	// the bytes consumed so far are dropped.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI returns the index just past a control sequence whose introducer
// ended before i: parameter and intermediate bytes 0x20–0x3F, then a final
// byte 0x40–0x7E. A byte outside those ranges aborts the sequence (as in
// terminals) and is then handled as ordinary input.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipControlString returns the index just past an OSC/DCS/SOS/PM/APC
// string whose introducer ended before i.
func skipControlString(s string, i int, multiline bool) int {
	for i < len(s) {
		switch c := s[i]; {
		case c == 0x07, c == 0x18, c == 0x1a: // BEL ends OSC in xterm; CAN and SUB abort any sequence
			return i + 1
		case c == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			// A new ESC aborts the string and starts its own sequence.
			return i
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // U+009C, ST
			return i + 2
		case (c == '\n' || c == '\r') && multiline:
			return i
		}
		i++
	}
	return i
}
