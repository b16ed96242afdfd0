package usage

import (
	"bytes"
	"io"
	"math"
	"strings"
	"time"
)

// Op is what a FlexNet debug-log event did.
type Op uint8

const (
	Out         Op = iota + 1 // a checkout: usage
	In                        // a checkin (also "(INACTIVE)": a timed-out checkout returned)
	Denied                    // a refused checkout: counted apart, not usage
	Unsupported               // a checkout of a feature the server does not serve: counted apart like Denied
)

func (o Op) String() string {
	switch o {
	case Out:
		return "OUT"
	case In:
		return "IN"
	case Denied:
		return "DENIED"
	case Unsupported:
		return "UNSUPPORTED"
	}
	return "?"
}

// Event is one checkout event (OUT, IN, DENIED, UNSUPPORTED) of a debug log,
// or a server (re)start, which ends every open checkout.
type Event struct {
	Time     time.Time // server local, in the zone given to ScanLog
	Op       Op        // 0 for a restart
	Feature  string
	Identity string // the user@host token after the feature, as written
	Licenses int    // "(N licenses)" on the line, else 1
	Line     int    // 1-based line number in its log
}

// Restart reports a server (re)start event.
func (e Event) Restart() bool { return e.Op == 0 }

// LogStats is what ScanLog saw besides events.
type LogStats struct {
	Lines     int // physical lines read
	Undated   int // checkout events (OUT, IN, DENIED, UNSUPPORTED) before the first date, skipped
	Skipped   int // lines over MaxLineLen, skipped
	Malformed int // checkout lines without a readable feature or identity
	Restarts  int // dated server (re)start lines
	// Version is the licence server's FlexNet version from the last start
	// line, e.g. "11.19.8.0 build 123456"; Started is that line's time.
	Version string
	Started time.Time
	// bad lists where Skipped and Malformed lines are, for Read's
	// problems; nil for a clean log.
	bad *badLines
}

// ScanLog streams a FlexNet debug log (DOMAIN.md §4.2, §4.3) and calls fn for
// every dated checkout event (OUT, IN, DENIED, UNSUPPORTED) and server
// (re)start, in file order.
//
// A line carries only a time of day. The date comes from, as they appear:
// "Server's System Date and Time: Mon Nov 02 2026 07:57:59 …", an SLOG block's
// "Start-Date: Mon Nov 02 2026 07:58:00 …", the lmgrd start line ending
// "(M/D/YYYY)", "TIMESTAMP M/D/YYYY", and a line that starts with a full ISO
// 8601 time. When the time of day goes backwards from one timed line to the
// next, the date moves on one day. The one exception is the repeated hour
// when loc falls back from summer time: a step back that lands in that hour
// is the clock change, not midnight (otherwise every event until the next
// date line would be a day late).
//
// Checkout events before the first date are counted in Undated, not guessed;
// the banner and other informational lines before it are not usage and are
// not counted. A nil loc means time.Local. The error is the reader's; a
// malformed or over-long line never stops the scan. Event strings are
// interned per scan, so a log costs one allocation per distinct feature and
// identity, not per line.
func ScanLog(r io.Reader, loc *time.Location, fn func(Event)) (LogStats, error) {
	if loc == nil {
		loc = time.Local
	}
	stats, err := scanLog(r, loc, opMask(Out, In, Denied, Unsupported), &eventFunc{
		fn:         fn,
		loc:        loc,
		features:   featureNames{m: make(map[string]string)},
		identities: make(map[string]string),
	})
	// Where the bad lines are is for Read's problems, which need the file
	// to number them; ScanLog's callers have the counts, and stats that
	// compare equal by value.
	stats.bad = nil
	return stats, err
}

// eventSink receives the events of a scan as they are in the line buffer:
// feature and identity are valid only during the call. sec is Unix seconds.
// The Builder takes them so, and copies only what it keeps.
type eventSink interface {
	logEvent(op Op, sec int64, feature, identity []byte, licenses, line int)
	// restart is a server (re)start at sec: every open checkout ends.
	restart(sec int64, line int)
	// cutoff is the Unix second before which the scan's stats count
	// nothing but undated lines (ReadOptions.Since); 0: no cutoff.
	cutoff() int64
	// flush is the scan's end: what the sink holds back, it takes now.
	flush()
}

// eventFunc turns sink calls into Events for ScanLog's callback.
type eventFunc struct {
	fn         func(Event)
	loc        *time.Location
	features   featureNames
	identities map[string]string
}

