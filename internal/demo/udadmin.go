package demo

import (
	"cmp"
	"slices"
	"strings"
)

// udadminAge is how stale udadmin says its data is: the listing reflects
// checkouts up to this long before the clock.
const udadminAge = 3 * minute

// leaseDays is the licence files' LP: an assignment lives this long after
// its last use, and udadmin lists it until then.
const leaseDays = 90

// udadminEntry is one assignment in a udadmin listing.
type udadminEntry struct {
	name    string
	feat    feature
	version string // the CSS date of the licence line the seat is taken from
	last    wall
}

// renderUdadmin writes what `udadmin -list -times` prints (DOMAIN.md §4) for
// the simulated months: every user/device assignment whose lease still runs
// at cutoff, with its last use as the debug logs show it, under the bare
// name (the server truncates domains). It adds what only udadmin knows: one
// device that never appears in the logs. thisMonth is the current month's
// first midnight.
func renderUdadmin(users, devices []udadminEntry) []byte {
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

// assignedPerFeature counts the assignments per feature name: what lmstat's
// "Total of M licenses in use" says for a user/device feature, as the
// server counts its assigned user/device licences in use.
func assignedPerFeature(users, devices []udadminEntry) map[string]int {
	out := map[string]int{}
	for _, list := range [][]udadminEntry{users, devices} {
		for _, e := range list {
			out[e.feat.String()]++
		}
	}
	return out
}

// udadminAssignments is the server's user/device assignment table at
// cutoff (see renderUdadmin), users and devices sorted by name.
func udadminAssignments(pop *population, dates licenceDates, months [][]event, thisMonth, cutoff wall) (users, devices []udadminEntry) {
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
	for who := range pop.ids {
		id := &pop.ids[who]
		for f := range numFeatures {
			if lastOut[who][f] == 0 || lastOut[who][f] <= cutoff-leaseDays*day {
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
	return users, devices
}

func writeUdadminEntry(b *strings.Builder, e udadminEntry) {
	b.WriteString(" " + e.name + " " + e.feat.String() + " " + e.version + " (")
	b.WriteString(e.last.civil().Format("Mon Jan 02 15:04:05 2006"))
	b.WriteString(")\n")
}
