package payload

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/regularfile"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mholt/archiver/v4"

	"github.com/lsui/lsui/internal/atomicfile"
	"github.com/lsui/lsui/internal/jsonstr"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/scramble"
)

// Steps at which BuildOptions.Hook is called.
const (
	// StepWrittenTemp: the whole zip is in the temporary file, not yet
	// flushed to disk or renamed.
	StepWrittenTemp = "written-temp"
	// StepRenamed: the zip is durable under its final name.
	StepRenamed = "renamed"
)

// BuildOptions say how to build one payload.
type BuildOptions struct {
	// Now is the generated time; it names the file upload_<Now.Unix()>.zip
	// and dates the zip entries. Zero means time.Now(). The same snapshot
	// and Now give a byte-identical zip.
	Now time.Time
	// Out is the zip's path. "" means LS/resource/usage/lsui/upload_<unix>.zip
	// (lsui's own folder, uploads.Dir),
	// creating the folder; that default refuses to replace an existing
	// payload, an explicit Out replaces whatever is there.
	Out string
	// Key scrambles identities. It is required when the snapshot's
	// anonymization setting is on and ignored when it is off.
	Key *scramble.Key
	// Hook is a fault hook for crash tests, called with StepWrittenTemp and
	// StepRenamed. An error stops Build at that point the way a crash
	// would: after StepWrittenTemp the temporary file stays behind (under
	// a dot-name no listing of upload_*.zip matches) and nothing has the
	// final name; after StepRenamed the finished zip stays.
	Hook func(step string) error
}

// Built is a payload written to disk.
type Built struct {
	Path     string
	Size     int64
	SHA256   string // of the whole zip, lower-case hex: the upload's Idempotency-Key
	Manifest Manifest
}

// ErrScrambleKey means anonymization is on and no usable key was given.
// Build then writes nothing: a payload never carries plain names by mistake.
var ErrScrambleKey = errors.New("anonymization is on but no scramble key is available")

