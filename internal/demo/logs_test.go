package demo

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ---- the debug logs, read by DOMAIN.md §4's rules ----
//
// The readers here are the tests' own, written from DOMAIN.md, sharing
// nothing with the generator.

type logLine struct {
	at     time.Time // wall clock as UTC
	daemon string
	msg    string
}

// fullDate is a line's full date and the zone name written after it.
type fullDate struct {
	at   time.Time
	zone string
}

type parsedLog struct {
	lines []logLine // dated lines only
	// undatedEvents are checkout events (OUT, IN, DENIED, UNSUPPORTED)
	// before any date: a healthy log has none. undatedInfo are the other
	// lines before any date (the start-up notice).
	undatedEvents, undatedInfo int
	bareRollovers              int // midnights crossed by a line that carries no date
	startVersions              []string
	fullDates                  []fullDate // the "System Date" and SLOG "Start-Date" lines
}

var (
	logLineRE   = regexp.MustCompile(`^([ 12]\d):([0-5]\d):([0-5]\d) \(([A-Za-z]+)\) (.*)$`)
	timestampRE = regexp.MustCompile(`^TIMESTAMP (\d{1,2})/(\d{1,2})/(\d{4})$`)
	startRE     = regexp.MustCompile(`^FlexNet Licensing \((v[^)]*)\) started on \S+ \(IBM PC\) \((\d{1,2})/(\d{1,2})/(\d{4})\)$`)
	fullDateRE  = regexp.MustCompile(`^(?:Server's System Date and Time:|\(@[A-Za-z]+-SLOG@\) Start-Date:) ([A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2}) (\S+)$`)
	eventRE     = regexp.MustCompile(`^(OUT|IN|DENIED|UNSUPPORTED): `)
	usageRE     = regexp.MustCompile(`^(OUT|IN|DENIED): "([A-Z0-9_]+)" (\S+)(.*)$`)
	lineTailRE  = regexp.MustCompile(`^  \((\d+) licenses\)$`)
)

func atoi(s string) int { n, _ := strconv.Atoi(strings.TrimSpace(s)); return n }

func parseLog(t *testing.T, data []byte) parsedLog {
	t.Helper()
	var out parsedLog
	var date time.Time
	prev := -1
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		m := logLineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("log line %d is not H:MM:SS (DAEMON) MESSAGE: %q", n, sc.Text())
		}
		if atoi(m[1]) > 23 {
			t.Fatalf("log line %d: hour %s", n, m[1])
		}
		sec := atoi(m[1])*3600 + atoi(m[2])*60 + atoi(m[3])
		ts, st, fd := timestampRE.FindStringSubmatch(m[5]), startRE.FindStringSubmatch(m[5]), fullDateRE.FindStringSubmatch(m[5])
		switch {
		case ts != nil:
			date = time.Date(atoi(ts[3]), time.Month(atoi(ts[1])), atoi(ts[2]), 0, 0, 0, 0, time.UTC)
		case st != nil:
			date = time.Date(atoi(st[4]), time.Month(atoi(st[2])), atoi(st[3]), 0, 0, 0, 0, time.UTC)
			out.startVersions = append(out.startVersions, st[1])
		case fd != nil:
			full, err := time.Parse("Mon Jan 02 2006 15:04:05", fd[1])
			if err != nil {
				t.Fatalf("log line %d: %v", n, err)
			}
			if full.Format("Mon Jan 02 2006 15:04:05") != fd[1] {
				t.Errorf("log line %d: weekday does not match the date: %q", n, fd[1])
			}
			if full.Hour()*3600+full.Minute()*60+full.Second() != sec {
				t.Errorf("log line %d: full date %s disagrees with the line's clock", n, fd[1])
			}
			y, mo, d := full.Date()
			date = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
			out.fullDates = append(out.fullDates, fullDate{full, fd[2]})
		case date.IsZero():
			if eventRE.MatchString(m[5]) {
				out.undatedEvents++
			} else {
				out.undatedInfo++
			}
			continue
		case sec < prev:
			date = date.AddDate(0, 0, 1)
			out.bareRollovers++
		}
		prev = sec
		out.lines = append(out.lines, logLine{at: date.Add(time.Duration(sec) * time.Second), daemon: m[4], msg: m[5]})
	}
	return out
}

