package usage

import (
	"io"
	"runtime"
	"sync"
	"time"
)

// A large log is scanned in byte ranges on several cores. What makes that
// exact is that a date line (TIMESTAMP, a start line) fixes the scanner's
// whole state: the date, and the time of day the next line is compared with.
// So range k starts at its first date line, and range k-1 reads on past its
// end up to that same line; every line is read by exactly one scanner, in
// the state the one serial scan would have had. Lines before a range's first
// date line belong to the range before it, so a log with few date lines just
// gives the earlier ranges more to do.

// parallelMinSize is the size from which a log is split; below it one core
// is quicker. Each range meets every identity anew and a range that sees
// the month is read twice, so on two cores the split pays only when much
// of what is read lies before the month: measured (issue 15), 117 MB of
// 38 days, the month most of it, read split took 195 ms and whole 160 ms;
// the 175 MB window of a 3.3-year log (the month its last 52 MB) 250 ms
// split and 360 ms whole. A variable so tests can split small logs.
var parallelMinSize int64 = 128 << 20

// maxRanges bounds the split: the scan is CPU-bound, one range a core.
const maxRanges = 8

// scanParallel scans f (size bytes) into b, in ranges when that helps. It
// returns the merged stats, already added to b.
//
// Open checkouts are not fixed by a date line, so each range also keeps
// what it closed that it never saw open (see checkouts): composing the
// ranges in order gives the serial scan's open checkouts exactly, and each
// range's true starting state. The peaks of a range that saw the month
// depend on that state, so such a range is scanned a second time from it
// when it was not empty; ranges outside the month (most of a long log) are
// read once.
func (b *Builder) scanParallel(f io.ReaderAt, size int64, loc *time.Location) (LogStats, error) {
	return b.scanFrom(f, 0, size, loc)
}

