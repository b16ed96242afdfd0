package usage

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// wantLines is what lineReader must hand out for data: its lines split at
// LF, without LF or CRLF, the first one's BOM dropped, and those over
// MaxLineLen reported long (nil).
func wantLines(data []byte) (lines [][]byte, long []bool) {
	for i, part := range bytes.SplitAfter(data, []byte("\n")) {
		if len(part) == 0 {
			continue
		}
		line := trimEOL(part)
		if i == 0 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if len(line) > MaxLineLen {
			lines, long = append(lines, nil), append(long, true)
			continue
		}
		lines, long = append(lines, line), append(long, false)
	}
	return lines, long
}

// The line reader splits like a plain split, whatever sizes the reads come
// in, with lines at and around MaxLineLen and its buffer's size, and keeps
// the offsets of every line.
func TestLineReaderSplitsLikeSplit(t *testing.T) {
	var data bytes.Buffer
	data.WriteString("\xEF\xBB\xBFfirst line\r\n\n")
	for _, n := range []int{MaxLineLen - 1, MaxLineLen, MaxLineLen + 1, MaxLineLen + 4<<10, 300 << 10, 5} {
		data.WriteString(strings.Repeat("x", n))
		data.WriteString("\r\n")
	}
	data.WriteString(" 9:00:00 (C) OUT: \"F\" u@h\nlast line without a newline")
	wantL, wantLong := wantLines(data.Bytes())
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(data.Bytes()) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data.Bytes())) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(data.Bytes())) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data.Bytes())) },
	}
	for name, open := range readers {
		for _, size := range []int{0, readBufSize} {
			lr := newLineReaderSize(open(), size)
			var off int64
			for i := 0; ; i++ {
				line, long, err := lr.next()
				if err == io.EOF {
					if i != len(wantL) {
						t.Fatalf("%s/%d: %d lines, want %d", name, size, i, len(wantL))
					}
					break
				}
				if err != nil || i >= len(wantL) || long != wantLong[i] || !bytes.Equal(line, wantL[i]) || lr.n != i+1 {
					t.Fatalf("%s/%d: line %d: %.20q long %v err %v n %d, want %.20q long %v", name, size, i+1, line, long, err, lr.n, wantL[i], wantLong[i])
				}
				if lr.start != off || lr.off <= off {
					t.Fatalf("%s/%d: line %d at %d..%d, want from %d", name, size, i+1, lr.start, lr.off, off)
				}
				off = lr.off
			}
			if off != int64(data.Len()) {
				t.Errorf("%s/%d: read %d bytes of %d", name, size, off, data.Len())
			}
		}
	}
}

// A read error is handed out with the line it cut, then again; a reader
// that returns nothing forever is an error, not a hang.
func TestLineReaderErrors(t *testing.T) {
	boom := errors.New("disk gone")
	lr := newLineReader(io.MultiReader(strings.NewReader("one\ntw"), iotest.ErrReader(boom)))
	if line, _, err := lr.next(); string(line) != "one" || err != nil {
		t.Fatalf("first line %q, %v", line, err)
	}
	if line, _, err := lr.next(); string(line) != "tw" || !errors.Is(err, boom) {
		t.Fatalf("cut line %q, %v; want \"tw\" and the read error", line, err)
	}
	if line, _, err := lr.next(); line != nil || !errors.Is(err, boom) {
		t.Fatalf("after the error %q, %v", line, err)
	}
	if _, _, err := newLineReader(emptyReader{}).next(); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("a reader that returns nothing: %v, want io.ErrNoProgress", err)
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }
