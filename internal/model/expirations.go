package model

import (
	"sort"
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
)

// Urgency buckets a date against the clock.
type Urgency int

const (
	Expired   Urgency = iota // the date has passed
	Expiring                 // within the warning window (default 30 days)
	Upcoming                 // within 90 days
	Later                    // further out
	Permanent                // never ends
)

var urgencyNames = [...]string{"expired", "expiring", "upcoming", "later", "permanent"}

func (u Urgency) String() string { return urgencyNames[u] }

// UpcomingDays is the outer window the timeline highlights.
const UpcomingDays = 90

// What an expiration is about.
const (
	LicenceEnd = "licence" // the line's expiry date
	CSSEnd     = "css"     // its Customer Success Services (Subscription Advantage) date
)

// Expiration is one date on the timeline: a line's expiry or its CSS date.
type Expiration struct {
	Line      *licfile.Line
	What      string // LicenceEnd or CSSEnd
	Date      licfile.Date
	Permanent bool
	DaysLeft  int // negative once passed; 0 for permanent
	Urgency   Urgency
}

// Classify buckets date against today with a warning window of warnDays.
func Classify(date licfile.Date, permanent bool, today licfile.Date, warnDays int) (Urgency, int) {
	if permanent {
		return Permanent, 0
	}
	days := daysBetween(today, date)
	switch {
	case days < 0:
		return Expired, days
	case days <= warnDays:
		return Expiring, days
	case days <= UpcomingDays:
		return Upcoming, days
	}
	return Later, days
}

// daysBetween counts calendar days from a to b, independent of zones and DST.
func daysBetween(a, b licfile.Date) int {
	ta := a.In(time.UTC)
	tb := b.In(time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}

// Expirations puts every line's expiry and CSS date on one timeline, sorted
// by date (permanent last). The startup licence carries no expiry worth
// watching and is left out.
func Expirations(lines []*licfile.Line, now time.Time, warnDays int) []Expiration {
	today := licfile.DateOf(now)
	var out []Expiration
	for _, l := range lines {
		if l.IsStartup() {
			continue
		}
		u, days := Classify(l.Expires, l.Permanent, today, warnDays)
		out = append(out, Expiration{Line: l, What: LicenceEnd, Date: l.Expires, Permanent: l.Permanent, DaysLeft: days, Urgency: u})
		if !l.CSSDate.IsZero() {
			u, days := Classify(l.CSSDate, false, today, warnDays)
			out = append(out, Expiration{Line: l, What: CSSEnd, Date: l.CSSDate, DaysLeft: days, Urgency: u})
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		ea, eb := out[a], out[b]
		if ea.Permanent != eb.Permanent {
			return !ea.Permanent
		}
		if ea.Date != eb.Date {
			return ea.Date.Before(eb.Date)
		}
		return ea.What > eb.What // the licence end before the CSS end on one day
	})
	return out
}
