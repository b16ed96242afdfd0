package model

import (
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/usage"
)

// The records below are the JSON shapes of `lsui licenses|entitlements|usage
// --json` and of a payload's inventory. They are a contract with scripts:
// add fields, never rename or remove one.

// LicenceRecord is one licence line.
type LicenceRecord struct {
	File        string `json:"file"`
	Line        int    `json:"line"`
	Keyword     string `json:"keyword"`
	Feature     string `json:"feature"`
	Vendor      string `json:"vendor"`
	Version     string `json:"version"`
	CSSDate     string `json:"css_date"`
	Expires     string `json:"expires"`
	Count       int    `json:"count"`
	Uncounted   bool   `json:"uncounted"`
	Product     string `json:"product"`
	Edition     string `json:"edition"`
	Model       string `json:"model"`
	ProductCode string `json:"product_code"`
	EditionCode string `json:"edition_code"`
	ModelCode   string `json:"model_code"`
	LicenseType string `json:"license_type"`
	Overdraft   int    `json:"overdraft"`
	Issued      string `json:"issued"`
	Start       string `json:"start"`
	Serial      string `json:"serial"`
	Notice      string `json:"notice"`
	HostID      string `json:"hostid"`
	CSP         bool   `json:"csp"`
}

// ErrorRecord is one malformed licence line.
type ErrorRecord struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ExpiresString is "permanent" or YYYY-MM-DD.
func ExpiresString(d licfile.Date, permanent bool) string {
	if permanent {
		return "permanent"
	}
	return d.String()
}

// LicenceRecords lists every licence line.
func (s *Snapshot) LicenceRecords() []LicenceRecord {
	out := make([]LicenceRecord, 0, len(s.Lines))
	for _, l := range s.Lines {
		out = append(out, LicenceRecord{
			File: l.File, Line: l.LineNo, Keyword: l.Keyword, Feature: l.Feature, Vendor: l.Vendor,
			Version: l.Version, CSSDate: l.CSSDate.String(), Expires: ExpiresString(l.Expires, l.Permanent),
			Count: l.Count, Uncounted: l.Uncounted,
			Product: l.Name.Product, Edition: l.Name.Edition, Model: l.Name.Model,
			ProductCode: l.Name.ProductCode, EditionCode: l.Name.EditionCode, ModelCode: l.Name.ModelCode,
			LicenseType: l.LicenseType, Overdraft: l.Overdraft(), Issued: l.Issued.String(), Start: l.Start.String(),
			Serial: l.Serial, Notice: l.Notice, HostID: l.HostID, CSP: s.IsCSP(l),
		})
	}
	return out
}

// ErrorRecords lists the malformed licence lines.
func (s *Snapshot) ErrorRecords() []ErrorRecord {
	out := make([]ErrorRecord, 0, len(s.ParseErrors))
	for _, e := range s.ParseErrors {
		out = append(out, ErrorRecord{File: e.File, Line: e.Line, Message: e.Message})
	}
	return out
}

// EntitlementRecord is one entitlement.
type EntitlementRecord struct {
	Feature     string   `json:"feature"`
	Product     string   `json:"product"`
	Edition     string   `json:"edition"`
	Model       string   `json:"model"`
	ProductCode string   `json:"product_code"`
	EditionCode string   `json:"edition_code"`
	ModelCode   string   `json:"model_code"`
	CSSDate     string   `json:"css_date"`
	Installed   int      `json:"installed"`
	Overdraft   int      `json:"overdraft"`
	Expired     int      `json:"expired"`
	InUse       int      `json:"in_use"`
	Available   int      `json:"available"`
	Uncounted   bool     `json:"uncounted"`
	Expires     string   `json:"expires"`
	Types       []string `json:"license_types"`
	CSP         bool     `json:"csp"`
}

