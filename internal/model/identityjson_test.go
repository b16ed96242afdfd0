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
// reference IdentityJSON must equal.
func encodeIdentity(t testing.TB, id usage.Identity, name string, html bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(NewIdentityRecord(id, name)); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestIdentityJSON(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	nov := time.Date(2026, 11, 3, 6, 38, 24, 123456789, time.UTC)
	shared := []string{"MPS_ENT_CCU", "XDT_PLT_UD"}
	cases := []struct {
		what string
		id   usage.Identity
		name string
	}{
		{"plain", usage.Identity{Name: "ann", Features: shared, Via: []string{"DDC01", "DDC02"}, FirstSeen: nov, LastSeen: nov.Add(time.Hour)}, "ann"},
		{"the same list again, the same day", usage.Identity{Name: "al", Features: shared, FirstSeen: nov.Add(time.Second), LastSeen: nov.Add(-time.Hour)}, "al"},
		{"a list sharing its first element, shorter", usage.Identity{Name: "al", Features: shared[:1], FirstSeen: nov, LastSeen: nov}, "al"},
		{"a device, nothing listed (nil lists are [])", usage.Identity{Name: "PC01", Kind: usage.Device}, "PC01"},
		{"empty lists", usage.Identity{Name: "x", Features: []string{}, Via: []string{}, FirstSeen: nov, LastSeen: nov}, "x"},
		{"a pseudonym shown", usage.Identity{Name: "ann", Features: []string{"XDT_PLT_UD"}, FirstSeen: nov, LastSeen: nov}, "u-7f3a9c"},
		{"an offset zone, the same instant's day differs", usage.Identity{Name: "bob", Features: []string{"XDT_PLT_UD"}, Via: []string{"h"}, FirstSeen: time.Date(2026, 11, 3, 23, 30, 0, 0, time.UTC).In(berlin), LastSeen: time.Date(2026, 7, 1, 12, 0, 0, 0, berlin)}, "bob"},
		{"the same day in UTC after it", usage.Identity{Name: "bo", FirstSeen: time.Date(2026, 11, 3, 23, 30, 0, 0, time.UTC), LastSeen: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}, "bo"},
		{"64 days on: the same slot of the memo", usage.Identity{Name: "s", FirstSeen: nov.AddDate(0, 0, 64), LastSeen: nov.Add(time.Hour).AddDate(0, 0, -64)}, "s"},
		{"midnight and the second before", usage.Identity{Name: "m", FirstSeen: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 3, 23, 59, 59, 0, time.UTC)}, "m"},
		{"before 1970", usage.Identity{Name: "old", FirstSeen: time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), LastSeen: time.Date(1969, 12, 31, 0, 0, 1, 0, time.UTC)}, "old"},
		{"1970's first day after 1969's last", usage.Identity{Name: "epoch", FirstSeen: time.Date(1970, 1, 1, 0, 0, 5, 0, time.UTC), LastSeen: time.Date(1969, 12, 31, 0, 0, 2, 0, time.UTC)}, "epoch"},
		{"years of other widths", usage.Identity{Name: "y", FirstSeen: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), LastSeen: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}, "y"},
		{"and back to four digits", usage.Identity{Name: "y", FirstSeen: time.Date(999, 1, 1, 5, 0, 0, 0, time.UTC), LastSeen: time.Date(999, 1, 1, 6, 0, 0, 0, time.UTC)}, "y"},
		{"HTML's three, quotes, controls", usage.Identity{Name: `a<b>&c`, Features: []string{`f"\`}, Via: []string{"h<o>st", "t\tab\x01"}, FirstSeen: nov, LastSeen: nov}, `a<b>&c`},
		{"invalid UTF-8 and separators", usage.Identity{Name: "bad\xff\xfe\xc3", Features: []string{"x\u2028y\u2029"}, Via: []string{"corp\xed\xa0\x80"}, FirstSeen: nov, LastSeen: nov}, "bad\xff\xfe\xc3"},
		{"C1 and format characters", usage.Identity{Name: "c1\u009bz\u0085", Features: []string{"bidi\u202e\u200b"}, Via: []string{"corp\U000e0001", "\U0001d173\ufeff"}, FirstSeen: nov, LastSeen: nov}, "c1\u009bz\u0085"},
		{"zero times", usage.Identity{Name: "z"}, "z"},
	}
	// One writer per escaping for the whole table, as a command writes
	// its report: what it keeps from one identity must not leak into the next.
	for _, html := range []bool{false, true} {
		plain, invisible := NewIdentityJSON(jsonstr.Escape{HTML: html}), NewIdentityJSON(jsonstr.Escape{HTML: html, Invisible: true})
		for _, c := range cases {
			want := encodeIdentity(t, c.id, c.name, html)
			if got := plain.AppendAs(nil, c.id, []byte(c.name)); !bytes.Equal(got, want) {
				t.Errorf("%s (html %v):\n got %s\nwant %s", c.what, html, got, want)
			}
			if c.name == c.id.Name {
				if got := plain.Append(nil, c.id); !bytes.Equal(got, want) {
					t.Errorf("%s (html %v), Append:\n got %s\nwant %s", c.what, html, got, want)
				}
			}
			want = jsonstr.EscapeInvisible(want)
			if got := invisible.AppendAs([]byte("[1,"), c.id, []byte(c.name)); !bytes.Equal(got, append([]byte("[1,"), want...)) {
				t.Errorf("%s (html %v, invisible):\n got %s\nwant [1,%s", c.what, html, got, want)
			}
		}
	}
}

// FuzzIdentityJSON holds IdentityJSON to encoding/json for any name,
// feature, host and pair of instants, written one after the other.
func FuzzIdentityJSON(f *testing.F) {
	f.Add("ann", "XDT_PLT_UD", "DDC01", int64(1795000000), int64(3600), int32(3600), true)
	f.Add("a<b>&\u009b\xff", "x\u2028", "\U000e0001", int64(-62135596800), int64(-86400), int32(-34200), false)
	w := NewIdentityJSON(jsonstr.Escape{})
	f.Fuzz(func(t *testing.T, name, feature, host string, unix, later int64, offset int32, device bool) {
		if got, want := w.AppendAs(nil, usage.Identity{Name: "plain"}, []byte(name)), encodeIdentity(t, usage.Identity{Name: "plain"}, name, false); !bytes.Equal(got, want) {
			t.Fatalf("AppendAs:\n got %s\nwant %s", got, want)
		}
		zone := time.FixedZone("", int(offset%(18*3600)))
		first := time.Unix(unix%(12000*365*86400), 0).In(zone)
		features := []string{feature, feature + "2"}
		for _, at := range []time.Time{first, first.Add(time.Duration(later%(3*86400)) * time.Second), first.UTC()} {
			id := usage.Identity{Name: name, Features: features, Via: []string{host}, FirstSeen: at, LastSeen: at.In(zone)}
			if device {
				id.Kind = usage.Device
			}
			if got, want := w.Append(nil, id), encodeIdentity(t, id, name, false); !bytes.Equal(got, want) {
				t.Fatalf("\n got %s\nwant %s", got, want)
			}
		}
	})
}

// identitiesForBench is n identities shaped like the 100k-identity log's.
func identitiesForBench(n int) []usage.Identity {
	// Shared, as the report shares them.
	features := [][]string{{"XDT_PLT_UD"}, {"MPS_ENT_CCU", "XDT_PLT_UD"}, {"CXS_STD_CCS", "PVS_PLT_CCU", "XDS_PLT_UD"}}
	via := [][]string{{"DDC01"}, {"DDC01", "DDC02"}}
	start := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	ids := make([]usage.Identity, n)
	for i := range ids {
		// In name order, times scatter over the month's days.
		first := start.Add(time.Duration(i*7919%(20*86400)) * time.Second)
		ids[i] = usage.Identity{
			Name: fmt.Sprintf("user%06d", i), Features: features[i%len(features)], Via: via[i%len(via)],
			FirstSeen: first, LastSeen: first.Add(time.Duration(i*104729%(6*86400)) * time.Second),
		}
	}
	return ids
}

// BenchmarkIdentityJSON: one op writes 10,000 identities' records, by
// IdentityJSON and, the baseline, by encoding/json as the records were
// written before.
func BenchmarkIdentityJSON(b *testing.B) {
	ids := identitiesForBench(10000)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = buf[:0]
			w := NewIdentityJSON(jsonstr.Escape{Invisible: true})
			for _, id := range ids {
				buf = w.Append(buf, id)
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

// TestIdentityJSONAllocatesNothing: a record, plain or named by a reused
// pseudonym buffer, costs no garbage once its Features list was seen.
func TestIdentityJSONAllocatesNothing(t *testing.T) {
	ids := identitiesForBench(3)
	w, dst, pseudonym := NewIdentityJSON(jsonstr.Escape{Invisible: true}), make([]byte, 0, 4096), []byte("u-7f3a9c")
	for _, id := range ids {
		dst = w.Append(dst[:0], id)
	}
	n := testing.AllocsPerRun(100, func() {
		for _, id := range ids {
			dst = w.Append(dst[:0], id)
			dst = w.AppendAs(dst, id, pseudonym)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations for %d identities", n, len(ids))
	}
}
