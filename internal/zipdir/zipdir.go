// Package zipdir reads a zip's structure (its end record, central
// directory and every local header) with encoding/binary, without reading
// any entry's content, and checks that the zip means one thing to every
// reader.
//
// It exists beside archiver (and klauspost/compress/zip beneath it), which
// lsui uses to read content, because that reader answers other questions:
// it builds an object per entry before anyone could count them, and it
// never says where entries lie or whether their local headers agree with
// the directory. A streaming reader (unzip from a pipe, Java's
// ZipInputStream, bsdtar) trusts the local headers and the bytes in file
// order; a directory reader trusts the central directory. A zip crafted so
// the two disagree shows one reader a file the other never saw. Read
// refuses every such zip: entries must tile the file from offset 0 up to
// the central directory, with nothing before, between or after them but
// the directory and its end record, and each local header (and data
// descriptor) must agree with the directory.
//
// The end record is found exactly as klauspost/compress/zip finds it, so
// that whenever Read accepts a zip, that reader lists the same entries
// (a test and a fuzz target hold the two together).
package zipdir

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
	"unicode/utf8"
)

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

	// FlagEncrypted and FlagDescriptor are the general-purpose flag bits
	// that change how an entry is read.
	FlagEncrypted  = 0x1
	FlagDescriptor = 0x8 // sizes and CRC follow the data, in a data descriptor
)

// Limits bound what Read accepts before it builds anything per entry.
type Limits struct {
	// MaxEntries caps the entries. The end record's count is checked
	// first, so a zip claiming a million entries costs nothing.
	MaxEntries int
	// MaxName caps one entry's name in bytes; 0 means 65535 (the most a
	// zip can hold).
	MaxName int
	// MaxDirectory caps the central directory in bytes (names, extra
	// fields and comments included); 0 means no cap beyond the file.
	MaxDirectory int64
}

// Directory is a zip's central directory, checked against the file.
type Directory struct {
	Start   int64 // where the central directory starts
	Size    int64 // its length in bytes
	Entries []Entry
}

// Entry is one central directory record, and where its data lies.
type Entry struct {
	Name             string
	Creator          uint16 // "version made by": the host system is the high byte
	Flags            uint16
	Method           uint16
	CRC32            uint32
	ExternalAttrs    uint32
	CompressedSize   uint64
	UncompressedSize uint64
	HeaderOffset     int64 // the local header, from the start of the file
	DataOffset       int64 // the data, past the local header; 0 when unknown
	End              int64 // past the data and its data descriptor; 0 when unknown
	Zip64            bool  // the record has a zip64 extra field
}

// FileType is what an entry's Unix mode says it is.
type FileType int

const (
	Regular FileType = iota
	Folder
	Symlink
	Special // a device, pipe or socket
)

// Type reads the Unix mode that Unix and macOS zip tools keep in the high
// half of the external attributes; entries from other hosts are regular.
func (e Entry) Type() FileType {
	if host := e.Creator >> 8; host != 3 && host != 19 {
		return Regular
	}
	switch (e.ExternalAttrs >> 16) & 0xf000 {
	case 0, 0x8000:
		return Regular
	case 0x4000:
		return Folder
	case 0xa000:
		return Symlink
	}
	return Special
}

// Problem is one way an entry, or two entries, make the zip ambiguous or
// unreadable.
type Problem struct {
	Entry int // index in Directory.Entries
	Other int // the other entry of an overlap; -1 otherwise
	Text  string
	names [2]string
}

func (p Problem) Error() string {
	if p.Other >= 0 {
		return fmt.Sprintf("entries %s and %s %s", Quote(p.names[0]), Quote(p.names[1]), p.Text)
	}
	return fmt.Sprintf("entry %s: %s", Quote(p.names[0]), p.Text)
}

// ErrNotZip is wrapped by Read's error when no zip structure is found, or it
// is truncated.
var ErrNotZip = errors.New("not a zip file, or truncated")

// ErrTooManyEntries is wrapped by Read's error when the zip holds more
// entries than Limits.MaxEntries.
var ErrTooManyEntries = errors.New("too many entries")

