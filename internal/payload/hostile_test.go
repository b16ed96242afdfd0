package payload

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strings"
	"testing"
	"time"
)

// zfile is one entry of a zip written for a test.
type zfile struct {
	name   string
	data   []byte
	mode   fs.FileMode // 0 means a regular file
	method uint16      // zip.Deflate unless set to zip.Store (0 is Store, so use storeMethod)
	store  bool
}

// zipOf writes files with archive/zip, which writes whatever names it is
// given: the hostile ones included.
func zipOf(t testing.TB, files []zfile) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		if f.store {
			h.Method = zip.Store
		}
		if f.method != 0 {
			h.Method = f.method
		}
		h.SetMode(0o644)
		if f.mode != 0 {
			h.SetMode(f.mode)
		}
		h.Modified = fixtureNow
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// validFiles is a small well-formed payload's content (manifest excluded).
func validFiles(scrambled bool) []zfile {
	names := []string{"alice@corp.example", "bob@corp.example"}
	if scrambled {
		names = []string{"7kz2m4q5x6a7b2c3d4e5f6g7h2", "abcdefghijklmnopqrstuvwxyz"}
	}
	var ids []string
	for _, n := range names {
		ids = append(ids, fmt.Sprintf(`{"name":%q,"kind":"user","features":["XDT_PLT_UD"],"first_seen":"2026-11-02T08:00:00Z","last_seen":"2026-11-02T09:00:00Z"}`, n))
	}
	usage := `{"month":"2026-11","timezone":"UTC","features":[{"feature":"XDT_PLT_UD","users":2,"devices":0}],` +
		`"editions":[],"days":[],"denied":0,"undated_lines":0,"identities":[` + strings.Join(ids, ",") + "]}\n"
	inventory := `{"licenses":[{"feature":"XDT_PLT_UD"},{"feature":"CITRIX"}],"errors":[],"entitlements":[{}],"expirations":[]}` + "\n"
	return []zfile{
		{name: "licenses/retail.lic", data: []byte("INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 500\r\n")},
		{name: InventoryName, data: []byte(inventory)},
		{name: UsageName, data: []byte(usage)},
	}
}

func manifestFor(files []zfile, scrambled bool) Manifest {
	m := Manifest{Schema: Schema, Generated: "2026-11-15T12:00:00Z", Month: "2026-11", Timezone: "UTC",
		Server: ManifestServer{Host: "ctxlic01.corp.example", ID: "0123456789abcdef01234567"}}
	if scrambled {
		m.Anonymization = Anonymization{Enabled: true, KeyFingerprint: "0011223344556677"}
	}
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		m.Files = append(m.Files, ManifestFile{Name: f.name, Size: int64(len(f.data)), SHA256: hex.EncodeToString(sum[:])})
	}
	return m
}

func manifestEntry(t testing.TB, m Manifest) zfile {
	t.Helper()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return zfile{name: ManifestName, data: data}
}

// payloadZip is a well-formed payload, after edit changes its files and
// manifest (both may be changed; the manifest is computed first).
func payloadZip(t testing.TB, scrambled bool, edit func(files []zfile, m *Manifest) []zfile) []byte {
	t.Helper()
	files := validFiles(scrambled)
	m := manifestFor(files, scrambled)
	if edit != nil {
		files = edit(files, &m)
	}
	return zipOf(t, append(files, manifestEntry(t, m)))
}

// listed adds f to the zip and to the manifest, so that the only problem
// is the one f carries.
func listed(f zfile) func([]zfile, *Manifest) []zfile {
	return func(files []zfile, m *Manifest) []zfile {
		m.Files = append(m.Files, manifestFor([]zfile{f}, false).Files...)
		return append(files, f)
	}
}

// rawEntry is an entry for rawZip, which writes bytes exactly as told:
// stored data, any sizes, any offsets.
type rawEntry struct {
	name    string
	data    []byte // written after the local header
	method  uint16
	flags   uint16
	usize   uint32 // declared uncompressed size
	noLocal bool   // no local header: the entry points into another's data
	offset  uint32 // with noLocal, where its local header is
}

