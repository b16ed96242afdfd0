package scramble

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// KeySize is the length of a scramble key in bytes.
const KeySize = 32

// fingerprintDomain separates fingerprints from any other hash of the key,
// so a fingerprint can never be mistaken for (or help compute) a pseudonym.
const fingerprintDomain = "lsui-scramble-fp"

// Key is a scramble key. Its bytes never leave the package: every way of
// printing or encoding a Key (fmt verbs, JSON, text, slog) shows the
// fingerprint only.
type Key struct {
	secret      *sealedKey
	fingerprint string

	// ActiveFrom is when this key started (or starts) producing the
	// pseudonyms of uploads; zero for a preview key.
	ActiveFrom time.Time
	// Preview marks a throwaway key that was never saved: its pseudonyms
	// match nothing ever uploaded.
	Preview bool
	// Path is the key file the key was read from; "" for a preview key.
	Path string
	// PermissionNote is non-empty when the file's protection needs the
	// admin's attention: on Unix when the mode lets others read it, on
	// Windows always, because lsui does not set ACLs there.
	PermissionNote string
}

// sealedKey puts the bytes two pointers away from Key. fmt cannot call
// Key's methods when a Key sits in an unexported field of another struct;
// it then prints by reflection and, for a bad verb such as %s, dereferences
// one pointer — but prints any deeper pointer as a bare address.
type sealedKey struct {
	b *[KeySize]byte
}

// NewKey wraps 32 existing key bytes, for tests and fixed demo keys. Real
// keys come from EnsureKey or PreviewKey.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) != KeySize {
		return nil, fmt.Errorf("scramble key must be %d bytes, got %d", KeySize, len(secret))
	}
	var b [KeySize]byte
	copy(b[:], secret)
	return keyFromArray(&b), nil
}

func keyFromArray(b *[KeySize]byte) *Key {
	return &Key{secret: &sealedKey{b: b}, fingerprint: fingerprintOf(b)}
}

// newRandomKey draws a key from crypto/rand, which cannot fail short on any
// platform Go supports (it aborts the program instead).
func newRandomKey() *Key {
	var b [KeySize]byte
	rand.Read(b[:])
	return keyFromArray(&b)
}

// PreviewKey returns a random throwaway key that is never saved, for
// showing what scrambling looks like before anonymization was ever on.
func PreviewKey() *Key {
	k := newRandomKey()
	k.Preview = true
	return k
}

// fingerprintOf is the first 8 bytes of SHA-256("lsui-scramble-fp" || key)
// in hex: enough to tell keys apart in a manifest, useless for recovering
// the key (it is a one-way hash of 256 random bits).
func fingerprintOf(secret *[KeySize]byte) string {
	h := sha256.New()
	h.Write([]byte(fingerprintDomain))
	h.Write(secret[:])
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:8])
}

// Fingerprint identifies the key: 16 hex digits, never the key itself.
func (k Key) Fingerprint() string { return k.fingerprint }

// Scrambler returns a new Scrambler for this key. Each goroutine needs its
// own. It panics on a zero Key, which only a programming error produces.
func (k Key) Scrambler() *Scrambler {
	if k.secret == nil {
		panic("scramble: Scrambler on a zero Key")
	}
	return newScrambler(k.secret.b[:], k.fingerprint, k.Preview)
}

// String shows the fingerprint only.
func (k Key) String() string {
	if k.Preview {
		return "scramble-key(preview " + k.fingerprint + ")"
	}
	return "scramble-key(" + k.fingerprint + ")"
}

// GoString keeps %#v from dumping the fields.
func (k Key) GoString() string { return k.String() }

// Format handles every verb, so %x, %X, %+v and %#v cannot reach the bytes.
func (k Key) Format(f fmt.State, verb rune) { formatSafe(f, verb, k.String()) }

// keyJSON is what a Key looks like in JSON (payload manifests, --json).
type keyJSON struct {
	Fingerprint string     `json:"fingerprint"`
	ActiveFrom  *time.Time `json:"active_from,omitempty"`
	Preview     bool       `json:"preview,omitempty"`
}

// MarshalJSON encodes the fingerprint and dates, never the key.
func (k Key) MarshalJSON() ([]byte, error) {
	v := keyJSON{Fingerprint: k.fingerprint, Preview: k.Preview}
	if !k.ActiveFrom.IsZero() {
		t := k.ActiveFrom
		v.ActiveFrom = &t
	}
	return json.Marshal(v)
}

// MarshalText covers encoders that use encoding.TextMarshaler (XML, map keys).
func (k Key) MarshalText() ([]byte, error) { return []byte(k.fingerprint), nil }

// LogValue keeps slog handlers from reflecting over the fields.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }
