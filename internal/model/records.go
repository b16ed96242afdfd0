package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/jsonstr"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/lmstat"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/textfmt"
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
	// CSPState is "csp", "not_csp" or "unknown" (nothing configured in
	// lsui.json csp_features: Citrix publishes no marker, DOMAIN.md §2.5).
	CSPState string `json:"csp_state"`
	// VendorString is every VENDOR_STRING key, known or not (the first of a
	// repeated key), values as written.
	VendorString map[string]string `json:"vendor_string"`
	// Keywords is every other KEY=value after the count, keys upper case;
	// a signature (SIGN, SIGN2, ck, …) is "present", never its value.
	Keywords map[string]string `json:"keywords"`
}

// ErrorRecord is one malformed licence line.
type ErrorRecord struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ExpiresString is "permanent" or YYYY-MM-DD; "" for a zero date that is
// not permanent (unknown: an installed-unknown entitlement).
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
			CSPState: s.LineCSPState(l).String(), VendorString: VendorStringOf(l), Keywords: KeywordsOf(l),
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
	// InUseSource says where in_use comes from: "udadmin", "lmstat" or "log".
	InUseSource string `json:"in_use_source"`
	ThisMonth   int    `json:"this_month"` // distinct identities this month: the call-home figure
	PeakMonth   int    `json:"peak_month"` // most checked out at once this month (concurrent models)
	// InstalledUnknown: no licence file says how many are installed (the
	// License Activation Service era); installed, overdraft, expired and
	// available are then 0 and mean nothing, expires is "" (unknown, not
	// "permanent") and license_types is empty.
	InstalledUnknown bool `json:"installed_unknown"`
	// CSPState is "csp", "not_csp" or "unknown", the rule licenses --json's
	// csp_state follows; csp stays for compatibility (false also when unknown).
	CSPState string `json:"csp_state"`
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
			InUseSource: e.InUseSource, ThisMonth: e.ThisMonth, PeakMonth: e.PeakMonth, InstalledUnknown: e.InstalledUnknown,
			CSPState: EntitlementCSPState(e, s.Settings).String(),
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

// UsageRecord is one month's usage: `lsui usage --json` and a payload's
// usage.json (one definition; see WriteUsageRecord).
type UsageRecord struct {
	Month        string           `json:"month"`
	Timezone     string           `json:"timezone"`
	Features     []FeatureRecord  `json:"features"`
	Identities   []IdentityRecord `json:"identities"`
	Days         []DayRecord      `json:"days"`
	Denied       int              `json:"denied"`
	UndatedLines int              `json:"undated_lines"`
	// MalformedLines are checkout lines without a readable feature or
	// identity, SkippedLines lines too long to read (over usage.MaxLineLen):
	// neither counted as usage; each is a problem naming its file and line.
	MalformedLines int `json:"malformed_lines"`
	SkippedLines   int `json:"skipped_lines"`
	// Unsupported is UNSUPPORTED lines this month (a feature the server does
	// not serve): refusals like denied, not usage.
	Unsupported int `json:"unsupported"`
	// Connections are checkouts by product components (the start-up licence
	// CITRIX, machine accounts such as DDC01$), per feature and host: never
	// usage, never entitlement use.
	Connections []ConnectionRecord `json:"connections"`
	// LogsFrom is the date of the earliest dated checkout in the logs
	// (YYYY-MM-DD), "" when none: how far back the lease look-back could see.
	LogsFrom string       `json:"logs_from"`
	Peaks    []PeakRecord `json:"peaks"`
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
	// Via is the hosts (controllers) its checkouts came through this month.
	Via []string `json:"via"`
}

type DayRecord struct {
	Date    string `json:"date"`
	Users   int    `json:"users"`
	Devices int    `json:"devices"`
}

// ConnectionRecord is one feature's checkouts by product components through one host.
type ConnectionRecord struct {
	Feature   string `json:"feature"`
	Host      string `json:"host"` // "" for a udadmin row
	Checkouts int    `json:"checkouts"`
}

// PeakRecord is the most licences of a feature checked out at once.
type PeakRecord struct {
	Feature string `json:"feature"`
	Month   int    `json:"month"`
	Days    []int  `json:"days"` // one per day of the month, as in days
}

// BadLinesNote is what a usage summary adds for the log lines that could
// not be read, ", 2 malformed log lines, 1 over-long log line", each only
// when there are any: "" for clean logs. The lines themselves are problems.
func BadLinesNote(malformed, skipped int) string {
	note := ""
	if malformed > 0 {
		note += ", " + textfmt.Plural(malformed, "malformed log line")
	}
	if skipped > 0 {
		note += ", " + textfmt.Plural(skipped, "over-long log line")
	}
	return note
}

