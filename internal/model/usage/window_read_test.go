package usage

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// readBoth reads the logs with the given options twice, windowed and from
// the first line, and returns both reports and the problems, which must be
// the same: the malformed and over-long lines each names are the ones the
// report counts.
func readBoth(t *testing.T, o ReadOptions) (windowed, full *Report, problems []string) {
	t.Helper()
	defer func() { windowScan = true }()
	var errs [2]error
	var probs [2][]error
	windowScan = true
	windowed, probs[0], errs[0] = Read(o)
	windowScan = false
	full, probs[1], errs[1] = Read(o)
	if (errs[0] == nil) != (errs[1] == nil) || !slices.Equal(errorStrings(probs[0]), errorStrings(probs[1])) {
		t.Fatalf("windowed: %v %v; full: %v %v", errs[0], probs[0], errs[1], probs[1])
	}
	return windowed, full, errorStrings(probs[0])
}

// TestWindowedReadEqualsFull: with Since set, reading each log from the
// last server start before the window gives exactly the report reading it
// whole gives — identities and their spellings, features, days, refusals,
// connections, open checkouts and peaks, last uses, restarts, malformed and
// undated counts, the version and how far back the logs reach — and the
// same problems (the malformed and over-long lines, by file and line) — on
// every test log, serial and split in ranges, including logs whose dates go
// backwards; and on the long logs the window is really used.
func TestWindowedReadEqualsFull(t *testing.T) {
	savedMin, savedNb := parallelMinSize, windowNeighbourhood
	defer func() { parallelMinSize, windowNeighbourhood = savedMin, savedNb }()
	windowNeighbourhood = 8 << 10

	dir := t.TempDir()
	t0 := time.Date(2024, 11, 1, 7, 57, 0, 0, time.UTC)
	var monthly []logSegment
	for d := 0; d < 760; d += 30 {
		monthly = append(monthly, logSegment{t0.AddDate(0, 0, d), 30, true, 6, 30})
	}
	logs := map[string][]byte{
		"two years, a restart a month": windowLog(21, time.UTC, false, monthly...),
		"two years, CRLF, restarts at 0 and 600 days": windowLog(22, time.UTC, true,
			logSegment{t0, 600, true, 6, 20}, logSegment{t0.AddDate(0, 0, 600), 160, true, 24, 30}),
		"clock a year ahead for three months, then right": windowLog(23, time.UTC, false,
			logSegment{t0, 200, true, 6, 30}, logSegment{t0.AddDate(1, 9, 0), 90, true, 6, 30}, logSegment{t0.AddDate(0, 7, 0), 480, true, 6, 30}),
		"clock set back a week before the window": windowLog(24, time.UTC, false,
			logSegment{t0, 720, true, 6, 20}, logSegment{t0.AddDate(0, 0, 713), 40, false, 6, 20}),
	}
	// Few enough bad lines that all are listed, spread over the ranges of
	// the split read, some before the windows and some in them, and
	// over-long ones among them.
	logs["two years, a restart a month, few bad lines"] = thinBadLines(logs["two years, a restart a month"], 80, 3)
	for _, name := range []string{"lmgrd.log", "lmgrd-restart.log", "lmgrd-malformed.log", "../../testdata/realshapes/LS/lmgrd_debug.log"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		logs[name] = data
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for name, data := range logs {
		path := filepath.Join(dir, "log")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, month := range []Month{MonthOf(now, time.UTC), MonthOf(now, time.UTC).Prev(), MonthOf(t0, time.UTC)} {
			for _, since := range []time.Time{{}, now.AddDate(0, 0, -90), now.AddDate(0, 0, -400), t0.AddDate(-1, 0, 0), now.AddDate(0, 0, 5)} {
				o := ReadOptions{Month: month, Logs: []string{path}, Location: time.UTC, Now: now, Since: since}
				var serialProblems []string
				for _, split := range []bool{false, true} {
					prev := runtime.GOMAXPROCS(0)
					if split {
						parallelMinSize = 0
						runtime.GOMAXPROCS(5) // five ranges, whatever the machine
					} else {
						parallelMinSize = 1 << 62
					}
					windowed, full, problems := readBoth(t, o)
					runtime.GOMAXPROCS(prev)
					if !split {
						serialProblems = problems
					} else if !slices.Equal(problems, serialProblems) {
						t.Errorf("%s, %s, since %s: the split read's problems differ from the serial one's\nsplit  %q\nserial %q",
							name, month, since.Format(time.DateOnly), problems, serialProblems)
					}
					if !reflect.DeepEqual(windowed, full) {
						t.Errorf("%s, %s, since %s, split %v: the windowed report differs from the full one\nwindowed %+v\nfull     %+v",
							name, month, since.Format(time.DateOnly), split, windowed, full)
					}
				}
			}
		}
	}
	// The two monotonic long logs are read from a start near the window.
	for _, name := range []string{"two years, a restart a month", "two years, CRLF, restarts at 0 and 600 days"} {
		data := logs[name]
		w, err := FindRestartBefore(bytes.NewReader(data), int64(len(data)), now.AddDate(0, 0, -90), time.UTC)
		if err != nil || w.Offset < int64(len(data))/2 {
			t.Errorf("%s: window at %d of %d (%v): the windowed read was not exercised", name, w.Offset, len(data), err)
		}
	}
}

// thinBadLines keeps one of every keep malformed lines windowLog writes
// (each "OUT: " with nothing after it) and makes every long'th kept one an
// over-long line; the others become informational lines, so the line
// count stays.
func thinBadLines(data []byte, keep, long int) []byte {
	var b bytes.Buffer
	seen := 0
	for line := range bytes.Lines(data) {
		if !bytes.HasSuffix(bytes.TrimRight(line, "\r\n"), []byte("OUT: ")) {
			b.Write(line)
			continue
		}
		switch seen++; {
		case seen%(keep*long) == 0:
			b.Write(line[:9])
			b.WriteString(strings.Repeat("x", MaxLineLen))
			b.Write(line[len(bytes.TrimRight(line, "\r\n")):])
		case seen%keep == 0:
			b.Write(line)
		default:
			b.Write(bytes.Replace(line, []byte("OUT: "), []byte("note:"), 1))
		}
	}
	return b.Bytes()
}

// FuzzWindowedRead: whatever the log, reading it from the window's start
// gives the report reading it whole gives.
func FuzzWindowedRead(f *testing.F) {
	for _, name := range []string{"testdata/lmgrd.log", "testdata/lmgrd-restart.log"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	t0 := time.Date(2026, 7, 1, 7, 57, 0, 0, time.UTC)
	f.Add(windowLog(31, time.UTC, false, logSegment{t0, 40, true, 6, 10}, logSegment{t0.AddDate(0, 0, 40), 100, true, 12, 10}))
	f.Add(windowLog(32, time.UTC, true, logSegment{t0, 90, true, 6, 10}, logSegment{t0.AddDate(0, 0, 60), 90, true, 24, 10}))
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		saved := windowNeighbourhood
		defer func() { windowNeighbourhood = saved }()
		windowNeighbourhood = 1 << 10
		path := filepath.Join(t.TempDir(), "log")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		o := ReadOptions{Month: MonthOf(now, time.UTC), Logs: []string{path}, Location: time.UTC, Now: now, Since: now.AddDate(0, 0, -90)}
		windowed, full, _ := readBoth(t, o)
		if !reflect.DeepEqual(windowed, full) {
			t.Fatalf("the windowed report differs from the full one\nwindowed %+v\nfull     %+v", windowed, full)
		}
	})
}
