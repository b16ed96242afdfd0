package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// decodeManifest parses manifest.json strictly: one JSON object, nothing
// after it. Unknown fields are allowed (a newer lsui may add some).
func decodeManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s does not parse: %w", ManifestName, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: data after the JSON object", ManifestName)
	}
	if m.Files == nil {
		m.Files = []ManifestFile{}
	}
	return &m, nil
}

// maxJSONDepth bounds nesting in the JSON entries: the real ones are three
// deep, and a file of a million '[' must not grow a decoder stack.
const maxJSONDepth = 32

// summarizeUsage counts usage.json's features and identities while it
// streams past, and how many identities do not look like pseudonyms. Only
// one identity is decoded at a time.
func summarizeUsage(r io.Reader, s *Summary) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return eachField(dec, func(key string) error {
		switch key {
		case "features":
			n, err := countArray(dec)
			s.Features += n
			return err
		case "identities":
			return eachElement(dec, func() error {
				var id struct {
					Name string `json:"name"`
				}
				if err := dec.Decode(&id); err != nil {
					return fmt.Errorf("identity %d: %w", s.Identities+1, err)
				}
				s.Identities++
				if !LooksPseudonymized(id.Name) {
					s.PlaintextIdentitiesFound++
				}
				return nil
			})
		}
		return skipValue(dec, 1)
	})
}

// summarizeInventory counts inventory.json's licence lines.
func summarizeInventory(r io.Reader, s *Summary) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return eachField(dec, func(key string) error {
		if key == "licenses" {
			n, err := countArray(dec)
			s.Licenses += n
			return err
		}
		return skipValue(dec, 1)
	})
}

// eachField walks a top-level JSON object, calling fn with the decoder
// positioned at each value; fn must consume it. Nothing may follow the
// object.
func eachField(dec *json.Decoder, fn func(key string) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := fn(key); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // the file ended inside the value
			}
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON object")
	}
	return nil
}

// eachElement walks an array, fn consuming one element per call.
func eachElement(dec *json.Decoder, fn func() error) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for dec.More() {
		if err := fn(); err != nil {
			return err
		}
	}
	return expectDelim(dec, ']')
}

func countArray(dec *json.Decoder) (int, error) {
	n := 0
	// Decoding each element whole (see skipValue) is several times faster
	// than walking its tokens.
	var element json.RawMessage
	err := eachElement(dec, func() error {
		n++
		element = element[:0]
		return decodeMember(dec, &element, 2)
	})
	return n, err
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", rune(want), tokenKind(tok))
	}
	return nil
}

func tokenKind(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", rune(tok))
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "something else"
}

// skipValue consumes one value. An array or object is walked one level
// deep and each member decoded whole: a member is one record, small in a real
// payload and bounded by the entry's size cap in a hostile one, while the
// container itself may be large. encoding/json bounds nesting inside a member.
func skipValue(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	var member json.RawMessage
	for dec.More() {
		if d == '{' {
			if _, err := dec.Token(); err != nil { // the key
				return err
			}
		}
		member = member[:0]
		if err := decodeMember(dec, &member, depth+1); err != nil {
			return err
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// decodeMember decodes one value whole and refuses nesting past
// maxJSONDepth, counted from depth: lsui's own entries nest four levels, so
// anything deeper was not written by lsui.
func decodeMember(dec *json.Decoder, member *json.RawMessage, depth int) error {
	if err := dec.Decode(member); err != nil {
		return err
	}
	if depth+nesting(*member) > maxJSONDepth {
		return fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
	}
	return nil
}

// nesting is the deepest bracket nesting in valid JSON b, strings skipped.
func nesting(b []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
