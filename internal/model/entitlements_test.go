package model

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/usage"
)

func line(feature, lt string, count, odp int, expires licfile.Date, css licfile.Date) *licfile.Line {
	l := &licfile.Line{Keyword: "INCREMENT", Feature: feature, Vendor: "CITRIX", Count: count, ODP: odp,
		LicenseType: lt, Expires: expires, Permanent: expires.IsZero(), CSSDate: css, Serial: "SN-" + feature,
		File: "MyFiles/a.lic", LineNo: 1}
	l.Uncounted = count == 0
	l.Name = licfile.DecodeFeature(feature)
	return l
}

// report is what the Builder gives for identities that each checked out
// their features once at LastSeen and never checked in: this month's
// identities, a lease per user/device feature, an open checkout per
// concurrent one.
func report(month usage.Month, ids ...usage.Identity) *usage.Report {
	r := &usage.Report{Month: month, Identities: ids}
	for _, id := range ids {
		for _, f := range id.Features {
			if licfile.KeyOf(licfile.DecodeFeature(f)).Concurrent() {
				r.Open = append(r.Open, usage.Checkout{Feature: f, Identity: id.Name + "@DDC01", User: id.Name, Host: "DDC01", Start: id.LastSeen, Licenses: 1})
			} else {
				r.LastUses = append(r.LastUses, usage.LastUse{Feature: f, Key: id.Name, Last: id.LastSeen})
			}
		}
	}
	return r
}

func ident(name string, last time.Time, features ...string) usage.Identity {
	return usage.Identity{Name: name, Features: features, FirstSeen: last, LastSeen: last}
}

func TestEntitlements(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	month := usage.MonthOf(now, time.UTC)
	css1 := licfile.Date{Year: 2027, Month: 6, Day: 30}
	css2 := licfile.Date{Year: 2026, Month: 12, Day: 15}
	past := licfile.Date{Year: 2026, Month: 11, Day: 10}
	day := now.Add(-time.Hour)

	tests := []struct {
		name  string
		lines []*licfile.Line
		users []usage.Identity
		want  []Entitlement // only the numeric parts and Feature are compared
	}{
		{
			name:  "overdraft is floor(count×ODP/100) and available counts it",
			lines: []*licfile.Line{line("MPS_ENT_CCU", "Retail", 15, 10, licfile.Date{}, css1)},
			users: []usage.Identity{ident("a", day, "MPS_ENT_CCU"), ident("b", day, "MPS_ENT_CCU")},
			want:  []Entitlement{{Feature: "MPS_ENT_CCU", Installed: 15, Overdraft: 1, InUse: 2, Available: 14}},
		},
		{
			name: "XDS/XDT pair counts once, XDS checkouts count against it",
			lines: []*licfile.Line{
				line("XDT_PLT_UD", "Retail", 100, 10, licfile.Date{}, css1),
				line("XDS_PLT_UD", "Retail", 100, 10, licfile.Date{}, css1),
			},
			users: []usage.Identity{ident("a", day, "XDT_PLT_UD"), ident("b", day, "XDS_PLT_UD"), ident("c", day, "XDS_PLT_UD", "XDT_PLT_UD")},
			want:  []Entitlement{{Feature: "XDT_PLT_UD", Installed: 100, Overdraft: 10, InUse: 3, Available: 107}},
		},
		{
			name: "feature names compare case-insensitively: a lower-case line joins its entitlement, a lower-case XDS twin pairs",
			lines: []*licfile.Line{
				line("XDT_PLT_UD", "Retail", 100, 10, licfile.Date{}, css1),
				line("xdt_plt_ud", "Retail", 50, 10, licfile.Date{}, css1),
				line("xds_plt_ud", "Retail", 100, 10, licfile.Date{}, css1),
			},
			users: []usage.Identity{ident("a", day, "XDT_PLT_UD"), ident("b", day, "xds_plt_ud")},
			want:  []Entitlement{{Feature: "XDT_PLT_UD", Installed: 150, Overdraft: 15, InUse: 2, Available: 163}},
		},
		{
			name: "identities sharing one Features list (as the Builder's report shares them) each count once",
			lines: []*licfile.Line{
				line("XDT_PLT_UD", "Retail", 100, 10, licfile.Date{}, css1),
				line("XDS_PLT_UD", "Retail", 100, 10, licfile.Date{}, css1),
			},
			users: func() []usage.Identity {
				both := []string{"XDS_PLT_UD", "XDT_PLT_UD"}
				return []usage.Identity{
					{Name: "a", Features: both, FirstSeen: day, LastSeen: day}, {Name: "b", Features: both, FirstSeen: day, LastSeen: day},
					{Name: "c", Features: both[1:], FirstSeen: day, LastSeen: day}, ident("d", day, "XDS_PLT_UD"),
				}
			}(),
			want: []Entitlement{{Feature: "XDT_PLT_UD", Installed: 100, Overdraft: 10, InUse: 4, Available: 106}},
		},
		{
			name:  "startup licence is not an entitlement",
			lines: []*licfile.Line{line("CITRIX", "SYS", 0, 0, licfile.Date{}, licfile.Date{})},
			want:  nil,
		},
		{
			name:  "expired lines are not installed",
			lines: []*licfile.Line{line("XDT_ADV_UD", "Eval", 10, 0, past, licfile.Date{})},
			users: []usage.Identity{ident("a", day, "XDT_ADV_UD")},
			want:  []Entitlement{{Feature: "XDT_ADV_UD", Installed: 0, Expired: 10, InUse: 1, Available: -1}},
		},
		{
			name: "users fill the newest CSS date first",
			lines: []*licfile.Line{
				line("MPS_PLT_CCU", "Retail", 2, 0, licfile.Date{}, css2),
				line("MPS_PLT_CCU", "Retail", 2, 0, licfile.Date{}, css1),
			},
			users: []usage.Identity{ident("a", day, "MPS_PLT_CCU"), ident("b", day, "MPS_PLT_CCU"), ident("c", day, "MPS_PLT_CCU")},
			want: []Entitlement{
				{Feature: "MPS_PLT_CCU", Installed: 2, InUse: 2, Available: 0},
				{Feature: "MPS_PLT_CCU", Installed: 2, InUse: 1, Available: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Entitlements(tt.lines, report(month, tt.users...), nil, now, nil)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d entitlements, want %d: %+v", len(got), len(tt.want), got)
			}
			month := 0
			for _, g := range got {
				month += g.ThisMonth
			}
			if len(got) > 0 && month != len(tt.users) {
				t.Errorf("this month sums to %d over the entitlements, want %d distinct identities", month, len(tt.users))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Feature != w.Feature || g.Installed != w.Installed || g.Overdraft != w.Overdraft ||
					g.Expired != w.Expired || g.InUse != w.InUse || g.Available != w.Available {
					t.Errorf("[%d] got %s inst=%d od=%d exp=%d use=%d avail=%d, want %s inst=%d od=%d exp=%d use=%d avail=%d",
						i, g.Feature, g.Installed, g.Overdraft, g.Expired, g.InUse, g.Available,
						w.Feature, w.Installed, w.Overdraft, w.Expired, w.InUse, w.Available)
				}
			}
		})
	}
}