// monthLog is one debug log and the month it covers.
type monthLog struct {
	name  string
	first time.Time // the month's first midnight, wall clock as UTC
	parsedLog
}

// readLogs reads the rotated logs, oldest first, then the current one.
func readLogs(t *testing.T, root *Root, now time.Time, loc *time.Location) []monthLog {
	t.Helper()
	wall := localWall(now, loc)
	thisMonth := time.Date(wall.Year(), wall.Month(), 1, 0, 0, 0, 0, time.UTC)
	var out []monthLog
	for k := 3; k >= 0; k-- {
		first := thisMonth.AddDate(0, -k, 0)
		name := "lmgrd_debug." + first.Format("2006-01") + ".log"
		if k == 0 {
			name = "lmgrd_debug.log"
		}
		data, err := os.ReadFile(filepath.Join(root.Dir, "LS", name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, monthLog{name: name, first: first, parsedLog: parseLog(t, data)})
	}
	return out
}

func TestLogsAcrossClocks(t *testing.T) {
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	for _, tc := range []struct {
		name string
		now  time.Time
		loc  *time.Location
	}{
		{"first of month, morning", time.Date(2026, 6, 1, 9, 30, 0, 0, berlin), berlin},
		{"first of month, a Saturday before dawn", time.Date(2026, 8, 1, 5, 0, 0, 0, time.UTC), time.UTC},
		{"mid month", time.Date(2026, 11, 18, 14, 32, 5, 0, berlin), berlin},
		{"last second of the year", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), time.UTC},
		{"January, last month in the old year", time.Date(2027, 1, 4, 10, 0, 0, 0, newYork), newYork},
		{"leap day", time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), zone(t, "Asia/Tokyo")},
		{"day clocks go back", time.Date(2026, 10, 25, 16, 0, 0, 0, berlin), berlin},
		{"day clocks go forward", time.Date(2027, 3, 14, 11, 0, 0, 0, newYork), newYork},
		{"UTC instant read in a far zone", time.Date(2026, 4, 30, 22, 0, 0, 0, time.UTC), zone(t, "Pacific/Auckland")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := materialize(t, tc.now, tc.loc)
			logs := readLogs(t, root, tc.now, tc.loc)
			wall := localWall(tc.now, tc.loc)
			for i, l := range logs {
				current := i == len(logs)-1
				end := l.first.AddDate(0, 1, 0)
				if current {
					end = wall.Add(time.Second)
				}
				checkouts := 0
				for _, line := range l.lines {
					if line.at.Before(l.first) || !line.at.Before(end) {
						t.Fatalf("%s has a line at %s, outside %s..%s: %s", l.name, line.at, l.first, end, line.msg)
					}
					if strings.HasPrefix(line.msg, "OUT: ") {
						checkouts++
					}
				}
				if checkouts < 10 {
					t.Errorf("%s has %d checkouts, want some", l.name, checkouts)
				}
				// The notice lmgrd writes first is informational; no usage
				// comes before the first date.
				if l.undatedEvents != 0 || l.undatedInfo != len(LmgrdNotice) {
					t.Errorf("%s: %d undated events, %d undated other lines; want 0 and %d", l.name, l.undatedEvents, l.undatedInfo, len(LmgrdNotice))
				}
				for _, v := range l.startVersions {
					if v != "v11.19.8.0 build 310455 x64_n6" {
						t.Errorf("%s: start line version %q", l.name, v)
					}
				}
				// System Date, lmgrd's and CITRIX's SLOG Start-Date: three per start.
				if len(l.fullDates) != 3*len(l.startVersions) {
					t.Errorf("%s: %d full dates for %d starts", l.name, len(l.fullDates), len(l.startVersions))
				}
				for _, fd := range l.fullDates {
					c := fd.at
					if want := time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, tc.loc).Format("MST"); fd.zone != want {
						t.Errorf("%s: %s written in zone %q, the server's is %q", l.name, c, fd.zone, want)
					}
				}
				if !current {
					if len(l.startVersions) != 2 {
						t.Errorf("%s: %d start lines, want the 1st and the patch restart", l.name, len(l.startVersions))
					}
					if l.bareRollovers < 20 {
						t.Errorf("%s: %d midnights crossed without a TIMESTAMP, want most days", l.name, l.bareRollovers)
					}
					last := l.lines[len(l.lines)-1].at
					if last.Before(end.Add(-24 * time.Hour)) {
						t.Errorf("%s ends at %s, want on its month's last day", l.name, last)
					}
				} else if wall.Day() > 2 && l.bareRollovers == 0 {
					t.Errorf("current log: no midnight crossed without a TIMESTAMP")
				}
			}
		})
	}
}

