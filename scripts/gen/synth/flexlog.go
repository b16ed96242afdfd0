package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// LogStart is when a generated debug log begins; it spans LogDays days, so a
// log generated for the suite covers all of November 2026 and parts of the
// months either side (the scan still has to read every line).
var LogStart = time.Date(2026, 10, 20, 6, 0, 0, 0, time.UTC)

// LogDays is the span of a generated debug log.
const LogDays = 60

var logFeatures = []string{"XDT_PLT_UD", "XDT_ENT_UD", "MPS_ADV_CCU", "XDS_PLT_UD", "CXS_STD_CCS", "PVS_PLT_CCU"}

// LogUser is the identity of user u as the debug log spells it: one in seven
// in a second spelling, so case-insensitive matching is exercised.
func LogUser(u int) string {
	if u%7 == 0 {
		return fmt.Sprintf("User%05d@CORP.example", u)
	}
	return fmt.Sprintf("user%05d@corp.example", u)
}

// WriteFlexLog writes a FlexNet debug log of events checkout attempts by
// users identities over LogDays days from LogStart: a server start line
// carrying the date, a TIMESTAMP on half the days (the other half rely on
// the midnight rollover rule), and per event an OUT with its IN (94%), a
// DENIED (2%) or UNSUPPORTED noise (4%). Its logic is a copy of
// generateLog in internal/model/usage/bench_test.go, streamed and without
// fmt on the hot path so a 1M-event log (about 100 MB) takes seconds.
func WriteFlexLog(w io.Writer, events, users int) error {
	if events <= 0 || users <= 0 {
		return fmt.Errorf("flex log: want events and users > 0, got %d and %d", events, users)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	bw := bufio.NewWriterSize(w, 1<<20)
	start := LogStart
	fmt.Fprintf(bw, "%2d:%02d:%02d (lmgrd) FlexNet Licensing (v11.19.8.0 build 123456 x64_n6) started on ctxlic01 (IBM PC) (%d/%d/%d)\n",
		start.Hour(), start.Minute(), start.Second(), start.Month(), start.Day(), start.Year())
	names := make([]string, users)
	for u := range names {
		names[u] = LogUser(u)
	}
	step := LogDays * 24 * time.Hour / time.Duration(events)
	t := start
	day := t.YearDay()
	var line []byte
	for i := 0; i < events; i++ {
		t = t.Add(step)
		if t.YearDay() != day && rng.IntN(2) == 0 {
			fmt.Fprintf(bw, "%2d:%02d:%02d (lmgrd) TIMESTAMP %d/%d/%d\n", t.Hour(), t.Minute(), t.Second(), t.Month(), t.Day(), t.Year())
		}
		day = t.YearDay()
		name := names[rng.IntN(users)]
		feature := logFeatures[rng.IntN(len(logFeatures))]
		clock := appendClock(line[:0], t)
		n := len(clock)
		entry := func(op, tail string) {
			line = append(clock[:n], " (CITRIX) "...)
			line = append(line, op...)
			line = append(line, " \""...)
			line = append(line, feature...)
			line = append(line, "\" "...)
			line = append(line, name...)
			line = append(line, tail...)
			line = append(line, '\n')
			bw.Write(line)
		}
		switch r := rng.IntN(100); {
		case r < 2:
			entry("DENIED:", "  (Licensed number of users already reached. (-4,342))")
		case r < 6:
			entry("UNSUPPORTED:", "  (No such feature exists. (-5,414))")
		default:
			entry("OUT:", "")
			entry("IN:", "")
		}
	}
	return bw.Flush()
}

// appendClock appends the time of day as the debug log writes it: the hour
// space-padded to two characters.
func appendClock(b []byte, t time.Time) []byte {
	if t.Hour() < 10 {
		b = append(b, ' ')
	}
	b = strconv.AppendInt(b, int64(t.Hour()), 10)
	b = append(b, ':', byte('0'+t.Minute()/10), byte('0'+t.Minute()%10), ':', byte('0'+t.Second()/10), byte('0'+t.Second()%10))
	return b
}
