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