func (f *eventFunc) logEvent(op Op, sec int64, feature, identity []byte, licenses, line int) {
	f.fn(Event{
		Time:     time.Unix(sec, 0).In(f.loc),
		Op:       op,
		Feature:  f.features.intern(feature),
		Identity: intern(f.identities, identity),
		Licenses: licenses,
		Line:     line,
	})
}

func (f *eventFunc) cutoff() int64 { return 0 }
func (f *eventFunc) flush()        {}

func (f *eventFunc) restart(sec int64, line int) {
	f.fn(Event{Time: time.Unix(sec, 0).In(f.loc), Line: line})
}

// opMask selects the events scanLog hands to its sink. The others are still
// parsed, so LogStats come out the same whichever are wanted.
func opMask(ops ...Op) uint8 {
	var m uint8
	for _, o := range ops {
		m |= 1 << o
	}
	return m
}

// builderOps are the events a Builder counts: all of them (IN closes a
// concurrent checkout).
var builderOps = opMask(Out, In, Denied, Unsupported)

func scanLog(r io.Reader, loc *time.Location, want uint8, sink eventSink) (LogStats, error) {
	if loc == nil {
		loc = time.Local
	}
	s := logScanner{loc: loc, want: want, sink: sink, cutoff: sink.cutoff()}
	defer sink.flush()
	lr := newLineReader(r)
	for {
		line, long, err := lr.next()
		if err == io.EOF {
			break
		}
		s.take(line, long, err, lr.n)
		if err != nil {
			return s.stats, err
		}
	}
	return s.stats, nil
}

// take counts one line from the line reader and scans it: a line too long
// to hold is counted and skipped; a final line without its newline is
// scanned; nothing is scanned when the reader returned no line.
func (s *logScanner) take(line []byte, long bool, err error, n int) {
	if long {
		s.stats.Lines++
		s.skipped(n)
	} else if line != nil || err == nil {
		s.stats.Lines++
		s.line(line, n)
	}
}

// logScanner's dating state (dated, day, prevTOD) is set whole by every date
// line, whatever came before it: that is what lets a scan start at any date
// line (the split scan here, a windowed scan later) and agree with the scan
// from the top.
type logScanner struct {
	quick   quickReader
	loc     *time.Location
	stats   LogStats
	dated   bool
	day     dayClock
	prevTOD int   // seconds since midnight of the last dated timed line
	want    uint8 // opMask of the events to hand out
	sink    eventSink
	// cutoff, when not 0, is the Unix second before which the stats count
	// nothing but undated lines (ReadOptions.Since): what a windowed scan
	// does not read, a full scan must not count either.
	cutoff int64
	// base is the offset the scan's reader starts at, for its bad lines'
	// numbers (see badLine).
	base int64
}

// counts reports whether a line at tod (of the current date) is counted
// in the stats: any line without a cutoff or before the first date, else
// only those at or after the cutoff.
func (s *logScanner) counts(tod int) bool {
	return s.cutoff == 0 || !s.dated || s.day.instant(tod) >= s.cutoff
}

// skipped counts an over-long line, n, dated by the line before it.
func (s *logScanner) skipped(n int) {
	if s.counts(s.prevTOD) {
		s.stats.Skipped++
		s.noteBad(n, 0, 0)
	}
}

var (
	prefixOut         = []byte("OUT:")
	prefixIn          = []byte("IN:")
	prefixDenied      = []byte("DENIED:")
	prefixUnsupported = []byte("UNSUPPORTED:")
	prefixTimestamp   = []byte("TIMESTAMP")
	slogTag           = []byte("-SLOG@)")
	startedOn         = []byte("started on")
	serverStarted     = []byte("Server started on")
	systemDate        = []byte("Server's System Date and Time:")
	slogStartDate     = []byte("Start-Date:")
)

func (s *logScanner) line(line []byte, n int) {
	if op, tod, feature, identity, ok := s.quick.checkout(line); ok {
		s.checkout(op, tod, feature, identity, n)
		return
	}
	c, ok := classify(line)
	s.classified(c, ok, n)
}

// checkout is line for what quickReader.checkout read: what classify and
// parseCheckout would make of it, in one pass.
func (s *logScanner) checkout(op Op, tod int, feature, identity []byte, n int) {
	if !s.dated {
		s.stats.Undated++
		return
	}
	s.advance(tod)
	if s.want&(1<<op) != 0 {
		s.sink.logEvent(op, s.day.instant(tod), feature, identity, 1, n)
	}
}

