package model

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/regularfile"
	"io/fs"
	"strings"

	"github.com/lsui/lsui/internal/atomicfile"
)

// SettingsFileName is lsui's own settings file, kept beside the Citrix
// configuration (Layout.ConfigDir) because every setting in it belongs to
// this licence server, not to the person running lsui.
const SettingsFileName = "lsui.json"

// Settings are lsui's own, per-server settings. Unknown fields in the file
// are kept when it is written back.
type Settings struct {
	// ServerID identifies this server in payloads, stable across renames
	// (many servers are all called LIC01). Created on first need.
	ServerID string `json:"server_id,omitempty"`
	// CSPFeatures marks licence features as CSP licences where the .lic file
	// does not say so (DOMAIN.md §2: Citrix publishes no marker).
	CSPFeatures []string `json:"csp_features,omitempty"`
	// Endpoint is the HTTPS URL that `lsui upload` posts payloads to.
	Endpoint string `json:"endpoint,omitempty"`
	// WarnDays is the "expiring soon" window; 0 means the default, 30.
	WarnDays int `json:"warn_days,omitempty"`
	// DomainTruncation false keeps domains in identities ("CORP\jsmith" and
	// "jsmith" are then two people), for servers whose admin turned
	// udadmin's truncation off. Absent or true: domains are removed
	// (DOMAIN.md §4.1).
	DomainTruncation *bool `json:"domain_truncation,omitempty"`
	// Activation "las" says the server is licensed through the License
	// Activation Service, so a MyFiles without licence files is expected.
	Activation string `json:"activation,omitempty"`

	path          string
	extra         map[string]json.RawMessage
	cspConfigured bool // csp_features was present, perhaps as []
}

// ActivationLAS is the Activation value of a License Activation Service server.
const ActivationLAS = "las"

// DefaultWarnDays is the expiry warning window when none is configured.
const DefaultWarnDays = 30

// maxSettingsFile bounds the read of lsui.json: a few hundred bytes in
// practice, with a list of CSP features at most.
const maxSettingsFile = 4 << 20

// ReadSettings reads path; a missing file gives empty settings. A file that
// does not parse is an error, and such a file is never written over.
func ReadSettings(path string) (*Settings, error) {
	s := &Settings{path: path}
	data, err := regularfile.ReadFile(path, maxSettingsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := json.Unmarshal(data, &s.extra); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	_, s.cspConfigured = s.extra["csp_features"]
	for _, known := range []string{"server_id", "csp_features", "endpoint", "warn_days", "domain_truncation", "activation"} {
		delete(s.extra, known)
	}
	return s, nil
}

// Path is where the settings live.
func (s *Settings) Path() string { return s.path }

// IsCSPFeature reports whether the operator marked feature as CSP.
func (s *Settings) IsCSPFeature(feature string) bool {
	for _, f := range s.CSPFeatures {
		if strings.EqualFold(f, feature) {
			return true
		}
	}
	return false
}

// KeepDomains reports that lsui.json turned domain truncation off.
func (s *Settings) KeepDomains() bool {
	return s != nil && s.DomainTruncation != nil && !*s.DomainTruncation
}

// CSPConfigured reports that csp_features is set, if to an empty list: the
// operator said which licences are CSP (perhaps none).
func (s *Settings) CSPConfigured() bool {
	return s != nil && (s.cspConfigured || len(s.CSPFeatures) > 0)
}

// LAS reports that lsui.json says the server uses the License Activation Service.
func (s *Settings) LAS() bool {
	return s != nil && strings.EqualFold(strings.TrimSpace(s.Activation), ActivationLAS)
}

// Save writes the settings atomically, keeping fields lsui does not know.
func (s *Settings) Save() error {
	out := map[string]any{}
	for k, v := range s.extra {
		out[k] = v
	}
	known, err := json.Marshal(s)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(known, &fields); err != nil {
		return err
	}
	for k, v := range fields {
		out[k] = v
	}
	if s.cspConfigured && len(s.CSPFeatures) == 0 {
		out["csp_features"] = []string{} // "none are CSP" is an answer; keep it
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(s.path, append(data, '\n'), 0o644)
}

// EnsureServerID returns the server id, creating and saving a random one the
// first time.
func (s *Settings) EnsureServerID() (string, error) {
	if s.ServerID != "" {
		return s.ServerID, nil
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	s.ServerID = hex.EncodeToString(b[:])
	if err := s.Save(); err != nil {
		s.ServerID = ""
		return "", fmt.Errorf("save server id: %w", err)
	}
	return s.ServerID, nil
}
