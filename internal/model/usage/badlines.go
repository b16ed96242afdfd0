package usage

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
)

// maxBadLines is how many malformed or over-long lines of one log are
// listed one by one. A corrupt log (a crash that wrote NULs, a binary
// named .log) can have millions: past the first few, a list says nothing
// more and would cost memory and screen in proportion to the damage.
const maxBadLines = 10

// badLine is a malformed checkout line or an over-long line, where a scan
// counted it.
type badLine struct {
	// n is the line's number counted from base, the offset the scan's
	// reader started at (the line holding base is 1): a range of the split
	// scan and a windowed scan start mid-file and do not know how many
	// lines come before them, and working that out costs a read of all of
	// them, which only a log with problems should pay.
	n    int
	base int64
	op   Op   // the checkout's op; 0 for an over-long line
	why  byte // for a malformed line: badFeature or badIdentity
}

const (
	badFeature  = 'f' // no feature
	badQuote    = 'q' // the feature's opening quote is not closed
	badIdentity = 'i' // a feature but no user@host after it
)

// malformedWhy says what parseCheckout missed in msg, given the feature it
// read.
func malformedWhy(msg, feature []byte) byte {
	switch msg = skipBlanks(msg); {
	case len(msg) > 0 && msg[0] == '"' && bytes.IndexByte(msg[1:], '"') < 0:
		return badQuote
	case len(feature) == 0:
		return badFeature
	}
	return badIdentity
}

// badLines is what a scan keeps of the lines it could not read: the first
// maxBadLines in file order and a count of the rest, so memory and time
// stay bounded whatever the log holds.
type badLines struct {
	list []badLine
	more int
}

func (b *badLines) add(l badLine) {
	if len(b.list) < maxBadLines {
		b.list = append(b.list, l)
		return
	}
	b.more++
}

// then returns b followed by o, a later part of the same log; either may be
// nil.
func (b *badLines) then(o *badLines) *badLines {
	switch {
	case o == nil:
		return b
	case b == nil:
		return o
	}
	out := &badLines{list: b.list[:len(b.list):len(b.list)], more: b.more}
	for _, l := range o.list {
		out.add(l)
	}
	out.more += o.more
	return out
}

// noteBad records a line the scanner counted in Skipped or Malformed. It is
// called only on those branches: a clean log never gets here.
func (s *logScanner) noteBad(n int, op Op, why byte) {
	if s.stats.bad == nil {
		s.stats.bad = &badLines{}
	}
	s.stats.bad.add(badLine{n: n, base: s.base, op: op, why: why})
}

// lineErrors turns a log's bad lines into Read's problems: a *LineError
// naming path and the physical line (the number an editor shows) for each
// listed one, then one for the rest, with Line 0. f is the log, read again up
// to the last listed line's base only when a line was found mid-file.
func (b *badLines) lineErrors(f io.ReaderAt, path string) ([]error, error) {
	if b == nil {
		return nil, nil
	}
	var bases []int64
	for _, l := range b.list {
		if l.base > 0 && (len(bases) == 0 || bases[len(bases)-1] != l.base) {
			bases = append(bases, l.base)
		}
	}
	before, err := linesBefore(f, bases)
	if err != nil {
		return nil, err
	}
	errs := make([]error, 0, len(b.list)+1)
	for _, l := range b.list {
		var why error
		switch {
		case l.op == 0:
			why = fmt.Errorf("line longer than %d bytes, skipped", MaxLineLen)
		case l.why == badQuote:
			why = fmt.Errorf("malformed %s line: the feature's closing quote is missing, skipped", l.op)
		case l.why == badFeature:
			why = fmt.Errorf("malformed %s line: no feature name, skipped", l.op)
		default:
			why = fmt.Errorf("malformed %s line: no user@host after the feature, skipped", l.op)
		}
		errs = append(errs, &LineError{Source: path, Line: before[l.base] + l.n, Err: why})
	}
	if b.more > 0 {
		errs = append(errs, &LineError{Source: path, Err: fmt.Errorf("%d more malformed or over-long lines, not listed", b.more)})
	}
	return errs, nil
}

// linesBefore counts the newlines before each of the offsets (ascending)
// in one pass over f.
func linesBefore(f io.ReaderAt, offsets []int64) (map[int64]int, error) {
	out := map[int64]int{0: 0}
	if len(offsets) == 0 {
		return out, nil
	}
	buf := make([]byte, 256<<10)
	var off int64
	lines := 0
	for _, end := range offsets {
		for off < end {
			n, err := f.ReadAt(buf[:min(int64(len(buf)), end-off)], off)
			lines += bytes.Count(buf[:n], []byte{'\n'})
			off += int64(n)
			if off < end && (err != nil || n == 0) {
				return nil, cmp.Or(err, io.ErrNoProgress)
			}
		}
		out[end] = lines
	}
	return out, nil
}
