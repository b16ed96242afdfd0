package config

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// span is a byte range [start, end) of the raw file.
type span struct{ start, end int }

// document is what Edit needs to know about the file's structure.
type document struct {
	value          span        // the setting's value, when present
	configurations []container // every <Configurations> element
	appSettings    []container // every <appSettings> element with an <add key=…> child
}

// container is an element the setting can be added to.
type container struct {
	tag       rawTag
	startTag  span
	endTag    span // empty, at startTag.end, when the element is self-closing
	lastChild span // the last child element, start tag to end tag; start -1 when none
	lastAdd   *sibling
}

// sibling is an <add key=…> element whose style an inserted one copies.
type sibling struct {
	tag        rawTag
	start, end int
}

// setting is one occurrence of the setting found in the file.
type setting struct {
	shape Shape
	value span
	on    bool
	line  int
}

// frame is an open element while the file is walked.
type frame struct {
	name      string
	start     int
	tag       rawTag
	container *container
	isSetting bool   // <UsageBasedBillingScramble> inside <Configurations>
	isAdd     bool   // <add key=…> directly inside <appSettings>
	text      []span // character data inside a setting element
	mixed     bool   // a setting element holds more than one piece of text
	lastChild span
}

// parse checks that raw is well-formed XML and finds the setting. It reads
// the file with encoding/xml, using the decoder's input offsets to map each
// token back to its bytes: comments, CDATA and processing instructions are
// tokens of their own, so nothing inside them is ever taken for a setting.
func parse(path string, file []byte) (*Config, error) {
	raw, enc, err := decodeFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w: %v", path, ErrMalformed, err)
	}
	if enc != encUTF8 {
		if back, err := encodeFile(raw, enc); err != nil || !bytes.Equal(back, file) {
			return nil, fmt.Errorf("%s:1: %w: the %s text would not be written back byte for byte", path, ErrMalformed, enc)
		}
	}
	// From here on raw is the text as UTF-8; offsets are into it.
	// encoding/xml does not skip a byte order mark; offsets below are
	// shifted back by its length.
	bom := 0
	if bytes.HasPrefix(raw, utf8BOM) {
		bom = len(utf8BOM)
	}
	lineAt := func(pos int) int { return 1 + bytes.Count(raw[:pos], []byte{'\n'}) }
	malformed := func(pos int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %w: %s", path, lineAt(pos), ErrMalformed, fmt.Sprintf(format, args...))
	}
	invalid := func(pos int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %w: %s", path, lineAt(pos), ErrInvalidSetting, fmt.Sprintf(format, args...))
	}

	d := xml.NewDecoder(bytes.NewReader(raw[bom:]))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "us-ascii", "ascii", "utf8":
			return in, nil // subsets or spellings of UTF-8
		case "utf-16", "utf-16le", "utf-16be", "unicode", "ucs-2":
			if enc != encUTF8 {
				return in, nil // decoded already, by its BOM
			}
		}
		return nil, fmt.Errorf("encoding %q is not supported; lsui reads UTF-8 config files and UTF-16 ones with a byte order mark", label)
	}

	var (
		doc      document
		settings []setting
		stack    []*frame
		roots    int
		prev     = bom
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%s:%d: %w: %s", path, se.Line, ErrMalformed, se.Msg)
			}
			line, _ := d.InputPos()
			return nil, fmt.Errorf("%s:%d: %w: %v", path, line, ErrMalformed, err)
		}
		cur := bom + int(d.InputOffset())
		if cur < prev || cur > len(raw) {
			return nil, malformed(prev, "cannot locate the token in the file")
		}
		sp := span{prev, cur}
		prev = cur
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}

		switch t := tok.(type) {
		case xml.StartElement:
			if top == nil {
				roots++
				if roots > 1 {
					return nil, malformed(sp.start, "more than one root element")
				}
			}
			if err := repeatedAttr(t.Attr); err != "" {
				return nil, malformed(sp.start, "attribute %s repeated in <%s>", err, t.Name.Local)
			}
			tag, ok := lexStartTag(raw[sp.start:sp.end])
			if !ok {
				return nil, malformed(sp.start, "cannot read the tag of <%s>", t.Name.Local)
			}
			f := &frame{name: t.Name.Local, start: sp.start, tag: tag, lastChild: span{-1, -1}}
			if top != nil && top.isSetting {
				return nil, invalid(sp.start, "<%s> holds an element; its value must be plain text", SettingName)
			}
			switch t.Name.Local {
			case "Configurations", "appSettings":
				f.container = &container{tag: tag, startTag: sp}
			case SettingName:
				if top == nil || top.name != "Configurations" {
					return nil, invalid(sp.start, "<%s> outside <Configurations>; lsui will not guess whether the server reads it", SettingName)
				}
				f.isSetting = true
			case "add":
				key, hasKey := attr(t.Attr, "key")
				if hasKey && top != nil && top.name == "appSettings" {
					f.isAdd = true
				}
				if !hasKey || !strings.EqualFold(key, SettingName) {
					break
				}
				a, ok := tag.attr("value")
				if !ok {
					return nil, invalid(sp.start, "<add key=%q> has no value attribute", key)
				}
				s, err := readValue(raw, span{sp.start + a.start, sp.start + a.end}, invalid)
				if err != nil {
					return nil, err
				}
				s.shape = ShapeAddKey
				settings = append(settings, s)
			}
			stack = append(stack, f)

		case xml.EndElement:
			if top == nil {
				return nil, malformed(sp.start, "unexpected end tag") // the decoder reports this first
			}
			stack = stack[:len(stack)-1]
			// A self-closing element's end is synthesized: its span is
			// empty, at the end of the start tag, which is its end too.
			end := sp.end
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.lastChild = span{top.start, end}
				if top.isAdd && parent.container != nil {
					parent.container.lastAdd = &sibling{tag: top.tag, start: top.start, end: end}
				}
			}
			if c := top.container; c != nil {
				c.endTag = sp
				c.lastChild = top.lastChild
				if top.name == "Configurations" {
					doc.configurations = append(doc.configurations, *c)
				} else if c.lastAdd != nil {
					doc.appSettings = append(doc.appSettings, *c)
				}
			}
			if top.isSetting {
				if top.mixed || len(top.text) > 1 {
					return nil, invalid(top.start, "the value of <%s> must be plain text, without comments", SettingName)
				}
				value := span{top.start + top.tag.end, top.start + top.tag.end}
				if len(top.text) == 1 {
					value = top.text[0]
				}
				s, err := readValue(raw, value, invalid)
				if err != nil {
					return nil, err
				}
				s.shape = ShapeElement
				settings = append(settings, s)
			}

		case xml.CharData:
			if top == nil {
				if len(bytes.TrimLeft(t, " \t\r\n")) > 0 {
					return nil, malformed(sp.start, "text outside the root element")
				}
			} else if top.isSetting {
				top.text = append(top.text, sp)
			}

		case xml.Comment, xml.ProcInst, xml.Directive:
			if top != nil && top.isSetting {
				top.mixed = true
			}
		}
	}
	if roots == 0 {
		return nil, malformed(len(raw), "no root element")
	}
	if len(settings) > 1 {
		return nil, invalid(settings[1].value.start, "%s is set twice (also on line %d)", SettingName, settings[0].line)
	}
	c := &Config{Path: path, Raw: file, text: raw, enc: enc}
	if len(settings) == 1 {
		s := settings[0]
		c.Present, c.Scramble, c.Shape, c.line = true, s.on, s.shape, s.line
		doc.value = s.value
	}
	c.doc = doc
	return c, nil
}

