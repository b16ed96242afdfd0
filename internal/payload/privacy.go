package payload

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/ident"
	"github.com/lsui/lsui/internal/scramble"
)

// CitrixUpload is one of Citrix's call-home zips in LS/resource/usage:
// read-only to lsui.
type CitrixUpload struct {
	Name string    `json:"file"`
	Path string    `json:"-"`
	Time time.Time `json:"time"` // from the name
	Size int64     `json:"size"`
	// Outcome is what lsui can tell without Citrix's records (DOMAIN.md
	// §6): successful uploads are deleted except the last, failed ones
	// linger until a success. So every zip but the oldest failed; the
	// oldest is the last success or a failure.
	Outcome string `json:"outcome"`
	// Legacy marks a payload an earlier lsui left here, recognised by its
	// manifest: not Citrix's, and moved into lsui's folder by the next
	// upload cycle (MigrateLegacy).
	Legacy bool `json:"legacy,omitempty"`
}

// CitrixUpload.Outcome values.
const (
	CitrixFailed         = "failed"
	CitrixSuccessOrFails = "last success, or failed"
	CitrixLegacy         = "an earlier lsui's payload, moved into lsui/ by the next upload cycle"
)

// ListCitrix lists Citrix's upload_<unix>.zip in usageDir, oldest first.
// lsui's own folder and anything not named like an upload are left out.
func ListCitrix(usageDir string) ([]CitrixUpload, error) {
	files, err := payloadFiles(usageDir)
	if err != nil {
		return nil, err
	}
	out := make([]CitrixUpload, 0, len(files))
	first := true
	for _, f := range files {
		u := CitrixUpload{Name: f.name, Path: filepath.Join(usageDir, f.name), Time: f.time, Outcome: CitrixFailed}
		switch {
		case IsLSUIPayload(context.Background(), u.Path):
			u.Legacy, u.Outcome = true, CitrixLegacy
		case first:
			// Every success deletes the older uploads: only the oldest of
			// Citrix's can be one.
			u.Outcome, first = CitrixSuccessOrFails, false
		}
		if st, err := os.Lstat(u.Path); err == nil {
			u.Size = st.Size()
		}
		out = append(out, u)
	}
	return out, nil
}

// maxLatestTries bounds how many zips LatestCitrix inspects, newest first,
// to find one in Citrix's format (an earlier lsui's payload not yet moved
// may be newer).
const maxLatestTries = 5

// LatestCitrix is the newest zip in usageDir that is a readable Citrix
// bundle, with its inspection; nil when there is none.
func LatestCitrix(ctx context.Context, usageDir string) (*CitrixUpload, *Report) {
	list, err := ListCitrix(usageDir)
	if err != nil {
		return nil, nil
	}
	for i, tries := len(list)-1, 0; i >= 0 && tries < maxLatestTries; i, tries = i-1, tries+1 {
		rep := InspectFile(ctx, list[i].Path, DefaultLimits)
		if rep.Format == FormatCitrix && rep.State == StateRead {
			return &list[i], rep
		}
	}
	return nil, nil
}

// Privacy is what the latest Citrix payload shows of this server's names
// (DOMAIN.md §7): whether they leave in plain text, and which scramble
// form, if any, they leave in.
type Privacy struct {
	File   string `json:"file"`   // the Citrix payload looked at; "" when there is none
	Names  int    `json:"names"`  // this server's identities this month
	Plain  int    `json:"plain"`  // of them, found in the payload in plain text
	Base64 int    `json:"base64"` // found as Citrix's documented SHA-256 base64 form
	Hex16  int    `json:"hex16"`  // found as the 16-hex-digit form
	// Form is the form the payload's names are in: FormPlain,
	// FormSHA256Base64, FormHex16, "mixed", or "" when none matched.
	Form string `json:"form"`
	// Forms maps each identity found, by its name as lsui shows it, to
	// the form the payload carries it in.
	Forms map[string]string `json:"-"`
	// Scramble is the anonymization setting.
	Scramble bool `json:"scramble"`
	// GUID, HardwareID are the server's as the payload names them.
	GUID       string `json:"guid,omitempty"`
	HardwareID string `json:"hardware_id,omitempty"`
}

