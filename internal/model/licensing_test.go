package model

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
)

// writeRoot makes a licensing root from path → content ("" for a folder).
func writeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const startupLic = "INCREMENT CITRIX CITRIX 2024.1225 permanent uncounted VENDOR_STRING=;LT=SYS HOSTID=ANY SIGN=\"00\"\n"

// TestLicenceState: the License Activation Service era (DOMAIN.md §2.6) and
// a root that is none.
func TestLicenceState(t *testing.T) {
	log := " 8:00:00 (lmgrd) TIMESTAMP 11/2/2026\n 9:00:00 (CITRIX) OUT: \"XDT_PLT_UD\" jsmith@DDC01\n" +
		" 9:01:00 (CITRIX) OUT: \"MPS_ENT_CCU\" ann@XA01\n"
	tests := []struct {
		name       string
		files      map[string]string
		source     LicenceSource
		status     Status
		finding    string // in the first finding, "" for none
		unknownEnt int    // entitlements with installed unknown
	}{
		{
			name:    "no MyFiles: UNKNOWN",
			files:   map[string]string{"LS/lmgrd_debug.log": log},
			source:  NoLicenceFolder,
			status:  Unknown,
			finding: "no licence folder (MyFiles)",
			// Usage is still read, and listed with installed unknown.
			unknownEnt: 2,
		},
		{
			name:       "only the start-up licence: WARNING, License Activation Service?",
			files:      map[string]string{"MyFiles/citrix_startup.lic": startupLic, "LS/lmgrd_debug.log": log},
			source:     NoLicenceFiles,
			status:     Warning,
			finding:    "no licence files: License Activation Service?",
			unknownEnt: 2,
		},
		{
			name: "lsui.json says las: no finding",
			files: map[string]string{"MyFiles/citrix_startup.lic": startupLic, "LS/lmgrd_debug.log": log,
				"WebServicesForLicensing/lsui.json": `{"activation": "LAS"}`},
			source:     NoLicenceFiles,
			status:     OK,
			unknownEnt: 2,
		},
		{
			name: "licence files",
			files: map[string]string{"MyFiles/citrix_startup.lic": startupLic, "LS/lmgrd_debug.log": log,
				"MyFiles/a.lic": "INCREMENT XDT_PLT_UD CITRIX 2027.0630 permanent 10 VENDOR_STRING=;LT=Retail\n"},
			source: LicenceFiles,
			status: OK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeRoot(t, tt.files)
			s, err := Load(context.Background(), Options{Root: root, Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Location: time.UTC, NoExec: true})
			if err != nil {
				t.Fatal(err)
			}
			ls := s.Licensing()
			if ls.Source != tt.source || (tt.source != LicenceFiles) != (ls.Message != "") {
				t.Errorf("licensing %+v, want source %d with a message unless licence files", ls, tt.source)
			}
			h := s.Health()
			if h.Status != tt.status {
				t.Errorf("status %s, want %s: %+v", h.Status, tt.status, h.Findings)
			}
			if tt.finding != "" && (len(h.Findings) == 0 || !strings.Contains(h.Findings[0].Message, tt.finding) || h.Findings[0].Target.Kind != TargetRoot) {
				t.Errorf("findings %+v, want first %q pointing at the root", h.Findings, tt.finding)
			}
			unknown := 0
			for _, e := range s.EntitlementRecords() {
				if e.InstalledUnknown {
					unknown++
					if e.Installed != 0 || e.Available != 0 || e.Overdraft != 0 || e.InUse != 1 {
						t.Errorf("%+v: want installed, overdraft and available 0, in use 1", e)
					}
					// No licence describes it: nothing derived from a licence is invented.
					if e.Expires != "" || e.CSPState != "unknown" || len(e.Types) != 0 {
						t.Errorf("%+v: want expires \"\", csp_state unknown, no licence types", e)
					}
				}
			}
			if unknown != tt.unknownEnt {
				t.Errorf("%d entitlements with installed unknown, want %d: %+v", unknown, tt.unknownEnt, s.EntitlementRecords())
			}
		})
	}
}