// Read finds and checks the central directory of the size-byte zip in r.
// An error means the zip as a whole cannot be read (not a zip, over a
// cap, a directory that contradicts its end record, ctx done); then the
// Directory is nil. Otherwise every entry's local header has been read,
// and problems lists what makes entries ambiguous: a caller treating the
// zip as hostile refuses it when there is any.
func Read(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (*Directory, []Problem, error) {
	if size < 0 {
		return nil, nil, fmt.Errorf("%w: negative size", ErrNotZip)
	}
	if lim.MaxName <= 0 {
		lim.MaxName = math.MaxUint16
	}
	end, err := readEnd(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotZip, err)
	}
	if end.trailing != 0 {
		// klauspost's reader takes a zip with anything after the end
		// record; a streaming reader may read what follows as a zip of
		// its own.
		return nil, nil, fmt.Errorf("%d bytes after the end record and its comment (data or a second zip that other readers see)", end.trailing)
	}
	if lim.MaxEntries > 0 && end.records > uint64(lim.MaxEntries) {
		return nil, nil, fmt.Errorf("%w: %d entries, over the cap of %d", ErrTooManyEntries, end.records, lim.MaxEntries)
	}
	if lim.MaxDirectory > 0 && end.dirSize > uint64(lim.MaxDirectory) {
		return nil, nil, fmt.Errorf("the central directory is %d bytes, over the cap of %d", end.dirSize, lim.MaxDirectory)
	}
	dir := &Directory{Start: end.base + int64(end.dirOffset)}
	cr := &countingReader{r: bufio.NewReader(io.NewSectionReader(r, dir.Start, size-dir.Start))}
	for {
		if len(dir.Entries)%1024 == 0 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		at := cr.n
		d, err := readCentral(cr, lim.MaxName)
		if errors.Is(err, errEndOfDirectory) {
			cr.n = at // what was read of a record that is not one is not the directory's
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("central directory: %w", err)
		}
		if lim.MaxEntries > 0 && len(dir.Entries) == lim.MaxEntries {
			return nil, nil, fmt.Errorf("%w: more than %d entries (the end record claims %d)", ErrTooManyEntries, lim.MaxEntries, end.records)
		}
		if lim.MaxDirectory > 0 && cr.n > lim.MaxDirectory {
			return nil, nil, fmt.Errorf("the central directory is over the cap of %d bytes (the end record claims %d)", lim.MaxDirectory, end.dirSize)
		}
		d.HeaderOffset += end.base
		dir.Entries = append(dir.Entries, d)
	}
	if uint64(len(dir.Entries)) != end.records {
		return nil, nil, fmt.Errorf("the central directory holds %d entries but its end record says %d", len(dir.Entries), end.records)
	}
	dir.Size = cr.n
	if uint64(dir.Size) != end.dirSize {
		return nil, nil, fmt.Errorf("the central directory is %d bytes but its end record says %d", dir.Size, end.dirSize)
	}
	if after := dir.Start + dir.Size; after != end.tail {
		// Bytes between the directory and its end record are a place to
		// hide a second directory (or a second zip) for another reader.
		return nil, nil, fmt.Errorf("%d bytes between the central directory and its end record", end.tail-after)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	problems, err := checkLayout(ctx, r, size, dir)
	if err != nil {
		return nil, nil, err
	}
	return dir, problems, nil
}

type endRecord struct {
	records   uint64
	dirSize   uint64
	dirOffset uint64
	base      int64 // how far the zip's offsets are shifted in the file
	tail      int64 // where what follows the directory starts: the zip64 end record, or the end record
	trailing  int64 // bytes after the end record's comment
}

var errEndOfDirectory = errors.New("end of central directory")

// readEnd mirrors klauspost/compress/zip's readDirectoryEnd, so that both
// see the same directory, and then insists that the end record's comment
// runs exactly to the end of the file.
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
		trailing:  size - at - lenEnd - int64(le.Uint16(buf[20:])),
		records:   uint64(le.Uint16(buf[10:])),
		dirSize:   uint64(le.Uint32(buf[12:])),
		dirOffset: uint64(le.Uint32(buf[16:])),
		tail:      at,
	}
	if e.records == 0xffff || e.dirSize == 0xffff || e.dirOffset == 0xffffffff {
		if loc := at - lenEnd64Loc; loc >= 0 {
			var lb [lenEnd64Loc]byte
			if _, err := r.ReadAt(lb[:], loc); err != nil {
				return nil, err
			}
			if le.Uint32(lb[0:]) == sigEnd64Loc && le.Uint32(lb[4:]) == 0 && le.Uint32(lb[16:]) == 1 {
				p := le.Uint64(lb[8:])
				if p > math.MaxInt64 || int64(p) > loc-lenEnd64 {
					return nil, errors.New("zip64 end record offset out of range")
				}
				var eb [lenEnd64]byte
				if _, err := r.ReadAt(eb[:], int64(p)); err != nil {
					return nil, fmt.Errorf("zip64 end record: %w", err)
				}
				if le.Uint32(eb[0:]) != sigEnd64 {
					return nil, errors.New("bad zip64 end record")
				}
				if rest := le.Uint64(eb[4:]); rest > uint64(loc) || int64(p)+12+int64(rest) != loc {
					return nil, errors.New("the zip64 end record does not end where its locator starts")
				}
				at = int64(p)
				e.tail = at
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
		if _, err := readCentral(bufio.NewReader(io.NewSectionReader(r, off, size-off)), math.MaxUint16); err == nil {
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

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readCentral reads one central directory header. errEndOfDirectory is
// returned where klauspost's reader would stop: a short read, another
// signature, or zip64 sizes it cannot find.
func readCentral(r io.Reader, maxName int) (Entry, error) {
	var d Entry
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
	d.Creator = le.Uint16(b[4:])
	d.Flags = le.Uint16(b[8:])
	d.Method = le.Uint16(b[10:])
	d.CRC32 = le.Uint32(b[16:])
	csize := le.Uint32(b[20:])
	usize := le.Uint32(b[24:])
	nameLen, extraLen, commentLen := int(le.Uint16(b[28:])), int(le.Uint16(b[30:])), int(le.Uint16(b[32:]))
	d.ExternalAttrs = le.Uint32(b[38:])
	offset := le.Uint32(b[42:])
	if nameLen > maxName {
		// Refused before it is read: 20,000 names of 64 KiB would cost
		// a gigabyte to hold.
		return d, fmt.Errorf("a name of %d bytes, over the cap of %d", nameLen, maxName)
	}
	rest := make([]byte, nameLen+extraLen+commentLen)
	if _, err := io.ReadFull(r, rest); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return d, errEndOfDirectory
		}
		return d, err
	}
	d.Name = string(rest[:nameLen])
	d.CompressedSize, d.UncompressedSize, d.HeaderOffset = uint64(csize), uint64(usize), int64(offset)
	needU, needC, needO := usize == math.MaxUint32, csize == math.MaxUint32, offset == math.MaxUint32
	extra := rest[nameLen : nameLen+extraLen]
	if field, ok := zip64Extra(extra); ok {
		d.Zip64 = true
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
				d.UncompressedSize = v
			case &needC:
				d.CompressedSize = v
			case &needO:
				if v > math.MaxInt64 {
					return d, errEndOfDirectory
				}
				d.HeaderOffset = int64(v)
			}
		}
	}
	if needC || needO {
		return d, errEndOfDirectory
	}
	return d, nil
}