// Build writes one payload for the snapshot. It writes to a temporary file
// beside the target, flushes it to disk and renames it, so a crash never
// leaves a partial zip under a final name. Memory stays bounded by the
// snapshot itself: usage.json is encoded identity by identity straight into
// the zip, and every hash is computed while the bytes are written.
func Build(ctx context.Context, s *model.Snapshot, opt BuildOptions) (*Built, error) {
	if s == nil || s.Usage == nil {
		return nil, errors.New("build payload: no usage report in the snapshot")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	scr, anon, err := scramblerFor(s, opt.Key)
	if err != nil {
		return nil, fmt.Errorf("build payload: %w", err)
	}
	if s.Settings == nil {
		return nil, errors.New("build payload: the snapshot has no lsui settings to keep the server id in")
	}
	serverID, err := s.Settings.EnsureServerID()
	if err != nil {
		return nil, fmt.Errorf("build payload: server id: %w", err)
	}
	licences, err := licenceFiles(s.Layout.MyFiles)
	if err == nil {
		err = checkEntryCount(len(licences))
	}
	if err != nil {
		return nil, fmt.Errorf("build payload: %w", err)
	}

	out := opt.Out
	if out == "" {
		dir := uploads.Dir(s.Layout.UsageDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("build payload: %w", err)
		}
		out = filepath.Join(dir, uploads.FileName(opt.Now))
		if _, err := os.Lstat(out); err == nil {
			return nil, fmt.Errorf("build payload: %s already exists (a payload was built this second)", out)
		}
	}

	m := Manifest{
		Schema:        Schema,
		Generated:     opt.Now.UTC().Format(time.RFC3339),
		Server:        ManifestServer{Host: s.Server.Host, ID: serverID, Version: s.Server.Version},
		Month:         s.Usage.Month.String(),
		Timezone:      zoneLabel(s.Usage.Month.Start),
		Anonymization: anon,
		Files:         []ManifestFile{},
	}
	if _, rep := LatestCitrix(ctx, s.Layout.UsageDir); rep != nil {
		m.Server.CitrixGUID, m.Server.CitrixHardwareID = rep.Citrix.Server.GUID, rep.Citrix.Server.HardwareID
	}
	var sources []source
	for _, l := range licences {
		sources = append(sources, source{name: LicenceDir + l.name, open: l.open})
	}
	sources = append(sources,
		source{name: InventoryName, open: func() (io.Reader, error) { return inventoryJSON(s) }},
		source{name: UsageName, open: func() (io.Reader, error) { return newUsageStream(ctx, s.Usage, scr), nil }},
		// The manifest comes last: by the time archiver opens it, every
		// other entry has been written and hashed.
		source{name: ManifestName, open: func() (io.Reader, error) {
			data, err := json.MarshalIndent(m, "", "  ")
			return bytes.NewReader(append(data, '\n')), err
		}},
	)
	files := make([]archiver.FileInfo, len(sources))
	for i, src := range sources {
		files[i] = src.fileInfo(opt.Now, func(f ManifestFile) {
			if f.Name != ManifestName {
				m.Files = append(m.Files, f)
			}
		})
	}

	f, err := atomicfile.Create(out, 0o644)
	if err != nil {
		return nil, fmt.Errorf("build payload: %w", err)
	}
	crashed := false
	defer func() {
		if !crashed {
			f.Abort()
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	sink := &hashingWriter{w: bw, h: sha256.New()}
	// A zero archiver.Zip stores without compressing: ask for deflate.
	err = archiver.Zip{Compression: zip.Deflate}.Archive(ctx, sink, files)
	// Archive closes the zip writer in a defer and drops that error, so the
	// central directory's write failure only shows in the sink.
	if err == nil {
		err = sink.err
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = checkEntrySizes(m.Files, s.Usage.IdentityCount())
	}
	if err != nil {
		return nil, fmt.Errorf("build payload %s: %w", out, err)
	}
	if err := runHook(opt.Hook, StepWrittenTemp); err != nil {
		crashed = true
		f.File.Close()
		return nil, err
	}
	if err := f.Commit(); err != nil {
		return nil, fmt.Errorf("build payload: %w", err)
	}
	built := &Built{Path: out, Size: sink.n, SHA256: hex.EncodeToString(sink.h.Sum(nil)), Manifest: m}
	if err := runHook(opt.Hook, StepRenamed); err != nil {
		return nil, err
	}
	return built, nil
}

// zoneLabel names the zone of t for a reader elsewhere: an IANA name as
// is, but the process's local zone, which Go calls "Local", with its
// abbreviation and offset at t, since "Local" says nothing off this machine.
func zoneLabel(t time.Time) string { return model.ZoneLabel(t) }

func runHook(hook func(string) error, step string) error {
	if hook == nil {
		return nil
	}
	if err := hook(step); err != nil {
		return fmt.Errorf("build payload: stopped at %s: %w", step, err)
	}
	return nil
}

// scramblerFor decides whether identities are scrambled. An anonymization
// setting that cannot be read is an error rather than "off": the payload
// would otherwise carry the plain names the admin may have asked to hide.
func scramblerFor(s *model.Snapshot, key *scramble.Key) (*scramble.Scrambler, Anonymization, error) {
	on := false
	switch {
	case s.Config != nil:
		on = s.Config.Scramble
	case s.ConfigErr != nil && !errors.Is(s.ConfigErr, fs.ErrNotExist):
		return nil, Anonymization{}, fmt.Errorf("cannot tell whether anonymization is on: %w", s.ConfigErr)
	}
	if !on {
		return nil, Anonymization{}, nil
	}
	if key == nil {
		return nil, Anonymization{}, ErrScrambleKey
	}
	if key.Preview {
		return nil, Anonymization{}, fmt.Errorf("%w: a preview key matches nothing ever uploaded", ErrScrambleKey)
	}
	return key.Scrambler(), Anonymization{Enabled: true, KeyFingerprint: key.Fingerprint()}, nil
}

// licence is one .lic file to copy.
type licence struct {
	name string
	path string
}

func (l licence) open() (io.Reader, error) {
	f, err := regularfile.Open(l.path)
	if err != nil {
		return nil, err
	}
	return &cappedFile{f: f, left: licfile.MaxFileSize, path: l.path}, nil
}

// licenceFiles lists MyFiles/*.lic as the model loads them (extension in
// any case), sorted by name. A missing folder is no licence files.
func licenceFiles(dir string) ([]licence, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("licence files: %w", err)
	}
	var out []licence
	folded := map[string]string{}
	var names nameFolder
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".lic") {
			continue
		}
		name := e.Name()
		if p := nameProblems(LicenceDir + name); len(p) > 0 {
			return nil, fmt.Errorf("licence file %s: %s: rename it to include it in a payload", quoted(name), p[0])
		}
		// Inspect flags names that differ only in case, because they
		// collide when a support engineer unpacks the zip on Windows.
		key := names.fold(name)
		if other, dup := folded[key]; dup {
			return nil, fmt.Errorf("licence files %s and %s differ only in case: rename one", quoted(other), quoted(name))
		}
		folded[key] = name
		out = append(out, licence{name: name, path: filepath.Join(dir, name)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// cappedFile reads a file and fails once it grows past the cap, so a
// runaway file cannot blow up a payload.
type cappedFile struct {
	f    *os.File
	left int64
	path string
}

func (c *cappedFile) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, fmt.Errorf("%s: larger than %d MiB", c.path, licfile.MaxFileSize>>20)
	}
	return n, err
}

func (c *cappedFile) Close() error { return c.f.Close() }

// source is one entry to write: its name and how to produce its bytes.
type source struct {
	name string
	open func() (io.Reader, error)
}

// fileInfo adapts a source to archiver. The entry's size and hash are
// measured as archiver copies it and handed to done at the end.
func (src source) fileInfo(mod time.Time, done func(ManifestFile)) archiver.FileInfo {
	return archiver.FileInfo{
		FileInfo:      entryStat{name: src.name, mod: mod},
		NameInArchive: src.name,
		Open: func() (fs.File, error) {
			r, err := src.open()
			if err != nil {
				return nil, err
			}
			return &measuredFile{r: r, name: src.name, mod: mod, h: sha256.New(), done: done}, nil
		},
	}
}

// measuredFile is an entry's content on its way into the zip.
type measuredFile struct {
	r    io.Reader
	name string
	mod  time.Time
	h    hash.Hash
	n    int64
	eof  bool
	done func(ManifestFile)
}

func (m *measuredFile) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.h.Write(p[:n])
	m.n += int64(n)
	if errors.Is(err, io.EOF) && !m.eof {
		m.eof = true
		m.done(ManifestFile{Name: m.name, Size: m.n, SHA256: hex.EncodeToString(m.h.Sum(nil))})
	}
	return n, err
}

func (m *measuredFile) Stat() (fs.FileInfo, error) {
	return entryStat{name: m.name, size: m.n, mod: m.mod}, nil
}

func (m *measuredFile) Close() error {
	if c, ok := m.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// entryStat is the fs.FileInfo of an entry being written. The size is not
// known up front; the zip writer measures it (data descriptors).
type entryStat struct {
	name string
	size int64
	mod  time.Time
}

func (e entryStat) Name() string       { return filepath.Base(e.name) }
func (e entryStat) Size() int64        { return e.size }
func (e entryStat) Mode() fs.FileMode  { return 0o644 }
func (e entryStat) ModTime() time.Time { return e.mod }
func (e entryStat) IsDir() bool        { return false }
func (e entryStat) Sys() any           { return nil }

// hashingWriter hashes and counts the zip as it goes to disk and keeps the
// first write error.
type hashingWriter struct {
	w   io.Writer
	h   hash.Hash
	n   int64
	err error
}

func (z *hashingWriter) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	n, err := z.w.Write(p)
	z.h.Write(p[:n])
	z.n += int64(n)
	if err != nil {
		z.err = err
	}
	return n, err
}

// inventory is inventory.json.
type inventory struct {
	Licenses     []model.LicenceRecord     `json:"licenses"`
	Errors       []model.ErrorRecord       `json:"errors"`
	Entitlements []model.EntitlementRecord `json:"entitlements"`
	Expirations  []model.ExpirationRecord  `json:"expirations"`
}

// inventoryJSON is inventory.json, compact (viewers pretty-print it, and a
// large inventory is a third smaller to upload and faster to inspect
// without the indentation). It is encoded record by record as the zip
// writer pulls, like usage.json, so 50k licence files never exist as one
// JSON document in memory; the bytes are json.Encoder's of the whole
// inventory struct.
func inventoryJSON(s *model.Snapshot) (io.Reader, error) {
	return newInventoryStream(inventory{
		Licenses:     s.LicenceRecords(),
		Errors:       s.ErrorRecords(),
		Entitlements: s.EntitlementRecords(),
		Expirations:  s.ExpirationRecords(),
	}), nil
}

// jsonArray is one array member of a streamed object.
type jsonArray struct {
	key  string
	null bool // a nil slice: encoding/json writes null
	n    int
	item func(i int) any
}

func arrayOf[T any](key string, items []T) jsonArray {
	return jsonArray{key: key, null: items == nil, n: len(items), item: func(i int) any { return items[i] }}
}

// inventoryStream produces inventory.json a batch of records at a time.
type inventoryStream struct {
	buf    bytes.Buffer
	enc    *json.Encoder
	arrays []jsonArray
	at     int // the array being written
	next   int // its next record; -1 before its key
	done   bool
}

func newInventoryStream(inv inventory) *inventoryStream {
	st := &inventoryStream{next: -1, arrays: []jsonArray{
		arrayOf("licenses", inv.Licenses),
		arrayOf("errors", inv.Errors),
		arrayOf("entitlements", inv.Entitlements),
		arrayOf("expirations", inv.Expirations),
	}}
	st.enc = json.NewEncoder(&st.buf)
	st.enc.SetEscapeHTML(false)
	return st
}

func (st *inventoryStream) Read(p []byte) (int, error) {
	for st.buf.Len() == 0 && !st.done {
		if err := st.fill(); err != nil {
			return 0, err
		}
	}
	if st.buf.Len() > 0 {
		return st.buf.Read(p)
	}
	return 0, io.EOF
}

// fill appends up to identityBatch records, or the document's end.
func (st *inventoryStream) fill() error {
	for range identityBatch {
		if st.at == len(st.arrays) {
			st.buf.WriteString("}\n")
			st.done = true
			return nil
		}
		a := &st.arrays[st.at]
		if st.next < 0 {
			if st.at == 0 {
				st.buf.WriteByte('{')
			} else {
				st.buf.WriteByte(',')
			}
			fmt.Fprintf(&st.buf, "%q:", a.key)
			if a.null {
				st.buf.WriteString("null")
				st.at, st.next = st.at+1, -1
				continue
			}
			st.buf.WriteByte('[')
			st.next = 0
		}
		if st.next == a.n {
			st.buf.WriteByte(']')
			st.at, st.next = st.at+1, -1
			continue
		}
		if st.next > 0 {
			st.buf.WriteByte(',')
		}
		if err := st.enc.Encode(a.item(st.next)); err != nil {
			return err
		}
		st.buf.Truncate(st.buf.Len() - 1) // Encode's newline
		st.next++
	}
	return nil
}

// EditionRecord is one product edition activated in the month: the
// distinct identities that used any of its features.
type EditionRecord struct {
	ProductCode string   `json:"product_code"`
	EditionCode string   `json:"edition_code"`
	Product     string   `json:"product"`
	Edition     string   `json:"edition"`
	Features    []string `json:"features"`
	Users       int      `json:"users"`
	Devices     int      `json:"devices"`
}

// editionsOf groups the month's features by product and edition.
func editionsOf(r *usage.Report) []EditionRecord {
	index := map[[2]string]int{}
	var out []EditionRecord
	byFeature := map[string]int{}
	for _, f := range r.Features {
		n := licfile.DecodeFeature(f.Feature)
		key := licfile.KeyOf(n) // XDS counts with its XDT twin, in any case
		k := [2]string{key.Product, key.Edition}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, EditionRecord{ProductCode: key.Product, EditionCode: n.EditionCode,
				Product: n.Product, Edition: n.Edition, Features: []string{}})
		}
		out[i].Features = append(out[i].Features, f.Feature)
		byFeature[f.Feature] = i
	}
	var seen []int
	for id := range r.AllIdentities() {
		seen = seen[:0]
		for _, f := range id.Features {
			i, ok := byFeature[f]
			if !ok || containsInt(seen, i) {
				continue
			}
			seen = append(seen, i)
			if id.Kind == usage.Device {
				out[i].Devices++
			} else {
				out[i].Users++
			}
		}
	}
	if out == nil {
		out = []EditionRecord{}
	}
	return out
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// usageStream produces usage.json on demand. The header (a few hundred
// features and days at most) is encoded at once; identities are encoded a
// batch at a time as the zip writer pulls, so 100k identities never exist
// as one JSON document in memory.
type usageStream struct {
	ctx  context.Context
	r    *usage.Report
	scr  *scramble.Scrambler
	buf  bytes.Buffer
	enc  *json.Encoder
	step int // 0 header, 1 identities, 2 done
	next int // next identity
	name []byte
	// records writes each identity into buf, with no garbage per identity.
	records *model.IdentityJSON
	err     error
}

