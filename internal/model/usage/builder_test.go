package usage

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// reportLines flattens a report so a test failure shows the difference.
func reportLines(r *Report) []string {
	var out []string
	for _, id := range r.Identities {
		out = append(out, fmt.Sprintf("id %s %s %s %s..%s", id.Name, id.Kind, strings.Join(id.Features, ","),
			id.FirstSeen.Format(time.RFC3339), id.LastSeen.Format(time.RFC3339)))
	}
	for _, f := range r.Features {
		out = append(out, fmt.Sprintf("feature %s users=%d devices=%d", f.Feature, f.Users, f.Devices))
	}
	for _, d := range r.Days {
		if d.Users+d.Devices > 0 {
			out = append(out, fmt.Sprintf("day %s users=%d devices=%d", d.Date.Format("2006-01-02"), d.Users, d.Devices))
		}
	}
	out = append(out, fmt.Sprintf("denied=%d undated=%d skipped=%d malformed=%d version=%q",
		r.Denied, r.Undated, r.Skipped, r.Malformed, r.Version))
	return out
}

func TestReadMonthFixtures(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, berlin), berlin)
	ud, err := os.Open("testdata/udadmin.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer ud.Close()
	logs := []string{"testdata/lmgrd.log", "testdata/lmgrd-restart.log"}
	rep, problems, err := ReadMonth(nov, logs, ud, "udadmin", berlin)
	if err != nil {
		t.Fatalf("ReadMonth: %v", err)
	}
	diffLines(t, "problems", errorStrings(problems), []string{
		// An OUT without its feature's closing quote: counted in malformed, said where.
		`testdata/lmgrd.log:19: malformed OUT line: the feature's closing quote is missing, skipped`,
		`udadmin:7: unreadable last-use time "Foo Bar 99 25:00:00 2026"`,
		`udadmin:8: no last-use time in parentheses (was udadmin run with -times?)`,
	})
	diffLines(t, "report", reportLines(rep), []string{
		// First spelling in input order; the later "alice" and "ALICE" merge into it.
		"id Alice user MPS_ADV_CCU,XDT_PLT_UD 2026-11-01T00:10:00+01:00..2026-11-02T18:45:10+01:00",
		"id bob user MPS_ADV_CCU,XDT_PLT_UD 2026-11-01T08:20:00+01:00..2026-11-02T07:15:00+01:00",
		// dave's October checkout is not this month's use.
		"id dave user XDT_PLT_UD 2026-11-03T01:02:03+01:00..2026-11-03T01:02:03+01:00",
		"id frank user XDT_PLT_UD 2026-11-30T09:00:00+01:00..2026-11-30T09:00:00+01:00",
		"id grace user XDT_PLT_UD 2026-11-30T23:59:59+01:00..2026-11-30T23:59:59+01:00",
		"id judy user XDT_PLT_UD 2026-11-03T10:00:00+01:00..2026-11-03T10:00:00+01:00",
		"id ken smith user XDT_PLT_UD 2026-11-05T11:11:11+01:00..2026-11-05T11:11:11+01:00", // udadmin's CORP\\ken smith, domain removed
		// The log's spelling came first; udadmin's Devices section makes it a device.
		"id kiosk-07 device XDT_PLT_UD 2026-11-01T12:00:00+01:00..2026-11-04T09:01:33+01:00",
		"feature MPS_ADV_CCU users=2 devices=0",
		"feature XDT_PLT_UD users=7 devices=1",
		"day 2026-11-01 users=2 devices=1",
		"day 2026-11-02 users=2 devices=0",
		"day 2026-11-03 users=2 devices=0",
		"day 2026-11-04 users=0 devices=1",
		"day 2026-11-05 users=1 devices=0",
		"day 2026-11-30 users=2 devices=0",
		// carol only: erin is October's, ivan December's.
		`denied=1 undated=1 skipped=0 malformed=1 version="11.19.9.0 build 234567"`, // the ghost OUT before the start line; the banner is not counted,
	})
	if len(rep.Days) != 30 || !rep.Days[0].Date.Equal(nov.Start) {
		t.Errorf("Days: %d entries starting %v; want 30 from %v", len(rep.Days), rep.Days[0].Date, nov.Start)
	}
	if want := []string{"testdata/lmgrd.log", "testdata/lmgrd-restart.log", "udadmin"}; !reflect.DeepEqual(rep.Sources, want) {
		t.Errorf("Sources = %q, want %q", rep.Sources, want)
	}

	// The same logs seen from October: dave, bob and mallory count there.
	ud.Seek(0, 0)
	oct, _, err := ReadMonth(nov.Prev(), logs, ud, "udadmin", berlin)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, id := range oct.Identities {
		names = append(names, id.Name+"/"+id.Kind.String())
	}
	diffLines(t, "October identities", names, []string{
		"bob/user", "dave/user", "kiosk-09/device", "mallory/user",
	})
	if oct.Denied != 1 {
		t.Errorf("October denied = %d, want 1 (erin)", oct.Denied)
	}
}

