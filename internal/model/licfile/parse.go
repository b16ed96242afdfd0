package licfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// MaxFileSize is the largest input Parse accepts. Real licence files are a
// few kilobytes; the cap keeps a mistaken path (a disk image, a log) from
// being read into memory whole.
const MaxFileSize = 64 << 20

// ErrTooLarge is wrapped by Parse's error for input over MaxFileSize.
var ErrTooLarge = errors.New("larger than 64 MiB, not a licence file")

// Parse reads one licence file. The error is only for reading: malformed
// content never fails the call, it lands in File.Errors.
func Parse(name string, r io.Reader) (*File, error) {
	data, err := readCapped(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w", name, ErrTooLarge)
	}
	return ParseBytes(name, data), nil
}

// readCapped is io.ReadAll of at most MaxFileSize+1 bytes, into one buffer
// sized from Stat when r is a file, so a file is not grown and copied
// half a dozen times on its way in.
func readCapped(r io.Reader) ([]byte, error) {
	size := 512
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			size = int(min(max(fi.Size(), 0), MaxFileSize)) + 1 // +1: EOF needs no growing
		}
	}
	lr := io.LimitReader(r, MaxFileSize+1)
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// ParseBytes parses a licence file held in memory. It never panics and
// never stops early: every line that can be read is loaded.
func ParseBytes(name string, data []byte) *File {
	f := &File{Name: name, Size: int64(len(data))}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	p := parser{file: f, lines: physicalLines{text: text}}
	for {
		ll, ok := p.nextLogical()
		if !ok {
			break
		}
		p.logicalLine(ll)
	}
	PairTwins(f.Lines)
	return f
}

type parser struct {
	file  *File
	lines physicalLines
	words []word // scratch for splitWords: no line keeps it
}

func (p *parser) errorf(line int, format string, args ...any) {
	p.file.Errors = append(p.file.Errors, ParseError{File: p.file.Name, Line: line, Message: fmt.Sprintf(format, args...)})
}

// physicalLines splits text on LF, CRLF and lone CR (old Mac editors and
// some mail clients leave those), numbering lines from 1.
type physicalLines struct {
	text string
	pos  int
	no   int
}

func (pl *physicalLines) next() (line string, no int, ok bool) {
	line, no, end, ok := pl.look()
	if ok {
		pl.pos, pl.no = end, no
	}
	return line, no, ok
}

// look returns the next line without consuming it, and where it ends.
func (pl *physicalLines) look() (line string, no, end int, ok bool) {
	if pl.pos >= len(pl.text) {
		return "", 0, 0, false
	}
	rest := pl.text[pl.pos:]
	i := strings.IndexAny(rest, "\r\n")
	if i < 0 {
		return rest, pl.no + 1, len(pl.text), true
	}
	end = pl.pos + i + 1
	if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
		end++
	}
	return rest[:i], pl.no + 1, end, true
}

// logical is one logical line: physical lines joined at their trailing
// backslashes.
type logical struct {
	start int    // physical line number where it starts
	text  string // joined text, backslashes and line breaks removed
	// breaks maps offsets in text to the physical line that begins there,
	// so an error inside a long SIGN can name the right physical line.
	breaks []lineOffset
}

type lineOffset struct{ offset, line int }

// lineAt is the physical line holding offset in ll.text.
func (ll *logical) lineAt(offset int) int {
	line := ll.start
	for _, b := range ll.breaks {
		if b.offset > offset {
			break
		}
		line = b.line
	}
	return line
}

// nextLogical joins continuation lines. FlexNet's rule is a backslash at the
// end of the line; trailing blanks after it are tolerated because editors
// and mail clients add them. The join works so:
//   - outside quotes the break is a word separator;
//   - inside a quoted value (SIGN="1A2B 3C4D \ ⏎ 5E6F") blanks around the
//     break collapse to one space, and a break with no blank on either side
//     joins the two halves directly, as a wrapped hex string needs.
//
// A continuation stops, so that one bad line cannot swallow the next ones,
// at the end of input, at a blank or comment line, and at a line that starts
// in column 0 with a top-level keyword (INCREMENT, SERVER…): the backslash
// before it is then reported as dangling.
func (p *parser) nextLogical() (logical, bool) {
	for {
		line, no, ok := p.lines.next()
		if !ok {
			return logical{}, false
		}
		if isBlankOrComment(line) {
			continue
		}
		ll := logical{start: no}
		if body, more := cutContinuation(line); !more {
			// One physical line, the usual case: its text as it stands,
			// no copy.
			ll.text = body
			return ll, true
		}
		var b strings.Builder
		inQuote := false
		for {
			body, more := cutContinuation(line)
			blankBefore := false
			if more {
				blankBefore = strings.HasSuffix(body, " ") || strings.HasSuffix(body, "\t")
				body = strings.TrimRight(body, " \t")
			}
			if no != ll.start {
				ll.breaks = append(ll.breaks, lineOffset{b.Len(), no})
			}
			b.WriteString(body)
			if strings.Count(body, `"`)%2 == 1 {
				inQuote = !inQuote
			}
			if !more {
				break
			}
			next, nextNo, end, ok := p.lines.look()
			if !ok || isBlankOrComment(next) {
				break
			}
			if kw := topLevelKeyword(next); kw != "" {
				p.errorf(no, `line ends in "\" but the next line starts a new %s line; the "\" is ignored`, kw)
				break
			}
			p.lines.pos, p.lines.no = end, nextNo
			blankAfter := strings.HasPrefix(next, " ") || strings.HasPrefix(next, "\t")
			if !inQuote || blankBefore || blankAfter {
				b.WriteByte(' ')
			}
			line, no = strings.TrimLeft(next, " \t"), nextNo
		}
		ll.text = b.String()
		return ll, true
	}
}

