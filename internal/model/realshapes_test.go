package model

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The realshapes root is a licence server in the shapes real ones write
// (DOMAIN.md §2, §4): a debug log with lmgrd's banner, SLOG block and start
// lines, controllers' start-up checkouts, one person through two
// controllers and with DOMAIN\ and UPN spellings, a user/device licence last
// used 60 days ago and one 99 days ago, concurrent OUT/IN pairs, a
// checkout the restart ended, QUEUED/UPGRADE lines, UNSUPPORTED and DENIED;
// licence files with CRLF, a BOM, a lower-case XDS twin, two SERVER names;
// captured udadmin and lmstat listings beside it.
var realNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func loadReal(t *testing.T, opt Options) *Snapshot {
	t.Helper()
	opt.Root = "testdata/realshapes"
	opt.Now, opt.Location, opt.NoExec = realNow, time.UTC, true
	if opt.UdadminFile != "" {
		opt.UdadminFile = "testdata/realshapes/" + opt.UdadminFile
	}
	if opt.LmstatFile != "" {
		opt.LmstatFile = "testdata/realshapes/" + opt.LmstatFile
	}
	s, err := Load(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Problems {
		t.Errorf("problem: %v", p)
	}
	return s
}

func entitlement(t *testing.T, s *Snapshot, feature string) EntitlementRecord {
	t.Helper()
	for _, r := range s.EntitlementRecords() {
		if strings.EqualFold(r.Feature, feature) {
			return r
		}
	}
	t.Fatalf("no entitlement %s in %+v", feature, s.EntitlementRecords())
	return EntitlementRecord{}
}

func TestRealShapesFromTheLogAlone(t *testing.T) {
	s := loadReal(t, Options{})
	u := NewUsageRecord(s.Usage, nil)

	var ids []string
	for _, id := range u.Identities {
		ids = append(ids, id.Name+" via "+strings.Join(id.Via, ","))
	}
	diffStrings(t, "identities", ids, []string{
		"anna via XA65-01", "bob via XA65-02", "iso via XA65-01", "iso2 via XA65-01",
		// jsmith@DDC01, JSmith@DDC02, CORP\jsmith@DDC01, jsmith@corp.example@DDC02: one person.
		"jsmith via DDC01,DDC02",
		"kpatel via DDC01", "mlopez via DDC01,XA65-01", "vera via DDC01",
	})
	var conns []string
	for _, c := range u.Connections {
		conns = append(conns, c.Feature+"@"+c.Host+"="+itoa(c.Checkouts))
	}
	// The controllers' start-up checkouts and a machine account: never users.
	diffStrings(t, "connections", conns, []string{"CITRIX@DDC01=1", "CITRIX@DDC02=1", "XDT_PLT_UD@DDC01=1"})
	if u.UndatedLines != 0 || u.Denied != 1 || u.Unsupported != 1 || u.LogsFrom != "2026-08-20" {
		t.Errorf("undated %d denied %d unsupported %d logs_from %q; want 0, 1, 1, 2026-08-20 (a healthy log with a banner has nothing undated)",
			u.UndatedLines, u.Denied, u.Unsupported, u.LogsFrom)
	}
	// Restarts since the lease look-back (90 days before realNow), which is
	// as far back as Load reads (usage.ReadOptions.Since): the log's other
	// start line and vendor daemon start are older.
	if s.Usage.Restarts != 2 {
		t.Errorf("restarts %d, want 2 (a start line and a vendor daemon start since the lease look-back)", s.Usage.Restarts)
	}

	xdt := entitlement(t, s, "XDT_PLT_UD")
	// The lower-case xds_plt_ud line is XDT's twin: one entitlement of 10.
	// In use: the four this month and sixty (60 days ago, LP=90); lapsed
	// (99 days ago) has lost its lease.
	if xdt.Installed != 10 || xdt.Overdraft != 1 || xdt.InUse != 5 || xdt.InUseSource != InUseLog ||
		xdt.ThisMonth != 4 || xdt.Available != 6 || xdt.InstalledUnknown {
		t.Errorf("XDT_PLT_UD = %+v; want installed 10, overdraft 1, in use 5 (log), this month 4, available 6", xdt)
	}
	if n := len(s.EntitlementRecords()); n != 2 {
		t.Errorf("%d entitlements, want 2 (XDT_PLT_UD with its twin, MPS_ENT_CCU): %+v", n, s.EntitlementRecords())
	}
	mps := entitlement(t, s, "MPS_ENT_CCU")
	// Open now: anna's 2 licences and iso's 1; mlopez, bob (INACTIVE) and
	// iso2 checked in, ghost's checkout ended with the restart. The peak:
	// 4 at once on 2 November.
	if mps.InUse != 3 || mps.InUseSource != InUseLog || mps.ThisMonth != 5 || mps.PeakMonth != 4 || mps.Available != 2 {
		t.Errorf("MPS_ENT_CCU = %+v; want in use 3 (log), this month 5, peak 4, available 2", mps)
	}
	if len(u.Peaks) != 1 || u.Peaks[0].Days[0] != 1 || u.Peaks[0].Days[1] != 4 || u.Peaks[0].Days[4] != 4 || u.Peaks[0].Days[26] != 3 {
		t.Errorf("peaks %+v; want MPS_ENT_CCU: 1 on Nov 1 (ghost, open since October), 4 on Nov 2 and 5, 3 on Nov 27", u.Peaks)
	}

	co := s.CheckoutsRecord()
	js, _ := json.Marshal(co)
	want := `{"source":"log","features":[{"feature":"MPS_ENT_CCU","issued":0,"in_use":3,"checkouts":[` +
		`{"user":"anna","host":"XA65-01","display":"","start":"2026-11-02T09:00:00Z","licenses":2},` +
		`{"user":"iso","host":"XA65-01","display":"","start":"2026-11-05T12:13:14Z","licenses":1}],"uncounted":false}],"listing":"","note":""}`
	if string(js) != want {
		t.Errorf("checkouts:\n got %s\nwant %s", js, want)
	}

	if s.Server.Host != "ctxlic01.corp.example" {
		t.Errorf("server %q, want the FQDN ctxlic01.corp.example over CTXLIC01", s.Server.Host)
	}
	if st := s.CSPState(); st != CSPNo {
		t.Errorf("CSP state %s, want not_csp (csp_features is [] in lsui.json)", st)
	}
	// The one finding is the CSS date, and it points at its line.
	h := s.Health()
	if h.Status != Warning || len(h.Findings) != 1 ||
		h.Findings[0].Target != (Target{Kind: TargetLicenceLine, File: "MyFiles/FID_3f2a91c4_18c1d0e2a77__6b1e.lic", Line: 15, Feature: "MPS_ENT_CCU"}) {
		t.Errorf("health %s %+v; want one WARNING, the CSS date of MPS_ENT_CCU at its line", h.Status, h.Findings)
	}
}

func TestRealShapesWithListings(t *testing.T) {
	s := loadReal(t, Options{UdadminFile: "udadmin-list.txt", LmstatFile: "lmstat-a.txt"})
	xdt := entitlement(t, s, "XDT_PLT_UD")
	// udadmin is authoritative: jsmith, sixty, kpatel and CLIENT-0042 are
	// assigned (DDC01$ is a machine account); mlopez and vera, seen in the
	// log this month, are not listed, so not assigned.
	if xdt.InUse != 4 || xdt.InUseSource != InUseUdadmin || xdt.ThisMonth != 5 {
		t.Errorf("XDT_PLT_UD in use %d (%s), this month %d; want 4 (udadmin), 5", xdt.InUse, xdt.InUseSource, xdt.ThisMonth)
	}
	mps := entitlement(t, s, "MPS_ENT_CCU")
	// lmstat's own total, though its rows add up to 3.
	if mps.InUse != 4 || mps.InUseSource != InUseLmstat {
		t.Errorf("MPS_ENT_CCU in use %d (%s); want 4 (lmstat)", mps.InUse, mps.InUseSource)
	}
	co := s.CheckoutsRecord()
	if co.Source != InUseLmstat {
		t.Fatalf("checkouts source %s, want lmstat", co.Source)
	}
	var got []string
	for _, f := range co.Features {
		got = append(got, f.Feature+" "+itoa(f.Issued)+"/"+itoa(f.InUse)+" rows "+itoa(len(f.Checkouts)))
	}
	diffStrings(t, "lmstat features", got, []string{"CITRIX 0/0 rows 0", "XDT_PLT_UD 10/3 rows 1", "MPS_ENT_CCU 5/4 rows 2"})
	if c := co.Features[2].Checkouts[0]; c.User != "anna" || c.Host != "XA65-01" || c.Licenses != 2 || c.Start != "2026-11-27T08:00:00Z" {
		t.Errorf("first MPS checkout %+v", c)
	}
}

func TestLicenceRecordKeepsEveryKey(t *testing.T) {
	s := loadReal(t, Options{})
	var xdt LicenceRecord
	for _, r := range s.LicenceRecords() {
		if r.Feature == "XDT_PLT_UD" {
			xdt = r
		}
	}
	js, _ := json.Marshal(struct {
		V map[string]string `json:"vendor_string"`
		K map[string]string `json:"keywords"`
	}{xdt.VendorString, xdt.Keywords})
	want := `{"vendor_string":{"CL":"VDS,VDA,VDE,PLT","GP":"720","LP":"90","LT":"Retail","NUDURMIN":"1","ODP":"10","SA":"1"},` +
		`"keywords":{"DUP_GROUP":"V","ISSUED":"30-jun-2024","NOTICE":"Example Corp","SIGN":"present","SN":"LA-0012345678-12345:987654","START":"29-jun-2024"}}`
	if string(js) != want {
		t.Errorf("got  %s\nwant %s", js, want)
	}
	if xdt.CSPState != "not_csp" {
		t.Errorf("csp_state %q", xdt.CSPState)
	}
}

func diffStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRealShapesLmstatDown: a listing of a server that does not answer
// counts nothing: concurrent in use falls back to the log, and the check
// says why.
func TestRealShapesLmstatDown(t *testing.T) {
	s := loadReal(t, Options{LmstatFile: "lmstat-down.txt"})
	if s.Lmstat == nil || !s.Lmstat.Down() {
		t.Fatalf("lmstat %+v, want a listing of a server that is down", s.Lmstat)
	}
	if mps := entitlement(t, s, "MPS_ENT_CCU"); mps.InUse != 3 || mps.InUseSource != InUseLog {
		t.Errorf("MPS_ENT_CCU in use %d (%s); want 3 from the log", mps.InUse, mps.InUseSource)
	}
	if co := s.CheckoutsRecord(); co.Source != InUseLog {
		t.Errorf("checkouts from %s, want log", co.Source)
	}
	found := false
	for _, f := range s.Health().Findings {
		if strings.Contains(f.Message, "licence server is down (Error getting status: Cannot connect") && f.Target.File != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("no lmstat finding in %+v", s.Health().Findings)
	}
	if got := LogsCoverage(s.Usage); got != "logs cover 2026-08-20 onwards" {
		t.Errorf("LogsCoverage = %q", got)
	}
}

// TestRealShapesLmstatRefused: real lmutil output that says nothing of
// checkouts (only the banner; an `lmstat -i` licence file summary) given as
// the lmstat -a listing is refused by name, never read as "0 in use": the
// problem names the file, the check shows it, and checkouts say they came
// from the log and why.
func TestRealShapesLmstatRefused(t *testing.T) {
	tests := []struct{ file, want string }{
		{"lmstat_new.txt", "holds no feature usage: only lmutil's banner — server unreachable?"},
		{"lmstat_old.txt", "holds no feature usage: only lmutil's banner — server unreachable?"},
		{"lmstat_i_app1.txt", "an lmstat -i listing"},
		{"lmstat_i_app2.txt", "an lmstat -i listing"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			file := "lmstat/testdata/realdata/" + tt.file
			s, err := Load(context.Background(), Options{Root: "testdata/realshapes", Now: realNow, Location: time.UTC, NoExec: true, LmstatFile: file})
			if err != nil {
				t.Fatal(err)
			}
			if s.Lmstat != nil || s.LmstatRefused == nil || s.LmstatRefused.File != file || !strings.Contains(s.LmstatRefused.Message, tt.want) {
				t.Fatalf("lmstat %v, refused %+v; want refused naming %s: %q", s.Lmstat != nil, s.LmstatRefused, file, tt.want)
			}
			if mps := entitlement(t, s, "MPS_ENT_CCU"); mps.InUseSource != InUseLog {
				t.Errorf("MPS_ENT_CCU in use from %s, want the log", mps.InUseSource)
			}
			co := s.CheckoutsRecord()
			if co.Source != InUseLog || co.Listing != file || !strings.Contains(co.Note, tt.want) || !strings.Contains(co.Note, file) {
				t.Errorf("checkouts source %q listing %q note %q", co.Source, co.Listing, co.Note)
			}
			found := false
			for _, f := range s.Health().Findings {
				found = found || (f.Status == Warning && strings.Contains(f.Message, file+": "+tt.want))
			}
			if !found {
				t.Errorf("no finding naming %s in %+v", file, s.Health().Findings)
			}
		})
	}
}