// checkLayout reads every entry's local header and data descriptor and
// checks that each agrees with the directory, and that the entries tile
// the file from offset 0 to the central directory: no byte before the
// first, between two, or after the last. Only ctx ends it early.
func checkLayout(ctx context.Context, r io.ReaderAt, size int64, dir *Directory) ([]Problem, error) {
	le := binary.LittleEndian
	var problems []Problem
	bad := func(i int, format string, args ...any) {
		problems = append(problems, Problem{Entry: i, Other: -1, Text: fmt.Sprintf(format, args...),
			names: [2]string{dir.Entries[i].Name}})
	}
	// Local headers lie in zip order, a few hundred bytes apart in a
	// payload: reading them through one window costs a read of the file
	// per window, not three per entry.
	win := &windowReader{r: r, buf: make([]byte, min(256<<10, max(size, 1)))}
	var local []byte
	for i := range dir.Entries {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d := &dir.Entries[i]
		if d.HeaderOffset < 0 || d.HeaderOffset > size-lenLocal {
			bad(i, "local header outside the file")
			continue
		}
		var hdr [lenLocal]byte
		if _, err := win.ReadAt(hdr[:], d.HeaderOffset); err != nil {
			bad(i, "local header: %v", err)
			continue
		}
		if le.Uint32(hdr[0:]) != sigLocal {
			bad(i, "no local header where the central directory points")
			continue
		}
		nameLen, extraLen := int64(le.Uint16(hdr[26:])), int64(le.Uint16(hdr[28:]))
		dataStart := d.HeaderOffset + lenLocal + nameLen + extraLen
		if dataStart > size {
			bad(i, "local header runs past the end of the file")
			continue
		}
		local = slices.Grow(local[:0], int(nameLen+extraLen))[:nameLen+extraLen]
		if _, err := win.ReadAt(local, d.HeaderOffset+lenLocal); err != nil {
			bad(i, "local header: %v", err)
			continue
		}
		if string(local[:nameLen]) != d.Name {
			bad(i, "local header names it %s", Quote(string(local[:nameLen])))
		}
		localFlags, localMethod := le.Uint16(hdr[6:]), le.Uint16(hdr[8:])
		if localMethod != d.Method {
			bad(i, "local header says compression method %d, the central directory %d", localMethod, d.Method)
		}
		if mask := uint16(FlagEncrypted | FlagDescriptor); localFlags&mask != d.Flags&mask {
			bad(i, "local header flags %#04x disagree with the central directory's %#04x", localFlags, d.Flags)
		}
		lcrc := le.Uint32(hdr[14:])
		lcsize, lusize := uint64(le.Uint32(hdr[18:])), uint64(le.Uint32(hdr[22:]))
		if lcsize == math.MaxUint32 || lusize == math.MaxUint32 {
			lusize, lcsize = localZip64(local[nameLen:], lusize, lcsize)
		}
		descriptor := d.Flags&FlagDescriptor != 0
		agrees := lcrc == d.CRC32 && lcsize == d.CompressedSize && lusize == d.UncompressedSize
		if descriptor && !agrees {
			// With a data descriptor the local fields may be zero (the
			// writer did not know them yet), but not something else.
			agrees = (lcrc == 0 || lcrc == d.CRC32) &&
				(lcsize == 0 && lusize == 0 || lcsize == d.CompressedSize && lusize == d.UncompressedSize)
		}
		if !agrees {
			bad(i, "local header (CRC %08x, %d bytes compressed, %d bytes) disagrees with the central directory (CRC %08x, %d, %d)",
				lcrc, lcsize, lusize, d.CRC32, d.CompressedSize, d.UncompressedSize)
		}
		if d.CompressedSize > uint64(size-dataStart) {
			bad(i, "data runs past the end of the file (truncated?)")
			continue
		}
		d.DataOffset = dataStart
		d.End = dataStart + int64(d.CompressedSize)
		if descriptor {
			n, text := readDescriptor(win, d)
			if text != "" {
				bad(i, "%s", text)
			}
			d.End += n
		}
		if d.End > dir.Start {
			bad(i, "data runs into the central directory")
		}
	}
	// Entries whose span is unknown (End 0) are already problems.
	var order []int
	for i, d := range dir.Entries {
		if d.End > 0 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		return dir.Entries[order[a]].HeaderOffset < dir.Entries[order[b]].HeaderOffset
	})
	if len(problems) > 0 {
		// A tiling check over entries already found wrong would only
		// repeat them as gaps.
		overlaps(dir, order, &problems)
		return problems, nil
	}
	prevEnd := int64(0)
	for k, i := range order {
		d := dir.Entries[i]
		switch {
		case k > 0 && d.HeaderOffset < prevEnd:
			prev := dir.Entries[order[k-1]]
			problems = append(problems, Problem{Entry: i, Other: order[k-1], Text: "overlap (a zip bomb or a crafted zip)",
				names: [2]string{prev.Name, d.Name}})
		case k == 0 && d.HeaderOffset > 0:
			bad(i, "%d bytes before the first entry (a second zip, or a stub, that streaming readers see)", d.HeaderOffset)
		case d.HeaderOffset > prevEnd:
			bad(i, "%d bytes of gap before it (hidden data that streaming readers see)", d.HeaderOffset-prevEnd)
		}
		prevEnd = max(prevEnd, d.End)
	}
	if len(problems) == 0 && prevEnd != dir.Start {
		if len(order) == 0 {
			return nil, fmt.Errorf("%d bytes before the central directory of a zip with no entries", dir.Start)
		}
		bad(order[len(order)-1], "%d bytes between it and the central directory (hidden data that streaming readers see)", dir.Start-prevEnd)
	}
	return problems, nil
}

