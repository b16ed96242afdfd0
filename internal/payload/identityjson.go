package payload

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/lsui/lsui/internal/model/usage"
)

// identityJSON writes usage.json's identity records without allocating:
// the bytes json.Encoder (SetEscapeHTML(false)) writes for
// model.NewIdentityRecord(id, name), without its newline
// (TestIdentityJSONIsEncoders holds them equal, and fails when
// IdentityRecord gains a field). A million identities encoded through
// reflection and time.Format leave a few hundred MB of garbage behind them
// while the report is live, which the collector lets grow to twice the
// live heap: the build's peak. The few strings that need escaping
// (plainJSON) go through encoding/json itself, so escaping has one owner.
type identityJSON struct {
	str bytes.Buffer  // an escaped string, from esc
	esc *json.Encoder // for strings that need escaping
}

func newIdentityJSON() *identityJSON {
	ij := &identityJSON{}
	ij.esc = json.NewEncoder(&ij.str)
	ij.esc.SetEscapeHTML(false)
	return ij
}

// append writes the record of id to dst, named pseudonym when scrambled,
// else id.Name.
func (ij *identityJSON) append(dst []byte, id usage.Identity, scrambled bool, pseudonym []byte) ([]byte, error) {
	var err error
	dst = append(dst, `{"name":`...)
	if scrambled {
		dst, err = appendJSONString(ij, dst, pseudonym)
	} else {
		dst, err = appendJSONString(ij, dst, id.Name)
	}
	if err != nil {
		return dst, err
	}
	dst = append(dst, `,"kind":`...)
	if dst, err = appendJSONString(ij, dst, id.Kind.String()); err != nil {
		return dst, err
	}
	dst = append(dst, `,"features":`...)
	if dst, err = ij.appendStrings(dst, id.Features); err != nil {
		return dst, err
	}
	dst = append(dst, `,"first_seen":"`...)
	dst = id.FirstSeen.AppendFormat(dst, time.RFC3339) // digits, '-', ':', 'T', 'Z', '+': nothing to escape
	dst = append(dst, `","last_seen":"`...)
	dst = id.LastSeen.AppendFormat(dst, time.RFC3339)
	dst = append(dst, `","via":`...)
	if dst, err = ij.appendStrings(dst, id.Via); err != nil {
		return dst, err
	}
	return append(dst, '}'), nil
}

// appendStrings writes a list, [] for none (as NewIdentityRecord makes it).
func (ij *identityJSON) appendStrings(dst []byte, list []string) ([]byte, error) {
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendJSONString(ij, dst, s); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendJSONString[S string | []byte](ij *identityJSON, dst []byte, s S) ([]byte, error) {
	if plainJSON(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"'), nil
	}
	ij.str.Reset()
	if err := ij.esc.Encode(string(s)); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(ij.str.Bytes(), []byte("\n"))...), nil
}

// plainJSON says JSON writes s as is: valid UTF-8 without a control
// character, quote, backslash, DEL or U+2028/U+2029 (which encoding/json
// escapes for JavaScript).
func plainJSON[S string | []byte](s S) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}
