package payload

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"sort"
	"strings"

	kzip "github.com/klauspost/compress/zip"
	"github.com/mholt/archiver/v4"
)

// ReaderAtSeeker is what Inspect reads: archiver's zip extractor needs both
// random access and seeking. *os.File and *bytes.Reader are both.
type ReaderAtSeeker interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// Report is what Inspect found; its JSON is `lsui payload inspect --json`.
type Report struct {
	File     string    `json:"file"`
	OK       bool      `json:"ok"`
	Problems []string  `json:"problems"`
	Manifest *Manifest `json:"manifest"` // null when absent or unreadable
	Entries  []Entry   `json:"entries"`
	Summary  Summary   `json:"summary"`

	total int // problems found, including those past maxProblems
}

// Entry is one zip entry. Names are exactly as stored: print them through
// sanitize.Line.
type Entry struct {
	Name       string `json:"name"`
	Size       int64  `json:"size"` // uncompressed: as read when Read, else as declared
	Compressed int64  `json:"compressed"`
	SHA256     string `json:"sha256"` // of the uncompressed bytes; "" when not read
	Method     string `json:"method"` // "deflate", "store", or "method N"
	Dir        bool   `json:"dir,omitempty"`
	Symlink    bool   `json:"symlink,omitempty"` // shown as data, never followed
	// Read says the content was read to the end and its hash computed.
	Read bool `json:"read"`
	// Check is the entry against the manifest: "ok", "mismatch",
	// "unlisted", "unread" (not read because of a problem), "manifest"
	// (manifest.json itself), "folder" (a folder entry, which has no
	// content to list) or "no-manifest".
	Check    string   `json:"check"`
	Problems []string `json:"problems,omitempty"`
}

// Entry.Check values.
const (
	CheckOK         = "ok"
	CheckMismatch   = "mismatch"
	CheckUnlisted   = "unlisted"
	CheckUnread     = "unread"
	CheckManifest   = "manifest"
	CheckFolder     = "folder"
	CheckNoManifest = "no-manifest"
)

// Summary counts what the payload carries, from inventory.json and
// usage.json.
type Summary struct {
	Licenses   int  `json:"licenses"`   // licence lines in inventory.json
	Features   int  `json:"features"`   // features used this month, usage.json
	Identities int  `json:"identities"` // identities in usage.json
	Scrambled  bool `json:"scrambled"`  // the manifest says anonymization was on
	// PlaintextIdentitiesFound counts identities that are not shaped like
	// a pseudonym. With Scrambled it must be 0, or the payload is rejected.
	PlaintextIdentitiesFound int `json:"plaintext_identities_found"`
	LicenceFiles             int `json:"licence_files"` // licenses/*.lic entries
}

// maxProblems keeps a report of a zip with 20000 bad names readable.
const maxProblems = 100

func (r *Report) problem(format string, args ...any) {
	r.total++
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

func (r *Report) entryProblem(i int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	e := &r.Entries[i]
	e.Problems = append(e.Problems, msg)
	r.problem("entry %s: %s", quoted(e.Name), msg)
}

// ProblemCount is the number of problems found, including those not kept
// in Problems.
func (r *Report) ProblemCount() int { return max(r.total, len(r.Problems)) }

// Verdict is one line: "OK: …" or "REJECTED: <first problem> (+N more)".
func (r *Report) Verdict() string {
	if !r.OK {
		first := "unknown problem"
		if len(r.Problems) > 0 {
			first = r.Problems[0]
		}
		if n := r.ProblemCount() - 1; n > 0 {
			return fmt.Sprintf("REJECTED: %s (+%d more)", first, n)
		}
		return "REJECTED: " + first
	}
	s := r.Summary
	anon := "plain names"
	if s.Scrambled {
		anon = "scrambled"
	}
	return fmt.Sprintf("OK: manifest verified (%d entries); %d licence lines, %d features, %d identities (%s)",
		len(r.Entries), s.Licenses, s.Features, s.Identities, anon)
}

func (r *Report) finish() {
	if n := r.total - len(r.Problems); n > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("… and %d more problems", n))
	}
	r.OK = len(r.Problems) == 0
}

