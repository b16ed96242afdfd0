package usage

import (
	"cmp"
	"io"
	"slices"
	"time"
)

// A question about one month (and the lease look-back before it) needs the
// lines from a little before the month to the end, not the years of log
// before them: lmgrd_debug.log is not rotated by default. A date line fixes
// the scanner's whole state (the parallel split relies on that too), so a
// scan that starts at a date line dated before the window's start reads
// every line of the window in exactly the state a full scan would. Where it
// may start is found by bisecting the file on date lines; that is exact as
// long as no line before the start is dated at or after the target, which
// holds when dates never go backwards, so where they are seen to go
// backwards the answer is 0: a full scan.

// WindowStart is where a scan for the lines dated at or after a target may
// begin.
type WindowStart struct {
	// Offset is the byte offset of a date line dated before the target, the
	// last such line; 0 means from the start (a full scan): the target is
	// before the first date, the log has no date lines, or dates go
	// backwards.
	Offset int64
	// Date is the time of the date line at Offset, zero when Offset is 0.
	Date time.Time
	// Monotonic reports that the date lines looked at never went backwards.
	// When it is false, Offset is 0.
	Monotonic bool
	// Read is how many bytes the search read, for the record.
	Read int64
	// First is the time of the log's first date line, zero when it has
	// none: how far back the log reaches, without reading it.
	First time.Time
}

// windowSamples is how many evenly spaced points of the log are sampled, on
// top of the bisection's own probes, to see dates going backwards: a stretch
// of log dated out of order that covers a sample point is seen.
const windowSamples = 16

// windowNeighbourhood is how much of the log before the start is read whole
// to check that its dates are in order; near the window is where a clock
// set back (or forward and back) matters most. A variable so tests can
// shrink it below their logs' size.
var windowNeighbourhood int64 = 1 << 20

// sampleSpan bounds the read at each sample point: TIMESTAMP lines come
// every few hours, a few hundred KB apart in a busy server's log.
const sampleSpan = 4 << 20

// FindWindowStart finds where a scan of the log r (size bytes) for the
// lines dated at or after target may start: the offset of the last date
// line dated strictly before target (a line just before a date line may
// share its second, so "at" is not early enough). Dates are read in loc, as
// the scan reads them, by the scanner's own classify.
//
// The offset is exact (a scan from it sees every line dated at or after
// target, in the state a full scan has) when no line before it is dated at
// or after target. FindWindowStart checks that where it cheaply can: the
// date lines at windowSamples evenly spaced points, the bisection's probes,
// every date line of the windowNeighbourhood before the offset and those up
// to the first one at or after target; if any of them go backwards it
// returns 0 and Monotonic false. A stretch dated out of order that is
// shorter than size/windowSamples and lies further back than the
// neighbourhood escapes the check; only that stretch's lines dated at or
// after target would then be missed.
//
// The error is the reader's.
func FindWindowStart(r io.ReaderAt, size int64, target time.Time, loc *time.Location) (WindowStart, error) {
	if loc == nil {
		loc = time.Local
	}
	w := windowSearch{r: r, size: size, loc: loc, target: target.Unix()}
	res, err := w.find()
	res.Read = w.read
	if err != nil {
		return WindowStart{Read: w.read}, err
	}
	return res, nil
}

// dateMark is one date line: where it starts and the instant it names.
type dateMark struct {
	off, end int64 // the line's first byte and the byte after its end
	sec      int64
}

type windowSearch struct {
	r      io.ReaderAt
	size   int64
	loc    *time.Location
	target int64
	lr     *lineReader
	read   int64
	seen   []dateMark // every date line looked at, for the order check
	// atRestart moves the start back to the last server start line.
	atRestart bool
}

func (w *windowSearch) find() (WindowStart, error) {
	first, ok, err := w.dateLineFrom(0, w.size)
	if err != nil || !ok {
		return WindowStart{Monotonic: err == nil}, err
	}
	res, err := w.bisect(first)
	if err == nil && ok {
		res.First = time.Unix(first.sec, 0).In(w.loc)
	}
	return res, err
}