func isBlankOrComment(line string) bool {
	t := strings.TrimLeft(line, " \t\v\f")
	return t == "" || t[0] == '#'
}

// cutContinuation strips a trailing backslash (and blanks after it) and
// reports whether there was one.
func cutContinuation(line string) (string, bool) {
	t := strings.TrimRight(line, " \t")
	if strings.HasSuffix(t, `\`) {
		return t[:len(t)-1], true
	}
	return line, false
}

// topLevelKeyword is the keyword a line starts with, when it starts in
// column 0 with one; "" otherwise. Continuation lines in real files start
// either indented or with a KEY=value or signature chunk, never with a bare
// keyword.
func topLevelKeyword(line string) string {
	if line == "" || line[0] == ' ' || line[0] == '\t' {
		return ""
	}
	word := line
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		word = line[:i]
	}
	kw := strings.ToUpper(word)
	if _, ok := keywords[kw]; ok {
		return kw
	}
	return ""
}

var keywords = map[string]struct{}{
	"INCREMENT": {}, "FEATURE": {}, "SERVER": {}, "VENDOR": {}, "DAEMON": {},
	"USE_SERVER": {}, "PACKAGE": {}, "UPGRADE": {}, "FEATURESET": {},
}

// word is one blank-separated word of a logical line, quotes removed.
type word struct {
	text string
	eq   int // index in text of the first "=" outside quotes, -1 if none
}

func (w word) kv() KV {
	if w.eq < 0 {
		return KV{Key: w.text}
	}
	return KV{Key: w.text[:w.eq], Value: w.text[w.eq+1:]}
}

// splitWords splits a logical line into words. A double quote toggles
// quoting anywhere in a word (KEY="a b" is one word, key KEY, value "a b");
// FlexNet has no escapes inside quotes. openQuote is the offset of an
// unterminated quote, -1 when all quotes are closed.
//
// words is appended to (pass a scratch slice to reuse it). Each word is a
// copy: a substring would keep the whole file's text, comments and all,
// alive as long as the licence lines.
func splitWords(s string, words []word) (_ []word, openQuote int) {
	openQuote = -1
	var buf []byte
	i := 0
	for i < len(s) {
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		buf = buf[:0]
		eq := -1
		inQuote := false
		for ; i < len(s); i++ {
			c := s[i]
			if c == '"' {
				inQuote = !inQuote
				if inQuote {
					openQuote = i
				} else {
					openQuote = -1
				}
				continue
			}
			if !inQuote {
				if isBlank(c) {
					break
				}
				if c == '=' && eq < 0 {
					eq = len(buf)
				}
			}
			buf = append(buf, c)
		}
		words = append(words, word{text: string(buf), eq: eq})
	}
	return words, openQuote
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' }

func (p *parser) logicalLine(ll logical) {
	words, openQuote := splitWords(ll.text, p.words[:0])
	p.words = words
	if len(words) == 0 {
		return
	}
	if openQuote >= 0 {
		p.errorf(ll.start, "unterminated quote (opened on line %d); line skipped", ll.lineAt(openQuote))
		return
	}
	kw := strings.ToUpper(words[0].text)
	switch kw {
	case "INCREMENT", "FEATURE":
		p.licenceLine(kw, ll.start, words)
	case "SERVER":
		p.serverLine(ll.start, words)
	case "VENDOR", "DAEMON":
		if len(words) < 2 || words[1].text == "" || words[1].eq >= 0 {
			p.errorf(ll.start, "%s needs a vendor daemon name", kw)
			return
		}
		p.file.Vendors = append(p.file.Vendors, words[1].text)
	case "USE_SERVER":
		p.file.UseServer = true
	case "PACKAGE", "UPGRADE", "FEATURESET":
		args := make([]string, 0, len(words)-1)
		for _, w := range words[1:] {
			args = append(args, w.text)
		}
		p.file.Other = append(p.file.Other, OtherLine{Keyword: kw, LineNo: ll.start, Args: args})
	default:
		if words[0].eq >= 0 {
			p.errorf(ll.start, `%s= outside an INCREMENT line (is the "\" missing at the end of the line before?)`, clip(words[0].text[:words[0].eq]))
			return
		}
		p.errorf(ll.start, "unknown keyword %q", clip(words[0].text))
	}
}

// clip keeps error messages one readable line whatever the input holds.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// serverLine reads "SERVER host hostid [port] [KEY=value…]".
func (p *parser) serverLine(lineNo int, words []word) {
	if len(words) < 3 || words[1].text == "" || words[2].text == "" {
		p.errorf(lineNo, "SERVER needs a host name and a host id")
		return
	}
	s := Server{Host: words[1].text, HostID: words[2].text, LineNo: lineNo}
	rest := words[3:]
	if len(rest) > 0 && rest[0].eq < 0 && isDigits(rest[0].text) {
		s.Port = rest[0].text
		rest = rest[1:]
	}
	for _, w := range rest {
		kv := w.kv()
		if s.Port == "" && strings.EqualFold(kv.Key, "PORT") && isDigits(kv.Value) {
			s.Port = kv.Value
		}
		s.Fields = append(s.Fields, kv)
	}
	p.file.Servers = append(p.file.Servers, s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
