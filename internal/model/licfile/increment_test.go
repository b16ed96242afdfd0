package licfile

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestExpiry(t *testing.T) {
	tests := []struct {
		expiry    string
		want      Date
		permanent bool
		errHas    string // "" when the line must load
	}{
		{"permanent", Date{}, true, ""},
		{"PERMANENT", Date{}, true, ""},
		{"Permanent", Date{}, true, ""},
		{"30-Dec-2029", d(2029, 12, 30), false, ""},
		{"01-JAN-2026", d(2026, 1, 1), false, ""},
		{"1-jan-2026", d(2026, 1, 1), false, ""},
		{"29-feb-2028", d(2028, 2, 29), false, ""},
		{"1-jan-0", Date{}, true, ""},
		{"01-jan-0000", Date{}, true, ""},
		{"1-jan-00", Date{}, true, ""},
		{"31-dec-9999", d(9999, 12, 31), false, ""},
		{"31-feb-2026", Date{}, false, `expiry "31-feb-2026" is not a date: February 2026 has no day 31`},
		{"29-feb-2026", Date{}, false, "February 2026 has no day 29"},
		{"31-apr-2026", Date{}, false, "April 2026 has no day 31"},
		{"0-jan-2026", Date{}, false, "January 2026 has no day 0"},
		{"32-jan-2026", Date{}, false, "has no day 32"},
		{"1-foo-2026", Date{}, false, `"1-foo-2026" has no month "foo"`},
		{"1-january-2026", Date{}, false, `has no month "january"`},
		{"1-jan-26", Date{}, false, "the year must have four digits"},
		{"1-jan-20266", Date{}, false, `"1-jan-20266" is not a date`},
		{"2026-01-01", Date{}, false, "is not a date"},
		{"01/01/2026", Date{}, false, "is not a date"},
		{"never", Date{}, false, `expiry "never" is not a date (want dd-mmm-yyyy or permanent)`},
		{"0", Date{}, false, "is not a date"},
		{"-jan-2026", Date{}, false, "is not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.expiry, func(t *testing.T) {
			f := parseText("INCREMENT XDT_PLT_UD CITRIX 2025.0630 " + tt.expiry + " 5\n")
			if tt.errHas != "" {
				if len(f.Lines) != 0 || len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, tt.errHas) {
					t.Errorf("lines %d errors %v; want no line and an error containing %q", len(f.Lines), f.Errors, tt.errHas)
				}
				return
			}
			if len(f.Lines) != 1 || len(f.Errors) != 0 {
				t.Fatalf("lines %d errors %v", len(f.Lines), f.Errors)
			}
			if l := f.Lines[0]; l.Expires != tt.want || l.Permanent != tt.permanent {
				t.Errorf("Expires %v Permanent %v, want %v %v", l.Expires, l.Permanent, tt.want, tt.permanent)
			}
		})
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		count     string
		want      int
		uncounted bool
		errHas    string
	}{
		{"500", 500, false, ""},
		{"1", 1, false, ""},
		{"007", 7, false, ""},
		{"0", 0, true, ""},
		{"000", 0, true, ""},
		{"uncounted", 0, true, ""},
		{"UNCOUNTED", 0, true, ""},
		{"Uncounted", 0, true, ""},
		{"2147483647", 2147483647, false, ""},
		{"2147483648", 0, false, `count "2147483648" is too large`},
		{"99999999999999999999999", 0, false, "is too large"},
		{"-5", 0, false, `count "-5" is negative`},
		{"+5", 0, false, `count "+5" is not a whole number (want a number or uncounted)`},
		{"1.5", 0, false, "is not a whole number"},
		{"five", 0, false, "is not a whole number"},
		{"12abc", 0, false, "is not a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.count, func(t *testing.T) {
			f := parseText("INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent " + tt.count + "\n")
			if tt.errHas != "" {
				if len(f.Lines) != 0 || len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, tt.errHas) {
					t.Errorf("lines %d errors %v; want no line and an error containing %q", len(f.Lines), f.Errors, tt.errHas)
				}
				return
			}
			if len(f.Lines) != 1 || len(f.Errors) != 0 {
				t.Fatalf("lines %d errors %v", len(f.Lines), f.Errors)
			}
			if l := f.Lines[0]; l.Count != tt.want || l.Uncounted != tt.uncounted {
				t.Errorf("Count %d Uncounted %v, want %d %v", l.Count, l.Uncounted, tt.want, tt.uncounted)
			}
		})
	}
}

func TestBadExpiryAndCountReportedTogether(t *testing.T) {
	f := parseText("INCREMENT XDT_PLT_UD CITRIX 2025.0630 31-feb-2026 lots\n")
	if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, "expiry") || !strings.Contains(f.Errors[0].Message, `count "lots"`) {
		t.Errorf("errors %v, want one error naming expiry and count", f.Errors)
	}
}