// newRecordWriter is usage.json's identity-record writer: the bytes
// json.Encoder with SetEscapeHTML(false) writes for NewIdentityRecord, as
// the header's fields are written, with no garbage per identity (a
// million records through reflection left hundreds of MB of it while the
// report was live, which the collector let grow to twice the live heap).
func newRecordWriter() *model.IdentityJSON { return model.NewIdentityJSON(jsonstr.Escape{}) }

// identityBatch is how many identities are encoded per refill: large
// enough to amortise the bookkeeping, small enough to keep the buffer at a
// few tens of kilobytes.
const identityBatch = 128

func newUsageStream(ctx context.Context, r *usage.Report, scr *scramble.Scrambler) *usageStream {
	u := &usageStream{ctx: ctx, r: r, scr: scr, records: newRecordWriter()}
	u.enc = json.NewEncoder(&u.buf)
	u.enc.SetEscapeHTML(false)
	return u
}

func (u *usageStream) Read(p []byte) (int, error) {
	for u.buf.Len() == 0 && u.err == nil {
		u.err = u.fill()
	}
	if u.buf.Len() > 0 {
		return u.buf.Read(p)
	}
	return 0, u.err
}

// fill appends the next piece of the document; io.EOF after the last one.
func (u *usageStream) fill() error {
	if err := u.ctx.Err(); err != nil {
		return err
	}
	switch u.step {
	case 0:
		// The one usage record definition (model.UsageRecord), field by
		// field, then the identities streamed.
		u.buf.WriteString("{\n")
		for _, f := range model.UsageHeadFields(u.r, model.RecordField{Key: "editions", Value: editionsOf(u.r)}) {
			fmt.Fprintf(&u.buf, "  %q: ", f.Key)
			if err := u.enc.Encode(f.Value); err != nil {
				return err
			}
			u.buf.Truncate(u.buf.Len() - 1) // Encode's newline
			u.buf.WriteString(",\n")
		}
		u.buf.WriteString("  \"identities\": [")
		u.step = 1
		return nil
	case 1:
		n := u.r.IdentityCount()
		end := min(u.next+identityBatch, n)
		for ; u.next < end; u.next++ {
			if err := u.identity(u.r.IdentityAt(u.next)); err != nil {
				return err
			}
		}
		if u.next == n {
			if n > 0 {
				u.buf.WriteString("\n  ")
			}
			u.buf.WriteString("]\n}\n")
			u.step = 2
		}
		return nil
	}
	return io.EOF
}

func (u *usageStream) identity(id usage.Identity) error {
	if u.scr != nil {
		var err error
		u.name, err = u.scr.AppendPseudonym(u.name[:0], id.Name)
		if err != nil {
			// Never fall back to the plain name.
			return fmt.Errorf("%s: identity %d: %w", UsageName, u.next+1, err)
		}
	}
	if u.next > 0 {
		u.buf.WriteByte(',')
	}
	u.buf.WriteString("\n    ")
	var rec []byte
	if u.scr != nil {
		rec = u.records.AppendAs(u.buf.AvailableBuffer(), id, u.name)
	} else {
		rec = u.records.Append(u.buf.AvailableBuffer(), id)
	}
	u.buf.Write(rec) // rec is buf's own spare room, unless it outgrew it
	return nil
}