func TestReadMonthProblems(t *testing.T) {
	utc := time.UTC
	m := MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, utc), utc)
	tests := []struct {
		name       string
		logs       []string
		udadmin    string // "" for none
		wantFatal  bool
		wantErrors int
		notExist   bool
	}{
		{name: "nothing given is an empty month, not an error"},
		{name: "the only log is missing", logs: []string{"testdata/missing.log"}, wantFatal: true, wantErrors: 1, notExist: true},
		{name: "one log of two is missing", logs: []string{"testdata/missing.log", "testdata/lmgrd.log"}, wantErrors: 2, notExist: true}, // and lmgrd.log's malformed line
		{name: "a missing log and a readable udadmin", logs: []string{"testdata/missing.log"}, udadmin: "Users:\n", wantErrors: 1, notExist: true},
		{name: "a log folder is not a log", logs: []string{"testdata"}, wantFatal: true, wantErrors: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ud *strings.Reader
			if tt.udadmin != "" {
				ud = strings.NewReader(tt.udadmin)
			}
			var rep *Report
			var problems []error
			var err error
			if ud != nil {
				rep, problems, err = ReadMonth(m, tt.logs, ud, "udadmin", utc)
			} else {
				rep, problems, err = ReadMonth(m, tt.logs, nil, "", utc)
			}
			if rep == nil || len(rep.Days) != 30 {
				t.Fatalf("want a report even with problems, got %+v", rep)
			}
			if (err != nil) != tt.wantFatal {
				t.Errorf("err = %v, want fatal %v", err, tt.wantFatal)
			}
			if len(problems) != tt.wantErrors {
				t.Errorf("problems = %v, want %d", problems, tt.wantErrors)
			}
			if tt.notExist && !slices.ContainsFunc(problems, func(p error) bool {
				return errors.Is(p, fs.ErrNotExist) && strings.Contains(p.Error(), "testdata/missing.log")
			}) {
				t.Errorf("problems %v should name the missing file", problems)
			}
		})
	}
}

