package payload

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	kzip "github.com/klauspost/compress/zip"

	"github.com/lsui/lsui/internal/zipdir"
)

// The second round of hostile zips (issue 14, items 1 and 2): names that
// are one file once extracted, and zips that a streaming reader sees
// differently from the central directory.

// layout is where a zip's records lie: each entry's local header and
// central record, and the end record.
type layout struct {
	dir     *zipdir.Directory
	central []int
	end     int
}

func layoutOf(t testing.TB, z []byte) layout {
	t.Helper()
	dir, problems, err := zipdir.Read(context.Background(), bytes.NewReader(z), int64(len(z)), zipdir.Limits{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("the generator's zip is not well formed: %v %v", err, problems)
	}
	le := binary.LittleEndian
	l := layout{dir: dir}
	at := int(dir.Start)
	for range dir.Entries {
		l.central = append(l.central, at)
		at += 46 + int(le.Uint16(z[at+28:])) + int(le.Uint16(z[at+30:])) + int(le.Uint16(z[at+32:]))
	}
	l.end = at
	return l
}

func (l layout) index(t testing.TB, name string) int {
	for i, e := range l.dir.Entries {
		if e.Name == name {
			return i
		}
	}
	t.Fatalf("no entry %q", name)
	return -1
}

// padded inserts pad at offset at of z, moving every offset past it, so
// that the only thing wrong is the bytes inserted.
func padded(t testing.TB, z []byte, at int, pad string) []byte {
	l := layoutOf(t, z)
	le := binary.LittleEndian
	out := append(append(append([]byte{}, z[:at]...), pad...), z[at:]...)
	shift := func(p int) int {
		if p >= at {
			return p + len(pad)
		}
		return p
	}
	for _, c := range l.central {
		c = shift(c)
		if off := int(le.Uint32(out[c+42:])); off >= at {
			le.PutUint32(out[c+42:], uint32(off+len(pad)))
		}
	}
	end := shift(l.end)
	le.PutUint32(out[end+16:], uint32(shift(int(le.Uint32(out[end+16:])))))
	return out
}

func TestHostileAliasesAndAmbiguousZips(t *testing.T) {
	le := binary.LittleEndian
	valid := payloadZip(t, false, nil)
	lay := layoutOf(t, valid)
	usageAt := lay.index(t, UsageName)
	usage := lay.dir.Entries[usageAt]

	// Both CRCs of usage.json zeroed (local header and data descriptor
	// already agree at 0 in Go's zips once the descriptor is): readers
	// that take 0 for "no CRC" then check nothing.
	zeroCRC := append([]byte(nil), valid...)
	le.PutUint32(zeroCRC[lay.central[usageAt]+16:], 0)
	desc := int(usage.DataOffset + int64(usage.CompressedSize))
	if le.Uint32(zeroCRC[desc:]) == 0x08074b50 {
		desc += 4
	}
	le.PutUint32(zeroCRC[desc:], 0)

	descLie := append([]byte(nil), valid...)
	descLie[desc]++

	localMethod := append([]byte(nil), valid...)
	le.PutUint16(localMethod[usage.HeaderOffset+8:], 0) // stored, says the local header

	twice := append(append([]byte(nil), valid...), payloadZip(t, true, nil)...)

	nfc, nfd := "licenses/M\u00fcller.lic", "licenses/Mu\u0308ller.lic"
	long := strings.Repeat("x", 300)

	tests := []struct {
		name string
		zip  []byte
		want string
	}{
		// Item 1: names that are not clean, or alias another once extracted.
		{"./ prefix", payloadZip(t, false, listed(zfile{name: "./usage.json", data: []byte("{}")})), "not a clean path"},
		{"double slash", payloadZip(t, false, listed(zfile{name: "licenses//x.lic", data: []byte("x")})), "not a clean path"},
		{"dot segment", payloadZip(t, false, listed(zfile{name: "licenses/./x.lic", data: []byte("x")})), "not a clean path"},
		{"trailing dot segment", payloadZip(t, false, listed(zfile{name: "licenses/.", data: []byte("x")})), "not a clean path"},
		{"trailing dot", payloadZip(t, false, listed(zfile{name: "usage.json.", data: []byte("{}")})), `"usage.json." ends in a dot or space`},
		{"trailing dot aliases", payloadZip(t, false, listed(zfile{name: "usage.json.", data: []byte("{}")})), `the same file as "usage.json" once extracted`},
		{"trailing space", payloadZip(t, false, listed(zfile{name: "licenses/x.lic ", data: []byte("x")})), "ends in a dot or space"},
		{"trailing space in a folder", payloadZip(t, false, listed(zfile{name: "licenses /x.lic", data: []byte("x")})), `"licenses " ends in a dot or space`},
		{"NFC and NFD", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files = listed(zfile{name: nfc, data: []byte("a")})(files, m)
			return listed(zfile{name: nfd, data: []byte("b")})(files, m)
		}), "the same file as " + quoted(nfc)},
		{"case", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files = listed(zfile{name: "licenses/A.lic", data: []byte("a")})(files, m)
			return listed(zfile{name: "licenses/a.lic", data: []byte("b")})(files, m)
		}), `differs only in case from "licenses/A.lic"`},
		{"folder and file of one name", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			return append(listed(zfile{name: "extra", data: []byte("a")})(files, m), zfile{name: "extra/", store: true})
		}), `the same file as "extra"`},
		{"device aux.json", payloadZip(t, false, listed(zfile{name: "aux.json", data: []byte("{}")})), `"aux.json" is a Windows device name`},
		{"device CON", payloadZip(t, false, listed(zfile{name: "licenses/CON", data: []byte("x")})), "Windows device name"},
		{"device com1.lic", payloadZip(t, false, listed(zfile{name: "licenses/com1.lic", data: []byte("x")})), "Windows device name"},
		{"device LPT9", payloadZip(t, false, listed(zfile{name: "LPT9.txt", data: []byte("x")})), "Windows device name"},
		{"device Nul with a space", payloadZip(t, false, listed(zfile{name: "licenses/Nul .lic", data: []byte("x")})), "Windows device name"},
		{"device as a folder", payloadZip(t, false, listed(zfile{name: "prn/x.lic", data: []byte("x")})), `"prn" is a Windows device name`},
		{"long segment", payloadZip(t, false, listed(zfile{name: "licenses/" + long + ".lic", data: []byte("x")})), "a part of the name is 304 bytes, over the cap of 255"},
		{"long name", payloadZip(t, false, listed(zfile{name: strings.Repeat("d/", 600) + "x.lic", data: []byte("x")})), "a name of 1205 bytes, over the cap of 1024"},

		// Item 2: zips a streaming reader sees differently.
		{"bytes before the first entry", append([]byte("#!/bin/sh\nexit 0\n"), valid...), "bytes before the first entry"},
		{"a second payload appended", twice, "bytes before the first entry"},
		{"bytes after the end record", append(append([]byte(nil), valid...), "PK\x03\x04 more"...), "bytes after the end record"},
		{"gap between entries", padded(t, valid, int(lay.dir.Entries[1].HeaderOffset), "hidden data"), "bytes of gap before it"},
		{"gap before the directory", padded(t, valid, int(lay.dir.Start), "hidden data"), "between it and the central directory"},
		{"local method differs", localMethod, "local header says compression method 0, the central directory 8"},
		{"data descriptor differs", descLie, "data descriptor (CRC"},
		{"CRC of 0 is checked", zeroCRC, "entry \"usage.json\": content does not match its CRC-32"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			agreesWithKlauspost(t, tc.zip)
			rep := inspectBytes(tc.zip, DefaultLimits)
			t.Log(rep.Verdict())
			if rep.OK {
				t.Fatalf("accepted: %s", rep.Verdict())
			}
			if !strings.Contains(strings.Join(rep.Problems, "\n"), tc.want) {
				t.Errorf("no problem mentions %q; got %q", tc.want, rep.Problems)
			}
		})
	}
	if rep := inspectBytes(valid, DefaultLimits); !rep.OK {
		t.Fatalf("the untouched payload: %s", rep.Verdict())
	}
}

