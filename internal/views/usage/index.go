package usage

import (
	"strings"
	"unicode/utf8"

	modelusage "github.com/lsui/lsui/internal/model/usage"
)

// SortMode orders the identity list.
type SortMode int

const (
	ByName      SortMode = iota // the report's order: case-folded name
	ByLastSeen                  // most recent first
	ByFirstSeen                 // earliest first
	ByFeatures                  // most features first
	numSortModes
)

var sortNames = [numSortModes]string{"name", "last seen", "first seen", "features"}

func (s SortMode) String() string { return sortNames[s] }

// index is the identity list's state over one report: a cached order per
// sort mode and the filtered rows of the current view. Rows are int32
// indexes into Report.Identities; the list draws only the window it shows,
// so 100k identities cost what 40 do, except for the filter scan, which
// narrows the previous result while the query only grows.
type index struct {
	report *modelusage.Report
	orders [numSortModes][]int32 // built on first use; ByName is the identity order

	sort   SortMode
	kind   modelusage.Kind
	query  string // lower-cased
	rows   []int32
	counts [2]int // identities per kind
}

func newIndex(r *modelusage.Report) *index {
	x := &index{report: r}
	for i := range r.Identities {
		x.counts[r.Identities[i].Kind]++
	}
	x.rebuild()
	return x
}

func (x *index) order(s SortMode) []int32 {
	if x.orders[s] != nil {
		return x.orders[s]
	}
	ids := x.report.Identities
	o := make([]int32, len(ids))
	for i := range o {
		o[i] = int32(i)
	}
	switch s {
	case ByLastSeen:
		sortByKey(o, func(i int32) sortKey { return timeKey(ids[i].LastSeen, true) })
	case ByFirstSeen:
		sortByKey(o, func(i int32) sortKey { return timeKey(ids[i].FirstSeen, false) })
	case ByFeatures:
		sortByKey(o, func(i int32) sortKey { return sortKey{s: -int64(len(ids[i].Features))} })
	}
	x.orders[s] = o
	return o
}

// rebuild filters the whole order again.
func (x *index) rebuild() {
	x.rows = x.filter(x.order(x.sort), x.rows[:0])
}

// filter appends the members of from that match the kind and query.
func (x *index) filter(from []int32, dst []int32) []int32 {
	ids := x.report.Identities
	for _, i := range from {
		if ids[i].Kind == x.kind && containsFold(ids[i].Name, x.query) {
			dst = append(dst, i)
		}
	}
	return dst
}

// SetQuery filters by a case-insensitive substring. A query that contains
// the previous one can only match fewer rows, so only those are scanned.
func (x *index) SetQuery(q string) {
	q = strings.ToLower(q)
	if q == x.query {
		return
	}
	narrower := strings.Contains(q, x.query)
	x.query = q
	if narrower {
		// Filtering in place is safe: the write index never passes the read one.
		x.rows = x.filter(x.rows, x.rows[:0])
		return
	}
	x.rows = x.filter(x.order(x.sort), make([]int32, 0, len(x.rows)))
}

func (x *index) SetSort(s SortMode) {
	x.sort = s
	x.rows = x.filter(x.order(s), make([]int32, 0, len(x.rows)))
}

func (x *index) SetKind(k modelusage.Kind) {
	x.kind = k
	x.rows = x.filter(x.order(x.sort), make([]int32, 0, len(x.rows)))
}

// containsFold reports whether s contains the lower-cased q, ignoring case.
// ASCII names, nearly all of them, are compared without allocating.
func containsFold(s, q string) bool {
	if q == "" {
		return true
	}
	if !isASCII(s) || !isASCII(q) {
		return strings.Contains(strings.ToLower(s), q)
	}
	n := len(q)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n && lowerASCII(s[i+j]) == q[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