// CheckPrivacy looks in the latest Citrix payload for this server's
// identities of the month: in plain text (with or without a domain), and in Citrix's documented
// scramble forms of each spelling (CitrixCandidates). It returns nil when
// there is no Citrix payload to look in.
func CheckPrivacy(ctx context.Context, s *model.Snapshot) *Privacy {
	if s == nil {
		return nil
	}
	u, rep := LatestCitrix(ctx, s.Layout.UsageDir)
	if u == nil {
		return nil
	}
	c := rep.Citrix
	p := &Privacy{File: u.Name, Forms: map[string]string{}, Scramble: s.Config != nil && s.Config.Scramble,
		GUID: c.Server.GUID, HardwareID: c.Server.HardwareID}
	plain := map[string]bool{}
	scrambled := map[string]bool{}
	// A plain name is compared as the model counts identities: its user
	// part, without a DOMAIN\ or @domain (DOMAIN.md §4.1), folded.
	plainKey := func(name string) (string, error) { return scramble.Canonical(ident.StripDomain(name)) }
	for _, id := range c.Identities {
		if id.Form == FormPlain {
			if k, err := plainKey(id.Name); err == nil {
				plain[k] = true
			}
		} else {
			scrambled[id.Name] = true
		}
	}
	if s.Usage == nil {
		return p
	}
	for id := range s.Usage.AllIdentities() {
		p.Names++
		if k, err := plainKey(id.Name); err == nil && plain[k] {
			p.Plain++
			p.Forms[id.Name] = FormPlain
			continue
		}
		for _, cand := range scramble.CitrixCandidates(id.Name) {
			if scrambled[scramble.CitrixBase64(cand)] {
				p.Base64++
				p.Forms[id.Name] = FormSHA256Base64
				break
			}
			if scrambled[scramble.CitrixHex16(cand)] {
				p.Hex16++
				p.Forms[id.Name] = FormHex16
				break
			}
		}
	}
	forms := 0
	for form, n := range map[string]int{FormPlain: p.Plain, FormSHA256Base64: p.Base64, FormHex16: p.Hex16} {
		if n > 0 {
			forms++
			p.Form = form
		}
	}
	if forms > 1 {
		p.Form = "mixed"
	}
	return p
}

// Finding is the CRITICAL finding when anonymization is on and the
// payload still carries plain names; nil otherwise.
func (p *Privacy) Finding() *model.Finding {
	if p == nil || !p.Scramble || p.Plain == 0 {
		return nil
	}
	return &model.Finding{Status: model.Critical, Target: model.Target{Kind: model.TargetPrivacy},
		Message: fmt.Sprintf("anonymization is on, but %s carries %s", p.File, plural(p.Plain, "plain name"))}
}

// Summary says which form the payload carries the server's names in, and
// what that means.
func (p *Privacy) Summary() string {
	if p == nil {
		return "no Citrix payload on disk: what Citrix's call-home sends is as documented, not verified"
	}
	switch {
	case p.Names == 0:
		return fmt.Sprintf("%s: no identities this month to look for", p.File)
	case p.Base64+p.Hex16 > 0:
		form := "SHA-256"
		if p.Hex16 > 0 && p.Base64 == 0 {
			form = "SHA-256 (16 hex digits)"
		}
		s := fmt.Sprintf("the payload's pseudonyms are %s of %d of %d of this server's names: anyone with a name list can reverse them",
			form, p.Base64+p.Hex16, p.Names)
		if p.Plain > 0 {
			s += fmt.Sprintf("; %s in plain text", plural(p.Plain, "name is"))
		}
		return s
	case p.Plain > 0:
		return fmt.Sprintf("%s carries %d of %d of this server's names in plain text", p.File, p.Plain, p.Names)
	}
	return fmt.Sprintf("%s carries none of this server's %d names, neither plain nor in Citrix's documented scramble", p.File, p.Names)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	switch what {
	case "name is":
		return fmt.Sprintf("%d names are", n)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Health is the server's monitoring state with the privacy finding added:
// the one function `lsui check` and the Overview call, so both say the
// same. (model.Health cannot look into payloads: the model knows nothing
// of zips.)
func Health(ctx context.Context, s *model.Snapshot) model.Health {
	h := s.Health()
	if f := CheckPrivacy(ctx, s).Finding(); f != nil {
		// CRITICAL, so first: the findings are worst first.
		h.Findings = append([]model.Finding{*f}, h.Findings...)
		h.Status = max(h.Status, f.Status)
	}
	return h
}
