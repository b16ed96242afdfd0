// Package licfile parses FlexNet licence files as Citrix ships them
// (DOMAIN.md §2): continuation lines, quoted values, CRLF, BOM, keywords in
// any case. A malformed line becomes a ParseError; the rest still loads.
//
// Decisions where FlexNet or Citrix leave room (see parse.go for details):
//   - SERVER, VENDOR (and its old name DAEMON), USE_SERVER, INCREMENT and
//     FEATURE are modelled. PACKAGE, UPGRADE and FEATURESET are real FlexNet
//     lines lsui has no use for: they are kept in File.Other, no error. Any
//     other first word is a ParseError, so a typo such as "INCRMENT" (which
//     the licence server would also reject) is visible.
//   - A line whose feature, vendor, version, expiry or count is unusable is
//     reported and not loaded. A bad optional value (GP, LP, ODP, SA in
//     VENDOR_STRING; ISSUED, START dates) is reported and the line is still
//     loaded with that field left zero, so one typo does not hide a licence.
//   - An unterminated quote ends with its logical line (it never swallows
//     the lines after it); that line is reported and not loaded.
//   - A trailing "\" followed by a line that starts in column 0 with a
//     keyword is reported as dangling; both lines load on their own.
//   - XDS/XDT twins: see entitle.go for the pairing key.
package licfile

import (
	"fmt"
	"strings"
	"time"
)

// File is one parsed .lic file.
type File struct {
	// Name is the file's path as the caller gave it (the model passes the
	// path relative to the licensing root, with forward slashes).
	Name      string
	Size      int64
	Servers   []Server
	Vendors   []string // VENDOR names in file order
	UseServer bool     // a USE_SERVER line is present
	Lines     []*Line  // INCREMENT and FEATURE lines in file order
	// Other holds PACKAGE, UPGRADE and FEATURESET lines: valid FlexNet that
	// lsui does not interpret, kept so a listing can still mention them.
	Other  []OtherLine
	Errors []ParseError
}

// OtherLine is a valid FlexNet line lsui does not interpret.
type OtherLine struct {
	Keyword string   // upper-cased, e.g. "PACKAGE"
	LineNo  int      // 1-based physical line where it starts
	Args    []string // the words after the keyword, quotes removed
}

// Server is a SERVER line: "SERVER host hostid [port]".
type Server struct {
	Host   string // first token, may be "this_host"
	HostID string // second token, e.g. HOSTNAME=ctxlic01.corp.example
	Port   string // third word when numeric, or PORT=n; "" means the default 27000
	LineNo int
	Fields []KV // KEY=value words after the host id (and bare words such as PRIMARY_IS_MASTER, value "")
}

// HostName is the most specific name the SERVER line gives: the value of a
// HOSTNAME= host id when there is one, else the host token unless it is the
// placeholder "this_host".
func (s Server) HostName() string {
	if k, v, ok := strings.Cut(s.HostID, "="); ok && strings.EqualFold(k, "HOSTNAME") && v != "" {
		return v
	}
	if strings.EqualFold(s.Host, "this_host") {
		return ""
	}
	return s.Host
}

// KV is one KEY=value pair, in file order. Key keeps its spelling; compare it
// with strings.EqualFold.
type KV struct {
	Key, Value string
}

// Line is one INCREMENT or FEATURE line.
type Line struct {
	File    string // File.Name
	LineNo  int    // 1-based number of the physical line where it starts
	Keyword string // "INCREMENT" or "FEATURE", upper-cased

	Feature string // e.g. XDT_PLT_UD
	Vendor  string // e.g. CITRIX
	Version string // raw, e.g. 2025.0630
	// CSSDate is the Subscription Advantage / Customer Success Services date
	// from Version (YYYY.MMDD), zero when Version is not of that form.
	CSSDate Date

	Expires   Date // zero when Permanent
	Permanent bool // "permanent" or a year-0 date

	Count     int  // 0 when Uncounted
	Uncounted bool // count was 0 or "uncounted"

	Name FeatureName // Feature decoded

	// Fields is every word after the count, in order, unknown keys kept. A
	// bare word (FlexNet has some, e.g. SUPERSEDE) has Value "".
	Fields       []KV
	VendorString []KV // VENDOR_STRING decoded (unknown keys kept)

	LicenseType string // LT from VENDOR_STRING, as written (e.g. Retail, CSP)
	GraceHours  int    // GP, 0 when absent
	Editions    []string
	SA          bool
	LeaseDays   int // LP
	ODP         int // overdraft percent
	Issued      Date
	Start       Date
	Notice      string
	Serial      string // SN
	HostID      string
	DupGroup    string

	// Twin is the other half of an XDS/XDT pair (see PairTwins), nil when
	// the line has none. Parse pairs the lines of one file; a caller that
	// merges several files calls PairTwins on the merged set.
	Twin *Line
}

// Overdraft is floor(count × ODP / 100); uncounted lines have none.
func (l *Line) Overdraft() int {
	if l.Uncounted || l.ODP <= 0 || l.Count <= 0 {
		return 0
	}
	// int64 so that a 32-bit build cannot overflow: Parse caps both
	// numbers at MaxInt32.
	return int(int64(l.Count) * int64(l.ODP) / 100)
}

// IsStartup reports the startup licence (feature CITRIX, or LT=SYS).
func (l *Line) IsStartup() bool {
	return strings.EqualFold(l.Feature, StartupFeature) || strings.EqualFold(l.LicenseType, "SYS")
}

// Field returns the value of KEY=value (case-insensitive key) and whether it was present.
func (l *Line) Field(key string) (string, bool) {
	for _, kv := range l.Fields {
		if strings.EqualFold(kv.Key, key) {
			return kv.Value, true
		}
	}
	return "", false
}

// VendorField returns the value of a VENDOR_STRING key (case-insensitive)
// and whether it was present.
func (l *Line) VendorField(key string) (string, bool) {
	for _, kv := range l.VendorString {
		if strings.EqualFold(kv.Key, key) {
			return kv.Value, true
		}
	}
	return "", false
}

// Pos is "file:line", as errors and listings show it.
func (l *Line) Pos() string { return fmt.Sprintf("%s:%d", l.File, l.LineNo) }

// ParseError is a malformed line: the file, the 1-based line where the
// logical line starts, and why.
type ParseError struct {
	File    string
	Line    int
	Message string
}

func (e ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message) }

// Date is a calendar date with no time of day or zone, as licence files
// write them. The zero Date means "none".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports the absent date.
func (d Date) IsZero() bool { return d == Date{} }

// String is YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// FlexNet is d as licence files write it, e.g. "30-jun-2024"; "" for the
// zero Date (write "permanent" or "1-jan-0" yourself where that is meant).
func (d Date) FlexNet() string {
	if d.IsZero() {
		return ""
	}
	if d.Month < time.January || d.Month > time.December {
		return fmt.Sprintf("%d-%d-%04d", d.Day, int(d.Month), d.Year)
	}
	return fmt.Sprintf("%d-%s-%04d", d.Day, monthAbbrev[d.Month-1], d.Year)
}

// In is midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports d < o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// DateOf is the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// FeatureName is a feature decoded as PRODUCT_EDITION_MODEL. Unknown parts
// keep their raw code as their display name.
type FeatureName struct {
	ProductCode string // XDT (a TP suffix is removed and TechPreview set)
	EditionCode string // PLT
	ModelCode   string // UD
	Product     string // display name, e.g. "Citrix Virtual Apps and Desktops"
	Edition     string // e.g. "Premium"
	Model       string // e.g. "User/Device"
	TechPreview bool
}
