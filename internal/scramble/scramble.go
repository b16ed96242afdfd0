// Package scramble turns user names into keyed pseudonyms for upload when
// UsageBasedBillingScramble is on (DOMAIN.md §7).
//
// Citrix's own telemetry uses unkeyed SHA-256 truncated to 128 bits, which
// anyone with a list of candidate names (an AD export, first.last guesses)
// reverses by hashing the list. lsui uses HMAC-SHA256 with a per-server
// secret key instead, so the same list is useless without the key file:
//
//	pseudonym = lowercase unpadded base32( HMAC-SHA256(key, canonical(name))[:16] )
//
// which is always 26 characters from [a-z2-7]: safe in file names, CSV,
// JSON and terminals.
//
// canonical(name) is Unicode NFKC followed by full case folding (then NFKC
// again, because folding can produce text NFKC would change), with
// surrounding white space trimmed. So "Alice@CORP.example",
// " alice@corp.example " and the full-width "ａｌｉｃｅ@corp.example" share one
// pseudonym, and so do "Straße" and "STRASSE" (full folding maps ß to ss).
// Names PRECIS would reject, such as AD names with inner spaces, are
// accepted as they are. Bytes that are not valid UTF-8 pass through
// unchanged, so two names from a Latin-1 log never collapse into one.
package scramble

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/model/ident"
	"hash"
	"io"
	"strconv"
	"unicode/utf8"
)

// PseudonymLen is the length of every pseudonym: 128 bits in base32.
const PseudonymLen = 26

// pseudonymBytes is how much of the HMAC output is kept. 128 bits keeps
// collisions out of reach for any realistic user count (birthday bound
// ~2^64 names) while staying short enough to read in a table.
const pseudonymBytes = 16

// ErrEmptyName is returned for a name that is empty or only white space:
// scrambling it would give every blank field the same pseudonym and hide a
// parsing bug upstream.
var ErrEmptyName = errors.New("empty user name")

