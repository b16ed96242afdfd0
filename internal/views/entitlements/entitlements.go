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
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/theme"
)

// Model is the Entitlements screen.
type Model struct {
	ctx    *common.Context
	table  *common.Table[model.Entitlement]
	width  int
	height int
}

// Marker is an entitlement's state in text, so it reads without colour:
// "!!" past installed + overdraft, "!" into the overdraft.
func Marker(e model.Entitlement) string {
	switch {
	case e.OverLimit():
		return "!!"
	case e.OverInstalled():
		return "!"
	}
	return ""
}

func stateStyle(t *theme.Theme, e model.Entitlement) *lipgloss.Style {
	switch {
	case e.OverLimit():
		return &t.Crit
	case e.OverInstalled():
		return &t.Warn
	}
	return nil
}

// Columns are the entitlement table's columns; the snapshot's order
// (product, edition, model, CSS date) is the FEATURE column's.
func Columns(ctx *common.Context) []common.Col[model.Entitlement] {
	type e = model.Entitlement
	t := ctx.Theme
	style := func(x e) *lipgloss.Style { return stateStyle(t, x) }
	num := func(f func(e) int) func(a, b e) int { return func(a, b e) int { return f(a) - f(b) } }
	return []common.Col[e]{
		{Title: "", Width: 2, Text: Marker, Style: style, SortName: "state",
			Compare: func(a, b e) int { return len(Marker(a)) - len(Marker(b)) }, Desc: true},
		{Title: "FEATURE", Width: 12, Grow: 1, Natural: true, Text: func(x e) string { return x.Feature }},
		{Title: "CSS DATE", Width: 10, MinScreen: 80, Text: func(x e) string { return x.CSSDate.String() }},
		{Title: "INST", Width: 5, Right: true, Desc: true, Text: installedText,
			Compare: num(func(x e) int { return x.Installed })},
		{Title: "OVER", Width: 4, Right: true, Desc: true, MinScreen: 100, Text: func(x e) string { return strconv.Itoa(x.Overdraft) },
			Compare: num(func(x e) int { return x.Overdraft })},
		// In use now and this month side by side, and apart: the first is
		// what the Licensing Manager shows, the second what call-home
		// reports.
		{Title: "IN USE", SortName: "in use", Width: 7, Right: true, Desc: true, Text: func(x e) string { return strconv.Itoa(x.InUse) },
			Compare: num(func(x e) int { return x.InUse })},
		{Title: "FROM", SortName: "source", Width: 7, MinScreen: 80, Text: func(x e) string { return x.InUseSource }},
		{Title: "MONTH", SortName: "this month", Width: 5, Right: true, Desc: true, Text: func(x e) string { return strconv.Itoa(x.ThisMonth) },
			Compare: num(func(x e) int { return x.ThisMonth })},
		{Title: "PEAK", Width: 4, Right: true, Desc: true, MinScreen: 100, Text: peakText, Compare: num(func(x e) int { return x.PeakMonth })},
		{Title: "AVAIL", SortName: "available", Width: 5, Right: true, Text: func(x e) string { return availText(x) },
			Compare: num(func(x e) int { return x.Available })},
		{Title: "EXPIRES", Width: 10, MinScreen: 110, Text: func(x e) string { return model.ExpiresString(x.Expires, x.Permanent) }},
		{Title: "TYPE", Width: 10, MinScreen: 130, Text: func(x e) string { return strings.Join(x.Types, ",") }},
		{Title: "USAGE", Width: 8, Grow: 2, NoSort: true,
			Text: barText,
			Draw: func(t *theme.Theme, x e, w int) (string, string) { return Bar(t, x, w) }},
	}
}

func installedText(e model.Entitlement) string {
	switch {
	case e.InstalledUnknown:
		return "?"
	case e.Uncounted:
		return "-"
	}
	return strconv.Itoa(e.Installed)
}

func availText(e model.Entitlement) string {
	if e.InstalledUnknown || e.Uncounted {
		return "-"
	}
	return strconv.Itoa(e.Available)
}

// peakText is the most checked out at once this month, for the concurrent
// models only: for the others "at once" means nothing.
func peakText(e model.Entitlement) string {
	if !licfile.KeyOf(e.Name).Concurrent() {
		return "-"
	}
	return strconv.Itoa(e.PeakMonth)
}

// barText is what the filter matches in the bar: its words.
func barText(e model.Entitlement) string {
	switch {
	case e.Uncounted:
		return "uncounted"
	case e.InstalledUnknown:
		return "installed unknown"
	case e.OverLimit():
		return "over limit"
	case e.OverInstalled():
		return "overdraft"
	}
	return ""
}

// New shows ctx's entitlements.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.table = common.NewTable("entitlements", Columns(ctx))
	m.table.RowStyle = func(e model.Entitlement) *lipgloss.Style { return stateStyle(ctx.Theme, e) }
	m.table.SetItems(ctx.Snapshot.Entitlements)
	return m
}

// Table is the entitlement list, for tests.
func (m *Model) Table() *common.Table[model.Entitlement] { return m.table }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.table.SetWidth(w)
	m.table.SetHeight(max(h-3-m.detailLines()-m.noticeLines(), 1))
}

// detailLines is the detail's height: its tallest for any row at this
// width, so the table does not jump as the selection moves.
func (m *Model) detailLines() int {
	n := 3
	for _, e := range m.ctx.Snapshot.Entitlements {
		n = max(n, len(m.detailOf(e)))
	}
	return n
}

