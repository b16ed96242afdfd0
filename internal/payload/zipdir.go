package payload

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
)

// The central directory, read with encoding/binary. archiver (through
// klauspost/compress/zip) would build an object per entry before anyone
// could count them and does not expose where entries lie, so this scan
// comes first: it mirrors that reader's way of finding the directory, stops
// counting at the cap, and reads every local header to find overlapping
// entries (the trick behind non-recursive zip bombs).

const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigEnd        = 0x06054b50
	sigEnd64Loc   = 0x07064b50
	sigEnd64      = 0x06064b50
	sigDescriptor = 0x08074b50
	lenLocal      = 30
	lenCentral    = 46
	lenEnd        = 22
	lenEnd64Loc   = 20
	lenEnd64      = 56
	zip64ExtraID  = 0x0001
)

type directory struct {
	start   int64 // where the central directory starts
	entries []cdEntry
}

type cdEntry struct {
	name         string
	creator      uint16
	flags        uint16
	method       uint16
	extAttrs     uint32
	csize, usize uint64
	offset       int64 // local header, absolute
	zip64        bool
	end          int64 // past the data (and data descriptor)
}

type fileType int

const (
	typeRegular fileType = iota
	typeDir
	typeSymlink
	typeSpecial
)

// fileType reads the Unix mode that Unix and macOS zip tools keep in the
// high half of the external attributes.
func (d cdEntry) fileType() fileType {
	if host := d.creator >> 8; host != 3 && host != 19 {
		return typeRegular
	}
	switch (d.extAttrs >> 16) & 0xf000 {
	case 0, 0x8000:
		return typeRegular
	case 0x4000:
		return typeDir
	case 0xa000:
		return typeSymlink
	}
	return typeSpecial
}

// scanDirectory finds and checks the central directory. It returns nil
// after recording why when the zip cannot or must not be read further.
func scanDirectory(ctx context.Context, r io.ReaderAt, size int64, lim Limits, rep *Report) *directory {
	end, err := readEnd(r, size)
	if err != nil {
		rep.problem("not a zip file, or truncated: %v", err)
		return nil
	}
	if end.records > uint64(lim.MaxEntries) {
		rep.problem("%d entries, over the cap of %d", end.records, lim.MaxEntries)
		return nil
	}
	dir := &directory{start: end.base + int64(end.dirOffset)}
	rs := io.NewSectionReader(r, 0, size)
	if _, err := rs.Seek(dir.start, io.SeekStart); err != nil {
		rep.problem("central directory: %v", err)
		return nil
	}
	br := bufio.NewReader(rs)
	for {
		if len(dir.entries)%1024 == 0 && ctx.Err() != nil {
			rep.problem("inspection stopped: %v", ctx.Err())
			return nil
		}
		d, err := readCentral(br)
		if errors.Is(err, errEndOfDirectory) {
			break
		}
		if err != nil {
			rep.problem("central directory: %v", err)
			return nil
		}
		if len(dir.entries) == lim.MaxEntries {
			rep.problem("more than %d entries (the end record claims %d)", lim.MaxEntries, end.records)
			return nil
		}
		d.offset += end.base
		dir.entries = append(dir.entries, d)
	}
	if uint64(len(dir.entries)) != end.records {
		rep.problem("the central directory holds %d entries but its end record says %d", len(dir.entries), end.records)
		return nil
	}
	if !checkLayout(ctx, r, size, dir, rep) {
		return nil
	}
	return dir
}

type endRecord struct {
	records   uint64
	dirSize   uint64
	dirOffset uint64
	base      int64
}

var errEndOfDirectory = errors.New("end of central directory")