// TestCurrentLogGrowsWithTheClock: a later clock in the same month only
// appends to the current log and leaves the rotated ones as they were.
func TestCurrentLogGrowsWithTheClock(t *testing.T) {
	earlier := materialize(t, time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC), time.UTC)
	later := materialize(t, time.Date(2026, 11, 23, 17, 45, 0, 0, time.UTC), time.UTC)
	read := func(r *Root, name string) []byte {
		data, err := os.ReadFile(filepath.Join(r.Dir, "LS", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b := read(earlier, "lmgrd_debug.log"), read(later, "lmgrd_debug.log")
	if len(a) >= len(b) || !bytes.HasPrefix(b, a) {
		t.Errorf("current log at the earlier clock (%d bytes) is not a prefix of the later one (%d bytes)", len(a), len(b))
	}
	for _, m := range []string{"2026-08", "2026-09", "2026-10"} {
		name := "lmgrd_debug." + m + ".log"
		if !bytes.Equal(read(earlier, name), read(later, name)) {
			t.Errorf("%s depends on the day of this month", name)
		}
	}
	// A month's log does not depend on which month is current either.
	december := materialize(t, time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), time.UTC)
	if !bytes.Equal(read(earlier, "lmgrd_debug.2026-10.log"), read(december, "lmgrd_debug.2026-10.log")) {
		t.Error("October's log differs between a November and a December clock")
	}
}

func TestLogSize(t *testing.T) {
	// The largest case: the last second of a 31-day month after others.
	for _, now := range []time.Time{
		time.Date(2026, 8, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC),
	} {
		root := materialize(t, now, time.UTC)
		var total int64
		matches, _ := filepath.Glob(filepath.Join(root.Dir, "LS", "*.log"))
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				t.Fatal(err)
			}
			total += st.Size()
		}
		if len(matches) != 4 || total < 2<<20 || total > 6<<20 {
			t.Errorf("%s: %d logs, %d bytes; want 4 logs, 2-6 MB", now, len(matches), total)
		}
	}
}

// ---- usage as lsui will count it ----

type udadminLine struct {
	name, feature, version string
	last                   time.Time
	device                 bool
}

var udadminEntryRE = regexp.MustCompile(`^ (\S+) ([A-Z0-9_]+) (\d{4}\.\d{4}) \(([A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \d{4})\)$`)

func parseUdadmin(t *testing.T, path string) []udadminLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != "Usage data is 3 minutes old. Next update in 12 minutes." || lines[1] != "Users:" {
		t.Fatalf("udadmin header: %q", lines[:2])
	}
	var out []udadminLine
	device := false
	for i, l := range lines[2:] {
		if l == "Devices:" && !device {
			device = true
			continue
		}
		m := udadminEntryRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("udadmin line %d: %q", i+3, l)
		}
		at, err := time.Parse("Mon Jan 02 15:04:05 2006", m[4])
		if err != nil {
			t.Fatalf("udadmin line %d: %v", i+3, err)
		}
		if at.Weekday().String()[:3] != m[4][:3] {
			t.Errorf("udadmin line %d: weekday does not match the date: %q", i+3, l)
		}
		out = append(out, udadminLine{name: m[1], feature: m[2], version: m[3], last: at, device: device})
	}
	if !device {
		t.Fatal("udadmin listing has no Devices: section")
	}
	return out
}

