package zipdir

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kzip "github.com/klauspost/compress/zip"
)

// member is one entry of a zip written for a test.
type member struct {
	name  string
	data  []byte
	store bool
	mode  fs.FileMode
}

// zipOf writes members with archive/zip (data descriptors, as Go and
// archiver write them).
func zipOf(t testing.TB, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)}
		if m.store {
			h.Method = zip.Store
		}
		h.SetMode(0o644)
		if m.mode != 0 {
			h.SetMode(m.mode)
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawMember is an entry for rawZip, which writes stored data with no
// data descriptor and lets a test change any field afterwards.
type rawMember struct {
	name string
	data []byte
}

// rawZip lays out members in order, then the directory and end record,
// and returns the zip and where each local header and central record is.
func rawZip(members ...rawMember) (z []byte, local, central []int) {
	var out bytes.Buffer
	le := binary.LittleEndian
	for _, m := range members {
		local = append(local, out.Len())
		var h [lenLocal]byte
		le.PutUint32(h[0:], sigLocal)
		le.PutUint16(h[4:], 20)
		le.PutUint32(h[14:], crc32.ChecksumIEEE(m.data))
		le.PutUint32(h[18:], uint32(len(m.data)))
		le.PutUint32(h[22:], uint32(len(m.data)))
		le.PutUint16(h[26:], uint16(len(m.name)))
		out.Write(h[:])
		out.WriteString(m.name)
		out.Write(m.data)
	}
	start := out.Len()
	for i, m := range members {
		central = append(central, out.Len())
		var h [lenCentral]byte
		le.PutUint32(h[0:], sigCentral)
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[6:], 20)
		le.PutUint32(h[16:], crc32.ChecksumIEEE(m.data))
		le.PutUint32(h[20:], uint32(len(m.data)))
		le.PutUint32(h[24:], uint32(len(m.data)))
		le.PutUint16(h[28:], uint16(len(m.name)))
		le.PutUint32(h[42:], uint32(local[i]))
		out.Write(h[:])
		out.WriteString(m.name)
	}
	var end [lenEnd]byte
	le.PutUint32(end[0:], sigEnd)
	le.PutUint16(end[8:], uint16(len(members)))
	le.PutUint16(end[10:], uint16(len(members)))
	le.PutUint32(end[12:], uint32(out.Len()-start))
	le.PutUint32(end[16:], uint32(start))
	out.Write(end[:])
	return out.Bytes(), local, central
}

func read(data []byte, lim Limits) (*Directory, []Problem, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Read(ctx, bytes.NewReader(data), int64(len(data)), lim)
}

// agree fails unless klauspost/compress/zip lists exactly dir's entries in
// data: names, methods, flags, CRCs, sizes and where each entry's data lies.
func agree(t *testing.T, data []byte, dir *Directory) {
	t.Helper()
	zr, err := kzip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, kzip.ErrInsecurePath) {
		t.Fatalf("zipdir accepts what klauspost's reader refuses: %v", err)
	}
	if len(zr.File) != len(dir.Entries) {
		t.Fatalf("zipdir lists %d entries, klauspost %d", len(dir.Entries), len(zr.File))
	}
	for i, f := range zr.File {
		e := dir.Entries[i]
		if f.Name != e.Name || f.Method != e.Method || f.Flags != e.Flags || f.CRC32 != e.CRC32 ||
			f.CompressedSize64 != e.CompressedSize || f.UncompressedSize64 != e.UncompressedSize {
			t.Fatalf("entry %d: zipdir %q method %d flags %#x crc %08x %d/%d; klauspost %q method %d flags %#x crc %08x %d/%d",
				i, e.Name, e.Method, e.Flags, e.CRC32, e.CompressedSize, e.UncompressedSize,
				f.Name, f.Method, f.Flags, f.CRC32, f.CompressedSize64, f.UncompressedSize64)
		}
		off, err := f.DataOffset()
		if err != nil || off != e.DataOffset {
			t.Fatalf("entry %q: data at %d for zipdir, %d (%v) for klauspost", e.Name, e.DataOffset, off, err)
		}
	}
}

