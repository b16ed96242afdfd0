package demo

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// wall is a wall-clock moment in the server's zone, counted in seconds as if
// that zone were UTC. The debug log only knows the wall clock, so the demo
// simulates on it directly: a daylight-saving change cannot make the
// generated log run backwards or skip, and dates never shift with the zone.
type wall int64

const day = 24 * 60 * 60

func wallOf(t time.Time) wall {
	y, m, d := t.Date()
	return wall(time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC).Unix())
}

func (w wall) civil() time.Time { return time.Unix(int64(w), 0).UTC() }

// secOfDay is the time of day in seconds (floor division: walls before 1970
// are still a valid clock).
func (w wall) secOfDay() int {
	s := int(w % day)
	if s < 0 {
		s += day
	}
	return s
}

type eventKind uint8

const (
	checkout eventKind = iota
	checkin
	denied
	unsupported // a Studio query for the startup licence: noise
	timestamp
	serverStart // the start-up block, which carries the date
	serverStop
	reread
)

// event is one line (or, for the server blocks, a few lines at the same
// time) of a debug log.
type event struct {
	at wall
	// order is the time within the month in the high bits and the
	// generation order below: unique, so sorting on it alone is
	// deterministic, and one integer compare keeps the sort quick.
	order uint64
	kind  eventKind
	feat  feature
	alt   bool  // use the identity's other spelling
	via   int8  // the host part: an index into controllers, viaGateway or viaOwn
	lic   uint8 // a checkout's "(N licenses)" tail; 0 means one licence and no tail
	// inactive is a checkin written "(INACTIVE)": the session timed out.
	inactive bool
	who      int16 // index into population.ids, or nobody or deniedHostID
}

// Identities that are not in population.ids.
const (
	nobody       = -1
	deniedHostID = -2
)

// Host parts that are not a controller.
const (
	viaOwn     = -1 // the identity's own via (a XenServer host, a controller)
	viaGateway = -2
)

// useKey is what ties a checkin to its checkout: the feature and the whole
// user@host, as FlexNet writes them.
type useKey struct {
	who  int16
	feat feature
	alt  bool
	via  int8
}

func (e *event) key() useKey { return useKey{e.who, e.feat, e.alt, e.via} }

// licences is how many licences a checkout takes.
func (e *event) licences() int { return max(1, int(e.lic)) }

// monthIndex numbers months continuously (year*12 + month-1), for the
// seasonal workers' one month in four.
func monthIndex(first time.Time) int { return first.Year()*12 + int(first.Month()) - 1 }

// monthSeed derives the generator seed from the month alone, so a month's log
// is the same whatever the clock, and the log for "now" is a prefix of the
// log for any later now in the same month.
func monthSeed(first time.Time) (uint64, uint64) {
	return uint64(first.Year())*12 + uint64(first.Month()), 0x6369747269786c67 // "citrixlg"
}

// generator simulates one calendar month of the demo server.
type generator struct {
	r          *rand.Rand
	pop        *population
	start, end wall // the month, [start, end)
	month      int  // monthIndex of the month
	events     []event
}

// generateMonth returns every event of the month starting at first (a UTC
// midnight standing for the local date), sorted as the log writes them. The
// server restarts at midnight on the 1st, when the previous log is rotated
// away, and again on the evening of the second Tuesday (patching).
func generateMonth(pop *population, first time.Time) []event {
	g := &generator{
		r:     rand.New(rand.NewPCG(monthSeed(first))),
		pop:   pop,
		start: wallOf(first),
		end:   wallOf(first.AddDate(0, 1, 0)),
		month: monthIndex(first),
	}
	g.events = make([]event, 0, 24000)
	days := int((g.end - g.start) / day)

	g.add(g.start+1, serverStart)
	g.controllersConnect(g.start + 9)
	g.hostsConnect(g.start + 15)
	restartDay := secondTuesday(first)
	stop := g.start + wall(restartDay*day+22*hour+31*minute+4)
	g.add(stop, serverStop)
	g.add(stop+97, serverStart)
	g.controllersConnect(stop + 97 + 8)
	g.hostsConnect(stop + 97 + 20)

	for d := range days {
		midnight := g.start + wall(d*day)
		weekday := midnight.civil().Weekday()
		weekend := weekday == time.Saturday || weekday == time.Sunday
		// lmgrd writes a TIMESTAMP every six hours; these fall at 5:17,
		// 11:17, 17:17 and 23:17 so that the hours after midnight carry
		// no date and the reader must notice the clock going backwards.
		for _, h := range []int{5, 11, 17, 23} {
			g.add(midnight+wall(h*hour+17*minute+g.r.IntN(50)), timestamp)
		}
		queries := 2 + g.r.IntN(4)
		if weekend {
			queries = g.r.IntN(2)
		}
		for range queries {
			g.add(midnight+wall(7*hour+g.r.IntN(11*hour)), unsupported)
		}
		for i := range g.pop.ids {
			if g.pop.ids[i].kind == person && g.pop.ids[i].pattern != nightShift {
				g.personDay(i, midnight, weekend)
			}
		}
		g.deviceDay(midnight, weekend)
	}
	for i := range g.pop.ids {
		switch id := &g.pop.ids[i]; {
		case id.kind == person && id.pattern == nightShift:
			g.nightShifts(i, days)
		case id.kind == device && id.schedule == roundTheClock:
			g.roundTheClock(i)
		case id.kind == host:
			g.hostReboots(i, days)
		}
	}
	g.deniedHost(days)
	g.rereadOnce(days)

	slices.SortFunc(g.events, func(a, b event) int { return cmp.Compare(a.order, b.order) })
	return dropOrphanCheckins(g.events)
}

