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
	"strings"
	"unicode"
	"unicode/utf8"
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

// nameProblems lists what makes name unsafe as a path inside an archive.
// Inspect flags these; Build refuses to write such a name.
func nameProblems(name string) []string {
	var out []string
	if name == "" {
		return []string{"empty name"}
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
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			out = append(out, `".." in path (escapes the folder)`)
			break
		}
	}
	return out
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

// quoted shows a name from a zip inside a message: Go quoting turns control
// characters and invalid UTF-8 into visible escapes, so a message is safe to
// print even before it is sanitized.
func quoted(name string) string {
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