func (w *windowSearch) bisect(first dateMark) (WindowStart, error) {
	if first.sec >= w.target {
		// The window starts before the first date: everything.
		return WindowStart{Monotonic: true}, nil
	}
	for k := int64(1); k < windowSamples; k++ {
		// A sample reads at most sampleSpan: a log whose date lines are
		// that sparse gains little from a window anyway.
		from := w.size * k / windowSamples
		limit := min(w.size*(k+1)/windowSamples, from+sampleSpan)
		if _, _, err := w.dateLineFrom(from, limit); err != nil {
			return WindowStart{}, err
		}
	}
	if !w.ordered() {
		return WindowStart{}, nil
	}

	// Bisect: best is a date line before target; every date line that
	// starts at or after hi is at or after target.
	best, lo, hi := first, first.end, w.size
	for _, m := range w.seen {
		if m.sec < w.target && m.off > best.off {
			best = m
		}
		if m.sec >= w.target && m.off < hi {
			hi = m.off
		}
	}
	lo = max(lo, best.end)
	const linear = 256 << 10 // below this, reading on beats probing
	for hi-lo > linear {
		mid := lo + (hi-lo)/2
		m, ok, err := w.dateLineFrom(mid, hi)
		if err != nil {
			return WindowStart{}, err
		}
		switch {
		case !ok: // no date line starts in [mid, hi)
			hi = mid
		case m.sec < w.target:
			best, lo = m, m.end
		default:
			hi = m.off
		}
	}
	// Read the neighbourhood before best and on from it to the first date
	// line at or after target: that settles best, and checks the order
	// where it matters most.
	from := max(best.off-windowNeighbourhood, 0)
	if err := w.dateLinesIn(from, &best); err != nil {
		return WindowStart{}, err
	}
	if !w.ordered() {
		return WindowStart{}, nil
	}
	if w.atRestart {
		var err error
		if best, err = w.restartBefore(best.off + 1); err != nil { // best itself may be one
			return WindowStart{}, err
		}
		if !w.ordered() {
			return WindowStart{}, nil
		}
	}
	if best.off <= first.off {
		// Lines before the first date line (a banner, undated events) are
		// the scan's too: start at the very beginning.
		return WindowStart{Monotonic: true}, nil
	}
	return WindowStart{Offset: best.off, Date: time.Unix(best.sec, 0).In(w.loc), Monotonic: true}, nil
}

// FindRestartBefore is FindWindowStart bound to a server start: the offset
// of the last lmgrd start line dated before target, 0 when there is none.
// A start line ends every open checkout and names the server's version, so
// a scan from it has, besides every line of the window, the open checkouts
// and the version a full scan has. The search reads back from the window's
// start to that line, a restart interval (a month on a server patched
// monthly) up to restartReach; a server not restarted within it is read
// from the start.
func FindRestartBefore(r io.ReaderAt, size int64, target time.Time, loc *time.Location) (WindowStart, error) {
	if loc == nil {
		loc = time.Local
	}
	w := windowSearch{r: r, size: size, loc: loc, target: target.Unix(), atRestart: true}
	res, err := w.find()
	res.Read = w.read
	if err != nil {
		return WindowStart{Read: w.read}, err
	}
	return res, nil
}

// restartChunk is how far each step of the backward search for a start
// line reads.
const restartChunk = 4 << 20

// restartReach bounds the backward search: a server not restarted within
// it (half a GB of log: months on a busy server) is read whole anyway, so
// reading on back to find its one start line would only add a pass. A
// variable so tests can shrink it.
var restartReach int64 = 512 << 20

// restartBefore finds the last start line that starts before end, reading
// back chunk by chunk; the zero dateMark (offset 0) when there is none.
// Every date line it passes is recorded for the order check.
func (w *windowSearch) restartBefore(end int64) (dateMark, error) {
	stop := max(end-restartReach, 0)
	for end > stop {
		from := max(end-restartChunk, stop)
		lr, err := w.reader(from)
		if lr == nil {
			return dateMark{}, err
		}
		var day dayClock
		var found dateMark
		for {
			line, long, err := lr.next()
			if err == io.EOF || from+lr.start >= end {
				break
			}
			if !long && (line != nil || err == nil) {
				if c, ok := classify(line); ok && c.dated {
					day.set(c.y, c.m, c.d, w.loc)
					m := dateMark{off: from + lr.start, end: from + lr.off, sec: day.instant(c.tod)}
					w.seen = append(w.seen, m)
					if c.start {
						found = m
					}
				}
			}
			if err != nil {
				return dateMark{}, err
			}
		}
		if found.end > 0 {
			return found, nil
		}
		end = from
	}
	return dateMark{}, nil // none within reach: from the start
}

// ordered reports whether the date lines seen so far never go backwards in
// file order.
func (w *windowSearch) ordered() bool {
	slices.SortFunc(w.seen, func(a, b dateMark) int { return cmp.Compare(a.off, b.off) })
	w.seen = slices.CompactFunc(w.seen, func(a, b dateMark) bool { return a.off == b.off })
	for i := 1; i < len(w.seen); i++ {
		if w.seen[i].sec < w.seen[i-1].sec {
			return false
		}
	}
	return true
}

