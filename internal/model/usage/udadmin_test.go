package usage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func assignmentString(a Assignment) string {
	return fmt.Sprintf("%d %s %q %s %s %s", a.Line, a.Kind, a.Identity, a.Feature, a.Version, a.LastUse.Format(time.RFC3339))
}

func errorStrings(errs []error) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}

func TestParseUdadminFixture(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	f, err := os.Open("testdata/udadmin.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	as, errs := ParseUdadmin(f, "udadmin", berlin)
	var got []string
	for _, a := range as {
		got = append(got, assignmentString(a))
	}
	diffLines(t, "assignments", got, []string{
		`3 user "alice@corp.example" XDT_PLT_UD 2025.0630 2026-11-02T08:14:51+01:00`,
		`4 user "judy@corp.example" XDT_PLT_UD 2025.0630 2026-11-03T10:00:00+01:00`,
		`5 user "CORP\\ken smith" XDT_PLT_UD 2025.0630 2026-11-05T11:11:11+01:00`, // "Fri" is wrong: the date wins
		`6 user "mallory@corp.example" XDT_PLT_UD 2025.0630 2026-10-31T23:00:00+01:00`,
		`10 device "KIOSK-07" XDT_PLT_UD 2025.0630 2026-11-04T09:01:33+01:00`,
		`11 device "kiosk-09" XDT_PLT_UD 2025.0630 2026-10-29T09:01:33+01:00`,
	})
	diffLines(t, "errors", errorStrings(errs), []string{
		`udadmin:7: unreadable last-use time "Foo Bar 99 25:00:00 2026"`,
		`udadmin:8: no last-use time in parentheses (was udadmin run with -times?)`,
	})
	var le *LineError
	if len(errs) == 0 || !errors.As(errs[0], &le) || le.Line != 7 {
		t.Errorf("first error %v is not a *LineError for line 7", errs)
	}
}

func TestParseUdadmin(t *testing.T) {
	tests := []struct {
		name    string
		listing string
		want    []string
		errs    []string
	}{
		{
			name:    "ctime padding, no weekday, ISO time, any-case headers",
			listing: "users :\n a XDT_PLT_UD 2025.0630 (Mon Nov  2 08:14:51 2026)\n b XDT_PLT_UD 2025.0630 (nov 2 8:14:51 2026)\n" + "DEVICES:\n c MPS_ADV_CCU 2024.0101 (2026-11-02 08:14:51)\n",
			want: []string{
				`2 user "a" XDT_PLT_UD 2025.0630 2026-11-02T08:14:51Z`,
				`3 user "b" XDT_PLT_UD 2025.0630 2026-11-02T08:14:51Z`,
				`5 device "c" MPS_ADV_CCU 2024.0101 2026-11-02T08:14:51Z`,
			},
		},
		{
			name:    "banner lines are ignored, a row before any header is a user",
			listing: "Usage data is 3 minutes old.\nSomething (else)\n early XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)\n",
			want:    []string{`3 user "early" XDT_PLT_UD 2025.0630 2026-11-02T08:14:51Z`},
		},
		{
			name: "malformed rows inside a section, the rest still parses",
			listing: "Users:\n" +
				" XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)\n" + // no identity
				" a XDT_PLT_UD 2025.0630 (Mon Feb 30 08:14:51 2026)\n" +
				" a XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14 2026)\n" +
				" a XDT_PLT_UD 2025.0630 (Mon Nov 02 24:00:00 2026)\n" +
				" a XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026\n" +
				" ok XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)\n",
			want: []string{`7 user "ok" XDT_PLT_UD 2025.0630 2026-11-02T08:14:51Z`},
			errs: []string{
				`udadmin:2: want "IDENTITY FEATURE VERSION (TIME)", got "XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)"`,
				`udadmin:3: unreadable last-use time "Mon Feb 30 08:14:51 2026"`,
				`udadmin:4: unreadable last-use time "Mon Nov 02 08:14 2026"`,
				`udadmin:5: unreadable last-use time "Mon Nov 02 24:00:00 2026"`,
				`udadmin:6: no last-use time in parentheses (was udadmin run with -times?)`,
			},
		},
		{
			name:    "an over-long line is an error, not the end",
			listing: "Users:\n " + strings.Repeat("x", MaxLineLen+1) + " F V (Mon Nov 02 08:14:51 2026)\n ok F V (Mon Nov 02 08:14:51 2026)",
			want:    []string{`3 user "ok" F V 2026-11-02T08:14:51Z`},
			errs:    []string{fmt.Sprintf("udadmin:2: line longer than %d bytes, skipped", MaxLineLen)},
		},
		{
			name:    "empty listing",
			listing: "Usage data is 0 minutes old. Next update in 15 minutes.\r\nUsers:\r\nDevices:\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as, errs := ParseUdadmin(strings.NewReader(tt.listing), "udadmin", time.UTC)
			var got []string
			for _, a := range as {
				got = append(got, assignmentString(a))
			}
			diffLines(t, "assignments", got, tt.want)
			diffLines(t, "errors", errorStrings(errs), tt.errs)
		})
	}
}

