package scramble

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/atomicfile"
	"github.com/lsui/lsui/internal/regularfile"
)

// KeyFileName is the key file's name inside the WebServicesForLicensing
// folder, beside SimpleLicenseServiceConfig.xml.
const KeyFileName = "lsui-scramble.key"

// keyFileHeader is the first line of a version 1 key file.
const (
	keyFileMagic   = "lsui-scramble-key"
	keyFileVersion = "v1"
	keyFileHeader  = keyFileMagic + " " + keyFileVersion
)

// staleTempAge is config.StaleTempAge (scramble does not import the model):
// a temporary key file untouched this long is a killed write's leftover.
const staleTempAge = 10 * time.Minute

// maxKeyFileSize bounds the read: a rotation adds one short line, so even
// decades of monthly rotations stay far below this.
const maxKeyFileSize = 1 << 20

var (
	// ErrNoKey means there is no key file. With anonymization on, uploads
	// must stop on it; errors carrying it also match fs.ErrNotExist when
	// the file is missing.
	ErrNoKey = errors.New("no scramble key")
	// ErrCorruptKey means the key file exists but cannot be trusted. It is
	// never replaced automatically: a new key would silently change every
	// pseudonym.
	ErrCorruptKey = errors.New("scramble key file is corrupt")
)

// KeyFilePath is where the key of the WebServicesForLicensing folder dir lives.
func KeyFilePath(dir string) string { return filepath.Join(dir, KeyFileName) }

// HistoryEntry is a key that is no longer in the file: retired after use,
// or a pending key cancelled before it ever took effect.
type HistoryEntry struct {
	Fingerprint string    `json:"fingerprint"`
	ActiveFrom  time.Time `json:"active_from"` // for a cancelled key: when it was due
	Until       time.Time `json:"until"`       // retired or cancelled at
	Cancelled   bool      `json:"cancelled,omitempty"`
}

// keyRecord is a key held in the file with the instant it takes effect.
type keyRecord struct {
	key  *Key
	from time.Time
}

// keyFile is the parsed file. keys is sorted by from.
type keyFile struct {
	keys    []keyRecord
	history []HistoryEntry
}

// activeIndex is the key in effect at now: the latest that has started,
// or the earliest held when now precedes them all. The latter keeps a
// clock set back (or a fixed --now in a demo) working with a key created
// "later"; there is no older key it could mean.
func (f *keyFile) activeIndex(now time.Time) int {
	i := 0
	for j, r := range f.keys {
		if !r.from.After(now) {
			i = j
		}
	}
	return i
}

// KeyStatus describes the key file for `lsui scramble` status lines and
// payload manifests. It holds fingerprints only.
type KeyStatus struct {
	Path               string         `json:"path"`
	ActiveFingerprint  string         `json:"active_fingerprint"`
	ActiveFrom         time.Time      `json:"active_from"`
	PendingFingerprint string         `json:"pending_fingerprint,omitempty"`
	PendingFrom        time.Time      `json:"pending_from,omitzero"`
	History            []HistoryEntry `json:"history"`
	PermissionNote     string         `json:"permission_note,omitempty"`
}

// LoadKey returns the key in effect at now from the key file in dir (the
// WebServicesForLicensing folder). It only reads. A missing file is
// ErrNoKey, a damaged one ErrCorruptKey; neither falls back to anything.
func LoadKey(dir string, now time.Time) (*Key, error) {
	path := KeyFilePath(dir)
	f, note, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	return f.keyAt(path, now, note), nil
}

func (f *keyFile) keyAt(path string, now time.Time, note string) *Key {
	r := f.keys[f.activeIndex(now)]
	k := *r.key
	k.ActiveFrom = r.from
	k.Path = path
	k.PermissionNote = note
	return &k
}

// Inspect reports the active and pending keys and the history.
func Inspect(dir string, now time.Time) (KeyStatus, error) {
	path := KeyFilePath(dir)
	f, note, err := readKeyFile(path)
	if err != nil {
		return KeyStatus{}, err
	}
	i := f.activeIndex(now)
	st := KeyStatus{
		Path:              path,
		ActiveFingerprint: f.keys[i].key.Fingerprint(),
		ActiveFrom:        f.keys[i].from,
		PermissionNote:    note,
	}
	if i+1 < len(f.keys) {
		st.PendingFingerprint = f.keys[i+1].key.Fingerprint()
		st.PendingFrom = f.keys[i+1].from
	}
	// Keys superseded since the file was last written belong to the
	// history already, even though their bytes are still on disk.
	st.History = append(slices.Clone(f.history), f.superseded(i)...)
	if st.History == nil {
		st.History = []HistoryEntry{}
	}
	return st, nil
}