// wellFormed are zips every reader reads the same way.
func wellFormed(t testing.TB) map[string][]byte {
	big := bytes.Repeat([]byte("INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 500\r\n"), 4000)
	plain, _, _ := rawZip(rawMember{"a.txt", []byte("hello")}, rawMember{"b/c.txt", nil})
	comment := zipOf(t, member{name: "x", data: []byte("x")})
	binary.LittleEndian.PutUint16(comment[len(comment)-2:], 7)
	comment = append(comment, "comment"...)
	return map[string][]byte{
		"empty":        zipOf(t),
		"one deflated": zipOf(t, member{name: "usage.json", data: []byte(`{"month":"2026-11"}`)}),
		"stored and deflated": zipOf(t, member{name: "licenses/", store: true, mode: fs.ModeDir | 0o755},
			member{name: "licenses/retail.lic", data: big}, member{name: "inventory.json", data: []byte("{}"), store: true}),
		"empty entries":   zipOf(t, member{name: "a"}, member{name: "b", store: true}),
		"no descriptors":  plain,
		"with a comment":  comment,
		"symlink entry":   zipOf(t, member{name: "l", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}),
		"unicode names":   zipOf(t, member{name: "licenses/Müller.lic", data: []byte("x")}),
		"crc of 0":        zipOf(t, member{name: "empty.json"}),
		"many small ones": manyOf(t, 300),
	}
}

func manyOf(t testing.TB, n int) []byte {
	ms := make([]member, n)
	for i := range ms {
		ms[i] = member{name: fmt.Sprintf("licenses/f%04d.lic", i), data: []byte(fmt.Sprint(i))}
	}
	return zipOf(t, ms...)
}

func TestReadAgreesWithKlauspost(t *testing.T) {
	zips := wellFormed(t)
	// Every zip committed in the repository's testdata, too.
	root := filepath.Join("..", "..")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".zip") && strings.Contains(p, "testdata") {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			zips[p] = data
		}
		return nil
	})
	if len(zips) <= len(wellFormed(t)) {
		t.Fatal("no committed zip fixture found")
	}
	for name, data := range zips {
		t.Run(name, func(t *testing.T) {
			dir, problems, err := read(data, Limits{MaxEntries: 20000})
			if _, kerr := kzip.NewReader(bytes.NewReader(data), int64(len(data))); kerr != nil && errors.Is(err, ErrNotZip) {
				return // a fixture that is not a zip (a stand-in file), for either reader
			}
			if err != nil || len(problems) > 0 {
				t.Fatalf("refused: %v %v", err, problems)
			}
			agree(t, data, dir)
			if dir.Start+dir.Size > int64(len(data)) {
				t.Errorf("directory %d+%d past the end %d", dir.Start, dir.Size, len(data))
			}
		})
	}
}

func TestReadTypes(t *testing.T) {
	data := zipOf(t, member{name: "d/", store: true, mode: fs.ModeDir | 0o755}, member{name: "l", data: []byte("t"), mode: fs.ModeSymlink | 0o777},
		member{name: "p", mode: fs.ModeNamedPipe | 0o644}, member{name: "f", data: []byte("x")})
	dir, problems, err := read(data, Limits{})
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	want := []FileType{Folder, Symlink, Special, Regular}
	for i, e := range dir.Entries {
		if e.Type() != want[i] {
			t.Errorf("%s: type %d, want %d", e.Name, e.Type(), want[i])
		}
	}
}