// rawZip lays out local headers and data in order, then the central
// directory and an end record that declares records entries.
func rawZip(entries []rawEntry, records int) []byte {
	var out bytes.Buffer
	le := binary.LittleEndian
	offsets := make([]uint32, len(entries))
	for i, e := range entries {
		if e.noLocal {
			offsets[i] = e.offset
			continue
		}
		offsets[i] = uint32(out.Len())
		out.Write(localHeader(e))
		out.Write(e.data)
	}
	cdStart := out.Len()
	for i, e := range entries {
		var h [46]byte
		le.PutUint32(h[0:], 0x02014b50)
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[6:], 20)
		le.PutUint16(h[8:], e.flags)
		le.PutUint16(h[10:], e.method)
		le.PutUint32(h[16:], crc32.ChecksumIEEE(e.data))
		le.PutUint32(h[20:], uint32(len(e.data)))
		le.PutUint32(h[24:], e.usize)
		le.PutUint16(h[28:], uint16(len(e.name)))
		le.PutUint32(h[42:], offsets[i])
		out.Write(h[:])
		out.WriteString(e.name)
	}
	var end [22]byte
	le.PutUint32(end[0:], 0x06054b50)
	le.PutUint16(end[8:], uint16(records))
	le.PutUint16(end[10:], uint16(records))
	le.PutUint32(end[12:], uint32(out.Len()-cdStart))
	le.PutUint32(end[16:], uint32(cdStart))
	out.Write(end[:])
	return out.Bytes()
}

func localHeader(e rawEntry) []byte {
	le := binary.LittleEndian
	var h [30]byte
	le.PutUint32(h[0:], 0x04034b50)
	le.PutUint16(h[4:], 20)
	le.PutUint16(h[6:], e.flags)
	le.PutUint16(h[8:], e.method)
	le.PutUint32(h[14:], crc32.ChecksumIEEE(e.data))
	le.PutUint32(h[18:], uint32(len(e.data)))
	le.PutUint32(h[22:], e.usize)
	le.PutUint16(h[26:], uint16(len(e.name)))
	return append(h[:], e.name...)
}

func deflated(t testing.TB, data []byte) []byte {
	t.Helper()
	// archive/zip's deflate, through a one-entry zip, keeps the test free
	// of a second flate configuration.
	z := zipOf(t, []zfile{{name: "x", data: data}})
	le := binary.LittleEndian
	nameLen, extraLen := int(le.Uint16(z[26:])), int(le.Uint16(z[28:]))
	start := 30 + nameLen + extraLen
	// The central directory holds the real compressed size (the local
	// header defers it to a data descriptor).
	cd := bytes.LastIndex(z, []byte{0x50, 0x4b, 0x01, 0x02})
	csize := int(le.Uint32(z[cd+20:]))
	return z[start : start+csize]
}

// overlappingZip hides entry b's local header and data inside entry a's
// stored data, the layout of non-recursive zip bombs.
func overlappingZip() []byte {
	inner := rawEntry{name: "b", data: []byte("hello"), usize: 5}
	innerBytes := append(localHeader(inner), inner.data...)
	pad := bytes.Repeat([]byte{'.'}, 10)
	outerData := append(append(append([]byte{}, pad...), innerBytes...), pad...)
	outer := rawEntry{name: "a", data: outerData, usize: uint32(len(outerData))}
	inner.noLocal = true
	inner.offset = uint32(30 + len("a") + len(pad))
	return rawZip([]rawEntry{outer, inner}, 2)
}

func inspectBytes(data []byte, lim Limits) *Report {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Inspect(ctx, bytes.NewReader(data), int64(len(data)), "test.zip", lim)
}

