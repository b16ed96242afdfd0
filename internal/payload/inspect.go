package payload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"github.com/lsui/lsui/internal/regularfile"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	kzip "github.com/klauspost/compress/zip"

	"github.com/lsui/lsui/internal/zipdir"
)

// Report is what an inspection found; its JSON is `lsui payload inspect
// --json`.
type Report struct {
	File string `json:"file"`
	// OK says the payload is accepted: State is StateVerified.
	OK       bool      `json:"ok"`
	State    State     `json:"state"`
	Problems []string  `json:"problems"`
	Manifest *Manifest `json:"manifest"` // null when absent, unreadable or not read yet
	Entries  []Entry   `json:"entries"`
	Summary  Summary   `json:"summary"`
	// Format is what the zip is, once verified: FormatLSUI, FormatCitrix or
	// FormatUnknown; "" in a listing.
	Format Format `json:"format"`
	// Citrix is what a Citrix bundle carries; null for any other format.
	Citrix *CitrixSummary `json:"citrix"`

	total int // problems found, including those past maxProblems
}

// State is how far an inspection got, and what it found.
type State string

const (
	// StateListed is the first phase passed: the central directory, the
	// names, sizes, ratios and the entries' layout are fine. No content
	// has been read, so nothing is verified yet.
	StateListed State = "listed"
	// StateVerified is every entry read, hashed and matched against the
	// manifest, with no problem found: the payload is accepted.
	StateVerified State = "verified"
	// StateRejected is at least one problem found.
	StateRejected State = "rejected"
	// StateRead is every entry read and checked with no problem found, in
	// a zip that is not lsui's (a Citrix bundle, or an unknown zip): there
	// is no lsui manifest to verify it against.
	StateRead State = "read"
)

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
	// "unlisted", "pending" (listed only: to be read), "unread" (not read
	// because of a problem), "manifest" (manifest.json itself), "folder"
	// (a folder entry, which has no content to list) or "no-manifest".
	Check    string   `json:"check"`
	Problems []string `json:"problems,omitempty"`
}

// Entry.Check values.
const (
	CheckOK         = "ok"
	CheckMismatch   = "mismatch"
	CheckUnlisted   = "unlisted"
	CheckPending    = "pending"
	CheckUnread     = "unread"
	CheckManifest   = "manifest"
	CheckFolder     = "folder"
	CheckNoManifest = "no-manifest"
	// CheckRead is an entry of a zip that is not lsui's, read to its end
	// and hashed.
	CheckRead = "read"
)

// Summary counts what the payload carries, from inventory.json and
// usage.json. It is all zero in a listing.
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

// Verdict is one line naming the format: "LSUI: manifest verified …",
// "CITRIX: …", "UNKNOWN: …", "LISTED: …" or "REJECTED: <first problem>
// (+N more)".
func (r *Report) Verdict() string {
	switch r.State {
	case StateVerified:
		s := r.Summary
		anon := "plain names"
		if s.Scrambled {
			anon = "scrambled"
		}
		return fmt.Sprintf("LSUI: manifest verified (%d entries); %d licence lines, %d features, %d identities (%s)",
			len(r.Entries), s.Licenses, s.Features, s.Identities, anon)
	case StateRead:
		if c := r.Citrix; c != nil {
			return "CITRIX: " + c.describe(len(r.Entries))
		}
		return fmt.Sprintf("UNKNOWN: a zip of %d entries, neither an lsui payload (no manifest.json) nor a Citrix bundle (no Citrix document found); nothing hostile in it", len(r.Entries))
	case StateListed:
		return fmt.Sprintf("LISTED: %d entries, directory and layout checked; content not read, so not verified", len(r.Entries))
	}
	first := "unknown problem"
	if len(r.Problems) > 0 {
		first = r.Problems[0]
	}
	if n := r.ProblemCount() - 1; n > 0 {
		return fmt.Sprintf("REJECTED: %s (+%d more)", first, n)
	}
	return "REJECTED: " + first
}

// finish closes the problem list and sets the state: verified says the
// content phase ran to its end.
func (r *Report) finish(verified bool) {
	if n := r.total - len(r.Problems); n > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("… and %d more problems", n))
	}
	switch {
	case len(r.Problems) > 0:
		r.State = StateRejected
	case verified && r.Format != FormatLSUI:
		r.State = StateRead
	case verified:
		r.State = StateVerified
	default:
		r.State = StateListed
	}
	r.OK = r.State == StateVerified
}

