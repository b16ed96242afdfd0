package payload

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"strings"

	kzip "github.com/klauspost/compress/zip"
	"github.com/mholt/archiver/v4"

	"github.com/lsui/lsui/internal/regularfile"
	"github.com/lsui/lsui/internal/zipdir"
)

// ErrTruncated is returned by ReadEntry, with the first maxBytes bytes,
// when the entry is longer than that.
var ErrTruncated = errors.New("entry is longer than the cap; truncated")

// ReadEntry returns one entry's bytes from the zip at path, for a viewer:
// at most maxBytes (then with ErrTruncated). The zip goes through the
// same structural checks as Inspect (caps, overlaps, the central
// directory) and the entry through the same read caps; an entry with a bad
// name can still be read, since it is only shown, never written out.
func ReadEntry(ctx context.Context, path, entry string, maxBytes int64) (data []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			data, err = nil, fmt.Errorf("%s: internal error: %v", path, v)
		}
	}()
	if maxBytes < 0 {
		maxBytes = 0
	}
	f, err := regularfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	lim := DefaultLimits
	rep := newReport(path)
	sr := io.NewSectionReader(f, 0, st.Size())
	dir := scanDirectory(ctx, sr, st.Size(), lim, rep)
	if dir == nil {
		rep.finish(false)
		return nil, fmt.Errorf("%s: %s", path, rep.Verdict())
	}
	at := -1
	for i, d := range dir.Entries {
		if d.Name != entry {
			continue
		}
		if at >= 0 {
			return nil, fmt.Errorf("%s: entry %s appears more than once", path, quoted(entry))
		}
		at = i
	}
	if at < 0 {
		return nil, fmt.Errorf("%s: entry %s: %w", path, quoted(entry), fs.ErrNotExist)
	}
	d := dir.Entries[at]
	switch {
	case strings.HasSuffix(d.Name, "/"):
		return nil, fmt.Errorf("%s: entry %s is a folder", path, quoted(entry))
	case d.Flags&zipdir.FlagEncrypted != 0:
		return nil, fmt.Errorf("%s: entry %s is encrypted", path, quoted(entry))
	case d.Method != kzip.Store && d.Method != kzip.Deflate:
		return nil, fmt.Errorf("%s: entry %s: compression method %d not allowed", path, quoted(entry), d.Method)
	case d.UncompressedSize > ratioFloor && (d.CompressedSize == 0 || float64(d.UncompressedSize)/float64(d.CompressedSize) > lim.MaxRatio):
		return nil, fmt.Errorf("%s: entry %s: compression ratio %s over the cap", path, quoted(entry), ratio(d.UncompressedSize, d.CompressedSize))
	}
	limit := min(maxBytes, lim.MaxEntry)
	i := 0
	var readErr error
	handle := func(ctx context.Context, fi archiver.FileInfo) error {
		idx := i
		i++
		if idx < at {
			return nil
		}
		if idx > at || fi.NameInArchive != entry {
			readErr = fmt.Errorf("%s: the zip reader disagrees with the central directory", path)
			return fs.SkipAll
		}
		rc, err := fi.Open()
		if err != nil {
			readErr = err
			return fs.SkipAll
		}
		defer rc.Close()
		br := &boundedReader{ctx: ctx, r: rc, limit: limit, csize: clampInt64(d.CompressedSize), maxRatio: lim.MaxRatio}
		data, readErr = io.ReadAll(br)
		if readErr == nil && crc32.ChecksumIEEE(data) != d.CRC32 {
			readErr = kzip.ErrChecksum // checked even when the CRC is 0, as Inspect does
		}
		if errors.Is(readErr, errEntryTooLarge) {
			if int64(len(data)) > limit {
				data = data[:limit]
			}
			readErr = ErrTruncated
		}
		return fs.SkipAll
	}
	if err := (archiver.Zip{}).Extract(ctx, sr, handle); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if readErr != nil && !errors.Is(readErr, ErrTruncated) {
		return nil, fmt.Errorf("%s: entry %s: %s", path, quoted(entry), readError(readErr))
	}
	if data == nil {
		data = []byte{}
	}
	return data, readErr
}