// classified is line for any other line, as classify read it.
func (s *logScanner) classified(c timedLine, ok bool, n int) {
	if !ok {
		// Multi-line messages continue without a time; nothing to count in them.
		return
	}
	if c.dated {
		s.setDate(c.y, c.m, c.d, c.tod)
		if c.start {
			if v := startLineVersion(c.msg); v != "" {
				s.stats.Version = v
				s.stats.Started = time.Unix(s.day.instant(c.tod), 0).In(s.loc)
			}
		}
	} else {
		if !s.dated {
			if c.op != 0 {
				s.stats.Undated++
			}
			return
		}
		s.advance(c.tod)
	}
	if c.restart {
		if s.counts(c.tod) {
			s.stats.Restarts++
		}
		s.sink.restart(s.day.instant(c.tod), n)
		return
	}
	if c.op == 0 {
		return
	}
	feature, identity, ok := parseCheckout(c.msg, c.op)
	if !ok {
		if s.counts(c.tod) {
			s.stats.Malformed++
			s.noteBad(n, c.op, malformedWhy(c.msg, feature))
		}
		return
	}
	if s.want&(1<<c.op) == 0 {
		return
	}
	s.sink.logEvent(c.op, s.day.instant(c.tod), feature, identity, checkoutLicenses(c.msg), n)
}

// A quickReader remembers the bytes from the daemon's "(" to the feature's
// opening quote — `(CITRIX) OUT: "` — of the last OUT and the last IN it
// read in full: nearly every line repeats them, and one comparison then
// stands for reading the daemon, the blanks and the op, with the same
// result (TestQuickCheckoutAgrees, FuzzQuickCheckout read every line both
// ways). Its zero value is ready.
type quickReader struct {
	out, in []byte // empty: none read yet
}

// checkout reads the line nearly every line of a busy log is, an OUT
// or IN of one licence — ` 9:05:31 (CITRIX) OUT: "XDT_PLT_UD" jsmith@WKS01`
// — in one pass: one comparison for the daemon and op (or a loop
// for the short daemon name) and four vectorised searches. It gives
// exactly what classify, parseCheckout and checkoutLicenses would (held so by
// TestQuickCheckoutAgrees and FuzzQuickCheckout), and ok false for anything
// else — a date line, a refusal, a tail with a "(", a quote missing — which
// the general path then reads. It is the scan's per-line cost at a real
// server's size (issue 15).
func (q *quickReader) checkout(line []byte) (op Op, tod int, feature, identity []byte, ok bool) {
	i, n := 0, len(line)
	for i < n && isBlank(line[i]) {
		i++
	}
	// H:MM:SS or HH:MM:SS, then a blank.
	if n-i < 9 || !isDigit(line[i]) {
		return
	}
	h := int(line[i] - '0')
	i++
	if isDigit(line[i]) {
		h = h*10 + int(line[i]-'0')
		i++
	}
	if n-i < 7 {
		return
	}
	t := line[i : i+7 : i+7]
	if t[0] != ':' || t[3] != ':' || !isDigit(t[1]) || !isDigit(t[2]) || !isDigit(t[4]) || !isDigit(t[5]) || !isBlank(t[6]) {
		return
	}
	m, sec := int(t[1]-'0')*10+int(t[2]-'0'), int(t[4]-'0')*10+int(t[5]-'0')
	if h > 23 || m > 59 || sec > 59 {
		return
	}
	tod = h*3600 + m*60 + sec
	i += 7
	for i < n && isBlank(line[i]) {
		i++
	}
	// (DAEMON), blanks, OUT: or IN:, blanks, the feature's opening quote:
	// as the last line wrote them, or read.
	switch rest := line[i:]; {
	case len(q.out) > 0 && bytes.HasPrefix(rest, q.out):
		op, i = Out, i+len(q.out)-1
	case len(q.in) > 0 && bytes.HasPrefix(rest, q.in):
		op, i = In, i+len(q.in)-1
	default:
		if op, i = q.prefix(line, i); op == 0 {
			return
		}
	}
	// No "(" in the message: no licence count, no tail the identity could
	// be (checkoutLicenses and parseCheckout look for one). What the prefix
	// holds after the op has none.
	if bytes.IndexByte(line[i:], '(') >= 0 {
		return
	}
	// "FEATURE", quoted: line[i] is its opening quote.
	j := bytes.IndexByte(line[i+1:], '"')
	if j <= 0 {
		return
	}
	feature, i = line[i+1:i+1+j], i+2+j
	for i < n && isBlank(line[i]) {
		i++
	}
	// The identity, up to a blank (a tab one is left to the general
	// path); nothing but blanks may follow.
	if i >= n || line[i] == '[' || line[i] == '^' {
		return
	}
	identity = line[i:]
	if j := bytes.IndexByte(identity, ' '); j >= 0 {
		for _, c := range identity[j:] {
			if !isBlank(c) {
				return
			}
		}
		identity = identity[:j]
	}
	if bytes.IndexByte(identity, '\t') >= 0 {
		return
	}
	return op, tod, feature, identity, true
}