func TestClassify(t *testing.T) {
	today := licfile.Date{Year: 2026, Month: 11, Day: 27}
	tests := []struct {
		date      licfile.Date
		permanent bool
		want      Urgency
		days      int
	}{
		{licfile.Date{Year: 2026, Month: 11, Day: 26}, false, Expired, -1},
		{today, false, Expiring, 0},
		{licfile.Date{Year: 2026, Month: 12, Day: 27}, false, Expiring, 30},
		{licfile.Date{Year: 2026, Month: 12, Day: 28}, false, Upcoming, 31},
		{licfile.Date{Year: 2027, Month: 2, Day: 25}, false, Upcoming, 90},
		{licfile.Date{Year: 2027, Month: 2, Day: 26}, false, Later, 91},
		{licfile.Date{}, true, Permanent, 0},
	}
	for _, tt := range tests {
		got, days := Classify(tt.date, tt.permanent, today, 30)
		if got != tt.want || days != tt.days {
			t.Errorf("Classify(%s) = %s %d, want %s %d", tt.date, got, days, tt.want, tt.days)
		}
	}
}

func TestExpirationsSortedWithCSS(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	lines := []*licfile.Line{
		line("XDT_PLT_UD", "Retail", 10, 0, licfile.Date{}, licfile.Date{Year: 2027, Month: 1, Day: 1}),
		line("CXS_STD_CCS", "RetailS", 10, 0, licfile.Date{Year: 2026, Month: 12, Day: 5}, licfile.Date{Year: 2026, Month: 12, Day: 20}),
		line("CITRIX", "SYS", 0, 0, licfile.Date{}, licfile.Date{}),
	}
	got := Expirations(lines, now, 30)
	var order []string
	for _, e := range got {
		order = append(order, e.Line.Feature+"/"+e.What+"/"+e.Urgency.String())
	}
	want := []string{"CXS_STD_CCS/licence/expiring", "CXS_STD_CCS/css/expiring", "XDT_PLT_UD/css/upcoming", "XDT_PLT_UD/licence/permanent"}
	if len(order) != len(want) {
		t.Fatalf("got %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("got %v, want %v", order, want)
		}
	}
}