// TestCheckoutsUncounted: "(Uncounted, node-locked)" features carry
// uncounted, so a surface says so rather than "0 issued".
func TestCheckoutsUncounted(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"lmstat_app4.txt", []string{"SERIAL"}},
		{"lmstat_app5.txt", []string{"RoadRunner", "RoadRunner_Asset_Library", "RoadRunner_Scenario", "RoadRunner_HD_Scene_Builder"}},
		{"lmstat_app6.txt", []string{"TMW_Archive"}},
	}
	for _, tt := range tests {
		s, err := Load(context.Background(), Options{Root: "testdata/realshapes", Now: realNow, Location: time.UTC, NoExec: true, LmstatFile: "lmstat/testdata/realdata/" + tt.file})
		if err != nil {
			t.Fatal(err)
		}
		co := s.CheckoutsRecord()
		var got []string
		for _, f := range co.Features {
			if f.Uncounted {
				got = append(got, f.Feature)
				if f.Issued != 0 {
					t.Errorf("%s %s: issued %d", tt.file, f.Feature, f.Issued)
				}
			}
		}
		if co.Source != InUseLmstat {
			t.Errorf("%s: source %s", tt.file, co.Source)
		}
		diffStrings(t, tt.file+" uncounted", got, tt.want)
	}
}
