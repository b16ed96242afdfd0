package usage

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
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
	Line   int
	Err    error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err) }
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
	if loc == nil {
		loc = time.Local
	}
	var (
		out     []Assignment
		errs    []error
		kind    = User
		section bool
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
			line := strings.TrimSpace(string(b))
			switch k, ok := sectionHeader(line); {
			case line == "":
			case ok:
				kind, section = k, true
			default:
				a, perr := parseAssignment(line, loc)
				switch {
				case perr == nil:
					a.Kind, a.Line = kind, lr.n
					out = append(out, a)
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
	return out, errs
}

// sectionHeader recognizes "Users:" and "Devices:" in any case and spacing.
func sectionHeader(line string) (Kind, bool) {
	name, ok := strings.CutSuffix(line, ":")
	if !ok {
		return 0, false
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "users", "user":
		return User, true
	case "devices", "device":
		return Device, true
	}
	return 0, false
}

var errNoTime = errors.New("no last-use time in parentheses (was udadmin run with -times?)")

func parseAssignment(line string, loc *time.Location) (Assignment, error) {
	if !strings.HasSuffix(line, ")") {
		return Assignment{}, errNoTime
	}
	open := strings.LastIndexByte(line, '(')
	if open < 0 {
		return Assignment{}, errNoTime
	}
	when, err := parseCtime(line[open+1:len(line)-1], loc)
	if err != nil {
		return Assignment{}, err
	}
	if when.IsZero() {
		// "0001-01-01 00:00:00" in UTC is Go's zero time, which callers
		// read as "no last use"; no real row carries it.
		return Assignment{}, fmt.Errorf("unreadable last-use time %q", line[open+1:len(line)-1])
	}
	head := strings.TrimSpace(line[:open])
	head, version := cutLastField(head)
	head, feature := cutLastField(head)
	identity := strings.TrimSpace(head)
	if identity == "" || feature == "" || version == "" {
		return Assignment{}, fmt.Errorf("want \"IDENTITY FEATURE VERSION (TIME)\", got %q", line)
	}
	return Assignment{Identity: identity, Feature: feature, Version: version, LastUse: when}, nil
}

// cutLastField splits off the last white-space separated field.
func cutLastField(s string) (rest, field string) {
	s = strings.TrimRight(s, " \t")
	i := strings.LastIndexAny(s, " \t")
	return s[:i+1], s[i+1:]
}

var monthAbbr = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseCtime reads the C library's ctime layout "Mon Nov 02 08:14:51 2026",
// with or without the weekday and with any padding, or an ISO
// "2026-11-02 08:14:51".
func parseCtime(s string, loc *time.Location) (time.Time, error) {
	f := strings.Fields(s)
	if len(f) == 2 {
		if t, err := time.ParseInLocation("2006-01-02 15:04:05", f[0]+" "+f[1], loc); err == nil {
			return t, nil
		}
	}
	if len(f) == 5 {
		f = f[1:] // the weekday: not checked, the date wins
	}
	bad := fmt.Errorf("unreadable last-use time %q", s)
	if len(f) != 4 || len(f[0]) < 3 {
		return time.Time{}, bad
	}
	m := 0
	for i, a := range monthAbbr {
		if strings.EqualFold(f[0][:3], a) {
			m = i + 1
		}
	}
	d, errD := strconv.Atoi(f[1])
	y, errY := strconv.Atoi(f[3])
	hms := strings.Split(f[2], ":")
	if m == 0 || errD != nil || errY != nil || len(hms) != 3 || y < 1 || y > 9999 ||
		d < 1 || d > daysIn(y, time.Month(m)) {
		return time.Time{}, bad
	}
	var clock [3]int
	for i, p := range hms {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 2 {
			return time.Time{}, bad
		}
		clock[i] = n
	}
	if clock[0] > 23 || clock[1] > 59 || clock[2] > 59 {
		return time.Time{}, bad
	}
	return time.Date(y, time.Month(m), d, clock[0], clock[1], clock[2], 0, loc), nil
}
