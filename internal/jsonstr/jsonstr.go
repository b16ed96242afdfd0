// Package jsonstr writes JSON strings exactly as encoding/json does, for
// the records lsui writes by hand because reflection costs too much at a
// real server's size (100k identities), plus lsui's own rule for characters
// a terminal acts on or hides (Invisible).
package jsonstr

import (
	"unicode"
	"unicode/utf8"
)

// Escape says what is escaped beyond what JSON requires.
type Escape struct {
	// HTML escapes <, > and & as \u003c, \u003e and \u0026, as
	// encoding/json does unless SetEscapeHTML(false).
	HTML bool
	// Invisible escapes C1 controls and format characters (see Invisible),
	// which encoding/json leaves raw.
	Invisible bool
}

const hex = "0123456789abcdef"

// Append appends s quoted: byte for byte what encoding/json writes for the
// string s with e.HTML as its escapeHTML (\b \f \n \r \t \\ \" short, other
// controls \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029 always
// escaped), then with e.Invisible what EscapeInvisible would make of it.
func Append[S ~string | ~[]byte](dst []byte, s S, e Escape) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Names, features and hosts are mostly plain ASCII: eight bytes
		// at a time while none needs escaping.
		if i+8 <= len(s) && plain8(load8(s, i), e.HTML) {
			i += 8
			continue
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] && !(e.HTML && (b == '<' || b == '>' || b == '&')) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		// Only a few bytes are made a string, so a []byte's stay on the stack.
		r, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		case e.Invisible && Invisible(r):
			dst = append(dst, s[start:i]...)
			dst = appendEscapedRune(dst, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load8 is s[i:i+8] as a little-endian word (one load once compiled).
func load8[S ~string | ~[]byte](s S, i int) uint64 {
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// plain8 reports eight bytes that are all safe: ASCII from the space on,
// neither " nor \, nor with html <, > or &. It may say no to safe bytes
// (they then go one by one), never yes to one that is not: the lowest
// offending byte always sets its top bit in bad.
func plain8(w uint64, html bool) bool {
	bad := w | (w-lsb*' ')&^w | zeroByte(w^(lsb*'"')) | zeroByte(w^(lsb*'\\'))
	if html {
		bad |= zeroByte(w^(lsb*'<')) | zeroByte(w^(lsb*'>')) | zeroByte(w^(lsb*'&'))
	}
	return bad&msb == 0
}

// zeroByte has the top bit of (at least) the lowest zero byte of v set.
func zeroByte(v uint64) uint64 { return (v - lsb) &^ v }

// Invisible reports the characters lsui escapes although JSON need not:
// C1 controls (U+009B is CSI) and format characters (bidi overrides,
// zero-width), which a terminal acts on or hides. As \uXXXX they decode to
// the same character, so scripts get the data unchanged and `lsui … --json`
// on a terminal shows nothing hidden.
func Invisible(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r)
}

// EscapeInvisible rewrites every Invisible character of a JSON document
// written by encoding/json (such characters can only sit inside its
// strings) as \uXXXX, a surrogate pair above U+FFFF. It returns doc itself
// when there is none.
func EscapeInvisible(doc []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(doc); {
		if doc[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(doc[i:])
		if Invisible(r) {
			out = append(out, doc[last:i]...)
			out = appendEscapedRune(out, r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

// appendEscapedRune appends r as \uXXXX, or as its UTF-16 surrogate pair.
func appendEscapedRune(dst []byte, r rune) []byte {
	if r < 0x10000 {
		return appendU16(dst, r)
	}
	r -= 0x10000
	return appendU16(appendU16(dst, 0xd800+((r>>10)&0x3ff)), 0xdc00+(r&0x3ff))
}

func appendU16(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
}

// safe is the ASCII that encoding/json writes as itself with
// SetEscapeHTML(false): everything from the space on but " and \.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := ' '; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()