// dropOrphanCheckins removes the checkins of sessions a restart cut: the
// restarted server no longer knows the checkout, so the real log has no IN
// for it. What is left pairs every IN with an open OUT.
func dropOrphanCheckins(events []event) []event {
	open := map[useKey]int{} // counts only, never iterated
	keep := events[:0]
	for _, e := range events {
		switch e.kind {
		case serverStart:
			clear(open)
		case checkout:
			open[e.key()]++
		case checkin:
			k := e.key()
			if open[k] == 0 {
				continue
			}
			open[k]--
		}
		keep = append(keep, e)
	}
	return keep
}

// add records a server event (no feature, no identity).
func (g *generator) add(at wall, kind eventKind) {
	g.use(event{at: at, kind: kind, who: nobody})
}

// use records an event; anything outside the month is dropped (a session
// still open when the server restarts for the next month never checks in
// in this log).
func (g *generator) use(e event) {
	if e.at < g.start || e.at >= g.end {
		return
	}
	e.order = uint64(e.at-g.start)<<32 | uint64(len(g.events))
	g.events = append(g.events, e)
}

// session checks feature f out at from and back in at to (never, when to
// is not after from). The checkin repeats the checkout's user@host and
// tail, as FlexNet does; a published-app session may instead time out,
// "(INACTIVE)".
func (g *generator) session(who int, f feature, from, to wall) {
	id := &g.pop.ids[who]
	e := event{at: from, kind: checkout, feat: f, who: int16(who), via: viaOwn}
	e.alt = id.alt != "" && g.r.IntN(3) == 0
	switch {
	case id.via != "":
	case f == cagPltCCU:
		e.via = viaGateway
	default:
		e.via = int8(g.r.IntN(len(controllers)))
	}
	if f == mpsEntCCU {
		switch {
		case who == svcReporting:
			e.lic = 2
		case g.r.IntN(4) == 0:
			e.lic = 1
		}
	}
	g.use(e)
	if to > from {
		e.at, e.kind = to, checkin
		e.inactive = f == mpsEntCCU && e.lic < 2 && g.r.IntN(8) == 0
		g.use(e)
	}
}

// controllersConnect is the Delivery Controllers' machine accounts checking
// out the start-up licence once the server is up: connections, not users.
func (g *generator) controllersConnect(at wall) {
	n := 0
	for who := range g.pop.ids {
		if g.pop.ids[who].kind == controller {
			g.session(who, citrixStartup, at+wall(2*n), 0)
			n++
		}
	}
}

func secondTuesday(first time.Time) int {
	offset := (int(time.Tuesday) - int(first.Weekday()) + 7) % 7
	return offset + 7
}

// clamp keeps v within [lo, hi].
func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

const (
	hour   = 3600
	minute = 60
)

// How likely each pattern is to work on a given day (night shifts are
// simulated apart).
var (
	workdayChance = [...]float64{fullTime: 0.9, partTime: 0.55, contractor: 0.12, nightShift: 0, seasonal: 0.9}
	weekendChance = [...]float64{fullTime: 0.04, partTime: 0, contractor: 0.02, nightShift: 0, seasonal: 0}
)