// prefix reads line from i, its daemon's "(", to its feature's opening
// quote, and remembers those bytes for the next line: op is Out or In and
// line[at] the quote, or op is 0 when the line is not a quick one.
func (q *quickReader) prefix(line []byte, i int) (op Op, at int) {
	n, from := len(line), i
	if i >= n || line[i] != '(' {
		return 0, 0
	}
	for i++; i < n && line[i] != ')'; i++ {
	}
	if i >= n {
		return 0, 0
	}
	i++
	for i < n && isBlank(line[i]) {
		i++
	}
	switch {
	case n-i >= 4 && line[i] == 'O' && line[i+1] == 'U' && line[i+2] == 'T' && line[i+3] == ':':
		op, i = Out, i+4
	case n-i >= 3 && line[i] == 'I' && line[i+1] == 'N' && line[i+2] == ':':
		op, i = In, i+3
	default:
		return 0, 0
	}
	for i < n && isBlank(line[i]) {
		i++
	}
	if i >= n || line[i] != '"' {
		return 0, 0
	}
	if op == Out {
		q.out = append(q.out[:0], line[from:i+1]...)
	} else {
		q.in = append(q.in[:0], line[from:i+1]...)
	}
	return op, i
}

// timedLine is what classify finds in a line with a time of day.
type timedLine struct {
	tod     int
	op      Op     // Out, In, Denied, Unsupported, or 0 for any other message
	msg     []byte // after the daemon, and after the OUT:/IN:/… prefix
	dated   bool   // a date line: it sets the date (and may also be an event)
	start   bool   // the date line is lmgrd's start line (it carries the version)
	restart bool   // a server (re)start: lmgrd's start line or a vendor daemon's "Server started on"
	y, d    int
	m       time.Month
}

// classify reads one line's time, daemon and message; ok is false for a line
// with no time of day (blank, or the continuation of a multi-line message)
// that is not a date line either. It is the single place that decides what a
// line is, for the scanner and for the split scan's search for date lines.
func classify(line []byte) (c timedLine, ok bool) {
	line = skipBlanks(line)
	if len(line) == 0 {
		return c, false
	}
	var rest []byte
	if tod, r, ok := parseTimeOfDay(line); ok {
		c.tod, rest = tod, r
	} else if y, m, d, tod, r, ok := parseISOPrefix(line); ok {
		c.tod, rest = tod, r
		c.y, c.m, c.d, c.dated = y, m, d, true
	} else if line[0] == '(' {
		// "(lmgrd) Server's System Date and Time: …" without a time of day in
		// front: the message has the whole date and time.
		msg := skipDaemon(line)
		if y, m, d, tod, ok := messageDate(msg); ok {
			c.msg, c.tod, c.y, c.m, c.d, c.dated = msg, tod, y, m, d, true
			return c, true
		}
		return c, false
	} else {
		return c, false
	}
	msg := skipDaemon(rest)
	switch {
	case bytes.HasPrefix(msg, prefixOut):
		c.op, c.msg = Out, msg[len(prefixOut):]
	case bytes.HasPrefix(msg, prefixIn):
		c.op, c.msg = In, msg[len(prefixIn):]
	case bytes.HasPrefix(msg, prefixDenied):
		c.op, c.msg = Denied, msg[len(prefixDenied):]
	case bytes.HasPrefix(msg, prefixUnsupported):
		c.op, c.msg = Unsupported, msg[len(prefixUnsupported):]
	default:
		c.msg = msg
		_, _, _, isStart := startLineDate(msg)
		switch {
		case c.dated: // an ISO time dates the line already
		case bytes.HasPrefix(msg, prefixTimestamp):
			c.y, c.m, c.d, c.dated = parseMDY(bytes.TrimSpace(msg[len(prefixTimestamp):]))
		case isStart:
			c.y, c.m, c.d, c.dated = startLineDate(msg)
		default:
			if y, m, d, tod, ok := messageDate(msg); ok {
				// The message's own clock is the one that goes with its date.
				c.y, c.m, c.d, c.tod, c.dated = y, m, d, tod, true
			}
		}
		c.start = isStart
		c.restart = isStart || bytes.HasPrefix(msg, serverStarted)
	}
	return c, true
}

