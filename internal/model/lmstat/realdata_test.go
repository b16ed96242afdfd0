package lmstat

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// want is what a file says of itself, read with plain regexps that share
// nothing with the parser: per "Users of" line, in order, the server's
// totals, and the checkout rows under it.
type want struct {
	name          string
	issued, inUse int
	uncounted     bool
	rows          int
	licenses      int // rows' licences: ", K licenses" means K, none means 1
}

var (
	wantUsers = regexp.MustCompile(`^Users of ([^:]+):  \((.*)\)$`)
	wantTotal = regexp.MustCompile(`^Total of (\d+) licenses? issued;  Total of (\d+) licenses? in use$`)
	wantLic   = regexp.MustCompile(`, (\d+) licenses?`)
)

func expected(t *testing.T, path string) []want {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []want
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if m := wantUsers.FindStringSubmatch(line); m != nil {
			w := want{name: m[1]}
			if tm := wantTotal.FindStringSubmatch(m[2]); tm != nil {
				w.issued, _ = strconv.Atoi(tm[1])
				w.inUse, _ = strconv.Atoi(tm[2])
			}
			w.uncounted = strings.HasPrefix(m[2], "Uncounted")
			out = append(out, w)
			continue
		}
		if strings.Contains(line, "), start ") && len(out) > 0 {
			w := &out[len(out)-1]
			w.rows++
			if m := wantLic.FindStringSubmatch(line); m != nil {
				k, _ := strconv.Atoi(m[1])
				w.licenses += k
			} else {
				w.licenses++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parseFile(t *testing.T, path string) *Listing {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := Parse(f, filepath.Base(path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return l
}

// TestRealdataTotals: every real listing parses to its own totals, feature
// by feature, with no line left unexplained.
func TestRealdataTotals(t *testing.T) {
	files, err := filepath.Glob("testdata/realdata/lmstat_*.txt")
	if err != nil || len(files) < 12 {
		t.Fatalf("want the 12 real listings in testdata/realdata, got %d (%v)", len(files), err)
	}
	features := 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			l := parseFile(t, path)
			for _, p := range l.Problems {
				t.Errorf("problem: %v", p)
			}
			exp := expected(t, path)
			if len(l.Features) != len(exp) {
				t.Fatalf("%d features, the file has %d \"Users of\" lines", len(l.Features), len(exp))
			}
			for i, w := range exp {
				g := l.Features[i]
				if g.Name != w.name || g.Issued != w.issued || g.InUse != w.inUse || g.Uncounted != w.uncounted {
					t.Errorf("feature %d: got %s issued %d in use %d uncounted %v, file says %s %d %d %v",
						i, g.Name, g.Issued, g.InUse, g.Uncounted, w.name, w.issued, w.inUse, w.uncounted)
				}
				if len(g.Checkouts) != w.rows || g.CheckedOut() != w.licenses {
					t.Errorf("%s: %d rows holding %d licences, file has %d rows holding %d",
						g.Name, len(g.Checkouts), g.CheckedOut(), w.rows, w.licenses)
				}
			}
			features += len(exp)
		})
	}
	if features < 300 {
		t.Errorf("only %d features across the real listings; the test reads too little", features)
	}
}

func find(t *testing.T, l *Listing, feature string, line int) Checkout {
	t.Helper()
	f := l.Feature(feature)
	if f == nil {
		t.Fatalf("%s: no feature %s", l.Name, feature)
	}
	for _, c := range append(append([]Checkout(nil), f.Checkouts...), f.Queued...) {
		if c.Line == line {
			return c
		}
	}
	t.Fatalf("%s: no row of %s at line %d", l.Name, feature, line)
	return Checkout{}
}

// TestRealdataRows checks hand-picked rows field by field: names with
// spaces, garbage displays, no display, linger and licence tails, PID tails,
// queued requests.
func TestRealdataRows(t *testing.T) {
	app1 := parseFile(t, "testdata/realdata/lmstat_app1.txt")
	app5 := parseFile(t, "testdata/realdata/lmstat_app5.txt")
	app4 := parseFile(t, "testdata/realdata/lmstat_app4.txt")
	tests := []struct {
		l       *Listing
		feature string
		line    int
		want    Checkout
	}{
		{app1, "feature1", 30, Checkout{User: "USER9", Host: "SERVER45823008", Display: "SERVER45823008", Version: "61.9",
			Server: "host3.domain.net/27002", Handle: "7086", Start: "Fri 10/20 16:44", Licenses: 5}},
		{app1, "feature100", 95, Checkout{User: "Administrator", Host: "ServerS1", Display: `|)8<fZ)=Y[<7L$lY-p\<6nn^Y`,
			Version: "61.4", Server: "host3.domain.net/27002", Handle: "3201", Start: "Mon 6/11 11:01", Licenses: 1}},
		{app1, "feature100", 96, Checkout{User: "John Doe", Host: "John_D", Display: "\"U,K$`Ct`0'\"C iQwgGsne<&!",
			Version: "61.4", Server: "host3.domain.net/27002", Handle: "4611", Start: "Wed 7/7 15:17", Licenses: 1}},
		{app1, "feature100", 97, Checkout{User: "Jane Doe Jr.", Host: "jane", Display: "icc&f3rU7|<7R/oW/r`?Fj_K5",
			Version: "10.1", Server: "host3.domain.net/27002", Handle: "3404", Start: "Wed 7/4 11:55", Licenses: 1}},
		{app1, "feature5", 112, Checkout{User: "user3", Host: "server6u065", Display: "fj209fj0", Version: "2017.06",
			Server: "host3.domain.net/27002", Handle: "15480", Licenses: 1}},
		{app1, "feature31", 227, Checkout{User: "cmfy211", Host: "UFRTR1LT0087375", Display: "UFRTR1LT00873750.0", Version: "1.00",
			Server: "host3.domain.net/28000", Handle: "1401", Start: "Wed 5/23 5:59", Licenses: 1, Linger: "885098 / 1340160"}},
		{app1, "feature31", 228, Checkout{User: "cmfy212", Host: "UFRTR1LT0087375", Display: "UFRTR1LT00873750.0", Version: "1.00",
			Server: "host3.domain.net/28000", Handle: "1401", Start: "Wed 5/23 5:59", Licenses: 16, Linger: "885098 / 1340160"}},
		{app1, "feature34", 303, Checkout{User: "user11", Host: "server19", Version: "61.3",
			Server: "host3.domain.net/27002", Handle: "6707", Start: "Tue 2/26 22:21", Licenses: 13}},
		{app5, "MATLAB", 23, Checkout{User: "user3", Host: "host", Display: "display", Version: "36",
			Server: "host.example.com/27004", Handle: "701", Start: "Mon 2/10 0:10", Licenses: 1, PID: "10088"}},
		{app4, "SERIAL", 22, Checkout{User: "matlab", Host: "CLN-5CG3471WVY", Display: "/dev/pts/0", Version: "5.6",
			Server: "licensevm.domain.example/port", Handle: "1090", Start: "Tue 4/22 11:07", Licenses: 1}},
	}
	for _, tt := range tests {
		got := find(t, tt.l, tt.feature, tt.line)
		tt.want.Line = tt.line
		if got != tt.want {
			t.Errorf("%s:%d:\n got %+v\nwant %+v", tt.l.Name, tt.line, got, tt.want)
		}
	}

	f5 := app1.Feature("feature5")
	if len(f5.Checkouts) != 2 || len(f5.Queued) != 2 || f5.InUse != 2 {
		t.Errorf("feature5: %d checkouts, %d queued, in use %d; want 2, 2, 2", len(f5.Checkouts), len(f5.Queued), f5.InUse)
	}
	f1 := app1.Feature("feature1")
	if len(f1.Reservations) == 0 || f1.Reservations[0] != (Reservation{Count: 1, Kind: "HOST", Name: "HOSTPC11",
		Server: "host3.domain.net/27002", Line: 22}) {
		t.Errorf("feature1 first reservation: %+v", f1.Reservations)
	}
	if r := f1.Reservations[1]; r.Count != 10 || r.Kind != "HOST" || r.Name != "HOSTPC12" {
		t.Errorf("feature1 second reservation (plural form): %+v", r)
	}
	// The server's figure stands even though rows and reservations differ.
	if f1.InUse != 1206 {
		t.Errorf("feature1 in use %d, the file says 1206", f1.InUse)
	}
	serial := app4.Feature("serial") // case-insensitive
	if serial == nil || !serial.Uncounted || serial.Issued != 0 || len(serial.Pools) != 1 ||
		serial.Pools[0].Expiry != "permanent(no expiration date)" || !strings.HasPrefix(serial.Pools[0].Kind, "uncounted nodelocked") {
		t.Errorf("SERIAL: %+v", serial)
	}
	if sub := app4.Feature("SUBSURFACEFLOW"); sub == nil || sub.Error != "1 licenses, unsupported by licensed server" {
		t.Errorf("SUBSURFACEFLOW: %+v", sub)
	}
}

func TestRealdataServers(t *testing.T) {
	down := parseFile(t, "testdata/realdata/lmstat_server_down.txt")
	if len(down.Servers) != 3 || !down.Servers[0].Up || !down.Servers[1].Master || down.Servers[2].Up ||
		!strings.HasPrefix(down.Servers[2].Message, "Cannot connect to license server system.") || down.Down() {
		t.Errorf("triad with one server down: %+v (Down %v)", down.Servers, down.Down())
	}
	if f := down.Feature("feature2"); f == nil || f.InUse != 39 || len(f.Checkouts) != 0 {
		t.Errorf("feature2 in use without rows: %+v", f)
	}
	win := parseFile(t, "testdata/realdata/lmstat_server_up_win.txt")
	if len(win.Servers) != 2 || win.Servers[0].Host != "BVS15004" || !win.Servers[0].Master || win.Servers[0].Version != "v11.12" ||
		len(win.LicenseFiles) != 1 || win.LicenseFiles[0].Path != `licensing\license.dat` ||
		len(win.Daemons) != 1 || win.Daemons[0] != (Daemon{Name: "ptc_d", Host: "BVS15004", Up: true, Version: "v11.14.0", Line: 12}) {
		t.Errorf("windows listing: servers %+v files %+v daemons %+v", win.Servers, win.LicenseFiles, win.Daemons)
	}
	if win.Taken != "Tue 5/15/2018 13:41" {
		t.Errorf("taken %q", win.Taken)
	}
	newer := parseFile(t, "testdata/realdata/lmstat_new.txt")
	if newer.Version != "v11.14.0.1 build 188735 x64_lsb" || !strings.Contains(newer.Tool, "Flexera") {
		t.Errorf("new lmutil: version %q tool %q", newer.Version, newer.Tool)
	}
	info := parseFile(t, "testdata/realdata/lmstat_i_app2.txt")
	if !info.Info || info.Down() || len(info.Inventory) != 9 {
		t.Fatalf("lmstat -i: info %v down %v rows %d", info.Info, info.Down(), len(info.Inventory))
	}
	if r := info.Inventory[7]; r.Feature != "feature_name_9" || r.Vendor != "vendor" || r.Expires != "permanent(no expiration date)" || r.Licenses != "2" {
		t.Errorf("lmstat -i row with a spaced expiry: %+v", r)
	}
	info1 := parseFile(t, "testdata/realdata/lmstat_i_app1.txt")
	if r := info1.Inventory[16]; r.Feature != "feature16" || r.Expires != "01-jan-0000" || r.Vendor != "vendor2" {
		t.Errorf("lmstat -i (other column order): %+v", r)
	}
}