// splitIdentity splits FlexNet's user@host at the last @ and gives the user
// part's canonical form per DOMAIN.md §4.1: domain removed (DOMAIN\ prefix,
// @domain suffix), case folded.
func splitIdentity(userHost string) (user, host, canon string) {
	i := strings.LastIndex(userHost, "@")
	if i < 0 {
		return userHost, "", strings.ToLower(userHost)
	}
	user, host = userHost[:i], userHost[i+1:]
	c := user
	if j := strings.LastIndex(c, `\`); j >= 0 {
		c = c[j+1:]
	}
	if j := strings.Index(c, "@"); j >= 0 {
		c = c[:j]
	}
	return user, host, strings.ToLower(c)
}

// usageEvent is an OUT, IN or DENIED line.
type usageEvent struct {
	at                       time.Time
	verb, feature, who, tail string
	user, host, canon        string
	start                    bool // a server start line, not a usage line
}

func usageEvents(logs []monthLog) []usageEvent {
	var out []usageEvent
	for _, l := range logs {
		for _, line := range l.lines {
			if startRE.MatchString(line.msg) {
				out = append(out, usageEvent{at: line.at, start: true})
				continue
			}
			m := usageRE.FindStringSubmatch(line.msg)
			if m == nil {
				continue
			}
			e := usageEvent{at: line.at, verb: m[1], feature: m[2], who: m[3], tail: m[4]}
			e.user, e.host, e.canon = splitIdentity(e.who)
			out = append(out, e)
		}
	}
	return out
}

// held is the log's open checkouts at a moment, replayed by DOMAIN.md §4.4:
// each OUT opens one checkout, or N with "(N licenses)"; its IN (same
// feature and user@host) closes it; a start line closes all.
type held struct {
	feature, who string
	licences     int
	at           time.Time
}

func replay(t *testing.T, events []usageEvent, until time.Time, peak func(open []held)) []held {
	t.Helper()
	var open []held
	for _, e := range events {
		if e.at.After(until) {
			break
		}
		switch {
		case e.start:
			open = open[:0]
		case e.verb == "OUT":
			n := 1
			if m := lineTailRE.FindStringSubmatch(e.tail); m != nil {
				n = atoi(m[1])
			} else if e.tail != "" {
				t.Errorf("OUT with tail %q", e.tail)
			}
			open = append(open, held{e.feature, e.who, n, e.at})
		case e.verb == "IN":
			i := slices.IndexFunc(open, func(h held) bool { return h.feature == e.feature && h.who == e.who })
			if i < 0 {
				t.Errorf("%s: IN of %s by %s without a checkout open", e.at, e.feature, e.who)
				continue
			}
			if e.tail != "  (INACTIVE)" {
				want := ""
				if e.feature == "MPS_ENT_CCU" && open[i].licences > 0 {
					// The IN repeats its OUT's count tail, when it had one.
					if m := lineTailRE.FindStringSubmatch(e.tail); m != nil && atoi(m[1]) != open[i].licences {
						t.Errorf("%s: IN of %d licences closes an OUT of %d", e.at, atoi(m[1]), open[i].licences)
					}
					want = e.tail
				}
				if e.tail != want {
					t.Errorf("%s: IN tail %q", e.at, e.tail)
				}
			}
			open = append(open[:i], open[i+1:]...)
		}
		if peak != nil {
			peak(open)
		}
	}
	return open
}

func TestUsage(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	for _, tc := range []struct {
		name string
		now  time.Time
	}{
		{"mid month", time.Date(2026, 11, 18, 14, 32, 5, 0, berlin)},
		{"end of month", time.Date(2026, 12, 31, 18, 0, 0, 0, berlin)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := materialize(t, tc.now, berlin)
			logs := readLogs(t, root, tc.now, berlin)
			wall := localWall(tc.now, berlin)
			monthStart := time.Date(wall.Year(), wall.Month(), 1, 0, 0, 0, 0, time.UTC)
			cutoff := wall.Add(-udadminAge * time.Second)
			events := usageEvents(logs)
			listing := parseUdadmin(t, root.UdadminFile)
			devices := map[string]bool{}
			for _, u := range listing {
				if u.device {
					devices[strings.ToLower(u.name)] = true
				}
			}

			thisMonth := map[string]map[string]bool{} // feature → canonical identities
			spellings := map[string]map[string]bool{}
			hosts := map[string]map[string]bool{}
			lastOut := map[string]time.Time{} // canonical + " " + feature
			people := map[string]bool{}
			denied := map[string]bool{}
			tails := map[string]int{}
			for _, e := range events {
				if e.start {
					continue
				}
				switch {
				case e.verb == "DENIED":
					denied[e.canon] = true
					if e.tail != "  (Licensed number of users already reached. (-4,342))" {
						t.Errorf("DENIED line reason %q", e.tail)
					}
					continue
				case strings.HasSuffix(e.user, "$"):
					// A machine account: a controller connecting, only ever
					// for the start-up licence, through itself.
					if e.feature != "CITRIX" || e.user != e.host+"$" {
						t.Errorf("machine account %s checks out %s", e.who, e.feature)
					}
					continue
				case e.feature == "CITRIX":
					t.Errorf("%s checks out the start-up licence", e.who)
					continue
				}
				tails[e.verb+e.tail]++
				if e.verb != "OUT" {
					continue
				}
				if spellings[e.canon] == nil {
					spellings[e.canon], hosts[e.canon] = map[string]bool{}, map[string]bool{}
				}
				spellings[e.canon][e.user] = true
				hosts[e.canon][e.host] = true
				if (e.host == "DDC01" || e.host == "DDC02" || e.host == "NSGW01") && !devices[e.canon] {
					people[e.canon] = true
				}
				if !e.at.After(cutoff) {
					lastOut[e.canon+" "+e.feature] = e.at
				}
				if !e.at.Before(monthStart) {
					if thisMonth[e.feature] == nil {
						thisMonth[e.feature] = map[string]bool{}
					}
					thisMonth[e.feature][e.canon] = true
				}
			}

			if n := len(people); n < 285 || n > 300 {
				t.Errorf("%d distinct people in the logs, want about 300", n)
			}
			variants, nonASCII, domainStyle, upn, twoControllers := 0, 0, 0, 0, 0
			for canon, s := range spellings {
				if len(s) > 1 {
					variants++
				}
				if strings.ContainsFunc(canon, func(r rune) bool { return r > 127 }) {
					nonASCII++
				}
				for sp := range s {
					switch {
					case strings.Contains(sp, `\`):
						domainStyle++
					case strings.Contains(sp, "@"):
						upn++
					}
				}
				if hosts[canon]["DDC01"] && hosts[canon]["DDC02"] {
					twoControllers++
				}
			}
			if variants < 20 || nonASCII < 2 || domainStyle < 4 || upn < 20 || twoControllers < 200 {
				t.Errorf("identities: %d with several spellings, %d non-ASCII, %d DOMAIN\\user, %d UPN, %d through both controllers; want ≥20, ≥2, ≥4, ≥20, ≥200",
					variants, nonASCII, domainStyle, upn, twoControllers)
			}
			if s := spellings["jsmith"]; !s["jsmith"] || !s["JSmith"] || !hosts["jsmith"]["DDC01"] || !hosts["jsmith"]["DDC02"] {
				t.Errorf("jsmith: spellings %v, hosts %v; want jsmith and JSmith through DDC01 and DDC02", s, hosts["jsmith"])
			}
			if tails["OUT  (1 licenses)"] < 20 || tails["OUT  (2 licenses)"] < 1 || tails["IN  (INACTIVE)"] < 20 {
				t.Errorf("tails: %v; want (1 licenses), (2 licenses) and (INACTIVE) lines", tails)
			}
			if len(denied) == 0 {
				t.Error("no DENIED lines")
			}
			unsupported := 0
			for _, l := range logs {
				for _, line := range l.lines {
					if strings.HasPrefix(line.msg, `UNSUPPORTED: "`) && strings.Contains(line.msg, "(-18,327:10054") {
						unsupported++
					}
				}
			}
			if unsupported < 10 {
				t.Errorf("%d UNSUPPORTED lines, want the Studio queries of every working day", unsupported)
			}
			for name := range denied {
				for feat, ids := range thisMonth {
					if ids[name] {
						t.Errorf("%s is only ever denied, yet checks out %s", name, feat)
					}
				}
			}
			replay(t, events, wall, nil) // every IN closes an open OUT

			// Every controller connects after every start.
			for i, e := range events {
				if !e.start {
					continue
				}
				seen := map[string]bool{}
				for _, f := range events[i+1:] {
					if f.start || f.at.Sub(e.at) > time.Minute || f.at.After(wall) {
						break
					}
					if f.verb == "OUT" && f.feature == "CITRIX" {
						seen[f.who] = true
					}
				}
				if e.at.Add(time.Minute).Before(wall) && (!seen["DDC01$@DDC01"] || !seen["DDC02$@DDC02"] || len(seen) != 2) {
					t.Errorf("start at %s: controllers connected %v", e.at, seen)
				}
			}

			// udadmin: bare names, exactly the assignments whose 90-day
			// lease still runs, last uses as the logs show them.
			inListing := map[string]bool{}
			oldest := cutoff
			for _, u := range listing {
				if strings.ContainsAny(u.name, `@\`) {
					t.Errorf("udadmin name %q is not bare", u.name)
				}
				key := strings.ToLower(u.name) + " " + u.feature
				inListing[key] = true
				last, inLogs := lastOut[key]
				switch {
				case inLogs && !last.Equal(u.last):
					t.Errorf("udadmin says %s last used %s at %s, the logs at %s", u.name, u.feature, u.last, last)
				case !inLogs && !(u.device && u.name == "SPARE-LT03"):
					t.Errorf("udadmin lists %s %s, which the logs never show", u.name, u.feature)
				}
				if u.last.Before(oldest) {
					oldest = u.last
				}
				if !u.last.Before(monthStart) {
					if thisMonth[u.feature] == nil {
						thisMonth[u.feature] = map[string]bool{}
					}
					thisMonth[u.feature][strings.ToLower(u.name)] = true
				}
			}
			for key, last := range lastOut {
				ud := strings.HasSuffix(key, " XDT_PLT_UD") || strings.HasSuffix(key, " XDT_ADV_UD")
				if live := last.After(cutoff.Add(-90 * 24 * time.Hour)); ud && live != inListing[key] {
					t.Errorf("%s last used %s: in udadmin %v, lease running %v", key, last, inListing[key], live)
				}
			}
			if age := cutoff.Sub(oldest); age < 70*24*time.Hour || age > 90*24*time.Hour {
				t.Errorf("oldest assignment last used %s ago, want 70-90 days (a lease nearly run out)", age)
			}

			// The licence situation the demo exists to show (counts from
			// the .lic templates: retail XDT_PLT_UD 250 + 10%, CSP 50,
			// CXS_STD_CCS 10 + 1, MPS_ENT_CCU 100, eval 25).
			for _, c := range []struct {
				feature  string
				min, max int
			}{
				{"XDT_PLT_UD", 240, 275}, // close to but within the retail line's 250 + 25
				{"CXS_STD_CCS", 11, 11},  // over the 10 installed, within the 1 overdraft
				{"XDT_ADV_UD", 5, 25},    // the expired evaluation, still in use
				{"MPS_ENT_CCU", 50, 99},
				{"CAG_PLT_CCU", 1, 10},
			} {
				if n := len(thisMonth[c.feature]); n < c.min || n > c.max {
					t.Errorf("%s: %d distinct identities this month, want %d-%d", c.feature, n, c.min, c.max)
				}
			}
			if len(thisMonth["XDS_PLT_UD"]) != 0 {
				t.Error("XDS_PLT_UD is checked out; Citrix checks out the XDT twin")
			}
		})
	}
}