func TestServerFQDN(t *testing.T) {
	tests := []struct {
		hosts []string
		want  string
	}{
		{nil, ""},
		{[]string{"LIC01"}, "LIC01"},
		{[]string{"LIC01", "lic01.corp.example"}, "lic01.corp.example"},
		{[]string{"a.corp.example", "b.corp.example", "B.corp.example"}, "b.corp.example"}, // most frequent, any case
		{[]string{"a.corp.example", "b.corp.example"}, "a.corp.example"},                   // a tie: the first
		{[]string{"LIC01", "LIC01", "lic01.x"}, "lic01.x"},                                 // a dot beats frequency
	}
	for _, tt := range tests {
		if got := ServerFQDN(tt.hosts); got != tt.want {
			t.Errorf("ServerFQDN(%q) = %q, want %q", tt.hosts, got, tt.want)
		}
	}
}

func TestCSPState(t *testing.T) {
	lic := "INCREMENT XDT_PLT_UD CITRIX 2027.0630 permanent 10 VENDOR_STRING=;LT=Retail SN=SN-1\n"
	tests := []struct {
		settings string
		want     CSPState
	}{
		{"", CSPUnknown},
		{`{"warn_days": 10}`, CSPUnknown},
		{`{"csp_features": []}`, CSPNo},
		{`{"csp_features": ["MPS_ENT_CCU"]}`, CSPNo},
		{`{"csp_features": ["xdt_plt_ud"]}`, CSPYes},
		{`{"csp_features": ["SN-1"]}`, CSPYes}, // by serial
	}
	for _, tt := range tests {
		files := map[string]string{"MyFiles/a.lic": lic}
		if tt.settings != "" {
			files["WebServicesForLicensing/lsui.json"] = tt.settings
		}
		s, err := Load(context.Background(), Options{Root: writeRoot(t, files), Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Location: time.UTC, NoExec: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.CSPState(); got != tt.want {
			t.Errorf("%s: CSPState %s, want %s", tt.settings, got, tt.want)
		}
		if got := s.LicenceRecords()[0].CSPState; got != tt.want.String() {
			t.Errorf("%s: record csp_state %s, want %s", tt.settings, got, tt.want)
		}
		if got := s.EntitlementRecords()[0]; got.CSPState != tt.want.String() || got.CSP != (tt.want == CSPYes) {
			t.Errorf("%s: entitlement csp_state %s csp %v, want %s", tt.settings, got.CSPState, got.CSP, tt.want)
		}
	}
}

func TestSettingsCountingFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), SettingsFileName)
	os.WriteFile(path, []byte(`{"domain_truncation": false, "activation": "las", "csp_features": [], "mine": 1}`), 0o644)
	s, err := ReadSettings(path)
	if err != nil {
		t.Fatal(err)
	}
	if !s.KeepDomains() || !s.LAS() || !s.CSPConfigured() {
		t.Errorf("keep %v las %v csp configured %v; want all true", s.KeepDomains(), s.LAS(), s.CSPConfigured())
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{`"domain_truncation": false`, `"activation": "las"`, `"csp_features": []`, `"mine": 1`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("saved %s lacks %s", data, want)
		}
	}
	var none *Settings
	if none.KeepDomains() || none.LAS() || none.CSPConfigured() {
		t.Error("no settings: domains removed, not LAS, CSP unknown")
	}
}

