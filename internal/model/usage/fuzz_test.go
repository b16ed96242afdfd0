package usage

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func addFileSeeds(f *testing.F, paths ...string) {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzScanLog: no input panics the scanner or the builder, and what comes out
// is consistent with what went in.
func FuzzScanLog(f *testing.F) {
	addFileSeeds(f, "testdata/lmgrd.log", "testdata/lmgrd-restart.log")
	f.Add([]byte(" 0:30:00 (lmgrd) TIMESTAMP 11/1/2026\n 1:59:59 (C) OUT: \"A\" a\n 1:00:05 (C) OUT: \"A\" b\n 0:15:00 (C) IN: \"A\" b\n"))
	f.Add([]byte(" 0:00:00 (lmgrd) TIMESTAMP 3/8/2026\r\n 2:30:00 (C) OUT: A b\r\n"))
	f.Add([]byte("1:2:3 (x) FlexNet Licensing (v) started on h (1/1/0)\n23:59:59 (x) started on (12/31/9999)\n 0:00:00 (x) OUT: \"\xff\" \xc3\n"))
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var events []Event
		stats, err := ScanLog(bytes.NewReader(data), loc, func(e Event) { events = append(events, e) })
		if err != nil {
			t.Fatalf("ScanLog on a bytes.Reader: %v", err)
		}
		if stats.Undated+stats.Skipped+stats.Malformed+len(events) > stats.Lines {
			t.Fatalf("stats %+v do not fit in %d lines with %d events", stats, stats.Lines, len(events))
		}
		last := 0
		for _, e := range events {
			restart := e.Restart() && e.Feature == "" && e.Identity == ""
			event := e.Feature != "" && (e.Identity != "" || e.Op == Unsupported) && e.Op >= Out && e.Op <= Unsupported && e.Licenses > 0
			if !(restart || event) || e.Line <= last || e.Line > stats.Lines {
				t.Fatalf("bad event %+v after line %d of %d", e, last, stats.Lines)
			}
			last = e.Line
		}
		if len(events) == 0 {
			return
		}
		b := NewBuilder(MonthOf(events[0].Time, loc))
		for _, e := range events {
			b.AddEvent(e)
		}
		b.AddStats(stats)
		rep := b.Report()
		perFeature := 0
		for _, fc := range rep.Features {
			perFeature += fc.Users + fc.Devices
		}
		perIdentity := 0
		for _, id := range rep.Identities {
			perIdentity += len(id.Features)
			if id.FirstSeen.After(id.LastSeen) || !rep.Month.Contains(id.FirstSeen) || !rep.Month.Contains(id.LastSeen) {
				t.Fatalf("identity %+v outside month %s", id, rep.Month)
			}
		}
		if perFeature != perIdentity {
			t.Fatalf("features count %d identity-features, identities %d", perFeature, perIdentity)
		}

		// ReadMonth's path (the builder as the scan's sink) must agree with AddEvent.
		direct := NewBuilder(rep.Month)
		stats2, _ := scanLog(bytes.NewReader(data), loc, builderOps, direct)
		direct.AddStats(stats2)
		if a, b := strings.Join(reportLines(rep), "\n"), strings.Join(reportLines(direct.Report()), "\n"); a != b {
			t.Fatalf("AddEvent and the sink path differ:\n%s\n---\n%s", a, b)
		}
	})
}

// FuzzParseUdadmin: no input panics the parser; every row returned is whole
// and every problem names its line.
func FuzzParseUdadmin(f *testing.F) {
	addFileSeeds(f, "testdata/udadmin.txt")
	f.Add([]byte("Users:\n a b c ()\n a b c (Mon)\n (x y z) b c (Mon Nov 02 08:14:51 2026)\nDevices:\n d e f (2026-11-02 08:14:51)\n"))
	f.Add([]byte("Users:\n a b c (Mon Nov 31 08:14:51 2026)\n a b c (Xyz Dec 1 0:0:0 1)\n a b c (Mon Feb 29 23:59:59 9999)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		as, errs := ParseUdadmin(bytes.NewReader(data), "udadmin", time.UTC)
		for _, a := range as {
			if a.Identity == "" || a.Feature == "" || a.Version == "" || a.LastUse.IsZero() || a.Line < 1 {
				t.Fatalf("incomplete assignment %+v", a)
			}
		}
		last := 0
		for _, err := range errs {
			var le *LineError
			if !errors.As(err, &le) || le.Line <= last {
				t.Fatalf("error %v is not a *LineError after line %d", err, last)
			}
			last = le.Line
		}
	})
}
