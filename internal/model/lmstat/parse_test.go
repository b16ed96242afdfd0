package lmstat

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// citrixWindows is the shape lmutil prints on a Windows Citrix licence
// server, the one lsui reads most.
const citrixWindows = "lmutil - Copyright (c) 1989-2023 Flexera. All Rights Reserved.\n" +
	"Flexible License Manager status on Mon 11/30/2026 9:12\n" +
	"\n" +
	"[Detecting lmgrd processes...]\n" +
	"License server status: 27000@CTXLIC01\n" +
	"    License file(s) on CTXLIC01: C:\\Program Files (x86)\\Citrix\\Licensing\\MyFiles\\citrix_startup.lic:\n" +
	"\n" +
	"  CTXLIC01: license server UP (MASTER) v11.19.8\n" +
	"\n" +
	"Vendor daemon status (on CTXLIC01):\n" +
	"\n" +
	"    CITRIX: UP v11.19.8\n" +
	"Feature usage info:\n" +
	"\n" +
	"Users of CITRIX:  (Total of 1 license issued;  Total of 2 licenses in use)\n" +
	"\n" +
	"  \"CITRIX\" v2026.1102, vendor: CITRIX, expiry: permanent(no expiration date)\n" +
	"  nodelocked license, locked to \"ID=...\"\n" +
	"\n" +
	"    DDC01$ DDC01 DDC01 (v2026.1102) (CTXLIC01/27000 101), start Mon 11/2 7:58\n" +
	"    DDC02$ DDC02 DDC02 (v2026.1102) (CTXLIC01/27000 201), start Mon 11/2 7:58\n" +
	"\n" +
	"Users of MPS_ENT_CCU:  (Total of 50 licenses issued;  Total of 4 licenses in use)\n" +
	"\n" +
	"  \"MPS_ENT_CCU\" v2025.0630, vendor: CITRIX, expiry: permanent(no expiration date)\n" +
	"  vendor_string: ;LT=Retail;GP=720;CL=ENT,ADV,STD;SA=1;ODP=0\n" +
	"  floating license\n" +
	"\n" +
	"    mlopez XA65-01 XA65-01 (v2025.0630) (CTXLIC01/27000 1301), start Mon 11/30 8:20, 3 licenses\n" +
	"    CORP\\kpatel XA65-02 XA65-02 (v2025.0630) (CTXLIC01/27000 1402), start Mon 11/30 9:01\n" +
	"\n"

func parseString(t *testing.T, s, name string) *Listing {
	t.Helper()
	l, err := Parse(strings.NewReader(s), name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func utf16LE(s string) []byte { return utf16With(binary.LittleEndian, []byte{0xFF, 0xFE}, s) }

func utf16With(order binary.ByteOrder, bom []byte, s string) []byte {
	var b bytes.Buffer
	b.Write(bom)
	for _, u := range utf16.Encode([]rune(s)) {
		_ = binary.Write(&b, order, u)
	}
	return b.Bytes()
}

// TestEncodings: the same listing as lmutil writes it, with CRLF and a
// UTF-8 BOM (Notepad), and as UTF-16 (PowerShell's `>`), reads the same.
func TestEncodings(t *testing.T) {
	crlf := strings.ReplaceAll(citrixWindows, "\n", "\r\n")
	inputs := map[string][]byte{
		"lf":        []byte(citrixWindows),
		"crlf+bom":  append([]byte("\xEF\xBB\xBF"), crlf...),
		"utf16le":   utf16LE(crlf),
		"utf16be":   utf16With(binary.BigEndian, []byte{0xFE, 0xFF}, crlf),
		"no-eol-at": []byte(strings.TrimRight(citrixWindows, "\n")),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			l, err := Parse(bytes.NewReader(in), "lmstat-a.txt")
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Problems) != 0 {
				t.Errorf("problems: %v", l.Problems)
			}
			if !strings.HasPrefix(l.Tool, "lmutil - Copyright") {
				t.Errorf("tool %q: the BOM was not removed", l.Tool)
			}
			if l.Down() || len(l.Servers) != 1 || l.Servers[0].Host != "CTXLIC01" || l.Servers[0].Version != "v11.19.8" {
				t.Errorf("servers %+v", l.Servers)
			}
			if len(l.Daemons) != 1 || l.Daemons[0].Name != "CITRIX" || !l.Daemons[0].Up {
				t.Errorf("daemons %+v", l.Daemons)
			}
			if len(l.LicenseFiles) != 1 || !strings.HasSuffix(l.LicenseFiles[0].Path, `MyFiles\citrix_startup.lic`) {
				t.Errorf("licence files %+v", l.LicenseFiles)
			}
			ccu := l.Feature("MPS_ENT_CCU")
			if ccu == nil || ccu.Issued != 50 || ccu.InUse != 4 || len(ccu.Checkouts) != 2 || ccu.CheckedOut() != 4 {
				t.Fatalf("MPS_ENT_CCU: %+v", ccu)
			}
			if c := ccu.Checkouts[1]; c.User != `CORP\kpatel` || c.Host != "XA65-02" || c.Start != "Mon 11/30 9:01" || c.Licenses != 1 {
				t.Errorf("second checkout %+v", c)
			}
			if len(ccu.Pools) != 1 || ccu.Pools[0].VendorString != ";LT=Retail;GP=720;CL=ENT,ADV,STD;SA=1;ODP=0" || ccu.Pools[0].Kind != "floating license" {
				t.Errorf("pool %+v", ccu.Pools)
			}
			if c := l.Feature("CITRIX"); c == nil || c.Issued != 1 || c.InUse != 2 || c.Checkouts[0].User != "DDC01$" {
				t.Errorf("CITRIX: %+v", c)
			}
		})
	}
}