// TestInUseByModel: only user/device and named-user licences take
// udadmin's assignments; a SERVER licence is not assigned, so with udadmin
// read it counts from lmstat when listed, else this month's identities from
// the log (DOMAIN.md §4.4 covers UD/RN and CCU/CCS only).
func TestInUseByModel(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	month := usage.MonthOf(now, time.UTC)
	day := now.Add(-time.Hour)
	lines := []*licfile.Line{
		line("XDT_PLT_UD", "Retail", 10, 0, licfile.Date{}, licfile.Date{Year: 2027, Month: 1, Day: 1}),
		line("CNS_V1000_SERVER", "Retail", 2, 0, licfile.Date{}, licfile.Date{Year: 2027, Month: 1, Day: 1}),
	}
	rep := report(month, ident("a", day, "XDT_PLT_UD", "CNS_V1000_SERVER"))
	rep.Udadmin = true
	for i := range rep.LastUses {
		rep.LastUses[i].Assigned = rep.LastUses[i].Feature == "XDT_PLT_UD"
	}
	got := map[string]Entitlement{}
	for _, e := range Entitlements(lines, rep, nil, now, nil) {
		got[e.Feature] = e
	}
	if e := got["XDT_PLT_UD"]; e.InUseSource != InUseUdadmin || e.InUse != 1 {
		t.Errorf("XDT_PLT_UD in use %d from %q, want 1 from udadmin", e.InUse, e.InUseSource)
	}
	if e := got["CNS_V1000_SERVER"]; e.InUseSource != InUseLog || e.InUse != 1 {
		t.Errorf("CNS_V1000_SERVER in use %d from %q, want 1 (this month) from the log", e.InUse, e.InUseSource)
	}
}

// TestExpiredLineStillInUse: an expired line whose entitlement is in use
// (the model's in use: udadmin's 12 assignments, not the 1 identity seen
// this month) is CRITICAL and says how many.
func TestExpiredLineStillInUse(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 55, 0, 0, time.UTC)
	month := usage.MonthOf(now, time.UTC)
	expired := licfile.Date{Year: 2026, Month: 11, Day: 17}
	l := line("XDT_ADV_UD", "Eval", 25, 0, expired, expired)
	rep := report(month, ident("a", now.Add(-time.Hour), "XDT_ADV_UD"))
	rep.Udadmin = true
	rep.LastUses[0].Assigned = true
	for i := range 11 {
		rep.LastUses = append(rep.LastUses, usage.LastUse{Feature: "XDT_ADV_UD", Key: fmt.Sprint("old", i), Last: now.AddDate(0, 0, -40), Assigned: true})
	}
	s := &Snapshot{Now: now, Location: time.UTC, Lines: []*licfile.Line{l}, Usage: rep, licenceFolder: true}
	s.Entitlements = Entitlements(s.Lines, rep, nil, now, nil)
	s.Expirations = Expirations(s.Lines, now, 30)
	h := s.Health()
	if h.Status != Critical || len(h.Findings) == 0 || !strings.Contains(h.Findings[0].Message, "expired 2026-11-17 and is still in use by 12") {
		t.Errorf("health %s %+v, want CRITICAL \"expired 2026-11-17 and is still in use by 12\"", h.Status, h.Findings)
	}
	// Nothing in use: a WARNING that it expired.
	s.Usage = report(month)
	s.Entitlements = Entitlements(s.Lines, s.Usage, nil, now, nil)
	if h := s.Health(); h.Status != Warning {
		t.Errorf("unused expired line: %s %+v, want WARNING", h.Status, h.Findings)
	}
}

// TestHolders: the identities holding a key's features now, counted once
// each whether the runs come in the report's order (merged) or not (a set),
// and only those whose last use holds.
func TestHolders(t *testing.T) {
	// runs makes one run of last uses per list of keys; a key ending in
	// "-" has lapsed.
	runs := func(lists ...[]string) []lastUseRun {
		rep := &usage.Report{}
		var out []lastUseRun
		for _, l := range lists {
			from := len(rep.LastUses)
			for _, k := range l {
				rep.LastUses = append(rep.LastUses, usage.LastUse{Key: strings.TrimSuffix(k, "-"), Assigned: !strings.HasSuffix(k, "-")})
			}
			out = append(out, lastUseRun{rep, from, len(rep.LastUses)})
		}
		return out
	}
	for _, c := range []struct {
		what string
		runs []lastUseRun
		want int
	}{
		{"none", nil, 0},
		{"one feature", runs([]string{"b", "a", "c-"}), 2},
		{"XDS and XDT, sorted, overlapping", runs([]string{"a", "c", "d"}, []string{"b", "c", "e"}), 5},
		{"three sorted, one empty", runs([]string{"a", "b"}, nil, []string{"a", "b", "z"}), 3},
		{"sorted, lapsed in one feature, held in the other", runs([]string{"x-", "y"}, []string{"x", "y-"}), 2},
		{"sorted, lapsed in both", runs([]string{"x-", "y"}, []string{"x-"}), 1},
		{"out of order: a set", runs([]string{"c", "a"}, []string{"a", "b"}), 3},
		{"out of order, lapsed", runs([]string{"c", "a-"}, []string{"a-", "b"}), 2},
		{"one feature in two runs, out of order", runs([]string{"a"}, []string{"b"}, []string{"a"}), 2},
		{"out of order after a merged stretch", runs([]string{"a", "c", "b"}, []string{"b", "d"}), 4},
		{"out of order in the tail", runs([]string{"a"}, []string{"b", "c", "b-", "a"}), 3},
		{"a repeated key is out of order", runs([]string{"a", "a"}, []string{"a"}), 1},
	} {
		if got := holders(c.runs, func(lu *usage.LastUse) bool { return lu.Assigned }); got != c.want {
			t.Errorf("%s: holders = %d, want %d", c.what, got, c.want)
		}
	}
}

