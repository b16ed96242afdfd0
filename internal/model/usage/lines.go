package usage

import (
	"bytes"
	"io"
)

// MaxLineLen is the longest line the readers look at. Longer lines are
// skipped and counted: a corrupt log (a crash that wrote NULs, a binary
// dumped into the log folder) must not stop the scan or grow memory.
const MaxLineLen = 64 << 10

// readBufSize is larger than MaxLineLen so that most reads are big ones; the
// length check below enforces MaxLineLen independently of it.
const readBufSize = 256 << 10

var utf8BOM = []byte("\xEF\xBB\xBF")

// lineReader hands out lines as slices into its buffer (valid until the next
// call), so reading a line costs no allocation. It is bufio.Reader's
// ReadSlice cut down to what a log scan needs: one search for the newline
// per line and nothing else, since every checkout line of a log pays for it.
type lineReader struct {
	r        io.Reader
	buf      []byte // longer than MaxLineLen, so a line that fits is in it whole
	pos, end int    // buf[pos:end] is read and not yet handed out
	rerr     error  // the last read's error, handed out once the buffer is drained
	n        int    // lines read so far, the current one included
	start    int64  // offset of the current line's first byte
	off      int64  // bytes read so far, the current line included
	mid      bool   // reading starts mid-file: no BOM to strip
}

func newLineReader(r io.Reader) *lineReader { return newLineReaderSize(r, readBufSize) }

// newLineReaderSize reads through a buffer of size bytes, more than
// MaxLineLen.
func newLineReaderSize(r io.Reader, size int) *lineReader {
	return &lineReader{r: r, buf: make([]byte, max(size, MaxLineLen+4<<10))}
}

// reset makes lr read r from its start, keeping the buffer.
func (lr *lineReader) reset(r io.Reader) {
	*lr = lineReader{r: r, buf: lr.buf}
}

// next returns the next line without its LF or CRLF ending. long reports a
// line over MaxLineLen, whose bytes are dropped (line is nil). At the end of
// input next returns io.EOF; any other error comes from the underlying reader.
func (lr *lineReader) next() (line []byte, long bool, err error) {
	lr.start = lr.off
	searched := 0 // of buf[pos:end], bytes known to hold no newline
	for {
		if i := bytes.IndexByte(lr.buf[lr.pos+searched:lr.end], '\n'); i >= 0 {
			line = lr.buf[lr.pos : lr.pos+searched+i+1]
			lr.pos += searched + i + 1
			break
		}
		searched = lr.end - lr.pos
		if searched > MaxLineLen+1 {
			// Too long even if its last byte is a CRLF's CR.
			return lr.drain()
		}
		if lr.rerr != nil {
			if searched == 0 {
				return nil, false, lr.rerr
			}
			// A last line without a newline is still a line.
			line, lr.pos = lr.buf[lr.pos:lr.end], lr.end
			if err = lr.rerr; err == io.EOF {
				err = nil
			}
			break
		}
		lr.fill()
	}
	lr.off += int64(len(line))
	lr.n++
	line = trimEOL(line)
	if lr.n == 1 && !lr.mid {
		line = bytes.TrimPrefix(line, utf8BOM)
	}
	if len(line) > MaxLineLen {
		return nil, true, err
	}
	return line, false, err
}

// drain drops the rest of an over-long line, up to and including its
// newline.
func (lr *lineReader) drain() (line []byte, long bool, err error) {
	for {
		if i := bytes.IndexByte(lr.buf[lr.pos:lr.end], '\n'); i >= 0 {
			lr.off += int64(i + 1)
			lr.pos += i + 1
			lr.n++
			return nil, true, nil
		}
		lr.off += int64(lr.end - lr.pos)
		lr.pos = lr.end
		if lr.rerr != nil {
			lr.n++
			if err = lr.rerr; err == io.EOF {
				err = nil // the long line was the last one; EOF comes next call
			}
			return nil, true, err
		}
		lr.fill()
	}
}

// fill moves what is unread to the front of the buffer and reads after it,
// until a read returns something or fails (a reader that keeps returning
// nothing fails with io.ErrNoProgress, as bufio does).
func (lr *lineReader) fill() {
	if lr.pos > 0 {
		lr.end = copy(lr.buf, lr.buf[lr.pos:lr.end])
		lr.pos = 0
	}
	for empty := 0; lr.end < len(lr.buf) && lr.rerr == nil; empty++ {
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		lr.rerr = err
		if n > 0 {
			return
		}
		if empty == 100 {
			lr.rerr = io.ErrNoProgress
		}
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func skipBlanks(b []byte) []byte {
	i := 0
	for i < len(b) && isBlank(b[i]) {
		i++
	}
	return b[i:]
}

// cutToken splits b at the first blank: the token and what follows it.
func cutToken(b []byte) (tok, rest []byte) {
	// Two vectorised searches beat a byte loop on every checkout line.
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		i = len(b)
	}
	if j := bytes.IndexByte(b[:i], '\t'); j >= 0 {
		i = j
	}
	return b[:i], b[i:]
}
