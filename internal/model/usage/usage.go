// Package usage reads who used a licence (DOMAIN.md §4): FlexNet debug logs
// and udadmin listings, merged into one calendar month's distinct identities.
package usage

import "time"

// Kind tells users from devices. udadmin's "Devices:" section lists devices;
// every other identity is a user.
type Kind int

const (
	User Kind = iota
	Device
)

func (k Kind) String() string {
	if k == Device {
		return "device"
	}
	return "user"
}

// Month is one calendar month in a zone: [Start, End).
type Month struct {
	Start, End time.Time
}

// MonthOf is the calendar month holding t, in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	t = t.In(loc)
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return Month{Start: start, End: start.AddDate(0, 1, 0)}
}

// Contains reports Start <= t < End.
func (m Month) Contains(t time.Time) bool { return !t.Before(m.Start) && t.Before(m.End) }

// String is YYYY-MM.
func (m Month) String() string { return m.Start.Format("2006-01") }

// Next and Prev step a month.
func (m Month) Next() Month { return MonthOf(m.End, m.Start.Location()) }
func (m Month) Prev() Month { return MonthOf(m.Start.AddDate(0, 0, -1), m.Start.Location()) }

// Days is the number of days in the month.
func (m Month) Days() int { return m.End.AddDate(0, 0, -1).Day() }

// Identity is one distinct user or device seen in the month.
type Identity struct {
	Name      string // first spelling seen: the user part, its domain removed unless domains are kept
	Key       string // the comparison form (ident's fold of Name): what two spellings share
	Kind      Kind
	Features  []string // sorted, distinct, each as first spelled (features compare case-insensitively)
	Via       []string // hosts (controllers) the log's checkouts came through, sorted; none for udadmin
	FirstSeen time.Time
	LastSeen  time.Time
}

// LastUse is an identity's latest use of one feature in everything read,
// whatever the month: what a user/device lease runs from (DOMAIN.md §4.4).
type LastUse struct {
	Feature  string // as first spelled
	Key      string // Identity.Key of its identity
	Kind     Kind
	Last     time.Time
	Assigned bool // listed by udadmin: assigned now, the authoritative answer
}

// Connection is product components checking out licences in the month: the
// start-up licence CITRIX, or a machine account (DDC01$). Not usage.
type Connection struct {
	Feature   string
	Host      string // the host of user@host; "" for a udadmin row
	Checkouts int
}

// FeatureCount is the distinct identities holding one feature in the month.
type FeatureCount struct {
	Feature string
	Users   int
	Devices int
}

// Day is the distinct identities seen on one day of the month.
type Day struct {
	Date    time.Time // midnight, in the month's zone
	Users   int
	Devices int
}

// Report is one month's usage.
type Report struct {
	Month    Month
	Features []FeatureCount // sorted by feature
	// Identities are sorted by case-folded name; nil in a report read with
	// IdentitiesOnDemand (IdentityCount, IdentityAt and AllIdentities
	// serve every report).
	Identities []Identity
	Days       []Day // one per day of the month, in order
	Denied     int   // DENIED lines in the month (not usage)
	// Unsupported is UNSUPPORTED lines in the month: checkouts of a feature
	// the server does not serve. Not usage.
	Unsupported int
	Undated     int // checkout events before any date in their log, skipped
	Skipped     int // log lines over MaxLineLen, skipped
	Malformed   int // checkout lines without feature or identity
	Restarts    int // server (re)starts seen in the logs
	// Version is the FlexNet/licence-server version seen in a start line, "" if none.
	Version string
	Sources []string // files read, for the record

	// LogsFrom is the earliest dated checkout event in the logs, zero when
	// none: how far back a lease look-back could see.
	LogsFrom time.Time
	// Udadmin says a udadmin listing was read: its rows (LastUse.Assigned)
	// are the user/device licences assigned now.
	Udadmin bool
	// LastUses are sorted by feature, then key; nil in a report read with
	// IdentitiesOnDemand (AllLastUses serves every report).
	LastUses    []LastUse
	Connections []Connection // sorted by feature, then host
	Open        []Checkout   // open at the end of the logs, sorted by feature, start
	Peaks       []Peak       // licences checked out at once, per feature, sorted

	store *identityStore // Identities and LastUses, made on demand
}
