//go:build !linux

package usage

// hugePages is advice Linux takes (see hugepages_linux.go); elsewhere
// there is none to give.
func hugePages[T any](s []T) {}