// superseded lists keys[:active] as retired history entries.
func (f *keyFile) superseded(active int) []HistoryEntry {
	var out []HistoryEntry
	for j := 0; j < active; j++ {
		out = append(out, HistoryEntry{
			Fingerprint: f.keys[j].key.Fingerprint(),
			ActiveFrom:  f.keys[j].from,
			Until:       f.keys[j+1].from,
		})
	}
	return out
}

// compact drops the bytes of keys superseded at now, keeping their
// fingerprints in the history: an old key left on disk would only widen
// what a stolen file reveals.
func (f *keyFile) compact(now time.Time) {
	i := f.activeIndex(now)
	f.history = append(f.history, f.superseded(i)...)
	f.keys = f.keys[i:]
}

// EnsureKey returns the key in effect at now, creating the key file with a
// fresh key when there is none (`lsui config scramble on`). An existing
// file is never replaced: if it is corrupt, that is the error. When the
// file exists, EnsureKey also moves keys superseded by a rotation that has
// since taken effect into the history and, on Unix, tightens a mode that
// lets others read the file.
func EnsureKey(dir string, now time.Time) (key *Key, created bool, err error) {
	return ensureKey(dir, now, nil)
}

// EnsureKeyWith is EnsureKey that, when it has to create the file, writes
// premade (NewPendingKey) instead of a fresh key: the pseudonyms a screen
// previewed with it are then the ones uploaded. An existing file wins.
func EnsureKeyWith(dir string, now time.Time, premade *Key) (key *Key, created bool, err error) {
	return ensureKey(dir, now, premade)
}

func ensureKey(dir string, now time.Time, premade *Key) (key *Key, created bool, err error) {
	path := KeyFilePath(dir)
	f, _, err := readKeyFile(path)
	switch {
	case errors.Is(err, ErrNoKey):
		if st, err := os.Stat(dir); err != nil {
			return nil, false, fmt.Errorf("scramble key folder: %w", err)
		} else if !st.IsDir() {
			return nil, false, fmt.Errorf("scramble key folder %s: not a directory", dir)
		}
		k := premade
		if k == nil {
			k = newRandomKey()
		}
		f = &keyFile{keys: []keyRecord{{key: k, from: now.Truncate(time.Second)}}}
		created = true
	case err != nil:
		return nil, false, err
	default:
		before := len(f.keys)
		f.compact(now)
		if len(f.keys) == before {
			if err := tightenMode(path); err != nil {
				return nil, false, err
			}
			f, note, err := readKeyFile(path)
			if err != nil {
				return nil, false, err
			}
			return f.keyAt(path, now, note), false, nil
		}
	}
	note, err := writeKeyFile(path, f)
	if err != nil {
		return nil, false, err
	}
	return f.keyAt(path, now, note), created, nil
}

// RotateResult tells the CLI what a rotation did. Fingerprints only.
type RotateResult struct {
	Path string
	// OldFingerprint is the key in effect before the rotation. It stays in
	// effect until ActiveFrom unless Immediate.
	OldFingerprint string
	NewFingerprint string
	ActiveFrom     time.Time
	Immediate      bool
	// CancelledFingerprint is a pending key this rotation replaced before
	// it ever took effect; "" when there was none.
	CancelledFingerprint string
	PermissionNote       string
}

