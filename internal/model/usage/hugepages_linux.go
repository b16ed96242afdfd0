package usage

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size Linux backs a transparent huge page with on the
// machines lsui runs on (x86-64, and arm64 with 4 KiB pages).
const hugePage = 2 << 20

// hugeTable is make([]T, n) for a table looked up at random, backed by
// huge pages where Linux gives them: Debian's default ("madvise") gives them
// only to memory that asks. On 4 KiB pages a random lookup in a table of
// megabytes is a TLB miss, and every 4 KiB first written a page fault; at
// 100k identities the spelling table is 16 MiB and the key indexes' slots 2
// MiB each (pinned usage at 100k identities 336 → 323 ms for the spelling
// table alone; BENCHMARKS.md). A table of 2 MiB or more is allocated one huge page longer and
// starts at a huge page's boundary, so all of it can be one; the rest of
// that allocation is never written, so never made resident. T must hold no
// pointer: the slice starts inside its allocation. Advice only: where the
// kernel says no, nothing changes.
func hugeTable[T any](n int) []T {
	var zero T
	size := uintptr(n) * unsafe.Sizeof(zero)
	if size < hugePage || unsafe.Sizeof(zero) == 0 {
		return make([]T, n)
	}
	pad := int((hugePage + unsafe.Sizeof(zero) - 1) / unsafe.Sizeof(zero))
	s := make([]T, n+pad)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	skip := int(((base+hugePage-1)&^(hugePage-1) - base) / unsafe.Sizeof(zero))
	if (base+uintptr(skip)*unsafe.Sizeof(zero))%hugePage != 0 {
		skip = 0 // T's size does not divide the way to the boundary: the interior only
	}
	s = s[skip : skip+n : skip+n]
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	from, to := (start+hugePage-1)&^(hugePage-1), (start+size)&^(hugePage-1)
	if to > from {
		_ = unix.Madvise(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), from-start)), to-from), unix.MADV_HUGEPAGE)
	}
	return s
}
