package common

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

type sortRow struct {
	at   time.Time
	n    int
	name string
}

// sortRows must give exactly the stable sort's order for every kind of
// column: a key with a finer Compare behind it (times to the nanosecond,
// keyed by the second), a key alone, a Compare alone and the text
// default; with many ties, as a real month has (a shared last-seen second,
// most identities on one or two features) and zero times.
func TestSortRowsIsTheStableOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 15))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	items := make([]sortRow, 3000)
	for i := range items {
		items[i] = sortRow{
			at:   base.Add(time.Duration(rng.IntN(500))*time.Second + time.Duration(rng.IntN(3))*time.Nanosecond),
			n:    rng.IntN(4),
			name: []string{"alice", "Bob", "bob", "ÅSA", "carol", "Carol"}[rng.IntN(6)] + fmt.Sprint(rng.IntN(20)),
		}
	}
	items[7].at, items[8].at = time.Time{}, time.Time{}
	cols := []Col[sortRow]{
		{Title: "AT", Compare: func(a, b sortRow) int { return a.at.Compare(b.at) }, Key: func(r sortRow) int64 { return r.at.Unix() }},
		{Title: "N", Compare: func(a, b sortRow) int { return a.n - b.n }, Key: func(r sortRow) int64 { return int64(r.n) }},
		{Title: "N (key only)", Key: func(r sortRow) int64 { return int64(r.n) }},
		{Title: "AT (compare only)", Compare: func(a, b sortRow) int { return a.at.Compare(b.at) }},
		{Title: "NAME", Text: func(r sortRow) string { return r.name }},
	}
	for _, c := range cols {
		want := make([]int32, len(items))
		for i := range want {
			want[i] = int32(i)
		}
		got := slices.Clone(want)
		ref := c.Compare
		switch {
		case c.Title == "N (key only)":
			ref = func(a, b sortRow) int { return cmp.Compare(a.n, b.n) }
		case ref == nil:
			ref = func(a, b sortRow) int { return cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) }
		}
		slices.SortStableFunc(want, func(a, b int32) int { return ref(items[a], items[b]) })
		sortRows(items, got, c)
		if !slices.Equal(got, want) {
			t.Errorf("%s: sortRows differs from the stable sort", c.Title)
		}
	}
}
