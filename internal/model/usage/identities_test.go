package usage

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestIdentitiesOnDemand: a report read with IdentitiesOnDemand holds no
// Identities or LastUses, and hands out through IdentityCount, IdentityAt,
// AllIdentities, LastUseCount, LastUseAt and AllLastUses exactly the lists
// the same read holds without it (which those serve too), with every other
// field equal: on the test logs with the udadmin listing, and on a log of
// over 64 features (lists not shared), hosts, devices and identities with
// leases only.
func TestIdentitiesOnDemand(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, berlin), berlin)

	var many strings.Builder
	many.WriteString(" 9:00:00 (lmgrd) FlexNet Licensing (v11.19.8.0 build 123456 x64_n6) started on ctxlic01 (IBM PC) (10/20/2026)\n")
	for day := 20; day <= 41; day++ { // October 20 to November 10
		d := time.Date(2026, 10, day, 0, 0, 0, 0, berlin)
		fmt.Fprintf(&many, " 6:00:00 (lmgrd) TIMESTAMP %d/%d/%d\n", d.Month(), d.Day(), d.Year())
		for u := range 40 {
			fmt.Fprintf(&many, "%2d:%02d:00 (CITRIX) OUT: \"FEAT%02d_UD\" user%02d@ddc%d\n", 7+u%10, u, (u*7+day)%70, (u*day)%23, u%3)
		}
		fmt.Fprintf(&many, "18:00:00 (CITRIX) OUT: \"XDT_PLT_UD\" KIOSK-%02d\n", day%5)
	}
	dir := t.TempDir()
	manyLog := filepath.Join(dir, "many.log")
	if err := os.WriteFile(manyLog, []byte(many.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		logs    []string
		udadmin string
	}{
		{"logs and udadmin", []string{"testdata/lmgrd.log", "testdata/lmgrd-restart.log"}, "testdata/udadmin.txt"},
		{"udadmin only", nil, "testdata/udadmin.txt"},
		{"real shapes", []string{"../../testdata/realshapes/LS/lmgrd_debug.log"}, ""},
		{"70 features", []string{manyLog}, ""},
		{"nothing", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			read := func(onDemand bool) *Report {
				o := ReadOptions{Month: nov, Logs: tc.logs, Location: berlin, IdentitiesOnDemand: onDemand,
					Now: time.Date(2026, 11, 27, 10, 0, 0, 0, berlin)}
				if tc.udadmin != "" {
					f, err := os.Open(tc.udadmin)
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					o.Udadmin, o.UdadminSource = f, "udadmin"
				}
				rep, _, _ := Read(o)
				return rep
			}
			held, lazy := read(false), read(true)
			if lazy.Identities != nil || lazy.LastUses != nil {
				t.Errorf("on demand: %d identities and %d last uses held", len(lazy.Identities), len(lazy.LastUses))
			}
			if len(held.Identities) != held.IdentityCount() || len(held.Identities) != lazy.IdentityCount() {
				t.Fatalf("IdentityCount: held %d, lazy %d; want %d", held.IdentityCount(), lazy.IdentityCount(), len(held.Identities))
			}
			for i, want := range held.Identities {
				if got := lazy.IdentityAt(i); !reflect.DeepEqual(got, want) {
					t.Fatalf("IdentityAt(%d) = %+v, want %+v", i, got, want)
				}
				for _, r := range []*Report{held, lazy} {
					if got := r.FeaturesAt(i); !slices.Equal(got, want.Features) {
						t.Fatalf("FeaturesAt(%d) = %q, want %q", i, got, want.Features)
					}
				}
			}
			if held.LastUseCount() != len(held.LastUses) || lazy.LastUseCount() != len(held.LastUses) {
				t.Fatalf("LastUseCount: held %d, lazy %d; want %d", held.LastUseCount(), lazy.LastUseCount(), len(held.LastUses))
			}
			for i, want := range held.LastUses {
				if got := lazy.LastUseAt(i); !reflect.DeepEqual(got, want) {
					t.Fatalf("LastUseAt(%d) = %+v, want %+v", i, got, want)
				}
				for _, r := range []*Report{held, lazy} {
					if got := r.LastUseFeatureAt(i); got != want.Feature {
						t.Fatalf("LastUseFeatureAt(%d) = %q, want %q", i, got, want.Feature)
					}
				}
			}
			for _, r := range []*Report{held, lazy} {
				if got := slices.Collect(r.AllIdentities()); !reflect.DeepEqual(got, held.Identities) && len(got)+len(held.Identities) > 0 {
					t.Errorf("AllIdentities: %d identities, want the %d held", len(got), len(held.Identities))
				}
				if got := slices.Collect(r.AllLastUses()); !reflect.DeepEqual(got, held.LastUses) && len(got)+len(held.LastUses) > 0 {
					t.Errorf("AllLastUses: %d last uses, want the %d held:\n%+v\n%+v", len(got), len(held.LastUses), got, held.LastUses)
				}
			}
			rest := func(r *Report) Report {
				c := *r
				c.Identities, c.LastUses, c.store = nil, nil, nil
				return c
			}
			if !reflect.DeepEqual(rest(held), rest(lazy)) {
				t.Errorf("the rest of the reports differ:\nheld %+v\nlazy %+v", rest(held), rest(lazy))
			}
			if tc.name == "70 features" && (len(held.Features) < 65 || len(held.LastUses) <= len(held.Identities)) {
				t.Errorf("the log has %d features, %d last uses for %d identities: not what it was made to test",
					len(held.Features), len(held.LastUses), len(held.Identities))
			}
		})
	}
}

// TestAllIdentitiesStops: a range over the iterators can break.
func TestAllIdentitiesStops(t *testing.T) {
	f, err := os.Open("testdata/udadmin.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	rep, _, _ := Read(ReadOptions{Month: nov, Udadmin: f, UdadminSource: "udadmin", Location: time.UTC, IdentitiesOnDemand: true})
	if rep.IdentityCount() < 2 {
		t.Fatalf("%d identities: the listing should have several", rep.IdentityCount())
	}
	n := 0
	for range rep.AllIdentities() {
		n++
		break
	}
	for range rep.AllLastUses() {
		n++
		break
	}
	if n != 2 {
		t.Errorf("%d yields before the breaks, want 2", n)
	}
}

// TestOnDemandReportAllocates: Read's report with IdentitiesOnDemand costs
// its index, about 24 bytes an identity, and on the way the sort's keys,
// 36 more that are freed when it returns; holding the identities and last
// uses costs over 200: what keeps a 1M-identity payload build from
// holding every identity twice.
func TestOnDemandReportAllocates(t *testing.T) {
	const n = 20_000
	nov := MonthOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	perIdentity := func(onDemand bool) float64 {
		b := NewBuilder(nov)
		for i := range n {
			b.AddAssignment(Assignment{Identity: fmt.Sprintf("user%06d@corp.example", i), Feature: "XDT_PLT_UD",
				LastUse: nov.Start.Add(time.Duration(i) * time.Minute)})
		}
		b.last, b.onDemand = true, onDemand
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rep := b.Report()
		runtime.ReadMemStats(&after)
		if rep.IdentityCount() != n {
			t.Fatalf("%d identities, want %d", rep.IdentityCount(), n)
		}
		return float64(after.TotalAlloc-before.TotalAlloc) / n
	}
	if got := perIdentity(true); got > 64 {
		t.Errorf("on demand: %.0f bytes an identity, want at most 64", got)
	}
	if got := perIdentity(false); got < 200 {
		t.Errorf("held: %.0f bytes an identity; the test no longer tells the two apart", got)
	}
}
