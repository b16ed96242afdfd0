// Package licences is the Licences tab: every licence file, then its lines
// and its malformed lines (with file:line), and a viewer that shows the
// raw file with the selected line highlighted.
package licences

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/textfmt"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/theme"
	"github.com/lsui/lsui/internal/views/viewer"
)

// maxRawFile caps what the viewer reads of one licence file; real files
// are a few kilobytes.
const maxRawFile = 4 << 20

type rowKind int

const (
	fileRow rowKind = iota
	lineRow
	errorRow
	problemsRow // the heading over the problems
	problemRow
)

// row is one entry of the flat list: a file heading, a line under it, a
// malformed line, or a problem that is not about one licence line.
type row struct {
	kind    rowKind
	file    *licfile.File
	line    *licfile.Line
	err     licfile.ParseError
	problem model.Problem
}

// Model is the Licences screen.
type Model struct {
	ctx     *common.Context
	table   *common.Table[row]
	width   int
	height  int
	viewing bool
	loading bool
	viewer  viewer.Model
	today   licfile.Date
}

// New lists ctx's licence files.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, viewer: viewer.New(ctx.Theme, ctx.Keys), today: licfile.DateOf(ctx.Now())}
	s := ctx.Snapshot
	var rows []row
	for _, f := range s.Files {
		rows = append(rows, row{kind: fileRow, file: f})
		// Lines and errors in file order, so a malformed line sits where
		// it is in the file.
		li, ei := 0, 0
		for li < len(f.Lines) || ei < len(f.Errors) {
			if ei >= len(f.Errors) || (li < len(f.Lines) && f.Lines[li].LineNo < f.Errors[ei].Line) {
				rows = append(rows, row{kind: lineRow, file: f, line: f.Lines[li]})
				li++
			} else {
				rows = append(rows, row{kind: errorRow, file: f, err: f.Errors[ei]})
				ei++
			}
		}
	}
	if len(s.Problems) > 0 {
		rows = append(rows, row{kind: problemsRow})
	}
	for _, p := range s.Problems {
		rows = append(rows, row{kind: problemRow, problem: p})
	}
	m.table = common.NewTable("lines", m.columns())
	m.table.NaturalName = "file order"
	m.table.Heading = func(r row) bool { return r.kind == fileRow || r.kind == problemsRow }
	m.table.DrawRow = m.drawRow
	m.table.Search = func(r row) string {
		switch r.kind {
		case fileRow:
			return r.file.Name
		case errorRow:
			return r.err.Error()
		case problemRow:
			return r.problem.Error()
		case problemsRow:
			return "problems"
		}
		return ""
	}
	m.table.SetItems(rows)
	// Start on the first licence line rather than a heading.
	if len(rows) > 1 && rows[0].kind == fileRow {
		m.table.List.Cursor = 1
	}
	return m
}

// Table is the list, for tests.
func (m *Model) Table() *common.Table[row] { return m.table }

// urgency is a line's expiry state, the way the Expirations tab marks it.
func (m *Model) urgency(l *licfile.Line) model.Urgency {
	u, _ := model.Classify(l.Expires, l.Permanent, m.today, m.ctx.Snapshot.WarnDays)
	return u
}

// Marker is a line's state in text: "!!" expired, "!" expiring within
// the warning window; colour only repeats it.
func (m *Model) marker(l *licfile.Line) string {
	switch m.urgency(l) {
	case model.Expired:
		return "!!"
	case model.Expiring:
		return "!"
	}
	return ""
}

