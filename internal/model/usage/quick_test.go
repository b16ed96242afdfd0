package usage

import (
	"bytes"
	"testing"
)

// quickAgrees fails t unless the quick path's reading of line, when it has
// one, is the general path's (classify, parseCheckout, checkoutLicenses),
// and the same whatever prefixes the reader remembers: none, the line's
// own, or those of the lines in before.
func quickAgrees(t *testing.T, line []byte, before ...[]byte) (quick bool) {
	t.Helper()
	var cold quickReader
	quick = quickAgreesWith(t, &cold, line)
	warm := cold // what reading line once left
	if again := quickAgreesWith(t, &warm, line); again != quick {
		t.Fatalf("%q: quick %v the first time, %v with its own prefix remembered", line, quick, again)
	}
	var other quickReader
	for _, b := range before {
		other.checkout(b)
	}
	if got := quickAgreesWith(t, &other, line); got != quick {
		t.Fatalf("%q: quick %v cold, %v after %q", line, quick, got, before)
	}
	return quick
}

func quickAgreesWith(t *testing.T, q *quickReader, line []byte) (quick bool) {
	t.Helper()
	op, tod, feature, identity, ok := q.checkout(line)
	if !ok {
		return false
	}
	c, cok := classify(line)
	if !cok || c.dated || c.restart || c.start || c.op != op || c.tod != tod {
		t.Fatalf("%q: quick %v at %d, classify %+v (ok %v)", line, op, tod, c, cok)
	}
	f, id, pok := parseCheckout(c.msg, c.op)
	if !pok || !bytes.Equal(f, feature) || !bytes.Equal(id, identity) {
		t.Fatalf("%q: quick %q %q, parseCheckout %q %q (ok %v)", line, feature, identity, f, id, pok)
	}
	if n := checkoutLicenses(c.msg); n != 1 {
		t.Fatalf("%q: quick 1 licence, checkoutLicenses %d", line, n)
	}
	return true
}

func TestQuickCheckoutAgrees(t *testing.T) {
	for _, tc := range []struct {
		line  string
		quick bool // the fast path reads it (else the general one does)
	}{
		{` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith@WKS01`, true},
		{`19:05:31 (CITRIX) IN: "XDT_PLT_UD" jsmith@WKS01`, true},
		{"\t 0:00:00\t(CITRIX)\tOUT:\t\"MPS_ADV_CCU\"\tCORP\\jsmith@ddc01 \t", true},
		{`23:59:59 (CITRIX) OUT:"F" u`, true},
		{`23:59:59 (CITRIX)OUT: "F" u`, true},
		{` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith@WKS01  (2 licenses)`, false},
		{` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith@WKS01 [0x1f]`, false},
		{` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith@WKS01  (INACTIVE)`, false},
		{` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD" ^^^`, false},
		{` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD"`, false},
		{` 9:05:31 (CITRIX) OUT: "" jsmith`, false},
		{` 9:05:31 (CITRIX) OUT: XDT_PLT_UD jsmith`, false},
		{` 9:05:31 (CITRIX) OUT: "XDT(2 licenses)" jsmith`, false},
		{` 9:05:31 (CITRIX) DENIED: "XDT_PLT_UD" jsmith  (Licensed number of users already reached. (-4,342))`, false},
		{` 9:05:31 OUT: "XDT_PLT_UD" jsmith`, false},
		{` 9:05:31 (CITRIX OUT: "XDT_PLT_UD" jsmith`, false},
		{`24:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith`, false},
		{` 9:65:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith`, false},
		{` 9:05:31x(CITRIX) OUT: "XDT_PLT_UD" jsmith`, false},
		{`2026-11-02T09:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith`, false},
		{` 9:05:31 (lmgrd) TIMESTAMP 11/2/2026`, false},
		{` 9:05:31 (CITRIX) OUTX: "F" u`, false},
		{``, false},
		{` 9:05:31 (CITRIX) OUT: "F" u (2 licenses)`, false},
		{` 9:05:31 (CITRIX) OUT: "F`, false},
		{` 9:05:31 (CITRIX) OUT: "`, false},
		{` 9:05:31 (CITRIX) OUT: ""`, false},
		{` 9:05:31 (CITRIX) IN: "F"u`, true},
		{` 9:05:31 (CITRIX) OUT:  "F" u`, true},
		{` 9:05:31 (CITRIXX) OUT: "F" u`, true},
	} {
		if got := quickAgrees(t, []byte(tc.line), []byte(` 9:05:31 (CITRIX) OUT: "F" u`), []byte(` 9:05:31 (CITRIX) IN: "F" u`)); got != tc.quick {
			t.Errorf("%q: quick path %v, want %v", tc.line, got, tc.quick)
		}
	}
}

// FuzzQuickCheckout: whatever line the fast path reads, it reads as the
// general path does, whatever line came before it.
func FuzzQuickCheckout(f *testing.F) {
	for _, s := range [][2]string{
		{` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith@WKS01`, ` 9:05:32 (CITRIX) OUT: "XDT_PLT_UD" jsmith@WKS01`},
		{`19:05:31 (CITRIX) IN: "XDT_PLT_UD" jsmith@WKS01`, `19:05:31 (CITRIX) IN: "XDT_PLT_UD" jsmith@WKS01  (2 licenses)`},
		{"\t0:00:00 (C)\tIN:\"F\"\tu\t", "\t0:00:00 (C)\tIN:\"\"\tu\t"},
		{` 9:05:31 (CITRIX) OUT: "F" u`, ` 9:05:31 (CITRIX) OUT: "F" ^^^`},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, before, line []byte) {
		quickAgrees(t, line, before)
		quickAgrees(t, before, line)
	})
}

// benchLines are the checkout lines of benchLog, the shape of nearly every
// line of a busy log.
func benchLines(b *testing.B) [][]byte {
	var lines [][]byte
	for line := range bytes.Lines(benchLog()) {
		if line = bytes.TrimSuffix(line, []byte("\n")); bytes.Contains(line, []byte("OUT:")) || bytes.Contains(line, []byte("IN:")) {
			lines = append(lines, line)
		}
		if len(lines) == 4096 {
			break
		}
	}
	if len(lines) == 0 {
		b.Fatal("no checkout lines")
	}
	return lines
}

// BenchmarkQuickCheckout is the per-line cost of a checkout line on the quick
// path; BenchmarkGeneralCheckout the same lines read by classify,
// parseCheckout and checkoutLicenses, its baseline.
func BenchmarkQuickCheckout(b *testing.B) {
	lines := benchLines(b)
	n := 0
	for b.Loop() {
		var q quickReader
		for _, line := range lines {
			if _, _, _, id, ok := q.checkout(line); ok {
				n += len(id)
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing read")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}

func BenchmarkGeneralCheckout(b *testing.B) {
	lines := benchLines(b)
	n := 0
	for b.Loop() {
		for _, line := range lines {
			c, _ := classify(line)
			if _, id, ok := parseCheckout(c.msg, c.op); ok {
				n += len(id) + checkoutLicenses(c.msg)
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing read")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}