func TestServerDown(t *testing.T) {
	tests := map[string]string{
		"error getting status": "lmutil - Copyright (c) 1989-2023 Flexera. All Rights Reserved.\r\n" +
			"Flexible License Manager status on Mon 11/30/2026 9:12\r\n\r\n" +
			"Error getting status: Cannot connect to license server system. (-15,10:10061 \"WinSock: Connection refused\")\r\n",
		"lmgrd not running": "lmutil - Copyright (c) 1989-2023 Flexera. All Rights Reserved.\n" +
			"Flexible License Manager status on Mon 11/30/2026 9:12\n\n" +
			"License server status: 27000@CTXLIC01\n" +
			"    License file(s) on CTXLIC01: C:\\lic\\x.lic:\n\n" +
			"lmgrd is not running: License server machine is down or not responding. (-96,7:11001 \"WinSock: Host not found\")\n",
		"every server an error": "License server status: 27000@a,27000@b,27000@c\n\n" +
			"a: Cannot connect to license server system. (-15,570:115 \"Operation now in progress\")\n" +
			"b: Cannot connect to license server system. (-15,570:115 \"Operation now in progress\")\n" +
			"c: Cannot connect to license server system. (-15,570:115 \"Operation now in progress\")\n",
		"vendor daemon down": "License server status: 27000@CTXLIC01\n\n" +
			"CTXLIC01: Cannot read data from license server system. (-16,287)\n\n" +
			"Vendor daemon status (on CTXLIC01):\n\n" +
			"  CITRIX: The desired vendor daemon is down. (-97,121)\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			l := parseString(t, in, "lmstat-a.txt")
			if !l.Down() || len(l.Features) != 0 || len(l.Problems) != 0 {
				t.Errorf("down %v, %d features, problems %v", l.Down(), len(l.Features), l.Problems)
			}
		})
	}
	l := parseString(t, tests["vendor daemon down"], "x")
	if len(l.Daemons) != 1 || l.Daemons[0].Up || l.Daemons[0].Message != "The desired vendor daemon is down. (-97,121)" {
		t.Errorf("daemon %+v", l.Daemons)
	}
	if l := parseString(t, tests["error getting status"], "x"); !strings.HasPrefix(l.Error, "Error getting status: Cannot connect") {
		t.Errorf("error %q", l.Error)
	}
}

