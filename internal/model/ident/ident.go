// Package ident is the one comparison form of a user or device name, shared
// by usage counting (one person is one identity) and the scrambler (one
// person is one pseudonym): Unicode NFKC, full case folding, NFKC again,
// because folding can produce text NFKC would change. ASCII callers can take
// a faster path: for ASCII, the form is plain lower case.
package ident

import (
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Folder folds names, reusing its buffers from name to name. It is not safe
// for concurrent use; the zero value is ready.
type Folder struct {
	fold   cases.Caser
	inited bool
	nfkc   []byte
	folded []byte
}

// Fold returns name's comparison form. The result is valid until the next
// call. Bytes that are not valid UTF-8 pass through unchanged.
func (f *Folder) Fold(name string) []byte {
	if !f.inited {
		f.fold = cases.Fold()
		f.inited = true
	}
	f.nfkc = norm.NFKC.AppendString(f.nfkc[:0], name)
	f.folded = appendTransformed(f.fold, f.folded[:0], f.nfkc)
	foldCherokee(f.folded)
	f.nfkc = norm.NFKC.Append(f.nfkc[:0], f.folded...)
	return f.nfkc
}

// FoldString is Fold as a new string.
func (f *Folder) FoldString(name string) string { return string(f.Fold(name)) }

// foldCherokee corrects x/text's case folding of Cherokee in place
// (golang/go#46101, found by FuzzCanonical): CaseFolding.txt folds the
// lowercase syllables U+AB70–U+ABBF and U+13F8–U+13FD to the uppercase ones,
// which were encoded first, but cases.Fold maps each case to the other, so
// "Ꮮ" and "ꮮ" swapped places and canonical() was not idempotent. Both
// ranges are three bytes in UTF-8, so the bytes are rewritten in place.
func foldCherokee(b []byte) {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r >= 0xAB70 && r <= 0xABBF:
			utf8.EncodeRune(b[i:], r-0xAB70+0x13A0)
		case r >= 0x13F8 && r <= 0x13FD:
			utf8.EncodeRune(b[i:], r-8)
		}
		i += size
	}
}

// appendTransformed runs t over src into dst, growing dst as needed, without
// the per-call allocations of transform.Bytes.
func appendTransformed(t cases.Caser, dst, src []byte) []byte {
	t.Reset()
	for {
		if cap(dst)-len(dst) < len(src)+utf8.UTFMax {
			// Full folding expands a rune to at most three runes
			// (U+0390 → ΐ), so this is rarely grown twice.
			grown := make([]byte, len(dst), 2*cap(dst)+3*len(src)+utf8.UTFMax)
			copy(grown, dst)
			dst = grown
		}
		nDst, nSrc, err := t.Transform(dst[len(dst):cap(dst)], src, true)
		dst = dst[:len(dst)+nDst]
		src = src[nSrc:]
		if err == transform.ErrShortDst {
			// Make sure the next round has strictly more room.
			grown := make([]byte, len(dst), 2*cap(dst)+64)
			copy(grown, dst)
			dst = grown
			continue
		}
		if err != nil || len(src) == 0 {
			// The fold transformer reports no other error with
			// atEOF set; invalid UTF-8 is copied through.
			return dst
		}
	}
}
