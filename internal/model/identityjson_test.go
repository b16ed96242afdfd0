package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/jsonstr"
	"github.com/lsui/lsui/internal/model/usage"
)

// encodeIdentity is encoding/json's writing of the identity's record: the
// reference AppendIdentityJSON must equal.
func encodeIdentity(t testing.TB, id usage.Identity, name string, html bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(NewIdentityRecord(id, name)); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestAppendIdentityJSON(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	nov := time.Date(2026, 11, 3, 6, 38, 24, 123456789, time.UTC)
	cases := []struct {
		what string
		id   usage.Identity
		name string
	}{
		{"plain", usage.Identity{Name: "ann", Features: []string{"MPS_ENT_CCU", "XDT_PLT_UD"}, Via: []string{"DDC01", "DDC02"}, FirstSeen: nov, LastSeen: nov.Add(time.Hour)}, "ann"},
		{"a device, nothing listed (nil lists are [])", usage.Identity{Name: "PC01", Kind: usage.Device}, "PC01"},
		{"empty lists", usage.Identity{Name: "x", Features: []string{}, Via: []string{}, FirstSeen: nov, LastSeen: nov}, "x"},
		{"a pseudonym shown", usage.Identity{Name: "ann", Features: []string{"XDT_PLT_UD"}, FirstSeen: nov, LastSeen: nov}, "u-7f3a9c"},
		{"an offset zone", usage.Identity{Name: "bob", Features: []string{"XDT_PLT_UD"}, Via: []string{"h"}, FirstSeen: nov.In(berlin), LastSeen: time.Date(2026, 7, 1, 12, 0, 0, 0, berlin)}, "bob"},
		{"HTML's three, quotes, controls", usage.Identity{Name: `a<b>&c`, Features: []string{`f"\`}, Via: []string{"h<o>st", "t\tab\x01"}, FirstSeen: nov, LastSeen: nov}, `a<b>&c`},
		{"invalid UTF-8 and separators", usage.Identity{Name: "bad\xff\xfe\xc3", Features: []string{"x\u2028y\u2029"}, Via: []string{"corp\xed\xa0\x80"}, FirstSeen: nov, LastSeen: nov}, "bad\xff\xfe\xc3"},
		{"C1 and format characters", usage.Identity{Name: "c1\u009bz\u0085", Features: []string{"bidi\u202e\u200b"}, Via: []string{"corp\U000e0001", "\U0001d173\ufeff"}, FirstSeen: nov, LastSeen: nov}, "c1\u009bz\u0085"},
		{"zero times", usage.Identity{Name: "z"}, "z"},
	}
	for _, c := range cases {
		for _, html := range []bool{false, true} {
			want := encodeIdentity(t, c.id, c.name, html)
			if got := AppendIdentityJSON(nil, c.id, c.name, jsonstr.Escape{HTML: html}); !bytes.Equal(got, want) {
				t.Errorf("%s (html %v):\n got %s\nwant %s", c.what, html, got, want)
			}
			want = jsonstr.EscapeInvisible(want)
			if got := AppendIdentityJSON([]byte("[1,"), c.id, c.name, jsonstr.Escape{HTML: html, Invisible: true}); !bytes.Equal(got, append([]byte("[1,"), want...)) {
				t.Errorf("%s (html %v, invisible):\n got %s\nwant [1,%s", c.what, html, got, want)
			}
		}
	}
}

// FuzzAppendIdentityJSON holds AppendIdentityJSON to encoding/json for any
// name, feature, host and instant.
func FuzzAppendIdentityJSON(f *testing.F) {
	f.Add("ann", "XDT_PLT_UD", "DDC01", int64(1795000000), int32(3600), true)
	f.Add("a<b>&\u009b\xff", "x\u2028", "\U000e0001", int64(-62135596800), int32(-34200), false)
	f.Fuzz(func(t *testing.T, name, feature, host string, unix int64, offset int32, device bool) {
		at := time.Unix(unix%(400*365*86400), 0).In(time.FixedZone("", int(offset%(18*3600))))
		id := usage.Identity{Name: name, Features: []string{feature, feature + "2"}, Via: []string{host}, FirstSeen: at, LastSeen: at.UTC()}
		if device {
			id.Kind = usage.Device
		}
		for _, html := range []bool{false, true} {
			want := encodeIdentity(t, id, name, html)
			if got := AppendIdentityJSON(nil, id, name, jsonstr.Escape{HTML: html}); !bytes.Equal(got, want) {
				t.Fatalf("html %v:\n got %s\nwant %s", html, got, want)
			}
		}
	})
}

// identitiesForBench is n identities shaped like the 100k-identity log's.
func identitiesForBench(n int) []usage.Identity {
	features := [][]string{{"XDT_PLT_UD"}, {"MPS_ENT_CCU", "XDT_PLT_UD"}, {"CXS_STD_CCS", "PVS_PLT_CCU", "XDS_PLT_UD"}}
	via := [][]string{{"DDC01"}, {"DDC01", "DDC02"}}
	first := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	ids := make([]usage.Identity, n)
	for i := range ids {
		ids[i] = usage.Identity{
			Name: fmt.Sprintf("user%06d", i), Features: features[i%len(features)], Via: via[i%len(via)],
			FirstSeen: first.Add(time.Duration(i) * time.Second), LastSeen: first.Add(time.Duration(i) * time.Minute),
		}
	}
	return ids
}

// BenchmarkIdentityJSON: one op writes 10,000 identities' records, by
// AppendIdentityJSON and, the baseline, by encoding/json as the records
// were written before.
func BenchmarkIdentityJSON(b *testing.B) {
	ids := identitiesForBench(10000)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = buf[:0]
			for _, id := range ids {
				buf = AppendIdentityJSON(buf, id, id.Name, jsonstr.Escape{Invisible: true})
				buf = append(buf, ',')
			}
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for _, id := range ids {
				if err := enc.Encode(NewIdentityRecord(id, id.Name)); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
}
