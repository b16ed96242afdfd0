package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
)

// TestUsageSummaryLine: one of a thing is singular, and unsupported
// requests are said like denied ones.
func TestUsageSummaryLine(t *testing.T) {
	for _, c := range []struct {
		rec  model.UsageRecord
		want string
	}{
		{model.UsageRecord{Month: "2026-11", Timezone: "UTC", Denied: 2, Unsupported: 1, UndatedLines: 1,
			Identities: []model.IdentityRecord{{Name: "a", Kind: "user"}, {Name: "b", Kind: "user"}, {Name: "D1", Kind: "device"}}},
			"Usage for 2026-11 (UTC): 2 users, 1 device, 2 denied, 1 unsupported, 1 undated log line\n"},
		{model.UsageRecord{Month: "2026-11", Timezone: "UTC", UndatedLines: 3,
			Identities: []model.IdentityRecord{{Name: "a", Kind: "user"}}},
			"Usage for 2026-11 (UTC): 1 user, 0 devices, 0 denied, 0 unsupported, 3 undated log lines\n"},
	} {
		var out bytes.Buffer
		printUsage(&env{stdout: &out}, c.rec, 0)
		if first, _, _ := strings.Cut(out.String(), "\n"); first+"\n" != c.want {
			t.Errorf("got  %q\nwant %q", first+"\n", c.want)
		}
	}
}

// failingWriter fails its nth write.
type failingWriter struct{ writes, failAt int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.writes++
	if f.writes == f.failAt {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestWriteUsageJSONIsWriteJSON: usage --json streams the identities, and
// must print what writeJSON prints for the whole record, byte for byte,
// whatever the names hold (HTML's characters, controls, invalid UTF-8,
// U+2028, C1 and format characters) and however many there are (past the
// flush size, so the document is written in several pieces).
func TestWriteUsageJSONIsWriteJSON(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	nov := usage.MonthOf(time.Date(2026, 11, 5, 0, 0, 0, 0, berlin), berlin)
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, berlin)
	odd := []usage.Identity{
		{Name: "a<b>&c", Key: "a<b>&c", Features: []string{"XDT_PLT_UD"}, Via: []string{"h<o>st"}, FirstSeen: at, LastSeen: at.Add(time.Hour)},
		{Name: "bad\xff\xfe\xc3", Features: []string{"x\u2028y"}, Via: []string{"corp\xed\xa0\x80"}, FirstSeen: at, LastSeen: at},
		{Name: "c1\u009bz\u0085", Kind: usage.Device, Features: []string{"bidi\u202e\u200b"}, Via: []string{"\U000e0001", "t\tab\x01"}, FirstSeen: at, LastSeen: at},
		{Name: `q"uo\te`, FirstSeen: at, LastSeen: at}, // nil lists
	}
	many := make([]usage.Identity, 3000)
	for i := range many {
		many[i] = usage.Identity{Name: fmt.Sprintf("user%05d\u202e", i), Features: []string{"MPS_ENT_CCU", "XDT_PLT_UD"}, Via: []string{"DDC01"}, FirstSeen: at, LastSeen: at.Add(time.Duration(i) * time.Minute)}
	}
	full := &usage.Report{
		Month: nov, Identities: odd, Denied: 2, Unsupported: 1, Undated: 3, LogsFrom: at.AddDate(0, -2, 0),
		Features:    []usage.FeatureCount{{Feature: "XDT_PLT_UD", Users: 3, Devices: 1}, {Feature: "x<\u009b>", Users: 1}},
		Days:        []usage.Day{{Date: nov.Start, Users: 2}, {Date: nov.Start.AddDate(0, 0, 1), Devices: 1}},
		Connections: []usage.Connection{{Feature: "CITRIX", Host: "DDC01", Checkouts: 4}},
		Peaks:       []usage.Peak{{Feature: "XDT_PLT_UD", Month: 3, Days: []int{1, 3}}, {Feature: "none"}},
	}
	for _, c := range []struct {
		what string
		r    *usage.Report
	}{
		{"nothing in the month", &usage.Report{Month: nov}},
		{"odd names and every list", full},
		{"one identity", &usage.Report{Month: nov, Identities: odd[:1]}},
		{"past the flush size", &usage.Report{Month: nov, Identities: many}},
	} {
		var want, got bytes.Buffer
		if err := writeJSON(&want, model.NewUsageRecord(c.r, nil)); err != nil {
			t.Fatal(err)
		}
		if err := writeUsageJSON(&got, c.r); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: writeUsageJSON differs from writeJSON:\n got %s\nwant %s", c.what, got.Bytes(), want.Bytes())
		}
	}
	// A failed write is the error, whichever piece it is.
	for _, failAt := range []int{1, 2} {
		if err := writeUsageJSON(&failingWriter{failAt: failAt}, &usage.Report{Month: nov, Identities: many}); err == nil || err.Error() != "disk full" {
			t.Errorf("write %d failing: %v, want disk full", failAt, err)
		}
	}
}

// BenchmarkUsageJSON: usage --json's writing of a 100k-identity report
// (the size of a real server's month), streamed and, the baseline, as
// writeJSON writes the whole record.
func BenchmarkUsageJSON(b *testing.B) {
	loc := time.UTC
	nov := usage.MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, loc), loc)
	lists := [][]string{{"XDT_PLT_UD"}, {"MPS_ENT_CCU", "XDT_PLT_UD"}, {"CXS_STD_CCS", "PVS_PLT_CCU", "XDS_PLT_UD"}}
	r := &usage.Report{Month: nov, Identities: make([]usage.Identity, 100000)}
	for i := range r.Identities {
		first := nov.Start.Add(time.Duration(i*7919%(20*86400)) * time.Second)
		r.Identities[i] = usage.Identity{
			Name: fmt.Sprintf("user%06d", i), Features: lists[i%len(lists)], Via: []string{"DDC01", "DDC02"}[:1+i%2],
			FirstSeen: first, LastSeen: first.Add(time.Duration(i*104729%(6*86400)) * time.Second),
		}
	}
	b.Run("streamed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := writeUsageJSON(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("writeJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := writeJSON(io.Discard, model.NewUsageRecord(r, nil)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
