package payload

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Node is one element of a document from a Citrix bundle, XML or JSON
// read into the same shape: an XML element with its attributes and text,
// or a JSON member (an array gives one Node per element, under the
// member's name). Names and text are exactly as stored: sanitize before
// drawing.
type Node struct {
	Name     string  `json:"name"`
	Attrs    []Attr  `json:"attrs,omitempty"`
	Text     string  `json:"text,omitempty"`
	Children []*Node `json:"children,omitempty"`
	// Label says what a documented element is (DOMAIN.md §6); "" for an
	// element Citrix does not document, which is shown raw.
	Label string `json:"label,omitempty"`
}

// Attr is one XML attribute.
type Attr struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Caps for one document: a real bundle manifest or report is a few hundred
// KiB; these stop a crafted one from growing the tree without end.
const (
	maxDocDepth = 32
	maxDocNodes = 200_000
)

var errDocTooLarge = errors.New("document has more elements than the cap")

// Child is the first child named name, compared without regard to case
// (Citrix's casing is not documented: HardwareId, HardwareID).
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// ChildText is the trimmed text of the first child named name.
func (n *Node) ChildText(name string) string {
	if c := n.Child(name); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return ""
}

// All is every child named name.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.Children {
		if strings.EqualFold(c.Name, name) {
			out = append(out, c)
		}
	}
	return out
}

// Find is the first node named name, n itself or below it, breadth first.
func (n *Node) Find(name string) *Node {
	if n == nil {
		return nil
	}
	queue := []*Node{n}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if strings.EqualFold(x.Name, name) {
			return x
		}
		queue = append(queue, x.Children...)
	}
	return nil
}

// Attr is the value of the attribute named name.
func (n *Node) Attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if strings.EqualFold(a.Name, name) {
			return a.Value
		}
	}
	return ""
}

// leaves calls fn with the trimmed text of every node below n that has no
// children.
func (n *Node) leaves(fn func(string)) {
	if n == nil {
		return
	}
	for _, c := range n.Children {
		if len(c.Children) == 0 {
			if t := strings.TrimSpace(c.Text); t != "" {
				fn(t)
			}
			continue
		}
		c.leaves(fn)
	}
}

// docEncoding says how a document's bytes look.
type docEncoding string

const (
	encXML  docEncoding = "xml"
	encJSON docEncoding = "json"
	encZip  docEncoding = "zip"
)

// sniffEncoding looks at the first bytes only: content, never the name,
// decides what an entry is.
func sniffEncoding(data []byte) docEncoding {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		return encZip
	}
	text := utf8Text(data[:min(len(data), 512)])
	text = bytes.TrimLeft(text, " \t\r\n")
	switch {
	case bytes.HasPrefix(text, []byte("<")):
		return encXML
	case bytes.HasPrefix(text, []byte("{")), bytes.HasPrefix(text, []byte("[")):
		return encJSON
	}
	return ""
}

// utf8Text drops a UTF-8 byte order mark and transcodes UTF-16 with a byte
// order mark (what .NET writes by default on Windows). Anything else is
// returned as is.
func utf8Text(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, _, err := transform.Bytes(dec, data)
		if err != nil {
			return data
		}
		return out
	}
	return data
}

