package licfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func parseFixture(t *testing.T, name string) *File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(name, strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func parseText(s string) *File { return ParseBytes("t.lic", []byte(s)) }

// lineSummary is what the fixture tables assert for each loaded line.
type lineSummary struct {
	LineNo      int
	Keyword     string
	Feature     string
	Version     string
	CSSDate     Date
	Expires     Date
	Permanent   bool
	Count       int
	Uncounted   bool
	LicenseType string
	GraceHours  int
	Editions    []string
	SA          bool
	LeaseDays   int
	ODP         int
	Issued      Date
	Start       Date
	Notice      string
	Serial      string
	HostID      string
	DupGroup    string
	Sign        string
	Display     string
}

func summarize(l *Line) lineSummary {
	sign, _ := l.Field("SIGN")
	return lineSummary{
		LineNo: l.LineNo, Keyword: l.Keyword, Feature: l.Feature, Version: l.Version,
		CSSDate: l.CSSDate, Expires: l.Expires, Permanent: l.Permanent,
		Count: l.Count, Uncounted: l.Uncounted, LicenseType: l.LicenseType,
		GraceHours: l.GraceHours, Editions: l.Editions, SA: l.SA, LeaseDays: l.LeaseDays,
		ODP: l.ODP, Issued: l.Issued, Start: l.Start, Notice: l.Notice, Serial: l.Serial,
		HostID: l.HostID, DupGroup: l.DupGroup, Sign: sign, Display: l.Name.Display(),
	}
}

func d(y int, m time.Month, day int) Date { return Date{y, m, day} }

func TestParseFixtures(t *testing.T) {
	retailXDS := lineSummary{
		LineNo: 8, Keyword: "INCREMENT", Feature: "XDS_PLT_UD", Version: "2025.0630",
		CSSDate: d(2025, 6, 30), Permanent: true, Count: 500, LicenseType: "Retail",
		GraceHours: 720, Editions: []string{"VDS", "VDA", "VDE", "PLT"}, SA: true, LeaseDays: 90,
		ODP: 10, Issued: d(2024, 6, 30), Start: d(2024, 6, 29), Notice: "Example Corp",
		Serial: "LA-0012345678-12345:987654", DupGroup: "V",
		Sign: "1A2B 3C4D 5E6F 7A8B 9C0D 1E2F 3A4B 5C6D 7E8F 9A0B 1C2D 3E4F 5A6B " +
			"7C8D 9E0F 1A3B 5C7D 9E1F 3A5B 7C9D 1E3F 5A7B 9C1D 3E5F 7A9B 1C3D 5E7F 9A1B",
		Display: "Citrix Virtual Apps and Desktops Premium User/Device",
	}
	retailXDT := retailXDS
	retailXDT.LineNo, retailXDT.Feature = 15, "XDT_PLT_UD"
	retailXDT.Sign = "0F1E 2D3C 4B5A 6978 8796 A5B4 C3D2 E1F0 0F1E 2D3C 4B5A 6978 8796 " +
		"A5B4 C3D2 E1F0 0F1E 2D3C 4B5A 6978 8796 A5B4 C3D2 E1F0 0F1E 2D3C 4B5A 6978"
	retailMPS := lineSummary{
		LineNo: 24, Keyword: "INCREMENT", Feature: "MPS_ADV_CCU", Version: "2026.0131",
		CSSDate: d(2026, 1, 31), Expires: d(2029, 12, 30), Count: 250, LicenseType: "RetailS",
		GraceHours: 720, Editions: []string{"ADV", "STD"}, SA: true, ODP: 10,
		Issued: d(2025, 1, 31), Start: d(2025, 1, 30), Notice: "Example Corp",
		Serial: "LA-0012345678-23456:112233", DupGroup: "V",
		Sign:    "AAAA BBBB CCCC DDDD EEEE FFFF 0000 1111 2222 3333 4444 5555 6666 7777 8888 9999 ABCD EF01 2345 6789",
		Display: "Citrix Virtual Apps Advanced Concurrent User",
	}
	retailServer := []Server{{Host: "this_host", HostID: "HOSTNAME=ctxlic01.corp.example", Port: "27000", LineNo: 5}}
	startup := lineSummary{
		LineNo: 7, Keyword: "INCREMENT", Feature: "CITRIX", Version: "2099.0101",
		CSSDate: d(2099, 1, 1), Permanent: true, Uncounted: true, LicenseType: "SYS",
		Editions: []string{"ADV", "ENT", "PLT", "STD"}, SA: true,
		Issued: d(2009, 1, 1), Start: d(2009, 1, 1), Notice: "Citrix Startup License",
		Serial: "SYSTEMLICENSE", HostID: "ANY",
		Sign:    "1111 2222 3333 4444 5555 6666 7777 8888 9999 AAAA BBBB CCCC DDDD EEEE FFFF 0000",
		Display: "Startup licence",
	}
	startupServer := []Server{{Host: "this_host", HostID: "ANY", LineNo: 4}}

	tests := []struct {
		file    string
		servers []Server
		lines   []lineSummary
	}{
		{"retail.lic", retailServer, []lineSummary{retailXDS, retailXDT, retailMPS}},
		{"retail_crlf_bom.lic", retailServer, []lineSummary{retailXDS, retailXDT, retailMPS}},
		{"citrix_startup.lic", startupServer, []lineSummary{startup}},
		{"citrix_startup_cr.lic", startupServer, []lineSummary{startup}},
		{"mixed_case.lic",
			[]Server{{Host: "ctxlic02", HostID: "HOSTNAME=ctxlic02.corp.example", Port: "27001", LineNo: 2,
				Fields: []KV{{"PORT", "27001"}}}},
			[]lineSummary{
				{LineNo: 7, Keyword: "INCREMENT", Feature: "XDTTP_PLT_UD", Version: "2026.0301",
					CSSDate: d(2026, 3, 1), Permanent: true, Uncounted: true, LicenseType: "TP",
					GraceHours: 720, Editions: []string{"PLT"}, Notice: "Example Corp - Lab and Test",
					Serial: "TP-0001", Sign: "ABCD 1234",
					Display: "Citrix Virtual Apps and Desktops Premium User/Device (technology preview)"},
				{LineNo: 12, Keyword: "FEATURE", Feature: "CXS_ENT_CCS", Version: "2024.1130",
					CSSDate: d(2024, 11, 30), Permanent: true, Uncounted: true, LicenseType: "NFR",
					Editions: []string{"ENT"}, Issued: d(2023, 11, 15), Notice: "Example  Corp  NFR",
					Serial: "NFR-42", Sign: "0123456789ABCDEF",
					Display: "Citrix Hypervisor Advanced Concurrent System"},
				{LineNo: 17, Keyword: "INCREMENT", Feature: "CNS_STD_SERVER", Version: "2025.1231",
					CSSDate: d(2025, 12, 31), Expires: d(2026, 1, 1), Count: 12, LicenseType: "CSP",
					GraceHours: 720, Editions: []string{"STD"}, SA: true, ODP: 5,
					Notice: "Example Corp (CSP)", Serial: "CSP-7", HostID: "HOSTNAME=ctxlic02.corp.example",
					Sign: "99AA BBCC", Display: "NetScaler Standard Server"},
				{LineNo: 22, Keyword: "INCREMENT", Feature: "PVS_STD_CCS", Version: "2024.0229",
					CSSDate: d(2024, 2, 29), Permanent: true, Count: 10, LicenseType: "Eval",
					Sign: "FFFF", Display: "Provisioning Services Standard Concurrent System"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parseFixture(t, tt.file)
			if len(f.Errors) != 0 {
				t.Errorf("errors: %v", f.Errors)
			}
			if !reflect.DeepEqual(f.Servers, tt.servers) {
				t.Errorf("servers = %+v, want %+v", f.Servers, tt.servers)
			}
			if !reflect.DeepEqual(f.Vendors, []string{"CITRIX"}) || !f.UseServer {
				t.Errorf("vendors = %v, use_server = %v; want [CITRIX], true", f.Vendors, f.UseServer)
			}
			if len(f.Lines) != len(tt.lines) {
				t.Fatalf("%d lines, want %d", len(f.Lines), len(tt.lines))
			}
			for i, l := range f.Lines {
				if got := summarize(l); !reflect.DeepEqual(got, tt.lines[i]) {
					t.Errorf("line %d:\n got %+v\nwant %+v", i, got, tt.lines[i])
				}
				if l.File != tt.file {
					t.Errorf("line %d: File = %q, want %q", i, l.File, tt.file)
				}
			}
		})
	}
}

// The CRLF+BOM and lone-CR copies must parse to exactly what their LF
// originals do, down to every field and line number.
func TestLineEndingsDoNotChangeTheParse(t *testing.T) {
	for _, pair := range [][2]string{
		{"retail.lic", "retail_crlf_bom.lic"},
		{"citrix_startup.lic", "citrix_startup_cr.lic"},
	} {
		a, b := parseFixture(t, pair[0]), parseFixture(t, pair[1])
		a.Name, a.Size, b.Name, b.Size = "", 0, "", 0
		for _, l := range append(a.Lines, b.Lines...) {
			l.File = ""
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s and %s parse differently", pair[0], pair[1])
		}
	}
}

func TestParseKeepsUnknownKeysInOrder(t *testing.T) {
	f := parseFixture(t, "mixed_case.lic")
	tp := f.Lines[0]
	wantFields := []KV{
		{"VENDOR_STRING", ";lt=TP;gp=720;cl=PLT;sa=0;AP=ADMIN;XTRA=kept"},
		{"NOTICE", "Example Corp - Lab and Test"}, {"SN", "TP-0001"}, {"ck", "217"}, {"SIGN", "ABCD 1234"},
	}
	if !reflect.DeepEqual(tp.Fields, wantFields) {
		t.Errorf("Fields = %q, want %q", tp.Fields, wantFields)
	}
	wantVS := []KV{{"lt", "TP"}, {"gp", "720"}, {"cl", "PLT"}, {"sa", "0"}, {"AP", "ADMIN"}, {"XTRA", "kept"}}
	if !reflect.DeepEqual(tp.VendorString, wantVS) {
		t.Errorf("VendorString = %q, want %q", tp.VendorString, wantVS)
	}
	if v, ok := tp.VendorField("xtra"); !ok || v != "kept" {
		t.Errorf(`VendorField("xtra") = %q, %v`, v, ok)
	}
	if v, ok := tp.Field("CK"); !ok || v != "217" {
		t.Errorf(`Field("CK") = %q, %v`, v, ok)
	}
	csp := f.Lines[2]
	if v, ok := csp.Field("supersede"); !ok || v != "" {
		t.Errorf("bare SUPERSEDE: Field = %q, %v; want \"\", true", v, ok)
	}
	wantOther := []OtherLine{{Keyword: "PACKAGE", LineNo: 21,
		Args: []string{"XDT_SUITE", "CITRIX", "1.0", "COMPONENTS=XDT_PLT_UD MPS_PLT_CCU", "SIGN=0000 1111"}}}
	if !reflect.DeepEqual(f.Other, wantOther) {
		t.Errorf("Other = %+v, want %+v", f.Other, wantOther)
	}
}

// A malformed line in the middle reports file:line and the lines after it
// still load.
func TestParseMalformedFixture(t *testing.T) {
	f := parseFixture(t, "malformed.lic")
	wantErrors := []struct {
		line int
		has  string
	}{
		{8, `expiry "31-feb-2026" is not a date: February 2026 has no day 31`},
		{11, `count "-5" is negative`},
		{13, "unterminated quote (opened on line 13); line skipped"},
		{16, "INCREMENT needs feature, vendor, version, expiry and count"},
		{18, `unknown keyword "INCRMENT"`},
		{20, `VENDOR_STRING GP "lots" is not a whole number; ISSUED "30-jun-24": the year must have four digits; line loaded`},
		{23, `line ends in "\" but the next line starts a new INCREMENT line`},
		{27, `SIGN= outside an INCREMENT line`},
		{28, `count "1-jan-0" is not a whole number`},
	}
	if len(f.Errors) != len(wantErrors) {
		t.Errorf("got %d errors, want %d: %v", len(f.Errors), len(wantErrors), f.Errors)
	}
	for i := 0; i < len(f.Errors) && i < len(wantErrors); i++ {
		e, w := f.Errors[i], wantErrors[i]
		if e.File != "malformed.lic" || e.Line != w.line || !strings.Contains(e.Message, w.has) {
			t.Errorf("error %d = %v, want malformed.lic:%d containing %q", i, e, w.line, w.has)
		}
	}
	if got := f.Errors[0].Error(); !strings.HasPrefix(got, "malformed.lic:8: INCREMENT XDT_ADV_CCU: ") {
		t.Errorf("Error() = %q, want file:line: prefix", got)
	}
	type loaded struct {
		LineNo int
		Serial string
		Sign   string
	}
	var got []loaded
	for _, l := range f.Lines {
		sign, _ := l.Field("SIGN")
		got = append(got, loaded{l.LineNo, l.Serial, sign})
	}
	want := []loaded{{4, "GOOD-1", "1111 2222"}, {20, "SOFT-1", ""}, {23, "GOOD-2", ""}, {24, "GOOD-3", "5555 6666"}, {29, "GOOD-4", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loaded lines = %+v\nwant %+v", got, want)
	}
	soft := f.Lines[1]
	if soft.GraceHours != 0 || soft.ODP != 10 || !soft.Issued.IsZero() || soft.LicenseType != "Retail" {
		t.Errorf("soft-error line: GP=%d ODP=%d Issued=%v LT=%q; want 0, 10, zero, Retail",
			soft.GraceHours, soft.ODP, soft.Issued, soft.LicenseType)
	}
}

// Each continuation case is the tail of an INCREMENT line; the test reads
// the SIGN (or NOTICE) value and the count after the join.
func TestContinuation(t *testing.T) {
	const head = "INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 500 "
	tests := []struct {
		name   string
		text   string
		key    string
		want   string
		lines  int // loaded lines
		errors int
	}{
		{"blank before the break", head + "SIGN=\"1A2B 3C4D \\\n5E6F\"\n", "SIGN", "1A2B 3C4D 5E6F", 1, 0},
		{"blank after the break", head + "SIGN=\"1A2B 3C4D\\\n\t5E6F\"\n", "SIGN", "1A2B 3C4D 5E6F", 1, 0},
		{"blanks both sides collapse", head + "SIGN=\"1A2B 3C4D  \t\\\n\t  5E6F\"\n", "SIGN", "1A2B 3C4D 5E6F", 1, 0},
		{"no blank joins directly", head + "SIGN=\"1A2B3C4D\\\n5E6F\"\n", "SIGN", "1A2B3C4D5E6F", 1, 0},
		{"three physical lines", head + "SIGN=\"AA \\\n\tBB \\\n\tCC\"\n", "SIGN", "AA BB CC", 1, 0},
		{"blanks after the backslash", head + "SIGN=\"AA \\  \t\n\tBB\"\n", "SIGN", "AA BB", 1, 0},
		{"CRLF", head + "SIGN=\"AA \\\r\n\tBB\"\r\n", "SIGN", "AA BB", 1, 0},
		{"lone CR", head + "SIGN=\"AA \\\r\tBB\"\r", "SIGN", "AA BB", 1, 0},
		{"outside quotes a break separates words", "INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 500\\\nSN=X1\n", "SN", "X1", 1, 0},
		{"column-0 continuation (old Citrix files)", head + "\\\nNOTICE=\"Example Corp\" \\\nSN=X2\n", "NOTICE", "Example Corp", 1, 0},
		{"backslash at end of input", head + "SN=X3 \\", "SN", "X3", 1, 0},
		{"backslash inside a quote kept", head + `NOTICE="C:\Licensing\x" SN=X4` + "\n", "NOTICE", `C:\Licensing\x`, 1, 0},
		{"quoted value mid-word", head + `NOTICE=Example" Corp "Ltd` + "\n", "NOTICE", "Example Corp Ltd", 1, 0},
		{"blank line ends a continuation", head + "SN=X5 \\\n\nINCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 5\n", "SN", "X5", 2, 0},
		{"comment line ends a continuation", head + "SN=X6 \\\n# note\nINCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 5\n", "SN", "X6", 2, 0},
		{"comment ending in a backslash does not continue", "# old line \\\n" + head + "SN=X7\n", "SN", "X7", 1, 0},
		{"indented keyword line is a continuation", head + "\\\n  SN=X8\n", "SN", "X8", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseText(tt.text)
			if len(f.Lines) != tt.lines || len(f.Errors) != tt.errors {
				t.Fatalf("%d lines, %d errors (%v); want %d, %d", len(f.Lines), len(f.Errors), f.Errors, tt.lines, tt.errors)
			}
			l := f.Lines[0]
			if v, _ := l.Field(tt.key); v != tt.want {
				t.Errorf("%s = %q, want %q", tt.key, v, tt.want)
			}
			if l.Count != 500 || l.LineNo != strings.Count(tt.text[:strings.Index(tt.text, "INCREMENT")], "\n")+1 {
				t.Errorf("count %d, LineNo %d", l.Count, l.LineNo)
			}
		})
	}
}

func TestLineNumbers(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []int
	}{
		{"LF", "# c\nVENDOR CITRIX\n\nINCREMENT A V 1 permanent 1 \\\n x=1\nINCREMENT B V 1 permanent 1\n", []int{4, 6}},
		{"CRLF", "# c\r\nVENDOR CITRIX\r\n\r\nINCREMENT A V 1 permanent 1 \\\r\n x=1\r\nINCREMENT B V 1 permanent 1\r\n", []int{4, 6}},
		{"lone CR", "# c\rVENDOR CITRIX\r\rINCREMENT A V 1 permanent 1 \\\r x=1\rINCREMENT B V 1 permanent 1\r", []int{4, 6}},
		{"mixed", "# c\r\nVENDOR CITRIX\r\rINCREMENT A V 1 permanent 1 \\\n x=1\r\nINCREMENT B V 1 permanent 1", []int{4, 6}},
		{"BOM on first line", "\uFEFFINCREMENT A V 1 permanent 1\nINCREMENT B V 1 permanent 1\n", []int{1, 2}},
		{"CR then LF on separate breaks", "INCREMENT A V 1 permanent 1\r\rINCREMENT B V 1 permanent 1\n", []int{1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseText(tt.text)
			var got []int
			for _, l := range f.Lines {
				got = append(got, l.LineNo)
			}
			if !reflect.DeepEqual(got, tt.want) || len(f.Errors) != 0 {
				t.Errorf("line numbers %v (errors %v), want %v", got, f.Errors, tt.want)
			}
		})
	}
}

func TestKeywordsAndLineKinds(t *testing.T) {
	const rest = " XDT_PLT_UD CITRIX 2025.0630 permanent 10\n"
	tests := []struct {
		name      string
		text      string
		keyword   string // of the loaded Line, "" when none
		vendors   []string
		useServer bool
		other     string
		errHas    string
	}{
		{"INCREMENT", "INCREMENT" + rest, "INCREMENT", nil, false, "", ""},
		{"increment", "increment" + rest, "INCREMENT", nil, false, "", ""},
		{"Increment", "Increment" + rest, "INCREMENT", nil, false, "", ""},
		{"FEATURE", "FEATURE" + rest, "FEATURE", nil, false, "", ""},
		{"Feature", "Feature" + rest, "FEATURE", nil, false, "", ""},
		{"indented", "  \tINCREMENT" + rest, "INCREMENT", nil, false, "", ""},
		{"VENDOR", "VENDOR CITRIX\n", "", []string{"CITRIX"}, false, "", ""},
		{"vendor with path and options", "vendor CITRIX /opt/citrix OPTIONS=CITRIX.opt PORT=7279\n", "", []string{"CITRIX"}, false, "", ""},
		{"DAEMON", "DAEMON CITRIX\n", "", []string{"CITRIX"}, false, "", ""},
		{"VENDOR without name", "VENDOR\n", "", nil, false, "", "VENDOR needs a vendor daemon name"},
		{"USE_SERVER", "use_server\n", "", nil, true, "", ""},
		{"PACKAGE kept quietly", "PACKAGE SUITE CITRIX 1.0 COMPONENTS=\"A B\"\n", "", nil, false, "PACKAGE", ""},
		{"UPGRADE kept quietly", "upgrade XDT_PLT_UD CITRIX 1.0 2.0 permanent 5\n", "", nil, false, "UPGRADE", ""},
		{"FEATURESET kept quietly", "FEATURESET CITRIX 0123456789ABCDEF\n", "", nil, false, "FEATURESET", ""},
		{"typo is an error", "INCREMNT" + rest, "", nil, false, "", `unknown keyword "INCREMNT"`},
		{"stray KEY=value", "\tSIGN=\"AAAA\"\n", "", nil, false, "", `SIGN= outside an INCREMENT line (is the "\" missing`},
		{"long junk is clipped", strings.Repeat("x", 500) + "\n", "", nil, false, "", `unknown keyword "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseText(tt.text)
			gotKeyword := ""
			if len(f.Lines) == 1 {
				gotKeyword = f.Lines[0].Keyword
			}
			if gotKeyword != tt.keyword || len(f.Lines) > 1 {
				t.Errorf("loaded keyword %q (%d lines), want %q", gotKeyword, len(f.Lines), tt.keyword)
			}
			if !reflect.DeepEqual(f.Vendors, tt.vendors) || f.UseServer != tt.useServer {
				t.Errorf("vendors %v use_server %v, want %v %v", f.Vendors, f.UseServer, tt.vendors, tt.useServer)
			}
			gotOther := ""
			if len(f.Other) == 1 {
				gotOther = f.Other[0].Keyword
			}
			if gotOther != tt.other {
				t.Errorf("other = %+v, want %q", f.Other, tt.other)
			}
			switch {
			case tt.errHas == "" && len(f.Errors) > 0:
				t.Errorf("unexpected errors %v", f.Errors)
			case tt.errHas != "" && (len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, tt.errHas) || f.Errors[0].Line != 1):
				t.Errorf("errors %v, want one at line 1 containing %q", f.Errors, tt.errHas)
			}
		})
	}
}

func TestServerLine(t *testing.T) {
	tests := []struct {
		text     string
		want     *Server
		hostName string
	}{
		{"SERVER this_host HOSTNAME=ctxlic01.corp.example", &Server{Host: "this_host", HostID: "HOSTNAME=ctxlic01.corp.example", LineNo: 1}, "ctxlic01.corp.example"},
		{"server LIC01 hostname=lic01.corp.example 27000", &Server{Host: "LIC01", HostID: "hostname=lic01.corp.example", Port: "27000", LineNo: 1}, "lic01.corp.example"},
		{"SERVER ctxlic05 ANY PORT=27010 PRIMARY_IS_MASTER", &Server{Host: "ctxlic05", HostID: "ANY", Port: "27010", LineNo: 1,
			Fields: []KV{{"PORT", "27010"}, {"PRIMARY_IS_MASTER", ""}}}, "ctxlic05"},
		{"SERVER this_host 0050569A1B2C", &Server{Host: "this_host", HostID: "0050569A1B2C", LineNo: 1}, ""},
		{"SERVER this_host HOSTNAME=", &Server{Host: "this_host", HostID: "HOSTNAME=", LineNo: 1}, ""},
		{"SERVER this_host", nil, ""},
		{"SERVER", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := parseText(tt.text + "\n")
			if tt.want == nil {
				if len(f.Servers) != 0 || len(f.Errors) != 1 || f.Errors[0].Message != "SERVER needs a host name and a host id" {
					t.Errorf("servers %+v errors %v; want none and one error", f.Servers, f.Errors)
				}
				return
			}
			if len(f.Servers) != 1 || !reflect.DeepEqual(f.Servers[0], *tt.want) || len(f.Errors) != 0 {
				t.Fatalf("servers %+v errors %v; want %+v", f.Servers, f.Errors, *tt.want)
			}
			if got := f.Servers[0].HostName(); got != tt.hostName {
				t.Errorf("HostName() = %q, want %q", got, tt.hostName)
			}
		})
	}
}

func TestUnterminatedQuote(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		errLine   int
		errHas    string
		loadedNos []int
	}{
		{"at end of file", "VENDOR CITRIX\nINCREMENT A CITRIX 1 permanent 1 NOTICE=\"Example Corp", 2, "unterminated quote (opened on line 2)", nil},
		{"continued to end of file", "INCREMENT A CITRIX 1 permanent 1 \\\n\tSN=1 SIGN=\"AAAA \\\n\tBBBB \\", 1, "opened on line 2", nil},
		{"ends with its logical line", "INCREMENT A CITRIX 1 permanent 1 NOTICE=\"Example\nINCREMENT B CITRIX 1 permanent 2 NOTICE=\"fine\"\nINCREMENT C CITRIX 1 permanent 3\n",
			1, "opened on line 1", []int{2, 3}},
		{"inside a continued SIGN, later lines load", "INCREMENT A CITRIX 1 permanent 1 \\\n\tSIGN=\"AAAA \\\n\tBBBB\n\nINCREMENT B CITRIX 1 permanent 2\n",
			1, "opened on line 2", []int{5}},
		{"quote closes then a new one opens", "INCREMENT A CITRIX 1 permanent 1 NOTICE=\"x\" SIGN=\"y \\\n\tz\nINCREMENT B CITRIX 1 permanent 2\n",
			1, "opened on line 1", []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseText(tt.text)
			if len(f.Errors) != 1 || f.Errors[0].Line != tt.errLine || !strings.Contains(f.Errors[0].Message, tt.errHas) {
				t.Errorf("errors %v, want one at line %d containing %q", f.Errors, tt.errLine, tt.errHas)
			}
			var nos []int
			for _, l := range f.Lines {
				nos = append(nos, l.LineNo)
			}
			if !reflect.DeepEqual(nos, tt.loadedNos) {
				t.Errorf("loaded lines %v, want %v", nos, tt.loadedNos)
			}
		})
	}
}

func TestTooFewFields(t *testing.T) {
	for _, text := range []string{
		"INCREMENT",
		"INCREMENT XDT_PLT_UD",
		"INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent",
		"INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent VENDOR_STRING=;LT=Retail SIGN=\"AA\"",
		`INCREMENT "" CITRIX 2025.0630 permanent 5`,
		"FEATURE XDT_PLT_UD CITRIX",
	} {
		f := parseText(text + "\n")
		kw := strings.ToUpper(strings.Fields(text)[0])
		want := kw + " needs feature, vendor, version, expiry and count"
		if len(f.Lines) != 0 || len(f.Errors) != 1 || f.Errors[0].Message != want || f.Errors[0].Line != 1 {
			t.Errorf("%q: lines %d errors %v; want one error %q", text, len(f.Lines), f.Errors, want)
		}
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

type byteRepeater byte

func (b byteRepeater) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestParseReadErrors(t *testing.T) {
	diskErr := errors.New("disk on fire")
	if _, err := Parse("MyFiles/a.lic", failingReader{diskErr}); !errors.Is(err, diskErr) || !strings.HasPrefix(err.Error(), "MyFiles/a.lic: ") {
		t.Errorf("read failure: err = %v, want it wrapped with the file name", err)
	}
	_, err := Parse("MyFiles/huge.lic", io.LimitReader(byteRepeater('#'), MaxFileSize+1))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "MyFiles/huge.lic: larger than 64 MiB") {
		t.Errorf("oversized input: err = %v, want ErrTooLarge naming the file", err)
	}
	f, err := Parse("empty.lic", strings.NewReader(""))
	if err != nil || f.Name != "empty.lic" || len(f.Lines)+len(f.Errors) != 0 {
		t.Errorf("empty input: %+v, %v", f, err)
	}
	f, _ = Parse("x.lic", strings.NewReader("\uFEFFVENDOR CITRIX\n"))
	if f.Size != 17 || len(f.Vendors) != 1 {
		t.Errorf("Size = %d (want 17, BOM included), vendors %v", f.Size, f.Vendors)
	}
}

// statReader claims a size from Stat that need not be the content's, as a
// file written to between Stat and the read would.
type statReader struct {
	io.Reader
	size int64
}

func (s statReader) Stat() (fs.FileInfo, error) { return sizedInfo(s.size), nil }

type sizedInfo int64

func (s sizedInfo) Name() string       { return "x.lic" }
func (s sizedInfo) Size() int64        { return int64(s) }
func (s sizedInfo) Mode() fs.FileMode  { return 0 }
func (s sizedInfo) ModTime() time.Time { return time.Time{} }
func (s sizedInfo) IsDir() bool        { return false }
func (s sizedInfo) Sys() any           { return nil }

// The buffer is sized from Stat, but what is read is the content, however
// it differs from the size Stat gave.
func TestReadCappedReadsContentNotStatSize(t *testing.T) {
	content := strings.Repeat("INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 10 SIGN=AB\n", 100)
	for _, size := range []int64{0, 10, int64(len(content)), int64(len(content)) * 3, -1} {
		got, err := readCapped(statReader{strings.NewReader(content), size})
		if err != nil || string(got) != content {
			t.Errorf("Stat size %d: read %d bytes, %v; want %d", size, len(got), err, len(content))
		}
	}
	got, err := readCapped(strings.NewReader(content)) // no Stat at all
	if err != nil || string(got) != content {
		t.Errorf("no Stat: read %d bytes, %v; want %d", len(got), err, len(content))
	}
}