// lowerBase32 is RFC 4648 base32 with the alphabet lower-cased, so the
// output never needs a case conversion pass.
var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Canonical returns the form of name that is actually hashed. It is exported
// so the dashboard can show what two spellings have in common.
func Canonical(name string) (string, error) {
	var c canonicalizer
	out, err := c.append(nil, name)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// canonicalizer holds the scratch buffers of the non-ASCII path so a
// Scrambler reuses them from name to name.
type canonicalizer struct {
	folder ident.Folder
}

// append appends canonical(name) to dst.
func (c *canonicalizer) append(dst []byte, name string) ([]byte, error) {
	if isASCII(name) {
		return appendCanonicalASCII(dst, name)
	}
	return c.appendSlow(dst, name)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isASCIISpace matches exactly the ASCII code points unicode.IsSpace
// accepts, so the fast path trims what the slow path's bytes.TrimSpace would.
func isASCIISpace(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// appendCanonicalASCII is the fast path. For ASCII input NFKC is the
// identity and full case folding only maps A-Z to a-z, so trimming and
// lower-casing give the same bytes as the general path (FuzzCanonical
// checks this).
func appendCanonicalASCII(dst []byte, name string) ([]byte, error) {
	start, end := 0, len(name)
	for start < end && isASCIISpace(name[start]) {
		start++
	}
	for end > start && isASCIISpace(name[end-1]) {
		end--
	}
	if start == end {
		return dst, ErrEmptyName
	}
	for i := start; i < end; i++ {
		b := name[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst, nil
}

// appendSlow is ident's fold (NFKC, full case folding, NFKC), then trim.
// Trimming last is enough: NFKC maps white space only to white space, and a
// few characters (U+203E OVERLINE → " \u0305") only become space-led after
// NFKC.
func (c *canonicalizer) appendSlow(dst []byte, name string) ([]byte, error) {
	out := bytes.TrimSpace(c.folder.Fold(name))
	if len(out) == 0 {
		return dst, ErrEmptyName
	}
	return append(dst, out...), nil
}

// Scrambler computes pseudonyms with one key. It keeps the HMAC state (the
// SHA-256 states after the inner and outer padded key blocks) and scratch
// buffers between names, so the ASCII hot path allocates nothing.
//
// A Scrambler is not safe for concurrent use: give each goroutine its own
// (Key.Scrambler is cheap). The dashboard and the payload builder each run
// on one goroutine, so a pool would only add cost to the common case.
type Scrambler struct {
	mac         hash.Hash
	fingerprint string
	preview     bool
	canon       canonicalizer
	buf         []byte
	sum         [sha256.Size]byte
}

func newScrambler(secret []byte, fingerprint string, preview bool) *Scrambler {
	mac := hmac.New(sha256.New, secret)
	// The first Reset makes crypto/hmac save the padded-key states, so
	// every later Reset restores them instead of rehashing the key.
	mac.Reset()
	return &Scrambler{mac: mac, fingerprint: fingerprint, preview: preview, buf: make([]byte, 0, 256)}
}

// Fingerprint identifies the key in payload manifests; it is never the key.
func (s *Scrambler) Fingerprint() string { return s.fingerprint }

// IsPreview reports whether the key is a throwaway preview key, whose
// pseudonyms match nothing ever uploaded.
func (s *Scrambler) IsPreview() bool { return s.preview }

// AppendPseudonym appends the 26-character pseudonym of name to dst. For
// ASCII names it does not allocate once dst has room.
func (s *Scrambler) AppendPseudonym(dst []byte, name string) ([]byte, error) {
	canon, err := s.canon.append(s.buf[:0], name)
	s.buf = canon[:0]
	if err != nil {
		return dst, err
	}
	s.mac.Reset()
	s.mac.Write(canon)
	sum := s.mac.Sum(s.sum[:0])
	return lowerBase32.AppendEncode(dst, sum[:pseudonymBytes]), nil
}

// Pseudonym returns the pseudonym of name.
func (s *Scrambler) Pseudonym(name string) (string, error) {
	var out [PseudonymLen]byte
	b, err := s.AppendPseudonym(out[:0], name)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Preview is Pseudonym for text the admin is typing: the dashboard calls it
// on every keystroke, and ErrEmptyName for a blank field is expected there.
func (s *Scrambler) Preview(name string) (string, error) { return s.Pseudonym(name) }

// PreviewRow is one name and what it would be uploaded as.
type PreviewRow struct {
	Name      string
	Pseudonym string // "" when Err is set
	Err       error
}

// PreviewRows scrambles names[from:to] only, clamped to the slice, so a
// table of thousands of users costs what the visible rows cost.
func (s *Scrambler) PreviewRows(names []string, from, to int) []PreviewRow {
	from = max(0, min(from, len(names)))
	to = max(from, min(to, len(names)))
	rows := make([]PreviewRow, 0, to-from)
	for _, name := range names[from:to] {
		p, err := s.Pseudonym(name)
		rows = append(rows, PreviewRow{Name: name, Pseudonym: p, Err: err})
	}
	return rows
}

// UploadedAs is the value an upload would carry for name: the pseudonym
// when anonymization is on, the plain name when it is off. With
// anonymization on and no Scrambler (key missing or unreadable) it returns
// ErrNoKey, never the plain name.
func UploadedAs(s *Scrambler, on bool, name string) (string, error) {
	if !on {
		return name, nil
	}
	if s == nil {
		return "", ErrNoKey
	}
	return s.Pseudonym(name)
}

// String, GoString and Format show only the fingerprint: the HMAC state
// inside a Scrambler is as good as the key.
func (s *Scrambler) String() string {
	if s == nil {
		return "<nil scrambler>"
	}
	if s.preview {
		return "scrambler(preview " + s.fingerprint + ")"
	}
	return "scrambler(" + s.fingerprint + ")"
}

// GoString implements fmt.GoStringer.
func (s *Scrambler) GoString() string { return s.String() }

// Format implements fmt.Formatter so no verb (%x, %+v) reaches the fields.
func (s *Scrambler) Format(f fmt.State, verb rune) { formatSafe(f, verb, s.String()) }

func formatSafe(f fmt.State, verb rune, text string) {
	if verb == 'q' {
		text = strconv.Quote(text)
	}
	io.WriteString(f, text)
}