// messageDate reads the full date and time lmgrd writes at start-up:
// "Server's System Date and Time: Mon Nov 02 2026 07:57:59 W. Europe Standard
// Time", and in an SLOG block "(@lmgrd-SLOG@) Start-Date: Mon Nov 02 2026
// 07:58:00 …" (the vendor daemon's block is "(@CITRIX-SLOG@)"). The zone
// name that follows is Windows' and is not read: the scan's zone is the
// server's.
func messageDate(msg []byte) (y int, m time.Month, d, tod int, ok bool) {
	var rest []byte
	switch {
	case bytes.HasPrefix(msg, systemDate):
		rest = msg[len(systemDate):]
	case bytes.HasPrefix(msg, []byte("(@")):
		// "(@lmgrd-SLOG@)", and the vendor daemon's "(@CITRIX-SLOG@)".
		end := bytes.IndexByte(msg, ')')
		if end < 0 || !bytes.HasSuffix(msg[:end+1], slogTag) {
			return 0, 0, 0, 0, false
		}
		r := skipBlanks(msg[end+1:])
		if !bytes.HasPrefix(r, slogStartDate) {
			return 0, 0, 0, 0, false
		}
		rest = r[len(slogStartDate):]
	default:
		return 0, 0, 0, 0, false
	}
	f := bytes.Fields(rest)
	if len(f) < 5 {
		return 0, 0, 0, 0, false
	}
	// [weekday] month day year time
	if monthIndex(f[0]) == 0 {
		f = f[1:]
	}
	m = time.Month(monthIndex(f[0]))
	d, okD := atoi(f[1])
	y, okY := atoi(f[2])
	tod, _, okT := parseTimeOfDay(f[3])
	if m == 0 || !okD || !okY || !okT || y < 1 || y > 9999 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, 0, false
	}
	return y, m, d, tod, true
}