// NewUsageRecord shapes a report. name maps each identity to what is shown
// (the identity itself, or its pseudonym in a scrambled payload).
func NewUsageRecord(r *usage.Report, name func(string) string) UsageRecord {
	rec := UsageHead(r)
	rec.Identities = make([]IdentityRecord, 0, r.IdentityCount())
	for id := range r.AllIdentities() {
		n := id.Name
		if name != nil {
			n = name(n)
		}
		rec.Identities = append(rec.Identities, NewIdentityRecord(id, n))
	}
	return rec
}

// ZoneLabel names the zone of t for a record: its IANA name, or for the
// machine's own zone (which has none) "Local (CET, UTC+01:00)".
func ZoneLabel(t time.Time) string {
	name := t.Location().String()
	if name != "Local" {
		return name
	}
	abbr, offset := t.Zone()
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	return fmt.Sprintf("Local (%s, UTC%s%02d:%02d)", abbr, sign, offset/3600, offset/60%60)
}

// RecordField is one top-level field of a record, for writers that stream
// a record field by field.
type RecordField struct {
	Key   string
	Value any
}

// UsageHeadFields is r's usage record without its identities, field by
// field in the record's order: what a payload's usage.json writes before
// streaming the identities (NewIdentityRecord each), so it carries every
// field `lsui usage --json` does. extra fields are added after them.
func UsageHeadFields(r *usage.Report, extra ...RecordField) []RecordField {
	rec := UsageHead(r)
	v := reflect.ValueOf(rec)
	var out []RecordField
	for i := range v.NumField() {
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if key == "" || key == "-" || key == "identities" {
			continue
		}
		out = append(out, RecordField{key, v.Field(i).Interface()})
	}
	return append(out, extra...)
}

// UsageHead is r's usage record with no identities (an empty list): what
// writers that stream the identities (IdentityJSON) start from.
func UsageHead(r *usage.Report) UsageRecord {
	rec := UsageRecord{
		Month: r.Month.String(), Timezone: ZoneLabel(r.Month.Start),
		Features: []FeatureRecord{}, Identities: []IdentityRecord{}, Days: []DayRecord{},
		Denied: r.Denied, UndatedLines: r.Undated, MalformedLines: r.Malformed, SkippedLines: r.Skipped, Unsupported: r.Unsupported,
		Connections: []ConnectionRecord{}, Peaks: []PeakRecord{},
	}
	if !r.LogsFrom.IsZero() {
		rec.LogsFrom = r.LogsFrom.Format("2006-01-02")
	}
	for _, f := range r.Features {
		rec.Features = append(rec.Features, FeatureRecord{f.Feature, f.Users, f.Devices})
	}
	for _, d := range r.Days {
		rec.Days = append(rec.Days, DayRecord{d.Date.Format("2006-01-02"), d.Users, d.Devices})
	}
	for _, c := range r.Connections {
		rec.Connections = append(rec.Connections, ConnectionRecord{c.Feature, c.Host, c.Checkouts})
	}
	for _, p := range r.Peaks {
		rec.Peaks = append(rec.Peaks, PeakRecord{p.Feature, p.Month, p.Days})
	}
	return rec
}

// LogsCoverage says how far back the debug logs reach, which bounds the
// user/device lease look-back: "logs cover 2026-09-03 onwards", or "no
// dated checkouts in the logs".
func LogsCoverage(r *usage.Report) string {
	if r == nil || r.LogsFrom.IsZero() {
		return "no dated checkouts in the logs"
	}
	return "logs cover " + r.LogsFrom.Format("2006-01-02") + " onwards"
}

// IdentityJSON writes identity records as compact JSON: byte for byte what
// encoding/json writes for NewIdentityRecord(id, name) (with the Escape's
// HTML as its escapeHTML), without reflection, a record or garbage per identity,
// because a real server has 100k identities a month. TestIdentityJSON and
// FuzzIdentityJSON hold the two equal.
type IdentityJSON struct {
	esc jsonstr.Escape
	// features is each shared Features list (the report shares one per
	// set of features) as written.
	features            map[sharedList][]byte
	firstSeen, lastSeen rfc3339Memo
	kind                usage.Kind // of the last record, written as kindJSON
	kindJSON            []byte
}

// NewIdentityJSON is a writer of identity records escaping as e says.
func NewIdentityJSON(e jsonstr.Escape) *IdentityJSON {
	return &IdentityJSON{esc: e, features: map[sharedList][]byte{}}
}