// clone copies r deeply enough that the copy and r can change apart.
func (r *Report) clone() *Report {
	c := *r
	c.Problems = slices.Clone(r.Problems)
	c.Entries = slices.Clone(r.Entries)
	for i := range c.Entries {
		c.Entries[i].Problems = slices.Clip(c.Entries[i].Problems)
	}
	return &c
}

func newReport(name string) *Report {
	return &Report{File: name, Problems: []string{}, Entries: []Entry{}}
}

// An inspection has two phases, so that a screen can show a payload at
// once and verify it after:
//
//  1. Scan reads the central directory and every local header: the
//     listing, and the checks on names, duplicates, types, methods, sizes,
//     ratios and layout (overlaps, truncation). It reads no content: for a
//     10,000-entry payload it costs what `unzip -l` costs.
//  2. Verify reads every entry on all cores, through the size and ratio
//     caps, hashes it, summarizes the JSON entries and matches the result
//     against manifest.json, reporting progress on the way.
//
// Inspect and InspectFile run both.

// Scanned is an inspection after its first phase.
type Scanned struct {
	listing *Report
	in      *inspection // nil when the first phase rejected the zip
	sr      *io.SectionReader
	file    *os.File // closed by Verify or Close, when ScanFile opened it
	done    *Report  // Verify's result, once it ran
}

// Listing is the first phase's report: State is StateListed or
// StateRejected. It is never changed afterwards.
func (s *Scanned) Listing() *Report { return s.listing }

// Close releases the file ScanFile opened, when Verify will not run. It
// may be called more than once, and after Verify.
func (s *Scanned) Close() error {
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file = nil
	return err
}

// VerifyProgress is how far Verify has read. Bytes are compressed bytes:
// a payload's work is mostly in one or two large entries, which a count of
// entries alone would hide.
type VerifyProgress struct {
	Entries, TotalEntries int
	Bytes, TotalBytes     int64
}

// Verify runs the second phase and returns the final report, a new one:
// the listing stays as it was. Progress, when not nil, gets a value after
// each entry is read; a value the receiver is not ready for is dropped,
// never waited for. Verify closes the file ScanFile opened. Calling it
// again returns the same report.
func (s *Scanned) Verify(ctx context.Context, progress chan<- VerifyProgress) (rep *Report) {
	if s.done != nil {
		return s.done
	}
	defer s.Close()
	if s.in == nil {
		s.done = s.listing
		return s.done
	}
	rep = s.in.rep
	defer func() {
		if v := recover(); v != nil {
			rep.problem("internal error while inspecting: %v", v)
		}
		rep.finish(true)
		s.done = rep
	}()
	sr := s.sr
	if s.file != nil {
		sr = inMemory(sr)
	}
	s.in.readEntries(ctx, sr, progress)
	s.in.classify(ctx)
	return rep
}

// inMemoryMax is the largest zip Verify reads into memory first, when
// ScanFile opened it: a payload's thousands of small entries would
// otherwise cost two reads of the file each (a quarter of the time for
// 10,000 licence files), and a zip this size holds entries large enough
// that a read each does not matter. The bytes held cost twice their size
// (the collector lets the heap grow to twice what is live), so 12 MiB:
// it holds the 10,000-licence payload of BENCHMARKS.md (9.5 MB) and keeps
// a hostile zip's inspection, file included, under 100 MB
// (docs/reliability.md §8). Scan's callers (the receiver, with
// many requests at once) keep their memory bounded by the decompressors.
const inMemoryMax = 12 << 20

// inMemory returns sr read whole into memory when it is small enough to,
// else sr itself.
func inMemory(sr *io.SectionReader) *io.SectionReader {
	if sr.Size() > inMemoryMax {
		return sr
	}
	data := make([]byte, sr.Size())
	if _, err := sr.ReadAt(data, 0); err != nil {
		return sr // reading from the file will meet the same error, per entry
	}
	return io.NewSectionReader(bytes.NewReader(data), 0, sr.Size())
}

// ScanFile runs the first phase on the zip at path. The file stays open
// for Verify; call Close when Verify will not run.
func ScanFile(ctx context.Context, path string, lim Limits) *Scanned {
	f, err := regularfile.Open(path)
	if err != nil {
		return rejected(path, "cannot open: %v", err)
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		f.Close()
		return rejected(path, "cannot read: %v", err)
	case !st.Mode().IsRegular():
		f.Close()
		return rejected(path, "not a regular file")
	}
	s := Scan(ctx, f, st.Size(), path, lim)
	if s.in == nil {
		f.Close()
	} else {
		s.file = f
	}
	return s
}