func (m *Model) columns() []common.Col[row] {
	t := m.ctx.Theme
	line := func(f func(*licfile.Line) string) func(row) string {
		return func(r row) string {
			if r.kind != lineRow {
				return ""
			}
			return f(r.line)
		}
	}
	return []common.Col[row]{
		{Title: "", Width: 2, SortName: "state", Desc: true, Text: line(m.marker),
			Style: func(r row) *lipgloss.Style {
				if r.kind != lineRow {
					return nil
				}
				switch u := m.urgency(r.line); u {
				case model.Expired, model.Expiring:
					return &t.Urgency[u]
				}
				return nil
			},
			Compare: func(a, b row) int { return len(line(m.marker)(a)) - len(line(m.marker)(b)) }},
		{Title: "LINE", Width: 5, Right: true, NoSort: true, Text: line(func(l *licfile.Line) string { return ":" + strconv.Itoa(l.LineNo) })},
		{Title: "FEATURE", Width: 8, Grow: 1, Text: line(func(l *licfile.Line) string { return l.Feature })},
		{Title: "TYPE", Width: 8, Text: line(func(l *licfile.Line) string { return l.LicenseType })},
		{Title: "COUNT", Width: 9, Right: true, Desc: true, Text: line(countText), Compare: func(a, b row) int {
			return countOf(a) - countOf(b)
		}},
		{Title: "EXPIRES", Width: 10, Text: line(func(l *licfile.Line) string { return model.ExpiresString(l.Expires, l.Permanent) }),
			Compare: func(a, b row) int { return dateKey(a) - dateKey(b) }},
		{Title: "CSS DATE", SortName: "css date", Width: 10, MinScreen: 70, Text: line(func(l *licfile.Line) string { return l.CSSDate.String() })},
		{Title: "NOTICE", Width: 8, Grow: 1, MinScreen: 110, Text: line(func(l *licfile.Line) string { return l.Notice })},
	}
}

// countOf sorts uncounted above every count.
func countOf(r row) int {
	switch {
	case r.kind != lineRow:
		return -1
	case r.line.Uncounted:
		return 1 << 30
	}
	return r.line.Count
}

// dateKey sorts permanent after every date.
func dateKey(r row) int {
	switch {
	case r.kind != lineRow:
		return -1
	case r.line.Permanent:
		return 1 << 30
	}
	e := r.line.Expires
	return e.Year*10000 + int(e.Month)*100 + e.Day
}

// drawRow draws the rows that are not licence lines.
func (m *Model) drawRow(t *theme.Theme, r row, inner int) (plain, styled string, ok bool) {
	switch r.kind {
	case fileRow:
		info := fmt.Sprintf("  %s, %s", common.Plural(len(r.file.Lines), "line"), common.Bytes(r.file.Size))
		if n := len(r.file.Errors); n > 0 {
			info += fmt.Sprintf(", %d malformed", n)
		}
		name := common.Fit(r.file.Name, max(inner-len(info), 1), false)
		rest := common.Fit(info, inner-ansi.StringWidth(name), false)
		return name + rest, t.Heading.Render(name) + t.Dim.Render(rest), true
	case errorRow:
		text := common.Fit("!! "+r.err.Error(), inner, false)
		return text, t.Crit.Render(text), true
	case problemsRow:
		text := common.Fit("Other problems", inner, false)
		return text, t.Heading.Render(text), true
	case problemRow:
		text := common.Fit("!  "+r.problem.Error(), inner, false)
		return text, t.Warn.Render(text), true
	}
	return "", "", false
}

// detailLines are the lines under the list describing the selected row.
const detailLines = 3

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.table.SetWidth(w)
	notice := 0
	if m.ctx.Snapshot.Licensing().Message != "" {
		notice = 1 // the License Activation Service era's line
	}
	m.table.SetHeight(max(h-3-detailLines-notice, 1))
	m.viewer.SetSize(w, h)
}

func (m *Model) Capturing() bool { return !m.viewing && m.table.Capturing() }

func (m *Model) NestedOpen() bool { return m.viewing }

// CloseNested closes the file viewer; the root calls it for q and esc.
func (m *Model) CloseNested() bool {
	if !m.viewing {
		return false
	}
	m.viewing = false
	return true
}

