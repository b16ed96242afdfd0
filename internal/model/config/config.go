// Package config reads and writes the licence server's anonymization
// setting, UsageBasedBillingScramble, in
// WebServicesForLicensing/SimpleLicenseServiceConfig.xml (DOMAIN.md §5).
//
// Citrix documents only "add the UsageBasedBillingScramble setting to the
// Configurations section", so two shapes are read:
//
//	<Configurations>
//	  <UsageBasedBillingScramble>1</UsageBasedBillingScramble>
//	</Configurations>
//
// or, anywhere in the file, <add key="UsageBasedBillingScramble" value="1" />.
// Values 1/true are on and 0/false off, in any case and with surrounding
// white space; absent means off. Anything else is an error: lsui never
// guesses and never overwrites a value it does not understand. The element
// name is matched exactly (XML is case-sensitive); the add key is matched
// without regard to case, as .NET looks up appSettings keys.
//
// Edits change only the bytes of the value, keeping its style (1/0 stay
// digits, true/false stay words in the same case: True becomes False).
// Comments, CDATA, the BOM, CRLF line endings, attribute order and quoting
// all stay byte-identical. A file in UTF-16 with a BOM (PowerShell 5.1's
// Out-File, Notepad's "Unicode") is read and written back in UTF-16 with
// the same BOM; UTF-16 without a BOM is refused. (DOMAIN.md §5 says UTF-16
// is refused; issue 14 superseded that.) When the setting is absent, turning it on inserts
// one element as the last child of <Configurations>; turning it off again
// then changes that element's value to 0, so a file where the setting was
// absent ends up with <UsageBasedBillingScramble>0</…> after on→off, not
// with its original bytes. Turning off an absent setting changes nothing.
package config

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/atomicfile"
	"github.com/lsui/lsui/internal/regularfile"
)

// SettingName is the setting's element name and add key.
const SettingName = "UsageBasedBillingScramble"

// maxSize bounds what Read loads: the real file is a few hundred bytes, and
// a runaway file must not exhaust memory.
const maxSize = 4 << 20

var (
	// ErrMalformed: the file is not well-formed XML. Such a file is never
	// written.
	ErrMalformed = errors.New("not well-formed XML")
	// ErrInvalidSetting: the setting is present but lsui cannot tell its
	// state (unknown value, set twice, misplaced), so it will not edit it.
	ErrInvalidSetting = errors.New("invalid " + SettingName + " setting")
	// ErrNoConfigurations: the setting is absent and there is no
	// <Configurations> (or <appSettings>) element to add it to.
	ErrNoConfigurations = errors.New("no <Configurations> element")
	// ErrChanged: Write found the file different from what Read saw.
	ErrChanged = errors.New("changed on disk since it was read; reload")
	// ErrReadOnly: the file is marked read-only; lsui does not override that.
	ErrReadOnly = errors.New("file is read-only")
	// ErrUnreadable is matched by every Read error except a missing file
	// (which means the setting is off): the file is there but lsui cannot
	// tell the setting's state, so uploads stop and `lsui check` warns.
	ErrUnreadable = errors.New("config unreadable")
)

// unreadable marks a Read error with ErrUnreadable, keeping its message
// and the error it wraps.
type unreadable struct{ err error }

func (e *unreadable) Error() string        { return e.err.Error() }
func (e *unreadable) Unwrap() error        { return e.err }
func (e *unreadable) Is(target error) bool { return target == ErrUnreadable }

// Shape is the form in which the setting is written in the file.
type Shape int

const (
	ShapeNone    Shape = iota // the setting is absent
	ShapeElement              // <UsageBasedBillingScramble>1</UsageBasedBillingScramble>
	ShapeAddKey               // <add key="UsageBasedBillingScramble" value="1" />
)

func (s Shape) String() string {
	switch s {
	case ShapeElement:
		return "element"
	case ShapeAddKey:
		return "add key"
	}
	return "absent"
}

// Location says where the setting was read.
type Location struct {
	Path string // the config file, as given to Read
	Line int    // 1-based line of the value; 0 when the setting is absent
}

// String is the file's base name and the line, "SimpleLicenseServiceConfig.xml:4",
// or the base name alone when the setting is absent.
func (l Location) String() string {
	name := filepath.Base(l.Path)
	if l.Line == 0 {
		return name
	}
	return name + ":" + strconv.Itoa(l.Line)
}

// Config is one read of the config file.
type Config struct {
	Path     string
	Scramble bool   // the effective state: false when absent
	Present  bool   // the setting is in the file
	Shape    Shape  // how it is written
	Raw      []byte // the file's bytes as read; do not modify

	text []byte   // Raw as UTF-8 (differs from Raw for UTF-16); offsets in doc are into it
	enc  encoding // how Raw stores text
	line int      // of the value, 0 when absent
	doc  document
	disk snapshot
}

