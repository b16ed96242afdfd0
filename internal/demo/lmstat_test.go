package demo

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/lmstat"
)

// TestLmstatAgreesWithLogs: the captured `lmstat -a` listing says what the
// logs say is checked out at the clock, feature by feature and row by row,
// and issues what the licence files install.
func TestLmstatAgreesWithLogs(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	for _, tc := range []struct {
		name string
		now  time.Time
		loc  *time.Location
	}{
		{"mid month, working hours", time.Date(2026, 11, 18, 14, 32, 5, 0, berlin), berlin},
		{"a night, after the patch restart", time.Date(2026, 11, 11, 2, 10, 0, 0, time.UTC), time.UTC},
		{"seconds after the month's restart", time.Date(2026, 12, 1, 0, 0, 30, 0, time.UTC), time.UTC},
		{"before the month's restart", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.UTC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := materialize(t, tc.now, tc.loc)
			wall := localWall(tc.now, tc.loc)
			f, err := os.Open(root.LmstatFile)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			l, err := lmstat.Parse(f, "lmstat-a.txt")
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Problems) != 0 || l.Down() || len(l.Daemons) != 1 || !l.Daemons[0].Up || l.Daemons[0].Name != "CITRIX" {
				t.Fatalf("listing: problems %v, down %v, daemons %+v", l.Problems, l.Down(), l.Daemons)
			}
			taken, err := l.TakenTime(time.UTC)
			if err != nil || !taken.Equal(wall.Truncate(time.Minute)) {
				t.Errorf("listing taken %v (%v), want %v", taken, err, wall.Truncate(time.Minute))
			}

			open := replay(t, usageEvents(readLogs(t, root, tc.now, tc.loc)), wall, nil)
			inUse := map[string]int{}
			rows := map[string][]string{}
			for _, h := range open {
				inUse[h.feature] += h.licences
				user, host, _ := splitIdentity(h.who)
				rows[h.feature] = append(rows[h.feature], user+" "+host+" "+lmstatStart(wallOf(h.at)))
			}
			issued := installed(t, root)
			assigned := udadminRows(t, root)
			var names []string
			for _, feat := range l.Features {
				names = append(names, feat.Name)
				// An uncounted feature prints no totals, only its rows. A
				// user/device feature's in use is its licences assigned,
				// as udadmin lists them; its rows are the sessions open.
				userDevice := strings.HasSuffix(feat.Name, "_UD")
				switch {
				case feat.Uncounted:
				case userDevice && feat.InUse != assigned[feat.Name]:
					t.Errorf("%s: lmstat in use %d, udadmin lists %d assigned", feat.Name, feat.InUse, assigned[feat.Name])
				case !userDevice && feat.InUse != inUse[feat.Name]:
					t.Errorf("%s: lmstat in use %d, the log holds %d", feat.Name, feat.InUse, inUse[feat.Name])
				}
				if want, counted := issued[feat.Name]; feat.Uncounted == counted || (counted && feat.Issued != want) {
					t.Errorf("%s: issued %d (uncounted %v), the licence files install %d", feat.Name, feat.Issued, feat.Uncounted, want)
				}
				var got []string
				for _, c := range feat.Checkouts {
					got = append(got, c.User+" "+c.Host+" "+c.Start)
					if c.Display != c.Host || c.Server != "ctxlic01/27000" {
						t.Errorf("%s row %+v", feat.Name, c)
					}
				}
				sort.Strings(got)
				sort.Strings(rows[feat.Name])
				if strings.Join(got, "\n") != strings.Join(rows[feat.Name], "\n") {
					t.Errorf("%s rows:\n%s\nthe log holds:\n%s", feat.Name, strings.Join(got, "\n"), strings.Join(rows[feat.Name], "\n"))
				}
				if !feat.Uncounted && !userDevice && feat.CheckedOut() != feat.InUse {
					t.Errorf("%s: rows hold %d, total %d (no reservations or lingering on the demo)", feat.Name, feat.CheckedOut(), feat.InUse)
				}
			}
			for feat := range inUse {
				if l.Feature(feat) == nil {
					t.Errorf("the log holds %s, the listing does not list it", feat)
				}
			}
			if len(names) != 8 || l.Feature("PVS_STD_CCS") != nil {
				t.Errorf("features %v: want the 8 the licence files serve, not the malformed PVS line", names)
			}
		})
	}
}

// udadminRows counts the demo's udadmin listing's rows per feature, read
// with the tests' own reading of its " name FEATURE version (date)" rows.
func udadminRows(t *testing.T, root *Root) map[string]int {
	t.Helper()
	data, err := os.ReadFile(root.UdadminFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, row := range strings.Split(string(data), "\n") {
		if f := strings.Fields(row); strings.HasPrefix(row, " ") && len(f) >= 3 {
			out[f[1]]++
		}
	}
	if out["XDT_PLT_UD"] == 0 {
		t.Fatalf("no XDT_PLT_UD rows in %s", root.UdadminFile)
	}
	return out
}

// installed is the count per counted feature over the demo's licence files,
// read with the tests' own licence reader; uncounted features are absent.
func installed(t *testing.T, root *Root) map[string]int {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(root.Dir, "MyFiles", "*.lic"))
	out := map[string]int{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, ll := range logicalLines(filepath.Base(p), data) {
			kw := strings.ToUpper(strings.Fields(ll.text)[0])
			if kw != "INCREMENT" && kw != "FEATURE" {
				continue
			}
			line, err := parseLicence(ll)
			if err != nil || line.count == 0 {
				continue
			}
			out[line.feature] += line.count
		}
	}
	return out
}

