package scramble

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"testing"
)

// benchNames are realistic ASCII user names of the kind udadmin and the
// debug logs report: mixed case, UPNs, down-level names, devices.
func benchNames() []string {
	first := []string{"Alice", "bob", "Charlotte", "dmitri", "Eve", "francois", "Gunnar", "hiroko"}
	last := []string{"Smith", "o'neil", "van.der.berg", "Nakamura", "Schmidt", "lee"}
	var names []string
	for i := 0; len(names) < 1024; i++ {
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		switch i % 4 {
		case 0:
			names = append(names, fmt.Sprintf("%s.%s%d@corp.example", f, l, i))
		case 1:
			names = append(names, fmt.Sprintf("CORP\\%s.%s%d", f, l, i))
		case 2:
			names = append(names, fmt.Sprintf("%s%d@EMEA.corp.example.com", l, i))
		default:
			names = append(names, fmt.Sprintf("WKS-%05d", i))
		}
	}
	return names
}

var benchKey = func() []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = byte(i)
	}
	return k
}()

// BenchmarkPseudonym is the hot path the payload builder runs per name.
func BenchmarkPseudonym(b *testing.B) {
	names := benchNames()
	k, _ := NewKey(benchKey)
	s := k.Scrambler()
	out := make([]byte, 0, PseudonymLen)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		out, err = s.AppendPseudonym(out[:0], names[i%len(names)])
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "names/s")
}

// BenchmarkBareHMAC is the budget's yardstick: the same names through a
// reused crypto/hmac with no canonicalisation and no encoding.
func BenchmarkBareHMAC(b *testing.B) {
	names := benchNames()
	mac := hmac.New(sha256.New, benchKey)
	buf := make([]byte, 0, 256)
	var sum [sha256.Size]byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mac.Reset()
		buf = append(buf[:0], names[i%len(names)]...)
		mac.Write(buf)
		mac.Sum(sum[:0])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "names/s")
}

// BenchmarkSHA256 is the floor: one unkeyed hash per name, what Citrix's
// own (reversible) scheme costs.
func BenchmarkSHA256(b *testing.B) {
	names := benchNames()
	buf := make([]byte, 0, 256)
	var sink byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = append(buf[:0], names[i%len(names)]...)
		sum := sha256.Sum256(buf)
		sink ^= sum[0]
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "names/s")
	_ = sink
}