// TestReadRefusesAmbiguousZips holds the zips that a streaming reader
// (reading local headers in file order) and a directory reader see
// differently, and the caps.
func TestReadRefusesAmbiguousZips(t *testing.T) {
	le := binary.LittleEndian
	good := zipOf(t, member{name: "usage.json", data: []byte(`{"identities":[]}`)})
	edit := func(f func(z []byte, local, central []int) []byte) []byte {
		z, local, central := rawZip(rawMember{"a.json", []byte(`{"a":1}`)}, rawMember{"b.json", []byte(`{"b":2}`)})
		return f(z, local, central)
	}
	// gap rebuilds a raw zip with pad bytes inserted before the second
	// entry (or the directory), fixing the offsets that point past them,
	// so that only the gap is wrong.
	gap := func(beforeDirectory bool, pad []byte) []byte {
		members := []rawMember{{"a.json", []byte(`{"a":1}`)}, {"b.json", []byte(`{"b":2}`)}}
		z, local, central := rawZip(members...)
		at := local[1]
		if beforeDirectory {
			at = central[0]
		}
		out := append(append(append([]byte{}, z[:at]...), pad...), z[at:]...)
		n := uint32(len(pad))
		for i := range members {
			c := central[i] + len(pad)
			if local[i] >= at {
				le.PutUint32(out[c+42:], uint32(local[i])+n)
			}
		}
		le.PutUint32(out[len(out)-6:], le.Uint32(out[len(out)-6:])+n) // directory offset
		return out
	}
	twoZips := append(append([]byte{}, good...), good...)
	descLie := zipOf(t, member{name: "x.json", data: []byte(`{"x":1}`)})
	// The data descriptor follows the 7 deflated bytes... find it by its
	// signature and change its CRC.
	if i := bytes.Index(descLie, []byte("PK\x07\x08")); i > 0 {
		descLie[i+4]++
	} else {
		t.Fatal("no data descriptor")
	}
	zeroCRC := edit(func(z []byte, local, central []int) []byte {
		le.PutUint32(z[central[0]+16:], 0) // "no CRC" to some readers
		return z
	})
	longName, _, _ := rawZip(rawMember{strings.Repeat("n", 300), nil})

	tests := []struct {
		name string
		zip  []byte
		lim  Limits
		want string // in the error or a problem
	}{
		{"bytes before the first entry", append([]byte("#!/bin/sh\nexit 0\n"), good...), Limits{}, "bytes before the first entry"},
		{"the same zip twice", twoZips, Limits{}, "bytes between the central directory and its end record"},
		{"a second zip appended", append(append([]byte{}, good...), manyOf(t, 3)...), Limits{}, "bytes before the first entry"},
		{"junk after the end record", append(append([]byte{}, good...), "trailing"...), Limits{}, "bytes after the end record"},
		{"gap between entries", gap(false, []byte("hidden")), Limits{}, "bytes of gap before it"},
		{"gap before the directory", gap(true, []byte("hidden")), Limits{}, "between it and the central directory"},
		{"local method differs", edit(func(z []byte, local, _ []int) []byte { le.PutUint16(z[local[1]+8:], 8); return z }), Limits{}, "compression method 8"},
		{"local CRC differs", edit(func(z []byte, local, _ []int) []byte { z[local[0]+14]++; return z }), Limits{}, "disagrees with the central directory"},
		{"local size differs", edit(func(z []byte, local, _ []int) []byte { le.PutUint32(z[local[0]+22:], 1); return z }), Limits{}, "disagrees with the central directory"},
		{"CRC of 0 in the directory only", zeroCRC, Limits{}, "CRC 00000000"},
		{"local descriptor flag differs", edit(func(z []byte, local, _ []int) []byte { z[local[0]+6] |= 8; return z }), Limits{}, "flags"},
		{"data descriptor differs", descLie, Limits{}, "data descriptor"},
		{"local name differs", edit(func(z []byte, local, _ []int) []byte { z[local[0]+30] = 'z'; return z }), Limits{}, `names it "z.json"`},
		{"overlap", edit(func(z []byte, _, central []int) []byte { le.PutUint32(z[central[1]+42:], 0); return z }), Limits{}, "overlap"},
		{"directory size lie", edit(func(z []byte, _, _ []int) []byte { le.PutUint32(z[len(z)-10:], 10); return z }), Limits{}, "the central directory is"},
		{"too many entries", manyOf(t, 30), Limits{MaxEntries: 10}, "30 entries, over the cap of 10"},
		{"name over the cap", longName, Limits{MaxName: 255}, "a name of 300 bytes"},
		{"directory over the cap", manyOf(t, 30), Limits{MaxDirectory: 100}, "over the cap of 100"},
		{"not a zip", []byte("hello"), Limits{}, "not a zip file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, problems, err := read(tc.zip, tc.lim)
			var texts []string
			if err != nil {
				texts = append(texts, err.Error())
			}
			for _, p := range problems {
				texts = append(texts, p.Error())
			}
			t.Log(texts)
			if err == nil && len(problems) == 0 {
				t.Fatalf("accepted (%d entries)", len(dir.Entries))
			}
			if !strings.Contains(strings.Join(texts, "\n"), tc.want) {
				t.Errorf("nothing mentions %q: %q", tc.want, texts)
			}
		})
	}
	// The two halves of the appended zip are each fine on their own.
	if _, p, err := read(good, Limits{}); err != nil || len(p) > 0 {
		t.Fatalf("the zip alone: %v %v", err, p)
	}
	if errors.Is(func() error { _, _, err := read([]byte("x"), Limits{}); return err }(), ErrNotZip) == false {
		t.Error("not a zip: the error does not wrap ErrNotZip")
	}
}

func TestReadStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := manyOf(t, 5)
	if _, _, err := Read(ctx, bytes.NewReader(data), int64(len(data)), Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// FuzzRead: whatever Read accepts, klauspost/compress/zip lists the same
// way; nothing panics.
func FuzzRead(f *testing.F) {
	for _, z := range wellFormed(f) {
		f.Add(z)
	}
	raw, _, _ := rawZip(rawMember{"a", []byte("x")}, rawMember{"b", nil})
	f.Add(raw)
	f.Add(append([]byte("stub"), raw...))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir, problems, err := read(data, Limits{MaxEntries: 64, MaxName: 1024, MaxDirectory: 1 << 20})
		if err != nil {
			if dir != nil || problems != nil {
				t.Fatal("an error with a directory")
			}
			return
		}
		for _, p := range problems {
			if p.Error() == "" {
				t.Fatal("empty problem")
			}
		}
		if len(problems) == 0 {
			agree(t, data, dir)
		}
	})
}