// scanFrom is scanParallel for the lines from start, a date line (a
// window's start, FindRestartBefore) or 0.
func (b *Builder) scanFrom(f io.ReaderAt, start, size int64, loc *time.Location) (LogStats, error) {
	n := min(runtime.GOMAXPROCS(0), maxRanges)
	if size-start < parallelMinSize || n < 2 {
		var stats LogStats
		var err error
		if start == 0 {
			stats, err = scanLog(io.NewSectionReader(f, 0, size), loc, builderOps, b)
		} else {
			stats, err = scanRange(f, size, start, size, loc, b)
		}
		b.AddStats(stats)
		return stats, err
	}
	type result struct {
		b     *Builder
		stats LogStats
		err   error
		from  int64
		to    int64
		start openSet  // the true state before the range
		again *Builder // the range scanned again from start, for its peaks
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for k := range n {
		from, to := start+(size-start)*int64(k)/int64(n), start+(size-start)*int64(k+1)/int64(n)
		results[k].from, results[k].to = from, to
		if from == to {
			results[k].b = b.fresh() // nothing starts here
			continue
		}
		wg.Go(func() {
			rb := b.fresh()
			stats, err := scanRange(f, size, from, to, loc, rb)
			results[k].b, results[k].stats, results[k].err = rb, stats, err
		})
	}
	wg.Wait()
	var total LogStats
	var firstErr error
	for k := range results {
		r := &results[k]
		r.start = b.cloneCheckouts()
		b.merge(r.b)
		b.AddStats(r.stats)
		total.Lines += r.stats.Lines
		total.Undated += r.stats.Undated
		total.Skipped += r.stats.Skipped
		total.Malformed += r.stats.Malformed
		total.Restarts += r.stats.Restarts
		total.bad = total.bad.then(r.stats.bad)
		if r.stats.Version != "" {
			total.Version, total.Started = r.stats.Version, r.stats.Started
		}
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
	}
	for k := range results {
		r := &results[k]
		if !r.b.levelsInMonth || r.start.empty() {
			continue
		}
		again := b.fresh()
		again.startFrom(b, &r.start) // before the goroutines: it reads b
		wg.Go(func() {
			scanRange(f, size, r.from, r.to, loc, again)
			r.again = again
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.again != nil {
			b.mergePeaks(r.again)
		} else {
			b.mergePeaks(r.b)
		}
	}
	return total, firstErr
}

// fresh is an empty Builder counting as b does.
func (b *Builder) fresh() *Builder {
	o := NewBuilder(b.month)
	o.KeepDomains, o.until, o.cutoffSec = b.KeepDomains, b.until, b.cutoffSec
	return o
}

// scanRange scans the lines of f that belong to the range [from, to): from
// its first date line (from the very start for the range at 0) up to the
// first date line that starts at or after to.
func scanRange(f io.ReaderAt, size, from, to int64, loc *time.Location, sink eventSink) (LogStats, error) {
	first := from == 0
	s := logScanner{loc: loc, want: builderOps, sink: sink, cutoff: sink.cutoff(), base: from}
	defer sink.flush()
	lr := newLineReader(io.NewSectionReader(f, from, size-from))
	if !first {
		lr.mid = true
		// A range that starts inside a line leaves that line to the range
		// before it.
		var prev [1]byte
		if _, err := f.ReadAt(prev[:], from-1); err != nil {
			return s.stats, err
		}
		if prev[0] != '\n' {
			if _, _, err := lr.next(); err != nil {
				return s.stats, ignoreEOF(err)
			}
		}
	}
	started := first
	for {
		line, long, err := lr.next()
		if err == io.EOF {
			return s.stats, nil
		}
		// take, but the range needs to know each date line before it is
		// taken, and a checkout line is never one: the quick path reads it
		// once, and only the others are classified.
		switch {
		case long:
			if started {
				s.stats.Lines++
				s.skipped(lr.n)
			}
		case line != nil || err == nil:
			if op, tod, feature, identity, ok := s.quick.checkout(line); ok {
				if started {
					s.stats.Lines++
					s.checkout(op, tod, feature, identity, lr.n)
				}
				break
			}
			c, ok := classify(line)
			if ok && c.dated {
				if from+lr.start >= to {
					return s.stats, nil // the next range's first line
				}
				started = true
			}
			if started {
				s.stats.Lines++
				s.classified(c, ok, lr.n)
			}
		}
		if err != nil {
			return s.stats, err
		}
	}
}

func ignoreEOF(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// merge adds what o counted to b, all but the peaks (see mergePeaks). o
// read a later part of the input, so an identity's spelling stays b's when b
// has one.
func (b *Builder) merge(o *Builder) {
	remap := make([]int32, len(o.featNames))
	var features []int32
	for i, name := range o.featNames {
		remap[i] = b.featureIndex(name)
	}
	b.denied += o.denied
	b.unsupported += o.unsupported
	b.udadmin = b.udadmin || o.udadmin
	if o.logsFrom != 0 && (b.logsFrom == 0 || o.logsFrom < b.logsFrom) {
		b.logsFrom = o.logsFrom
	}
	for k, n := range o.connections {
		b.connections[k] += n
	}
	for i := range o.tallies.n {
		ot := o.tallies.at(i)
		var t *tally
		if j, added := b.folds.intern(ot.folded); added {
			t = b.newTally(ot.folded, ot.name)
			t.named = ot.named
		} else if t = b.tallies.at(j); !t.named && ot.named {
			t.name, t.named = ot.name, true
		}
		t.device = t.device || ot.device
		for _, l := range ot.appendLeases(nil) {
			t.lease(remap[l.feature], l.last, l.assigned)
		}
		if !ot.used {
			continue
		}
		if !t.used {
			t.used, t.first, t.last = true, ot.first, ot.last
		} else {
			t.first, t.last = min(t.first, ot.first), max(t.last, ot.last)
		}
		t.days |= ot.days
		features = ot.appendFeatures(features[:0])
		for _, fi := range features {
			t.addFeature(remap[fi])
		}
		for _, h := range ot.hostList() {
			t.addHost(h)
		}
	}
	b.compose(o)
}
