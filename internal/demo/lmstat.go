package demo

import (
	"sort"
	"strconv"
	"strings"

	"github.com/lsui/lsui/internal/model/licfile"
)

// openCheckout is a checkout still held at the listing's time.
type openCheckout struct {
	event
	handle int
}

// openAt replays the logs up to cutoff as the vendor daemon keeps its
// table: each OUT holds its licences until its IN, and a (re)start drops
// everything. So the listing and the log agree on what is checked out now.
func openAt(months [][]event, cutoff wall) []openCheckout {
	var open []openCheckout
	handle := 0
	for _, events := range months {
		for _, e := range events {
			if e.at > cutoff {
				return open
			}
			switch e.kind {
			case serverStart:
				open, handle = open[:0], 100
			case checkout:
				handle++
				open = append(open, openCheckout{e, handle})
			case checkin:
				k := e.key()
				for i := range open {
					if open[i].key() == k {
						open = append(open[:i], open[i+1:]...)
						break
					}
				}
			}
		}
	}
	return open
}

// renderLmstat writes what `lmutil lmstat -a -c @localhost` prints on the
// demo server at cutoff (DOMAIN.md §4.4), in the shape of real listings:
// the server and vendor daemon up, then per feature served the server's
// totals ("Total of N licenses issued; Total of M licenses in use"), its
// licence lines, and one row per checkout held. Issued is the sum of the
// counts of the feature's lines as the licence parser reads the demo's
// files; in use is the licences held per the log, except for a user/device
// feature, whose in use on a Citrix server is its licences assigned
// (assigned, per feature name, as udadmin lists them); its rows are still
// the sessions holding a checkout now.
func renderLmstat(files []staticFile, pop *population, dates licenceDates, months [][]event, cutoff wall, assigned map[string]int) []byte {
	type served struct {
		name      string
		lines     []*licfile.Line
		issued    int
		uncounted bool
	}
	var feats []*served
	byName := map[string]*served{}
	var licPaths []string
	for _, f := range files {
		if !strings.HasPrefix(f.rel, "MyFiles/") || !strings.HasSuffix(f.rel, ".lic") {
			continue
		}
		licPaths = append(licPaths, licenceDir+"/"+strings.TrimPrefix(f.rel, "MyFiles/"))
		for _, l := range licfile.ParseBytes(f.rel, f.data).Lines {
			key := strings.ToUpper(l.Feature)
			s := byName[key]
			if s == nil {
				s = &served{name: l.Feature, uncounted: true}
				byName[key] = s
				feats = append(feats, s)
			}
			s.lines = append(s.lines, l)
			if !l.Uncounted {
				s.issued += l.Count
				s.uncounted = false
			}
		}
	}

	held := openAt(months, cutoff)
	sort.SliceStable(held, func(i, j int) bool { return held[i].at < held[j].at })

	var b strings.Builder
	b.WriteString("lmutil - Copyright (c) 1989-2025 Flexera. All Rights Reserved.\n")
	c := cutoff.civil()
	b.WriteString("Flexible License Manager status on " + c.Format("Mon 1/2/2006 ") + strconv.Itoa(c.Hour()) + c.Format(":04") + "\n\n")
	b.WriteString("[Detecting lmgrd processes...]\n")
	b.WriteString("License server status: 27000@" + serverShort + "\n")
	b.WriteString("    License file(s) on " + serverShort + ": " + strings.Join(licPaths, ":") + ":\n\n")
	b.WriteString(serverShort + ": license server UP (MASTER) " + shortVersion() + "\n\n")
	b.WriteString("Vendor daemon status (on " + serverShort + "):\n\n")
	b.WriteString("    CITRIX: UP " + shortVersion() + "\n")
	b.WriteString("Feature usage info:\n\n")
	for _, s := range feats {
		var rows []openCheckout
		inUse := 0
		for _, o := range held {
			if strings.EqualFold(o.feat.String(), s.name) {
				rows = append(rows, o)
				inUse += o.licences()
			}
		}
		if licfile.KeyOf(licfile.DecodeFeature(s.name)).Assigned() {
			inUse = assigned[strings.ToUpper(s.name)]
		}
		if s.uncounted {
			b.WriteString("Users of " + s.name + ":  (Uncounted, node-locked)\n\n")
		} else {
			b.WriteString("Users of " + s.name + ":  (Total of " + plural(s.issued, "license") + " issued;  Total of " +
				plural(inUse, "license") + " in use)\n\n")
		}
		if len(rows) == 0 && !s.uncounted {
			continue
		}
		for _, l := range s.lines {
			b.WriteString("  \"" + l.Feature + "\" v" + l.Version + ", vendor: " + l.Vendor + ", expiry: " + expiry(l) + "\n")
			if vs, ok := l.Field("VENDOR_STRING"); ok {
				b.WriteString("  vendor_string: " + vs + "\n")
			}
			if l.Uncounted {
				b.WriteString("  uncounted nodelocked license locked to NOTHING (hostid=ANY)\n\n")
			} else {
				b.WriteString("  floating license\n\n")
			}
		}
		for _, o := range rows {
			id := &pop.ids[o.who]
			host := pop.hostOf(o.event)
			b.WriteString("    " + pop.logName(o.event) + " " + host + " " + host +
				" (v" + rowVersion(id, o.feat, s.lines, dates) + ") (" + serverShort + "/27000 " + strconv.Itoa(o.handle) +
				"), start " + lmstatStart(o.at))
			if n := o.licences(); n > 1 {
				b.WriteString(", " + strconv.Itoa(n) + " licenses")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// rowVersion is the version a checkout was granted from: the CSP line's
// for a CSP seat, else the feature's first line.
func rowVersion(id *identity, f feature, lines []*licfile.Line, dates licenceDates) string {
	if f == xdtPltUD && id.cspSeat {
		return dates.CSP.CSS.Version()
	}
	return lines[0].Version
}

// shortVersion is "v11.19.8", as lmstat prints the server's version.
func shortVersion() string {
	v, _, _ := strings.Cut(flexVersion, " ")
	return strings.TrimSuffix(v, ".0")
}

func expiry(l *licfile.Line) string {
	if l.Permanent {
		return "permanent(no expiration date)"
	}
	return l.Expires.FlexNet()
}

// plural is lmstat's "1 license" / "2 licenses".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// lmstatStart is a row's start as lmstat prints it, "Wed 11/18 8:14": no
// year, the hour unpadded.
func lmstatStart(at wall) string {
	c := at.civil()
	return c.Format("Mon 1/2 ") + strconv.Itoa(c.Hour()) + c.Format(":04")
}