// EntitlementRecords lists the entitlements.
func (s *Snapshot) EntitlementRecords() []EntitlementRecord {
	out := make([]EntitlementRecord, 0, len(s.Entitlements))
	for _, e := range s.Entitlements {
		types := e.Types
		if types == nil {
			types = []string{}
		}
		out = append(out, EntitlementRecord{
			Feature: e.Feature, Product: e.Name.Product, Edition: e.Name.Edition, Model: e.Name.Model,
			ProductCode: e.Name.ProductCode, EditionCode: e.Name.EditionCode, ModelCode: e.Name.ModelCode,
			CSSDate: e.CSSDate.String(), Installed: e.Installed, Overdraft: e.Overdraft, Expired: e.Expired,
			InUse: e.InUse, Available: e.Available, Uncounted: e.Uncounted,
			Expires: ExpiresString(e.Expires, e.Permanent), Types: types, CSP: e.CSP,
		})
	}
	return out
}

// ExpirationRecord is one date on the expiry timeline.
type ExpirationRecord struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Feature  string `json:"feature"`
	What     string `json:"what"` // "licence" or "css"
	Date     string `json:"date"` // "permanent" or YYYY-MM-DD
	DaysLeft int    `json:"days_left"`
	Status   string `json:"status"` // expired, expiring, upcoming, later, permanent
}

// ExpirationRecords lists the timeline.
func (s *Snapshot) ExpirationRecords() []ExpirationRecord {
	out := make([]ExpirationRecord, 0, len(s.Expirations))
	for _, e := range s.Expirations {
		out = append(out, ExpirationRecord{
			File: e.Line.File, Line: e.Line.LineNo, Feature: e.Line.Feature, What: e.What,
			Date: ExpiresString(e.Date, e.Permanent), DaysLeft: e.DaysLeft, Status: e.Urgency.String(),
		})
	}
	return out
}

// UsageRecord is one month's usage.
type UsageRecord struct {
	Month        string           `json:"month"`
	Timezone     string           `json:"timezone"`
	Features     []FeatureRecord  `json:"features"`
	Identities   []IdentityRecord `json:"identities"`
	Days         []DayRecord      `json:"days"`
	Denied       int              `json:"denied"`
	UndatedLines int              `json:"undated_lines"`
}

type FeatureRecord struct {
	Feature string `json:"feature"`
	Users   int    `json:"users"`
	Devices int    `json:"devices"`
}

type IdentityRecord struct {
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Features  []string `json:"features"`
	FirstSeen string   `json:"first_seen"`
	LastSeen  string   `json:"last_seen"`
}

type DayRecord struct {
	Date    string `json:"date"`
	Users   int    `json:"users"`
	Devices int    `json:"devices"`
}

// NewUsageRecord shapes a report. name maps each identity to what is shown
// (the identity itself, or its pseudonym in a scrambled payload).
func NewUsageRecord(r *usage.Report, name func(string) string) UsageRecord {
	rec := UsageRecord{
		Month: r.Month.String(), Timezone: r.Month.Start.Location().String(),
		Features: []FeatureRecord{}, Identities: make([]IdentityRecord, 0, len(r.Identities)), Days: []DayRecord{},
		Denied: r.Denied, UndatedLines: r.Undated,
	}
	for _, f := range r.Features {
		rec.Features = append(rec.Features, FeatureRecord{f.Feature, f.Users, f.Devices})
	}
	for _, id := range r.Identities {
		n := id.Name
		if name != nil {
			n = name(n)
		}
		rec.Identities = append(rec.Identities, IdentityRecord{
			Name: n, Kind: id.Kind.String(), Features: id.Features,
			FirstSeen: id.FirstSeen.Format(time.RFC3339), LastSeen: id.LastSeen.Format(time.RFC3339),
		})
	}
	for _, d := range r.Days {
		rec.Days = append(rec.Days, DayRecord{d.Date.Format("2006-01-02"), d.Users, d.Devices})
	}
	return rec
}
