package usage

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestDatingSources: every way a debug log gives the date (DOMAIN.md §4.2).
func TestDatingSources(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		name string
		log  string
		want []string
		und  int
	}{
		{
			name: "Server's System Date and Time, with a time of day in front",
			log: " 7:57:59 (lmgrd) Server's System Date and Time: Mon Nov 02 2026 07:57:59 W. Europe Standard Time\n" +
				" 8:00:00 (CITRIX) OUT: \"A\" u@h\n",
			want: []string{"2 2026-11-02T08:00:00Z OUT A u@h"},
		},
		{
			name: "Server's System Date and Time without one: the message's clock",
			log: "(lmgrd) Server's System Date and Time: Mon Nov 02 2026 23:59:00 W. Europe Standard Time\n" +
				" 0:00:05 (CITRIX) OUT: \"A\" u@h\n", // after midnight
			want: []string{"2 2026-11-03T00:00:05Z OUT A u@h"},
		},
		{
			name: "SLOG Start-Date",
			log: " 7:58:00 (lmgrd) (@lmgrd-SLOG@) === LMGRD ===\n" +
				" 7:58:00 (lmgrd) (@lmgrd-SLOG@) Start-Date: Tue Sep 01 2026 07:58:00 W. Europe Standard Time\n" +
				" 7:58:00 (lmgrd) (@lmgrd-SLOG@) PID: 4242\n" +
				" 9:00:00 (CITRIX) OUT: \"A\" u@h\n",
			want: []string{"4 2026-09-01T09:00:00Z OUT A u@h"},
		},
		{
			name: "the vendor daemon's SLOG block",
			log: " 7:58:02 (CITRIX) (@CITRIX-SLOG@) Start-Date: Tue Sep 01 2026 07:58:02 W. Europe Standard Time\n" +
				" 9:00:00 (CITRIX) OUT: \"A\" u@h\n" +
				" 9:00:01 (CITRIX) (@CITRIX-SLOG@) Start-Date: not a date\n",
			want: []string{"2 2026-09-01T09:00:00Z OUT A u@h"},
		},
		{
			name: "a leading ISO 8601 time dates its line and the ones after it",
			log: "2026-09-05T12:13:14-04:00 (CITRIX) OUT: \"A\" u@h\n" +
				"12:20:00 (CITRIX) IN: \"A\" u@h\n" +
				"2026-09-07T01:02:03.123Z (CITRIX) OUT: \"A\" v@h\n" +
				"2026-09-08T10:00:00 (CITRIX) OUT: \"A\" w@h\n",
			want: []string{
				"1 2026-09-05T12:13:14Z OUT A u@h", // the wall clock as written, in the scan's zone
				"2 2026-09-05T12:20:00Z IN A u@h",
				"3 2026-09-07T01:02:03Z OUT A v@h",
				"4 2026-09-08T10:00:00Z OUT A w@h",
			},
		},
		{
			name: "the start line, then TIMESTAMP from the vendor daemon",
			log: " 8:00:00 (lmgrd) FlexNet Licensing (v11.19.8.0 build 310455 x64_n6) started on HOST (IBM PC) (11/2/2026)\n" +
				"23:00:00 (CITRIX) OUT: \"A\" u@h\n" +
				" 0:10:00 (CITRIX) TIMESTAMP 11/3/2026\n" +
				" 1:00:00 (CITRIX) OUT: \"A\" v@h\n",
			want: []string{"1 2026-11-02T08:00:00Z RESTART", "2 2026-11-02T23:00:00Z OUT A u@h", "4 2026-11-03T01:00:00Z OUT A v@h"},
		},
		{
			name: "only checkout events before a date are undated; QUEUED and UPGRADE are not checkouts",
			log: " 7:57:59 (lmgrd) -----------------------------------------------\n" +
				" 7:57:59 (lmgrd)   Please Note:\n" +
				" 7:57:59 (CITRIX) QUEUED: \"A\" q@h  (Licensed number of users already reached. (-4,342))\n" +
				" 7:58:00 (CITRIX) OUT: \"A\" early@h\n" +
				" 7:58:01 (CITRIX) UNSUPPORTED: \"B\" (PORT_AT_HOST_PLUS   ) adm@h  (x)\n" +
				" 8:00:00 (lmgrd) TIMESTAMP 11/2/2026\n" +
				" 8:01:00 (CITRIX) UPGRADE: \"A\" u@h  (1->2 licenses)\n" +
				" 8:02:00 (CITRIX) DEQUEUED: \"A\" q@h\n",
			und: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, stats := scanAll(t, strings.NewReader(tt.log), utc)
			diffLines(t, "events", got, tt.want)
			if stats.Undated != tt.und {
				t.Errorf("undated %d, want %d", stats.Undated, tt.und)
			}
		})
	}
}