// readValue interprets the raw bytes of a value, an element's text or an
// attribute's value between its quotes. Character references and CDATA are
// refused: the state could be read, but not edited byte for byte.
func readValue(raw []byte, v span, invalid func(int, string, ...any) error) (setting, error) {
	text := raw[v.start:v.end]
	if bytes.IndexByte(text, '&') >= 0 || bytes.HasPrefix(text, []byte("<![CDATA[")) {
		return setting{}, invalid(v.start, "the value of %s must be plain text, without character references or CDATA", SettingName)
	}
	// Trim XML white space only; anything else is part of an unknown value.
	for v.start < v.end && isXMLSpace(raw[v.start]) {
		v.start++
	}
	for v.end > v.start && isXMLSpace(raw[v.end-1]) {
		v.end--
	}
	on, ok := parseValue(string(raw[v.start:v.end]))
	if !ok {
		return setting{}, invalid(v.start, "value %q is not 1, 0, true or false", raw[v.start:v.end])
	}
	return setting{value: v, on: on, line: 1 + bytes.Count(raw[:v.start], []byte{'\n'})}, nil
}

// attr finds an attribute without a namespace prefix.
func attr(attrs []xml.Attr, local string) (string, bool) {
	for _, a := range attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// repeatedAttr returns the name of an attribute given twice, which XML
// forbids and encoding/xml lets through.
func repeatedAttr(attrs []xml.Attr) string {
	for i := range attrs {
		for j := i + 1; j < len(attrs); j++ {
			if attrs[i].Name == attrs[j].Name {
				return attrs[i].Name.Local
			}
		}
	}
	return ""
}

// rawTag is a start tag as written: what encoding/xml decodes away (quote
// characters, spacing, where each value sits) and the insert must copy.
type rawTag struct {
	name        string
	attrs       []rawAttr
	selfClosing bool
	closeSpace  string // white space before "/>" or ">"
	end         int    // length of the tag
}

type rawAttr struct {
	name       string
	start, end int // the value between the quotes, relative to the tag
	quote      byte
}

func (t rawTag) attr(name string) (rawAttr, bool) {
	for _, a := range t.attrs {
		if a.name == name {
			return a, true
		}
	}
	return rawAttr{}, false
}

// lexStartTag splits a start tag that encoding/xml has already accepted.
// It reports false rather than panic if the bytes are not a start tag.
func lexStartTag(b []byte) (rawTag, bool) {
	n := len(b)
	if n < 2 || b[0] != '<' || b[n-1] != '>' {
		return rawTag{}, false
	}
	i := 1
	for i < n && !isXMLSpace(b[i]) && b[i] != '/' && b[i] != '>' {
		i++
	}
	t := rawTag{name: string(b[1:i]), end: n}
	for {
		ws := i
		for i < n && isXMLSpace(b[i]) {
			i++
		}
		if i >= n {
			return rawTag{}, false
		}
		if b[i] == '/' || b[i] == '>' {
			t.selfClosing = b[i] == '/'
			t.closeSpace = string(b[ws:i])
			return t, true
		}
		nameStart := i
		for i < n && !isXMLSpace(b[i]) && b[i] != '=' {
			i++
		}
		name := string(b[nameStart:i])
		for i < n && isXMLSpace(b[i]) {
			i++
		}
		if i >= n || b[i] != '=' {
			return rawTag{}, false
		}
		i++
		for i < n && isXMLSpace(b[i]) {
			i++
		}
		if i >= n || (b[i] != '"' && b[i] != '\'') {
			return rawTag{}, false
		}
		q := b[i]
		i++
		start := i
		for i < n && b[i] != q {
			i++
		}
		if i >= n {
			return rawTag{}, false
		}
		t.attrs = append(t.attrs, rawAttr{name: name, start: start, end: i, quote: q})
		i++
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// insertion is a splice: raw[start:end] becomes text.
type insertion struct {
	start, end int
	text       string
}

// insertion plans adding the absent setting (see the package comment).
func (d *document) insertion(path string, raw []byte, on bool) (insertion, error) {
	switch len(d.configurations) {
	case 0:
		if len(d.appSettings) > 0 {
			return addInsertion(raw, d.appSettings[0].lastAdd, on), nil
		}
		return insertion{}, fmt.Errorf("%s: %w to add %s to", path, ErrNoConfigurations, SettingName)
	case 1:
	default:
		return insertion{}, fmt.Errorf("%s: %d <Configurations> elements; lsui will not guess which one to add %s to",
			path, len(d.configurations), SettingName)
	}
	c := d.configurations[0]
	elem := "<" + SettingName + ">" + digit(on) + "</" + SettingName + ">"

	if c.lastChild.start >= 0 {
		// After the last child element, so a trailing commented-out
		// setting stays where it is, after the real one.
		at := c.lastChild.end
		if indent, ok := indentBefore(raw, c.lastChild.start); ok {
			return insertion{at, at, lineEnding(raw, c.lastChild.start) + indent + elem}, nil
		}
		return insertion{at, at, elem}, nil
	}

	// No child element yet: indent one step deeper than <Configurations>.
	base := lineIndent(raw, c.startTag.start)
	child := base + indentUnit(raw, base)
	eol := lineEnding(raw, c.startTag.start)
	if c.tag.selfClosing {
		// <Configurations/> has to become a start and an end tag.
		at := c.startTag.end - len("/>")
		return insertion{at, c.startTag.end, ">" + eol + child + elem + eol + base + "</" + c.tag.name + ">"}, nil
	}
	if indent, ok := indentBefore(raw, c.endTag.start); ok {
		at := c.endTag.start - len(indent)
		return insertion{at, at, indent + indentUnit(raw, indent) + elem + eol}, nil
	}
	return insertion{c.endTag.start, c.endTag.start, eol + child + elem + eol + base}, nil
}

// addInsertion adds <add key="UsageBasedBillingScramble" value="…" /> after
// the last <add> in <appSettings>, with the same quotes and tag ending.
func addInsertion(raw []byte, last *sibling, on bool) insertion {
	q := "\""
	if a, ok := last.tag.attr("key"); ok {
		q = string(a.quote)
	}
	end := "></" + last.tag.name + ">"
	if last.tag.selfClosing {
		end = last.tag.closeSpace + "/>"
	}
	elem := "<" + last.tag.name + " key=" + q + SettingName + q + " value=" + q + digit(on) + q + end
	if indent, ok := indentBefore(raw, last.start); ok {
		elem = lineEnding(raw, last.start) + indent + elem
	}
	return insertion{last.end, last.end, elem}
}

// indentBefore returns the white space between the start of pos's line and
// pos, and whether only white space precedes pos on its line.
func indentBefore(raw []byte, pos int) (string, bool) {
	j := pos
	for j > 0 && (raw[j-1] == ' ' || raw[j-1] == '\t') {
		j--
	}
	if j == 0 || raw[j-1] == '\n' {
		return string(raw[j:pos]), true
	}
	return "", false
}

// lineIndent returns the leading white space of the line holding pos.
func lineIndent(raw []byte, pos int) string {
	start := bytes.LastIndexByte(raw[:pos], '\n') + 1
	if start == 0 && bytes.HasPrefix(raw, utf8BOM) {
		start = len(utf8BOM)
	}
	end := start
	for end < pos && (raw[end] == ' ' || raw[end] == '\t') {
		end++
	}
	return string(raw[start:end])
}

// indentUnit is one step of indentation: a tab when the file indents with
// tabs, else two spaces.
func indentUnit(raw []byte, base string) string {
	if strings.Contains(base, "\t") || bytes.Contains(raw, []byte("\n\t")) {
		return "\t"
	}
	return "  "
}

// lineEnding is the line ending of the line holding pos (CRLF or LF), or of
// the file's first line when pos's line has none.
func lineEnding(raw []byte, pos int) string {
	i := bytes.IndexByte(raw[pos:], '\n')
	if i >= 0 {
		i += pos
	} else {
		i = bytes.IndexByte(raw, '\n')
	}
	if i > 0 && raw[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}