// readEnd mirrors klauspost/compress/zip's readDirectoryEnd, so that both
// see the same directory.
func readEnd(r io.ReaderAt, size int64) (*endRecord, error) {
	var buf []byte
	var at int64
	found := false
	for i, n := range []int64{1024, 65 * 1024} {
		n = min(n, size)
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return nil, err
		}
		if p := findEnd(buf); p >= 0 {
			buf, at, found = buf[p:], size-n+int64(p), true
			break
		}
		if i == 1 || n == size {
			break
		}
	}
	if !found {
		return nil, errors.New("no end of central directory record")
	}
	le := binary.LittleEndian
	e := &endRecord{
		records:   uint64(le.Uint16(buf[10:])),
		dirSize:   uint64(le.Uint32(buf[12:])),
		dirOffset: uint64(le.Uint32(buf[16:])),
	}
	if e.records == 0xffff || e.dirSize == 0xffff || e.dirOffset == 0xffffffff {
		if loc := at - lenEnd64Loc; loc >= 0 {
			var lb [lenEnd64Loc]byte
			if _, err := r.ReadAt(lb[:], loc); err != nil {
				return nil, err
			}
			if le.Uint32(lb[0:]) == sigEnd64Loc && le.Uint32(lb[4:]) == 0 && le.Uint32(lb[16:]) == 1 {
				p := le.Uint64(lb[8:])
				if p > math.MaxInt64 {
					return nil, errors.New("zip64 end record offset out of range")
				}
				var eb [lenEnd64]byte
				if _, err := r.ReadAt(eb[:], int64(p)); err != nil {
					return nil, fmt.Errorf("zip64 end record: %w", err)
				}
				if le.Uint32(eb[0:]) != sigEnd64 {
					return nil, errors.New("bad zip64 end record")
				}
				at = int64(p)
				e.records = le.Uint64(eb[32:])
				e.dirSize = le.Uint64(eb[40:])
				e.dirOffset = le.Uint64(eb[48:])
			}
		}
	}
	if e.dirSize > math.MaxInt64 || e.dirOffset > math.MaxInt64 {
		return nil, errors.New("central directory out of range")
	}
	e.base = at - int64(e.dirSize) - int64(e.dirOffset)
	if o := e.base + int64(e.dirOffset); o < 0 || o >= size {
		return nil, errors.New("central directory outside the file")
	}
	if e.base > 0 {
		// As the reader does: a directory that is where the end record
		// says, without the prefix, wins.
		off := int64(e.dirOffset)
		if _, err := readCentral(bufio.NewReader(io.NewSectionReader(r, off, size-off))); err == nil {
			e.base = 0
		}
	}
	return e, nil
}

func findEnd(b []byte) int {
	for i := len(b) - lenEnd; i >= 0; i-- {
		if b[i] == 'P' && b[i+1] == 'K' && b[i+2] == 0x05 && b[i+3] == 0x06 {
			n := int(b[i+lenEnd-2]) | int(b[i+lenEnd-1])<<8
			if n+lenEnd+i > len(b) {
				return -1
			}
			return i
		}
	}
	return -1
}

// readCentral reads one central directory header. errEndOfDirectory is
// returned where the reader would stop: a short read, another signature,
// or zip64 sizes it cannot find.
func readCentral(r io.Reader) (cdEntry, error) {
	var d cdEntry
	var b [lenCentral]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return d, errEndOfDirectory
		}
		return d, err
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != sigCentral {
		return d, errEndOfDirectory
	}
	d.creator = le.Uint16(b[4:])
	d.flags = le.Uint16(b[8:])
	d.method = le.Uint16(b[10:])
	csize := le.Uint32(b[20:])
	usize := le.Uint32(b[24:])
	nameLen, extraLen, commentLen := int(le.Uint16(b[28:])), int(le.Uint16(b[30:])), int(le.Uint16(b[32:]))
	d.extAttrs = le.Uint32(b[38:])
	offset := le.Uint32(b[42:])
	rest := make([]byte, nameLen+extraLen+commentLen)
	if _, err := io.ReadFull(r, rest); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return d, errEndOfDirectory
		}
		return d, err
	}
	d.name = string(rest[:nameLen])
	d.csize, d.usize, d.offset = uint64(csize), uint64(usize), int64(offset)
	needU, needC, needO := usize == math.MaxUint32, csize == math.MaxUint32, offset == math.MaxUint32
	extra := rest[nameLen : nameLen+extraLen]
	for len(extra) >= 4 {
		tag, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		extra = extra[4:]
		if len(extra) < n {
			break
		}
		field := extra[:n]
		extra = extra[n:]
		if tag != zip64ExtraID {
			continue
		}
		d.zip64 = true
		for _, need := range []*bool{&needU, &needC, &needO} {
			if !*need {
				continue
			}
			*need = false
			if len(field) < 8 {
				return d, errEndOfDirectory
			}
			v := le.Uint64(field)
			field = field[8:]
			switch need {
			case &needU:
				d.usize = v
			case &needC:
				d.csize = v
			case &needO:
				if v > math.MaxInt64 {
					return d, errEndOfDirectory
				}
				d.offset = int64(v)
			}
		}
	}
	if needC || needO {
		return d, errEndOfDirectory
	}
	return d, nil
}