// TestEntitlementsFromBuilder: in use from the Builder's own report, whose
// last uses come feature by feature in key order (the merged path): a person
// on both XDS_PLT_UD and XDT_PLT_UD holds one licence, a lapsed lease none.
func TestEntitlementsFromBuilder(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	b := usage.NewBuilder(usage.MonthOf(now, time.UTC))
	out := func(at time.Time, feature, who string) {
		b.AddEvent(usage.Event{Time: at, Op: usage.Out, Feature: feature, Identity: who + "@DDC01", Licenses: 1})
	}
	day := now.AddDate(0, 0, -1)
	out(now.AddDate(0, 0, -120), "XDT_PLT_UD", "lapsed") // past the 90-day lease
	out(day, "XDS_PLT_UD", "ann")
	out(day, "XDT_PLT_UD", "ann")
	out(day, "XDT_PLT_UD", "bob")
	out(day, "XDS_PLT_UD", "cy")
	out(day, "XDS_PLT_UD", "dee")
	out(day, "XDT_PLT_UD", "dee")
	css := licfile.Date{Year: 2027, Month: 6, Day: 30}
	got := Entitlements([]*licfile.Line{line("XDT_PLT_UD", "Retail", 100, 10, licfile.Date{}, css), line("XDS_PLT_UD", "Retail", 100, 10, licfile.Date{}, css)}, b.Report(), nil, now, nil)
	if len(got) != 1 || got[0].InUse != 4 || got[0].ThisMonth != 4 || got[0].InUseSource != InUseLog {
		t.Fatalf("got %+v, want one entitlement: 4 in use from the log (ann, bob, cy, dee), 4 this month", got)
	}
}

// BenchmarkEntitlements: a real server's month, 100k identities on shared
// Features lists and a last use per identity and feature, in the report's
// order (by feature, then key).
func BenchmarkEntitlements(b *testing.B) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	lists := [][]string{{"XDT_PLT_UD"}, {"MPS_ENT_CCU", "XDT_PLT_UD"}, {"XDS_PLT_UD", "XDT_PLT_UD"}, {"XDS_PLT_UD"}}
	rep := &usage.Report{Month: usage.MonthOf(now, time.UTC)}
	byFeature := map[string][]usage.LastUse{}
	for i := range 100000 {
		id := usage.Identity{Name: fmt.Sprintf("user%06d", i), Features: lists[i%len(lists)], FirstSeen: now.AddDate(0, 0, -3), LastSeen: now.Add(-time.Duration(i) * time.Second)}
		id.Key = id.Name
		rep.Identities = append(rep.Identities, id)
		for _, f := range id.Features {
			byFeature[f] = append(byFeature[f], usage.LastUse{Feature: f, Key: id.Key, Last: id.LastSeen})
		}
	}
	for _, f := range []string{"MPS_ENT_CCU", "XDS_PLT_UD", "XDT_PLT_UD"} {
		rep.LastUses = append(rep.LastUses, byFeature[f]...)
	}
	css := licfile.Date{Year: 2027, Month: 6, Day: 30}
	lines := []*licfile.Line{line("XDT_PLT_UD", "Retail", 100000, 10, licfile.Date{}, css), line("XDS_PLT_UD", "Retail", 100000, 10, licfile.Date{}, css), line("MPS_ENT_CCU", "Retail", 50000, 10, licfile.Date{}, css)}
	b.ReportAllocs()
	for b.Loop() {
		if ents := Entitlements(lines, rep, nil, now, nil); len(ents) != 2 || ents[1].InUse != 100000 || ents[1].ThisMonth != 100000 {
			b.Fatalf("%+v: want XDT_PLT_UD 100,000 in use and this month (each identity holds XDT or XDS once)", ents)
		}
	}
}