func TestBuilder(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	nov := MonthOf(time.Date(2026, 11, 2, 0, 0, 0, 0, ny), ny)
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, ny) }
	out := func(tm time.Time, f, who string) Event { return Event{Time: tm, Op: Out, Feature: f, Identity: who} }

	t.Run("month edges are exact, in the month's zone", func(t *testing.T) {
		b := NewBuilder(nov)
		b.AddEvent(out(nov.Start.Add(-time.Second), "A", "before"))
		b.AddEvent(out(nov.Start, "A", "first"))
		b.AddEvent(out(nov.End.Add(-time.Second), "A", "last"))
		b.AddEvent(out(nov.End, "A", "after"))
		b.AddEvent(out(nov.Start.In(time.UTC).Add(12*time.Hour), "A", "utc-input")) // same instant, other zone
		diffLines(t, "report", reportLines(b.Report()), []string{
			"id first user A 2026-11-01T00:00:00-04:00..2026-11-01T00:00:00-04:00",
			"id last user A 2026-11-30T23:59:59-05:00..2026-11-30T23:59:59-05:00",
			"id utc-input user A 2026-11-01T11:00:00-05:00..2026-11-01T11:00:00-05:00",
			"feature A users=3 devices=0",
			"day 2026-11-01 users=2 devices=0",
			"day 2026-11-30 users=1 devices=0",
			`denied=0 undated=0 skipped=0 malformed=0 version=""`,
		})
	})

	t.Run("the 25-hour day of the fall-back is one day", func(t *testing.T) {
		b := NewBuilder(nov)
		b.AddEvent(out(at(1, 23, 30), "A", "late-nov-1"))
		b.AddEvent(out(at(2, 0, 0), "A", "nov-2"))
		rep := b.Report()
		if rep.Days[0].Users != 1 || rep.Days[1].Users != 1 {
			t.Errorf("days = %+v %+v; want one user on each", rep.Days[0], rep.Days[1])
		}
		if got := rep.Days[1].Date.Sub(rep.Days[0].Date); got != 25*time.Hour {
			t.Errorf("Nov 1 lasts %v, want 25h", got)
		}
	})

	t.Run("only OUT and in-month DENIED count; features distinct and sorted", func(t *testing.T) {
		b := NewBuilder(nov)
		b.AddEvent(Event{Time: at(3, 9, 0), Op: In, Feature: "Z", Identity: "checkin-only"})
		b.AddEvent(Event{Time: at(3, 9, 0), Op: Denied, Feature: "Z", Identity: "refused"})
		b.AddEvent(Event{Time: nov.End, Op: Denied, Feature: "Z", Identity: "refused-later"})
		b.AddEvent(out(at(5, 9, 0), "Z", "u"))
		b.AddEvent(out(at(3, 9, 0), "A", "U"))
		b.AddEvent(out(at(4, 9, 0), "Z", "u"))
		b.AddEvent(Event{Time: at(4, 9, 0), Op: 0, Feature: "Q", Identity: "junk-op"})
		diffLines(t, "report", reportLines(b.Report()), []string{
			"id u user A,Z 2026-11-03T09:00:00-05:00..2026-11-05T09:00:00-05:00",
			"feature A users=1 devices=0",
			"feature Z users=1 devices=0",
			"day 2026-11-03 users=1 devices=0",
			"day 2026-11-04 users=1 devices=0",
			"day 2026-11-05 users=1 devices=0",
			`denied=1 undated=0 skipped=0 malformed=0 version=""`,
		})
	})

	t.Run("case folding beyond ASCII, first spelling in input order", func(t *testing.T) {
		b := NewBuilder(nov)
		b.AddEvent(out(at(9, 9, 0), "A", "STRASSE@corp"))
		b.AddEvent(out(at(8, 9, 0), "A", "straße@corp")) // earlier, but added later
		b.AddEvent(out(at(8, 9, 0), "A", "ÅSA"))
		b.AddEvent(out(at(8, 9, 0), "A", "åsa"))
		rep := b.Report()
		var names []string
		for _, id := range rep.Identities {
			names = append(names, id.Name+" "+id.FirstSeen.Format("02"))
		}
		diffLines(t, "identities", names, []string{"STRASSE 08", "ÅSA 08"})
	})

	t.Run("a device listed outside the month still makes the identity a device", func(t *testing.T) {
		b := NewBuilder(nov)
		b.AddAssignment(Assignment{Identity: "KIOSK-1", Feature: "A", LastUse: at(1, 0, 0).AddDate(0, -2, 0), Kind: Device})
		b.AddAssignment(Assignment{Identity: "old-user", Feature: "A", LastUse: at(1, 0, 0).AddDate(0, -2, 0), Kind: User})
		b.AddEvent(out(at(10, 9, 0), "A", "kiosk-1"))
		b.AddAssignment(Assignment{Identity: "both", Feature: "A", LastUse: at(10, 9, 0), Kind: User})
		b.AddAssignment(Assignment{Identity: "BOTH", Feature: "A", LastUse: at(11, 9, 0), Kind: Device})
		diffLines(t, "report", reportLines(b.Report()), []string{
			"id both device A 2026-11-10T09:00:00-05:00..2026-11-11T09:00:00-05:00",
			"id KIOSK-1 device A 2026-11-10T09:00:00-05:00..2026-11-10T09:00:00-05:00",
			"feature A users=0 devices=2",
			"day 2026-11-10 users=0 devices=2",
			"day 2026-11-11 users=0 devices=1",
			`denied=0 undated=0 skipped=0 malformed=0 version=""`,
		})
	})

	t.Run("stats add up; the latest start line's version wins", func(t *testing.T) {
		b := NewBuilder(nov)
		b.AddStats(LogStats{Undated: 2, Skipped: 1, Version: "11.19.9.0", Started: at(20, 0, 0)})
		b.AddStats(LogStats{Undated: 3, Malformed: 4, Version: "11.19.8.0", Started: at(2, 0, 0)})
		b.AddStats(LogStats{Undated: 1})
		rep := b.Report()
		if rep.Undated != 6 || rep.Skipped != 1 || rep.Malformed != 4 || rep.Version != "11.19.9.0" {
			t.Errorf("got undated=%d skipped=%d malformed=%d version=%q", rep.Undated, rep.Skipped, rep.Malformed, rep.Version)
		}
	})

	t.Run("Report can be called twice and the builder goes on", func(t *testing.T) {
		b := NewBuilder(nov)
		b.AddEvent(out(at(3, 9, 0), "A", "u"))
		first := reportLines(b.Report())
		if again := reportLines(b.Report()); !reflect.DeepEqual(first, again) {
			t.Errorf("second Report differs:\n%q\n%q", first, again)
		}
		b.AddEvent(out(at(4, 9, 0), "A", "v"))
		if n := len(b.Report().Identities); n != 2 {
			t.Errorf("after another event: %d identities, want 2", n)
		}
	})

	t.Run("a zero Month counts nothing and does not panic", func(t *testing.T) {
		b := NewBuilder(Month{})
		b.AddEvent(out(at(3, 9, 0), "A", "u"))
		if rep := b.Report(); len(rep.Identities) != 0 || len(rep.Days) != 0 {
			t.Errorf("got %+v", rep)
		}
	})
}