// TestConcurrentPeak: the published apps show a peak well above what is
// checked out at a quiet moment, and a session taking two licences.
func TestConcurrentPeak(t *testing.T) {
	now := time.Date(2026, 11, 18, 14, 32, 5, 0, time.UTC)
	root := materialize(t, now, time.UTC)
	wall := localWall(now, time.UTC)
	monthStart := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	peak := 0
	events := usageEvents(readLogs(t, root, now, time.UTC))
	var thisMonth []usageEvent
	for _, e := range events {
		if !e.at.Before(monthStart) {
			thisMonth = append(thisMonth, e)
		}
	}
	open := replay(t, thisMonth, wall, func(open []held) {
		n := 0
		for _, h := range open {
			if h.feature == "MPS_ENT_CCU" {
				n += h.licences
			}
		}
		peak = max(peak, n)
	})
	now0 := 0
	for _, h := range open {
		if h.feature == "MPS_ENT_CCU" {
			now0 += h.licences
		}
	}
	if peak < 30 || peak > 100 || peak <= now0 {
		t.Errorf("MPS_ENT_CCU peak %d this month, %d now; want a visible peak within the 100 installed", peak, now0)
	}
}

// TestModelAgreesWithListing: the model's two sources of "checked out now"
// for concurrent licences, the log's open checkouts and the captured
// listing, give the same numbers on the demo.
func TestModelAgreesWithListing(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) // the CLI tests' clock
	root := materialize(t, now, time.UTC)
	inUse := map[string]map[string]int{} // source → feature → in use
	for _, listing := range []string{"", root.LmstatFile} {
		s, err := model.Load(context.Background(), model.Options{Root: root.Dir, Demo: true, Now: now, Location: time.UTC,
			UdadminFile: root.UdadminFile, LmstatFile: listing, NoExec: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Problems) != 0 {
			t.Errorf("problems: %v", s.Problems)
		}
		if s.Lmstat != nil {
			// `lsui checkouts` and `lsui entitlements` agree on user/device
			// licences: lmstat's in use is udadmin's assignments.
			assigned := map[string]int{}
			for _, e := range s.Entitlements {
				if e.InUseSource == model.InUseUdadmin {
					assigned[e.Feature] += e.InUse
				}
			}
			for _, f := range s.CheckoutsRecord().Features {
				if n, ok := assigned[f.Feature]; ok && f.InUse != n {
					t.Errorf("%s: lmstat in use %d, udadmin assigns %d", f.Feature, f.InUse, n)
				}
			}
			if assigned["XDT_PLT_UD"] == 0 {
				t.Errorf("no XDT_PLT_UD assignments: %v", assigned)
			}
		}
		for _, e := range s.Entitlements {
			if !strings.HasSuffix(e.Feature, "_CCU") && !strings.HasSuffix(e.Feature, "_CCS") {
				continue
			}
			if inUse[e.InUseSource] == nil {
				inUse[e.InUseSource] = map[string]int{}
			}
			inUse[e.InUseSource][e.Feature] += e.InUse
		}
	}
	log, listed := inUse["log"], inUse["lmstat"]
	if len(log) != 3 || !maps.Equal(log, listed) || log["MPS_ENT_CCU"] == 0 {
		t.Errorf("in use from the log %v, from lmstat %v; want the same, with published apps in use", log, listed)
	}
}

// TestLogsSortByDate: LS/*.log taken by name are taken oldest first, the
// live log last, as they were written.
func TestLogsSortByDate(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	root := materialize(t, now, time.UTC)
	names, _ := filepath.Glob(filepath.Join(root.Dir, "LS", "*.log"))
	sort.Strings(names)
	var prev time.Time
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		first := parseLog(t, data).lines[0].at
		if !first.After(prev) {
			t.Errorf("%s starts %s, not after the log before it (%s)", filepath.Base(n), first, prev)
		}
		prev = first
	}
	if filepath.Base(names[len(names)-1]) != "lmgrd_debug.log" {
		t.Errorf("logs by name: %v; the live log should come last", names)
	}
}

// TestLeasesAgree: for user/device licences the udadmin listing and the
// logs' leases (last use within LP) give the same assignments, but for the
// one device only udadmin knows; and the logs reach back past the lease.
func TestLeasesAgree(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	root := materialize(t, now, time.UTC)
	total := map[string]int{}
	for _, listing := range []string{"", root.UdadminFile} {
		s, err := model.Load(context.Background(), model.Options{Root: root.Dir, Demo: true, Now: now, Location: time.UTC,
			UdadminFile: listing, LmstatFile: root.LmstatFile, NoExec: true})
		if err != nil {
			t.Fatal(err)
		}
		if from := s.Usage.LogsFrom; from.IsZero() || now.Sub(from) < leaseDays*24*time.Hour {
			t.Errorf("logs cover %s onwards: less than a lease before %s", from, now)
		}
		for _, e := range s.Entitlements {
			if strings.HasSuffix(e.Feature, "_UD") {
				total[e.InUseSource] += e.InUse
			}
		}
	}
	if total["log"] < 250 || total["udadmin"] != total["log"]+1 {
		t.Errorf("user/device in use: %v; want udadmin = the logs' leases + the spare laptop", total)
	}
}
