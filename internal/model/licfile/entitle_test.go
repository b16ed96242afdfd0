package licfile

import (
	"fmt"
	"reflect"
	"testing"
)

// entitlementLine builds a line as the parser would, from the parts the
// pairing key looks at.
func entitlementLine(id, feature, version string, count int, serial string) *Line {
	return &Line{Feature: feature, Version: version, Count: count, Uncounted: count == 0,
		Serial: serial, Name: DecodeFeature(feature), LicenseType: "Retail", File: id}
}

func ids(lines []*Line) []string {
	out := []string{}
	for _, l := range lines {
		if l == nil {
			out = append(out, "nil")
			continue
		}
		out = append(out, l.File)
	}
	return out
}

func TestEntitled(t *testing.T) {
	tests := []struct {
		name  string
		lines []*Line
		want  []string
	}{
		{"pair counts once, XDT kept (XDS first as Citrix writes it)", []*Line{
			entitlementLine("xds", "XDS_PLT_UD", "2025.0630", 500, "SN1"),
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 500, "SN1"),
		}, []string{"xdt"}},
		{"pair in the other order", []*Line{
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 500, "SN1"),
			entitlementLine("xds", "XDS_PLT_UD", "2025.0630", 500, "SN1"),
		}, []string{"xdt"}},
		{"lone XDS still counts", []*Line{
			entitlementLine("xds", "XDS_PLT_CCS", "2025.0630", 50, "SN1"),
		}, []string{"xds"}},
		{"different edition is no twin", []*Line{
			entitlementLine("xds", "XDS_ENT_UD", "2025.0630", 500, "SN1"),
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 500, "SN1"),
		}, []string{"xds", "xdt"}},
		{"different model is no twin", []*Line{
			entitlementLine("xds", "XDS_PLT_CCU", "2025.0630", 500, "SN1"),
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 500, "SN1"),
		}, []string{"xds", "xdt"}},
		{"different version is no twin", []*Line{
			entitlementLine("xds", "XDS_PLT_UD", "2024.0630", 500, "SN1"),
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 500, "SN1"),
		}, []string{"xds", "xdt"}},
		{"different count is no twin", []*Line{
			entitlementLine("xds", "XDS_PLT_UD", "2025.0630", 400, "SN1"),
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 500, "SN1"),
		}, []string{"xds", "xdt"}},
		{"different serial still pairs (SN is not in the key)", []*Line{
			entitlementLine("xds", "XDS_PLT_UD", "2025.0630", 500, "SN1"),
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 500, "SN2"),
		}, []string{"xdt"}},
		{"different CSS date is no twin", []*Line{
			{File: "xds", Feature: "XDS_PLT_UD", Count: 5, CSSDate: d(2025, 6, 30), Name: DecodeFeature("XDS_PLT_UD")},
			{File: "xdt", Feature: "XDT_PLT_UD", Count: 5, CSSDate: d(2026, 6, 30), Name: DecodeFeature("XDT_PLT_UD")},
		}, []string{"xds", "xdt"}},
		{"uncounted pairs only with uncounted", []*Line{
			entitlementLine("xds", "XDS_PLT_UD", "2025.0630", 0, ""),
			entitlementLine("xdt", "XDT_PLT_UD", "2025.0630", 0, ""),
		}, []string{"xdt"}},
		{"serial compares case-insensitively, no serial on both pairs", []*Line{
			entitlementLine("xds1", "XDS_PLT_UD", "2025.0630", 500, "la-1"),
			entitlementLine("xdt1", "XDT_PLT_UD", "2025.0630", 500, "LA-1"),
			entitlementLine("xds2", "XDS_STD_UD", "2025.0630", 10, ""),
			entitlementLine("xdt2", "XDT_STD_UD", "2025.0630", 10, ""),
		}, []string{"xdt1", "xdt2"}},
		{"tech preview pairs only with tech preview", []*Line{
			entitlementLine("xdstp", "XDSTP_PLT_UD", "2026.0301", 0, "TP"),
			entitlementLine("xdt", "XDT_PLT_UD", "2026.0301", 0, "TP"),
			entitlementLine("xdttp", "XDTTP_PLT_UD", "2026.0301", 0, "TP"),
		}, []string{"xdt", "xdttp"}},
		{"two purchases pair one-to-one", []*Line{
			entitlementLine("xds1", "XDS_PLT_UD", "2025.0630", 100, ""),
			entitlementLine("xds2", "XDS_PLT_UD", "2025.0630", 100, ""),
			entitlementLine("xds3", "XDS_PLT_UD", "2025.0630", 100, ""),
			entitlementLine("xdt1", "XDT_PLT_UD", "2025.0630", 100, ""),
			entitlementLine("xdt2", "XDT_PLT_UD", "2025.0630", 100, ""),
		}, []string{"xds3", "xdt1", "xdt2"}},
		{"startup licence dropped, others kept in order", []*Line{
			entitlementLine("startup", "CITRIX", "2099.0101", 0, ""),
			entitlementLine("mps", "MPS_ADV_CCU", "2025.0630", 20, ""),
			{File: "sys", Feature: "CLSD_SYS", LicenseType: "SYS", Name: DecodeFeature("CLSD_SYS")},
			entitlementLine("cxs", "CXS_STD_CCS", "2025.0630", 4, ""),
		}, []string{"mps", "cxs"}},
		{"nil lines ignored", []*Line{nil, entitlementLine("mps", "MPS_ADV_CCU", "2025.0630", 20, ""), nil}, []string{"mps"}},
		{"empty", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(Entitled(tt.lines)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Entitled = %v, want %v", got, tt.want)
			}
			for _, l := range tt.lines {
				if l != nil && l.Twin != nil {
					t.Errorf("Entitled set Twin on %s; it must not touch the lines", l.File)
				}
			}
			// PairTwins + CountsAsEntitlement must agree with Entitled.
			PairTwins(tt.lines)
			var counted []*Line
			for _, l := range tt.lines {
				if l != nil && l.CountsAsEntitlement() {
					counted = append(counted, l)
				}
			}
			if got := ids(counted); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CountsAsEntitlement after PairTwins = %v, want %v", got, tt.want)
			}
		})
	}
}

