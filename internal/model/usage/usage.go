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
	Name      string // first spelling seen
	Kind      Kind
	Features  []string // sorted, distinct
	FirstSeen time.Time
	LastSeen  time.Time
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
	Month      Month
	Features   []FeatureCount // sorted by feature
	Identities []Identity     // sorted by case-folded name
	Days       []Day          // one per day of the month, in order
	Denied     int            // DENIED lines in the month (not usage)
	Undated    int            // log lines before any date, skipped
	Skipped    int            // log lines over MaxLineLen, skipped
	Malformed  int            // OUT/IN/DENIED log lines without feature or identity
	// Version is the FlexNet/licence-server version seen in a start line, "" if none.
	Version string
	Sources []string // files read, for the record
}
