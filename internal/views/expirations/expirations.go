// Package expirations is the Expirations tab: every licence end and CSS
// date on one timeline, sorted by date, coloured by urgency and marked in
// text (!! EXPIRED, ! 12d, ~ 45d) so it reads the same without colour.
package expirations

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/views/common"
)

// Model is the Expirations screen.
type Model struct {
	ctx    *common.Context
	table  *common.Table[model.Expiration]
	width  int
	height int
	open   key.Binding
}

// Columns are the timeline's columns; the snapshot gives the dates in
// order, which is the DATE column's.
func Columns(ctx *common.Context) []common.Col[model.Expiration] {
	type x = model.Expiration
	t := ctx.Theme
	return []common.Col[x]{
		{Title: "STATUS", Width: 10, Text: Marker, Style: func(e x) *lipgloss.Style { return &t.Urgency[e.Urgency] },
			Compare: func(a, b x) int { return int(a.Urgency) - int(b.Urgency) }},
		{Title: "DATE", Width: 10, Natural: true, Text: func(e x) string { return model.ExpiresString(e.Date, e.Permanent) }},
		{Title: "WHAT", Width: 7, Text: func(e x) string {
			if e.What == model.CSSEnd {
				return "CSS"
			}
			return "licence"
		}},
		{Title: "FEATURE", Width: 10, Grow: 1, Text: func(e x) string { return e.Line.Feature }},
		{Title: "TYPE", Width: 8, MinScreen: 70, Text: func(e x) string { return e.Line.LicenseType }},
		{Title: "FILE:LINE", Width: 8, Grow: 2, KeepEnd: true, Text: func(e x) string { return e.Line.Pos() }, NoSort: true},
	}
}

// New shows ctx's expiry timeline.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.open = ctx.Keys.Open
	m.open.SetHelp("enter", "show in file")
	m.table = common.NewTable("dates", Columns(ctx))
	m.table.SetItems(ctx.Snapshot.Expirations)
	return m
}

// Table is the timeline, for tests.
func (m *Model) Table() *common.Table[model.Expiration] { return m.table }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.table.SetWidth(w)
	m.table.SetHeight(max(h-3, 1))
}

func (m *Model) Capturing() bool { return m.table.Capturing() }

func (m *Model) ShortHelp() []key.Binding {
	if m.table.Capturing() {
		return m.table.ShortHelp()
	}
	return append([]key.Binding{m.open}, m.table.ShortHelp()...)
}

func (m *Model) FullHelp() [][]key.Binding {
	out := m.table.FullHelp(m.ctx.Keys)
	if m.table.Capturing() {
		return out
	}
	return append(out, []key.Binding{m.open})
}

// SelectLine selects the first date of a licence line; false when the
// line has none on the timeline.
func (m *Model) SelectLine(file string, line int) bool {
	return m.table.SelectWhere(func(x model.Expiration) bool { return x.Line.File == file && x.Line.LineNo == line })
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.SelectMsg:
		m.SelectLine(msg.File, msg.Line)
	case tea.KeyMsg:
		if !m.table.Capturing() && key.Matches(msg, m.open) {
			x, ok := m.table.Selected()
			if !ok {
				return common.Status("no date selected", false)
			}
			return common.ShowLine(x.Line.File, x.Line.LineNo)
		}
		if !m.table.Update(msg, m.ctx.Keys) {
			return common.Unhandled(msg)
		}
	case tea.MouseMsg:
		m.table.HandleMouse(msg)
	}
	return nil
}

// Marker is the text form of an urgency: it carries the meaning where
// colour cannot.
func Marker(x model.Expiration) string {
	switch x.Urgency {
	case model.Expired:
		return "!! EXPIRED"
	case model.Expiring:
		return "! " + strconv.Itoa(x.DaysLeft) + "d"
	case model.Upcoming:
		return "~ " + strconv.Itoa(x.DaysLeft) + "d"
	case model.Later:
		return strconv.Itoa(x.DaysLeft) + "d"
	}
	return "permanent"
}

func (m *Model) legend() string {
	t := m.ctx.Theme
	var counts [5]int
	for _, x := range m.ctx.Snapshot.Expirations {
		counts[x.Urgency]++
	}
	le := t.Glyphs.LE
	parts := []string{
		t.Urgency[model.Expired].Render(fmt.Sprintf("!! expired %d", counts[model.Expired])),
		t.Urgency[model.Expiring].Render(fmt.Sprintf("! %s%dd %d", le, m.ctx.Snapshot.WarnDays, counts[model.Expiring])),
		t.Urgency[model.Upcoming].Render(fmt.Sprintf("~ %s%dd %d", le, model.UpcomingDays, counts[model.Upcoming])),
		t.Urgency[model.Later].Render(fmt.Sprintf("later %d", counts[model.Later])),
		t.Urgency[model.Permanent].Render(fmt.Sprintf("permanent %d", counts[model.Permanent])),
	}
	return strings.Join(parts, "   ")
}

func (m *Model) View() string {
	t := m.ctx.Theme
	var b strings.Builder
	b.WriteString(m.legend() + "\n")
	b.WriteString(m.table.StatusView(t, "Dates", m.width) + "\n")
	b.WriteString(m.table.HeaderView(t) + "\n")
	switch {
	case m.table.Len() > 0:
		b.WriteString(m.table.RowsView(t))
	case m.table.Filtered():
		b.WriteString("  " + m.table.EmptyText())
	default:
		b.WriteString("  no licence lines")
	}
	return b.String()
}
