package usage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// readMode is one way Read can scan a log: from the top on one core, split
// in ranges, or windowed from a server start before the cutoff (each
// only when the log and options allow it).
type readMode struct {
	name          string
	split, window bool
}

var readModes = []readMode{{"serial", false, false}, {"split", true, false}, {"windowed", false, true}, {"windowed split", true, true}}

// readIn reads o in mode and returns the report and the problems' text.
func readIn(t *testing.T, mode readMode, o ReadOptions) (*Report, []string) {
	t.Helper()
	savedMin, savedWindow, savedNb := parallelMinSize, windowScan, windowNeighbourhood
	prev := runtime.GOMAXPROCS(0)
	defer func() {
		parallelMinSize, windowScan, windowNeighbourhood = savedMin, savedWindow, savedNb
		runtime.GOMAXPROCS(prev)
	}()
	windowScan, windowNeighbourhood = mode.window, 1<<10
	parallelMinSize = 1 << 62
	if mode.split {
		parallelMinSize = 0
		runtime.GOMAXPROCS(5) // five ranges, whatever the machine
	}
	rep, problems, err := Read(o)
	if err != nil {
		t.Fatalf("%s: %v", mode.name, err)
	}
	return rep, errorStrings(problems)
}

// writeLog writes data to a file of its own in t's temporary folder.
func writeLog(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lmgrd.log")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// withLines puts extra lines after line at (1-based; 0: before the first)
// of data, a log of whole lines.
func withLines(data []byte, at int, extra ...string) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	out := slices.Concat(lines[:at], extra, lines[at:])
	return []byte(strings.Join(out, ""))
}

// TestReadBadLines: each malformed checkout line and each over-long line
// is a problem naming the file and the line an editor shows — through
// CRLF and a BOM, in every scan mode — the first maxBadLines of a log and
// then one line for the rest; with a cutoff, only those a report counts.
func TestReadBadLines(t *testing.T) {
	fixture, err := os.ReadFile("testdata/lmgrd-malformed.log")
	if err != nil {
		t.Fatal(err)
	}
	long := ` 9:00:02 (CITRIX) OUT: "XDT_PLT_UD" ` + strings.Repeat("x", MaxLineLen) + "\n"
	const (
		noFeature  = "malformed OUT line: no feature name, skipped"
		longLine   = "line longer than 65536 bytes, skipped"
		noIdentity = "no user@host after the feature, skipped"
	)
	// The fixture's bad lines, dated before the cutoff (1 November) and in
	// the window after it.
	early := []string{"4: " + noFeature, "6: malformed IN line: " + noIdentity, "8: malformed DENIED line: " + noIdentity}
	window := []string{
		"11: malformed OUT line: the feature's closing quote is missing, skipped",
		"12: malformed DENIED line: " + noIdentity,
		"13: malformed UNSUPPORTED line: no feature name, skipped",
	}
	renumber := func(from, by int, ps ...string) []string {
		var out []string
		for _, p := range ps {
			n, msg, _ := strings.Cut(p, ": ")
			var line int
			fmt.Sscan(n, &line)
			if line >= from {
				line += by
			}
			out = append(out, fmt.Sprintf("%d: %s", line, msg))
		}
		return out
	}
	var flood []string
	for range 25 {
		flood = append(flood, " 9:00:00 (CITRIX) OUT:\n")
	}
	floodAt := func(from, to int) []string {
		var out []string
		for n := from; n <= to; n++ {
			out = append(out, fmt.Sprintf("%d: %s", n, noFeature))
		}
		return out
	}
	tests := []struct {
		name string
		data []byte
		// all is the problems without a cutoff, since those with one
		// ("LINE: message", or "N more" for the summary).
		all, since                   []string
		malformed, skipped           int // without a cutoff
		sinceMalformed, sinceSkipped int
	}{
		{"the fixture", fixture, slices.Concat(early, window), window, 6, 0, 3, 0},
		{"CRLF", bytes.ReplaceAll(fixture, []byte("\n"), []byte("\r\n")), slices.Concat(early, window), window, 6, 0, 3, 0},
		{"BOM", slices.Concat(utf8BOM, fixture), slices.Concat(early, window), window, 6, 0, 3, 0},
		{"BOM and CRLF", slices.Concat(utf8BOM, bytes.ReplaceAll(fixture, []byte("\n"), []byte("\r\n"))), slices.Concat(early, window), window, 6, 0, 3, 0},
		{
			"an over-long line in the window", withLines(fixture, 11, long),
			slices.Concat(early, window[:1], []string{"12: " + longLine}, renumber(12, 1, window[1:]...)),
			slices.Concat(window[:1], []string{"12: " + longLine}, renumber(12, 1, window[1:]...)),
			6, 1, 3, 1,
		},
		{
			// Undated, so counted whatever the cutoff; the windowed read
			// has it from its scan of the log's head.
			"an over-long first line", withLines(fixture[bytes.IndexByte(fixture, '\n')+1:], 0, long),
			slices.Concat([]string{"1: " + longLine}, early, window), slices.Concat([]string{"1: " + longLine}, window),
			6, 1, 3, 1,
		},
		{
			"an over-long line before the window", withLines(fixture, 4, long),
			slices.Concat(early[:1], []string{"5: " + longLine}, renumber(5, 1, slices.Concat(early[1:], window)...)),
			renumber(5, 1, window...),
			6, 1, 3, 0,
		},
		{
			"25 more in the window: ten listed", withLines(fixture, 10, flood...),
			slices.Concat(early, floodAt(11, 17), []string{"21 more"}),
			slices.Concat(floodAt(11, 20), []string{"18 more"}),
			31, 0, 28, 0,
		},
	}
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeLog(t, tt.data)
			if w, err := FindRestartBefore(bytes.NewReader(tt.data), int64(len(tt.data)), nov.Start, time.UTC); err != nil || w.Offset == 0 {
				t.Fatalf("window at %d (%v): the windowed read would not be exercised", w.Offset, err)
			}
			expand := func(ps []string) []string {
				var out []string
				for _, p := range ps {
					if n, ok := strings.CutSuffix(p, " more"); ok {
						out = append(out, path+": "+n+" more malformed or over-long lines, not listed")
					} else {
						out = append(out, path+":"+p)
					}
				}
				return out
			}
			for _, cut := range []bool{false, true} {
				o := ReadOptions{Month: nov, Logs: []string{path}, Location: time.UTC, Now: now}
				want, malformed, skipped := tt.all, tt.malformed, tt.skipped
				if cut {
					o.Since = now.AddDate(0, 0, -10) // the cutoff is the month's start
					want, malformed, skipped = tt.since, tt.sinceMalformed, tt.sinceSkipped
				}
				for _, mode := range readModes {
					rep, got := readIn(t, mode, o)
					diffLines(t, fmt.Sprintf("%s, cutoff %v: problems", mode.name, cut), got, expand(want))
					if rep.Malformed != malformed || rep.Skipped != skipped {
						t.Errorf("%s, cutoff %v: malformed %d, skipped %d; want %d, %d", mode.name, cut, rep.Malformed, rep.Skipped, malformed, skipped)
					}
				}
			}
		})
	}
}