// Encoding names how the file is stored: "UTF-8", "UTF-16 LE" or
// "UTF-16 BE". Write keeps it.
func (c *Config) Encoding() string { return c.enc.String() }

// Location is where the setting was read; it prints as
// "SimpleLicenseServiceConfig.xml:4".
func (c *Config) Location() Location {
	return Location{Path: c.Path, Line: c.line}
}

// snapshot identifies the file content Read saw, so that Write can refuse
// to overwrite somebody else's later change.
type snapshot struct {
	size  int64
	mtime time.Time
	hash  [sha256.Size]byte
}

// Read reads and parses the config file at path. A missing file gives an
// error satisfying errors.Is(err, fs.ErrNotExist); every other error
// satisfies errors.Is(err, ErrUnreadable). A symbolic link, a named pipe
// or anything else that is not a regular file is refused, never followed:
// lsui does not edit a file outside the licensing root.
func Read(path string) (*Config, error) {
	c, err := read(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, &unreadable{err}
	}
	return c, err
}

func read(path string) (*Config, error) {
	raw, fi, err := readFile(path)
	if err != nil {
		return nil, err
	}
	c, err := parse(path, raw)
	if err != nil {
		return nil, err
	}
	c.disk = snapshot{size: fi.Size(), mtime: fi.ModTime(), hash: sha256.Sum256(raw)}
	return c, nil
}

// Create writes a minimal config holding only the setting, then reads it.
// It refuses when path exists; the folder must exist already. Call it only
// when the user asked for the file to be created.
func Create(path string, on bool) (*Config, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%s: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	doc := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Configurations>\n  <" + SettingName + ">" +
		digit(on) + "</" + SettingName + ">\n</Configurations>\n"
	atomicfile.RemoveStale(path, StaleTempAge)
	if err := atomicfile.WriteFile(path, []byte(doc), 0o644); err != nil {
		return nil, err
	}
	return Read(path)
}

// Edit returns the file's bytes with the setting set to on. Only the value
// bytes change, or one element is inserted when the setting is absent (see
// the package comment). Asking for the current state returns the bytes
// unchanged. The result is parsed again before it is returned, so Edit never
// hands out a file lsui itself could not read.
func (c *Config) Edit(on bool) ([]byte, error) {
	if c.Raw == nil {
		return nil, errors.New("config: Edit on a Config that was not read")
	}
	if on == c.Scramble {
		return bytes.Clone(c.Raw), nil
	}
	var text []byte
	if c.Present {
		v := c.doc.value
		text = splice(c.text, v.start, v.end, valueIn(c.text[v.start:v.end], on))
	} else {
		ins, err := c.doc.insertion(c.Path, c.text, on)
		if err != nil {
			return nil, err
		}
		text = splice(c.text, ins.start, ins.end, ins.text)
	}
	out, err := encodeFile(text, c.enc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Path, err)
	}
	check, err := parse(c.Path, out)
	if err != nil {
		return nil, fmt.Errorf("%s: editing the setting would break the file, not writing it: %w", c.Path, err)
	}
	if check.Scramble != on {
		return nil, fmt.Errorf("%s: editing the setting did not take effect, not writing it", c.Path)
	}
	return out, nil
}

// StaleTempAge is how old a temporary file beside the config (or the key)
// must be before a later run removes it as a crashed write's leftover:
// far longer than any write takes, so a write under way is never touched.
const StaleTempAge = 10 * time.Minute