// The version stays raw; only YYYY.MMDD with a real date gives a CSS date,
// and nothing about the version is ever an error.
func TestVersionCSSDate(t *testing.T) {
	tests := []struct {
		version string
		want    Date
	}{
		{"2025.0630", d(2025, 6, 30)},
		{"2024.0229", d(2024, 2, 29)},
		{"2025.0229", Date{}},
		{"2025.1301", Date{}},
		{"2025.0000", Date{}},
		{"0000.0101", Date{}},
		{"2025.063", Date{}},
		{"2025.06300", Date{}},
		{"1.0", Date{}},
		{"v11", Date{}},
		{"2025-0630", Date{}},
	}
	for _, tt := range tests {
		f := parseText("INCREMENT XDT_PLT_UD CITRIX " + tt.version + " permanent 5\n")
		if len(f.Lines) != 1 || len(f.Errors) != 0 {
			t.Errorf("%s: lines %d errors %v", tt.version, len(f.Lines), f.Errors)
			continue
		}
		if l := f.Lines[0]; l.CSSDate != tt.want || l.Version != tt.version {
			t.Errorf("%s: CSSDate %v Version %q, want %v", tt.version, l.CSSDate, l.Version, tt.want)
		}
	}
}

func TestVendorString(t *testing.T) {
	type decoded struct {
		LT       string
		GP       int
		Editions []string
		SA       bool
		LP, ODP  int
		VS       []KV
	}
	tests := []struct {
		name   string
		value  string
		want   decoded
		errHas string // a reported problem; the line still loads
	}{
		{"full Citrix string", ";LT=Retail;GP=720;CL=VDS,VDA,VDE,PLT;SA=1;LP=90;ODP=10",
			decoded{"Retail", 720, []string{"VDS", "VDA", "VDE", "PLT"}, true, 90, 10,
				[]KV{{"LT", "Retail"}, {"GP", "720"}, {"CL", "VDS,VDA,VDE,PLT"}, {"SA", "1"}, {"LP", "90"}, {"ODP", "10"}}}, ""},
		{"keys in any case, unknown kept", ";lt=CSP;Gp=24;cl= ADV , STD,;sa=0;AP=ADMIN/LOGON/-28D;Zz=9",
			decoded{"CSP", 24, []string{"ADV", "STD"}, false, 0, 0,
				[]KV{{"lt", "CSP"}, {"Gp", "24"}, {"cl", "ADV , STD,"}, {"sa", "0"}, {"AP", "ADMIN/LOGON/-28D"}, {"Zz", "9"}}}, ""},
		{"no leading semicolon, empty parts, bare part", "LT=Eval;;FLAG;;ODP=0;",
			decoded{"Eval", 0, nil, false, 0, 0, []KV{{"LT", "Eval"}, {"FLAG", ""}, {"ODP", "0"}}}, ""},
		{"first occurrence wins", ";LT=Retail;LT=Eval;ODP=5;ODP=50",
			decoded{"Retail", 0, nil, false, 0, 5, []KV{{"LT", "Retail"}, {"LT", "Eval"}, {"ODP", "5"}, {"ODP", "50"}}}, ""},
		{"empty", "", decoded{}, ""},
		{"bad GP", ";LT=Retail;GP=lots;ODP=10",
			decoded{"Retail", 0, nil, false, 0, 10, []KV{{"LT", "Retail"}, {"GP", "lots"}, {"ODP", "10"}}},
			`VENDOR_STRING GP "lots" is not a whole number; line loaded without those values`},
		{"negative LP", ";LP=-90", decoded{VS: []KV{{"LP", "-90"}}}, `VENDOR_STRING LP "-90" is negative`},
		{"fractional ODP", ";ODP=2.5", decoded{VS: []KV{{"ODP", "2.5"}}}, `VENDOR_STRING ODP "2.5" is not a whole number`},
		{"SA not 0 or 1", ";SA=yes", decoded{VS: []KV{{"SA", "yes"}}}, `VENDOR_STRING SA "yes" is not 0 or 1`},
		{"two bad values, one error", ";GP=x;ODP=y", decoded{VS: []KV{{"GP", "x"}, {"ODP", "y"}}}, `GP "x" is not a whole number; VENDOR_STRING ODP "y"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseText("INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 5 VENDOR_STRING=\"" + tt.value + "\"\n")
			if len(f.Lines) != 1 {
				t.Fatalf("line not loaded; errors %v", f.Errors)
			}
			l := f.Lines[0]
			got := decoded{l.LicenseType, l.GraceHours, l.Editions, l.SA, l.LeaseDays, l.ODP, l.VendorString}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			switch {
			case tt.errHas == "" && len(f.Errors) != 0:
				t.Errorf("unexpected errors %v", f.Errors)
			case tt.errHas != "" && (len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, tt.errHas)):
				t.Errorf("errors %v, want one containing %q", f.Errors, tt.errHas)
			}
		})
	}
}

func TestOptionalFields(t *testing.T) {
	tests := []struct {
		name   string
		tail   string
		check  func(*Line) bool
		errHas string
	}{
		{"keys in any case", `issued=30-JUN-2024 Start=29-jun-2024 notice="A B  C" sn=S1 hostid=ANY dup_group=UHD`,
			func(l *Line) bool {
				return l.Issued == d(2024, 6, 30) && l.Start == d(2024, 6, 29) && l.Notice == "A B  C" &&
					l.Serial == "S1" && l.HostID == "ANY" && l.DupGroup == "UHD"
			}, ""},
		{"year-0 ISSUED is no date", "ISSUED=1-jan-0", func(l *Line) bool { return l.Issued.IsZero() }, ""},
		{"bad START reported, line kept", "START=31-feb-2024 SN=S2",
			func(l *Line) bool { return l.Start.IsZero() && l.Serial == "S2" }, `START "31-feb-2024" is not a date`},
		{"bad ISSUED month", "ISSUED=1-foo-2024", func(l *Line) bool { return l.Issued.IsZero() }, `ISSUED "1-foo-2024" has no month "foo"`},
		{"first SN wins", "SN=first SN=second", func(l *Line) bool { return l.Serial == "first" }, ""},
		{"empty NOTICE", `NOTICE=""`, func(l *Line) bool { v, ok := l.Field("notice"); return ok && v == "" && l.Notice == "" }, ""},
		{"value holding =", `HOSTID="HOSTNAME=a=b"`, func(l *Line) bool { return l.HostID == "HOSTNAME=a=b" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseText("INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 5 " + tt.tail + "\n")
			if len(f.Lines) != 1 {
				t.Fatalf("line not loaded; errors %v", f.Errors)
			}
			if !tt.check(f.Lines[0]) {
				t.Errorf("fields wrong: %+v", *f.Lines[0])
			}
			switch {
			case tt.errHas == "" && len(f.Errors) != 0:
				t.Errorf("unexpected errors %v", f.Errors)
			case tt.errHas != "" && (len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, tt.errHas)):
				t.Errorf("errors %v, want one containing %q", f.Errors, tt.errHas)
			}
		})
	}
}

func TestOverdraft(t *testing.T) {
	tests := []struct {
		count, odp int
		uncounted  bool
		want       int
	}{
		{500, 10, false, 50},
		{7, 15, false, 1}, // floor(1.05)
		{9, 10, false, 0}, // floor(0.9)
		{100, 0, false, 0},
		{0, 10, true, 0},
		{1000, 250, false, 2500},
	}
	for _, tt := range tests {
		l := &Line{Count: tt.count, ODP: tt.odp, Uncounted: tt.uncounted}
		if got := l.Overdraft(); got != tt.want {
			t.Errorf("Overdraft(count %d, ODP %d, uncounted %v) = %d, want %d", tt.count, tt.odp, tt.uncounted, got, tt.want)
		}
	}
}

func TestDateFlexNetRoundTrip(t *testing.T) {
	for _, dt := range []Date{d(2024, 6, 30), d(2026, 1, 1), d(2029, 12, 30), d(2028, 2, 29)} {
		s := dt.FlexNet()
		got, yearZero, err := parseDate(s)
		if err != nil || yearZero || got != dt {
			t.Errorf("%v → %q → %v, %v, %v", dt, s, got, yearZero, err)
		}
	}
	if got := d(2024, 6, 30).FlexNet(); got != "30-jun-2024" {
		t.Errorf("FlexNet() = %q, want 30-jun-2024", got)
	}
	if got := (Date{}).FlexNet(); got != "" {
		t.Errorf("zero FlexNet() = %q", got)
	}
	if got := (Date{2026, time.Month(13), 1}).FlexNet(); got != "1-13-2026" {
		t.Errorf("out-of-range month FlexNet() = %q, must not panic", got)
	}
}

func TestStartupDetection(t *testing.T) {
	f := parseText("INCREMENT CITRIX CITRIX 2099.0101 permanent uncounted\n" +
		"INCREMENT CLSD_SYS_SERVER CITRIX 2099.0101 permanent uncounted VENDOR_STRING=;LT=sys\n" +
		"INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 5 VENDOR_STRING=;LT=Retail\n")
	want := []bool{true, true, false}
	for i, l := range f.Lines {
		if l.IsStartup() != want[i] || l.CountsAsEntitlement() == want[i] {
			t.Errorf("%s: IsStartup %v CountsAsEntitlement %v; want startup %v", l.Feature, l.IsStartup(), l.CountsAsEntitlement(), want[i])
		}
	}
}