// personDay simulates one day of a day-time worker: a desktop session,
// often split by lunch, with published apps, the evaluation and the
// Gateway used on some days.
func (g *generator) personDay(who int, midnight wall, weekend bool) {
	id := &g.pop.ids[who]
	if id.pattern == seasonal && ((g.month+id.phase)%4 != 0 || midnight.civil().Day() > id.lastDay) {
		return
	}
	p := workdayChance[id.pattern]
	if weekend {
		p = weekendChance[id.pattern]
	}
	if g.r.Float64() >= p {
		return
	}
	begin := clamp(8*hour+int(g.r.NormFloat64()*50*minute), 5*hour+45*minute, 11*hour+30*minute)
	length := clamp(8*hour+30*minute+int(g.r.NormFloat64()*70*minute), 2*hour, 11*hour)
	if id.pattern == partTime {
		length = clamp(4*hour+30*minute+int(g.r.NormFloat64()*hour), 2*hour, 6*hour)
	}
	if weekend {
		length = hour + g.r.IntN(2*hour)
	}
	end := min(begin+length, 23*hour+50*minute)

	// The desktop (or, for app-only users, the published apps) spans the
	// working day, with a lunch break a third of the time.
	main := xdtPltUD
	if !id.features[xdtPltUD] {
		main = mpsEntCCU
	}
	lunchOut := 12*hour + g.r.IntN(hour)
	lunchIn := lunchOut + 30*minute + g.r.IntN(30*minute)
	if g.r.IntN(3) == 0 && begin < lunchOut-30*minute && lunchIn < end-30*minute {
		g.session(who, main, midnight+wall(begin+g.r.IntN(20)), midnight+wall(lunchOut+g.r.IntN(20)))
		g.session(who, main, midnight+wall(lunchIn+g.r.IntN(20)), midnight+wall(end+g.r.IntN(20)))
	} else {
		g.session(who, main, midnight+wall(begin+g.r.IntN(20)), midnight+wall(end+g.r.IntN(20)))
	}

	// Shorter sessions inside the day.
	within := func(f feature, chance float64) {
		if !id.features[f] || f == main || g.r.Float64() >= chance {
			return
		}
		from := begin + g.r.IntN(max(1, end-begin-20*minute))
		to := min(from+20*minute+g.r.IntN(2*hour), end)
		g.session(who, f, midnight+wall(from), midnight+wall(to))
	}
	within(mpsEntCCU, 0.35)
	within(xdtAdvUD, 0.5)
	// IT staff come in through the Gateway first.
	if id.features[cagPltCCU] && g.r.IntN(5) < 2 {
		g.session(who, cagPltCCU, midnight+wall(begin-60-g.r.IntN(300)), midnight+wall(end+g.r.IntN(60)))
	}
}

// nightShifts simulates the ward nurses: four nights a week from about
// 21:30 to 6:30 with a break after 2:00, so checkouts cross midnight. The
// night before the month shows as a reconnect right after the 1st's restart.
func (g *generator) nightShifts(who int, days int) {
	for d := -1; d < days; d++ {
		if g.r.IntN(7) >= 4 {
			continue
		}
		evening := g.start + wall(d*day)
		from := evening + wall(21*hour+30*minute+g.r.IntN(40*minute))
		if from < g.start {
			from = g.start + 40 + wall(g.r.IntN(90))
		}
		breakOut := evening + day + wall(2*hour+g.r.IntN(hour))
		breakIn := breakOut + wall(15*minute+g.r.IntN(15*minute))
		to := evening + day + wall(6*hour+30*minute+g.r.IntN(30*minute))
		g.session(who, xdtPltUD, from, breakOut)
		g.session(who, xdtPltUD, breakIn, to)
	}
}

// roundTheClock simulates a ward PC: sessions back to back, day and night,
// from the restart on the 1st to the end of the month.
func (g *generator) roundTheClock(who int) {
	for t := g.start + 25 + wall(g.r.IntN(30)); t < g.end; {
		length := wall(hour + g.r.IntN(4*hour))
		g.session(who, xdtPltUD, t, t+length)
		t += length + wall(minute+g.r.IntN(40*minute))
	}
}

