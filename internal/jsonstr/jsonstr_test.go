package jsonstr

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// marshal is encoding/json's quoting of s, the reference Append follows.
func marshal(t testing.TB, s string, html bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// samples cover every branch: each short escape, the other controls, DEL,
// HTML's three, invalid and truncated UTF-8, a lone surrogate's bytes,
// U+2028/2029, C1 controls, format characters in and above the BMP, and
// characters that look alike but are neither (U+FFFD itself, U+00A0).
var samples = []string{
	"", "plain", "user00007@corp.example", `q"uo\te`, "\b\f\n\r\t", "\x00\x01\x1f\x7f",
	"a<b>&c", "\xff", "bad\xff\xfe\xc3", "\xc3", "\xed\xa0\x80", "\xf0\x9d\x85",
	"x\u2028y\u2029", "c1\u009bz\u0085\u0080\u009f", "bidi\u202e\u200bzw\ufeff\u00ad",
	"\U000e0001tag", "\U0001d173mus\u2060", "\ufffd", "\u00a0nbsp", "é日本\U0001F600",
	"mixed <\u202e\xff\u2028\"\\\x1b[31m>",
}

// wordSamples put each kind of byte Append must catch at every place of
// the eight-byte words it skips plain ASCII by, and at the boundary values
// of its tests (the space and DEL are plain, 0x1f and 0x80 are not).
func wordSamples() []string {
	var out []string
	for _, c := range []string{`"`, `\`, "\x00", "\x1f", " ", "\x7f", "<", ">", "&", "!", "=", "?", "[", "]", "\x80", "é", "\u2028", "\u202e", "\xff"} {
		for at := range 17 {
			out = append(out, strings.Repeat("a", at)+c+strings.Repeat("b", 17-at))
		}
	}
	return out
}

// appendAgrees fails t unless Append of s, as a string and as bytes, with
// and without HTML escaping, is encoding/json's; and, with invisible
// characters escaped too, what EscapeInvisible makes of encoding/json's.
func appendAgrees(t *testing.T, s string) {
	t.Helper()
	for _, html := range []bool{false, true} {
		want := marshal(t, s, html)
		if got := Append(nil, s, Escape{HTML: html}); !bytes.Equal(got, want) {
			t.Fatalf("Append(%q, html=%v) = %s, want %s", s, html, got, want)
		}
		if got := Append(nil, []byte(s), Escape{HTML: html}); !bytes.Equal(got, want) {
			t.Fatalf("Append([]byte(%q), html=%v) = %s, want %s", s, html, got, want)
		}
		want = EscapeInvisible(want)
		if got := Append([]byte("prefix"), s, Escape{HTML: html, Invisible: true}); !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Fatalf("Append(%q, html=%v, invisible) = %s, want prefix%s", s, html, got, want)
		}
	}
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range append(samples, wordSamples()...) {
		appendAgrees(t, s)
	}
}

func TestEscapeInvisible(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`"plain"`, `"plain"`},
		{"\"c1\u009b\"", `"c1\u009b"`},
		{"\"\u0080\u009f\u00a0\"", "\"\\u0080\\u009f\u00a0\""},
		{"\"\u202e\u200b\ufeff\u00ad\u2060\"", `"\u202e\u200b\ufeff\u00ad\u2060"`},
		{"\"\U000e0001\U0001d173\"", `"\udb40\udc01\ud834\udd73"`},
		{"\"é日本\U0001F600\ufffd\"", "\"é日本\U0001F600\ufffd\""},
	} {
		got := EscapeInvisible([]byte(c.in))
		if string(got) != c.want {
			t.Errorf("EscapeInvisible(%q) = %s, want %s", c.in, got, c.want)
		}
		var a, b string
		if json.Unmarshal([]byte(c.in), &a) != nil || json.Unmarshal(got, &b) != nil || a != b {
			t.Errorf("EscapeInvisible(%q) = %s: decodes to %q, want %q", c.in, got, b, a)
		}
	}
}

// FuzzAppend holds Append to encoding/json on any string, valid UTF-8 or not.
func FuzzAppend(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		appendAgrees(t, s)
		for _, html := range []bool{false, true} {
			got := Append(nil, s, Escape{HTML: html, Invisible: true})
			for i := 0; i < len(got); {
				r, size := utf8.DecodeRune(got[i:])
				if Invisible(r) || r == utf8.RuneError && size == 1 {
					t.Fatalf("Append(%q, invisible) = %s: raw %U at %d", s, got, r, i)
				}
				i += size
			}
		}
	})
}

// TestAppendBytesAllocatesNothing: a pseudonym made into a reused buffer
// is written without garbage.
func TestAppendBytesAllocatesNothing(t *testing.T) {
	dst, name := make([]byte, 0, 256), []byte("caf\u00e9\u202e\xff-u7f3a9c")
	if n := testing.AllocsPerRun(100, func() { dst = Append(dst[:0], name, Escape{Invisible: true}) }); n != 0 {
		t.Errorf("%v allocations a string", n)
	}
}
