package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 700},         // nothing live yet: the runtime's 4 MiB minimum, scaled to 32 MiB
		{2 * mib, 700},   // the same
		{8 * mib, 300},   // next goal 8 + 24 = 32 MiB
		{15 * mib, 113},  // just under half the floor: still a little lazier than 100
		{16 * mib, 100},  // half the floor: GOGC=100's goal is the floor
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
