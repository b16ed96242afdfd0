package payload

import (
	"fmt"
	"io"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// identityAudit is what usage.json's identities carry besides a name, so
// that a payload the manifest calls scrambled is judged on every field,
// not on name alone. It never holds a value: only counts, and which
// field was wrong (never a value, which may be a plain name).
type identityAudit struct {
	noName  int // identities without a name
	unknown int // identities with a field lsui does not write, or a field twice
	// plain counts identities whose kind, times or features hold
	// something other than what lsui writes there; field is the first
	// such field.
	plain int
	field string

	used     map[string]bool // features the identities name
	features map[string]bool // features usage.json's features list names
	tooMany  bool            // more distinct features than maxFeatures
}

// identityFields are the fields lsui writes for an identity
// (model.IdentityRecord), each a bit of a set.
var identityFields = map[string]uint{"name": 1, "kind": 2, "features": 4, "first_seen": 8, "last_seen": 16, "via": 32}

// maxFeatures bounds the distinct feature names kept to compare: a real
// server has a few dozen; a hostile usage.json naming a new one per
// identity must not grow the sets without end.
const maxFeatures = 4096

// note adds f to set, within maxFeatures.
func (a *identityAudit) note(set map[string]bool, f string) {
	if set[f] {
		return
	}
	if len(set) >= maxFeatures {
		a.tooMany = true
		return
	}
	set[f] = true
}

// maxFeatureName bounds a feature name: FlexNet's are up to 30 characters.
const maxFeatureName = 64

// summarizeUsage counts usage.json's features and identities while it
// streams past, how many identities do not look like pseudonyms, and what
// else they carry (audit).
func summarizeUsage(r io.Reader, s *Summary, audit *identityAudit) error {
	dec := newJSONDecoder(r)
	audit.used, audit.features = map[string]bool{}, map[string]bool{}
	var once onceFields
	err := eachField(dec, func(key string) error {
		if err := once.check(key, "features", "identities"); err != nil {
			return err
		}
		switch key {
		case "features":
			return eachElement(dec, func() error {
				s.Features++
				return eachField(dec, func(key string) error {
					if key != "feature" {
						return skipValue(dec)
					}
					name, err := readString(dec)
					audit.note(audit.features, name)
					return err
				})
			})
		case "identities":
			return eachElement(dec, func() error {
				if err := readIdentity(dec, s, audit); err != nil {
					return fmt.Errorf("identity %d: %w", s.Identities+1, err)
				}
				s.Identities++
				return nil
			})
		}
		return skipValue(dec)
	})
	for f := range audit.used {
		if !audit.features[f] && audit.field == "" {
			audit.field = "features"
		}
	}
	return err
}

// readIdentity reads one identity record.
func readIdentity(dec *jsontext.Decoder, s *Summary, audit *identityAudit) error {
	var seen uint
	plain, unknown := "", false
	err := eachField(dec, func(key string) error {
		bit := identityFields[key]
		if bit == 0 {
			unknown = true
			return skipValue(dec)
		}
		if seen&bit != 0 {
			// Readers differ on which of two names wins: both are
			// checked, and the record is refused.
			unknown = true
		}
		seen |= bit
		switch key {
		case "name":
			name, err := readString(dec)
			if err == nil && !LooksPseudonymized(name) {
				s.PlaintextIdentitiesFound++
			}
			return err
		case "kind":
			kind, err := readString(dec)
			if err == nil && kind != "user" && kind != "device" && plain == "" {
				plain = key
			}
			return err
		case "first_seen", "last_seen":
			at, err := readString(dec)
			if _, perr := time.Parse(time.RFC3339, at); err == nil && perr != nil && plain == "" {
				plain = key
			}
			return err
		}
		if key == "via" {
			// Hosts a checkout came through: controllers' machine names,
			// never a user's. Anything that is not shaped like a host
			// name (an address, DOMAIN\user, a name with a space) is
			// plain text where none may be.
			return eachElement(dec, func() error {
				h, err := readString(dec)
				if err == nil && !looksLikeHost(h) && plain == "" {
					plain = key
				}
				return err
			})
		}
		return eachElement(dec, func() error { // features
			f, err := readString(dec)
			if err == nil {
				if !looksLikeFeature(f) && plain == "" {
					plain = key
				}
				audit.note(audit.used, f)
			}
			return err
		})
	})
	if err != nil {
		return err
	}
	if seen&identityFields["name"] == 0 {
		audit.noName++
	}
	if unknown {
		audit.unknown++
	}
	if plain != "" {
		audit.plain++
		if audit.field == "" {
			audit.field = plain
		}
	}
	return nil
}

// looksLikeFeature is the shape of a FlexNet feature name: letters,
// digits and _ . - + only, so an address, a DOMAIN\user or a name with a
// space cannot pass for one.
func looksLikeFeature(f string) bool {
	if f == "" || len(f) > maxFeatureName {
		return false
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-' || c == '+') {
			return false
		}
	}
	return true
}

func readString(dec *jsontext.Decoder) (string, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return "", eofInside(err)
	}
	if tok.Kind() != '"' {
		return "", fmt.Errorf("want a string, found %s", kindName(tok.Kind()))
	}
	return tok.String(), nil
}

// problems lists, for a payload whose manifest says scrambled, what
// makes its identities other than pseudonyms.
func (a *identityAudit) problems() []string {
	var out []string
	if a.noName > 0 {
		out = append(out, fmt.Sprintf("the manifest says scrambled but %d identities in %s have no name", a.noName, UsageName))
	}
	if a.unknown > 0 {
		out = append(out, fmt.Sprintf("the manifest says scrambled but %d identities in %s carry fields other than %s (or one twice)",
			a.unknown, UsageName, "name, kind, features, first_seen and last_seen"))
	}
	if a.tooMany {
		out = append(out, fmt.Sprintf("the manifest says scrambled but %s names more than %d distinct features", UsageName, maxFeatures))
	}
	switch {
	case a.plain > 0:
		out = append(out, fmt.Sprintf("the manifest says scrambled but %d identities in %s carry something other than lsui writes in %s (a plain name?)",
			a.plain, UsageName, a.field))
	case a.field == "features":
		out = append(out, fmt.Sprintf("the manifest says scrambled but identities in %s name features its features list does not (a plain name?)", UsageName))
	}
	return out
}

// maxHostName bounds a host name: a DNS name is at most 253 characters.
const maxHostName = 253

// looksLikeHost is the shape of a machine name as FlexNet logs it (NetBIOS
// or DNS): letters, digits and _ . - only.
func looksLikeHost(h string) bool {
	if h == "" || len(h) > maxHostName {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// onceFields refuses a second occurrence of the fields a summary reads:
// the decoder keeps no names (newJSONDecoder), and readers differ on which
// of two "identities" wins, so the one counted must be the only one.
type onceFields map[string]bool

func (o *onceFields) check(key string, read ...string) error {
	for _, r := range read {
		if key != r {
			continue
		}
		if (*o)[key] {
			return fmt.Errorf("%q appears twice", key)
		}
		if *o == nil {
			*o = onceFields{}
		}
		(*o)[key] = true
	}
	return nil
}