// deviceDay simulates the daytime devices for one day.
func (g *generator) deviceDay(midnight wall, weekend bool) {
	for who := range g.pop.ids {
		id := &g.pop.ids[who]
		if id.kind != device {
			continue
		}
		var open, close, sessions int
		switch id.schedule {
		case openingHours:
			open, close, sessions = 6*hour+50*minute+g.r.IntN(20*minute), 19*hour+g.r.IntN(20*minute), 1+g.r.IntN(3)
		case labWeekdays:
			if weekend || g.r.IntN(4) == 0 {
				continue
			}
			open, close, sessions = 8*hour+g.r.IntN(hour), 16*hour+g.r.IntN(hour), 1+g.r.IntN(2)
		case seldom:
			if weekend || g.r.IntN(7) != 0 {
				continue
			}
			open, close, sessions = 9*hour+g.r.IntN(30*minute), 12*hour+g.r.IntN(hour), 1
		default:
			continue
		}
		// Split [open, close) into sessions with short gaps between.
		span := (close - open) / sessions
		for s := range sessions {
			from := open + s*span + g.r.IntN(10*minute)
			to := open + (s+1)*span - g.r.IntN(10*minute)
			g.session(who, xdtPltUD, midnight+wall(from), midnight+wall(to))
		}
	}
}

// hostsConnect is every XenServer host taking its licence again once the
// licence server is back.
func (g *generator) hostsConnect(at wall) {
	n := 0
	for who := range g.pop.ids {
		if g.pop.ids[who].kind == host {
			g.session(who, cxsStdCCS, at+wall(n*7+g.r.IntN(5)), 0)
			n++
		}
	}
}

// hostReboots: each host is patched once or twice a month in the small
// hours, giving its licence back and taking it again a few minutes later.
func (g *generator) hostReboots(who int, days int) {
	for range 1 + g.r.IntN(2) {
		at := g.start + wall((1+g.r.IntN(days-1))*day+hour+g.r.IntN(3*hour))
		e := event{at: at, kind: checkin, feat: cxsStdCCS, who: int16(who), via: viaOwn}
		g.use(e)
		e.at, e.kind = at+wall(4*minute+g.r.IntN(5*minute)), checkout
		g.use(e)
	}
}

// deniedHost: a twelfth host joins the pool on a few days and is refused,
// since the ten licences and the one overdraft are all taken.
func (g *generator) deniedHost(days int) {
	for range 2 + g.r.IntN(2) {
		at := g.start + wall(g.r.IntN(days)*day+9*hour+g.r.IntN(8*hour))
		for try := range 2 {
			g.use(event{at: at + wall(try*(minute+g.r.IntN(10))), kind: denied, feat: cxsStdCCS, who: deniedHostID, via: viaOwn})
		}
	}
}

// rereadOnce: an administrator installs a licence file once a month.
func (g *generator) rereadOnce(days int) {
	g.add(g.start+wall(g.r.IntN(days)*day+10*hour+g.r.IntN(6*hour)), reread)
}

// The server as its start-up lines name it. The version here is what lsui
// shows as the licence server version.
const (
	flexVersion = "v11.19.8.0 build 310455 x64_n6"
	serverShort = "ctxlic01"
	serverFQDN  = "ctxlic01.demo.example"
	lmgrdPID    = "1873"
	vendorPID   = "2417"
	licenceDir  = "/opt/citrix/licensing/MyFiles"
)

// LmgrdNotice is the banner lmgrd writes before anything else at every
// start (scripts/gen writes it too). At the top of a log it comes before any date: informational lines
// a reader must not count as undated usage.
var LmgrdNotice = []string{
	"-----------------------------------------------",
	"  Please Note:",
	"",
	"  This log is intended for debug purposes only.",
	"  In order to capture accurate license",
	"  usage data into an organized repository,",
	"  please enable report logging. Use Flexera's",
	"  software license administration  solution,",
	"  FlexNet Manager, to  readily gain visibility",
	"  into license usage data and to create",
	"  insightful reports on critical information like",
	"  license availability and usage. FlexNet Manager",
	"  can be fully automated to run these reports on",
	"  schedule and can be used to track license",
	"  servers and usage across a heterogeneous",
	"  network of servers including Windows NT, Linux",
	"  and UNIX.",
	"",
	"-----------------------------------------------",
	"",
	"",
}

// logWriter renders sorted events as a FlexNet debug log.
type logWriter struct {
	buf []byte
	pop *population
	// zone names the server's zone at a wall time ("CET", "CEST"), for the
	// full dates lmgrd writes at start-up.
	zone func(wall) string
}

func (w *logWriter) line(at wall, text string) {
	w.buf = appendClock(w.buf, at.secOfDay())
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, text...)
	w.buf = append(w.buf, '\n')
}

// appendClock writes H:MM:SS with the hour padded to two characters by a
// space, as FlexNet does.
func appendClock(b []byte, s int) []byte {
	h, m, sec := s/3600, s/60%60, s%60
	if h < 10 {
		b = append(b, ' ')
	}
	b = strconv.AppendInt(b, int64(h), 10)
	return append(b, ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+sec/10), byte('0'+sec%10))
}