// Rotate creates a new key. Unless immediate, it takes effect at the start
// of the next calendar month in loc and the current key stays in effect
// until then, so one month's uploads use one key. A pending key from an
// earlier rotation is cancelled (it was never used). With immediate the new
// key is in effect at once and the old key's bytes are removed.
//
// Rotation changes every pseudonym: the cloud sees new users from then on.
func Rotate(dir string, now time.Time, loc *time.Location, immediate bool) (RotateResult, error) {
	path := KeyFilePath(dir)
	if loc == nil {
		loc = time.Local
	}
	f, _, err := readKeyFile(path)
	if err != nil {
		return RotateResult{}, err
	}
	now = now.Truncate(time.Second)
	f.compact(now)
	active := f.keys[0]
	if active.from.After(now) {
		return RotateResult{}, fmt.Errorf("%s: the current key starts %s, after now (%s); check the clock before rotating",
			path, active.from.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	res := RotateResult{Path: path, OldFingerprint: active.key.Fingerprint(), Immediate: immediate}
	for _, pending := range f.keys[1:] {
		f.history = append(f.history, HistoryEntry{
			Fingerprint: pending.key.Fingerprint(),
			ActiveFrom:  pending.from,
			Until:       now,
			Cancelled:   true,
		})
		res.CancelledFingerprint = pending.key.Fingerprint()
	}
	next := keyRecord{key: newRandomKey()}
	if immediate {
		next.from = now
		f.history = append(f.history, HistoryEntry{
			Fingerprint: active.key.Fingerprint(),
			ActiveFrom:  active.from,
			Until:       now,
		})
		f.keys = []keyRecord{next}
	} else {
		local := now.In(loc)
		next.from = time.Date(local.Year(), local.Month()+1, 1, 0, 0, 0, 0, loc)
		f.keys = []keyRecord{active, next}
	}
	res.NewFingerprint = next.key.Fingerprint()
	res.ActiveFrom = next.from
	note, err := writeKeyFile(path, f)
	if err != nil {
		return RotateResult{}, err
	}
	res.PermissionNote = note
	return res, nil
}

// The file format, version 1: a header line, comment lines starting with
// '#', blank lines, and one record a line, fields separated by spaces:
//
//	lsui-scramble-key v1
//	key <fingerprint> <active-from RFC 3339> <64 hex digits>
//	retired <fingerprint> <active-from> <until>
//	cancelled <fingerprint> <was due from> <cancelled at>
//
// The fingerprint beside each key is checked on every read, so a damaged
// or hand-edited key is caught before it produces wrong pseudonyms. CRLF
// line ends and a UTF-8 BOM (an editor on Windows) are accepted.
const keyFileComment = `# Secret key lsui uses to turn user names into pseudonyms (HMAC-SHA256)
# before upload. Anyone with this file can test candidate names against
# uploaded pseudonyms: keep it readable by the owner only, never copy it
# into a ticket or a backup others can read. Deleting or editing it changes
# every pseudonym. Use "lsui scramble rotate" to replace it.
`

func readKeyFile(path string) (*keyFile, string, error) {
	fh, err := regularfile.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("%s: %w: %w", path, ErrNoKey, fs.ErrNotExist)
	}
	if errors.Is(err, regularfile.ErrNotRegular) {
		// A link is refused, not followed: its target is not lsui's key.
		return nil, "", fmt.Errorf("%w: %w", ErrCorruptKey, err)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read scramble key: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("read scramble key: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, "", fmt.Errorf("%s: %w: not a regular file", path, ErrCorruptKey)
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxKeyFileSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("read scramble key %s: %w", path, err)
	}
	if len(data) > maxKeyFileSize {
		return nil, "", fmt.Errorf("%s: %w: larger than %d bytes", path, ErrCorruptKey, maxKeyFileSize)
	}
	f, err := parseKeyFile(path, data)
	if err != nil {
		return nil, "", err
	}
	return f, permissionNote(path, st.Mode()), nil
}

// parseKeyFile never quotes a record line in an error: any of its fields
// may be (part of) a key pasted in the wrong place.
func parseKeyFile(path string, data []byte) (*keyFile, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(data), "\n")
	bad := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %w: %s", path, line, ErrCorruptKey, fmt.Sprintf(format, args...))
	}
	header := strings.TrimRight(lines[0], "\r")
	if fields := strings.Fields(header); len(fields) != 2 || fields[0] != keyFileMagic {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, bad(1, "the file is empty")
		}
		return nil, bad(1, "not an lsui scramble key file (expected %q on the first line)", keyFileHeader)
	} else if fields[1] != keyFileVersion {
		// The field is not quoted: a key pasted here would be.
		return nil, bad(1, "unsupported format version (the first line must be exactly %q)", keyFileHeader)
	}
	f := &keyFile{}
	seenFP := map[string]bool{}
	for i, raw := range lines[1:] {
		n := i + 2
		line := strings.TrimRight(raw, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		switch fields[0] {
		case "key":
			if len(fields) != 4 {
				return nil, bad(n, "key record has %d fields, want 4", len(fields))
			}
			if len(fields[3]) != 2*KeySize {
				return nil, bad(n, "key is %d characters, want %d hex digits (truncated or damaged)", len(fields[3]), 2*KeySize)
			}
			var secret [KeySize]byte
			if _, err := hex.Decode(secret[:], []byte(fields[3])); err != nil {
				return nil, bad(n, "key is not hexadecimal")
			}
			from, err := time.Parse(time.RFC3339, fields[2])
			if err != nil {
				return nil, bad(n, "active-from is not an RFC 3339 time such as 2026-12-01T00:00:00+01:00")
			}
			k := keyFromArray(&secret)
			if k.Fingerprint() != fields[1] {
				return nil, bad(n, "the fingerprint does not match the key (damaged or edited)")
			}
			if seenFP[k.Fingerprint()] {
				return nil, bad(n, "key %s appears twice", k.Fingerprint())
			}
			seenFP[k.Fingerprint()] = true
			f.keys = append(f.keys, keyRecord{key: k, from: from})
		case "retired", "cancelled":
			if len(fields) != 4 {
				return nil, bad(n, "%s record has %d fields, want 4", fields[0], len(fields))
			}
			if !isFingerprint(fields[1]) {
				return nil, bad(n, "%s record: the fingerprint is not 16 lowercase hex digits", fields[0])
			}
			from, err1 := time.Parse(time.RFC3339, fields[2])
			until, err2 := time.Parse(time.RFC3339, fields[3])
			if err1 != nil || err2 != nil {
				return nil, bad(n, "%s record: dates must be RFC 3339 times", fields[0])
			}
			f.history = append(f.history, HistoryEntry{
				Fingerprint: fields[1], ActiveFrom: from, Until: until, Cancelled: fields[0] == "cancelled",
			})
		default:
			// Do not echo the line: a key pasted on its own line would
			// otherwise end up in a log.
			return nil, bad(n, "unrecognised line (expected a key, retired or cancelled record)")
		}
	}
	if len(f.keys) == 0 {
		return nil, bad(len(lines), "no key record")
	}
	slices.SortStableFunc(f.keys, func(a, b keyRecord) int { return a.from.Compare(b.from) })
	for i := 1; i < len(f.keys); i++ {
		if f.keys[i].from.Equal(f.keys[i-1].from) {
			return nil, fmt.Errorf("%s: %w: keys %s and %s take effect at the same time",
				path, ErrCorruptKey, f.keys[i-1].key.Fingerprint(), f.keys[i].key.Fingerprint())
		}
	}
	return f, nil
}

