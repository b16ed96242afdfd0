// Package prefs is the dashboard's terminal side that is decided before the
// program starts: whether the console can draw more than ASCII (from the
// locale and TERM, or LSUI_ASCII), and the user's small preferences file
// (ascii, mouse, the tab the next start opens) in the OS's user config
// folder. It reads no flags; cmd/lsui passes them in.
package prefs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/lsui/lsui/internal/atomicfile"
)

// Prefs are the user's preferences. A nil field was never set: the
// default (or a flag) decides.
type Prefs struct {
	ASCII   *bool  `json:"ascii,omitempty"`
	Mouse   *bool  `json:"mouse,omitempty"`
	LastTab string `json:"last_tab,omitempty"` // the tab's name, e.g. "Usage"
}

// FileName is the preferences file in the lsui folder of the user's
// config folder.
const FileName = "prefs.json"

// maxFile bounds what is read of the file; real ones are a few lines.
const maxFile = 64 << 10

// File is the preferences as read from Path. Err is why they could not
// be read (not a missing file, which is no preferences yet): the caller
// reports it, the preferences are the defaults, and Save refuses to write
// over a file it could not understand.
type File struct {
	Path  string
	Prefs Prefs
	Err   error
}

// DefaultPath is os.UserConfigDir()/lsui/prefs.json.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("user preferences: %w", err)
	}
	return filepath.Join(dir, "lsui", FileName), nil
}

// Load reads the preferences at path. It never fails: a missing file is
// empty preferences, an unreadable or malformed one sets Err.
func Load(path string) *File {
	f := &File{Path: path}
	p, err := read(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		f.Err = err
		return f
	}
	f.Prefs = p
	return f
}

func read(path string) (Prefs, error) {
	var p Prefs
	st, err := os.Lstat(path)
	if err != nil {
		return p, err
	}
	if !st.Mode().IsRegular() {
		return p, fmt.Errorf("%s: not a regular file; preferences ignored", path)
	}
	fh, err := os.Open(path)
	if err != nil {
		return p, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFile+1))
	if err != nil {
		return p, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxFile {
		return p, fmt.Errorf("%s: larger than %d KiB; preferences ignored", path, maxFile>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Notepad's BOM
	if len(bytes.TrimSpace(data)) == 0 {
		return p, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Prefs{}, fmt.Errorf("%s: %w; preferences ignored (fix or delete the file)", path, jsonPosition(data, err))
	}
	return p, nil
}

// jsonPosition names the line of a syntax error.
func jsonPosition(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(max(int(se.Offset)-1, 0), len(data))], []byte("\n"))
		return fmt.Errorf("line %d: %w", line, err)
	}
	return err
}

// Save writes p in place of the file, temp + fsync + rename. It refuses
// when the file could not be understood when read, or cannot now: a
// file the user edited by hand is never overwritten with a loss.
func (f *File) Save(p Prefs) error {
	if f == nil || f.Path == "" {
		return nil
	}
	if f.Err != nil {
		return fmt.Errorf("preferences not saved: %w", f.Err)
	}
	if _, err := read(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("preferences not saved: %w", err)
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("preferences not saved: %w", err)
	}
	if err := atomicfile.WriteFile(f.Path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("preferences not saved: %w", err)
	}
	f.Prefs = p
	return nil
}

// PlainConsole reports whether the console should get ASCII only, and
// why: LSUI_ASCII=1 (LSUI_ASCII=0 says no whatever else is true), a TERM
// of vt100, linux or dumb, or a locale whose codeset is not UTF-8 (the
// first of LC_ALL, LC_CTYPE and LANG that is set, as the C library takes
// it; none set is the C locale outside Windows). getenv is os.Getenv
// outside tests.
func PlainConsole(getenv func(string) string) (plain bool, why string) {
	return plainConsole(getenv, runtime.GOOS)
}

func plainConsole(getenv func(string) string, goos string) (bool, string) {
	switch v := strings.TrimSpace(getenv("LSUI_ASCII")); v {
	case "1", "true", "yes", "on":
		return true, "LSUI_ASCII=" + v
	case "0", "false", "no", "off":
		return false, ""
	}
	switch term := getenv("TERM"); term {
	case "vt100", "vt102", "vt220", "linux", "dumb":
		return true, "TERM=" + term
	}
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if !utf8Locale(v) {
			return true, name + "=" + v
		}
		return false, ""
	}
	if goos == "windows" {
		// Windows consoles do not set the POSIX locale variables; Windows
		// Terminal and conhost draw the box characters lsui uses.
		return false, ""
	}
	return true, "no locale set (the C locale)"
}

// utf8Locale reports whether a locale name's codeset is UTF-8:
// "en_US.UTF-8", "C.utf8", "de_DE.utf8@euro".
func utf8Locale(v string) bool {
	_, codeset, ok := strings.Cut(v, ".")
	if !ok {
		return false
	}
	codeset, _, _ = strings.Cut(codeset, "@")
	c := strings.ToLower(strings.ReplaceAll(codeset, "-", ""))
	return c == "utf8"
}

// Decide is what the dashboard draws with: a flag wins, then the
// preferences, then the console (ASCII only); the mouse is off unless a
// flag or the preferences turn it on.
func Decide(asciiFlag, mouseFlag bool, f *File, getenv func(string) string) (ascii, mouse bool) {
	ascii, mouse = asciiFlag, mouseFlag
	var p Prefs
	if f != nil {
		p = f.Prefs
	}
	if !ascii {
		switch {
		case p.ASCII != nil:
			ascii = *p.ASCII
		default:
			ascii, _ = PlainConsole(getenv)
		}
		// LSUI_ASCII=1 is asked for in so many words: it wins over a
		// preference for Unicode.
		if v := getenv("LSUI_ASCII"); v == "1" {
			ascii = true
		}
	}
	if !mouse && p.Mouse != nil {
		mouse = *p.Mouse
	}
	return ascii, mouse
}
