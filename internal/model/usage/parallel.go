package usage

import (
	"io"
	"runtime"
	"slices"
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
// is quicker than starting others. A variable so tests can split small logs.
var parallelMinSize int64 = 16 << 20

// maxRanges bounds the split: the scan is CPU-bound, one range a core.
const maxRanges = 8

// scanParallel scans f (size bytes) into b, in ranges when that helps. It
// returns the merged stats, already added to b.
func (b *Builder) scanParallel(f io.ReaderAt, size int64, loc *time.Location) (LogStats, error) {
	n := min(runtime.GOMAXPROCS(0), maxRanges)
	if size < parallelMinSize || n < 2 {
		stats, err := scanLog(io.NewSectionReader(f, 0, size), loc, opMask(Out, Denied), b)
		b.AddStats(stats)
		return stats, err
	}
	type result struct {
		b     *Builder
		stats LogStats
		err   error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for k := range n {
		from, to := size*int64(k)/int64(n), size*int64(k+1)/int64(n)
		if from == to {
			results[k] = result{b: NewBuilder(b.month)} // nothing starts here
			continue
		}
		wg.Go(func() {
			rb := NewBuilder(b.month)
			stats, err := scanRange(f, size, from, to, loc, rb)
			results[k] = result{rb, stats, err}
		})
	}
	wg.Wait()
	var total LogStats
	var firstErr error
	for _, r := range results {
		b.merge(r.b)
		b.AddStats(r.stats)
		total.Lines += r.stats.Lines
		total.Undated += r.stats.Undated
		total.Skipped += r.stats.Skipped
		total.Malformed += r.stats.Malformed
		if r.stats.Version != "" {
			total.Version, total.Started = r.stats.Version, r.stats.Started
		}
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
	}
	return total, firstErr
}

// scanRange scans the lines of f that belong to the range [from, to): from
// its first date line (from the very start for the range at 0) up to the
// first date line that starts at or after to.
func scanRange(f io.ReaderAt, size, from, to int64, loc *time.Location, sink eventSink) (LogStats, error) {
	first := from == 0
	s := logScanner{loc: loc, want: opMask(Out, Denied), sink: sink}
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
		if !long && (line != nil || err == nil) {
			c, ok := classify(line)
			if ok && c.dated {
				if from+lr.start >= to {
					return s.stats, nil // the next range's first line
				}
				started = true
			}
		}
		if started {
			if long {
				s.stats.Lines++
				s.stats.Skipped++
			} else if line != nil || err == nil {
				s.stats.Lines++
				s.line(line, lr.n)
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

// merge adds what o counted to b. o read a later part of the input, so an
// identity's spelling stays b's when b has one.
func (b *Builder) merge(o *Builder) {
	remap := make([]int32, len(o.featNames))
	for i, name := range o.featNames {
		remap[i] = b.featureIndex(name)
	}
	b.denied += o.denied
	for folded, ot := range o.byFold {
		t, ok := b.byFold[folded]
		if !ok {
			t = &tally{folded: folded}
			b.byFold[folded] = t
		}
		t.device = t.device || ot.device
		if !ot.used {
			continue
		}
		if !t.used {
			t.used, t.name, t.first, t.last = true, ot.name, ot.first, ot.last
		} else {
			t.first, t.last = min(t.first, ot.first), max(t.last, ot.last)
		}
		t.days |= ot.days
		for _, fi := range ot.features {
			if f := remap[fi]; !slices.Contains(t.features, f) {
				t.features = append(t.features, f)
			}
		}
	}
}
