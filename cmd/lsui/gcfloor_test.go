package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 1500},        // nothing live yet: the runtime's 4 MiB minimum, scaled to 60 MiB
		{2 * mib, 1500},  // the same
		{16 * mib, 300},  // next goal 16 + 48 = 64 MiB
		{31 * mib, 106},  // just under half the floor: still a little lazier than 100
		{32 * mib, 100},  // half the floor: GOGC=100's goal is the floor
		{500 * mib, 100}, // a large heap collects as GOGC=100 does
	} {
		if got := gcPercentFor(tt.live, gcFloor); got != tt.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", tt.live/mib, got, tt.want)
		}
		if got := gcPercentFor(tt.live, gcFloor); got < 100 {
			t.Errorf("gcPercentFor(%d MiB) = %d: more eager than GOGC=100", tt.live/mib, got)
		}
	}
}
