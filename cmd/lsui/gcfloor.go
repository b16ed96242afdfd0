package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// gcFloor is the heap a one-shot command grows to before its first
// collection. Under GOGC=100 a scan whose state only grows collects at 4,
// 8, 16 … MiB, each time marking all of it; above the floor garbage costs
// fresh pages instead, a fault each 4 KiB. At 64 MiB a build of 2,500 to
// 10,000 licence files, mostly garbage, was 1–3 % slower than under
// GOGC=100; at 32 MiB it is not, and usage and the 1M-identity build are as
// fast as at 64 (BENCHMARKS.md, 1 December, third session).
const gcFloor = 32 << 20

// collectFromFloor makes the collector no more eager than GOGC=100 and lazy
// below gcFloor: after each collection GOGC is set so that the next one
// comes at the larger of gcFloor and twice the live heap (GOGC=100's
// goal). So a command never collects more often than under GOGC=100, and
// its heap stays within max(gcFloor, GOGC=100's) — unlike a fixed "no
// collection up to N MiB", past which the collector runs almost without
// pause (payload build at 1M identities was 2.5× slower in CPU so). GOGC or
// GOMEMLIMIT in the environment win.
func collectFromFloor(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	retuneGC()
}

var liveHeap = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// retuneGC sets GOGC from the heap the last collection left, and runs
// again after the next collection while the floor still matters.
func retuneGC() {
	metrics.Read(liveHeap)
	live := uint64(0)
	if liveHeap[0].Value.Kind() == metrics.KindUint64 {
		live = liveHeap[0].Value.Uint64()
	}
	pct := gcPercentFor(live, gcFloor)
	debug.SetGCPercent(pct)
	if pct > 100 {
		// A finalizer runs once the collection after this one has found
		// the sentinel unreachable: the moment to look at the heap again.
		s := &gcSentinel{}
		runtime.SetFinalizer(s, func(*gcSentinel) { retuneGC() })
	}
}

// gcSentinel holds a pointer so it is never tiny-allocated (a finalizer on
// a tiny object may never run).
type gcSentinel struct{ _ *byte }

// minHeap is the runtime's smallest heap goal at GOGC=100 (4 MiB), which
// GOGC scales: a live heap below it is counted as it, so the first goal is
// about the floor too.
const minHeap = 4 << 20

// gcPercentFor is the GOGC whose next heap goal, live×(1+GOGC/100), is
// floor, and never below 100 (GOGC=100's goal, 2×live, once that is
// larger).
func gcPercentFor(live, floor uint64) int {
	live = max(live, minHeap)
	if 2*live >= floor {
		return 100
	}
	return int((floor - live) * 100 / live)
}
