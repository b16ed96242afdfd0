// Package entitlements is the Entitlements tab: per product, edition,
// model and CSS date, the parts admins find confusing shown apart
// (installed, overdraft, in use, available) with a usage bar per row.
package entitlements

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/theme"
)

// Model is the Entitlements screen.
type Model struct {
	ctx    *common.Context
	list   common.List
	width  int
	height int
}

// New shows ctx's entitlements.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.list.SetLen(len(ctx.Snapshot.Entitlements))
	return m
}

const detailLines = 2

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(max(h-2-detailLines, 1))
}

func (m *Model) Capturing() bool { return false }

func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.ctx.Keys.Up, m.ctx.Keys.Down}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}}
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		m.list.HandleKey(msg, m.ctx.Keys)
	case tea.MouseMsg:
		m.list.HandleMouse(msg)
	}
	return nil
}

func (m *Model) columns() []common.Column {
	cols := []common.Column{{Title: "FEATURE", Width: 16}}
	if m.wide() {
		cols = append(cols, common.Column{Title: "CSS DATE", Width: 10})
	}
	cols = append(cols,
		common.Column{Title: "INST", Width: 5, Right: true},
		common.Column{Title: "OVER", Width: 4, Right: true},
		common.Column{Title: "USED", Width: 5, Right: true},
		common.Column{Title: "AVAIL", Width: 5, Right: true})
	if m.wide() {
		cols = append(cols, common.Column{Title: "EXPIRES", Width: 10})
	}
	if m.width >= 110 {
		cols = append(cols, common.Column{Title: "TYPE", Width: 10})
	}
	cols = append(cols, common.Column{Title: "USAGE", Width: 0})
	return common.Flex(m.width, 8, cols)
}

// Bar draws in-use against capacity in width cells: full cells for use
// within the installed count, overdraft cells past it, empty cells for
// what is free, then the percentage of installed + overdraft. Both forms
// are exactly width cells.
func Bar(t *theme.Theme, e model.Entitlement, width int) (plain, styled string) {
	note := func(s string, style lipgloss.Style) (string, string) {
		s = common.Fit(s, width, false)
		return s, style.Render(s)
	}
	capacity := e.Installed + e.Overdraft
	switch {
	case e.Uncounted:
		return note("uncounted", t.Dim)
	case capacity <= 0 && e.InUse > 0:
		return note(fmt.Sprintf("%d in use, none installed", e.InUse), t.Crit)
	case capacity <= 0:
		return note("none installed", t.Dim)
	}
	label := fmt.Sprintf(" %3d%%", e.InUse*100/capacity)
	cells := width - len(label)
	if cells < 3 {
		return note(strings.TrimSpace(label), t.Dim)
	}
	// Use within the installed count, then use past it; each rounded up
	// so that any use shows, and never more cells than there are.
	within := ceilDiv(min(e.InUse, e.Installed)*cells, capacity)
	over := min(ceilDiv(max(e.InUse-e.Installed, 0)*cells, capacity), cells-within)
	if e.OverLimit() {
		over = cells - within
	}
	empty := cells - within - over
	g := t.Glyphs
	plain = strings.Repeat(g.BarFull, within) + strings.Repeat(g.BarOver, over) + strings.Repeat(g.BarEmpty, empty) + label
	fullStyle := t.OK
	if e.OverLimit() {
		fullStyle = t.Crit
	}
	overStyle := t.Warn
	if e.OverLimit() {
		overStyle = t.Crit
	}
	styled = fullStyle.Render(strings.Repeat(g.BarFull, within)) +
		overStyle.Render(strings.Repeat(g.BarOver, over)) +
		t.Dim.Render(strings.Repeat(g.BarEmpty, empty)) + label
	return plain, styled
}

// wide is room for the date columns beside a usable bar; narrower
// terminals show the dates in the detail lines only.
func (m *Model) wide() bool { return m.width >= 78 }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func (m *Model) View() string {
	t := m.ctx.Theme
	ents := m.ctx.Snapshot.Entitlements
	cols := m.columns()
	var b strings.Builder
	b.WriteString(common.Header(t, cols) + "\n")
	if len(ents) == 0 {
		b.WriteString("  no entitlements: no licence lines that count")
	}
	from, to := m.list.Window()
	barCol := cols[len(cols)-1]
	for i := from; i < to; i++ {
		e := ents[i]
		installed, avail := strconv.Itoa(e.Installed), strconv.Itoa(e.Available)
		if e.Uncounted {
			installed, avail = "-", "-"
		}
		vals := []string{e.Feature}
		if m.wide() {
			vals = append(vals, e.CSSDate.String())
		}
		vals = append(vals, installed, strconv.Itoa(e.Overdraft), strconv.Itoa(e.InUse), avail)
		if m.wide() {
			vals = append(vals, model.ExpiresString(e.Expires, e.Permanent))
		}
		if m.width >= 110 {
			vals = append(vals, strings.Join(e.Types, ","))
		}
		barPlain, barStyled := Bar(t, e, barCol.Width)
		text := common.Cells(cols[:len(cols)-1], vals...) + " "
		var rowStyle *lipgloss.Style
		switch {
		case e.OverLimit():
			rowStyle = &t.Crit
		case e.OverInstalled():
			rowStyle = &t.Warn
		}
		styledText := text
		if rowStyle != nil {
			styledText = rowStyle.Render(text)
		}
		plain := text + barPlain
		styled := styledText + barStyled
		b.WriteString(common.Row(t, i == m.list.Cursor, m.width, plain, styled) + "\n")
	}
	for i := to - from; i < m.list.Height; i++ {
		b.WriteString("\n")
	}
	b.WriteString(common.Rule(t, m.width) + "\n")
	b.WriteString(m.detail())
	return b.String()
}

// detail spells out the selected row's sum, since "available" confuses:
// it counts the overdraft in.
func (m *Model) detail() string {
	t := m.ctx.Theme
	ents := m.ctx.Snapshot.Entitlements
	if len(ents) == 0 {
		return ""
	}
	e := ents[m.list.Cursor]
	one := fmt.Sprintf("%s: %s %s %s, CSS date %s, expires %s", e.Feature, e.Name.Product, e.Name.Edition, e.Name.Model,
		e.CSSDate, model.ExpiresString(e.Expires, e.Permanent))
	if e.CSP {
		one += "  (CSP)"
	}
	var two string
	if e.Uncounted {
		two = fmt.Sprintf("uncounted; %d in use this month", e.InUse)
	} else {
		two = fmt.Sprintf("available %d = installed %d + overdraft %d - in use %d", e.Available, e.Installed, e.Overdraft, e.InUse)
		if e.Expired > 0 {
			two += fmt.Sprintf("   (%d on expired lines not counted)", e.Expired)
		}
	}
	style := t.Dim
	switch {
	case e.OverLimit():
		style = t.Crit
		two += "   over installed + overdraft"
	case e.OverInstalled():
		style = t.Warn
		two += "   using overdraft"
	}
	return common.Fit(one, m.width, false) + "\n" + style.Render(common.Fit(two, m.width, false))
}