// InspectFile inspects the zip at path.
func InspectFile(ctx context.Context, path string, lim Limits) *Report {
	f, err := os.Open(path)
	if err != nil {
		r := newReport(path)
		r.problem("cannot open: %v", err)
		r.finish()
		return r
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		r := newReport(path)
		if err != nil {
			r.problem("cannot read: %v", err)
		} else {
			r.problem("not a regular file")
		}
		r.finish()
		return r
	}
	return Inspect(ctx, f, st.Size(), path, lim)
}

func newReport(name string) *Report {
	return &Report{File: name, Problems: []string{}, Entries: []Entry{}}
}

// Inspect checks a payload zip of size bytes read from r, treating it as
// hostile: nothing is written to disk, every size is capped by lim, and a
// zip that is not a payload, corrupt, truncated or crafted gets problems
// and OK=false, never a panic. ctx bounds the time taken.
func Inspect(ctx context.Context, r ReaderAtSeeker, size int64, name string, lim Limits) (rep *Report) {
	rep = newReport(name)
	defer func() {
		if v := recover(); v != nil {
			// A bug in a decoder must not take down the dashboard or the
			// receiver; the zip is rejected instead.
			rep.problem("internal error while inspecting: %v", v)
		}
		rep.finish()
	}()
	lim = lim.orDefault()
	if size < 0 {
		rep.problem("negative size")
		return rep
	}
	sr := io.NewSectionReader(r, 0, size)
	dir := scanDirectory(ctx, sr, size, lim, rep)
	if dir == nil {
		return rep
	}
	in := &inspection{rep: rep, dir: dir, lim: lim}
	if !in.checkEntries() {
		return rep
	}
	in.readEntries(ctx, sr)
	in.checkManifest()
	return rep
}

func (l Limits) orDefault() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultLimits.MaxEntries
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = DefaultLimits.MaxTotal
	}
	if l.MaxEntry <= 0 {
		l.MaxEntry = DefaultLimits.MaxEntry
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultLimits.MaxRatio
	}
	return l
}

// inspection is one Inspect in progress.
type inspection struct {
	rep  *Report
	dir  *directory
	lim  Limits
	skip []bool // entries not to read
	// byName finds the first entry of each name; the manifest check would
	// otherwise be quadratic in the entries.
	byName map[string]int

	manifestData  []byte // nil when not read
	manifestSeen  bool
	usageSeen     bool
	inventorySeen bool
}

