package demo

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// udadminAge is how stale udadmin says its data is: the listing reflects
// checkouts up to this long before the clock.
const udadminAge = 3 * minute

// udadminEntry is one assignment in a udadmin listing.
type udadminEntry struct {
	name    string
	feat    feature
	version string // the CSS date of the licence line the seat is taken from
	last    wall
}

// renderUdadmin writes what `udadmin -list -times` prints (DOMAIN.md §4) for
// the simulated months: every user/device assignment with its last use, as
// the debug logs show it up to cutoff. It adds what only udadmin knows: users
// whose 90-day lease is still running from before the logs, and one device
// that never appears in them. lastMonth and thisMonth are the months' first
// midnights.
func renderUdadmin(pop *population, dates licenceDates, months [][]event, lastMonth, thisMonth, cutoff wall) []byte {
	lastOut := make([][numFeatures]wall, len(pop.ids))
	for _, events := range months {
		for _, e := range events {
			if e.at > cutoff {
				break
			}
			if e.kind == checkout && e.who >= 0 && e.feat.userDevice() {
				lastOut[e.who][e.feat] = max(lastOut[e.who][e.feat], e.at)
			}
		}
	}

	version := func(id *identity, f feature) string {
		switch {
		case f == xdtAdvUD:
			return dates.Eval.CSS.Version()
		case id.cspSeat:
			return dates.CSP.CSS.Version()
		}
		return dates.Retail.CSS.Version()
	}
	var users, devices []udadminEntry
	for who := range pop.ids {
		id := &pop.ids[who]
		for f := range numFeatures {
			if lastOut[who][f] == 0 {
				continue
			}
			e := udadminEntry{name: id.name, feat: f, version: version(id, f), last: lastOut[who][f]}
			if id.kind == device {
				devices = append(devices, e)
			} else {
				users = append(users, e)
			}
		}
	}
	retail := dates.Retail.CSS.Version()
	for i, name := range pop.departed {
		last := lastMonth - wall((5+9*i)*day)
		// People leave on a working day.
		switch last.civil().Weekday() {
		case time.Saturday:
			last -= day
		case time.Sunday:
			last -= 2 * day
		}
		last += wall(9*hour + 41*minute + i*(2*hour+17*minute+13))
		users = append(users, udadminEntry{name: name, feat: xdtPltUD, version: retail, last: last})
	}
	// The spare laptop was used once, halfway through the month so far;
	// in the first hours of the 1st that falls on the previous day.
	spare := thisMonth + (cutoff-thisMonth)/day/2*day + wall(10*hour+21*minute+7)
	if spare > cutoff {
		spare = thisMonth - day + wall(10*hour+21*minute+7)
	}
	devices = append(devices, udadminEntry{name: pop.spareDevice, feat: xdtPltUD, version: retail, last: spare})

	byName := func(a, b udadminEntry) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.name, b.name), cmp.Compare(a.feat, b.feat))
	}
	slices.SortFunc(users, byName)
	slices.SortFunc(devices, byName)

	var b strings.Builder
	b.WriteString("Usage data is 3 minutes old. Next update in 12 minutes.\n")
	b.WriteString("Users:\n")
	for _, e := range users {
		writeUdadminEntry(&b, e)
	}
	b.WriteString("Devices:\n")
	for _, e := range devices {
		writeUdadminEntry(&b, e)
	}
	return []byte(b.String())
}

func writeUdadminEntry(b *strings.Builder, e udadminEntry) {
	b.WriteString(" " + e.name + " " + e.feat.String() + " " + e.version + " (")
	b.WriteString(e.last.civil().Format("Mon Jan 02 15:04:05 2006"))
	b.WriteString(")\n")
}