// reader positions the search's one line reader at the first line that
// starts at or after from.
func (w *windowSearch) reader(from int64) (*lineReader, error) {
	sr := io.NewSectionReader(countingReaderAt{w.r, &w.read}, from, w.size-from)
	if w.lr == nil {
		// A probe wants one date line, a few KB on: a buffer just over
		// MaxLineLen (which the reader needs) instead of the scan's.
		w.lr = newLineReaderSize(sr, MaxLineLen+16<<10)
	} else {
		w.lr.reset(sr)
	}
	w.lr.mid = from > 0
	if from == 0 {
		return w.lr, nil
	}
	var prev [1]byte
	if _, err := w.r.ReadAt(prev[:], from-1); err != nil {
		return nil, err
	}
	if prev[0] != '\n' {
		// from is inside a line: that line belongs to the search before it.
		if _, _, err := w.lr.next(); err != nil {
			return nil, ignoreEOF(err)
		}
	}
	return w.lr, nil
}

// dateLineFrom finds the first date line starting in [from, limit).
func (w *windowSearch) dateLineFrom(from, limit int64) (dateMark, bool, error) {
	lr, err := w.reader(from)
	if lr == nil {
		return dateMark{}, false, err
	}
	var day dayClock
	for {
		line, long, err := lr.next()
		if from+lr.start >= limit || err == io.EOF {
			return dateMark{}, false, nil
		}
		if !long && (line != nil || err == nil) {
			if c, ok := classify(line); ok && c.dated {
				day.set(c.y, c.m, c.d, w.loc)
				m := dateMark{off: from + lr.start, end: from + lr.off, sec: day.instant(c.tod)}
				w.seen = append(w.seen, m)
				return m, true, nil
			}
		}
		if err != nil {
			return dateMark{}, false, err
		}
	}
}

// dateLinesIn records every date line from the first line at or after from
// up to the first one dated at or after target, and moves best to the last
// one before target.
func (w *windowSearch) dateLinesIn(from int64, best *dateMark) error {
	lr, err := w.reader(from)
	if lr == nil {
		return err
	}
	var day dayClock
	for {
		line, long, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if !long && (line != nil || err == nil) {
			if c, ok := classify(line); ok && c.dated {
				day.set(c.y, c.m, c.d, w.loc)
				m := dateMark{off: from + lr.start, end: from + lr.off, sec: day.instant(c.tod)}
				w.seen = append(w.seen, m)
				if m.sec >= w.target && m.off > best.off {
					return nil
				}
				if m.sec < w.target && m.off > best.off {
					*best = m
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n *int64
}

func (c countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	*c.n += int64(n)
	return n, err
}

// windowScan turns the windowed read off, for the tests that hold it
// equal to the full one.
var windowScan = true

// windowStart is where b reads log f from: the last server start before
// its cutoff (ReadOptions.Since), or 0 (the whole log) without a cutoff,
// without such a start, or where dates go backwards. With a window it first
// scans the log's head up to its first dated event (scanPrefix), which the
// window does not reach, and returns that scan's stats, already added to b.
func (b *Builder) windowStart(f io.ReaderAt, size int64, loc *time.Location) (int64, LogStats, error) {
	if b.cutoffSec == 0 || !windowScan {
		return 0, LogStats{}, nil
	}
	w, err := FindRestartBefore(f, size, time.Unix(b.cutoffSec, 0), loc)
	if err != nil || w.Offset == 0 {
		return 0, LogStats{}, err
	}
	stats, err := b.scanPrefix(f, w.Offset, loc)
	b.AddStats(stats)
	return w.Offset, stats, err
}

// scanPrefix scans the lines of f before end up to its first dated
// checkout event: what a full scan counts there, and a windowed one would
// miss, is the undated events before the first date and the earliest
// event, from which the report says how far back the logs reach. Anything
// else there is dated before the cutoff, so it counts for nothing (the
// start line at end ends every checkout it might have opened).
func (b *Builder) scanPrefix(f io.ReaderAt, end int64, loc *time.Location) (LogStats, error) {
	sink := &prefixSink{b: b}
	s := logScanner{loc: loc, want: builderOps, sink: sink, cutoff: sink.cutoff()}
	defer sink.flush()
	lr := newLineReader(io.NewSectionReader(f, 0, end))
	for !sink.seen {
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

// prefixSink passes events to the Builder and notes the first.
type prefixSink struct {
	b    *Builder
	seen bool
}

func (p *prefixSink) logEvent(op Op, sec int64, feature, identity []byte, licenses, line int) {
	p.b.logEvent(op, sec, feature, identity, licenses, line)
	p.seen = true
}

func (p *prefixSink) restart(sec int64, line int) { p.b.restart(sec, line) }
func (p *prefixSink) cutoff() int64               { return p.b.cutoffSec }
func (p *prefixSink) flush()                      { p.b.flush() }