// flexDate is M/D/YYYY, FlexNet's date in TIMESTAMP and start lines.
func flexDate(at wall) string {
	t := at.civil()
	return strconv.Itoa(int(t.Month())) + "/" + strconv.Itoa(t.Day()) + "/" + strconv.Itoa(t.Year())
}

// fullDate is lmgrd's "Mon Nov 02 2026 07:57:59 CET" of the System Date and
// SLOG Start-Date lines.
func (w *logWriter) fullDate(at wall) string {
	return at.civil().Format("Mon Jan 02 2006 15:04:05") + " " + w.zone(at)
}

// usage writes an OUT, IN or DENIED line without building a string for it:
// these are nearly all of the log.
func (w *logWriter) usage(e event) {
	w.buf = appendClock(w.buf, e.at.secOfDay())
	w.buf = append(w.buf, usageVerb[e.kind]...)
	w.buf = append(w.buf, e.feat.String()...)
	w.buf = append(w.buf, '"', ' ')
	w.buf = append(w.buf, w.pop.logName(e)...)
	w.buf = append(w.buf, '@')
	w.buf = append(w.buf, w.pop.hostOf(e)...)
	switch {
	case e.kind == denied:
		w.buf = append(w.buf, "  (Licensed number of users already reached. (-4,342))"...)
	case e.inactive:
		w.buf = append(w.buf, "  (INACTIVE)"...)
	case e.lic > 0:
		w.buf = append(w.buf, "  ("...)
		w.buf = strconv.AppendInt(w.buf, int64(e.lic), 10)
		w.buf = append(w.buf, " licenses)"...)
	}
	w.buf = append(w.buf, '\n')
}

var usageVerb = [...]string{
	checkout: ` (CITRIX) OUT: "`,
	checkin:  ` (CITRIX) IN: "`,
	denied:   ` (CITRIX) DENIED: "`,
}

// logName is the user part of an event's user@host.
func (p *population) logName(e event) string {
	if e.who == deniedHostID {
		return p.deniedHost
	}
	return p.ids[e.who].logName(e.alt)
}

// hostOf is the host part of an event's user@host: the machine that asked.
func (p *population) hostOf(e event) string {
	switch {
	case e.who == deniedHostID:
		return p.deniedHost
	case e.via == viaGateway:
		return gateway
	case e.via == viaOwn:
		return p.ids[e.who].via
	}
	return controllers[e.via]
}

// renderLog writes events up to and including cutoff.
func renderLog(events []event, pop *population, cutoff wall, zone func(wall) string) []byte {
	w := &logWriter{buf: make([]byte, 0, len(events)*64+8192), pop: pop, zone: zone}
	for _, e := range events {
		if e.at > cutoff {
			break
		}
		switch e.kind {
		case checkout, checkin, denied:
			w.usage(e)
		case unsupported:
			w.line(e.at, `(CITRIX) UNSUPPORTED: "CITRIX" (PORT_AT_HOST_PLUS   ) Administrator@DDC01  (License server system does not support this feature. (-18,327:10054 ""))`)
		case timestamp:
			w.line(e.at, "(lmgrd) TIMESTAMP "+flexDate(e.at))
		case serverStart:
			w.startBlock(e.at)
		case serverStop:
			w.line(e.at, "(lmgrd) SHUTDOWN request from root at node "+serverShort)
			w.line(e.at, "(lmgrd) EXITING DUE TO SIGNAL 15")
			w.line(e.at, "(CITRIX) daemon shutdown requested - shutting down")
		case reread:
			w.line(e.at, "(lmgrd) Rereading license file...")
			w.line(e.at, "(lmgrd) Done rereading")
			w.line(e.at, "(CITRIX) Rereading license file...")
			w.line(e.at, "(CITRIX) Done rereading")
		}
	}
	return w.buf
}

