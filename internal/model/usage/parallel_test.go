package usage

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"
)

// reportBoth scans data once on one core and once split into ranges, and
// returns both reports.
func reportBoth(t testing.TB, data []byte, m Month, loc *time.Location) (serial, split *Report, sStats, pStats LogStats) {
	saved := parallelMinSize
	defer func() { parallelMinSize = saved }()
	prev := runtime.GOMAXPROCS(5) // five ranges, whatever the machine
	defer runtime.GOMAXPROCS(prev)

	parallelMinSize = 1 << 62
	b1 := NewBuilder(m)
	sStats, err1 := b1.scanParallel(bytes.NewReader(data), int64(len(data)), loc)
	parallelMinSize = 0
	b2 := NewBuilder(m)
	pStats, err2 := b2.scanParallel(bytes.NewReader(data), int64(len(data)), loc)
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("serial error %v, split error %v", err1, err2)
	}
	return b1.Report(), b2.Report(), sStats, pStats
}

// TestSplitScanEqualsSerial: the split scan must give exactly the serial
// scan's report, on the fixtures (restarts, rollovers, CRLF, undated lines)
// and on a generated month.
func TestSplitScanEqualsSerial(t *testing.T) {
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	inputs := map[string][]byte{"generated": generateLog(20000, 300)}
	for _, name := range []string{"lmgrd.log", "lmgrd-restart.log", "../../testdata/realshapes/LS/lmgrd_debug.log"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		inputs[name] = data
		// A copy with few date lines, so ranges find none of their own.
		inputs[name+" (no TIMESTAMP)"] = bytes.ReplaceAll(data, []byte("TIMESTAMP"), []byte("NOTASTAMP"))
	}
	for name, data := range inputs {
		for _, m := range []Month{nov, nov.Prev()} {
			serial, split, s1, s2 := reportBoth(t, data, m, time.UTC)
			if !reflect.DeepEqual(serial, split) {
				t.Errorf("%s, %s: split scan differs from the serial one\nserial %+v\nsplit  %+v", name, m, serial, split)
			}
			if s1.Lines != s2.Lines || s1.Undated != s2.Undated || s1.Skipped != s2.Skipped || s1.Malformed != s2.Malformed || s1.Version != s2.Version {
				t.Errorf("%s, %s: stats differ: serial %+v, split %+v", name, m, s1, s2)
			}
			checkBadLines(t, data, s1, s2)
		}
	}
}

func FuzzSplitScan(f *testing.F) {
	for _, name := range []string{"testdata/lmgrd.log", "testdata/lmgrd-restart.log", "../testdata/realshapes/LS/lmgrd_debug.log"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(" 8:00:00 (lmgrd) TIMESTAMP 11/2/2026\n23:00:00 (CITRIX) OUT: \"F\" a\n 1:00:00 (CITRIX) OUT: \"F\" b\n"))
	// Open checkouts across ranges: closed in a later range, by a restart, in other case.
	f.Add([]byte(" 8:00:00 (lmgrd) TIMESTAMP 11/2/2026\n 9:00:00 (C) OUT: \"A_B_CCU\" a@h (3 licenses)\n 8:00:00 (lmgrd) TIMESTAMP 11/3/2026\n 9:00:00 (C) IN: \"a_b_ccu\" A@H (2 licenses)\n 8:00:00 (lmgrd) TIMESTAMP 11/4/2026\n 8:30:00 (C) OUT: \"A_B_CCU\" b@h\n 9:00:00 (lmgrd) FlexNet Licensing (v1) started on h (x) (11/4/2026)\n 9:30:00 (C) OUT: \"A_B_CCU\" c@h\n"))
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		serial, split, s1, s2 := reportBoth(t, data, nov, time.UTC)
		if !reflect.DeepEqual(serial, split) {
			t.Fatalf("split scan differs\nserial %+v\nsplit  %+v", serial, split)
		}
		if s1.Lines != s2.Lines || s1.Undated != s2.Undated || s1.Malformed != s2.Malformed {
			t.Fatalf("stats differ: serial %+v, split %+v", s1, s2)
		}
		checkBadLines(t, data, s1, s2)
	})
}

// checkBadLines holds the bad lines both scans of data noted to each other
// and to the counts: the same lines by number, increasing, within the log,
// and with the summary as many as Skipped and Malformed.
func checkBadLines(t testing.TB, data []byte, serial, split LogStats) {
	t.Helper()
	e1, err1 := serial.bad.lineErrors(bytes.NewReader(data), "log")
	e2, err2 := split.bad.lineErrors(bytes.NewReader(data), "log")
	if err1 != nil || err2 != nil || !slices.Equal(errorStrings(e1), errorStrings(e2)) {
		t.Fatalf("bad lines differ: serial %q (%v), split %q (%v)", errorStrings(e1), err1, errorStrings(e2), err2)
	}
	listed, last := 0, 0
	for _, e := range e1 {
		var le *LineError
		if !errors.As(e, &le) {
			continue
		}
		if listed++; le.Line <= last || le.Line > serial.Lines {
			t.Fatalf("bad line %v after line %d of %d", e, last, serial.Lines)
		}
		last = le.Line
	}
	more := 0
	if serial.bad != nil {
		more = serial.bad.more
	}
	if listed > maxBadLines || listed+more != serial.Skipped+serial.Malformed {
		t.Fatalf("%d bad lines listed and %d more; stats %+v", listed, more, serial)
	}
}
