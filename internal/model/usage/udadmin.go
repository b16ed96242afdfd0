package usage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// Assignment is one row of `udadmin -list -times`: a user/device licence
// assigned to an identity, with its last use.
type Assignment struct {
	Identity string
	Feature  string
	Version  string    // the CSS date as written, e.g. 2025.0630
	LastUse  time.Time // server local, in the zone given to ParseUdadmin
	Kind     Kind      // Device under "Devices:", else User
	Line     int       // 1-based line in the listing
}

// LineError is a problem with one line of an input; the rest still parses.
type LineError struct {
	Source string // the input's path, or "udadmin" for live output
	// Line is 1-based; 0 for the lines past those listed one by one (a
	// debug log's "N more malformed or over-long lines").
	Line int
	Err  error
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.Source, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err)
}
func (e *LineError) Unwrap() error { return e.Err }

// ParseUdadmin reads a `udadmin -list -times` listing:
//
//	Usage data is 3 minutes old. Next update in 12 minutes.
//	Users:
//	 alice@corp.example XDT_PLT_UD 2025.0630 (Mon Nov 02 08:14:51 2026)
//	Devices:
//	 KIOSK-07 XDT_PLT_UD 2025.0630 (Wed Nov 04 09:01:33 2026)
//
// A row is read from the right (time, version, feature), so an identity may
// hold spaces, as Active Directory names can. The weekday is not checked
// against the date: the date is what counts. Lines before the first section
// header that do not read as rows are the banner and are ignored; a row
// there counts as a user. Inside a section every non-blank line must be a
// row, else it becomes a *LineError ("SOURCE:12: ...") and the rest still
// parses. source names the listing in those errors: the captured file's
// path, or "udadmin" for live output. A read error ends the listing and is
// the last error returned.
func ParseUdadmin(r io.Reader, source string, loc *time.Location) ([]Assignment, []error) {
	var out []Assignment
	errs := ScanUdadmin(r, source, loc, func(a Assignment) { out = append(out, a) })
	return out, errs
}

// ScanUdadmin is ParseUdadmin calling fn for each row as it is read, so a
// listing of any size is never held: memory is one line, and what fn keeps.
// Rows cost one allocation each (the identity); feature and version
// strings are shared between rows.
func ScanUdadmin(r io.Reader, source string, loc *time.Location, fn func(Assignment)) []error {
	if loc == nil {
		loc = time.Local
	}
	var (
		errs    []error
		kind    = User
		section bool
		names   = map[string]string{} // features and versions: a handful
	)
	lr := newLineReader(r)
	fail := func(err error) { errs = append(errs, &LineError{Source: source, Line: lr.n, Err: err}) }
	for {
		b, long, err := lr.next()
		if err == io.EOF {
			break
		}
		if long {
			fail(fmt.Errorf("line longer than %d bytes, skipped", MaxLineLen))
		} else if b != nil {
			line := bytes.TrimSpace(b)
			switch k, ok := sectionHeader(line); {
			case len(line) == 0:
			case ok:
				kind, section = k, true
			default:
				a, perr := parseAssignment(line, loc, names)
				switch {
				case perr == nil:
					a.Kind, a.Line = kind, lr.n
					fn(a)
				case section:
					fail(perr)
				}
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("udadmin: %w", err))
			break
		}
	}
	return errs
}

// sectionHeader recognizes "Users:" and "Devices:" in any case and spacing.
func sectionHeader(line []byte) (Kind, bool) {
	name, ok := bytes.CutSuffix(line, []byte(":"))
	if !ok {
		return 0, false
	}
	switch name = bytes.TrimSpace(name); {
	case asciiLowerIs(name, "users"), asciiLowerIs(name, "user"):
		return User, true
	case asciiLowerIs(name, "devices"), asciiLowerIs(name, "device"):
		return Device, true
	}
	return 0, false
}

// asciiLowerIs reports whether b in lower case is word, an ASCII lower-case
// word: only ASCII letters lower-case to ASCII letters here, so this is
// strings.ToLower(b) == word without the copy.
func asciiLowerIs(b []byte, word string) bool {
	if len(b) != len(word) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}

var errNoTime = errors.New("no last-use time in parentheses (was udadmin run with -times?)")