// noticeLines is the line saying the licence files cannot tell what is
// installed (the License Activation Service era), when they cannot.
func (m *Model) noticeLines() int {
	if m.ctx.Snapshot.Licensing().Message != "" {
		return 1
	}
	return 0
}

func (m *Model) Capturing() bool { return m.table.Capturing() }

func (m *Model) ShortHelp() []key.Binding { return m.table.ShortHelp() }

func (m *Model) FullHelp() [][]key.Binding { return m.table.FullHelp(m.ctx.Keys) }

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.SelectMsg:
		m.table.SelectWhere(func(e model.Entitlement) bool {
			if msg.Feature != "" {
				return strings.EqualFold(e.Feature, msg.Feature) && (msg.CSSDate == "" || e.CSSDate.String() == msg.CSSDate)
			}
			for _, l := range e.Lines {
				if l.File == msg.File && l.LineNo == msg.Line {
					return true
				}
			}
			return false
		})
	case tea.KeyMsg:
		if !m.table.Update(msg, m.ctx.Keys) {
			return common.Unhandled(msg)
		}
	case tea.MouseMsg:
		m.table.HandleMouse(msg)
	}
	return nil
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
	case e.InstalledUnknown:
		return note("installed unknown", t.Dim)
	case capacity <= 0 && e.InUse > 0:
		if text := fmt.Sprintf("%d in use, none installed", e.InUse); len(text) <= width {
			return note(text, t.Crit)
		}
		// Narrow: the IN USE column has the count.
		return note("none installed", t.Crit)
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

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func (m *Model) View() string {
	t := m.ctx.Theme
	var b strings.Builder
	if n := m.ctx.Snapshot.Licensing().Message; n != "" {
		b.WriteString(t.Warn.Render(common.Fit("! "+n, m.width, false)) + "\n")
	}
	b.WriteString(m.table.StatusView(t, "Entitlements", m.width) + "\n")
	b.WriteString(m.table.HeaderView(t) + "\n")
	b.WriteString(m.table.BodyView(t, "no entitlements: no licence lines that count"))
	b.WriteString("\n" + common.Rule(t, m.width) + "\n")
	b.WriteString(m.detail())
	return b.String()
}

// detail spells out the selected row's sum, since "available" confuses:
// it counts the overdraft in.
func (m *Model) detail() string {
	e, ok := m.table.Selected()
	if !ok {
		return ""
	}
	return strings.Join(m.detailOf(e), "\n")
}

// detailOf is e's detail lines, each sentence wrapped to two lines rather
// than cut: "(25 on expired lines not counted)" and the CSP hint carry
// the meaning.
func (m *Model) detailOf(e model.Entitlement) []string {
	t := m.ctx.Theme
	one := fmt.Sprintf("%s: %s %s %s, CSS date %s, expires %s", e.Feature, e.Name.Product, e.Name.Edition, e.Name.Model,
		e.CSSDate, model.ExpiresString(e.Expires, e.Permanent))
	switch {
	case e.CSP:
		one += "  (CSP)"
	case !m.ctx.Snapshot.Settings.CSPConfigured():
		one += "  (CSP unknown: set csp_features in lsui.json)"
	}
	var two string
	switch {
	case e.InstalledUnknown:
		two = "installed unknown: no licence file says (License Activation Service?); in use is from usage"
	case e.Uncounted:
		two = "uncounted: no limit to check in use against"
	default:
		two = fmt.Sprintf("available %d = installed %d + overdraft %d - in use %d", e.Available, e.Installed, e.Overdraft, e.InUse)
		if e.Expired > 0 {
			two += fmt.Sprintf("   (%d on expired lines not counted)", e.Expired)
		}
	}
	style := t.Dim
	switch {
	case e.OverLimit():
		style = t.Crit
		two = "!! " + two + "   over installed + overdraft"
	case e.OverInstalled():
		style = t.Warn
		two = "!  " + two + "   using overdraft"
	}
	three := fmt.Sprintf("in use %d now, %s | this month %d (call-home)", e.InUse, SourceText(e), e.ThisMonth)
	if licfile.KeyOf(e.Name).Concurrent() {
		three += fmt.Sprintf(" | peak %d", e.PeakMonth)
	}
	var out []string
	add := func(s string, style lipgloss.Style) {
		w := max(m.width, 1)
		lines := strings.Split(ansi.Wrap(s, w, " "), "\n")
		if len(lines) > 2 {
			lines = append(lines[:1], strings.Join(lines[1:], " "))
		}
		for _, l := range lines {
			out = append(out, style.Render(common.Fit(l, w, false)))
		}
	}
	add(one, lipgloss.NewStyle())
	add(two, style)
	add(three, t.Dim)
	return out
}

// SourceText says what "in use" counted, so it is not mistaken for this
// month's identities.
func SourceText(e model.Entitlement) string {
	concurrent := licfile.KeyOf(e.Name).Concurrent()
	switch e.InUseSource {
	case model.InUseUdadmin:
		return "assigned per udadmin"
	case model.InUseLmstat:
		return "checked out per lmstat"
	case model.InUseLog:
		if concurrent {
			return "checked out per the logs"
		}
		return "leased per the logs"
	}
	return "source unknown"
}