// checkEntries looks at what the central directory declares: names,
// duplicates, types, methods, sizes and ratios. It returns false when the
// zip as a whole is over a cap, so nothing is decompressed.
func (in *inspection) checkEntries() bool {
	rep, lim := in.rep, in.lim
	rep.Entries = make([]Entry, len(in.dir.entries))
	in.skip = make([]bool, len(in.dir.entries))
	exact := make(map[string]int, len(in.dir.entries))
	in.byName = exact
	folded := make(map[string]int, len(in.dir.entries))
	var total uint64
	for i, d := range in.dir.entries {
		e := &rep.Entries[i]
		*e = Entry{Name: d.name, Size: clampInt64(d.usize), Compressed: clampInt64(d.csize),
			Method: methodName(d.method), Dir: strings.HasSuffix(d.name, "/"), Check: CheckUnread}
		for _, p := range nameProblems(d.name) {
			in.entryProblem(i, "%s", p)
		}
		if j, dup := exact[d.name]; dup {
			in.entryProblem(i, "duplicate name (also entry %d)", j+1)
		} else if j, dup := folded[strings.ToLower(d.name)]; dup {
			in.entryProblem(i, "name differs only in case from %s", quoted(rep.Entries[j].Name))
		}
		if _, dup := exact[d.name]; !dup {
			exact[d.name] = i
		}
		if _, dup := folded[strings.ToLower(d.name)]; !dup {
			folded[strings.ToLower(d.name)] = i
		}
		switch d.fileType() {
		case typeSymlink:
			e.Symlink = true
			in.entryProblem(i, "symlink entry (shown as data, never followed)")
		case typeSpecial:
			in.entryProblem(i, "special file entry (device, pipe or socket)")
		case typeDir:
			if !e.Dir {
				// Tools disagree on whether this is a folder or a file;
				// either way its content would go unchecked.
				in.entryProblem(i, "folder mode on an entry not named as a folder")
			}
			e.Dir = true
		}
		if e.Dir {
			e.Check = CheckFolder
			if d.usize > 0 {
				in.entryProblem(i, "folder entry with content")
			}
		}
		if d.flags&0x1 != 0 {
			in.entryProblem(i, "encrypted")
			in.skip[i] = true
		}
		if d.method != kzip.Store && d.method != kzip.Deflate {
			// Other decompressors (zstd, xz, bzip2) can allocate large
			// windows on hostile input; payloads only ever use deflate.
			in.entryProblem(i, "compression method %d not allowed (store and deflate only)", d.method)
			in.skip[i] = true
		}
		if d.usize > uint64(lim.MaxEntry) {
			in.entryProblem(i, "declares %d bytes, over the %d MiB cap per entry", d.usize, lim.MaxEntry>>20)
			in.skip[i] = true
		} else if d.usize > ratioFloor && (d.csize == 0 || float64(d.usize)/float64(d.csize) > lim.MaxRatio) {
			in.entryProblem(i, "compression ratio %s over the cap of %.0f (a zip bomb?)", ratio(d.usize, d.csize), lim.MaxRatio)
			in.skip[i] = true
		}
		if total += d.usize; total < d.usize {
			total = math.MaxUint64
		}
	}
	if total > uint64(lim.MaxTotal) {
		rep.problem("entries declare %d bytes in total, over the %d MiB cap", total, lim.MaxTotal>>20)
		return false
	}
	return true
}

func (in *inspection) entryProblem(i int, format string, args ...any) {
	in.rep.entryProblem(i, format, args...)
}

func ratio(usize, csize uint64) string {
	if csize == 0 {
		return "unbounded"
	}
	return fmt.Sprintf("%.0f", float64(usize)/float64(csize))
}

func methodName(m uint16) string {
	switch m {
	case kzip.Store:
		return "store"
	case kzip.Deflate:
		return "deflate"
	}
	return fmt.Sprintf("method %d", m)
}

func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// readEntries reads every readable entry through archiver, hashing it and
// summarizing the JSON entries, with every read capped.
func (in *inspection) readEntries(ctx context.Context, sr *io.SectionReader) {
	rep := in.rep
	var total int64
	i := 0
	handle := func(ctx context.Context, f archiver.FileInfo) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if i >= len(rep.Entries) {
			rep.problem("the zip reader found more entries than the central directory holds")
			return fs.SkipAll
		}
		idx := i
		i++
		e := &rep.Entries[idx]
		if f.NameInArchive != e.Name {
			rep.problem("the zip reader disagrees with the central directory at entry %d", idx+1)
			return fs.SkipAll
		}
		if in.skip[idx] || e.Dir {
			return nil
		}
		limit := min(in.lim.MaxEntry, in.lim.MaxTotal-total)
		n, sum, err := in.readOne(ctx, f, e, limit)
		total += n
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			in.entryProblem(idx, "%s", readError(err))
			return nil
		}
		e.Size, e.SHA256, e.Read = n, sum, true
		return nil
	}
	err := archiver.Zip{}.Extract(ctx, sr, handle)
	switch {
	case ctx.Err() != nil:
		rep.problem("inspection stopped: %v", ctx.Err())
	case err != nil:
		rep.problem("zip reader: %v", err)
	case i != len(rep.Entries):
		rep.problem("the zip reader found %d entries, the central directory %d", i, len(rep.Entries))
	}
}

