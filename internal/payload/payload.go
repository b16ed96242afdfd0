// Package payload builds and inspects the call-home payloads a licence
// server keeps in LS/resource/usage/upload_<unix seconds>.zip (DOMAIN.md §6).
//
// Citrix publishes no format for them, so the format is lsui's own and is
// documented for support engineers in docs/payload.md. A payload holds:
//
//	manifest.json      what the payload is and the size and SHA-256 of every other entry
//	licenses/<f>.lic   the licence files, byte for byte
//	inventory.json     licence lines, entitlements, expirations
//	usage.json         this calendar month's usage, pseudonymized when anonymization is on
//
// Every zip read here is treated as hostile: Inspect checks names, sizes,
// compression ratios, overlapping entries and the manifest without ever
// writing an entry to disk, and it reports problems instead of panicking.
// Zips are written and read through github.com/mholt/archiver/v4.
package payload

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsui/lsui/internal/model/ident"
	"github.com/lsui/lsui/internal/zipdir"
)

// Entry names inside a payload.
const (
	ManifestName  = "manifest.json"
	InventoryName = "inventory.json"
	UsageName     = "usage.json"
	LicenceDir    = "licenses/"
)

// Schema is the manifest schema this lsui writes and reads. A reader meeting
// another number says so instead of guessing what the fields mean.
const Schema = 1

// Limits bound what Inspect and ReadEntry will read from one zip.
type Limits struct {
	// MaxEntries caps the entries in the central directory. It is checked
	// against the end record before any entry is looked at, so a zip with
	// a million entries costs as much as one with none.
	MaxEntries int
	// MaxTotal caps the sum of the entries' uncompressed sizes, declared
	// and actually read.
	MaxTotal int64
	// MaxEntry caps one entry's uncompressed size, declared and read.
	MaxEntry int64
	// MaxRatio caps uncompressed/compressed for entries larger than
	// ratioFloor, declared and while reading.
	MaxRatio float64
}

// MaxEntries is the one cap on a payload's entries: Build refuses to write
// more (licence files plus its three records) and Inspect and the receiver
// refuse a zip with more. A real MyFiles holds a few hundred files.
const MaxEntries = 20000

// DefaultLimits fit any real payload many times over: a server with 100k
// identities writes a usage.json of about 20 MB that deflates to 2.5 MB.
var DefaultLimits = Limits{
	MaxEntries: MaxEntries,
	MaxTotal:   512 << 20,
	MaxEntry:   256 << 20,
	MaxRatio:   200,
}

// ratioFloor exempts small entries from the ratio cap: deflate cannot
// expand past about 1:1032, so an entry below 64 KiB is harmless whatever
// its ratio, and tiny JSON files of repeated bytes reach high ratios
// honestly.
const ratioFloor = 64 << 10

// maxNameLen caps an entry name in bytes, and maxSegmentLen one segment of
// it: a payload's longest name is licenses/ and a licence file's name,
// which Windows keeps under 260 characters with its folder, and 255 bytes
// is the longest file name ext4, APFS and NTFS agree on. The central
// directory reader refuses names over maxNameLen before holding them.
const (
	maxNameLen    = 1024
	maxSegmentLen = 255
)

// nameProblems lists what makes name unsafe as a path inside an archive,
// or makes it name a file other than the one it spells once extracted.
// Inspect flags these; Build refuses to write such a name.
func nameProblems(name string) []string {
	var out []string
	if name == "" {
		return []string{"empty name"}
	}
	if len(name) > maxNameLen {
		out = append(out, fmt.Sprintf("name of %d bytes, over the cap of %d", len(name), maxNameLen))
	}
	if !utf8.ValidString(name) {
		out = append(out, "name is not valid UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			out = append(out, "control character in name")
			break
		}
	}
	for _, r := range name {
		if unicode.Is(unicode.Cf, r) {
			// Bidi overrides and zero-width characters make a name read
			// differently from what it is.
			out = append(out, "invisible or bidi format character in name")
			break
		}
	}
	if strings.HasPrefix(name, "/") {
		out = append(out, "absolute path")
	}
	if strings.Contains(name, `\`) {
		out = append(out, "backslash in name")
	}
	if len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]) {
		out = append(out, "drive letter in name")
	} else if strings.Contains(name, ":") {
		// On Windows "a:b" writes an alternate data stream of a.
		out = append(out, "colon in name")
	}
	escapes := false
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			out = append(out, `".." in path (escapes the folder)`)
			escapes = true
			break
		}
	}
	// A folder entry ends in one slash; anything else that path.Clean
	// would change ("./usage.json", "licenses//x.lic", "licenses/./x.lic")
	// is extracted under a name the checks did not see.
	if bare := strings.TrimSuffix(name, "/"); !escapes && bare != "" && !strings.HasPrefix(name, "/") && path.Clean(bare) != bare {
		out = append(out, `not a clean path (an empty or "." segment): extracted, it is another name`)
	}
	for _, seg := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			continue
		}
		if len(seg) > maxSegmentLen {
			out = append(out, fmt.Sprintf("a part of the name is %d bytes, over the cap of %d", len(seg), maxSegmentLen))
		}
		if strings.TrimRight(seg, ". ") != seg {
			out = append(out, fmt.Sprintf("%s ends in a dot or space (Windows drops it)", quoted(seg)))
		}
		if isWindowsDevice(seg) {
			out = append(out, fmt.Sprintf("%s is a Windows device name", quoted(seg)))
		}
	}
	return out
}

// isWindowsDevice says whether Windows opens a device for this file name
// whatever the folder: CON, PRN, AUX, NUL, COM1-9 and LPT1-9 (and the
// superscript digits ¹²³ it also takes), CONIN$ and CONOUT$, in any case,
// with any extension and trailing spaces ("aux.json", "Nul .txt").
func isWindowsDevice(seg string) bool {
	base, _, _ := strings.Cut(seg, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) < 4 || (base[:3] != "COM" && base[:3] != "LPT") {
		return false
	}
	switch base[3:] {
	case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

// nameFolder gives the form under which two entry names are one file once
// extracted: segment by segment, Unicode-normalized and case-folded (as
// macOS and Windows compare names, ident's form folding a little more),
// trailing dots and spaces removed (Windows drops them), and a folder's
// trailing slash removed (a folder and a file of one name collide too).
// It is not safe for concurrent use.
type nameFolder struct{ f ident.Folder }

func (n *nameFolder) fold(name string) string {
	segs := strings.Split(strings.TrimSuffix(name, "/"), "/")
	for i, seg := range segs {
		segs[i] = strings.TrimRight(n.f.FoldString(seg), ". ")
	}
	return strings.Join(segs, "/")
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// LooksPseudonymized reports whether an identity has the shape of an lsui
// pseudonym: exactly 26 characters of [a-z2-7] (scramble.PseudonymLen). An
// address with @, a DOMAIN\user, a name with spaces, dots or capitals, or
// any other length is a plain name.
func LooksPseudonymized(name string) bool {
	if len(name) != pseudonymLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

// pseudonymLen mirrors scramble.PseudonymLen; a test keeps them equal.
const pseudonymLen = 26

// quoted shows a name from a zip inside a message, escaped and cut
// (zipdir.Quote).
func quoted(name string) string { return zipdir.Quote(name) }