// parseISOPrefix reads a line that starts with a full ISO 8601 time,
// "2026-09-05T12:13:14-04:00 (CITRIX) …" (or with Z, fractions, no zone). The
// date and time of day are the wall clock as written: the scan reads every
// time in the server's zone.
func parseISOPrefix(b []byte) (y int, m time.Month, d, tod int, rest []byte, ok bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't') {
		return
	}
	yy, ok1 := atoi(b[0:4])
	mm, ok2 := atoi(b[5:7])
	dd, ok3 := atoi(b[8:10])
	hh, ok4 := atoi(b[11:13])
	mi, ok5 := atoi(b[14:16])
	ss, ok6 := atoi(b[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || b[13] != ':' || b[16] != ':' ||
		hh > 23 || mi > 59 || ss > 59 || mm < 1 || mm > 12 || dd < 1 || dd > daysIn(yy, time.Month(mm)) {
		return
	}
	t := hh*3600 + mi*60 + ss
	i := 19
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	switch {
	case i < len(b) && (b[i] == 'Z' || b[i] == 'z'):
		i++
	case i+6 <= len(b) && (b[i] == '+' || b[i] == '-') && b[i+3] == ':':
		i += 6
	case i+5 <= len(b) && (b[i] == '+' || b[i] == '-') && isDigit(b[i+1]) && isDigit(b[i+4]):
		i += 5
	}
	if i < len(b) && !isBlank(b[i]) {
		return
	}
	return yy, time.Month(mm), dd, t, b[i:], true
}

func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

var monthNames = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// monthIndex is 1..12 for an English month name or abbreviation, else 0.
func monthIndex(b []byte) int {
	if len(b) < 3 {
		return 0
	}
	for i, name := range monthNames {
		if bytes.EqualFold(b[:3], []byte(name)) {
			return i + 1
		}
	}
	return 0
}

// setDate starts a new dated stretch at an explicit date line.
func (s *logScanner) setDate(y int, m time.Month, d, tod int) {
	if !s.dated || !s.day.is(y, m, d) {
		s.day.set(y, m, d, s.loc)
	}
	s.dated = true
	s.prevTOD = tod
}

// advance applies the rollover rule to a dated line's time of day.
func (s *logScanner) advance(tod int) {
	if tod < s.prevTOD && !s.day.fallBackRepeat(s.prevTOD, tod) {
		y, m, d := s.day.y, s.day.m, s.day.d+1
		s.day.set(y, m, d, s.loc) // set normalizes day 32 and the like
	}
	s.prevTOD = tod
}

// featureNames interns feature names. A server has a handful of features, so
// a short list compared byte by byte beats hashing every line.
type featureNames struct {
	recent []string
	m      map[string]string
}

func (f *featureNames) intern(b []byte) string {
	for _, s := range f.recent {
		if string(b) == s {
			return s
		}
	}
	s := intern(f.m, b)
	if len(f.recent) < 16 {
		f.recent = append(f.recent, s)
	}
	return s
}

func intern(m map[string]string, b []byte) string {
	if s, ok := m[string(b)]; ok {
		return s
	}
	s := string(b)
	m[s] = s
	return s
}

// parseTimeOfDay reads "H:MM:SS" or "HH:MM:SS" followed by a blank or the end.
func parseTimeOfDay(b []byte) (tod int, rest []byte, ok bool) {
	if len(b) < 7 || !isDigit(b[0]) {
		return 0, nil, false
	}
	h, i := int(b[0]-'0'), 1
	if isDigit(b[1]) {
		h, i = h*10+int(b[1]-'0'), 2
	}
	if len(b) < i+6 {
		return 0, nil, false
	}
	t := b[i : i+6 : i+6] // ":MM:SS", one bounds check for all six
	if t[0] != ':' || t[3] != ':' || !isDigit(t[1]) || !isDigit(t[2]) || !isDigit(t[4]) || !isDigit(t[5]) {
		return 0, nil, false
	}
	m := int(t[1]-'0')*10 + int(t[2]-'0')
	sec := int(t[4]-'0')*10 + int(t[5]-'0')
	rest = b[i+6:]
	if h > 23 || m > 59 || sec > 59 || (len(rest) > 0 && !isBlank(rest[0])) {
		return 0, nil, false
	}
	return h*3600 + m*60 + sec, rest, true
}

// skipDaemon drops the "(DAEMON)" after the time and the blanks around it.
func skipDaemon(b []byte) []byte {
	b = skipBlanks(b)
	if len(b) > 0 && b[0] == '(' {
		if i := bytes.IndexByte(b, ')'); i >= 0 {
			b = skipBlanks(b[i+1:])
		}
	}
	return b
}

// parseCheckout reads ` "FEATURE" identity …` (the quotes may be missing).
// UNSUPPORTED lines carry a "(PORT_AT_HOST_PLUS   )" or "version V" between
// feature and identity, and the identity is not needed for them: only the
// feature is required.
func parseCheckout(b []byte, op Op) (feature, identity []byte, ok bool) {
	b = skipBlanks(b)
	if len(b) > 0 && b[0] == '"' {
		end := bytes.IndexByte(b[1:], '"')
		if end < 0 {
			return nil, nil, false
		}
		feature, b = b[1:1+end], b[2+end:]
	} else {
		feature, b = cutToken(b)
	}
	if op == Unsupported {
		return feature, nil, len(feature) > 0
	}
	identity, _ = cutToken(skipBlanks(b))
	if len(identity) > 0 && (identity[0] == '(' || identity[0] == '[' || bytes.HasPrefix(identity, []byte("^^^"))) {
		identity = nil // a tail where the identity should be
	}
	return feature, identity, len(feature) > 0 && len(identity) > 0
}

// checkoutLicenses reads a "(N licenses)" or "(1 license)" tail; without one
// a checkout is one licence.
func checkoutLicenses(msg []byte) int {
	for rest := msg; ; {
		i := bytes.IndexByte(rest, '(')
		if i < 0 {
			return 1
		}
		rest = rest[i+1:]
		j := 0
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j > 0 && j <= 6 && bytes.HasPrefix(skipBlanks(rest[j:]), []byte("license")) {
			n, _ := atoi(rest[:j])
			if n > 0 {
				return n
			}
		}
	}
}

// parseMDY reads M/D/YYYY (FlexNet's US order; a two-digit year is 20YY).
func parseMDY(b []byte) (y int, m time.Month, d int, ok bool) {
	var parts [3]int
	for k := range parts {
		n, digits := 0, 0
		for len(b) > 0 && isDigit(b[0]) && digits < 4 {
			n = n*10 + int(b[0]-'0')
			b = b[1:]
			digits++
		}
		if digits == 0 {
			return 0, 0, 0, false
		}
		parts[k] = n
		if k < 2 {
			if len(b) == 0 || b[0] != '/' {
				return 0, 0, 0, false
			}
			b = b[1:]
		}
	}
	if len(b) != 0 {
		return 0, 0, 0, false
	}
	y, m, d = parts[2], time.Month(parts[0]), parts[1]
	if y < 100 {
		y += 2000
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// startLineDate reads the date ending a server start line:
// `FlexNet Licensing (v11.19.8.0 build 123456 x64_n6) started on ctxlic01 (IBM PC) (11/2/2026)`.
func startLineDate(msg []byte) (y int, m time.Month, d int, ok bool) {
	msg = bytes.TrimRight(msg, " \t")
	if len(msg) == 0 || msg[len(msg)-1] != ')' {
		return 0, 0, 0, false
	}
	open := bytes.LastIndexByte(msg, '(')
	if open < 0 || !bytes.Contains(msg[:open], startedOn) {
		return 0, 0, 0, false
	}
	return parseMDY(bytes.TrimSpace(msg[open+1 : len(msg)-1]))
}

// startLineVersion turns "(v11.19.8.0 build 123456 x64_n6)" into
// "11.19.8.0 build 123456": the platform tag is not the version.
func startLineVersion(msg []byte) string {
	var inner []byte
	for rest := msg; inner == nil; {
		i := bytes.Index(rest, []byte("(v"))
		if i < 0 {
			return ""
		}
		if i+2 < len(rest) && isDigit(rest[i+2]) {
			inner = rest[i+2:]
		}
		rest = rest[i+2:]
	}
	if end := bytes.IndexByte(inner, ')'); end >= 0 {
		inner = inner[:end]
	}
	f := strings.Fields(string(inner))
	if len(f) >= 3 && strings.EqualFold(f[1], "build") {
		return f[0] + " build " + f[2]
	}
	return f[0]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dayClock turns a time of day on one calendar date into an instant without
// calling time.Date per line, and knows the day's zone change, if any.
type dayClock struct {
	y     int
	m     time.Month
	d     int
	wall0 int64 // the date's midnight read as UTC, in Unix seconds
	off0  int64 // zone offset at the start of the day
	trans int64 // instant of a zone change within the day, else MaxInt64
	off1  int64 // zone offset after trans
	late  bool  // the fall-back repeat has been entered: ambiguous times read in off1
}

func (c *dayClock) is(y int, m time.Month, d int) bool { return c.y == y && c.m == m && c.d == d }

func (c *dayClock) set(y int, m time.Month, d int, loc *time.Location) {
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	y, m, d = u.Date()
	*c = dayClock{y: y, m: m, d: d, wall0: u.Unix(), trans: math.MaxInt64}
	start := time.Date(y, m, d, 0, 0, 0, 0, loc)
	_, off := start.Zone()
	c.off0, c.off1 = int64(off), int64(off)
	if _, end := start.ZoneBounds(); !end.IsZero() && end.Unix()+c.off0 < c.wall0+86400 {
		_, off1 := end.Zone()
		c.trans, c.off1 = end.Unix(), int64(off1)
	}
}

func (c *dayClock) instant(tod int) int64 {
	w := c.wall0 + int64(tod)
	before, after := w-c.off0, w-c.off1
	beforeOK, afterOK := before < c.trans, after >= c.trans
	switch {
	case beforeOK && afterOK: // the repeated hour of a fall-back
		if c.late {
			return after
		}
		return before
	case afterOK:
		return after
	default: // before the change, or a wall time skipped by a spring-forward
		return before
	}
}

// fallBackRepeat reports whether a step back from prev to tod is the clock
// falling back rather than midnight, and if so enters the repeated hour.
func (c *dayClock) fallBackRepeat(prev, tod int) bool {
	if c.late || c.off1 >= c.off0 {
		return false
	}
	p := c.instant(prev)
	t := c.wall0 + int64(tod) - c.off1
	if p < c.trans && t >= c.trans && t >= p {
		c.late = true
		return true
	}
	return false
}