// TestProblems: what is not understood is reported with file:line, and the
// rest loads.
func TestProblems(t *testing.T) {
	in := "Feature usage info:\n" +
		"Users of features served by CITRIX:\n" +
		"Users of A:  (Total of 10 licenses issued;  Total of 3 licenses in use)\n" +
		"    u h d (v1.0) (srv/27000 1), start Mon 11/30 8:20, 3 licenses\n" +
		"this line means nothing\n" +
		"    u h d (v1.0) (srv/27000 2), start yesterday\n" +
		"Users of B:  (Total of many licenses issued)\n" +
		"Users of C:  (Total of 99999999999999999999 licenses issued;  Total of 1 license in use)\n" +
		"Users of D:  (Total of 1 license issued;  Total of 1 license in use)\n" +
		"    v h (v1.0) (srv/27000 3), start Mon 11/30 8:20\n" +
		"    w h (v1.0) (srv/27000 4), start Mon 11/30 8:20, 9999999999 licenses\n" +
		strings.Repeat("x", MaxLineLen+10) + "\n" +
		"Users of E:  (Total of 2 licenses issued;  Total of 0 licenses in use)\n"
	l := parseString(t, in, "cap.txt")
	var got []string
	for _, p := range l.Problems {
		got = append(got, p.Error())
	}
	want := []string{
		`cap.txt:5: not understood: "this line means nothing"`,
		`cap.txt:6: feature "A": checkout start not understood: "u h d (v1.0) (srv/27000 2), start yesterday"`,
		`cap.txt:7: feature "B": totals not understood: "Total of many licenses issued"`,
		`cap.txt:8: feature "C": totals out of range: "Total of 99999999999999999999 licenses issued;  Total of 1 license in use"`,
		`cap.txt:11: licence count out of range: ", 9999999999 licenses"`,
		`cap.txt:12: line longer than 65536 bytes, skipped`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var names []string
	for _, f := range l.Features {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "A,B,C,D,E" {
		t.Errorf("features %v: the rest must load", names)
	}
	if a := l.Feature("A"); a.InUse != 3 || len(a.Checkouts) != 1 {
		t.Errorf("A: %+v", a)
	}
	if d := l.Feature("D"); len(d.Checkouts) != 1 || d.Checkouts[0].User != "v" || d.Checkouts[0].Display != "" {
		t.Errorf("D: %+v", d)
	}
}

func TestProblemsBounded(t *testing.T) {
	in := strings.Repeat("garbage\n", 5000)
	l := parseString(t, in, "bin")
	if len(l.Problems) != maxProblems+1 || !strings.Contains(l.Problems[maxProblems].Message, "4900 more lines") {
		t.Errorf("%d problems, last %v", len(l.Problems), l.Problems[len(l.Problems)-1])
	}
}

func TestTail(t *testing.T) {
	base := "Users of A:  (Total of 10 licenses issued;  Total of 3 licenses in use)\n    u h d (v1) (s/1 7), start Mon 11/30 8:20"
	tests := []struct {
		tail string
		want Checkout
	}{
		{"", Checkout{Licenses: 1}},
		{", 1 license", Checkout{Licenses: 1}},
		{", 12 licenses", Checkout{Licenses: 12}},
		{"  (linger: 30)", Checkout{Licenses: 1, Linger: "30"}},
		{", 2 licenses  (linger: 885098 / 1340160)", Checkout{Licenses: 2, Linger: "885098 / 1340160"}},
		{", PID: 42", Checkout{Licenses: 1, PID: "42"}},
		{" (borrowed)", Checkout{Licenses: 1, Extra: "(borrowed)"}},
	}
	for _, tt := range tests {
		l := parseString(t, base+tt.tail+"\n", "x")
		c := l.Features[0].Checkouts[0]
		if c.Licenses != tt.want.Licenses || c.Linger != tt.want.Linger || c.PID != tt.want.PID || c.Extra != tt.want.Extra {
			t.Errorf("tail %q: got %+v", tt.tail, c)
		}
	}
}

func TestSplitWho(t *testing.T) {
	tests := []struct{ in, user, host, display string }{
		{"jsmith DDC01 DDC01", "jsmith", "DDC01", "DDC01"},
		{"jsmith DDC01", "jsmith", "DDC01", ""},
		{"John Smith PC-7 PC-7", "John Smith", "PC-7", "PC-7"},
		{"John Smith PC-7 /dev/tty", "John Smith", "PC-7", "/dev/tty"},
		{"Jane Doe Jr. jane ic&c|<", "Jane Doe Jr.", "jane", "ic&c|<"},
		{"a b !! ??", "a", "b", "!! ??"},
	}
	for _, tt := range tests {
		u, h, d := splitWho(tt.in)
		if u != tt.user || h != tt.host || d != tt.display {
			t.Errorf("splitWho(%q) = %q %q %q, want %q %q %q", tt.in, u, h, d, tt.user, tt.host, tt.display)
		}
	}
}

func TestStartTime(t *testing.T) {
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	now := time.Date(2026, 11, 30, 9, 12, 0, 0, ber)
	tests := []struct {
		start string
		now   time.Time
		want  time.Time
		err   bool
	}{
		{"Mon 11/30 8:20", now, time.Date(2026, 11, 30, 8, 20, 0, 0, ber), false},
		{"Mon 11/30 23:59", now, time.Date(2026, 11, 30, 23, 59, 0, 0, ber), false}, // within a day: clocks differ
		{"Fri 10/20 16:44", now, time.Date(2026, 10, 20, 16, 44, 0, 0, ber), false},
		{"Thu 12/31 22:00", time.Date(2027, 1, 2, 8, 0, 0, 0, ber), time.Date(2026, 12, 31, 22, 0, 0, 0, ber), false},
		{"Sat 2/29 10:00", time.Date(2025, 3, 1, 8, 0, 0, 0, ber), time.Date(2024, 2, 29, 10, 0, 0, 0, ber), false},
		{"Wed 7/7 15:17", now, time.Date(2026, 7, 7, 15, 17, 0, 0, ber), false}, // weekday not checked
		{"Mon 13/1 8:00", now, time.Time{}, true},
		{"Mon 11/30", now, time.Time{}, true},
		{"Mon 11/30 25:00", now, time.Time{}, true},
		{"", now, time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := StartTime(tt.start, tt.now, ber)
		if (err != nil) != tt.err || !got.Equal(tt.want) {
			t.Errorf("StartTime(%q, %v) = %v, %v; want %v (error %v)", tt.start, tt.now, got, err, tt.want, tt.err)
		}
	}
	l := parseString(t, citrixWindows, "x")
	taken, err := l.TakenTime(ber)
	if err != nil || !taken.Equal(time.Date(2026, 11, 30, 9, 12, 0, 0, ber)) {
		t.Errorf("taken %v, %v", taken, err)
	}
	if _, err := (&Listing{Name: "x", Taken: "soon"}).TakenTime(ber); err == nil {
		t.Error("a taken time that is not one must fail")
	}
}
