package licfile

import (
	"fmt"
	"strings"
	"testing"
)

// realisticFile is a licence file like a large customer's MyFiles merged
// into one: a header, then n INCREMENT lines with Citrix's usual fields and
// a wrapped 4-hex-group signature.
func realisticFile(n int) []byte {
	features := []string{"XDS_PLT_UD", "XDT_PLT_UD", "MPS_ADV_CCU", "CXS_STD_CCS", "CNS_ENT_SERVER", "XDTTP_PLT_UD"}
	var b strings.Builder
	b.WriteString("# This file is in UTF-8 format.\r\nSERVER this_host HOSTNAME=ctxlic01.corp.example\r\nVENDOR CITRIX\r\nUSE_SERVER\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "INCREMENT %s CITRIX 2025.%02d%02d %s %d \\\r\n", features[i%len(features)], 1+i%12, 1+i%28,
			[]string{"permanent", "30-Dec-2029", "1-jan-0", "01-JAN-2026"}[i%4], []int{500, 0, 25, 1000}[i%4])
		fmt.Fprintf(&b, "\tVENDOR_STRING=;LT=Retail;GP=720;CL=VDS,VDA,VDE,PLT;SA=1;LP=90;ODP=10;AP=ADMIN \\\r\n")
		fmt.Fprintf(&b, "\tDUP_GROUP=V ISSUED=30-jun-2024 NOTICE=\"Example Corp %d\" \\\r\n", i)
		fmt.Fprintf(&b, "\tSN=LA-0012345678-%05d:987654 START=29-jun-2024 SIGN=\"", i)
		for g := 0; g < 60; g++ {
			if g > 0 && g%12 == 0 {
				b.WriteString(" \\\r\n\t")
			} else if g > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%04X", (i*131+g*17)&0xFFFF)
		}
		b.WriteString("\"\r\n")
	}
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	data := realisticFile(2000)
	if f := ParseBytes("bench.lic", data); len(f.Lines) != 2000 || len(f.Errors) != 0 {
		b.Fatalf("generated file parses to %d lines, errors %v", len(f.Lines), f.Errors)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ParseBytes("bench.lic", data)
	}
}