// TestCheckoutTails: what follows the identity (DOMAIN.md §4.3).
func TestCheckoutTails(t *testing.T) {
	log := " 8:00:00 (lmgrd) TIMESTAMP 11/2/2026\n" +
		" 8:14:51 (CITRIX) OUT: \"XDT_PLT_UD\" jsmith@DDC01 [5e3a9c10]\n" +
		" 8:20:07 (CITRIX) OUT: \"MPS_ENT_CCU\" mlopez@XA65-01  (3 licenses)\n" +
		" 8:20:08 (CITRIX) OUT: \"MPS_ENT_CCU\" mlopez@XA65-01  (1 license)\n" +
		"10:05:00 (CITRIX) IN: \"MPS_ENT_CCU\" mlopez@XA65-01  (INACTIVE)\n" +
		"10:06:00 (CITRIX) OUT: MPS_ENT_CCU unquoted@XA65-01\n" +
		"10:07:00 (CITRIX) OUT: \"XDT_PLT_UD\" vera@DDC01  ^^^ Checkout of XDT_PLT_UD ^^^\n" +
		"10:08:00 (CITRIX) OUT: \"XDT_PLT_UD\" [deadbeef]\n" // no identity, a handle: malformed
	got, stats := scanAll(t, strings.NewReader(log), time.UTC)
	diffLines(t, "events", got, []string{
		"2 2026-11-02T08:14:51Z OUT XDT_PLT_UD jsmith@DDC01",
		"3 2026-11-02T08:20:07Z OUT MPS_ENT_CCU mlopez@XA65-01 x3",
		"4 2026-11-02T08:20:08Z OUT MPS_ENT_CCU mlopez@XA65-01",
		"5 2026-11-02T10:05:00Z IN MPS_ENT_CCU mlopez@XA65-01",
		"6 2026-11-02T10:06:00Z OUT MPS_ENT_CCU unquoted@XA65-01",
		"7 2026-11-02T10:07:00Z OUT XDT_PLT_UD vera@DDC01",
	})
	if stats.Malformed != 1 {
		t.Errorf("malformed %d, want 1", stats.Malformed)
	}
}