// TestNamesThatStayAccepted: what the name checks must not refuse.
func TestNamesThatStayAccepted(t *testing.T) {
	for _, name := range []string{"licenses/retail.lic", "licenses/", "licenses/Müller (1).lic", "licenses/console.lic",
		"licenses/com10.lic", "licenses/auxiliary.lic", "licenses/.hidden.lic", "licenses/a..b.lic"} {
		if p := nameProblems(name); len(p) > 0 {
			t.Errorf("%q: %q", name, p)
		}
	}
}

// agreesWithKlauspost fails when zipdir accepts data but klauspost's
// reader, which Verify reads the content with, lists other entries.
func agreesWithKlauspost(t testing.TB, data []byte) {
	t.Helper()
	dir, problems, err := zipdir.Read(context.Background(), bytes.NewReader(data), int64(len(data)),
		zipdir.Limits{MaxEntries: DefaultLimits.MaxEntries, MaxName: maxNameLen, MaxDirectory: maxDirectory})
	if err != nil || len(problems) > 0 {
		return
	}
	zr, err := kzip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, kzip.ErrInsecurePath) {
		t.Fatalf("zipdir accepts what klauspost's reader refuses: %v", err)
	}
	if len(zr.File) != len(dir.Entries) {
		t.Fatalf("zipdir lists %d entries, klauspost %d", len(dir.Entries), len(zr.File))
	}
	for i, f := range zr.File {
		e := dir.Entries[i]
		if f.Name != e.Name || f.CompressedSize64 != e.CompressedSize || f.UncompressedSize64 != e.UncompressedSize ||
			f.Method != e.Method || f.CRC32 != e.CRC32 {
			t.Fatalf("entry %d: zipdir %q %d/%d, klauspost %q %d/%d", i, e.Name, e.CompressedSize, e.UncompressedSize,
				f.Name, f.CompressedSize64, f.UncompressedSize64)
		}
	}
}
