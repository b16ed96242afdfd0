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

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/views/common"
)

// Model is the Expirations screen.
type Model struct {
	ctx    *common.Context
	list   common.List
	width  int
	height int
	open   key.Binding
}

// New shows ctx's expiry timeline.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.open = ctx.Keys.Open
	m.open.SetHelp("enter", "show in file")
	m.list.SetLen(len(ctx.Snapshot.Expirations))
	return m
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(max(h-3, 1))
}

func (m *Model) Capturing() bool { return false }

func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.ctx.Keys.Up, m.ctx.Keys.Down, m.open}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Home, k.End, m.open}}
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, m.open) {
			xs := m.ctx.Snapshot.Expirations
			if len(xs) == 0 {
				return nil
			}
			l := xs[m.list.Cursor].Line
			return common.ShowLine(l.File, l.LineNo)
		}
		m.list.HandleKey(msg, m.ctx.Keys)
	case tea.MouseMsg:
		m.list.HandleMouse(msg)
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

func (m *Model) columns() []common.Column {
	cols := []common.Column{
		{Title: "STATUS", Width: 10},
		{Title: "DATE", Width: 10},
		{Title: "WHAT", Width: 7},
		{Title: "FEATURE", Width: 18},
		{Title: "TYPE", Width: 8},
		{Title: "FILE:LINE", Width: 0},
	}
	return common.Flex(m.width, 8, cols)
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
	xs := m.ctx.Snapshot.Expirations
	cols := m.columns()
	var b strings.Builder
	b.WriteString(m.legend() + "\n\n")
	b.WriteString(common.Header(t, cols) + "\n")
	if len(xs) == 0 {
		b.WriteString("  no licence lines")
		return b.String()
	}
	from, to := m.list.Window()
	for i := from; i < to; i++ {
		x := xs[i]
		what := "licence"
		if x.What == model.CSSEnd {
			what = "CSS"
		}
		style := t.Urgency[x.Urgency]
		cells := []common.Cell{
			{Text: Marker(x), Style: &style},
			{Text: model.ExpiresString(x.Date, x.Permanent)},
			{Text: what},
			{Text: x.Line.Feature},
			{Text: x.Line.LicenseType},
			{Text: x.Line.Pos()},
		}
		plain := make([]string, len(cells))
		for j, c := range cells {
			plain[j] = c.Text
		}
		b.WriteString(common.Row(t, i == m.list.Cursor, m.width, common.Cells(cols, plain...), common.StyledCells(cols, cells...)))
		if i < to-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