func TestUploadBacklogFinding(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	list := []uploads.Upload{
		{Name: "upload_1.zip", Time: now.Add(-50 * time.Hour), Size: 2048, Outcome: uploads.Failed},
		{Name: "upload_2.zip", Time: now.Add(-26 * time.Hour), Size: 1024, Outcome: uploads.Success},
		{Name: "upload_3.zip", Time: now.Add(-2 * time.Hour), Size: 1024, Outcome: uploads.Failed},
	}
	f, ok := UploadBacklogFinding(list, now)
	if !ok || f.Status != Warning || f.Message != "2 failed uploads lingering on disk (3.0 KiB, oldest 2d ago)" ||
		f.Target != (Target{Kind: TargetUpload, Upload: "upload_1.zip"}) {
		t.Errorf("got %+v %v", f, ok)
	}
	if _, ok := UploadBacklogFinding(list[1:2], now); ok {
		t.Error("no failed upload, yet a finding")
	}
}

// TestDomainTruncationSetting: lsui.json's domain_truncation reaches every
// way usage is loaded (Load, and LoadUsage as the dashboard calls it).
func TestDomainTruncationSetting(t *testing.T) {
	log := " 8:00:00 (lmgrd) TIMESTAMP 11/2/2026\n 9:00:00 (CITRIX) OUT: \"XDT_PLT_UD\" jsmith@DDC01\n" +
		" 9:01:00 (CITRIX) OUT: \"XDT_PLT_UD\" CORP\\jsmith@DDC02\n"
	for _, tt := range []struct {
		settings string
		want     int
	}{{"", 1}, {`{"domain_truncation": true}`, 1}, {`{"domain_truncation": false}`, 2}} {
		files := map[string]string{"LS/lmgrd_debug.log": log, "MyFiles/citrix_startup.lic": startupLic}
		if tt.settings != "" {
			files["WebServicesForLicensing/lsui.json"] = tt.settings
		}
		root := writeRoot(t, files)
		opt := Options{Root: root, Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Location: time.UTC, NoExec: true}
		s, err := Load(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := LoadUsage(context.Background(), s.Layout, s.Usage.Month, opt)
		if len(s.Usage.Identities) != tt.want || len(again.Identities) != tt.want {
			t.Errorf("%q: %d identities (LoadUsage %d), want %d", tt.settings, len(s.Usage.Identities), len(again.Identities), tt.want)
		}
	}
}

// TestLogLineProblems: a debug log's malformed line is a Problem with the
// log's root-relative path and the line, which check and the dashboard
// point at; the rest of the log counts; a captured udadmin listing's rows
// are placed the same way.
func TestLogLineProblems(t *testing.T) {
	log := " 8:00:00 (lmgrd) TIMESTAMP 11/2/2026\n 9:00:00 (CITRIX) OUT: \"XDT_PLT_UD\" jsmith@DDC01\n" +
		" 9:01:00 (CITRIX) IN: \"XDT_PLT_UD\n 9:02:00 (CITRIX) OUT: \"XDT_PLT_UD\" mlopez@DDC02\n"
	root := writeRoot(t, map[string]string{
		"LS/lmgrd_debug.log":         log,
		"MyFiles/citrix_startup.lic": startupLic,
		"udadmin.txt":                "Users:\n jsmith XDT_PLT_UD 2025.0630 (Mon Nov 02 09:00:00 2026)\n garbage\n",
	})
	opt := Options{Root: root, Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Location: time.UTC, NoExec: true,
		UdadminFile: filepath.Join(root, "udadmin.txt")}
	s, err := Load(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{File: "LS/lmgrd_debug.log", Line: 3, Message: "malformed IN line: the feature's closing quote is missing, skipped"},
		{File: "udadmin.txt", Line: 3},
	}
	if len(s.Problems) != len(want) {
		t.Fatalf("problems %v, want %d", s.Problems, len(want))
	}
	for i, w := range want {
		p := s.Problems[i]
		if p.File != w.File || p.Line != w.Line || (w.Message != "" && p.Message != w.Message) {
			t.Errorf("problem %d = %#v, want %#v", i, p, w)
		}
	}
	if s.Usage.Malformed != 1 || len(s.Usage.Identities) != 2 {
		t.Errorf("malformed %d, %d identities; want 1 and 2", s.Usage.Malformed, len(s.Usage.Identities))
	}
}
