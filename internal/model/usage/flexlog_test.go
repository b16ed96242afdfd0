package usage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases need real zones on every machine
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// eventString is compact and shows the zone offset, so a DST mistake is visible.
func eventString(e Event) string {
	if e.Restart() {
		return fmt.Sprintf("%d %s RESTART", e.Line, e.Time.Format(time.RFC3339))
	}
	if e.Licenses > 1 {
		return fmt.Sprintf("%d %s %s %s %s x%d", e.Line, e.Time.Format(time.RFC3339), e.Op, e.Feature, e.Identity, e.Licenses)
	}
	return fmt.Sprintf("%d %s %s %s %s", e.Line, e.Time.Format(time.RFC3339), e.Op, e.Feature, e.Identity)
}

func scanAll(t *testing.T, r io.Reader, loc *time.Location) ([]string, LogStats) {
	t.Helper()
	var got []string
	stats, err := ScanLog(r, loc, func(e Event) { got = append(got, eventString(e)) })
	if err != nil {
		t.Fatalf("ScanLog: %v", err)
	}
	return got, stats
}

func diffLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestScanLogFixture(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	raw, err := os.ReadFile("testdata/lmgrd.log")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\r\n")) {
		t.Fatal("testdata/lmgrd.log lost its CRLF endings; see testdata/.gitattributes")
	}
	got, stats := scanAll(t, bytes.NewReader(raw), berlin)
	want := []string{
		// line 3 (ghost) comes before any date: undated, not an event
		"4 2026-10-31T09:12:41+01:00 RESTART", // lmgrd's start line
		"7 2026-10-31T09:12:43+01:00 RESTART", // the vendor daemon's
		"8 2026-10-31T10:05:00+01:00 OUT XDT_PLT_UD dave@corp.example",
		"9 2026-10-31T10:30:00+01:00 DENIED XDT_PLT_UD erin@corp.example",
		"10 2026-10-31T23:59:58+01:00 OUT MPS_ADV_CCU bob@corp.example",
		"11 2026-11-01T00:00:03+01:00 DENIED XDT_PLT_UD carol@corp.example", // midnight rollover
		"12 2026-11-01T00:10:00+01:00 OUT XDT_PLT_UD Alice@CORP.example",
		"13 2026-11-01T00:20:00+01:00 IN XDT_PLT_UD Alice@CORP.example",
		"15 2026-11-01T08:14:51+01:00 OUT XDT_PLT_UD alice@corp.example x2",
		"16 2026-11-01T08:20:00+01:00 OUT MPS_ADV_CCU bob@corp.example",
		"17 2026-11-01T09:40:02+01:00 IN XDT_PLT_UD alice@corp.example",
		"18 2026-11-01T09:41:00+01:00 UNSUPPORTED XDT_ENT_UD ", // counted apart; no identity needed
		// line 19 has no closing quote: malformed
		"20 2026-11-01T12:00:00+01:00 OUT XDT_PLT_UD kiosk-07",
		"22 2026-11-01T23:30:00+01:00 IN XDT_PLT_UD kiosk-07",
		"23 2026-11-02T07:15:00+01:00 OUT XDT_PLT_UD bob@corp.example", // rollover without TIMESTAMP
		"25 2026-11-02T18:45:10+01:00 OUT MPS_ADV_CCU ALICE@corp.EXAMPLE",
		"27 2026-11-03T01:02:03+01:00 OUT XDT_PLT_UD dave@corp.example",
	}
	diffLines(t, "events", got, want)
	wantStats := LogStats{
		Lines: 27, Undated: 1, Malformed: 1, Restarts: 2, // only the ghost OUT is undated: the banner is not usage
		Version: "11.19.8.0 build 123456",
		Started: time.Date(2026, 10, 31, 9, 12, 41, 0, berlin),
	}
	if !stats.Started.Equal(wantStats.Started) {
		t.Errorf("Started = %v, want %v", stats.Started, wantStats.Started)
	}
	stats.Started = wantStats.Started
	if stats != wantStats {
		t.Errorf("stats = %+v\nwant    %+v", stats, wantStats)
	}
}