func TestParseUdadminReadError(t *testing.T) {
	boom := errors.New("pipe closed")
	r := &failingReader{data: []byte("Users:\n a F V (Mon Nov 02 08:14:51 2026)\n"), err: boom}
	as, errs := ParseUdadmin(r, "udadmin", time.UTC)
	if len(as) != 1 || len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("got %d assignments and errors %v; want 1 and the read error", len(as), errs)
	}
}

// rowSource writes a listing of n rows as it is read, so the test never
// holds it whole; every 1000th row is malformed.
type rowSource struct {
	n, next int
	buf     []byte
}

func (r *rowSource) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case r.next == 0:
			r.buf = []byte("Usage data is 3 minutes old.\r\nUsers:\r\n")
		case r.next > r.n:
			return 0, io.EOF
		case r.next%1000 == 0:
			r.buf = fmt.Appendf(nil, " broken%07d XDT_PLT_UD 2025.0630\r\n", r.next)
		default:
			r.buf = fmt.Appendf(nil, " user%07d@corp XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)\r\n", r.next)
		}
		r.next++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// A listing many times larger than the line reader's buffer streams row by
// row: every good row is handed out once, in order, with its line, and
// each malformed row is reported with source:line while the rest loads.
func TestScanUdadminStreamsLargeListing(t *testing.T) {
	const rows = 60_000 // about 4 MB, 16× readBufSize
	var got, errs int
	prev := 0
	problems := ScanUdadmin(&rowSource{n: rows}, "udadmin.txt", time.UTC, func(a Assignment) {
		got++
		want := fmt.Sprintf("user%07d@corp", a.Line-2)
		if a.Identity != want || a.Feature != "XDT_PLT_UD" || a.Version != "2025.0630" || a.Line <= prev {
			t.Fatalf("row %d: %s, want %s after line %d", got, assignmentString(a), want, prev)
		}
		prev = a.Line
	})
	for _, e := range problems {
		var le *LineError
		if !errors.As(e, &le) {
			t.Fatalf("not a line error: %v", e)
		}
		if want := fmt.Sprintf("udadmin.txt:%d: %v", (errs+1)*1000+2, errNoTime); e.Error() != want {
			t.Fatalf("error %d: %q, want %q", errs, e.Error(), want)
		}
		errs++
	}
	if got != rows-rows/1000 || errs != rows/1000 {
		t.Errorf("%d rows and %d errors, want %d and %d", got, errs, rows-rows/1000, rows/1000)
	}
}

// ParseUdadmin is ScanUdadmin collected: the same rows and errors.
func TestParseUdadminIsScanUdadmin(t *testing.T) {
	as, errs := ParseUdadmin(&rowSource{n: 5000}, "u", time.UTC)
	var scanned []Assignment
	serrs := ScanUdadmin(&rowSource{n: 5000}, "u", time.UTC, func(a Assignment) { scanned = append(scanned, a) })
	if len(as) != len(scanned) || strings.Join(errorStrings(errs), "\n") != strings.Join(errorStrings(serrs), "\n") {
		t.Fatalf("%d rows %d errors, scanned %d rows %d errors", len(as), len(errs), len(scanned), len(serrs))
	}
	for i := range as {
		if assignmentString(as[i]) != assignmentString(scanned[i]) {
			t.Fatalf("row %d: %s vs %s", i, assignmentString(as[i]), assignmentString(scanned[i]))
		}
	}
}
