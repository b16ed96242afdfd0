// Package synth writes the deterministic inputs of the benchmark suite
// (scripts/bench): licence files, FlexNet debug logs, udadmin listings and
// whole licensing roots. The same arguments always give the same bytes, so
// a figure measured on one machine can be re-measured on another; nothing it
// writes is ever committed.
package synth

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// purchase is one kind of order a Citrix customer's MyFiles accumulates.
type purchase struct {
	features []string // XDT/XDS twins come as a pair, as Citrix issues them
	lt       string   // VENDOR_STRING LT
	expiry   string   // "" means a dated expiry is drawn
	counts   []int
}

// purchases are weighted by repetition: retail UD orders dominate a real
// MyFiles, with CCU, hypervisor, gateway, eval, NFR and CSP orders mixed in.
var purchases = []purchase{
	{[]string{"XDT_PLT_UD", "XDS_PLT_UD"}, "Retail", "permanent", []int{25, 100, 250, 500, 1000}},
	{[]string{"XDT_PLT_UD", "XDS_PLT_UD"}, "Retail", "permanent", []int{50, 150, 2000}},
	{[]string{"XDT_ENT_UD", "XDS_ENT_UD"}, "Retail", "permanent", []int{10, 75, 300}},
	{[]string{"XDT_ADV_UD", "XDS_ADV_UD"}, "RetailS", "", []int{20, 40}},
	{[]string{"MPS_ADV_CCU"}, "Retail", "permanent", []int{5, 50, 120}},
	{[]string{"MPS_PLT_CCU"}, "Retail", "1-jan-0", []int{30, 60}},
	{[]string{"CXS_STD_CCS"}, "Retail", "permanent", []int{2, 8, 16}},
	{[]string{"CAG_ENT_CCU"}, "Retail", "uncounted", []int{0}},
	{[]string{"XDT_PLT_UD"}, "Eval", "", []int{99}},
	{[]string{"XDT_ADV_UD", "XDS_ADV_UD"}, "NFR", "", []int{25}},
	{[]string{"XDT_PLT_UD"}, "CSP", "", []int{500, 1500}},
	{[]string{"XDTTP_PLT_UD"}, "TP", "", []int{10}},
}

var months = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// flexDate is dd-mmm-yyyy in the mixed spellings real files carry.
func flexDate(rng *rand.Rand, yearFrom, years int) string {
	m := months[rng.IntN(12)]
	switch rng.IntN(3) {
	case 0:
		m = string(m[0]-'a'+'A') + m[1:] // Dec
	case 1:
		m = string(bytes.ToUpper([]byte(m))) // DEC
	}
	return fmt.Sprintf("%02d-%s-%d", 1+rng.IntN(28), m, yearFrom+rng.IntN(years))
}

// LicenceFileName is the name of the i-th file of a generated MyFiles: the
// startup licence first, then Citrix's FID_… download names.
func LicenceFileName(i int) string {
	if i == 0 {
		return "citrix_startup.lic"
	}
	rng := rand.New(rand.NewPCG(uint64(i), 0x6669645f)) // "fid_"
	return fmt.Sprintf("FID_%08x_%011x__%04x.lic", rng.Uint32(), rng.Uint64()>>20, rng.IntN(0x10000))
}

// LicenceFile is the content of the i-th file of a generated MyFiles: what
// Citrix's licensing portal hands out, one order per file with a comment
// header, the SERVER/VENDOR/USE_SERVER preamble and one or two orders of
// INCREMENT lines with wrapped signatures. One file in four has CRLF
// endings and one in ten a UTF-8 BOM, as files edited on Windows do.
func LicenceFile(i int) []byte {
	rng := rand.New(rand.NewPCG(uint64(i), 0x6c696366)) // "licf"
	eol := "\n"
	if i%4 == 1 {
		eol = "\r\n"
	}
	var b bytes.Buffer
	if i%10 == 3 {
		b.WriteString("\xef\xbb\xbf")
	}
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteString(eol)
	}
	if i == 0 {
		line("# Citrix Startup License - required for the Citrix Licensing service to start.")
		line("SERVER this_host HOSTNAME=ctxlic01.corp.example")
		line("VENDOR CITRIX")
		line("USE_SERVER")
		line("INCREMENT CITRIX CITRIX 2026.0101 permanent uncounted \\")
		line("\tVENDOR_STRING=;LT=SYS;GP=720;UDM=U;LP=90;CL=ADV,ENT,PLT,STD;SA=0;ODP=0 \\")
		line("\tHOSTID=ANY DUP_GROUP=NONE ISSUED=01-jan-2026 NOTICE=\"Example Corp\" \\")
		b.WriteString("\tSN=STARTUP-2026.0101-CTXLIC01 START=01-jan-2026 ")
		writeSign(&b, rng, eol)
		return b.Bytes()
	}
	orders := 1 + rng.IntN(2)
	customer := []string{"Example Corp", "Contoso Ltd.", "Fabrikam, Inc.", "Northwind Traders", "Tailspin Toys"}[rng.IntN(5)]
	line("# This file is in UTF-8 format.")
	line("# Citrix licence file for %s, order %04d-%04d-%02d", customer, rng.IntN(10000), rng.IntN(10000), rng.IntN(100))
	line("SERVER this_host HOSTNAME=ctxlic01.corp.example")
	line("VENDOR CITRIX")
	line("USE_SERVER")
	for o := 0; o < orders; o++ {
		p := purchases[rng.IntN(len(purchases))]
		css := fmt.Sprintf("%d.%02d%02d", 2024+rng.IntN(4), 1+rng.IntN(12), 1+rng.IntN(28))
		expiry := p.expiry
		if expiry == "" {
			expiry = flexDate(rng, 2025, 4)
		}
		count := p.counts[rng.IntN(len(p.counts))]
		countWord := strconv.Itoa(count)
		if expiry == "uncounted" {
			expiry, countWord = "permanent", "uncounted"
		}
		serial := fmt.Sprintf("LA-%010d-%05d", rng.IntN(1e10), rng.IntN(1e5))
		issued := flexDate(rng, 2023, 3)
		for f, feature := range p.features {
			keyword := "INCREMENT"
			if rng.IntN(20) == 0 {
				keyword = "increment" // keywords compare case-insensitively
			}
			line("%s %s CITRIX %s %s %s \\", keyword, feature, css, expiry, countWord)
			line("\tVENDOR_STRING=;LT=%s;GP=720;UDM=U;CL=VDS,VDA,VDE,PLT;SA=1;LP=90;ODP=%d \\", p.lt, []int{0, 10, 25}[rng.IntN(3)])
			line("\tDUP_GROUP=V ISSUED=%s NOTICE=\"%s\" \\", issued, customer)
			fmt.Fprintf(&b, "\tSN=%s:%06d START=%s ", serial, f, issued)
			writeSign(&b, rng, eol)
		}
	}
	return b.Bytes()
}

// writeSign writes SIGN="…" with 24 four-hex-digit groups wrapped inside the
// quotes over three lines, as the portal wraps it, and ends the line.
func writeSign(b *bytes.Buffer, rng *rand.Rand, eol string) {
	b.WriteString(`SIGN="`)
	for g := 0; g < 24; g++ {
		if g > 0 && g%10 == 0 {
			b.WriteString(" \\")
			b.WriteString(eol)
			b.WriteByte('\t')
		} else if g > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(b, "%04X", rng.IntN(0x10000))
	}
	b.WriteString(`"`)
	b.WriteString(eol)
}
