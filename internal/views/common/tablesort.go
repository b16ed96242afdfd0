package common

import (
	"cmp"
	"slices"
	"strings"
)

// sortRows sorts o, rows of items in ascending row order, by column c:
// the order slices.SortStableFunc gives with c's comparison, faster. The
// first sort of 100k identities by a time took 20–75 ms comparing rows
// (two loads from structs scattered over the report and a time.Compare per
// comparison, and the stable sort's merging); on keys computed once per
// row, ties broken by row so the unstable sort gives the stable order, it
// takes about 10 ms (issue 15 item 4).
func sortRows[T any](items []T, o []int32, c Col[T]) {
	switch {
	case c.Key != nil:
		keys := make([]rowKey[int64], len(o))
		for j, i := range o {
			keys[j] = rowKey[int64]{c.Key(items[i]), i}
		}
		slices.SortFunc(keys, func(a, b rowKey[int64]) int {
			if r := cmp.Compare(a.k, b.k); r != 0 {
				return r
			}
			if c.Compare != nil {
				if r := c.Compare(items[a.row], items[b.row]); r != 0 {
					return r
				}
			}
			return cmp.Compare(a.row, b.row)
		})
		for j := range keys {
			o[j] = keys[j].row
		}
	case c.Compare != nil:
		slices.SortStableFunc(o, func(a, b int32) int { return c.Compare(items[a], items[b]) })
	default:
		// The cell's text, case-folded once per row rather than twice per
		// comparison.
		keys := make([]rowKey[string], len(o))
		for j, i := range o {
			keys[j] = rowKey[string]{strings.ToLower(c.Text(items[i])), i}
		}
		slices.SortFunc(keys, func(a, b rowKey[string]) int {
			if r := cmp.Compare(a.k, b.k); r != 0 {
				return r
			}
			return cmp.Compare(a.row, b.row)
		})
		for j := range keys {
			o[j] = keys[j].row
		}
	}
}

type rowKey[K cmp.Ordered] struct {
	k   K
	row int32
}