func TestHostileZips(t *testing.T) {
	valid := payloadZip(t, false, nil)
	zeros := bytes.Repeat([]byte{0}, 8<<20)
	lyingSmall := deflated(t, bytes.Repeat([]byte{'a'}, 1<<20))
	small := Limits{MaxEntries: 100, MaxTotal: 4 << 20, MaxEntry: 2 << 20, MaxRatio: 200}

	many := func(n int) []byte {
		files := make([]zfile, n)
		for i := range files {
			files[i] = zfile{name: fmt.Sprintf("f%d", i), store: true}
		}
		return zipOf(t, files)
	}
	countLie := many(500)
	binary.LittleEndian.PutUint16(countLie[len(countLie)-12:], 5) // records on this disk
	binary.LittleEndian.PutUint16(countLie[len(countLie)-10:], 5) // records in total

	tests := []struct {
		name string
		zip  []byte
		lim  Limits
		want string // a problem containing this
	}{
		{"slip", payloadZip(t, false, listed(zfile{name: "../x", data: []byte("x")})), DefaultLimits, `".." in path`},
		{"slip deep", payloadZip(t, false, listed(zfile{name: "licenses/../../x", data: []byte("x")})), DefaultLimits, `".." in path`},
		{"absolute", payloadZip(t, false, listed(zfile{name: "/etc/x", data: []byte("x")})), DefaultLimits, "absolute path"},
		{"backslash", payloadZip(t, false, listed(zfile{name: `licenses\x.lic`, data: []byte("x")})), DefaultLimits, "backslash"},
		{"backslash slip", payloadZip(t, false, listed(zfile{name: `..\..\x`, data: []byte("x")})), DefaultLimits, `".." in path`},
		{"drive letter", payloadZip(t, false, listed(zfile{name: "C:x", data: []byte("x")})), DefaultLimits, "drive letter"},
		{"drive letter path", payloadZip(t, false, listed(zfile{name: "c:/windows/x", data: []byte("x")})), DefaultLimits, "drive letter"},
		{"stream", payloadZip(t, false, listed(zfile{name: "usage.json:hidden", data: []byte("x")})), DefaultLimits, "colon"},
		{"empty name", payloadZip(t, false, listed(zfile{name: "", data: []byte("x")})), DefaultLimits, "empty name"},
		{"escape sequence", payloadZip(t, false, listed(zfile{name: "a\x1b]0;pwned\x07\x1b[2J.lic", data: []byte("x")})), DefaultLimits, "control character"},
		{"bidi override", payloadZip(t, false, listed(zfile{name: "licenses/\u202egpj.lic", data: []byte("x")})), DefaultLimits, "bidi"},
		{"duplicate", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			return append(files, zfile{name: UsageName, data: files[2].data})
		}), DefaultLimits, "duplicate name"},
		{"duplicate in case", payloadZip(t, false, listed(zfile{name: "Usage.JSON", data: []byte("{}")})), DefaultLimits, "differs only in case"},
		{"symlink", payloadZip(t, false, listed(zfile{name: "licenses/link.lic", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777})), DefaultLimits, "symlink"},
		{"ratio bomb", payloadZip(t, false, listed(zfile{name: "licenses/bomb.lic", data: zeros})), DefaultLimits, "compression ratio"},
		{"over entry cap", payloadZip(t, false, listed(zfile{name: "licenses/big.lic", data: bytes.Repeat([]byte("0123456789abcdef"), 256<<10)})), small, "over the 2 MiB cap per entry"},
		{"over total cap", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			for i := 0; i < 3; i++ {
				files = listed(zfile{name: fmt.Sprintf("licenses/%d.lic", i), data: bytes.Repeat([]byte("0123456789abcdef"), 100<<10)})(files, m)
			}
			return files
		}), small, "in total, over the 4 MiB cap"},
		{"header lies about size", rawZip([]rawEntry{{name: "lie", data: lyingSmall, method: zip.Deflate, usize: 100}}, 1), DefaultLimits, "longer than its header declares"},
		{"overlapping entries", overlappingZip(), DefaultLimits, "overlap"},
		{"entry points past the end", rawZip([]rawEntry{{name: "a", data: []byte("x"), usize: 1}, {name: "b", noLocal: true, offset: 1 << 20, usize: 1}}, 2), DefaultLimits, "local header outside the file"},
		{"truncated", valid[:len(valid)/2], DefaultLimits, "not a zip file, or truncated"},
		{"truncated end record", valid[:len(valid)-1], DefaultLimits, "not a zip file, or truncated"},
		{"not a zip", []byte("this is a licence file, honest\n"), DefaultLimits, "not a zip file"},
		{"empty file", nil, DefaultLimits, "not a zip file"},
		{"100k entries", many(100_000), DefaultLimits, "100000 entries, over the cap of 20000"},
		{"count lie", countLie, small, "more than 100 entries"},
		{"manifest hash mismatch", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files[2].data = bytes.Replace(files[2].data, []byte("bob@"), []byte("eve@"), 1)
			return files
		}), DefaultLimits, "SHA-256 does not match the manifest"},
		{"manifest size mismatch", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files[0].data = append(files[0].data, '\n')
			return files
		}), DefaultLimits, "does not match the manifest's"},
		{"unlisted entry", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			return append(files, zfile{name: "extra.txt", data: []byte("hi")})
		}), DefaultLimits, "not listed in the manifest"},
		{"listed but missing", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			return files[:2]
		}), DefaultLimits, "which is not in the zip"},
		{"no manifest", zipOf(t, validFiles(false)), DefaultLimits, "no manifest.json"},
		{"manifest not JSON", zipOf(t, append(validFiles(false), zfile{name: ManifestName, data: []byte("{nope")})), DefaultLimits, "manifest.json does not parse"},
		{"unknown schema", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			m.Schema = 99
			return files
		}), DefaultLimits, "schema 99"},
		{"scrambled but plain names", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			m.Anonymization = Anonymization{Enabled: true, KeyFingerprint: "0011223344556677"}
			return files
		}), DefaultLimits, "2 identities in usage.json look like plain names"},
		{"usage not JSON", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files[2].data = []byte(`{"identities": [`)
			*m = manifestFor(files, false)
			return files
		}), DefaultLimits, "usage.json:"},
		{"deep nesting", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files[1].data = []byte(`{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}")
			*m = manifestFor(files, false)
			return files
		}), DefaultLimits, "nested deeper"},
		{"local header names another file", localNameLie(), DefaultLimits, `local header names it "evil"`},
		{"folder mode on a file name", payloadZip(t, false, listed(zfile{name: "licenses/x.lic", data: []byte{}, mode: fs.ModeDir | 0o755})), DefaultLimits, "folder mode"},
		{"encrypted", rawZip([]rawEntry{{name: "secret", data: []byte("x"), flags: 1, usize: 1}}, 1), DefaultLimits, "encrypted"},
		{"other method", rawZip([]rawEntry{{name: "b.bz2", data: []byte("BZh9"), method: 12, usize: 4}}, 1), DefaultLimits, "compression method 12 not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			agreesWithKlauspost(t, tc.zip)
			rep := inspectBytes(tc.zip, tc.lim)
			t.Log(rep.Verdict())
			if rep.OK {
				t.Fatalf("accepted: %s", rep.Verdict())
			}
			if !strings.HasPrefix(rep.Verdict(), "REJECTED: ") {
				t.Errorf("verdict %q", rep.Verdict())
			}
			found := false
			for _, p := range rep.Problems {
				if strings.Contains(p, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem mentions %q; got %q", tc.want, rep.Problems)
			}
			if _, err := json.Marshal(rep); err != nil {
				t.Errorf("report does not encode: %v", err)
			}
		})
	}
}

// TestHostileZipEntriesAreBounded checks the rejections that must happen
// before any per-entry work: a report of a zip over the entry cap lists no
// entries, and a bomb's content is never decompressed.
func TestHostileZipEntriesAreBounded(t *testing.T) {
	files := make([]zfile, 30000)
	for i := range files {
		files[i] = zfile{name: fmt.Sprintf("f%d", i), store: true}
	}
	rep := inspectBytes(zipOf(t, files), DefaultLimits)
	if rep.OK || len(rep.Entries) != 0 {
		t.Errorf("over-cap zip: ok=%v with %d entries built", rep.OK, len(rep.Entries))
	}

	bomb := payloadZip(t, false, listed(zfile{name: "licenses/bomb.lic", data: bytes.Repeat([]byte{0}, 8<<20)}))
	rep = inspectBytes(bomb, DefaultLimits)
	i := entryIndex(rep.Entries, "licenses/bomb.lic")
	if i < 0 || rep.Entries[i].Read || rep.Entries[i].SHA256 != "" || rep.Entries[i].Check != CheckUnread {
		t.Errorf("bomb entry was read: %+v", rep.Entries)
	}
	// The rest of the payload is still read and checked.
	if j := entryIndex(rep.Entries, UsageName); j < 0 || rep.Entries[j].Check != CheckOK {
		t.Errorf("usage.json not checked: %+v", rep.Entries)
	}
}

func TestHostileProblemsAreCapped(t *testing.T) {
	var files []zfile
	for i := 0; i < 300; i++ {
		files = append(files, zfile{name: fmt.Sprintf("../%d", i), store: true})
	}
	rep := inspectBytes(zipOf(t, files), DefaultLimits)
	if len(rep.Problems) != maxProblems+1 || !strings.HasPrefix(rep.Problems[maxProblems], "… and ") {
		t.Errorf("%d problems kept, last %q", len(rep.Problems), rep.Problems[len(rep.Problems)-1])
	}
	if rep.ProblemCount() != 300 { // 300 names; an unknown zip, so no lsui problems beside them
		t.Errorf("ProblemCount %d, want every problem counted", rep.ProblemCount())
	}
	if v := rep.Verdict(); !strings.Contains(v, fmt.Sprintf("(+%d more)", rep.ProblemCount()-1)) {
		t.Errorf("verdict %q", v)
	}
}

func FuzzInspect(f *testing.F) {
	f.Add(payloadZip(f, false, nil))
	f.Add(payloadZip(f, true, nil))
	f.Add(overlappingZip())
	f.Add(rawZip([]rawEntry{{name: "../x", data: []byte("x"), usize: 1}}, 1))
	f.Add(rawZip([]rawEntry{{name: "lie", data: deflated(f, bytes.Repeat([]byte{'a'}, 4096)), method: zip.Deflate, usize: 10}}, 1))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00"))
	f.Add([]byte{})
	lim := Limits{MaxEntries: 64, MaxTotal: 1 << 20, MaxEntry: 256 << 10, MaxRatio: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		agreesWithKlauspost(t, data) // the directory Inspect checks is the one Verify reads
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s := Scan(ctx, bytes.NewReader(data), int64(len(data)), "fuzz.zip", lim)
		listing := s.Listing()
		if listing.OK || (listing.State == StateListed) != (len(listing.Problems) == 0) {
			t.Fatalf("listing ok=%v state %q with problems %q", listing.OK, listing.State, listing.Problems)
		}
		rep := s.Verify(ctx, nil)
		if rep == nil {
			t.Fatal("nil report")
		}
		// OK only when verified against a manifest, problems exactly when
		// rejected: a zip that is not lsui's (an empty one, say) is read,
		// with none and not OK (StateRead, "UNKNOWN: …").
		if rep.OK != (rep.State == StateVerified) || (len(rep.Problems) > 0) != (rep.State == StateRejected) {
			t.Fatalf("ok=%v state %q with problems %q", rep.OK, rep.State, rep.Problems)
		}
		if rep.State == StateRead && !strings.HasPrefix(rep.Verdict(), "UNKNOWN: ") && !strings.HasPrefix(rep.Verdict(), "CITRIX: ") {
			t.Fatalf("read, with the verdict %q", rep.Verdict())
		}
		if listing.State == StateRejected && rep.OK {
			t.Fatalf("verified what the listing rejected: %q", listing.Problems)
		}
		if rep.OK && (rep.Manifest == nil || rep.Summary.Scrambled && rep.Summary.PlaintextIdentitiesFound > 0) {
			t.Fatalf("accepted without a manifest or with plain names: %+v", rep)
		}
		if len(rep.Entries) > lim.MaxEntries {
			t.Fatalf("%d entries over the cap", len(rep.Entries))
		}
		if rep.Verdict() == "" {
			t.Fatal("empty verdict")
		}
	})
}

func entryIndex(entries []Entry, name string) int {
	for i, e := range entries {
		if e.Name == name {
			return i
		}
	}
	return -1
}

// localNameLie names an entry "good" in the central directory and "evil"
// in its local header: tools that read local headers see another file.
func localNameLie() []byte {
	z := rawZip([]rawEntry{{name: "good", data: []byte("x"), usize: 1}}, 1)
	copy(z[30:], "evil")
	return z
}
