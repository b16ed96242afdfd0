package payload

import (
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Manifest is manifest.json: what the payload is and what it holds. It is
// written last, once every other entry's size and hash are known.
type Manifest struct {
	Schema int `json:"schema"`
	// Generated is when the payload was built, UTC, RFC 3339. It stays a
	// string so that a hostile manifest with a strange time still decodes
	// and the rest of it can be checked.
	Generated     string         `json:"generated"`
	Server        ManifestServer `json:"server"`
	Month         string         `json:"month"`    // YYYY-MM, the calendar month usage.json covers
	Timezone      string         `json:"timezone"` // the zone that month's boundaries are in
	Anonymization Anonymization  `json:"anonymization"`
	Files         []ManifestFile `json:"files"` // every entry but manifest.json, in zip order
}

// ManifestServer identifies the licence server.
type ManifestServer struct {
	Host    string `json:"host"`    // FQDN from the licence files, else the OS host name
	ID      string `json:"id"`      // random, stable, kept in lsui.json: servers are often all called LIC01
	Version string `json:"version"` // licence server version from the debug log, "" when unknown
	// CitrixGUID, CitrixHardwareID are the server's GUID and HardwareId as
	// the latest Citrix call-home payload on disk names them, so one
	// server is one server in both streams; absent when there is none.
	CitrixGUID       string `json:"citrix_guid,omitempty"`
	CitrixHardwareID string `json:"citrix_hardware_id,omitempty"`
}

// Anonymization says whether identities in usage.json are pseudonyms.
type Anonymization struct {
	Enabled bool `json:"enabled"`
	// KeyFingerprint names the scramble key (never the key): pseudonyms
	// from payloads with the same fingerprint can be compared.
	KeyFingerprint string `json:"key_fingerprint"`
}

// ManifestFile is one entry as the builder wrote it.
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`   // uncompressed bytes
	SHA256 string `json:"sha256"` // of the uncompressed bytes, lower-case hex
}

// maxManifest bounds manifest.json when inspecting: 20000 files at about
// 130 bytes each is 2.6 MB.
const maxManifest = 8 << 20

// decodeManifest parses manifest.json strictly: one JSON object, valid
// UTF-8, no name twice, nothing after it. Unknown fields are allowed (a
// newer lsui may add some).
func decodeManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := checkJSONValues(data); err != nil {
		return nil, fmt.Errorf("%s does not parse: %w", ManifestName, err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s does not parse: %w", ManifestName, err)
	}
	if m.Files == nil {
		m.Files = []ManifestFile{}
	}
	return &m, nil
}

// maxJSONDepth bounds nesting in the JSON entries: lsui's own nest four
// levels, so anything deeper was not written by lsui, and a file of a
// million '[' must not grow a decoder stack.
const maxJSONDepth = 32

// The summaries stream the JSON entries through jsontext, which validates
// as it goes and allocates nothing per token: a record is skipped whole
// unless a field of it is needed. (encoding/json's Decoder costs several
// times more per record, and inventory.json holds tens of thousands.)

// summarizeInventory counts inventory.json's licence lines.
func summarizeInventory(r io.Reader, s *Summary) error {
	dec := newJSONDecoder(r)
	var once onceFields
	return eachField(dec, func(key string) error {
		if err := once.check(key, "licenses"); err != nil {
			return err
		}
		if key == "licenses" {
			n, err := countArray(dec)
			s.Licenses += n
			return err
		}
		return skipValue(dec)
	})
}

// eachField walks an object, calling fn with the decoder positioned at each
// member's value; fn must consume it. At the top level, nothing may follow
// the object.
func eachField(dec *jsontext.Decoder, fn func(key string) error) error {
	top := dec.StackDepth() == 0
	if err := expectKind(dec, '{'); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken() // the name, or the error PeekKind hid
		if err != nil {
			return err
		}
		key := tok.String()
		if err := fn(key); err != nil {
			return fmt.Errorf("%s: %w", key, eofInside(err))
		}
	}
	if err := expectKind(dec, '}'); err != nil {
		return err
	}
	if top {
		if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
			return errors.New("data after the JSON object")
		}
	}
	return nil
}

// eachElement walks an array, fn consuming one element per call.
func eachElement(dec *jsontext.Decoder, fn func() error) error {
	if err := expectKind(dec, '['); err != nil {
		return err
	}
	for dec.PeekKind() != ']' {
		if dec.PeekKind() == 0 {
			_, err := dec.ReadToken() // the error PeekKind hid
			return eofInside(err)
		}
		if err := fn(); err != nil {
			return err
		}
	}
	return expectKind(dec, ']')
}

func countArray(dec *jsontext.Decoder) (int, error) {
	n := 0
	err := eachElement(dec, func() error {
		n++
		return skipValue(dec)
	})
	return n, err
}

func expectKind(dec *jsontext.Decoder, want jsontext.Kind) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return eofInside(err)
	}
	if tok.Kind() != want {
		return fmt.Errorf("want %q, found %s", rune(want), kindName(tok.Kind()))
	}
	return nil
}

// eofInside says that the file ended inside a value, not cleanly.
func eofInside(err error) error {
	if errors.Is(err, errJSONValueTooLarge) {
		return errJSONValueTooLarge // without jsontext's "read error" around it
	}
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '{', '}', '[', ']':
		return fmt.Sprintf("%q", rune(k))
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "something else"
}

// skipValue consumes one value, refusing nesting past maxJSONDepth. Only
// containers are walked token by token; scalars, which are most of the
// bytes, are skipped whole.
func skipValue(dec *jsontext.Decoder) error {
	start := dec.StackDepth()
	for {
		switch dec.PeekKind() {
		case '{', '[':
			if dec.StackDepth() >= maxJSONDepth {
				return fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
			}
			if _, err := dec.ReadToken(); err != nil {
				return err
			}
			continue
		case '}', ']':
			if _, err := dec.ReadToken(); err != nil {
				return err
			}
		case 0:
			_, err := dec.ReadToken() // the error PeekKind hid
			return eofInside(err)
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
		if dec.StackDepth() == start {
			return nil
		}
	}
}