// readOne reads one entry to its end through the caps, returning its size
// and SHA-256.
func (in *inspection) readOne(ctx context.Context, f archiver.FileInfo, e *Entry, limit int64) (int64, string, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	br := &boundedReader{ctx: ctx, r: rc, limit: limit, csize: e.Compressed, maxRatio: in.lim.MaxRatio}
	h := sha256.New()
	tee := io.TeeReader(br, h)
	switch e.Name {
	case ManifestName:
		if !in.manifestSeen {
			in.manifestSeen = true
			data, err := io.ReadAll(io.LimitReader(tee, maxManifest+1))
			if err != nil {
				return br.n, "", err
			}
			if len(data) > maxManifest {
				in.rep.problem("%s is larger than %d MiB", ManifestName, maxManifest>>20)
			} else {
				in.manifestData = data
			}
		}
	case UsageName:
		if !in.usageSeen {
			in.usageSeen = true
			if err := summarizeUsage(tee, &in.rep.Summary); err != nil {
				if br.err != nil {
					return br.n, "", br.err
				}
				in.rep.problem("%s: %v", UsageName, err)
			}
		}
	case InventoryName:
		if !in.inventorySeen {
			in.inventorySeen = true
			if err := summarizeInventory(tee, &in.rep.Summary); err != nil {
				if br.err != nil {
					return br.n, "", br.err
				}
				in.rep.problem("%s: %v", InventoryName, err)
			}
		}
	default:
		if strings.HasPrefix(e.Name, LicenceDir) && strings.EqualFold(path.Ext(e.Name), ".lic") {
			in.rep.Summary.LicenceFiles++
		}
	}
	// Whatever a summarizer left unread still counts towards the hash.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return br.n, "", err
	}
	return br.n, hex.EncodeToString(h.Sum(nil)), nil
}

var (
	errEntryTooLarge = errors.New("content is larger than the cap")
	errRatio         = errors.New("content expands past the compression ratio cap (a zip bomb?)")
)

func readError(err error) string {
	switch {
	case errors.Is(err, kzip.ErrFormat):
		return "content is longer than its header declares, or corrupt"
	case errors.Is(err, kzip.ErrChecksum):
		return "content does not match its CRC-32 (corrupt or altered)"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "content is shorter than its header declares (truncated?)"
	case errors.Is(err, errEntryTooLarge), errors.Is(err, errRatio):
		return err.Error()
	}
	return "read: " + err.Error()
}

// boundedReader enforces the caps while an entry decompresses, whatever its
// header claims: it stops at limit bytes and when the output outgrows the
// compressed size by more than the ratio cap.
type boundedReader struct {
	ctx      context.Context
	r        io.Reader
	n        int64
	limit    int64
	csize    int64
	maxRatio float64
	err      error
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if err := b.ctx.Err(); err != nil {
		b.err = err
		return 0, err
	}
	// Never ask for more than one byte past the cap: the byte that proves
	// the entry is too large.
	if room := b.limit - b.n + 1; int64(len(p)) > room {
		p = p[:max(room, 0)]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		b.err = err
	case b.n > b.limit:
		b.err = errEntryTooLarge
	case b.n > ratioFloor && float64(b.n) > b.maxRatio*float64(b.csize):
		b.err = errRatio
	}
	if b.err != nil {
		return n, b.err
	}
	return n, err
}