func isFingerprint(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func formatKeyFile(f *keyFile) []byte {
	var b bytes.Buffer
	b.WriteString(keyFileHeader + "\n")
	b.WriteString(keyFileComment)
	for _, h := range f.history {
		kind := "retired"
		if h.Cancelled {
			kind = "cancelled"
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", kind, h.Fingerprint, h.ActiveFrom.Format(time.RFC3339), h.Until.Format(time.RFC3339))
	}
	for _, r := range f.keys {
		fmt.Fprintf(&b, "key %s %s %s\n", r.key.Fingerprint(), r.from.Format(time.RFC3339), hex.EncodeToString(r.key.secret.b[:]))
	}
	return b.Bytes()
}

// writeKeyFile replaces the file atomically with mode 0600 and checks the
// mode took (a umask cannot widen it, but an odd file system might).
func writeKeyFile(path string, f *keyFile) (string, error) {
	data := formatKeyFile(f)
	// Parse what is about to be written: a bug here must not leave a file
	// that the next upload cannot read.
	if _, err := parseKeyFile(path, data); err != nil {
		return "", fmt.Errorf("internal error formatting scramble key file: %w", err)
	}
	// A temporary key file a killed rotation left holds keys: remove it
	// before writing (only lsui's own naming, only when no write is under way).
	atomicfile.RemoveStale(path, staleTempAge)
	err := atomicfile.WriteFile(path, data, 0o600)
	clear(data)
	if err != nil {
		return "", fmt.Errorf("write scramble key: %w", err)
	}
	return verifyMode(path)
}