// overlaps adds the overlaps among the entries in order.
func overlaps(dir *Directory, order []int, problems *[]Problem) {
	for k := 1; k < len(order); k++ {
		prev, cur := dir.Entries[order[k-1]], dir.Entries[order[k]]
		if cur.HeaderOffset < prev.End {
			*problems = append(*problems, Problem{Entry: order[k], Other: order[k-1],
				Text: "overlap (a zip bomb or a crafted zip)", names: [2]string{prev.Name, cur.Name}})
		}
	}
}

// localZip64 reads the sizes a local header defers to its zip64 extra
// field: uncompressed first, then compressed, each only when its 32-bit
// field is all ones.
func localZip64(extra []byte, usize, csize uint64) (uint64, uint64) {
	le := binary.LittleEndian
	if field, ok := zip64Extra(extra); ok {
		if usize == math.MaxUint32 && len(field) >= 8 {
			usize, field = le.Uint64(field), field[8:]
		}
		if csize == math.MaxUint32 && len(field) >= 8 {
			csize = le.Uint64(field)
		}
	}
	return usize, csize
}

// zip64Extra is the data of the first zip64 field among a header's extra
// fields; the rest are skipped, and a field cut short ends the walk.
func zip64Extra(extra []byte) ([]byte, bool) {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		tag, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		extra = extra[4:]
		if len(extra) < n {
			return nil, false
		}
		if tag == zip64ExtraID {
			return extra[:n], true
		}
		extra = extra[n:]
	}
	return nil, false
}