func rejected(name, format string, args ...any) *Scanned {
	r := newReport(name)
	r.problem(format, args...)
	r.finish(false)
	return &Scanned{listing: r}
}

// Scan runs the first phase on a zip of size bytes read from r, treating it
// as hostile: nothing is written to disk, every size is capped by lim, and
// a zip that is not a payload, corrupt, truncated or crafted gets problems,
// never a panic. ctx bounds the time taken.
func Scan(ctx context.Context, r io.ReaderAt, size int64, name string, lim Limits) (s *Scanned) {
	return scanAt(ctx, r, size, name, lim, 1, nil)
}

// scanAt is Scan at a nesting depth (1 for the zip itself), sharing the
// outer zip's budget when nested.
func scanAt(ctx context.Context, r io.ReaderAt, size int64, name string, lim Limits, depth int, budget *nestBudget) (s *Scanned) {
	rep := newReport(name)
	s = &Scanned{}
	defer func() {
		if v := recover(); v != nil {
			// A bug in a decoder must not take down the dashboard or the
			// receiver; the zip is rejected instead.
			rep.problem("internal error while inspecting: %v", v)
			s.in = nil
		}
		// Problems with single entries (a bad name, an encrypted entry) do
		// not stop Verify: the rest is worth reading and may show more.
		s.listing = rep.clone()
		s.listing.finish(false)
	}()
	lim = lim.orDefault()
	if size < 0 {
		rep.problem("negative size")
		return s
	}
	sr := io.NewSectionReader(r, 0, size)
	dir := scanDirectory(ctx, sr, size, lim, rep)
	if dir == nil {
		return s
	}
	in := &inspection{rep: rep, dir: dir, lim: lim, depth: depth, budget: budget}
	if !in.checkEntries() {
		return s
	}
	s.in, s.sr = in, sr
	return s
}

// InspectFile inspects the zip at path: both phases.
func InspectFile(ctx context.Context, path string, lim Limits) *Report {
	return ScanFile(ctx, path, lim).Verify(ctx, nil)
}

