package theme

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// asciiPunct are the non-ASCII characters lsui's own text uses, and the
// common typographic ones names and files bring, in their ASCII spelling.
var asciiPunct = map[rune]string{
	'…': "...", '→': "->", '←': "<-", '↑': "^", '↓': "v", '×': "x", '≤': "<=", '≥': ">=",
	'─': "-", '━': "-", '│': "|", '—': "-", '–': "-", '‘': "'", '’': "'", '“': `"`, '”': `"`,
	'•': "*", '·': ".", '\u00a0': " ", 'ß': "ss", 'æ': "ae", 'Æ': "AE", 'ø': "o", 'Ø': "O",
	'đ': "d", 'Đ': "D", 'ł': "l", 'Ł': "L", 'œ': "oe", 'Œ': "OE", 'þ': "th", 'Þ': "TH",
}

// FoldASCII is the one step that turns the dashboard's text into ASCII for
// a console that has no other characters (LANG=C, --ascii): letters lose
// their accents (josé.núñez -> jose.nunez: decomposed, combining marks
// dropped), lsui's own symbols take their ASCII spelling, and any other
// non-ASCII character becomes '?'. Escape sequences are ASCII and pass
// unchanged. The root applies it to every frame, so no screen does.
func FoldASCII(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case asciiPunct[r] != "":
			b.WriteString(asciiPunct[r])
		case unicode.Is(unicode.Mn, r):
			// A combining mark on its own: the letter before it stays.
		default:
			folded := false
			for _, d := range norm.NFD.String(string(r)) {
				if d < utf8.RuneSelf {
					b.WriteRune(d)
					folded = true
				}
			}
			if !folded {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// Text is s as this theme draws it: folded to ASCII in ASCII mode.
func (t *Theme) Text(s string) string {
	if t.ASCII {
		return FoldASCII(s)
	}
	return s
}
