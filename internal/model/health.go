package model

import (
	"fmt"
	"strings"

	"github.com/lsui/lsui/internal/model/licfile"
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

// Finding is one reason for a status.
type Finding struct {
	Status  Status
	Message string
}

// Health is the server's state for monitoring and for the overview's
// "most urgent" list.
type Health struct {
	Status   Status
	Findings []Finding // worst first
}

// Health applies the monitoring rules. WARNING: a line or CSS date ends
// within the warning window, an expired line, a malformed licence line, in
// use above installed. CRITICAL: in use above installed + overdraft, or an
// expired line still in use. A CSS date that has passed is not a finding:
// permanent licences keep working, and most servers carry old CSS dates.
func (s *Snapshot) Health() Health {
	var h Health
	add := func(st Status, format string, args ...any) {
		h.Findings = append(h.Findings, Finding{st, fmt.Sprintf(format, args...)})
		h.Status = max(h.Status, st)
	}
	for _, e := range s.Entitlements {
		name := e.Feature
		if !e.CSSDate.IsZero() {
			name += " (CSS " + e.CSSDate.String() + ")"
		}
		switch {
		case e.Installed == 0 && e.Expired > 0:
			// Every line expired: the expired-line finding below says it.
		case e.OverLimit():
			add(Critical, "%s: %d in use, above %d installed + %d overdraft", name, e.InUse, e.Installed, e.Overdraft)
		case e.OverInstalled():
			add(Warning, "%s: %d in use, above %d installed (using overdraft)", name, e.InUse, e.Installed)
		}
	}
	for _, x := range s.Expirations {
		l := x.Line
		switch {
		case x.What == LicenceEnd && x.Urgency == Expired:
			if n := s.usedSince(l); n > 0 {
				add(Critical, "%s (%s) expired %s and is still in use by %d", l.Feature, l.Pos(), x.Date, n)
			} else {
				add(Warning, "%s (%s) expired %s", l.Feature, l.Pos(), x.Date)
			}
		case x.Urgency == Expiring && x.What == LicenceEnd:
			add(Warning, "%s (%s) expires %s, in %s", l.Feature, l.Pos(), x.Date, plural(x.DaysLeft, "day"))
		case x.Urgency == Expiring:
			add(Warning, "%s (%s) CSS date ends %s, in %s", l.Feature, l.Pos(), x.Date, plural(x.DaysLeft, "day"))
		}
	}
	for _, e := range s.ParseErrors {
		add(Warning, "malformed licence line %s", e.Error())
	}
	// Worst first, keeping rule order within a status.
	var sorted []Finding
	for st := Critical; st >= OK; st-- {
		for _, f := range h.Findings {
			if f.Status == st {
				sorted = append(sorted, f)
			}
		}
	}
	h.Findings = sorted
	return h
}

// usedSince counts identities that checked out l's feature after l expired.
func (s *Snapshot) usedSince(l *licfile.Line) int {
	if s.Usage == nil {
		return 0
	}
	end := l.Expires.In(s.Location).AddDate(0, 0, 1)
	n := 0
	for _, id := range s.Usage.Identities {
		if !id.LastSeen.Before(end) && hasFold(id.Features, l.Feature) {
			n++
		}
	}
	return n
}

func hasFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