// Append appends id's record, named id.Name.
func (w *IdentityJSON) Append(dst []byte, id usage.Identity) []byte {
	return appendIdentity(w, dst, id, id.Name)
}

// AppendAs appends id's record named name: a pseudonym in a scrambled
// payload, made into a reused buffer, so a record costs no garbage.
func (w *IdentityJSON) AppendAs(dst []byte, id usage.Identity, name []byte) []byte {
	return appendIdentity(w, dst, id, name)
}

func appendIdentity[S string | []byte](w *IdentityJSON, dst []byte, id usage.Identity, name S) []byte {
	dst = append(dst, `{"name":`...)
	dst = jsonstr.Append(dst, name, w.esc)
	if w.kindJSON == nil || id.Kind != w.kind {
		w.kind, w.kindJSON = id.Kind, jsonstr.Append(w.kindJSON[:0], id.Kind.String(), w.esc)
	}
	dst = append(dst, `,"kind":`...)
	dst = append(dst, w.kindJSON...)
	dst = append(dst, `,"features":`...)
	if list, ok := sharedListOf(id.Features); !ok {
		dst = appendStrings(dst, id.Features, w.esc)
	} else if done, ok := w.features[list]; ok {
		dst = append(dst, done...)
	} else {
		at := len(dst)
		dst = appendStrings(dst, id.Features, w.esc)
		if len(w.features) < maxSharedLists {
			w.features[list] = slices.Clone(dst[at:])
		}
	}
	// RFC 3339 is digits, '-', ':', 'T', 'Z' and '+': nothing to escape.
	dst = append(dst, `,"first_seen":"`...)
	dst = w.firstSeen.append(dst, id.FirstSeen)
	dst = append(dst, `","last_seen":"`...)
	dst = w.lastSeen.append(dst, id.LastSeen)
	dst = append(dst, `","via":`...)
	dst = appendStrings(dst, id.Via, w.esc)
	return append(dst, '}')
}

// appendStrings appends list as a JSON array, [] when nil.
func appendStrings(dst []byte, list []string, e jsonstr.Escape) []byte {
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, s, e)
	}
	return append(dst, ']')
}

// sharedList names a string list by its backing array, for memos of the
// report's shared Features lists: two lists with the same first element
// and length are the same list.
type sharedList struct {
	first *string
	n     int
}

func sharedListOf(l []string) (sharedList, bool) {
	if len(l) == 0 {
		return sharedList{}, false
	}
	return sharedList{&l[0], len(l)}, true
}

// maxSharedLists bounds a memo of shared lists: a handful of features make
// at most a few hundred sets, and lists that are not shared must not make
// the memo one entry per identity.
const maxSharedLists = 4096

// rfc3339Memo is t.AppendFormat(dst, time.RFC3339) with the date and zone
// of the days it formatted kept, one per slot of day mod 64: a month's
// identities' times fall on its 31 days (and a few before it), and the
// date is most of the cost.
type rfc3339Memo [64]struct {
	day, offset int64 // local days since 1970, zone offset
	date        [len("2006-01-02T")]byte
	zone        [len("+01:00")]byte
	zoneLen     int8 // 0: the slot is empty
}

func (memo *rfc3339Memo) append(dst []byte, t time.Time) []byte {
	_, off := t.Zone()
	local := t.Unix() + int64(off)
	day, sec := local/86400, local%86400
	if sec < 0 {
		day, sec = day-1, sec+86400
	}
	slot := &memo[day&63]
	if slot.zoneLen == 0 || slot.day != day || slot.offset != int64(off) {
		at := len(dst)
		dst = t.AppendFormat(dst, time.RFC3339)
		out := dst[at:]
		// Only a year of four digits (no sign) has the fixed layout the
		// memo fills in: YYYY-MM-DDThh:mm:ss then the zone.
		if zone := out[min(19, len(out)):]; len(out) > 19 && out[4] == '-' && out[10] == 'T' && out[0] != '-' && len(zone) <= len(slot.zone) {
			copy(slot.date[:], out)
			slot.zoneLen = int8(copy(slot.zone[:], zone))
			slot.day, slot.offset = day, int64(off)
		}
		return dst
	}
	h, m, s := sec/3600, sec/60%60, sec%60
	dst = append(dst, slot.date[:]...)
	dst = append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	return append(dst, slot.zone[:slot.zoneLen]...)
}

