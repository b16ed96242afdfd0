package usage

import (
	"bufio"
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
// call), so reading a line costs no allocation.
type lineReader struct {
	br    *bufio.Reader
	n     int   // lines read so far, the current one included
	start int64 // offset of the current line's first byte
	off   int64 // bytes read so far, the current line included
	mid   bool  // reading starts mid-file: no BOM to strip
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, readBufSize)}
}

// next returns the next line without its LF or CRLF ending. long reports a
// line over MaxLineLen, whose bytes are dropped (line is nil). At the end of
// input next returns io.EOF; any other error comes from the underlying reader.
func (lr *lineReader) next() (line []byte, long bool, err error) {
	lr.start = lr.off
	line, err = lr.br.ReadSlice('\n')
	lr.off += int64(len(line))
	// bufio returns its sentinel as is: a comparison, not errors.Is, on
	// every line.
	if err == bufio.ErrBufferFull {
		// Drain the rest of the over-long line without keeping it.
		for err == bufio.ErrBufferFull {
			line, err = lr.br.ReadSlice('\n')
			lr.off += int64(len(line))
		}
		lr.n++
		if err == io.EOF {
			err = nil // the long line was the last one; EOF comes next call
		}
		return nil, true, err
	}
	if len(line) == 0 && err != nil {
		return nil, false, err
	}
	if err == io.EOF {
		err = nil // a last line without a newline is still a line
	}
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
