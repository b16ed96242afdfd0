//go:build !linux

package usage

// hugeTable is make([]T, n): huge pages are advice Linux takes (see
// hugepages_linux.go); elsewhere there is none to give.
func hugeTable[T any](n int) []T { return make([]T, n) }