// TestFullWidthSpellingIsOneIdentity: usage folds names as the scrambler
// does, so a full-width spelling is the same person, not a second pseudonym.
func TestFullWidthSpellingIsOneIdentity(t *testing.T) {
	m := MonthOf(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), time.UTC)
	b := NewBuilder(m)
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	b.AddEvent(Event{Time: at, Op: Out, Feature: "XDT_PLT_UD", Identity: "alice@corp.example"})
	b.AddEvent(Event{Time: at.Add(time.Hour), Op: Out, Feature: "XDT_PLT_UD", Identity: "ａｌｉｃｅ@corp.example"})
	b.AddEvent(Event{Time: at.Add(2 * time.Hour), Op: Out, Feature: "XDT_PLT_UD", Identity: "ALİCE@corp.example"})
	r := b.Report()
	if len(r.Identities) != 2 || r.Identities[0].Name != "alice" {
		t.Errorf("identities %+v: want alice (with its full-width spelling) and the dotted-İ name apart", r.Identities)
	}
}

// The spelling table's records are its slots: one cache line each is what
// makes a checkout's lookup one miss (see spellings).
func TestSpellingIsOneCacheLine(t *testing.T) {
	if size := unsafe.Sizeof(spelling{}); size != 64 {
		t.Errorf("spelling is %d bytes, want 64", size)
	}
	// And it holds no pointer, so the collector never reads the table.
	rt := reflect.TypeOf(spelling{})
	for i := range rt.NumField() {
		switch k := rt.Field(i).Type.Kind(); k {
		case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
			t.Errorf("spelling.%s is a %v: the table would hold pointers", rt.Field(i).Name, k)
		}
	}
}

// A tally is two cache lines: what a checkout touches in the first 72
// bytes, its one host beside its names.
func TestTallyIsTwoCacheLines(t *testing.T) {
	if size := unsafe.Sizeof(tally{}); size != 128 {
		t.Errorf("a tally is %d bytes, want 128", size)
	}
}

// hostList is the distinct hosts in the order first seen, with one held in
// the tally and more in its tallyMore.
func TestTallyHosts(t *testing.T) {
	for _, tc := range []struct {
		add  []string
		want []string
	}{
		{nil, nil},
		{[]string{"ddc01"}, []string{"ddc01"}},
		{[]string{"ddc01", "ddc01"}, []string{"ddc01"}},
		{[]string{"ddc01", "ddc02", "ddc01", "ddc03", "ddc02"}, []string{"ddc01", "ddc02", "ddc03"}},
	} {
		var tl tally
		for _, h := range tc.add {
			tl.addHost(h)
		}
		if got := tl.hostList(); !slices.Equal(got, tc.want) || (len(tc.add) == 1 && tl.more != nil) {
			t.Errorf("add %q: hosts %q (more %v), want %q", tc.add, got, tl.more != nil, tc.want)
		}
	}
}

// find is findHash with the hash computed, for tests.
func (s *spellings) find(token []byte) *spelling { return s.findHash(token, s.hash(token)) }