// Write sets the setting to on in the file. It refuses when the file changed
// on disk since it was read or is read-only. It keeps the bytes on disk as
// SimpleLicenseServiceConfig.xml.bak (one deep: an older backup is
// replaced), then replaces the file atomically with the same permissions
// (and, on Unix, the same owner where the process may set it). Afterwards c
// describes the new file, so Write can be called again. When the setting
// already has the requested state nothing is written.
//
// Another program may write the file at any moment (the licensing web
// service, an editor). The file is compared with what Read saw before the
// backup is written and again right before the replace, and the backup is
// checked to hold exactly those bytes; where the OS can swap two files
// atomically (Linux) the file the replace displaced is checked too. On any
// mismatch the other write is left in place (put back, if the replace had
// displaced it), the previous backup is restored, and the error is
// ErrChanged. See docs/reliability.md for what this does and does not
// guarantee.
func (c *Config) Write(on bool) error {
	out, err := c.Edit(on)
	if err != nil {
		return err
	}
	target := c.Path
	atomicfile.RemoveStale(target, StaleTempAge)
	atomicfile.RemoveStale(target+".bak", StaleTempAge)
	current, fi, err := readFile(target)
	if errors.Is(err, regularfile.ErrReplaced) {
		return fmt.Errorf("%s: %w", c.Path, ErrChanged) // another program saved it as lsui opened it
	}
	if err != nil {
		return err
	}
	if fi.Size() != c.disk.size || !fi.ModTime().Equal(c.disk.mtime) || sha256.Sum256(current) != c.disk.hash {
		return fmt.Errorf("%s: %w", c.Path, ErrChanged)
	}
	if bytes.Equal(out, c.Raw) {
		return nil
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("%s: %w (mode %04o); make it writable to change the setting", c.Path, ErrReadOnly, fi.Mode().Perm())
	}
	// The rename below needs only the folder to be writable; opening the
	// file itself asks the OS whether this user may change it (ACLs, owner).
	probe, err := os.OpenFile(target, probeFlags, 0)
	if err != nil {
		return fmt.Errorf("cannot write the config: %w", err)
	}
	probe.Close()

	bak := target + ".bak"
	prevBak, hadBak, err := readBackup(bak)
	if err != nil {
		return fmt.Errorf("back up the config: %w", err)
	}
	if err := writeLike(bak, current, fi); err != nil {
		return fmt.Errorf("back up the config: %w", err)
	}
	// restoreBak puts the backup back as it was: this Write changed nothing.
	restoreBak := func() {
		if hadBak {
			writeLike(bak, prevBak, fi)
		} else {
			os.Remove(bak)
		}
	}
	if testHookAfterBackup != nil {
		testHookAfterBackup()
	}
	if got, err := regularfile.ReadFile(bak, maxSize); err != nil || !bytes.Equal(got, current) {
		restoreBak()
		return fmt.Errorf("%s: the backup does not hold the file the edit was based on: %w", c.Path, ErrChanged)
	}

	f, err := atomicfile.Create(target, fi.Mode().Perm())
	if err != nil {
		restoreBak()
		return err
	}
	defer f.Abort()
	keepOwner(f.File, fi)
	if _, err := f.Write(out); err != nil {
		restoreBak()
		return fmt.Errorf("%s: %w", target, err)
	}
	if err := f.CommitIfUnchanged(current); err != nil {
		restoreBak()
		if errors.Is(err, atomicfile.ErrTargetChanged) {
			return fmt.Errorf("%s: %w", c.Path, ErrChanged)
		}
		return err
	}
	next, err := parse(c.Path, out)
	if err != nil {
		return err // Edit parsed these very bytes; cannot happen
	}
	after, err := os.Lstat(target)
	if err != nil {
		return fmt.Errorf("%s: written, but: %w", c.Path, err)
	}
	next.disk = snapshot{size: after.Size(), mtime: after.ModTime(), hash: sha256.Sum256(out)}
	*c = *next
	return nil
}

// testHookAfterBackup lets a test write the file once the backup is made.
var testHookAfterBackup func()

// readBackup reads the current .bak so that a Write that changes nothing
// can put it back. A .bak that is not a regular file (a link, a folder) is
// an error: lsui writes only over a backup it could restore.
func readBackup(path string) ([]byte, bool, error) {
	data, err := regularfile.ReadFile(path, maxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// writeLike writes data atomically to path with the mode (and owner, where
// possible) of fi.
func writeLike(path string, data []byte, fi fs.FileInfo) error {
	f, err := atomicfile.Create(path, fi.Mode().Perm())
	if err != nil {
		return err
	}
	defer f.Abort()
	keepOwner(f.File, fi)
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

func readFile(path string) ([]byte, fs.FileInfo, error) {
	f, err := regularfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(raw) > maxSize {
		return nil, nil, fmt.Errorf("%s: larger than %d MiB; not a licence server config", path, maxSize>>20)
	}
	return raw, fi, nil
}

func splice(raw []byte, start, end int, text string) []byte {
	out := make([]byte, 0, len(raw)-(end-start)+len(text))
	out = append(out, raw[:start]...)
	out = append(out, text...)
	return append(out, raw[end:]...)
}

func digit(on bool) string {
	if on {
		return "1"
	}
	return "0"
}

// valueIn writes on in the style of old: digits stay digits, words keep
// their case (true/TRUE/True). Other mixes of case are written in lower
// case, so they do not survive an on→off→on round trip byte for byte.
func valueIn(old []byte, on bool) string {
	if len(old) == 1 {
		return digit(on)
	}
	word := "false"
	if on {
		word = "true"
	}
	switch {
	case string(old) == strings.ToUpper(string(old)):
		return strings.ToUpper(word)
	case old[0] >= 'A' && old[0] <= 'Z' && string(old[1:]) == strings.ToLower(string(old[1:])):
		return strings.ToUpper(word[:1]) + word[1:]
	}
	return word
}

// parseValue interprets a setting's value.
func parseValue(v string) (on, ok bool) {
	switch strings.ToLower(v) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}