// parseAssignment reads one row (trimmed) without keeping the line: the
// identity is copied, feature and version are interned in names.
func parseAssignment(line []byte, loc *time.Location, names map[string]string) (Assignment, error) {
	if len(line) == 0 || line[len(line)-1] != ')' {
		return Assignment{}, errNoTime
	}
	open := bytes.LastIndexByte(line, '(')
	if open < 0 {
		return Assignment{}, errNoTime
	}
	stamp := line[open+1 : len(line)-1]
	when, ok := parseCtime(stamp, loc)
	if !ok || when.IsZero() {
		// "0001-01-01 00:00:00" in UTC is Go's zero time, which callers
		// read as "no last use"; no real row carries it.
		return Assignment{}, fmt.Errorf("unreadable last-use time %q", stamp)
	}
	head := bytes.TrimSpace(line[:open])
	head, version := cutLastField(head)
	head, feature := cutLastField(head)
	identity := bytes.TrimSpace(head)
	if len(identity) == 0 || len(feature) == 0 || len(version) == 0 {
		return Assignment{}, fmt.Errorf("want \"IDENTITY FEATURE VERSION (TIME)\", got %q", line)
	}
	return Assignment{Identity: string(identity), Feature: intern(names, feature), Version: intern(names, version), LastUse: when}, nil
}

// cutLastField splits off the last white-space separated field.
func cutLastField(s []byte) (rest, field []byte) {
	s = bytes.TrimRight(s, " \t")
	i := bytes.LastIndexAny(s, " \t")
	return s[:i+1], s[i+1:]
}

var monthAbbr = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseCtime reads the C library's ctime layout "Mon Nov 02 08:14:51 2026",
// with or without the weekday and with any padding, or an ISO
// "2026-11-02 08:14:51".
func parseCtime(s []byte, loc *time.Location) (time.Time, bool) {
	var f [6][]byte
	n := 0
	for rest := s; ; {
		rest = trimFieldSpace(rest)
		if len(rest) == 0 {
			break
		}
		if n == len(f) {
			return time.Time{}, false // more fields than any layout has
		}
		f[n], rest = cutField(rest)
		n++
	}
	if n == 2 {
		if t, ok := parseISODateTime(f[0], f[1], loc); ok {
			return t, true
		}
	}
	fields := f[:n]
	if n == 5 {
		fields = fields[1:] // the weekday: not checked, the date wins
	}
	if len(fields) != 4 || len(fields[0]) < 3 {
		return time.Time{}, false
	}
	m := 0
	for i, a := range monthAbbr {
		if bytes.EqualFold(fields[0][:3], []byte(a)) {
			m = i + 1
		}
	}
	d, okD := atoiSigned(fields[1])
	y, okY := atoiSigned(fields[3])
	if m == 0 || !okD || !okY || y < 1 || y > 9999 || d < 1 || d > daysIn(y, time.Month(m)) {
		return time.Time{}, false
	}
	var clock [3]int
	hms := fields[2]
	for i := range clock {
		var p []byte
		if i < 2 {
			j := bytes.IndexByte(hms, ':')
			if j < 0 {
				return time.Time{}, false
			}
			p, hms = hms[:j], hms[j+1:]
		} else {
			if bytes.IndexByte(hms, ':') >= 0 {
				return time.Time{}, false
			}
			p = hms
		}
		v, ok := atoiSigned(p)
		if !ok || v < 0 || len(p) > 2 {
			return time.Time{}, false
		}
		clock[i] = v
	}
	if clock[0] > 23 || clock[1] > 59 || clock[2] > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, clock[0], clock[1], clock[2], 0, loc), true
}

// cutField splits s at its first white space, as strings.Fields does
// (Unicode white space included).
func cutField(s []byte) (field, rest []byte) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				return s[:i], s[i:]
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if unicode.IsSpace(r) {
			return s[:i], s[i:]
		}
		i += size
	}
	return s, nil
}

// trimFieldSpace drops leading white space as strings.Fields skips it.
func trimFieldSpace(s []byte) []byte {
	for len(s) > 0 {
		if c := s[0]; c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return s
			}
			s = s[1:]
			continue
		}
		r, size := utf8.DecodeRune(s)
		if !unicode.IsSpace(r) {
			return s
		}
		s = s[size:]
	}
	return s
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// atoiSigned is strconv.Atoi on bytes: an optional sign, then decimal digits.
func atoiSigned(b []byte) (int, bool) {
	neg, sign := false, ""
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg, sign, b = b[0] == '-', string(b[:1]), b[1:]
	}
	if len(b) > 18 {
		// strconv's own answer for what would overflow the loop below
		// (leading zeros, or a number too large for any date).
		n, err := strconv.Atoi(sign + string(b))
		return n, err == nil
	}
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// parseISODateTime reads "2026-11-02 08:14:51" (date and clock) as
// time.ParseInLocation does, fractions of a second and all. udadmin writes
// ctime; this layout is rare, so building the string costs nothing that
// matters.
func parseISODateTime(date, clock []byte, loc *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", string(date)+" "+string(clock), loc)
	return t, err == nil
}