func (m *Model) ShortHelp() []key.Binding {
	if m.viewing {
		return m.viewer.Help()
	}
	if m.table.Capturing() {
		return m.table.ShortHelp()
	}
	return append([]key.Binding{withHelp(m.ctx.Keys.Open, "view file")}, m.table.ShortHelp()...)
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	if m.viewing {
		return [][]key.Binding{m.viewer.Help(), {k.PageUp, k.Home, k.End}}
	}
	out := m.table.FullHelp(k)
	if m.table.Capturing() {
		return out
	}
	return append(out, []key.Binding{withHelp(k.Open, "view file")})
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// rawFileMsg is a licence file read for the viewer.
type rawFileMsg struct {
	name     string
	text     string
	from, to int
	err      error
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case rawFileMsg:
		m.loading = false
		if msg.err != nil {
			return common.Status(msg.err.Error(), true)
		}
		m.viewer.SetContent(msg.name, msg.text, msg.from, msg.to)
		m.viewing = true
		return nil
	case common.ShowLineMsg:
		if m.table.SelectWhere(func(r row) bool { return r.kind == lineRow && r.file.Name == msg.File && r.line.LineNo == msg.Line }) {
			m.viewing = false
			return m.open()
		}
		return nil
	case common.SelectMsg:
		m.viewing = false
		m.table.SelectWhere(func(r row) bool {
			switch r.kind {
			case lineRow:
				return r.file.Name == msg.File && r.line.LineNo == msg.Line
			case errorRow:
				return r.file.Name == msg.File && r.err.Line == msg.Line
			case problemRow:
				return r.problem.File == msg.File && r.problem.Line == msg.Line
			}
			return false
		})
		return nil
	case tea.KeyMsg:
		if m.viewing {
			if key.Matches(msg, m.ctx.Keys.Back) {
				m.viewing = false
				return nil
			}
			return m.viewer.Update(msg)
		}
		if !m.table.Capturing() && key.Matches(msg, m.ctx.Keys.Open) {
			return m.open()
		}
		if !m.table.Update(msg, m.ctx.Keys) {
			return common.Unhandled(msg)
		}
	case tea.MouseMsg:
		if m.viewing {
			return m.viewer.Update(msg)
		}
		m.table.HandleMouse(msg)
	}
	return nil
}

// open reads the selected row's file in a command and shows it.
func (m *Model) open() tea.Cmd {
	r, ok := m.table.Selected()
	if m.loading || !ok {
		return nil
	}
	var name string
	lineNo := 0
	switch r.kind {
	case fileRow:
		name = r.file.Name
	case lineRow:
		name, lineNo = r.file.Name, r.line.LineNo
	case errorRow:
		name, lineNo = r.file.Name, r.err.Line
	default:
		return common.Status("this problem is not in a licence file: nothing to show", false)
	}
	m.loading = true
	path := filepath.Join(m.ctx.Snapshot.Layout.Root, filepath.FromSlash(name))
	return common.Send(common.TabLicences, func() tea.Msg { return readRaw(path, name, lineNo) })
}