func TestScanLog(t *testing.T) {
	utc := time.UTC
	ny := mustZone(t, "America/New_York")
	tests := []struct {
		name  string
		loc   *time.Location
		log   string
		want  []string
		stats LogStats // Started is not compared
	}{
		{
			name: "zero-padded and space-padded hours, tabs, no daemon",
			loc:  utc,
			log: "08:00:00 (lmgrd) TIMESTAMP 11/2/2026\n" +
				" 8:00:01 (CITRIX) OUT: \"A\" u1\n" +
				"\t9:00:00\t(CITRIX)\tOUT:\t\"A\"\tu2\t(2 licenses)\n" +
				"10:00:00 OUT: \"A\" u3\n",
			want: []string{
				"2 2026-11-02T08:00:01Z OUT A u1",
				"3 2026-11-02T09:00:00Z OUT A u2 x2", // "(2 licenses)"
				"4 2026-11-02T10:00:00Z OUT A u3",
			},
			stats: LogStats{Lines: 4},
		},
		{
			name: "any daemon's TIMESTAMP, and the date moves on at each step back",
			loc:  utc,
			log: "23:00:00 (CITRIX) TIMESTAMP 12/31/2026\n" +
				"23:59:59 (CITRIX) OUT: \"A\" u1\n" +
				" 0:00:00 (CITRIX) OUT: \"A\" u2\n" + // new year
				" 0:00:00 (CITRIX) OUT: \"A\" u3\n" + // same second: not backwards
				"23:00:00 (CITRIX) IN: \"A\" u3\n" +
				" 1:00:00 (CITRIX) UNSUPPORTED: \"B\" u4\n" + // a refusal, and it dates
				" 0:30:00 (CITRIX) OUT: \"A\" u5\n",
			want: []string{
				"2 2026-12-31T23:59:59Z OUT A u1",
				"3 2027-01-01T00:00:00Z OUT A u2",
				"4 2027-01-01T00:00:00Z OUT A u3",
				"5 2027-01-01T23:00:00Z IN A u3",
				"6 2027-01-02T01:00:00Z UNSUPPORTED B ",
				"7 2027-01-03T00:30:00Z OUT A u5",
			},
			stats: LogStats{Lines: 7},
		},
		{
			name: "a TIMESTAMP resets the date, also backwards",
			loc:  utc,
			log: "10:00:00 (lmgrd) TIMESTAMP 3/1/2026\n" +
				" 9:00:00 (CITRIX) OUT: \"A\" u1\n" + // rolls to 3/2
				" 9:30:00 (lmgrd) TIMESTAMP 3/1/2026\n" + // the log says otherwise
				" 9:45:00 (CITRIX) OUT: \"A\" u2\n",
			want: []string{
				"2 2026-03-02T09:00:00Z OUT A u1",
				"4 2026-03-01T09:45:00Z OUT A u2",
			},
			stats: LogStats{Lines: 4},
		},
		{
			name: "start line dates and versions; a start line without date does not",
			loc:  utc,
			log: " 7:00:00 (CITRIX) Server started on ctxlic01 for: XDT_PLT_UD\n" +
				" 7:00:01 (CITRIX) OUT: \"A\" early\n" +
				" 8:00:00 (lmgrd) FlexNet Licensing (v11.16.4.0 build 252457 i86_n3) started on LIC01 (linux) (2/28/2026)\n" +
				" 8:00:01 (CITRIX) OUT: \"A\" u1\n" +
				" 7:00:00 (lmgrd) FlexNet Licensing (v11.19.8.0) started on LIC01 (IBM PC) (3/2/26)\n" +
				" 7:00:01 (CITRIX) OUT: \"A\" u2\n",
			want: []string{
				"3 2026-02-28T08:00:00Z RESTART",
				"4 2026-02-28T08:00:01Z OUT A u1",
				"5 2026-03-02T07:00:00Z RESTART",
				"6 2026-03-02T07:00:01Z OUT A u2",
			},
			// "early" is undated; the undated vendor start line is not a checkout.
			stats: LogStats{Lines: 6, Undated: 1, Restarts: 2, Version: "11.19.8.0"},
		},
		{
			name: "CRLF, a BOM, blank and untimed lines",
			loc:  utc,
			log: "\xEF\xBB\xBF 1:00:00 (lmgrd) TIMESTAMP 5/6/2026\r\n" +
				"\r\n" +
				"   \r\n" +
				"(lmgrd) continuation without a time\r\n" +
				" 2:00:00 (CITRIX) OUT: \"A\" u1\r\n" +
				" 3:00:00 (CITRIX) IN: \"A\" u1",
			want: []string{
				"5 2026-05-06T02:00:00Z OUT A u1",
				"6 2026-05-06T03:00:00Z IN A u1",
			},
			stats: LogStats{Lines: 6},
		},
		{
			name: "undated: only checkout events before the first date",
			loc:  utc,
			log: "\n" +
				"==== log restarted ====\n" +
				" 1:00:00 (CITRIX) OUT: \"A\" u1\n" +
				" 1:00:01 (CITRIX) DENIED: \"A\" u2 (x)\n" +
				" 2:00:00 (lmgrd) TIMESTAMP 5/6/2026\n" +
				" 0:30:00 (CITRIX) OUT: \"A\" u3\n",
			want:  []string{"6 2026-05-07T00:30:00Z OUT A u3"},
			stats: LogStats{Lines: 6, Undated: 2},
		},
		{
			name: "not times, not dates, malformed events",
			loc:  utc,
			log: " 1:00:00 (lmgrd) TIMESTAMP 5/6/2026\n" +
				"24:00:00 (CITRIX) OUT: \"A\" bad-hour\n" +
				" 1:60:00 (CITRIX) OUT: \"A\" bad-minute\n" +
				" 1:00:00x (CITRIX) OUT: \"A\" glued\n" +
				"123:00:00 (CITRIX) OUT: \"A\" three-digit\n" +
				" 2:00:00 (lmgrd) TIMESTAMP 13/1/2026\n" + // not a date: an ordinary line
				" 3:00:00 (lmgrd) TIMESTAMP 2/30/2026\n" +
				" 4:00:00 (CITRIX) OUT: \"A\"\n" +
				" 4:00:01 (CITRIX) OUT: \"\" u1\n" +
				" 4:00:02 (CITRIX) OUT:\n" +
				" 4:00:03 (CITRIX) OUT: A u2\n", // unquoted feature: still read
			want:  []string{"11 2026-05-06T04:00:03Z OUT A u2"},
			stats: LogStats{Lines: 11, Malformed: 3},
		},
		{
			name: "DST fall-back: the repeated hour is not midnight",
			loc:  ny,
			log: " 0:30:00 (lmgrd) TIMESTAMP 11/1/2026\n" +
				" 1:30:00 (CITRIX) OUT: \"A\" edt1\n" +
				" 1:59:59 (CITRIX) OUT: \"A\" edt2\n" +
				" 1:00:05 (CITRIX) OUT: \"A\" est1\n" +
				" 1:30:00 (CITRIX) OUT: \"A\" est2\n" +
				" 3:00:00 (CITRIX) OUT: \"A\" est3\n" +
				" 0:15:00 (CITRIX) OUT: \"A\" next-day\n",
			want: []string{
				"2 2026-11-01T01:30:00-04:00 OUT A edt1",
				"3 2026-11-01T01:59:59-04:00 OUT A edt2",
				"4 2026-11-01T01:00:05-05:00 OUT A est1",
				"5 2026-11-01T01:30:00-05:00 OUT A est2",
				"6 2026-11-01T03:00:00-05:00 OUT A est3",
				"7 2026-11-02T00:15:00-05:00 OUT A next-day",
			},
			stats: LogStats{Lines: 7},
		},
		{
			name: "DST fall-back day: a step back outside the repeated hour is midnight",
			loc:  ny,
			log: " 0:30:00 (lmgrd) TIMESTAMP 11/1/2026\n" +
				" 1:30:00 (CITRIX) OUT: \"A\" edt1\n" +
				" 0:45:00 (CITRIX) OUT: \"A\" next-day\n",
			want: []string{
				"2 2026-11-01T01:30:00-04:00 OUT A edt1",
				"3 2026-11-02T00:45:00-05:00 OUT A next-day",
			},
			stats: LogStats{Lines: 3},
		},
		{
			name: "DST spring-forward: a skipped wall time reads in the old offset",
			loc:  ny,
			log: " 0:00:00 (lmgrd) TIMESTAMP 3/8/2026\n" +
				" 1:59:59 (CITRIX) OUT: \"A\" est\n" +
				" 2:30:00 (CITRIX) OUT: \"A\" gap\n" +
				" 3:00:00 (CITRIX) OUT: \"A\" edt\n",
			want: []string{
				"2 2026-03-08T01:59:59-05:00 OUT A est",
				"3 2026-03-08T03:30:00-04:00 OUT A gap",
				"4 2026-03-08T03:00:00-04:00 OUT A edt",
			},
			stats: LogStats{Lines: 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, stats := scanAll(t, strings.NewReader(tt.log), tt.loc)
			diffLines(t, "events", got, tt.want)
			stats.Started = time.Time{}
			if stats != tt.stats {
				t.Errorf("stats = %+v\nwant    %+v", stats, tt.stats)
			}
		})
	}
}

