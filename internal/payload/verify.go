package payload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	kzip "github.com/klauspost/compress/zip"
	"github.com/mholt/archiver/v4"
)

// The second phase: every readable entry read through archiver on all
// cores, hashed, and the JSON entries summarized, with every read capped.

// role is what an entry is to the payload; only the first entry of each
// name is summarized, later ones are duplicates and already problems.
type role int

const (
	roleOther role = iota
	roleManifest
	roleUsage
	roleInventory
	roleLicence
)

// readJob is one entry to read.
type readJob struct {
	idx  int
	f    archiver.FileInfo
	role role
}

// readResult is what reading one entry found. Workers fill in one each;
// readEntries merges them in zip order, so the report does not depend on
// which core finished first.
type readResult struct {
	n    int64
	sum  string
	err  error // the entry could not be read to its end
	note string

	summary     Summary
	audit       identityAudit // usage.json's
	manifest    *Manifest
	manifestErr error
	doc         []byte // kept to recognise a Citrix document (citrix.go)
}

// maxReaders bounds the entries read at once: each holds a decompressor
// window and a buffer.
const maxReaders = 8

func (in *inspection) readEntries(ctx context.Context, sr *io.SectionReader, progress chan<- VerifyProgress) {
	rep := in.rep
	for i := range rep.Entries {
		if rep.Entries[i].Check == CheckPending {
			rep.Entries[i].Check = CheckUnread // until read and matched
		}
	}
	jobs, ok := in.collect(ctx, sr)
	if !ok {
		return
	}
	// Largest first: a payload's one big entry (inventory.json) must not
	// start last and keep one core busy while the others wait.
	sort.SliceStable(jobs, func(a, b int) bool {
		return rep.Entries[jobs[a].idx].Compressed > rep.Entries[jobs[b].idx].Compressed
	})
	var totalBytes int64
	for _, j := range jobs {
		totalBytes += rep.Entries[j.idx].Compressed
	}

	results := make([]readResult, len(rep.Entries))
	var (
		budget atomic.Int64 // uncompressed bytes still allowed in all
		next   atomic.Int64 // the next job to take
		wg     sync.WaitGroup
		// mu orders the progress values: two readers finishing at once
		// must not send the later count first, or the dashboard's count
		// would go back.
		mu               sync.Mutex
		doneN, doneBytes int64
	)
	budget.Store(in.lim.MaxTotal)
	for range min(runtime.GOMAXPROCS(0), maxReaders, len(jobs)) {
		wg.Go(func() {
			buf := make([]byte, min(64<<10, max(sr.Size(), 512)))
			for ctx.Err() == nil {
				k := int(next.Add(1) - 1)
				if k >= len(jobs) {
					return
				}
				j := jobs[k]
				results[j.idx] = in.readOne(ctx, j, &budget, buf)
				mu.Lock()
				doneN++
				doneBytes += rep.Entries[j.idx].Compressed
				p := VerifyProgress{Entries: int(doneN), TotalEntries: len(jobs), Bytes: doneBytes, TotalBytes: totalBytes}
				select {
				case progress <- p: // a nil channel never takes it
				default:
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		rep.problem("inspection stopped: %v", err)
		return
	}

	sort.Slice(jobs, func(a, b int) bool { return jobs[a].idx < jobs[b].idx })
	for _, j := range jobs {
		r, e := &results[j.idx], &rep.Entries[j.idx]
		if r.err != nil {
			in.entryProblem(j.idx, "%s", readError(r.err))
			continue
		}
		e.Size, e.SHA256, e.Read = r.n, r.sum, true
		if r.note != "" {
			rep.problem("%s", r.note)
		}
		s := &rep.Summary
		s.Licenses += r.summary.Licenses
		s.Features += r.summary.Features
		s.Identities += r.summary.Identities
		s.PlaintextIdentitiesFound += r.summary.PlaintextIdentitiesFound
		s.LicenceFiles += r.summary.LicenceFiles
		if j.role == roleManifest {
			in.manifest, in.manifestErr = r.manifest, r.manifestErr
		}
		if r.doc != nil {
			in.keepDoc(j.idx, r.doc)
		}
		if j.role == roleUsage {
			in.audit = r.audit
		}
	}
}

// collect walks the zip with archiver, checks that it agrees with the
// central directory, and returns the entries to read. It reads no
// content: archiver's Open works after the walk.
func (in *inspection) collect(ctx context.Context, sr *io.SectionReader) ([]readJob, bool) {
	rep := in.rep
	jobs := make([]readJob, 0, len(rep.Entries))
	seen := map[role]bool{}
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
		r := roleOf(e.Name)
		if r != roleOther && r != roleLicence {
			if seen[r] {
				r = roleOther
			}
			seen[r] = true
		}
		jobs = append(jobs, readJob{idx: idx, f: f, role: r})
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
	default:
		return jobs, true
	}
	return nil, false
}

func roleOf(name string) role {
	switch name {
	case ManifestName:
		return roleManifest
	case UsageName:
		return roleUsage
	case InventoryName:
		return roleInventory
	}
	if strings.HasPrefix(name, LicenceDir) && strings.EqualFold(path.Ext(name), ".lic") {
		return roleLicence
	}
	return roleOther
}

// readOne reads one entry to its end through the caps, hashing it and
// summarizing it by its role. buf is the worker's own.
func (in *inspection) readOne(ctx context.Context, j readJob, budget *atomic.Int64, buf []byte) (res readResult) {
	defer func() {
		// A worker's panic cannot reach Verify's recover: the entry is
		// rejected instead.
		if v := recover(); v != nil {
			res = readResult{err: fmt.Errorf("internal error: %v", v)}
		}
	}()
	e := &in.rep.Entries[j.idx] // read only: the workers share the report
	rc, err := j.f.Open()
	if err != nil {
		return readResult{err: err}
	}
	defer rc.Close()
	br := &boundedReader{ctx: ctx, r: rc, limit: in.lim.MaxEntry, budget: budget, csize: e.Compressed, maxRatio: in.lim.MaxRatio}
	h, sum32 := sha256.New(), crc32.NewIEEE()
	hashes := io.MultiWriter(h, sum32)
	tee := io.TeeReader(br, hashes)
	// A summarizer's error is the content's problem unless the read
	// itself failed, which is the entry's.
	summarized := func(name string, err error) error {
		if err == nil {
			return nil
		}
		if br.err != nil {
			return br.err
		}
		res.note = fmt.Sprintf("%s: %v", name, err)
		return nil
	}
	switch j.role {
	case roleManifest:
		data, err := io.ReadAll(io.LimitReader(tee, maxManifest+1))
		if err != nil {
			return readResult{err: err}
		}
		if len(data) > maxManifest {
			res.note = fmt.Sprintf("%s is larger than %d MiB", ManifestName, maxManifest>>20)
		} else {
			res.manifest, res.manifestErr = decodeManifest(data)
			res.doc = data
		}
	case roleUsage:
		if err := summarized(UsageName, summarizeUsage(tee, &res.summary, &res.audit)); err != nil {
			return readResult{err: err}
		}
	case roleInventory:
		if err := summarized(InventoryName, summarizeInventory(tee, &res.summary)); err != nil {
			return readResult{err: err}
		}
	case roleLicence:
		res.summary.LicenceFiles = 1
	default:
		captured := &in.captured
		if in.budget != nil {
			captured = &in.budget.docs // a nested zip's: one cap for the whole bundle
		}
		res.doc = captureDocument(tee, e.Size, captured)
	}
	// Whatever a summarizer left unread still counts towards the hash.
	if _, err := io.CopyBuffer(hashes, br, buf); err != nil {
		return readResult{err: err}
	}
	if br.err != nil {
		return readResult{err: br.err}
	}
	if sum32.Sum32() != in.dir.Entries[j.idx].CRC32 {
		// klauspost's reader skips the check when the recorded CRC is
		// 0 ("unknown"); an entry whose content was swapped after the CRC
		// was zeroed must not pass.
		return readResult{err: kzip.ErrChecksum}
	}
	res.n, res.sum = br.n, hex.EncodeToString(h.Sum(nil))
	return res
}

var (
	errEntryTooLarge = errors.New("content is larger than the cap")
	errTotalTooLarge = errors.New("the entries' content together is larger than the cap")
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
	case errors.Is(err, errEntryTooLarge), errors.Is(err, errTotalTooLarge), errors.Is(err, errRatio):
		return err.Error()
	}
	return "read: " + err.Error()
}

// boundedReader enforces the caps while an entry decompresses, whatever its
// header claims: it stops at limit bytes, when all entries together use up
// the shared budget, and when the output outgrows the compressed size by
// more than the ratio cap.
type boundedReader struct {
	ctx      context.Context
	r        io.Reader
	n        int64
	limit    int64
	budget   *atomic.Int64 // nil: no total cap
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
	case b.budget != nil && b.budget.Add(-int64(n)) < 0:
		b.err = errTotalTooLarge
	case b.n > ratioFloor && float64(b.n) > b.maxRatio*float64(b.csize):
		b.err = errRatio
	}
	if b.err != nil {
		return n, b.err
	}
	return n, err
}