// The serial never changes which lines count, only which XDT an XDS is
// linked to: a same-serial partner wins even when it comes later.
func TestPairTwinsPrefersSameSerial(t *testing.T) {
	xdsB := entitlementLine("xdsB", "XDS_PLT_UD", "2025.0630", 100, "LA-1:B")
	xdsZ := entitlementLine("xdsZ", "XDS_PLT_UD", "2025.0630", 100, "LA-1:Z")
	xdtA := entitlementLine("xdtA", "XDT_PLT_UD", "2025.0630", 100, "LA-1:A")
	xdtB := entitlementLine("xdtB", "XDT_PLT_UD", "2025.0630", 100, "la-1:b")
	lines := []*Line{xdsZ, xdsB, xdtA, xdtB}
	PairTwins(lines)
	if xdsB.Twin != xdtB || xdtB.Twin != xdsB || xdsZ.Twin != xdtA || xdtA.Twin != xdsZ {
		t.Errorf("twins: xdsB→%v xdsZ→%v; want xdtB, xdtA", ids([]*Line{xdsB.Twin}), ids([]*Line{xdsZ.Twin}))
	}
	if got := ids(Entitled(lines)); !reflect.DeepEqual(got, []string{"xdtA", "xdtB"}) {
		t.Errorf("Entitled = %v", got)
	}
}

func TestPairTwinsLinksBothHalves(t *testing.T) {
	f := parseFixture(t, "retail.lic")
	xds, xdt, mps := f.Lines[0], f.Lines[1], f.Lines[2]
	if xds.Twin != xdt || xdt.Twin != xds || mps.Twin != nil {
		t.Fatalf("after Parse: xds.Twin=%p xdt.Twin=%p mps.Twin=%p; want xdt, xds, nil", xds.Twin, xdt.Twin, mps.Twin)
	}
	if xds.CountsAsEntitlement() || !xdt.CountsAsEntitlement() || !mps.CountsAsEntitlement() {
		t.Error("want XDS not counted, XDT and MPS counted")
	}
	// Re-pairing a set without the XDT clears the stale link.
	PairTwins([]*Line{xds, mps})
	if xds.Twin != nil || !xds.CountsAsEntitlement() {
		t.Errorf("XDS alone: Twin=%p counts=%v; want nil, true", xds.Twin, xds.CountsAsEntitlement())
	}
}

// A pair split across two files pairs once the model merges them.
func TestPairTwinsAcrossFiles(t *testing.T) {
	a := parseText("INCREMENT XDS_PLT_CCS CITRIX 2025.0630 permanent 25 SN=X\n")
	b := ParseBytes("b.lic", []byte("INCREMENT XDT_PLT_CCS CITRIX 2025.0630 permanent 25 SN=X\n"))
	xds, xdt := a.Lines[0], b.Lines[0]
	if xds.Twin != nil || !xds.CountsAsEntitlement() {
		t.Fatal("separate files must not pair on their own")
	}
	all := append(append([]*Line{}, a.Lines...), b.Lines...)
	if got := Entitled(all); len(got) != 1 || got[0] != xdt {
		t.Errorf("Entitled(merged) = %v, want the XDT line only", got)
	}
	PairTwins(all)
	if xds.Twin != xdt || xds.CountsAsEntitlement() {
		t.Errorf("after PairTwins(merged): xds.Twin=%p counts=%v", xds.Twin, xds.CountsAsEntitlement())
	}
}

func ExampleEntitled() {
	f := ParseBytes("MyFiles/example.lic", []byte(`VENDOR CITRIX
INCREMENT XDS_PLT_UD CITRIX 2025.0630 permanent 500 SN=LA-1
INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 500 SN=LA-1
INCREMENT CITRIX CITRIX 2099.0101 permanent uncounted
`))
	for _, l := range Entitled(f.Lines) {
		fmt.Println(l.Pos(), l.Name.Display(), l.Count)
	}
	// Output: MyFiles/example.lic:3 Citrix Virtual Apps and Desktops Premium User/Device 500
}