// The table finds every token it was given, short and long, through its
// growth, and nothing it was not.
func TestSpellingsFindWhatWasAdded(t *testing.T) {
	s := newSpellings()
	token := func(i int) string {
		if i%5 == 0 {
			return fmt.Sprintf("user%06d@a-host-name-long-enough-to-pass-the-inline-bytes.example", i)
		}
		return fmt.Sprintf("user%06d@ws%d", i, i%7)
	}
	const n = 5000
	for i := range n {
		if s.find([]byte(token(i))) != nil {
			t.Fatalf("%s found before it was added", token(i))
		}
		sp := s.add(spelling{machine: i%3 == 0}, spellingText{token: token(i), name: fmt.Sprint(i)}, s.hash([]byte(token(i))))
		if sp.machine != (i%3 == 0) {
			t.Fatalf("add(%d) returned another record", i)
		}
	}
	for i := range n {
		sp := s.find([]byte(token(i)))
		if sp == nil || s.textOf(sp).token != token(i) || s.textOf(sp).name != fmt.Sprint(i) || sp.machine != (i%3 == 0) {
			t.Fatalf("find(%s) = %+v", token(i), sp)
		}
	}
	for _, missing := range []string{"", "user000001@ws", "USER000001@ws1", token(n), token(0) + "x", token(0)[:tokenInline]} {
		if sp := s.find([]byte(missing)); sp != nil {
			t.Errorf("find(%q) found %q", missing, s.textOf(sp).token)
		}
	}
}

// Feature spellings resolve to one index each, however many there are and
// however the cache in front of the index collides.
func TestFeatureIndexBytes(t *testing.T) {
	b := NewBuilder(MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC))
	name := func(i int) string {
		switch i % 3 {
		case 0:
			return fmt.Sprintf("F%d", i) // shorter than 8 bytes
		case 1:
			return fmt.Sprintf("XDT_PLT_UD_%04d", i)
		}
		return fmt.Sprintf("A_FEATURE_NAME_LONGER_THAN_SIXTEEN_%d", i)
	}
	want := map[string]int32{}
	for round := range 3 {
		for i := range 200 {
			got := b.featureIndexBytes([]byte(name(i)))
			if round == 0 {
				want[name(i)] = got
			}
			if got != want[name(i)] || b.featNames[got] != name(i) {
				t.Fatalf("round %d: %s is feature %d (%q), want %d", round, name(i), got, b.featNames[got], want[name(i)])
			}
		}
	}
	if got := b.featureIndexBytes([]byte("xdt_plt_ud_0001")); b.featNames[got] != "XDT_PLT_UD_0001" {
		t.Errorf("a spelling in another case is %q, want the first spelling's feature", b.featNames[got])
	}
}

// keyIndex numbers keys in the order interned and finds each again
// through its growth; a key never interned is new.
func TestKeyIndex(t *testing.T) {
	x := newKeyIndex()
	const n = 10000
	for i := range n {
		key := fmt.Sprintf("k%d", i)
		if got, added := x.intern(key); !added || got != uint32(i) {
			t.Fatalf("intern(%s), new = %d, %v; want %d, true", key, got, added, i)
		}
	}
	for i := range n {
		if got, added := x.intern(fmt.Sprintf("k%d", i)); added || got != uint32(i) {
			t.Fatalf("intern(k%d) again = %d, %v", i, got, added)
		}
	}
	for i, key := range []string{"", "k", "k10000", "K1"} {
		if got, added := x.intern(key); !added || got != uint32(n+i) {
			t.Errorf("intern(%q), never added = %d, %v; want %d, true", key, got, added, n+i)
		}
	}
	if x.keys.n != n+4 {
		t.Errorf("%d keys, want %d", x.keys.n, n+4)
	}
}

// A lease is exact whatever its date: in its slot while the feature's uses
// fall in the slots' range, in the list from a use outside it on, and the
// latest use wins either way.
func TestLeaseSlotsAndSpill(t *testing.T) {
	at := func(s string) int64 { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).Unix() + int64(len(s)) }
	past := time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC).Unix() // before leaseEpoch
	future := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()    // after the 32 bits
	for _, tc := range []struct {
		name     string
		uses     []int64
		assigned []bool
		want     int64
	}{
		{"in range", []int64{at("a"), at("abc"), at("ab")}, []bool{false, false, true}, at("abc")},
		{"in range, then before 2000", []int64{at("abc"), past}, []bool{true, false}, at("abc")},
		{"before 2000, then in range", []int64{past, at("a")}, []bool{false, false}, at("a")},
		{"after 2136", []int64{at("a"), future, at("ab")}, []bool{false, false, false}, future},
		{"the epoch itself", []int64{leaseEpoch}, []bool{false}, leaseEpoch},
	} {
		for _, feature := range []int32{0, leaseSlots - 1, leaseSlots, 70} {
			var tl tally
			assigned := false
			for i, sec := range tc.uses {
				tl.lease(feature, sec, tc.assigned[i])
				assigned = assigned || tc.assigned[i]
			}
			tl.lease(feature+1, at("x"), false) // a neighbour that must not be disturbed
			got := tl.appendLeases(nil)
			if tl.leaseCount() != 2 || len(got) != 2 {
				t.Fatalf("%s, feature %d: %d leases %+v, want 2", tc.name, feature, tl.leaseCount(), got)
			}
			l := leaseOf(&tl, feature)
			if l.feature != feature || l.last != tc.want || l.assigned != assigned {
				t.Errorf("%s, feature %d: lease %+v, want last %d assigned %v", tc.name, feature, l, tc.want, assigned)
			}
			if n := leaseOf(&tl, feature+1); n.last != at("x") || n.assigned {
				t.Errorf("%s, feature %d: the neighbour's lease is %+v", tc.name, feature, n)
			}
		}
	}
}