// startBlock is what lmgrd and the CITRIX vendor daemon write as they
// start, as FlexNet 11.19 writes it: the notice, the system date, the start
// line, lmgrd's SLOG block, then the vendor daemon's lines and its SLOG
// block. The system date, the start line and the SLOG Start-Date lines
// carry the date.
func (w *logWriter) startBlock(at wall) {
	for _, l := range LmgrdNotice {
		w.line(at, "(lmgrd) "+l)
	}
	lmgrd := []string{
		"Server's System Date and Time: " + w.fullDate(at),
		"SLOG: Summary LOG statistics is enabled.",
		"FlexNet Licensing (" + flexVersion + ") started on " + serverShort + " (IBM PC) (" + flexDate(at) + ")",
		"Copyright (c) 1988-2025 Flexera. All Rights Reserved.",
		"World Wide Web:  http://www.flexera.com",
		"License file(s): " + licenceDir,
		"lmgrd tcp-port 27000",
		"(@lmgrd-SLOG@) ===============================================",
		"(@lmgrd-SLOG@) === LMGRD ===",
		"(@lmgrd-SLOG@) Start-Date: " + w.fullDate(at),
		"(@lmgrd-SLOG@) PID: " + lmgrdPID,
		"(@lmgrd-SLOG@) LMGRD Version: " + flexVersion + " ( build 310455 (ipv6))",
		"(@lmgrd-SLOG@) ",
		"(@lmgrd-SLOG@) === Network Info ===",
		"(@lmgrd-SLOG@) Listening port: 27000",
		"(@lmgrd-SLOG@) ",
		"(@lmgrd-SLOG@) === Startup Info ===",
		"(@lmgrd-SLOG@) Server Configuration: Single Server",
		"(@lmgrd-SLOG@) Command-line options used at LS startup: -z -c " + licenceDir,
		"(@lmgrd-SLOG@) License file(s) used:  " + licenceDir,
		"(@lmgrd-SLOG@) ===============================================",
		"Starting vendor daemons ... ",
		"Started CITRIX (internet tcp_port 7279 pid " + vendorPID + ")",
	}
	for _, l := range lmgrd {
		w.line(at, "(lmgrd) "+l)
	}
	vd := at + 1
	for _, l := range []string{
		"(CITRIX) FlexNet Licensing version " + flexVersion,
		"(CITRIX) SLOG: Summary LOG statistics is enabled.",
		"(CITRIX) Using options file: \"" + licenceDir + "/CITRIX.opt\"",
		"(CITRIX) Server started on " + serverShort + " for:\tCITRIX\t\tXDT_PLT_UD\tXDS_PLT_UD\tMPS_ENT_CCU\t",
		"(CITRIX) \tXDT_ADV_UD\tCXS_STD_CCS\tCAG_PLT_CCU\tCNS_V1000_SERVER\t",
		"(CITRIX) EXTERNAL FILTERS are OFF",
		"(lmgrd) CITRIX using TCP-port 7279",
		"(CITRIX) (@CITRIX-SLOG@) ===============================================",
		"(CITRIX) (@CITRIX-SLOG@) === Vendor Daemon ===",
		"(CITRIX) (@CITRIX-SLOG@) Vendor daemon: CITRIX",
		"(CITRIX) (@CITRIX-SLOG@) Start-Date: " + w.fullDate(vd),
		"(CITRIX) (@CITRIX-SLOG@) PID: " + vendorPID,
		"(CITRIX) (@CITRIX-SLOG@) VD Version: " + flexVersion + " ( build 310455 (ipv6))",
		"(CITRIX) (@CITRIX-SLOG@) ",
		"(CITRIX) (@CITRIX-SLOG@) === Startup/Restart Info ===",
		"(CITRIX) (@CITRIX-SLOG@) Options file used: " + licenceDir + "/CITRIX.opt",
		"(CITRIX) (@CITRIX-SLOG@) Is vendor daemon a CVD: No",
		"(CITRIX) (@CITRIX-SLOG@) Is TS accessed: No",
		"(CITRIX) (@CITRIX-SLOG@) TS accessed for feature load: -NA-",
		"(CITRIX) (@CITRIX-SLOG@) Number of VD restarts since LS startup: 0",
		"(CITRIX) (@CITRIX-SLOG@) ",
		"(CITRIX) (@CITRIX-SLOG@) === Network Info ===",
		"(CITRIX) (@CITRIX-SLOG@) Listening port: 7279",
		"(CITRIX) (@CITRIX-SLOG@) Daemon select timeout (in seconds): 1",
		"(CITRIX) (@CITRIX-SLOG@) ",
		"(CITRIX) (@CITRIX-SLOG@) === Host Info ===",
		"(CITRIX) (@CITRIX-SLOG@) Host used in license file: " + serverFQDN,
		"(CITRIX) (@CITRIX-SLOG@) Running on Hypervisor: Not determined - treat as Physical",
		"(CITRIX) (@CITRIX-SLOG@) ===============================================",
	} {
		w.line(vd, l)
	}
}
