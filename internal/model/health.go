package model

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/uploads"
)

// Status is a monitoring state with the Nagios plugin exit codes.
type Status int

const (
	OK Status = iota
	Warning
	Critical
	Unknown
)

var statusNames = [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

func (s Status) String() string { return statusNames[s] }

// TargetKind says what a finding is about, so a surface can jump to it.
type TargetKind int

const (
	TargetNone        TargetKind = iota
	TargetLicenceLine            // File:Line of a licence file (relative to the root)
	TargetEntitlement            // Feature (and CSSDate) on the Entitlements tab
	TargetUpload                 // Upload, a zip's base name in LS/resource/usage
	TargetFile                   // File (and Line when not 0): a log, a listing, a settings file
	TargetRoot                   // the licensing root itself (MyFiles missing or empty)
	TargetPrivacy                // the anonymization setting
)

// Target is where a finding points.
type Target struct {
	Kind    TargetKind
	File    string // relative to the root
	Line    int
	Feature string
	CSSDate string // YYYY-MM-DD, "" when none
	Upload  string
}

// Finding is one reason for a status.
type Finding struct {
	Status  Status
	Message string
	Target  Target
}

// Health is the server's state for monitoring and for the overview's
// "most urgent" list.
type Health struct {
	Status   Status
	Findings []Finding // worst first
}

// Health applies the monitoring rules; it is the one list `lsui check` and
// the Overview's "most urgent" show. UNKNOWN: a root without MyFiles.
// WARNING: MyFiles without licence files (the License Activation Service?)
// unless lsui.json says "activation": "las"; a line or CSS date ending
// within the warning window, an expired line, a malformed licence line, in
// use above installed, failed uploads lingering (UploadBacklogFinding),
// anonymization off while a CSP licence is present, an unreadable
// anonymization setting, anything else that did not load. CRITICAL: in use
// above installed + overdraft, or an expired line still in use (its
// entitlement, every line expired, has the model's in use above 0: udadmin's
// assignments, lmstat's checkouts, not this month's identities). A CSS date
// that has passed is not a finding: permanent licences keep working, and
// most servers carry old CSS dates.
func (s *Snapshot) Health() Health {
	var h Health
	add := func(st Status, target Target, format string, args ...any) {
		h.Findings = append(h.Findings, Finding{st, fmt.Sprintf(format, args...), target})
		h.Status = max(h.Status, st)
	}
	root := Target{Kind: TargetRoot}
	switch ls := s.Licensing(); {
	case ls.Source == NoLicenceFolder:
		add(Unknown, root, "%s", ls.Message)
	case ls.Source == NoLicenceFiles && !ls.LAS:
		add(Warning, root, "no licence files: License Activation Service? (lsui reads usage but not LAS entitlements; set \"activation\": \"las\" in lsui.json if so)")
	}
	for _, e := range s.Entitlements {
		name := e.Feature
		target := Target{Kind: TargetEntitlement, Feature: e.Feature}
		if !e.CSSDate.IsZero() {
			name += " (CSS " + e.CSSDate.String() + ")"
			target.CSSDate = e.CSSDate.String()
		}
		switch {
		case e.Installed == 0 && e.Expired > 0:
			// Every line expired: the expired-line finding below says it.
		case e.OverLimit():
			add(Critical, target, "%s: %d in use, above %d installed + %d overdraft", name, e.InUse, e.Installed, e.Overdraft)
		case e.OverInstalled():
			add(Warning, target, "%s: %d in use, above %d installed (using overdraft)", name, e.InUse, e.Installed)
		}
	}
	for _, x := range s.Expirations {
		l := x.Line
		target := Target{Kind: TargetLicenceLine, File: l.File, Line: l.LineNo, Feature: l.Feature}
		switch {
		case x.What == LicenceEnd && x.Urgency == Expired:
			if n := s.expiredInUse(l); n > 0 {
				add(Critical, target, "%s (%s) expired %s and is still in use by %d", l.Feature, l.Pos(), x.Date, n)
			} else {
				add(Warning, target, "%s (%s) expired %s", l.Feature, l.Pos(), x.Date)
			}
		case x.Urgency == Expiring && x.What == LicenceEnd:
			add(Warning, target, "%s (%s) expires %s, in %s", l.Feature, l.Pos(), x.Date, plural(x.DaysLeft, "day"))
		case x.Urgency == Expiring:
			add(Warning, target, "%s (%s) CSS date ends %s, in %s", l.Feature, l.Pos(), x.Date, plural(x.DaysLeft, "day"))
		}
	}
	for _, e := range s.ParseErrors {
		add(Warning, Target{Kind: TargetLicenceLine, File: e.File, Line: e.Line}, "malformed licence line %s", e.Error())
	}
	if s.Lmstat != nil && s.Lmstat.Down() {
		add(Warning, Target{Kind: TargetFile, File: s.LmstatSource}, "lmstat: %s", s.LmstatDownReason())
	}
	if f, ok := UploadBacklogFinding(s.Uploads, s.Now); ok {
		h.Findings = append(h.Findings, f)
		h.Status = max(h.Status, f.Status)
	}
	if s.HasCSP() && (s.Config == nil || !s.Config.Scramble) && s.ConfigErr == nil {
		add(Warning, Target{Kind: TargetPrivacy}, "anonymization is off while a CSP licence is present: usernames are uploaded as they are")
	}
	if s.ConfigErr != nil && !errors.Is(s.ConfigErr, fs.ErrNotExist) {
		add(Warning, Target{Kind: TargetPrivacy}, "anonymization setting unreadable: %v", s.ConfigErr)
	}
	for _, p := range s.Problems {
		add(Warning, Target{Kind: TargetFile, File: p.File, Line: p.Line}, "%s", p.Error())
	}
	// Worst first, keeping rule order within a status.
	var sorted []Finding
	for st := Unknown; st >= OK; st-- {
		for _, f := range h.Findings {
			if f.Status == st {
				sorted = append(sorted, f)
			}
		}
	}
	h.Findings = sorted
	return h
}

// LmstatDownReason says, when the lmstat listing read shows the server
// down, why and what is counted instead; "" when it is not down.
func (s *Snapshot) LmstatDownReason() string {
	if s.Lmstat == nil || !s.Lmstat.Down() {
		return ""
	}
	why := s.Lmstat.Error
	for _, srv := range s.Lmstat.Servers {
		if why == "" && srv.Message != "" {
			why = srv.Message
		}
	}
	if why == "" {
		why = "no server answered"
	}
	return fmt.Sprintf("the licence server is down (%s); concurrent in use is counted from the log", why)
}

// UploadBacklogFinding is the failed-upload backlog rule, the one the
// check, the Overview and the Uploads tab share: any failed upload still on
// disk is a WARNING (a later success would have cleared it), pointing at the
// oldest one.
func UploadBacklogFinding(list []uploads.Upload, now time.Time) (Finding, bool) {
	b := uploads.FailedBacklog(list)
	if b.Count == 0 {
		return Finding{}, false
	}
	oldest := ""
	for _, u := range list {
		if u.Outcome == uploads.Failed && u.Time.Equal(b.Oldest) {
			oldest = u.Name
			break
		}
	}
	return Finding{
		Status: Warning,
		Message: fmt.Sprintf("%s lingering on disk (%s, oldest %s)",
			plural(b.Count, "failed upload"), byteSize(b.Bytes), ageOf(now, b.Oldest)),
		Target: Target{Kind: TargetUpload, Upload: oldest},
	}, true
}

func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// ageOf is how long before now t was, as the dashboard writes ages
// ("34h ago", "3d ago").
func ageOf(now, t time.Time) string {
	d := now.Sub(t)
	suffix := " ago"
	if d < 0 {
		d, suffix = -d, " from now"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm%s", int(d.Minutes()), suffix)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%s", int(d.Hours()), suffix)
	}
	return fmt.Sprintf("%dd%s", int(d.Hours()/24), suffix)
}

// expiredInUse is how many licences of the expired line l's entitlement
// are in use (the model's in use, DOMAIN.md §4.4: udadmin's assignments,
// lmstat's checkouts) when every line of that entitlement has expired, so
// nothing live serves them. While live lines remain, the over-installed
// and over-limit rules judge the use instead.
func (s *Snapshot) expiredInUse(l *licfile.Line) int {
	for _, e := range s.Entitlements {
		if e.Installed == 0 && !e.InstalledUnknown && slices.Contains(e.Lines, l) {
			return e.InUse
		}
	}
	return 0
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
