// Package licences is the Licences tab: every licence file, then its lines
// and its malformed lines (with file:line), and a viewer that shows the
// raw file with the selected line highlighted.
package licences

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/views/common"
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
	rows    []row
	list    common.List
	width   int
	height  int
	viewing bool
	loading bool
	viewer  viewer.Model
}

// New lists ctx's licence files.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, viewer: viewer.New(ctx.Theme, ctx.Keys)}
	s := ctx.Snapshot
	for _, f := range s.Files {
		m.rows = append(m.rows, row{kind: fileRow, file: f})
		// Lines and errors in file order, so a malformed line sits where
		// it is in the file.
		li, ei := 0, 0
		for li < len(f.Lines) || ei < len(f.Errors) {
			if ei >= len(f.Errors) || (li < len(f.Lines) && f.Lines[li].LineNo < f.Errors[ei].Line) {
				m.rows = append(m.rows, row{kind: lineRow, file: f, line: f.Lines[li]})
				li++
			} else {
				m.rows = append(m.rows, row{kind: errorRow, file: f, err: f.Errors[ei]})
				ei++
			}
		}
	}
	for _, p := range s.Problems {
		m.rows = append(m.rows, row{kind: problemRow, problem: p})
	}
	m.list.SetLen(len(m.rows))
	// Start on the first licence line rather than a heading.
	if len(m.rows) > 1 && m.rows[0].kind == fileRow {
		m.list.Cursor = 1
	}
	return m
}

// detailLines are the lines under the list describing the selected row.
const detailLines = 2

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(max(h-2-detailLines, 1))
	m.viewer.SetSize(w, h)
}

func (m *Model) Capturing() bool { return false }

func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	if m.viewing {
		return m.viewer.Help()
	}
	return []key.Binding{k.Up, k.Down, withHelp(k.Open, "view file")}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	if m.viewing {
		return [][]key.Binding{m.viewer.Help(), {k.PageUp, k.Home, k.End}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Home, k.End, withHelp(k.Open, "view file")}}
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

func (rawFileMsg) TargetTab() common.Tab { return common.TabLicences }

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
		for i, r := range m.rows {
			if r.kind == lineRow && r.file.Name == msg.File && r.line.LineNo == msg.Line {
				m.list.Select(i)
				m.viewing = false
				return m.open()
			}
		}
		return nil
	case tea.KeyMsg:
		if m.viewing {
			if key.Matches(msg, m.ctx.Keys.Back) {
				m.viewing = false
				return nil
			}
			return m.viewer.Update(msg)
		}
		if key.Matches(msg, m.ctx.Keys.Open) {
			return m.open()
		}
		m.list.HandleKey(msg, m.ctx.Keys)
	case tea.MouseMsg:
		if m.viewing {
			return m.viewer.Update(msg)
		}
		m.list.HandleMouse(msg)
	}
	return nil
}

// open reads the selected row's file in a command and shows it.
func (m *Model) open() tea.Cmd {
	if m.loading || len(m.rows) == 0 {
		return nil
	}
	r := m.rows[m.list.Cursor]
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
		return nil
	}
	m.loading = true
	path := filepath.Join(m.ctx.Snapshot.Layout.Root, filepath.FromSlash(name))
	return func() tea.Msg { return readRaw(path, name, lineNo) }
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

func (m *Model) columns() []common.Column {
	cols := []common.Column{
		{Title: "LINE", Width: 5, Right: true},
		{Title: "FEATURE", Width: 0},
		{Title: "TYPE", Width: 8},
		{Title: "COUNT", Width: 9, Right: true},
		{Title: "EXPIRES", Width: 10},
		{Title: "CSS DATE", Width: 10},
	}
	if m.width >= 110 {
		cols = append(cols, common.Column{Title: "NOTICE", Width: 0})
	}
	return common.Flex(m.width, 8, cols)
}

func countText(l *licfile.Line) string {
	if l.Uncounted {
		return "uncounted"
	}
	return strconv.Itoa(l.Count)
}

func (m *Model) View() string {
	if m.viewing {
		return m.viewer.View()
	}
	t := m.ctx.Theme
	cols := m.columns()
	var b strings.Builder
	b.WriteString(common.Header(t, cols) + "\n")
	if len(m.rows) == 0 {
		b.WriteString("  no licence files in " + m.ctx.Snapshot.Layout.Rel(m.ctx.Snapshot.Layout.MyFiles))
		return b.String()
	}
	from, to := m.list.Window()
	inner := m.width - 2
	for i := from; i < to; i++ {
		r := m.rows[i]
		sel := i == m.list.Cursor
		var plain, styled string
		switch r.kind {
		case fileRow:
			info := fmt.Sprintf("  %s, %s", common.Plural(len(r.file.Lines), "line"), common.Bytes(r.file.Size))
			if n := len(r.file.Errors); n > 0 {
				info += fmt.Sprintf(", %d malformed", n)
			}
			name := common.Fit(r.file.Name, max(inner-len(info), 1), false)
			plain = name + common.Fit(info, inner-len(name), false)
			styled = t.Heading.Render(name) + t.Dim.Render(common.Fit(info, inner-len(name), false))
		case lineRow:
			l := r.line
			vals := []string{":" + strconv.Itoa(l.LineNo), l.Feature, l.LicenseType, countText(l),
				model.ExpiresString(l.Expires, l.Permanent), l.CSSDate.String(), l.Notice}
			plain = common.Cells(cols, vals...)
			styled = plain
		case errorRow:
			text := common.Fit("!! "+r.err.Error(), inner, false)
			plain, styled = text, t.Crit.Render(text)
		case problemRow:
			text := common.Fit("!  "+r.problem.Error(), inner, false)
			plain, styled = text, t.Warn.Render(text)
		}
		b.WriteString(common.Row(t, sel, m.width, plain, styled) + "\n")
	}
	for i := to - from; i < m.list.Height; i++ {
		b.WriteString("\n")
	}
	b.WriteString(common.Rule(t, m.width) + "\n")
	b.WriteString(m.detail())
	return b.String()
}

// detail describes the selected row in up to detailLines lines.
func (m *Model) detail() string {
	t := m.ctx.Theme
	if len(m.rows) == 0 {
		return ""
	}
	r := m.rows[m.list.Cursor]
	var one, two string
	switch r.kind {
	case fileRow:
		one = r.file.Name
		if len(r.file.Servers) > 0 {
			two = "SERVER " + r.file.Servers[0].Host + " " + r.file.Servers[0].HostID
		}
	case lineRow:
		l := r.line
		one = fmt.Sprintf("%s  %s %s %s", l.Pos(), l.Name.Product, l.Name.Edition, l.Name.Model)
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
		if m.ctx.Snapshot.IsCSP(l) {
			parts = append(parts, "CSP")
		}
		two = strings.Join(parts, "  ")
	case errorRow:
		one, two = r.err.Error(), "the line is not loaded; enter shows it in the file"
	case problemRow:
		one = r.problem.Error()
	}
	// Quote leaves a NOTICE's control characters as visible escapes;
	// Fit sanitizes whatever else is left.
	return common.Fit(one, m.width, false) + "\n" + t.Dim.Render(common.Fit(two, m.width, false))
}
