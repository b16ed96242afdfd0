package usage

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// benchEvents keeps the in-memory log near 20 MB: big enough to leave the
// caches, small enough for a shared machine. The budget in the benchmark
// issue (1M events, ~100 MB) scales linearly from here.
const benchEvents = 200_000

var benchFeatures = []string{"XDT_PLT_UD", "XDT_ENT_UD", "MPS_ADV_CCU", "XDS_PLT_UD", "CXS_STD_CCS", "PVS_PLT_CCU"}

// generateLog writes a deterministic FlexNet debug log of about n checkout
// events (with their checkins, refusals, noise lines, TIMESTAMPs and midnight
// rollovers) spread over two months from Oct 20, 2026, for users identities
// in mixed spellings.
func generateLog(n, users int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.Grow(n * 110)
	start := time.Date(2026, 10, 20, 6, 0, 0, 0, time.UTC)
	fmt.Fprintf(&b, "%2d:%02d:%02d (lmgrd) FlexNet Licensing (v11.19.8.0 build 123456 x64_n6) started on ctxlic01 (IBM PC) (%d/%d/%d)\n",
		start.Hour(), start.Minute(), start.Second(), start.Month(), start.Day(), start.Year())
	step := 60 * 24 * time.Hour / time.Duration(n)
	t := start
	day := t.YearDay()
	for i := 0; i < n; i++ {
		t = t.Add(step)
		if t.YearDay() != day && rng.IntN(2) == 0 {
			// Half the days get a TIMESTAMP; the other half rely on the rollover rule.
			fmt.Fprintf(&b, "%2d:%02d:%02d (lmgrd) TIMESTAMP %d/%d/%d\n", t.Hour(), t.Minute(), t.Second(), t.Month(), t.Day(), t.Year())
		}
		day = t.YearDay()
		u := rng.IntN(users)
		name := fmt.Sprintf("user%05d@corp.example", u)
		if u%7 == 0 {
			name = fmt.Sprintf("User%05d@CORP.example", u)
		}
		feature := benchFeatures[rng.IntN(len(benchFeatures))]
		clock := fmt.Sprintf("%2d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		switch r := rng.IntN(100); {
		case r < 2:
			fmt.Fprintf(&b, "%s (CITRIX) DENIED: \"%s\" %s  (Licensed number of users already reached. (-4,342))\n", clock, feature, name)
		case r < 6:
			fmt.Fprintf(&b, "%s (CITRIX) UNSUPPORTED: \"%s\" %s  (No such feature exists. (-5,414))\n", clock, feature, name)
		default:
			fmt.Fprintf(&b, "%s (CITRIX) OUT: \"%s\" %s\n", clock, feature, name)
			fmt.Fprintf(&b, "%s (CITRIX) IN: \"%s\" %s\n", clock, feature, name)
		}
	}
	return b.Bytes()
}

var benchLog = sync.OnceValue(func() []byte { return generateLog(benchEvents, 5000) })

func BenchmarkScanLog(b *testing.B) {
	data := benchLog()
	loc, _ := time.LoadLocation("Europe/Berlin")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := ScanLog(bytes.NewReader(data), loc, func(Event) { n++ }); err != nil || n == 0 {
			b.Fatalf("ScanLog: %d events, %v", n, err)
		}
	}
}

// BenchmarkScanLogFloor is the in-process floor for BenchmarkScanLog: what
// `grep -c OUT:` does (read lines, look for a substring), on the same bytes.
func BenchmarkScanLogFloor(b *testing.B) {
	data := benchLog()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		br := bufio.NewReaderSize(bytes.NewReader(data), readBufSize)
		n := 0
		for {
			line, err := br.ReadSlice('\n')
			if bytes.Contains(line, prefixOut) {
				n++
			}
			if err != nil {
				break
			}
		}
		if n == 0 {
			b.Fatal("no OUT lines")
		}
	}
}

func BenchmarkBuilder(b *testing.B) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	var events []Event
	if _, err := ScanLog(bytes.NewReader(benchLog()), loc, func(e Event) { events = append(events, e) }); err != nil {
		b.Fatal(err)
	}
	nov := MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, loc), loc)
	b.ReportAllocs()
	b.ReportMetric(float64(len(events)), "events/op")
	for b.Loop() {
		bl := NewBuilder(nov)
		for _, e := range events {
			bl.AddEvent(e)
		}
		if rep := bl.Report(); len(rep.Identities) == 0 {
			b.Fatal("empty report")
		}
	}
}

// BenchmarkScanAndBuild is the whole path ReadMonth takes, minus the disk.
func BenchmarkScanAndBuild(b *testing.B) {
	data := benchLog()
	loc, _ := time.LoadLocation("Europe/Berlin")
	nov := MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, loc), loc)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder(nov)
		stats, err := scanLog(bytes.NewReader(data), loc, builderOps, bl)
		if err != nil {
			b.Fatal(err)
		}
		bl.AddStats(stats)
		if rep := bl.Report(); len(rep.Identities) == 0 {
			b.Fatal("empty report")
		}
	}
}

// BenchmarkReadIdentities reads November from a 1M-event log by 1k and by
// 100k identities, in process (the scan and the report, as Read makes them
// for lsui usage): what identities cost is the difference. CPU profiles of
// the two, diffed (go tool pprof -diff_base), show where it goes; that is how
// flush's loads were found queued behind its lookups (BENCHMARKS.md, fourth
// session). Each log is about 110 MB, made once per run.
func BenchmarkReadIdentities(b *testing.B) {
	for _, users := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("%dk", users/1000), func(b *testing.B) {
			data := generateLog(1_000_000, users)
			nov := MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				bl := NewBuilder(nov)
				bl.last, bl.onDemand = true, true
				stats, err := scanLog(bytes.NewReader(data), time.UTC, builderOps, bl)
				if err != nil {
					b.Fatal(err)
				}
				bl.AddStats(stats)
				if rep := bl.Report(); rep.IdentityCount() < users/2 {
					b.Fatalf("%d identities used in November, want most of %d", rep.IdentityCount(), users)
				}
			}
		})
	}
}

// The generator itself must give what the benchmarks claim to measure.
func TestGenerateLog(t *testing.T) {
	data := generateLog(2000, 50)
	if !bytes.Equal(data, generateLog(2000, 50)) {
		t.Fatal("generateLog is not deterministic")
	}
	oct := MonthOf(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	var byMonth [2]int
	stats, err := ScanLog(bytes.NewReader(data), time.UTC, func(e Event) {
		if e.Op == Out {
			byMonth[btoi(!oct.Contains(e.Time))]++
		}
	})
	if err != nil || stats.Undated != 0 || stats.Malformed != 0 {
		t.Fatalf("stats %+v, err %v", stats, err)
	}
	if byMonth[0] == 0 || byMonth[1] == 0 || byMonth[0]+byMonth[1] < 1800 {
		t.Errorf("OUT events per month %v: want both months and about 2000 in all", byMonth)
	}
}

// BenchmarkKeyOrder is Report's sort of 100k identities by folded name,
// in first-seen (random) order.
func BenchmarkKeyOrder(b *testing.B) {
	bl := NewBuilder(MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC))
	r := rand.New(rand.NewPCG(1, 2))
	for _, i := range r.Perm(100_000) {
		name := fmt.Sprintf("user%05d", i)
		bl.newTally(name, name)
	}
	for b.Loop() {
		bl.keyOrder()
	}
}