// TestReadBadLinesAreLineErrors: the problems are *LineErrors a caller can
// place.
func TestReadBadLinesAreLineErrors(t *testing.T) {
	path := "testdata/lmgrd-malformed.log"
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	_, problems, err := Read(ReadOptions{Month: nov, Logs: []string{path}, Location: time.UTC})
	if err != nil || len(problems) != 6 {
		t.Fatalf("problems %v, err %v; want 6", problems, err)
	}
	var le *LineError
	if !errors.As(problems[1], &le) || le.Source != path || le.Line != 6 {
		t.Errorf("second problem %#v is not a *LineError for %s:6", problems[1], path)
	}
}

// TestBadLinesAtRangeBoundaries: wherever the split scan's ranges begin
// and end relative to the bad lines (a banner of every length in front
// shifts them across each line: in steps shorter than the shortest line),
// their numbers are the serial scan's.
func TestBadLinesAtRangeBoundaries(t *testing.T) {
	fixture, err := os.ReadFile("testdata/lmgrd-malformed.log")
	if err != nil {
		t.Fatal(err)
	}
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for pad := 0; pad < 260; pad += 4 {
		data := withLines(fixture, 0, " 7:00:00 (lmgrd) "+strings.Repeat("-", pad)+"\n")
		path := writeLog(t, data)
		for _, since := range []time.Time{{}, now.AddDate(0, 0, -10)} {
			o := ReadOptions{Month: nov, Logs: []string{path}, Location: time.UTC, Now: now, Since: since}
			_, serial := readIn(t, readModes[0], o)
			if n := 6 - 3*btoi(!since.IsZero()); len(serial) != n || !strings.HasPrefix(serial[n-1], path+":14: ") {
				t.Fatalf("banner of %d: serial problems %q; want %d, the last on line 14", pad, serial, n)
			}
			for _, mode := range readModes[1:] {
				if _, got := readIn(t, mode, o); !slices.Equal(got, serial) {
					t.Fatalf("banner of %d, since %v, %s: problems\n%q\nserial\n%q", pad, since, mode.name, got, serial)
				}
			}
		}
	}
}

// TestBadLinesBounded: a log of nothing but malformed lines costs what a
// clean one does: the list stops at maxBadLines, the counts stay exact.
func TestBadLinesBounded(t *testing.T) {
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	allocs := func(bad int) float64 {
		var b bytes.Buffer
		b.WriteString(" 7:00:00 (lmgrd) TIMESTAMP 11/2/2026\n")
		for range bad {
			b.WriteString(" 9:00:00 (CITRIX) OUT:\n")
		}
		path := writeLog(t, b.Bytes())
		o := ReadOptions{Month: nov, Logs: []string{path}, Location: time.UTC}
		rep, problems, err := Read(o)
		if err != nil || rep.Malformed != bad || len(problems) != maxBadLines+1 ||
			problems[maxBadLines].Error() != fmt.Sprintf("%s: %d more malformed or over-long lines, not listed", path, bad-maxBadLines) {
			t.Fatalf("%d bad lines: malformed %d, problems %v, err %v", bad, rep.Malformed, problems, err)
		}
		return testing.AllocsPerRun(3, func() { Read(o) })
	}
	few, many := allocs(maxBadLines+1), allocs(200_000)
	if many > few+5 {
		t.Errorf("allocations: %v for %d bad lines, %v for 200000", few, maxBadLines+1, many)
	}
}