// readDescriptor reads the data descriptor after d's data and checks it
// against the directory. It returns the descriptor's length, and what is
// wrong with it ("" when nothing).
func readDescriptor(r io.ReaderAt, d *Entry) (int64, string) {
	le := binary.LittleEndian
	var b [24]byte
	n, _ := r.ReadAt(b[:], d.End)
	buf := b[:n]
	var length int64
	if len(buf) >= 4 && le.Uint32(buf) == sigDescriptor {
		buf, length = buf[4:], 4
	}
	sizeLen := 4
	if d.Zip64 {
		sizeLen = 8
	}
	if len(buf) < 4+2*sizeLen {
		return length + int64(4+2*sizeLen), "data descriptor runs past the end of the file"
	}
	crc := le.Uint32(buf)
	var csize, usize uint64
	if d.Zip64 {
		csize, usize = le.Uint64(buf[4:]), le.Uint64(buf[12:])
	} else {
		csize, usize = uint64(le.Uint32(buf[4:])), uint64(le.Uint32(buf[8:]))
	}
	length += int64(4 + 2*sizeLen)
	if crc != d.CRC32 || csize != d.CompressedSize || usize != d.UncompressedSize {
		return length, fmt.Sprintf("data descriptor (CRC %08x, %d bytes compressed, %d bytes) disagrees with the central directory (CRC %08x, %d, %d)",
			crc, csize, usize, d.CRC32, d.CompressedSize, d.UncompressedSize)
	}
	return length, ""
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

// Quote shows an entry name inside a message: Go quoting turns control
// characters and invalid UTF-8 into visible escapes, so a message is safe
// to print even before it is sanitized, and a long name is cut.
func Quote(name string) string {
	const max = 200
	if len(name) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		return fmt.Sprintf("%q…", name[:cut])
	}
	return fmt.Sprintf("%q", name)
}