// checkManifest compares the entries with manifest.json and sets the
// summary's scrambled flag.
func (in *inspection) checkManifest() {
	rep := in.rep
	manifestAt := -1
	for i, e := range rep.Entries {
		if e.Name == ManifestName {
			manifestAt = i
			rep.Entries[i].Check = CheckManifest
			break
		}
	}
	for _, required := range []string{InventoryName, UsageName} {
		if _, ok := in.byName[required]; !ok {
			rep.problem("no %s", required)
		}
	}
	if manifestAt < 0 {
		rep.problem("no %s", ManifestName)
		in.markAll(CheckNoManifest)
		return
	}
	if in.manifestData == nil {
		// The manifest entry had a problem of its own and was not read.
		in.markAll(CheckNoManifest)
		return
	}
	m, err := decodeManifest(in.manifestData)
	if err != nil {
		rep.problem("%v", err)
		in.markAll(CheckNoManifest)
		return
	}
	rep.Manifest = m
	if m.Schema != Schema {
		rep.problem("manifest schema %d is not %d, the one this lsui reads", m.Schema, Schema)
	}
	rep.Summary.Scrambled = m.Anonymization.Enabled
	if m.Anonymization.Enabled {
		if m.Anonymization.KeyFingerprint == "" {
			rep.problem("the manifest says scrambled but names no key fingerprint")
		}
		if n := rep.Summary.PlaintextIdentitiesFound; n > 0 {
			rep.problem("the manifest says scrambled but %d identities in %s look like plain names", n, UsageName)
		}
	}
	listed := make(map[string]bool, len(m.Files))
	for _, mf := range m.Files {
		if listed[mf.Name] {
			rep.problem("the manifest lists %s twice", quoted(mf.Name))
			continue
		}
		listed[mf.Name] = true
		if mf.Name == ManifestName {
			rep.problem("the manifest lists itself")
			continue
		}
		i, ok := in.byName[mf.Name]
		if !ok {
			rep.problem("the manifest lists %s, which is not in the zip", quoted(mf.Name))
			continue
		}
		e := &rep.Entries[i]
		if !e.Read {
			continue // already a problem; Check stays "unread"
		}
		switch {
		case e.Size != mf.Size:
			e.Check = CheckMismatch
			in.entryProblem(i, "size %d does not match the manifest's %d", e.Size, mf.Size)
		case !strings.EqualFold(e.SHA256, mf.SHA256):
			e.Check = CheckMismatch
			in.entryProblem(i, "SHA-256 does not match the manifest")
		default:
			e.Check = CheckOK
		}
	}
	for i := range rep.Entries {
		e := &rep.Entries[i]
		if i == manifestAt || e.Dir || listed[e.Name] {
			continue
		}
		e.Check = CheckUnlisted
		in.entryProblem(i, "not listed in the manifest")
	}
}

func (in *inspection) markAll(check string) {
	for i := range in.rep.Entries {
		if c := in.rep.Entries[i].Check; c != CheckManifest && c != CheckFolder {
			in.rep.Entries[i].Check = check
		}
	}
}

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
	f, err := os.Open(path)
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
		rep.finish()
		return nil, fmt.Errorf("%s: %s", path, rep.Verdict())
	}
	at := -1
	for i, d := range dir.entries {
		if d.name != entry {
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
	d := dir.entries[at]
	switch {
	case strings.HasSuffix(d.name, "/"):
		return nil, fmt.Errorf("%s: entry %s is a folder", path, quoted(entry))
	case d.flags&0x1 != 0:
		return nil, fmt.Errorf("%s: entry %s is encrypted", path, quoted(entry))
	case d.method != kzip.Store && d.method != kzip.Deflate:
		return nil, fmt.Errorf("%s: entry %s: compression method %d not allowed", path, quoted(entry), d.method)
	case d.usize > ratioFloor && (d.csize == 0 || float64(d.usize)/float64(d.csize) > lim.MaxRatio):
		return nil, fmt.Errorf("%s: entry %s: compression ratio %s over the cap", path, quoted(entry), ratio(d.usize, d.csize))
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
		br := &boundedReader{ctx: ctx, r: rc, limit: limit, csize: clampInt64(d.csize), maxRatio: lim.MaxRatio}
		data, readErr = io.ReadAll(br)
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
	var hdr [lenLocal]byte
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
		if _, err := r.ReadAt(hdr[:], d.offset); err != nil {
			bad(i, "local header: %v", err)
			continue
		}
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
		local := make([]byte, nameLen)
		if _, err := r.ReadAt(local, d.offset+lenLocal); err != nil {
			bad(i, "local header: %v", err)
			continue
		}
		if string(local) != d.name {
			bad(i, "local header names it %s", quoted(string(local)))
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
			if _, err := r.ReadAt(sig[:], d.end); err == nil && le.Uint32(sig[:]) == sigDescriptor {
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
