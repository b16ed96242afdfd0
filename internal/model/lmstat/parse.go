package lmstat

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// MaxLineLen is the longest line looked at; a longer one is reported and
// skipped, so a corrupt capture cannot grow memory.
const MaxLineLen = 64 << 10

// maxCount is the largest licence count believed; beyond it a figure is
// reported as out of range, so that sums cannot overflow.
const maxCount = 1<<31 - 1

// maxProblems bounds the problems kept for one listing: a binary file fed
// as a listing is reported, not listed line by line.
const maxProblems = 100

var (
	reUsers = regexp.MustCompile(`^Users of (.+?):\s*\((.*)\)\s*$`)
	reTotal = regexp.MustCompile(`^Total of (\d+) licen[cs]es? issued;\s*Total of (\d+) licen[cs]es? in use$`)
	rePool  = regexp.MustCompile(`^"([^"]*)" v(\S*?),?\s+vendor:\s*([^,]*?)(?:,\s*expiry:\s*(.*))?$`)
	reKind  = regexp.MustCompile(`(?i)^(?:uncounted\s+)?(?:floating|node-?locked|counted|package|borrow\w*|metered|user-based|host-based)\b.*\blicen[cs]e`)
	reResv  = regexp.MustCompile(`^(\d+) RESERVATIONs? for (\S+) (.*?)\s*\(([^()]*)\)$`)
	reRow   = regexp.MustCompile(`^(.*) \(v([^()]*)\) \(([^()]*)\), start (.*)$`)
	reQueue = regexp.MustCompile(`^(.*) \(v([^()]*)\) \(([^()]*)\) queued for (\d+) licen[cs]es?$`)
	reStart = regexp.MustCompile(`^([A-Za-z]{3} \d{1,2}/\d{1,2} \d{1,2}:\d{2})(.*)$`)
	reLic   = regexp.MustCompile(`^,\s*(\d+) licen[cs]es?`)
	rePID   = regexp.MustCompile(`^,\s*PID:\s*(\d+)`)
	reLing  = regexp.MustCompile(`^\(linger:\s*([^()]*?)\s*\)`)
	reSrvUp = regexp.MustCompile(`^(\S+): license server UP( \(MASTER\))?(?: (v\S+))?$`)
	reDmnUp = regexp.MustCompile(`^(\S+): UP(?: (v\S+))?$`)
	reHostM = regexp.MustCompile(`^([^\s:]+): (.+)$`)
	reFiles = regexp.MustCompile(`^License file\(s\) on ([^:]+): (.*?):?$`)
	reVDOn  = regexp.MustCompile(`^Vendor daemon status \(on (.*)\):$`)
	reHostT = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._$-]*$`)
)

type section int

const (
	secHead section = iota
	secServers
	secDaemons
	secFeatures
	secInventory
)

type parser struct {
	l       *Listing
	sec     section
	dmnHost string
	feat    int // index of the current feature in l.Features, -1 before any
	note    bool
	cols    []string
	line    int
	dropped int
}

// Parse reads an lmstat listing. name labels the problems ("lmstat-a.txt:12:
// ..."). Every line it does not understand becomes a Problem and the rest
// loads; the error is only for a failed read, with what was read so far
// still returned. CRLF, a UTF-8 BOM and UTF-16 with a BOM (PowerShell's
// `>` redirection) are accepted.
func Parse(r io.Reader, name string) (*Listing, error) {
	p := &parser{l: &Listing{Name: name}, feat: -1}
	br := bufio.NewReaderSize(decode(r), 64<<10)
	for {
		b, long, err := readLine(br)
		if b == nil && !long && err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			p.finish()
			return p.l, fmt.Errorf("%s: %w", name, err)
		}
		p.line++
		if long {
			p.problem("line longer than %d bytes, skipped", MaxLineLen)
		} else {
			if p.line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
			}
			p.take(string(b))
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			p.finish()
			return p.l, fmt.Errorf("%s: %w", name, err)
		}
	}
	p.finish()
	return p.l, nil
}

// decode turns UTF-16 with a byte order mark into UTF-8; anything else
// passes through (a UTF-8 BOM is removed by Parse).
func decode(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if len(head) == 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(br, unicode.BOMOverride(dec))
	}
	return br
}

// readLine returns a line without its LF or CRLF; long reports one over
// MaxLineLen, whose bytes are dropped.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !long {
			if len(buf)+len(chunk) > MaxLineLen+2 {
				long, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if long {
			if err == io.EOF {
				err = nil
			}
			return nil, true, err
		}
		if len(buf) == 0 && err != nil {
			return nil, false, err
		}
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		if len(buf) > MaxLineLen {
			return nil, true, err
		}
		return buf, false, err
	}
}

func (p *parser) problem(format string, a ...any) {
	if len(p.l.Problems) >= maxProblems {
		p.dropped++
		return
	}
	p.l.Problems = append(p.l.Problems, Problem{File: p.l.Name, Line: p.line, Message: fmt.Sprintf(format, a...)})
}

func (p *parser) finish() {
	if p.dropped > 0 {
		p.l.Problems = append(p.l.Problems, Problem{File: p.l.Name, Line: p.line,
			Message: fmt.Sprintf("%d more lines not understood", p.dropped)})
	}
}

// quote shortens a line for a problem message; the caller's surface
// sanitizes it before drawing.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}

func (p *parser) cur() *Feature {
	if p.feat < 0 {
		return nil
	}
	return &p.l.Features[p.feat]
}

func (p *parser) lastPool() *Pool {
	f := p.cur()
	if f == nil || len(f.Pools) == 0 {
		return nil
	}
	return &f.Pools[len(f.Pools)-1]
}

func (p *parser) take(raw string) {
	t := strings.TrimSpace(raw)
	if t == "" {
		p.note = false
		return
	}
	if p.note { // the rest of "NOTE: lmstat -i does not give information ..."
		return
	}
	switch {
	case strings.HasPrefix(t, "lmutil - ") || strings.HasPrefix(t, "lmstat - "):
		p.l.Tool = t
		return
	case t == "lmstat" || strings.HasPrefix(t, "lmstat v"):
		p.l.Version = strings.TrimSpace(strings.TrimPrefix(t, "lmstat"))
		return
	case strings.HasPrefix(t, "Flexible License Manager status on "):
		p.l.Taken = strings.TrimSpace(strings.TrimPrefix(t, "Flexible License Manager status on "))
		return
	case strings.HasPrefix(t, "[Detecting lmgrd processes"):
		return
	case strings.HasPrefix(t, "License server status:"):
		p.l.ServerSpec = strings.TrimSpace(strings.TrimPrefix(t, "License server status:"))
		p.sec = secServers
		return
	case strings.HasPrefix(t, "Error getting status:"), strings.HasPrefix(t, "lmgrd is not running"):
		p.l.Error = t
		return
	case strings.HasPrefix(t, "Feature usage info:"):
		p.sec = secFeatures
		return
	case strings.HasPrefix(t, "NOTE:"):
		p.note = true
		p.sec = secInventory
		p.l.Info = true
		return
	}
	if m := reFiles.FindStringSubmatch(t); m != nil {
		p.l.LicenseFiles = append(p.l.LicenseFiles, LicenseFile{Host: m[1], Path: m[2]})
		return
	}
	if m := reVDOn.FindStringSubmatch(t); m != nil {
		p.dmnHost, p.sec = m[1], secDaemons
		return
	}
	if strings.HasPrefix(t, "Users of features served by ") && strings.HasSuffix(t, ":") {
		// lmstat -S heads each vendor daemon's features so.
		p.sec = secFeatures
		return
	}
	if strings.HasPrefix(t, "Users of ") {
		p.users(t)
		return
	}
	switch p.sec {
	case secServers:
		if m := reSrvUp.FindStringSubmatch(t); m != nil {
			p.l.Servers = append(p.l.Servers, Server{Host: m[1], Up: true, Master: m[2] != "", Version: m[3], Line: p.line})
			return
		}
		if m := reHostM.FindStringSubmatch(t); m != nil {
			p.l.Servers = append(p.l.Servers, Server{Host: m[1], Message: m[2], Line: p.line})
			return
		}
	case secDaemons:
		if m := reDmnUp.FindStringSubmatch(t); m != nil {
			p.l.Daemons = append(p.l.Daemons, Daemon{Name: m[1], Host: p.dmnHost, Up: true, Version: m[2], Line: p.line})
			return
		}
		if m := reHostM.FindStringSubmatch(t); m != nil {
			p.l.Daemons = append(p.l.Daemons, Daemon{Name: m[1], Host: p.dmnHost, Message: m[2], Line: p.line})
			return
		}
	case secInventory:
		if p.inventory(t) {
			return
		}
	case secFeatures:
		if p.featureDetail(t) {
			return
		}
	}
	p.problem("not understood: %s", quote(t))
}

func (p *parser) users(t string) {
	m := reUsers.FindStringSubmatch(t)
	if m == nil {
		p.problem("a \"Users of\" line without its totals: %s", quote(t))
		return
	}
	p.sec = secFeatures
	f := Feature{Name: m[1], Line: p.line}
	inner := strings.TrimSpace(m[2])
	switch tm := reTotal.FindStringSubmatch(inner); {
	case tm != nil:
		issued, err1 := strconv.Atoi(tm[1])
		inUse, err2 := strconv.Atoi(tm[2])
		if err1 != nil || err2 != nil || issued > maxCount || inUse > maxCount {
			p.problem("feature %s: totals out of range: %s", quote(f.Name), quote(inner))
		} else {
			f.Issued, f.InUse = issued, inUse
		}
	case strings.HasPrefix(strings.ToLower(inner), "uncounted"):
		f.Uncounted = true
	case strings.HasPrefix(inner, "Error:"):
		f.Error = strings.TrimSpace(strings.TrimPrefix(inner, "Error:"))
	default:
		p.problem("feature %s: totals not understood: %s", quote(f.Name), quote(inner))
	}
	p.l.Features = append(p.l.Features, f)
	p.feat = len(p.l.Features) - 1
}

// featureDetail takes the lines under a "Users of" line.
func (p *parser) featureDetail(t string) bool {
	f := p.cur()
	if f == nil {
		return false
	}
	if m := rePool.FindStringSubmatch(t); m != nil {
		f.Pools = append(f.Pools, Pool{Feature: m[1], Version: m[2], Vendor: strings.TrimSpace(m[3]),
			Expiry: strings.TrimSpace(m[4]), Line: p.line})
		return true
	}
	if v, ok := strings.CutPrefix(t, "vendor_string:"); ok {
		if pl := p.lastPool(); pl != nil {
			pl.VendorString = strings.TrimSpace(v)
			return true
		}
		return false
	}
	if reKind.MatchString(t) {
		if pl := p.lastPool(); pl != nil {
			pl.Kind = t
			return true
		}
		return false
	}
	if m := reResv.FindStringSubmatch(t); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n > maxCount {
			return false
		}
		f.Reservations = append(f.Reservations, Reservation{Count: n, Kind: m[2], Name: m[3], Server: m[4], Line: p.line})
		return true
	}
	if m := reRow.FindStringSubmatch(t); m != nil {
		c := Checkout{Version: m[2], Licenses: 1, Line: p.line}
		c.Server, c.Handle = splitServer(m[3])
		c.User, c.Host, c.Display = splitWho(m[1])
		sm := reStart.FindStringSubmatch(m[4])
		if sm == nil {
			p.problem("feature %s: checkout start not understood: %s", quote(f.Name), quote(t))
			return true
		}
		c.Start = sm[1]
		if !p.tail(&c, sm[2]) {
			return true
		}
		f.Checkouts = append(f.Checkouts, c)
		return true
	}
	if m := reQueue.FindStringSubmatch(t); m != nil {
		c := Checkout{Version: m[2], Line: p.line}
		c.Server, c.Handle = splitServer(m[3])
		// A queued row repeats the version before "(vX)": not a display.
		c.User, c.Host, c.Display = splitWho(strings.TrimSuffix(m[1], " "+m[2]))
		n, err := strconv.Atoi(m[4])
		if err != nil || n > maxCount {
			return false
		}
		c.Licenses = n
		f.Queued = append(f.Queued, c)
		return true
	}
	return false
}

// tail reads what follows a row's start time: ", K licenses", ", PID: N",
// "(linger: ...)", in any order; anything else is kept in Extra.
func (p *parser) tail(c *Checkout, s string) bool {
	var extra []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if m := reLic.FindStringSubmatch(s); m != nil {
			n, err := strconv.Atoi(m[1])
			if err != nil || n > maxCount {
				p.problem("licence count out of range: %s", quote(m[0]))
				return false
			}
			c.Licenses = n
			s = s[len(m[0]):]
			continue
		}
		if m := rePID.FindStringSubmatch(s); m != nil {
			c.PID = m[1]
			s = s[len(m[0]):]
			continue
		}
		if m := reLing.FindStringSubmatch(s); m != nil {
			c.Linger = m[1]
			s = s[len(m[0]):]
			continue
		}
		// Unknown: keep up to the next comma or parenthesis.
		i := strings.IndexAny(s[1:], ",(")
		if i < 0 {
			extra = append(extra, s)
			break
		}
		extra = append(extra, strings.TrimSpace(s[:i+1]))
		s = s[i+1:]
	}
	c.Extra = strings.Join(extra, " ")
	return true
}

// splitServer splits "host3.domain.net/27002 7086" into server and handle.
func splitServer(s string) (server, handle string) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[:i], strings.TrimSpace(s[i+1:])
	}
	return s, ""
}

// splitWho splits "user host display". lmstat separates them with single
// spaces and quotes nothing, yet user names hold spaces ("Jane Doe Jr.")
// and displays hold garbage with spaces. Two words are user and host. With
// three or more, the host is the last host-like word that leaves at least
// one word of display after it, the user everything before it; a display
// equal to the word before it (Windows prints the host twice) settles it.
// Without a host-like word, the second word is the host.
func splitWho(s string) (user, host, display string) {
	w := strings.Fields(s)
	switch len(w) {
	case 0:
		return "", "", ""
	case 1:
		return w[0], "", ""
	case 2:
		return w[0], w[1], ""
	case 3:
		return w[0], w[1], w[2]
	}
	n := len(w)
	h := -1
	if w[n-1] == w[n-2] {
		h = n - 2
	} else {
		for i := n - 2; i >= 1; i-- {
			if reHostT.MatchString(w[i]) {
				h = i
				break
			}
		}
	}
	if h < 1 {
		h = 1
	}
	return strings.Join(w[:h], " "), w[h], strings.Join(w[h+1:], " ")
}

// inventory takes the `lmstat -i` table: a header naming the columns,
// an underline, then one row per feature.
func (p *parser) inventory(t string) bool {
	if strings.HasPrefix(t, "_") {
		return true
	}
	w := joinParens(strings.Fields(t))
	if len(w) > 0 && w[0] == "Feature" {
		p.cols = w
		p.l.Info = true
		return true
	}
	if p.cols == nil || len(w) != len(p.cols) {
		return false
	}
	row := InventoryRow{Line: p.line}
	for i, c := range p.cols {
		switch strings.ToLower(c) {
		case "feature":
			row.Feature = w[i]
		case "version":
			row.Version = w[i]
		case "#licenses":
			row.Licenses = w[i]
		case "expires":
			row.Expires = w[i]
		case "vendor":
			row.Vendor = w[i]
		}
	}
	p.l.Inventory = append(p.l.Inventory, row)
	return true
}

// joinParens joins words inside parentheses, so that "permanent(no
// expiration date)" stays one column.
func joinParens(w []string) []string {
	var out []string
	depth := 0
	for _, x := range w {
		if depth > 0 {
			out[len(out)-1] += " " + x
		} else {
			out = append(out, x)
		}
		depth += strings.Count(x, "(") - strings.Count(x, ")")
		if depth < 0 {
			depth = 0
		}
	}
	return out
}