// keyOrder sorts as strings.Compare does, ties of its 16-byte prefixes
// included: a name that is another's prefix, zero bytes, names that share
// 16 bytes, multi-byte runes.
func TestKeyOrder(t *testing.T) {
	names := []string{
		"user01234@corp.example", "user01234@corp.exampl", "user01234@corp.e", "user01234@corp.", "user01234",
		"user0123", "user01230@corp.example", "", "a", "a\x00", "a\x00\x00", "ab", "ä", "aé", "\xff",
		"0123456789abcdef", "0123456789abcdef0", "0123456789abcdef\x00", "0123456789abcdee\xff",
	}
	b := NewBuilder(MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC))
	for _, n := range names {
		b.newTally(n, n)
	}
	order := b.keyOrder()
	got := make([]string, len(order))
	for i, ti := range order {
		got[i] = b.tallies.at(ti).folded
	}
	want := slices.Clone(names)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("keyOrder gives\n%q\nwant\n%q", got, want)
	}

	// Many names from a small alphabet: shared prefixes, ties on 8 and on
	// 16 bytes, every length up to 20, bytes the radix passes all see.
	r := rand.New(rand.NewPCG(7, 11))
	seen := map[string]bool{}
	b = NewBuilder(MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC))
	names = names[:0]
	for len(names) < 20000 {
		n := make([]byte, r.IntN(21))
		for i := range n {
			n[i] = "\x00ab\xffz"[r.IntN(5)]
		}
		if !seen[string(n)] {
			seen[string(n)] = true
			names = append(names, string(n))
			b.newTally(string(n), string(n))
		}
	}
	got = got[:0]
	for _, ti := range b.keyOrder() {
		got = append(got, b.tallies.at(ti).folded)
	}
	want = slices.Clone(names)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("keyOrder of %d random names is not their sorted order", len(names))
	}
}

// permute puts the value at order[i] at i, along cycles of every length.
func TestSlabsPermute(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, slabSize - 1, slabSize, 3*slabSize + 7} {
		var s slabs[int]
		for i := range n {
			*s.add() = i * 10
		}
		order := make([]uint32, n)
		for i := range order {
			order[i] = uint32(i)
		}
		rand.New(rand.NewPCG(uint64(n), 1)).Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		s.permute(order)
		for i := range n {
			if got, want := *s.at(uint32(i)), int(order[i])*10; got != want {
				t.Fatalf("n=%d: at(%d) = %d, want %d", n, i, got, want)
			}
		}
	}
}

// hugeTable is make([]T, n) whatever it does about pages: n zero values,
// its own length and capacity, writable to the end.
func TestHugeTable(t *testing.T) {
	for _, n := range []int{0, 1, 1<<18 - 1, 1 << 18, 3<<18 + 5} {
		s := hugeTable[uint64](n)
		if len(s) != n || cap(s) != n {
			t.Fatalf("n=%d: len %d cap %d", n, len(s), cap(s))
		}
		for i := range s {
			if s[i] != 0 {
				t.Fatalf("n=%d: slot %d is %d, want 0", n, i, s[i])
			}
			s[i] = uint64(i)
		}
		for i := range s {
			if s[i] != uint64(i) {
				t.Fatalf("n=%d: slot %d changed", n, i)
			}
		}
	}
	if s := hugeTable[spelling](1 << 16); len(s) != 1<<16 || s[len(s)-1].idx1 != 0 {
		t.Errorf("spelling table: len %d", len(s))
	}
}