// parseXML reads an XML document into a tree, through the caps. The
// declared encoding may say utf-16 when the bytes were transcoded above.
func parseXML(data []byte) (*Node, error) {
	d := xml.NewDecoder(bytes.NewReader(utf8Text(data)))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "unicode":
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q is not read", label)
	}
	var stack []*Node
	var root *Node
	nodes := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return root, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if nodes++; nodes > maxDocNodes {
				return root, errDocTooLarge
			}
			if len(stack) >= maxDocDepth {
				return root, fmt.Errorf("elements nest deeper than %d levels", maxDocDepth)
			}
			n := &Node{Name: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				n.Attrs = append(n.Attrs, Attr{a.Name.Local, a.Value})
			}
			if len(stack) == 0 {
				if root != nil {
					return root, errors.New("more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				n := stack[len(stack)-1]
				if len(n.Children) > 0 {
					n.Text = strings.TrimSpace(n.Text)
				}
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// parseJSON reads one JSON value into a tree, keeping the members' order.
// A file of one object per line (NDJSON) is read as an array of them.
func parseJSON(data []byte) (*Node, error) {
	data = utf8Text(data)
	root := &Node{}
	nodes := 0
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	err := jsonValue(dec, root, &nodes, 0)
	if err != nil {
		return root, err
	}
	if _, err := dec.ReadToken(); errors.Is(err, io.EOF) {
		return root, nil
	}
	// More values follow: one object a line (NDJSON).
	nodes = 0
	return parseLines(data, &nodes)
}

func parseLines(data []byte, nodes *int) (*Node, error) {
	root := &Node{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		n := &Node{Name: "item"}
		if err := jsonValue(jsontext.NewDecoder(bytes.NewReader(line)), n, nodes, 1); err != nil {
			return root, fmt.Errorf("line %d: %w", i+1, err)
		}
		root.Children = append(root.Children, n)
	}
	return root, nil
}

// jsonValue reads one value into n: an object's members and an array's
// elements become children, a scalar becomes n's text.
func jsonValue(dec *jsontext.Decoder, n *Node, nodes *int, depth int) error {
	if depth > maxDocDepth {
		return fmt.Errorf("values nest deeper than %d levels", maxDocDepth)
	}
	if *nodes++; *nodes > maxDocNodes {
		return errDocTooLarge
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return eofInside(err)
	}
	switch tok.Kind() {
	case '{':
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return eofInside(err)
			}
			c := &Node{Name: name.String()}
			if dec.PeekKind() == '[' {
				// An array: one child per element, under the member's name.
				if _, err := dec.ReadToken(); err != nil {
					return eofInside(err)
				}
				for dec.PeekKind() != ']' {
					if dec.PeekKind() == 0 {
						_, err := dec.ReadToken()
						return eofInside(err)
					}
					e := &Node{Name: c.Name}
					if err := jsonValue(dec, e, nodes, depth+1); err != nil {
						return err
					}
					n.Children = append(n.Children, e)
				}
				if _, err := dec.ReadToken(); err != nil {
					return eofInside(err)
				}
				continue
			}
			if err := jsonValue(dec, c, nodes, depth+1); err != nil {
				return err
			}
			n.Children = append(n.Children, c)
		}
		_, err := dec.ReadToken()
		return eofInside(err)
	case '[':
		for dec.PeekKind() != ']' {
			if dec.PeekKind() == 0 {
				_, err := dec.ReadToken()
				return eofInside(err)
			}
			e := &Node{Name: "item"}
			if err := jsonValue(dec, e, nodes, depth+1); err != nil {
				return err
			}
			n.Children = append(n.Children, e)
		}
		_, err := dec.ReadToken()
		return eofInside(err)
	case 'n':
		n.Text = ""
	default:
		n.Text = tok.String()
	}
	return nil
}

// PrettyDocument is an entry as a viewer shows it, decided by content, not
// by name: XML re-indented, JSON indented, anything else as it is (a
// UTF-16 text transcoded). Sanitizing is the viewer's.
func PrettyDocument(data []byte) string {
	switch sniffEncoding(data) {
	case encXML:
		if s, err := indentXML(utf8Text(data)); err == nil {
			return s
		}
	case encJSON:
		var b bytes.Buffer
		if err := jsonIndent(&b, utf8Text(data)); err == nil {
			return b.String()
		}
	case encZip:
		return "(a zip: open it from the payload viewer, where a nested zip shows its entries, or with lsui payload inspect)"
	}
	return string(utf8Text(data))
}

func jsonIndent(dst *bytes.Buffer, data []byte) error {
	v := jsontext.Value(bytes.Clone(data))
	if err := v.Indent(jsontext.WithIndent("  ")); err != nil {
		return err
	}
	dst.Write(v)
	return nil
}

// indentXML re-indents an XML document token by token, keeping comments,
// processing instructions and attribute order.
func indentXML(data []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) { return in, nil }
	var out bytes.Buffer
	e := xml.NewEncoder(&out)
	e.Indent("", "  ")
	depth := 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		if depth++; depth > maxDocNodes {
			return "", errDocTooLarge
		}
		if cd, ok := tok.(xml.CharData); ok {
			if len(bytes.TrimSpace(cd)) == 0 {
				continue
			}
			tok = xml.CharData(bytes.TrimSpace(cd))
		}
		if pi, ok := tok.(xml.ProcInst); ok && pi.Target == "xml" {
			// The encoder refuses a declaration after output began; it is
			// always first, so write it as is.
			out.WriteString("<?xml " + string(pi.Inst) + "?>\n")
			continue
		}
		tok = flatNames(tok)
		if err := e.EncodeToken(xml.CopyToken(tok)); err != nil {
			return "", err
		}
	}
	if err := e.Flush(); err != nil {
		return "", err
	}
	return out.String() + "\n", nil
}

// flatNames writes prefixed names as they were: RawToken gives the prefix
// as the name space, which the encoder would take for a URI.
func flatNames(tok xml.Token) xml.Token {
	flat := func(n xml.Name) xml.Name {
		if n.Space != "" {
			return xml.Name{Local: n.Space + ":" + n.Local}
		}
		return n
	}
	switch t := tok.(type) {
	case xml.StartElement:
		t = t.Copy()
		t.Name = flat(t.Name)
		for i := range t.Attr {
			t.Attr[i].Name = flat(t.Attr[i].Name)
		}
		return t
	case xml.EndElement:
		t.Name = flat(t.Name)
		return t
	}
	return tok
}

// TreeLines draws a document tree one element a line, indented:
// documented elements with their label, others raw.
func TreeLines(n *Node) []string {
	var out []string
	var draw func(n *Node, depth int)
	draw = func(n *Node, depth int) {
		if len(out) >= maxDocNodes {
			return
		}
		line := strings.Repeat("  ", depth) + n.Name
		for _, a := range n.Attrs {
			line += fmt.Sprintf(" %s=%q", a.Name, a.Value)
		}
		if n.Label != "" {
			line += " (" + n.Label + ")"
		}
		if t := strings.TrimSpace(n.Text); t != "" {
			line += ": " + t
		}
		out = append(out, line)
		for _, c := range n.Children {
			draw(c, depth+1)
		}
	}
	if n != nil {
		draw(n, 0)
	}
	return out
}