func readRaw(path, name string, lineNo int) tea.Msg {
	f, err := os.Open(path)
	if err != nil {
		return rawFileMsg{err: fmt.Errorf("%s: %w", name, err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRawFile+1))
	if err != nil {
		return rawFileMsg{err: fmt.Errorf("%s: %w", name, err)}
	}
	note := ""
	if len(data) > maxRawFile {
		data = data[:maxRawFile]
		note = fmt.Sprintf(" (first %d MiB)", maxRawFile>>20)
	}
	text := string(data)
	from, to := lineNo, lineNo
	if lineNo > 0 {
		to = continuationEnd(text, lineNo)
	}
	return rawFileMsg{name: name + note, text: text, from: from, to: to}
}

// continuationEnd is the last physical line of the logical line starting at
// 1-based line from: FlexNet continues a line that ends in a backslash.
func continuationEnd(text string, from int) int {
	lines := strings.Split(text, "\n")
	to := from
	for to <= len(lines) {
		l := strings.TrimRight(lines[to-1], " \t\r")
		if !strings.HasSuffix(l, `\`) || to == len(lines) {
			break
		}
		to++
	}
	return to
}

func countText(l *licfile.Line) string { return textfmt.Count(l.Count, l.Uncounted) }

func (m *Model) View() string {
	if m.viewing {
		return m.viewer.View()
	}
	t := m.ctx.Theme
	var b strings.Builder
	if n := m.ctx.Snapshot.Licensing().Message; n != "" {
		b.WriteString(t.Warn.Render(common.Fit("! "+n, m.width, false)) + "\n")
	}
	b.WriteString(m.table.StatusView(t, "Licence lines", m.width) + "\n")
	b.WriteString(m.table.HeaderView(t) + "\n")
	b.WriteString(m.table.BodyView(t, "no licence files in "+m.ctx.Snapshot.Layout.Rel(m.ctx.Snapshot.Layout.MyFiles)))
	b.WriteString("\n" + common.Rule(t, m.width) + "\n")
	b.WriteString(m.detail())
	return b.String()
}

// detail describes the selected row in up to detailLines lines.
func (m *Model) detail() string {
	t := m.ctx.Theme
	r, ok := m.table.Selected()
	if !ok {
		return ""
	}
	var one, two, three string
	switch r.kind {
	case fileRow:
		one = r.file.Name
		if len(r.file.Servers) > 0 {
			two = "SERVER " + r.file.Servers[0].Host + " " + r.file.Servers[0].HostID
		}
	case lineRow:
		l := r.line
		one = fmt.Sprintf("%s  %s %s %s", l.Pos(), l.Name.Product, l.Name.Edition, l.Name.Model)
		switch m.urgency(l) {
		case model.Expired:
			one = "!! expired " + l.Expires.String() + "  " + one
		case model.Expiring:
			one = "!  expires " + l.Expires.String() + "  " + one
		}
		var parts []string
		if l.Notice != "" {
			parts = append(parts, "NOTICE "+strconv.Quote(l.Notice))
		}
		if l.Serial != "" {
			parts = append(parts, "SN "+l.Serial)
		}
		if l.ODP > 0 {
			parts = append(parts, fmt.Sprintf("overdraft %d%% = %d", l.ODP, l.Overdraft()))
		}
		if !l.Issued.IsZero() {
			parts = append(parts, "issued "+l.Issued.String())
		}
		if !l.CSSDate.IsZero() {
			parts = append(parts, "CSS "+l.CSSDate.String())
		}
		switch m.ctx.Snapshot.LineCSPState(l) {
		case model.CSPYes:
			parts = append(parts, "CSP")
		case model.CSPUnknown:
			parts = append(parts, "CSP unknown: set csp_features in lsui.json")
		}
		two = strings.Join(parts, "  ")
		three = Keywords(l)
	case errorRow:
		one, two = r.err.Error(), "the line is not loaded; enter shows it in the file"
	case problemRow:
		one = r.problem.Error()
	}
	// Quote leaves a NOTICE's control characters as visible escapes;
	// Fit sanitizes whatever else is left.
	return common.Fit(one, m.width, false) + "\n" + t.Dim.Render(common.Fit(two, m.width, false)) + "\n" +
		t.Dim.Render(common.Fit(three, m.width, false))
}

// Keywords is a line's vendor-string keys and its other keywords, as
// "VENDOR_STRING LT=Retail GP=720; ISSUED=… SIGN=present": the model's
// reading (a signature shows as present, never printed), in key order.
func Keywords(l *licfile.Line) string {
	join := func(m map[string]string) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = kvText(k, m[k])
		}
		return strings.Join(parts, " ")
	}
	vs, kw := join(model.VendorStringOf(l)), join(model.KeywordsOf(l))
	switch {
	case vs != "" && kw != "":
		return "VENDOR_STRING " + vs + "; " + kw
	case vs != "":
		return "VENDOR_STRING " + vs
	}
	return kw
}

func kvText(k, v string) string {
	switch {
	case v == "":
		return k
	case strings.ContainsAny(v, " \t"):
		return k + "=" + strconv.Quote(v)
	}
	return k + "=" + v
}