func TestScanLogLongLines(t *testing.T) {
	pad := func(prefix string, n int) string { return prefix + strings.Repeat("x", n-len(prefix)) }
	exact := pad(` 1:00:02 (CITRIX) OUT: "A" fits `, MaxLineLen)
	log := " 1:00:00 (lmgrd) TIMESTAMP 5/6/2026\n" +
		pad(` 1:00:01 (CITRIX) OUT: "A" too-long `, MaxLineLen+1) + "\r\n" +
		exact + "\r\n" +
		pad(" 1:00:03 (CITRIX) junk ", 3*readBufSize) + "\n" +
		" 1:00:04 (CITRIX) OUT: \"A\" after\n" +
		pad(" 1:00:05 (CITRIX) junk at the end without newline ", readBufSize+7)
	got, stats := scanAll(t, strings.NewReader(log), time.UTC)
	diffLines(t, "events", got, []string{
		"3 2026-05-06T01:00:02Z OUT A fits",
		"5 2026-05-06T01:00:04Z OUT A after",
	})
	if want := (LogStats{Lines: 6, Skipped: 3}); stats != want {
		t.Errorf("stats = %+v, want %+v", stats, want)
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestScanLogReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := &failingReader{
		data: []byte(" 1:00:00 (lmgrd) TIMESTAMP 5/6/2026\n 1:00:01 (CITRIX) OUT: \"A\" u1\n 1:00:02 (CITR"),
		err:  boom,
	}
	var n int
	stats, err := ScanLog(r, time.UTC, func(Event) { n++ })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if n != 1 || stats.Lines != 3 {
		t.Errorf("events = %d, lines = %d; want the 1 event and 3 lines read before the error", n, stats.Lines)
	}
}

// Ignored lines and repeated identities must not allocate: the log may be
// 100 MB. Allocations for a long log must equal those for a short one.
func TestScanLogAllocationsDoNotGrowWithLog(t *testing.T) {
	build := func(repeat int) []byte {
		var b bytes.Buffer
		b.WriteString(" 0:00:00 (lmgrd) TIMESTAMP 5/6/2026\n")
		for i := 0; i < repeat; i++ {
			b.WriteString(" 1:00:00 (CITRIX) UNSUPPORTED: \"B\" someone (No such feature exists. (-5,414))\n")
			b.WriteString(" 1:00:01 (CITRIX) OUT: \"XDT_PLT_UD\" alice@corp.example\n")
			b.WriteString(" 1:00:02 (CITRIX) IN: \"XDT_PLT_UD\" alice@corp.example\n")
			b.WriteString(" 1:00:03 (lmgrd) TIMESTAMP 5/6/2026\n")
		}
		return b.Bytes()
	}
	loc := mustZone(t, "Europe/Berlin")
	allocs := func(data []byte) float64 {
		return testing.AllocsPerRun(5, func() {
			if _, err := ScanLog(bytes.NewReader(data), loc, func(Event) {}); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(build(10)), allocs(build(5000))
	if large != small {
		t.Errorf("allocations: %v for 10 repeats, %v for 5000; want equal", small, large)
	}
}

func TestStartLineVersion(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"FlexNet Licensing (v11.19.8.0 build 123456 x64_n6) started on ctxlic01 (IBM PC) (11/2/2026)", "11.19.8.0 build 123456"},
		{"FlexNet Licensing (v11.19.8.0 BUILD 123456 x64_n6) started on h (IBM PC) (11/2/2026)", "11.19.8.0 build 123456"},
		{"FlexNet Licensing (v11.19.8.0) started on h (IBM PC) (11/2/2026)", "11.19.8.0"},
		{"FlexNet Licensing (vendor) (v11.18.0.0 build 1 x64_lsb) started on h (11/2/2026)", "11.18.0.0 build 1"},
		{"lmgrd started on h (11/2/2026)", ""},
		{"(v", ""},
		{"(v1", "1"},
	}
	for _, tt := range tests {
		if got := startLineVersion([]byte(tt.msg)); got != tt.want {
			t.Errorf("startLineVersion(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}
