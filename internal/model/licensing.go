package model

import (
	"fmt"
	"strings"

	"github.com/lsui/lsui/internal/model/licfile"
)

// CSPState is whether a licence is a CSP licence (DOMAIN.md §2.5). Citrix
// publishes no marker, so without lsui.json's csp_features the answer is
// unknown, never "not CSP".
type CSPState int

const (
	CSPUnknown CSPState = iota // csp_features not set and no LT=CSP
	CSPNo                      // csp_features set and the licence not in it
	CSPYes                     // LT=CSP, or listed in csp_features
)

func (c CSPState) String() string {
	switch c {
	case CSPYes:
		return "csp"
	case CSPNo:
		return "not_csp"
	}
	return "unknown"
}

// CSPHowTo tells the admin how to settle an unknown CSP state.
const CSPHowTo = `list your CSP licences' features (or serial numbers) in lsui.json "csp_features"; [] says none is CSP`

// IsCSPLine is the CSP rule for one line: LT=CSP in any case, or its feature
// or serial listed in csp_features.
func IsCSPLine(l *licfile.Line, settings *Settings) bool {
	if strings.EqualFold(l.LicenseType, "CSP") {
		return true
	}
	return settings != nil && (settings.IsCSPFeature(l.Feature) || (l.Serial != "" && settings.IsCSPFeature(l.Serial)))
}

// LineCSPState is IsCSPLine with "unknown" when nothing is configured.
func (s *Snapshot) LineCSPState(l *licfile.Line) CSPState {
	return cspState(IsCSPLine(l, s.Settings), s.Settings)
}

// EntitlementCSPState is the same rule for an entitlement: CSP when one of
// its lines is (or, for an installed-unknown one, csp_features lists its
// feature), not CSP only when csp_features is configured, else unknown.
func EntitlementCSPState(e Entitlement, settings *Settings) CSPState {
	return cspState(e.CSP, settings)
}

func cspState(csp bool, settings *Settings) CSPState {
	switch {
	case csp:
		return CSPYes
	case settings.CSPConfigured():
		return CSPNo
	}
	return CSPUnknown
}

// CSPState is the server's: yes when any line is CSP, no when csp_features
// is configured and none is, else unknown.
func (s *Snapshot) CSPState() CSPState {
	if s.HasCSP() {
		return CSPYes
	}
	if s.Settings.CSPConfigured() {
		return CSPNo
	}
	return CSPUnknown
}

// LicenceSource says where the server's entitlements come from.
type LicenceSource int

const (
	LicenceFiles    LicenceSource = iota // MyFiles holds at least one entitlement
	NoLicenceFolder                      // the root has no MyFiles (or it cannot be listed)
	NoLicenceFiles                       // MyFiles holds no entitlement: only the start-up licence, or nothing
)

// LicenceState is the snapshot-level answer every surface shows when the
// licence files cannot say what is installed (DOMAIN.md §2.6).
type LicenceState struct {
	Source LicenceSource
	// LAS: lsui.json says "activation": "las", so NoLicenceFiles is expected.
	LAS bool
	// Message is what to show; "" for LicenceFiles.
	Message string
}

// Licensing is the licence state of the snapshot.
func (s *Snapshot) Licensing() LicenceState {
	st := LicenceState{LAS: s.Settings.LAS()}
	switch {
	case !s.licenceFolder && s.licenceFolderErr != nil:
		st.Source = NoLicenceFolder
		st.Message = fmt.Sprintf("the licence folder cannot be read: %v", s.licenceFolderErr)
	case !s.licenceFolder:
		st.Source = NoLicenceFolder
		st.Message = fmt.Sprintf("no licence folder (MyFiles) in %s: is this a licensing root?", s.Layout.Root)
	case len(licfile.Entitled(s.Lines)) == 0:
		st.Source = NoLicenceFiles
		if st.LAS {
			st.Message = "licensed through the License Activation Service (lsui.json): lsui reads usage but not LAS entitlements; installed is unknown"
		} else {
			st.Message = "no licence files: this server may use the License Activation Service; lsui reads usage but not LAS entitlements (say \"activation\": \"las\" in lsui.json to confirm)"
		}
	}
	return st
}

// signatureKeys are keywords whose value is a signature: shown as present,
// never printed.
var signatureKeys = map[string]bool{"SIGN": true, "SIGN2": true, "CK": true, "VENDOR_INFO_SIGN": true}

// SignaturePresent stands for a signature's value.
const SignaturePresent = "present"

// VendorStringOf is every VENDOR_STRING key of l with its value, the first
// of a repeated key (compared case-insensitively), keys as written.
func VendorStringOf(l *licfile.Line) map[string]string {
	out := map[string]string{}
	seen := map[string]bool{}
	for _, kv := range l.VendorString {
		k := strings.ToUpper(kv.Key)
		if seen[k] {
			continue
		}
		seen[k] = true
		out[kv.Key] = kv.Value
	}
	return out
}

// KeywordsOf is every keyword of l after the count but VENDOR_STRING, keys
// upper case, the first of a repeated key; signatures are "present".
func KeywordsOf(l *licfile.Line) map[string]string {
	out := map[string]string{}
	for _, kv := range l.Fields {
		k := strings.ToUpper(kv.Key)
		if k == "VENDOR_STRING" || k == "" {
			continue
		}
		if _, dup := out[k]; dup {
			continue
		}
		if signatureKeys[k] || strings.HasPrefix(k, "SIGN") {
			out[k] = SignaturePresent
			continue
		}
		out[k] = kv.Value
	}
	return out
}
