package model

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
)

// TestLoadFixtureRoot loads a small hand-written root whose every number can
// be counted by eye: see testdata/root.
func TestLoadFixtureRoot(t *testing.T) {
	root, _ := filepath.Abs("testdata/root")
	s, err := Load(context.Background(), Options{
		Root: root, Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Location: time.UTC,
		UdadminFile: filepath.Join(root, "udadmin.txt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Problems) != 0 {
		t.Errorf("problems: %v", s.Problems)
	}
	if s.Server.Host != "ctxlic01.corp.example" {
		t.Errorf("host = %q", s.Server.Host)
	}
	if s.Server.Version == "" {
		t.Error("no version from the start line")
	}
	if len(s.Files) != 2 || len(s.Lines) != 4 {
		t.Errorf("%d files, %d lines; want 2 files, 4 lines", len(s.Files), len(s.Lines))
	}
	if len(s.ParseErrors) != 1 || s.ParseErrors[0].File != "myfiles/retail.lic" || s.ParseErrors[0].Line != 17 {
		t.Errorf("parse errors = %v, want one at myfiles/retail.lic:17", s.ParseErrors)
	}

	u := s.Usage
	// The line before the start line is no checkout: nothing undated.
	if u.Month.String() != "2026-11" || u.Denied != 1 || u.Undated != 0 {
		t.Errorf("month %s denied %d undated %d; want 2026-11, 1, 0", u.Month, u.Denied, u.Undated)
	}
	var names []string
	for _, id := range u.Identities {
		names = append(names, id.Name+"/"+id.Kind.String())
	}
	want := []string{"alice/user", "bob/user", "dave/user", "erin/user", "frank/user", "KIOSK-07/device"}
	if len(names) != len(want) {
		t.Fatalf("identities %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("identities %v, want %v", names, want)
		}
	}
	days := map[int][2]int{}
	for _, d := range u.Days {
		if d.Users+d.Devices > 0 {
			days[d.Date.Day()] = [2]int{d.Users, d.Devices}
		}
	}
	wantDays := map[int][2]int{2: {2, 0}, 3: {2, 0}, 4: {0, 1}, 5: {1, 0}}
	for d, w := range wantDays {
		if days[d] != w {
			t.Errorf("day %d = %v, want %v (all: %v)", d, days[d], w, days)
		}
	}

	got := map[string][3]int{}
	for _, e := range s.Entitlements {
		got[e.Feature] = [3]int{e.Installed, e.Overdraft, e.InUse}
	}
	if got["XDT_PLT_UD"] != [3]int{100, 10, 3} || got["MPS_ENT_CCU"] != [3]int{2, 1, 3} || len(got) != 2 {
		t.Errorf("entitlements %v", got)
	}
	h := s.Health()
	if h.Status != Warning {
		t.Errorf("health %s %v, want WARNING (MPS over installed, malformed line, expiring MPS)", h.Status, h.Findings)
	}

	if s.Config == nil || s.Config.Scramble || !s.Config.Present {
		t.Errorf("config = %+v, %v; want present and off (the commented-out one is not a setting)", s.Config, s.ConfigErr)
	}
	if len(s.Uploads) != 2 || s.Uploads[0].Outcome != uploads.Success || s.Uploads[1].Outcome != uploads.Failed {
		t.Errorf("uploads = %+v", s.Uploads)
	}
	if b := uploads.FailedBacklog(s.Uploads); b.Count != 1 || b.Bytes != 1 {
		t.Errorf("backlog = %+v", b)
	}
}

func TestLoadTZMovesMonthBoundary(t *testing.T) {
	root, _ := filepath.Abs("testdata/root")
	// 22:00 on 31 October in UTC is already 1 November in Tokyo.
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, tokyo)
	s, err := Load(context.Background(), Options{Root: root, Now: now, Location: tokyo, NoExec: true})
	if err != nil {
		t.Fatal(err)
	}
	// Log times are server-local: with --tz Asia/Tokyo they are read as Tokyo
	// times, so olduser's 22:00 on 31 October stays in October.
	for _, id := range s.Usage.Identities {
		if id.Name == "olduser@corp.example" {
			t.Errorf("olduser counted in %s", s.Usage.Month)
		}
	}
	if s.Usage.Month.Start.Location() != tokyo {
		t.Errorf("month in %v", s.Usage.Month.Start.Location())
	}
}

// TestUdadminRowErrorsNameTheListing: a bad row in a captured listing is
// reported at its file and line, so the admin can open it there.
func TestUdadminRowErrorsNameTheListing(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("testdata/root")); err != nil {
		t.Fatal(err)
	}
	listing := filepath.Join(root, "captured", "udadmin.txt")
	os.MkdirAll(filepath.Dir(listing), 0o755)
	rows := "Users:\n alice@corp.example XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)\n not a row\n"
	if err := os.WriteFile(listing, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), Options{
		Root: root, Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Location: time.UTC,
		UdadminFile: listing, NoExec: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Problems {
		got = append(got, p.Error())
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "captured/udadmin.txt:3: ") {
		t.Errorf("problems %q, want one at captured/udadmin.txt:3", got)
	}
}

// TestLoadIdentitiesOnDemand: a snapshot whose report makes its identities
// on demand (what payload build loads) has the same entitlements — this
// month's users, assigned now, in use — and identities as one that holds
// them, with and without a udadmin listing.
func TestLoadIdentitiesOnDemand(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ name, root, udadmin string }{
		{"fixture root with udadmin", "testdata/root", "udadmin.txt"},
		{"real shapes with udadmin", "testdata/realshapes", "udadmin-list.txt"},
		{"real shapes, log only", "testdata/realshapes", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, _ := filepath.Abs(tc.root)
			load := func(onDemand bool) *Snapshot {
				o := Options{Root: root, Now: now, Location: time.UTC, NoExec: true, IdentitiesOnDemand: onDemand}
				if tc.udadmin != "" {
					o.UdadminFile = filepath.Join(root, tc.udadmin)
				}
				s, err := Load(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			held, lazy := load(false), load(true)
			if lazy.Usage.Identities != nil || held.Usage.IdentityCount() == 0 {
				t.Fatalf("on demand holds %d identities; held: %d (the root should have some)",
					len(lazy.Usage.Identities), held.Usage.IdentityCount())
			}
			if !reflect.DeepEqual(slices.Collect(lazy.Usage.AllIdentities()), held.Usage.Identities) {
				t.Error("the identities differ")
			}
			if !reflect.DeepEqual(lazy.Entitlements, held.Entitlements) {
				t.Errorf("entitlements differ:\non demand %+v\nheld      %+v", lazy.Entitlements, held.Entitlements)
			}
			inUse := 0
			for _, e := range held.Entitlements {
				inUse += e.InUse + e.ThisMonth
			}
			if inUse == 0 {
				t.Error("no entitlement in use: the root tests nothing")
			}
		})
	}
}

// TestLoadUsageOnly: lsui usage's load gives the same usage report and the
// same problems but lmstat's, and neither runs lmstat nor counts
// entitlements.
func TestLoadUsageOnly(t *testing.T) {
	root, _ := filepath.Abs("testdata/realshapes")
	load := func(usageOnly bool) *Snapshot {
		s, err := Load(context.Background(), Options{
			Root: root, Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Location: time.UTC, NoExec: true,
			UdadminFile: filepath.Join(root, "udadmin-list.txt"), LmstatFile: filepath.Join(root, "lmstat-a.txt"),
			IdentitiesOnDemand: usageOnly, UsageOnly: usageOnly,
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	full, only := load(false), load(true)
	if full.Lmstat == nil || len(full.Entitlements) == 0 {
		t.Fatalf("the full load has lmstat %v and %d entitlements: the root tests nothing", full.Lmstat != nil, len(full.Entitlements))
	}
	if only.Lmstat != nil || only.Entitlements != nil {
		t.Errorf("usage only: lmstat %v, %d entitlements; want neither", only.Lmstat != nil, len(only.Entitlements))
	}
	if got, want := NewUsageRecord(only.Usage, nil), NewUsageRecord(full.Usage, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("usage records differ:\nusage only %+v\nfull       %+v", got, want)
	}
	var rest []Problem
	for _, p := range full.Problems {
		if !strings.Contains(p.File, "lmstat") {
			rest = append(rest, p)
		}
	}
	if !slices.Equal(only.Problems, rest) {
		t.Errorf("problems: usage only %v, full without lmstat's %v", only.Problems, rest)
	}
}