// Inspect inspects a payload zip of size bytes read from r: both phases,
// as Scan and Verify describe them.
func Inspect(ctx context.Context, r io.ReaderAt, size int64, name string, lim Limits) *Report {
	return Scan(ctx, r, size, name, lim).Verify(ctx, nil)
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

// inspection is one inspection in progress: the report it fills in and
// what the first phase leaves for the second.
type inspection struct {
	rep  *Report
	dir  *zipdir.Directory
	lim  Limits
	skip []bool // entries not to read
	// byName finds the first entry of each name; the manifest check would
	// otherwise be quadratic in the entries.
	byName map[string]int

	manifest    *Manifest // nil when absent or not readable
	manifestErr error     // why manifest.json, read, did not decode

	depth    int            // 1 for the zip itself, 2 for a zip inside it
	budget   *nestBudget    // what nested zips may still use; shared with them
	docs     map[int][]byte // entries kept to recognise Citrix documents
	captured atomic.Int64   // bytes kept in docs, or reserved for them
	audit    identityAudit  // usage.json's
}

// nestBudget is what is left of the outer zip's entry and byte caps for
// the zips nested in it: one budget for all of them.
type nestBudget struct {
	entries int
	bytes   int64
	// docs is the document bytes kept by the outer zip and every nested
	// one together: each nested inspection would otherwise keep its own
	// maxCapturedBytes.
	docs atomic.Int64
}

func (in *inspection) keepDoc(i int, data []byte) {
	if in.docs == nil {
		in.docs = map[int][]byte{}
	}
	in.docs[i] = data
}

// classify decides the format once every entry is read: lsui's payload
// when its manifest is there, else Citrix's bundle when a Citrix document
// is, else lsui's (with its problems) when one of lsui's names is, else
// unknown. Only lsui's format is checked against a manifest.
func (in *inspection) classify(ctx context.Context) {
	rep := in.rep
	if in.manifest != nil && in.manifest.Schema >= 1 && in.manifest.Server.ID != "" {
		rep.Format = FormatLSUI
		in.checkManifest()
		return
	}
	if in.budget == nil {
		var read int64
		for _, e := range rep.Entries {
			if e.Read {
				read += e.Size
			}
		}
		in.budget = &nestBudget{entries: in.lim.MaxEntries - len(rep.Entries), bytes: in.lim.MaxTotal - read}
		in.budget.docs.Store(in.captured.Load())
	}
	if in.readCitrix(ctx) {
		rep.Format = FormatCitrix
		in.markRead()
		return
	}
	for _, name := range []string{ManifestName, InventoryName, UsageName} {
		if _, ok := in.byName[name]; ok {
			rep.Format = FormatLSUI
			in.checkManifest()
			return
		}
	}
	rep.Format = FormatUnknown
	in.markRead()
}

func (in *inspection) markRead() {
	for i := range in.rep.Entries {
		if e := &in.rep.Entries[i]; e.Read && e.Check == CheckUnread {
			e.Check = CheckRead
		}
	}
}

// checkEntries looks at what the central directory declares: names,
// duplicates, types, methods, sizes and ratios. It returns false when the
// zip as a whole is over a cap, so nothing is decompressed.
func (in *inspection) checkEntries() bool {
	rep, lim := in.rep, in.lim
	rep.Entries = make([]Entry, len(in.dir.Entries))
	in.skip = make([]bool, len(in.dir.Entries))
	exact := make(map[string]int, len(in.dir.Entries))
	in.byName = exact
	// Folded names are kept by their hash: 20,000 names of 1,000 bytes
	// would otherwise be held a second time.
	folded := make(map[[sha256.Size]byte]int, len(in.dir.Entries))
	var names nameFolder
	var total uint64
	for i, d := range in.dir.Entries {
		e := &rep.Entries[i]
		*e = Entry{Name: d.Name, Size: clampInt64(d.UncompressedSize), Compressed: clampInt64(d.CompressedSize),
			Method: methodName(d.Method), Dir: strings.HasSuffix(d.Name, "/"), Check: CheckPending}
		for _, p := range nameProblems(d.Name) {
			in.entryProblem(i, "%s", p)
		}
		if j, dup := exact[d.Name]; dup {
			in.entryProblem(i, "duplicate name (also entry %d)", j+1)
		} else {
			exact[d.Name] = i
			key := sha256.Sum256([]byte(names.fold(d.Name)))
			if j, dup := folded[key]; dup {
				other := rep.Entries[j].Name
				if strings.EqualFold(other, d.Name) {
					in.entryProblem(i, "name differs only in case from %s", quoted(other))
				} else {
					in.entryProblem(i, "name is the same file as %s once extracted (Unicode form, case, or trailing dots and spaces)", quoted(other))
				}
			} else {
				folded[key] = i
			}
		}
		switch d.Type() {
		case zipdir.Symlink:
			e.Symlink = true
			in.entryProblem(i, "symlink entry (shown as data, never followed)")
		case zipdir.Special:
			in.entryProblem(i, "special file entry (device, pipe or socket)")
		case zipdir.Folder:
			if !e.Dir {
				// Tools disagree on whether this is a folder or a file;
				// either way its content would go unchecked.
				in.entryProblem(i, "folder mode on an entry not named as a folder")
			}
			e.Dir = true
		}
		if e.Dir {
			e.Check = CheckFolder
			if d.UncompressedSize > 0 {
				in.entryProblem(i, "folder entry with content")
			}
		}
		if d.Flags&zipdir.FlagEncrypted != 0 {
			in.entryProblem(i, "encrypted")
			in.skip[i] = true
		}
		if d.Method != kzip.Store && d.Method != kzip.Deflate {
			// Other decompressors (zstd, xz, bzip2) can allocate large
			// windows on hostile input; payloads only ever use deflate.
			in.entryProblem(i, "compression method %d not allowed (store and deflate only)", d.Method)
			in.skip[i] = true
		}
		if d.UncompressedSize > uint64(lim.MaxEntry) {
			in.entryProblem(i, "declares %d bytes, over the %d MiB cap per entry", d.UncompressedSize, lim.MaxEntry>>20)
			in.skip[i] = true
		} else if d.UncompressedSize > ratioFloor && (d.CompressedSize == 0 || float64(d.UncompressedSize)/float64(d.CompressedSize) > lim.MaxRatio) {
			in.entryProblem(i, "compression ratio %s over the cap of %.0f (a zip bomb?)", ratio(d.UncompressedSize, d.CompressedSize), lim.MaxRatio)
			in.skip[i] = true
		}
		if in.skip[i] && !e.Dir {
			e.Check = CheckUnread
		}
		if total += d.UncompressedSize; total < d.UncompressedSize {
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
	if in.manifest == nil {
		// Not read (a problem of its own), or read and not a manifest.
		if in.manifestErr != nil {
			rep.problem("%v", in.manifestErr)
		}
		in.markAll(CheckNoManifest)
		return
	}
	m := in.manifest
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
		for _, p := range in.audit.problems() {
			rep.problem("%s", p)
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