// NewIdentityRecord shapes one identity, shown as name (itself or a pseudonym).
func NewIdentityRecord(id usage.Identity, name string) IdentityRecord {
	features, via := id.Features, id.Via
	if features == nil {
		features = []string{}
	}
	if via == nil {
		via = []string{}
	}
	return IdentityRecord{
		Name: name, Kind: id.Kind.String(), Features: features,
		FirstSeen: id.FirstSeen.Format(time.RFC3339), LastSeen: id.LastSeen.Format(time.RFC3339), Via: via,
	}
}

// CheckoutsRecord is what is checked out now: `lsui checkouts --json`.
type CheckoutsRecord struct {
	Source   string                  `json:"source"` // "lmstat" or "log"
	Features []CheckoutFeatureRecord `json:"features"`
	// Listing names the lmstat listing that was read ("lmstat" for live
	// output, else the file), "" when none.
	Listing string `json:"listing"`
	// Note says why the listing is not the source when one was read and
	// the log is ("LS/x.txt: holds no feature usage: only lmutil's banner
	// — server unreachable?; …", "lmstat: the licence server is down
	// (…)"); "" otherwise.
	Note string `json:"note"`
}

// CheckoutFeatureRecord is one feature's checkouts. For lmstat, in_use is
// the server's own "Total of M licenses in use" (reservations and lingering
// licences count, so the rows need not add up to it) and issued its "Total
// of N licenses issued"; for the log, in_use is the open licences and issued
// is 0 (the log does not say).
type CheckoutFeatureRecord struct {
	Feature   string           `json:"feature"`
	Issued    int              `json:"issued"`
	InUse     int              `json:"in_use"`
	Checkouts []CheckoutRecord `json:"checkouts"`
	// Uncounted: lmstat printed "(Uncounted, node-locked)" and no totals,
	// so issued and in_use are 0 and mean nothing.
	Uncounted bool `json:"uncounted"`
}

// CheckoutRecord is one checkout. start is RFC 3339 for the log; for
// lmstat it is dated with the listing's time (lmstat prints no year), and
// kept as printed when it does not read.
type CheckoutRecord struct {
	User     string `json:"user"`
	Host     string `json:"host"`
	Display  string `json:"display"`
	Start    string `json:"start"`
	Licenses int    `json:"licenses"`
}

// CheckoutsRecord lists what is checked out now: from the lmstat listing
// when one was read and the server is up, else the debug log's open
// checkouts of concurrent features (the only ones the log is followed for).
func (s *Snapshot) CheckoutsRecord() CheckoutsRecord {
	if s.Lmstat != nil && !s.Lmstat.Down() {
		rec := CheckoutsRecord{Source: InUseLmstat, Features: []CheckoutFeatureRecord{}, Listing: s.LmstatSource}
		taken, err := s.Lmstat.TakenTime(s.Location)
		if err != nil {
			taken = s.Now
		}
		for _, f := range s.Lmstat.Features {
			fr := CheckoutFeatureRecord{Feature: f.Name, Issued: f.Issued, InUse: f.InUse, Checkouts: []CheckoutRecord{}, Uncounted: f.Uncounted}
			for _, c := range f.Checkouts {
				start := c.Start
				if t, err := lmstat.StartTime(c.Start, taken, s.Location); err == nil {
					start = t.Format(time.RFC3339)
				}
				fr.Checkouts = append(fr.Checkouts, CheckoutRecord{User: c.User, Host: c.Host, Display: c.Display, Start: start, Licenses: c.Licenses})
			}
			rec.Features = append(rec.Features, fr)
		}
		return rec
	}
	rec := CheckoutsRecord{Source: InUseLog, Features: []CheckoutFeatureRecord{}}
	switch {
	case s.LmstatRefused != nil:
		rec.Listing, rec.Note = s.LmstatRefused.File, s.LmstatRefused.Error()
	case s.Lmstat != nil:
		rec.Listing, rec.Note = s.LmstatSource, "lmstat: "+s.LmstatDownReason()
	}
	if s.Usage == nil {
		return rec
	}
	for _, c := range s.Usage.Open {
		n := len(rec.Features)
		if n == 0 || !strings.EqualFold(rec.Features[n-1].Feature, c.Feature) {
			rec.Features = append(rec.Features, CheckoutFeatureRecord{Feature: c.Feature, Checkouts: []CheckoutRecord{}})
			n++
		}
		f := &rec.Features[n-1]
		f.InUse += c.Licenses
		f.Checkouts = append(f.Checkouts, CheckoutRecord{User: c.User, Host: c.Host, Start: c.Start.Format(time.RFC3339), Licenses: c.Licenses})
	}
	return rec
}
