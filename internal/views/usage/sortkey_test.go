package usage

import (
	"slices"
	"testing"
	"time"

	modelusage "github.com/lsui/lsui/internal/model/usage"
)

// The keyed sorts must give exactly the order the stable sorts on the
// identities give, ties included (in a real month many identities share a
// last-seen second and most share a feature count), and zero times.
func TestSortByKeyIsTheStableOrder(t *testing.T) {
	r := randomReport(5000)
	ids := r.Identities
	// Ties on purpose: every tenth identity gets its neighbour's times, and
	// two get zero times (a report built by hand may have them).
	for i := 10; i < len(ids); i += 10 {
		ids[i].LastSeen, ids[i].FirstSeen = ids[i-1].LastSeen, ids[i-1].FirstSeen
	}
	ids[3].LastSeen, ids[4].FirstSeen = time.Time{}, time.Time{}
	ids[5].LastSeen = ids[6].LastSeen.Add(time.Nanosecond)
	want := map[SortMode]func(a, b modelusage.Identity) int{
		ByLastSeen:  func(a, b modelusage.Identity) int { return b.LastSeen.Compare(a.LastSeen) },
		ByFirstSeen: func(a, b modelusage.Identity) int { return a.FirstSeen.Compare(b.FirstSeen) },
		ByFeatures:  func(a, b modelusage.Identity) int { return len(b.Features) - len(a.Features) },
	}
	x := newIndex(r)
	for mode, cmp := range want {
		o := make([]int32, len(ids))
		for i := range o {
			o[i] = int32(i)
		}
		slices.SortStableFunc(o, func(a, b int32) int { return cmp(ids[a], ids[b]) })
		if got := x.order(mode); !slices.Equal(got, o) {
			t.Errorf("%s: the keyed order differs from the stable sort's", mode)
		}
	}
}