// checkLayout reads every entry's local header and checks that each entry
// lies inside the file, before the central directory, overlapping no
// other, under the name the directory gives it.
func checkLayout(ctx context.Context, r io.ReaderAt, size int64, dir *directory, rep *Report) bool {
	le := binary.LittleEndian
	ok := true
	bad := func(i int, format string, args ...any) {
		rep.problem("entry %s: %s", quoted(dir.entries[i].name), fmt.Sprintf(format, args...))
		ok = false
	}
	// Local headers lie in zip order, a few hundred bytes apart in a
	// payload: reading them through one window costs a read of the file
	// per window, not three per entry.
	win := &windowReader{r: r, buf: make([]byte, min(256<<10, size))}
	var local []byte
	for i := range dir.entries {
		if i%1024 == 0 && ctx.Err() != nil {
			rep.problem("inspection stopped: %v", ctx.Err())
			return false
		}
		d := &dir.entries[i]
		if d.offset < 0 || d.offset > size-lenLocal {
			bad(i, "local header outside the file")
			continue
		}
		// The header and the name the central directory expects there.
		n := min(int64(lenLocal+len(d.name)), size-d.offset)
		local = slices.Grow(local[:0], int(n))[:n]
		if _, err := win.ReadAt(local, d.offset); err != nil {
			bad(i, "local header: %v", err)
			continue
		}
		hdr := local[:lenLocal]
		if le.Uint32(hdr[0:]) != sigLocal {
			bad(i, "no local header where the central directory points")
			continue
		}
		nameLen, extraLen := int64(le.Uint16(hdr[26:])), int64(le.Uint16(hdr[28:]))
		dataStart := d.offset + lenLocal + nameLen + extraLen
		if dataStart > size {
			bad(i, "local header runs past the end of the file")
			continue
		}
		if nameLen != int64(len(d.name)) || string(local[lenLocal:]) != d.name {
			name := make([]byte, nameLen)
			if _, err := win.ReadAt(name, d.offset+lenLocal); err != nil {
				bad(i, "local header: %v", err)
				continue
			}
			bad(i, "local header names it %s", quoted(string(name)))
		}
		if d.csize > uint64(size-dataStart) {
			bad(i, "data runs past the end of the file (truncated?)")
			continue
		}
		d.end = dataStart + int64(d.csize)
		if d.flags&0x8 != 0 {
			n := int64(12)
			if d.zip64 {
				n = 20
			}
			var sig [4]byte
			if _, err := win.ReadAt(sig[:], d.end); err == nil && le.Uint32(sig[:]) == sigDescriptor {
				n += 4
			}
			d.end += n
		}
		if d.end > dir.start {
			bad(i, "data runs into the central directory")
		}
	}
	// Entries whose span is unknown (end 0) cannot overlap anything here;
	// they are already problems.
	var order []int
	for i, d := range dir.entries {
		if d.end > 0 {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(a, b int) bool { return dir.entries[order[a]].offset < dir.entries[order[b]].offset })
	for k := 1; k < len(order); k++ {
		prev, cur := dir.entries[order[k-1]], dir.entries[order[k]]
		if cur.offset < prev.end {
			rep.problem("entries %s and %s overlap (a zip bomb or a crafted zip)", quoted(prev.name), quoted(cur.name))
			ok = false
		}
	}
	return ok
}

// windowReader serves reads at nearby offsets from one buffered window of
// r, refilled where a read falls outside it.
type windowReader struct {
	r   io.ReaderAt
	buf []byte
	off int64 // where buf[:n] lies in r
	n   int
}

func (w *windowReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= w.off && off+int64(len(p)) <= w.off+int64(w.n) {
		return copy(p, w.buf[off-w.off:w.n]), nil
	}
	if len(p) > len(w.buf) {
		return w.r.ReadAt(p, off)
	}
	n, err := w.r.ReadAt(w.buf, off)
	w.off, w.n = off, n
	if n >= len(p) {
		return copy(p, w.buf[:n]), nil
	}
	copy(p, w.buf[:n])
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}