// TestInUseFromTheLog: identities, connections, open checkouts, peaks and
// leases, as the Builder reads them from events.
func TestInUseFromTheLog(t *testing.T) {
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	ev := func(tm time.Time, op Op, f, who string, n int) Event {
		return Event{Time: tm, Op: op, Feature: f, Identity: who, Licenses: n}
	}
	tests := []struct {
		name   string
		keep   bool
		events []Event
		check  func(t *testing.T, r *Report)
	}{
		{
			name: "one person through two controllers, with DOMAIN\\ and UPN spellings",
			events: []Event{
				ev(at(2, 8, 0), Out, "XDT_PLT_UD", "jsmith@DDC01", 1),
				ev(at(2, 8, 1), Out, "XDT_PLT_UD", "JSmith@DDC02", 1),
				ev(at(2, 8, 2), Out, "xdt_plt_ud", `CORP\jsmith@DDC01`, 1),
				ev(at(2, 8, 3), Out, "XDT_PLT_UD", "jsmith@corp.example@DDC03", 1),
			},
			check: func(t *testing.T, r *Report) {
				if len(r.Identities) != 1 || r.Identities[0].Name != "jsmith" || strings.Join(r.Identities[0].Via, ",") != "DDC01,DDC02,DDC03" {
					t.Errorf("identities %+v; want one jsmith via DDC01,DDC02,DDC03", r.Identities)
				}
				if len(r.Features) != 1 || r.Features[0].Users != 1 {
					t.Errorf("features %+v; want XDT_PLT_UD (any case) with 1 user", r.Features)
				}
			},
		},
		{
			name: "domain_truncation false keeps domains apart",
			keep: true,
			events: []Event{
				ev(at(2, 8, 0), Out, "XDT_PLT_UD", "jsmith@DDC01", 1),
				ev(at(2, 8, 2), Out, "XDT_PLT_UD", `CORP\jsmith@DDC01`, 1),
				ev(at(2, 8, 3), Out, "XDT_PLT_UD", "jsmith@corp.example@DDC01", 1),
			},
			check: func(t *testing.T, r *Report) {
				var names []string
				for _, id := range r.Identities {
					names = append(names, id.Name)
				}
				diffLines(t, "names", names, []string{`CORP\jsmith`, "jsmith", "jsmith@corp.example"})
			},
		},
		{
			name: "the start-up licence and machine accounts are connections",
			events: []Event{
				ev(at(2, 7, 58), Out, "CITRIX", "DDC01$@DDC01", 1),
				ev(at(2, 7, 59), Out, "CITRIX", "DDC01$@DDC01", 1),
				ev(at(2, 7, 59), Out, "XDT_PLT_UD", `CORP\XA01$@XA01`, 1),
				ev(at(2, 8, 0), Out, "MPS_ENT_CCU", "svc$@XA01", 1),
			},
			check: func(t *testing.T, r *Report) {
				if len(r.Identities) != 0 || len(r.LastUses) != 0 || len(r.Open) != 0 || len(r.Peaks) != 0 {
					t.Errorf("connections counted as use: %+v", r)
				}
				var got []string
				for _, c := range r.Connections {
					got = append(got, c.Feature+"@"+c.Host+"="+string(rune('0'+c.Checkouts)))
				}
				diffLines(t, "connections", got, []string{"CITRIX@DDC01=2", "MPS_ENT_CCU@XA01=1", "XDT_PLT_UD@XA01=1"})
			},
		},
		{
			name: "a concurrent OUT/IN pair leaves nothing open; N licences; a restart closes all; the peak per day",
			events: []Event{
				ev(at(1, 9, 0), Out, "MPS_ENT_CCU", "a@XA01", 1),
				ev(at(1, 9, 30), In, "MPS_ENT_CCU", "A@xa01", 1), // its IN, in another case
				ev(at(2, 9, 0), Out, "MPS_ENT_CCU", "b@XA01", 2),
				ev(at(2, 9, 5), Out, "MPS_ENT_CCU", "c@XA01", 1),
				{Time: at(3, 7, 0)}, // a restart
				ev(at(3, 9, 0), Out, "MPS_ENT_CCU", "d@XA01", 1),
				ev(at(3, 9, 1), In, "MPS_ENT_CCU", "nobody@XA01", 1), // an IN without its OUT changes nothing
			},
			check: func(t *testing.T, r *Report) {
				if len(r.Open) != 1 || r.Open[0].User != "d" || r.Open[0].Host != "XA01" {
					t.Errorf("open %+v; want d's only", r.Open)
				}
				if len(r.Peaks) != 1 || r.Peaks[0].Month != 3 || r.Peaks[0].Days[0] != 1 || r.Peaks[0].Days[1] != 3 || r.Peaks[0].Days[2] != 3 || r.Peaks[0].Days[3] != 1 {
					t.Errorf("peaks %+v; want 1, 3, 3 (until the restart), then 1", r.Peaks)
				}
			},
		},
		{
			name: "user/device checkouts are leases, not open checkouts; the last use counts whatever the month",
			events: []Event{
				ev(time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC), Out, "XDT_PLT_UD", "sixty@DDC01", 1),
				ev(time.Date(2026, 9, 28, 9, 30, 0, 0, time.UTC), In, "XDT_PLT_UD", "sixty@DDC01", 1),
				ev(at(2, 8, 0), Out, "XDT_PLT_UD", "now@DDC01", 1),
			},
			check: func(t *testing.T, r *Report) {
				if len(r.Open) != 0 || len(r.LastUses) != 2 || r.LastUses[1].Key != "sixty" || r.LastUses[1].Last.Month() != time.September {
					t.Errorf("open %+v, last uses %+v; want none open, sixty last used in September", r.Open, r.LastUses)
				}
				if len(r.Identities) != 1 || r.LogsFrom.Month() != time.September {
					t.Errorf("identities %+v, logs from %v", r.Identities, r.LogsFrom)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder(nov)
			b.KeepDomains = tt.keep
			for _, e := range tt.events {
				b.AddEvent(e)
			}
			tt.check(t, b.Report())
		})
	}
}

// TestUdadminIdentities: udadmin's bare names merge with the log's, a
// device keeps its name whole, a machine account is no user.
func TestUdadminIdentities(t *testing.T) {
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	b := NewBuilder(nov)
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	b.AddEvent(Event{Time: at, Op: Out, Feature: "XDT_PLT_UD", Identity: "JSmith@DDC01", Licenses: 1})
	b.AddAssignment(Assignment{Identity: "jsmith", Feature: "XDT_PLT_UD", LastUse: at, Kind: User})
	b.AddAssignment(Assignment{Identity: `CORP\jsmith`, Feature: "XDT_PLT_UD", LastUse: at, Kind: User})
	b.AddAssignment(Assignment{Identity: `LAB\CLIENT-0042`, Feature: "XDT_PLT_UD", LastUse: at, Kind: Device})
	b.AddAssignment(Assignment{Identity: "DDC01$", Feature: "XDT_PLT_UD", LastUse: at, Kind: User})
	r := b.Report()
	var names []string
	for _, id := range r.Identities {
		names = append(names, id.Name+"/"+id.Kind.String())
	}
	diffLines(t, "identities", names, []string{"JSmith/user", `LAB\CLIENT-0042/device`})
	assigned := 0
	for _, lu := range r.LastUses {
		if lu.Assigned {
			assigned++
		}
	}
	if !r.Udadmin || assigned != 2 || len(r.Connections) != 1 {
		t.Errorf("udadmin %v, %d assigned, connections %+v; want 2 assigned (jsmith, the device), DDC01$ a connection", r.Udadmin, assigned, r.Connections)
	}
}

// TestLogsReadOldestFirst: last month's log (with its restart) must not end
// this month's open checkouts, whatever order the files are named in.
func TestLogsReadOldestFirst(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	current := write("citrix.log", " 0:00:01 (lmgrd) FlexNet Licensing (v11.19.8.0) started on h (x) (11/1/2026)\n"+
		" 9:00:00 (CITRIX) OUT: \"MPS_ENT_CCU\" ann@XA01\n")
	older := write("citrix_2026-10.log", " 0:00:01 (lmgrd) FlexNet Licensing (v11.19.8.0) started on h (x) (10/1/2026)\n"+
		" 9:00:00 (CITRIX) OUT: \"MPS_ENT_CCU\" old@XA01\n")
	undated := write("aaa.log", "no date here\n")
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	rep, problems, err := Read(ReadOptions{Month: nov, Logs: []string{undated, current, older}, Location: time.UTC})
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	if len(rep.Open) != 1 || rep.Open[0].User != "ann" {
		t.Errorf("open %+v; want ann's (old's ended with November's restart)", rep.Open)
	}
	if got := oldestFirst([]string{undated, current, older}, time.UTC); strings.Join(got, ",") != strings.Join([]string{older, current, undated}, ",") {
		t.Errorf("order %q", got)
	}
}

// TestNowEndsTheReport: with a clock in the past, later events have not
// happened yet.
func TestNowEndsTheReport(t *testing.T) {
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	b := NewBuilder(nov)
	b.SetUntil(time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC))
	b.AddEvent(Event{Time: time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC), Op: Out, Feature: "MPS_ENT_CCU", Identity: "a@h", Licenses: 1})
	b.AddEvent(Event{Time: time.Date(2026, 11, 10, 13, 0, 0, 0, time.UTC), Op: In, Feature: "MPS_ENT_CCU", Identity: "a@h", Licenses: 1})
	b.AddEvent(Event{Time: time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC), Op: Out, Feature: "XDT_PLT_UD", Identity: "later@h", Licenses: 1})
	r := b.Report()
	if len(r.Open) != 1 || len(r.Identities) != 1 || r.Peaks[0].Days[9] != 1 || r.Peaks[0].Days[10] != 0 {
		t.Errorf("open %+v identities %+v peaks %+v; want a's checkout open at noon on the 10th, nothing after", r.Open, r.Identities, r.Peaks)
	}
}
