// Package usage is the Usage tab: this calendar month's per-feature counts,
// a per-day chart, and the list of identities with an incremental filter,
// a sort cycle, a users/devices switch and month paging. Another month
// loads in a tea.Cmd; the screen keeps working meanwhile.
package usage

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	modelusage "github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/views/common"
)

// Keys are the Usage screen's own bindings; the list's (filter, sort)
// are the table's.
type Keys struct {
	Kind      key.Binding
	PrevMonth key.Binding
	NextMonth key.Binding
}

func newKeys() Keys {
	return Keys{
		Kind:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "users/devices")),
		PrevMonth: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous month")),
		NextMonth: key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next month")),
	}
}

// Model is the Usage screen.
type Model struct {
	ctx  *common.Context
	keys Keys

	report *modelusage.Report
	counts [2]int // identities per kind
	kind   modelusage.Kind
	table  *common.Table[*modelusage.Identity]

	// loading is the month being loaded, zero when none; seq discards a
	// result that a later request overtook.
	loading modelusage.Month
	seq     int
	spinner spinner.Model

	width, height int
	chartRows     int
	listTop       int // the identity rows' first line within the screen
}

// Columns are the identity list's columns. The report comes sorted by
// case-folded name, which is the NAME column's order.
func Columns() []common.Col[*modelusage.Identity] {
	type id = *modelusage.Identity
	return []common.Col[id]{
		{Title: "NAME", Width: 10, Grow: 1, Natural: true, Text: func(i id) string { return i.Name }},
		{Title: "FEATURES", Width: 10, Grow: 1, Desc: true,
			Text:    func(i id) string { return strings.Join(i.Features, ",") },
			Compare: func(a, b id) int { return len(a.Features) - len(b.Features) }},
		{Title: "FIRST SEEN", SortName: "first seen", Width: 12, Text: func(i id) string { return stamp(i.FirstSeen) },
			Compare: func(a, b id) int { return a.FirstSeen.Compare(b.FirstSeen) },
			Key:     func(i id) int64 { return i.FirstSeen.Unix() }},
		{Title: "LAST SEEN", SortName: "last seen", Width: 12, Desc: true, Text: func(i id) string { return stamp(i.LastSeen) },
			Compare: func(a, b id) int { return a.LastSeen.Compare(b.LastSeen) },
			Key:     func(i id) int64 { return i.LastSeen.Unix() }},
	}
}

// New shows the snapshot's month.
func New(ctx *common.Context) *Model {
	sp := spinner.New()
	sp.Spinner = spinner.Line
	if !ctx.Theme.ASCII {
		sp.Spinner = spinner.Dot
	}
	m := &Model{ctx: ctx, keys: newKeys(), spinner: sp}
	m.table = common.NewTable("users", Columns())
	// s steps name, last seen, first seen, features: the questions asked
	// most come first.
	m.table.SortCycle = []int{0, 3, 2, 1}
	m.table.Keep = func(i *modelusage.Identity) bool { return i.Kind == m.kind }
	m.setReport(ctx.Snapshot.Usage)
	return m
}

func (m *Model) setReport(r *modelusage.Report) {
	if r == nil {
		r = &modelusage.Report{Month: modelusage.MonthOf(m.ctx.Now(), m.ctx.Snapshot.Location)}
	}
	m.report = r
	m.counts = [2]int{}
	items := make([]*modelusage.Identity, len(r.Identities))
	for i := range r.Identities {
		items[i] = &r.Identities[i]
		m.counts[r.Identities[i].Kind]++
	}
	m.table.SetItems(items)
}

// Table is the identity list, for tests.
func (m *Model) Table() *common.Table[*modelusage.Identity] { return m.table }

// detailLines are the rule and the selected identity's line.
const detailLines = 2

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	switch {
	case h >= 30:
		m.chartRows = 8
	case h < 18:
		// 60x20: the list keeps room for a few rows.
		m.chartRows = 3
	default:
		m.chartRows = 4
	}
	// month line, sources line, chart title, chart rows, axis, list status, column header
	m.listTop = 1 + 1 + 1 + m.chartRows + 1 + 2
	m.table.SetWidth(w)
	m.table.SetHeight(max(h-m.listTop-detailLines, 1))
}

func (m *Model) Capturing() bool { return m.table.Capturing() }

func (m *Model) ShortHelp() []key.Binding {
	if m.table.Capturing() {
		return m.table.ShortHelp()
	}
	return append(m.table.ShortHelp(), m.keys.Kind, m.keys.PrevMonth, m.keys.NextMonth)
}

func (m *Model) FullHelp() [][]key.Binding {
	out := m.table.FullHelp(m.ctx.Keys)
	if m.table.Capturing() {
		return out
	}
	return append(out, []key.Binding{m.keys.Kind, m.keys.PrevMonth, m.keys.NextMonth})
}

// monthMsg is another month's report, loaded in a command.
type monthMsg struct {
	seq      int
	report   *modelusage.Report
	problems []model.Problem
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if m.table.Accept(msg) {
		return nil
	}
	switch msg := msg.(type) {
	case monthMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.loading = modelusage.Month{}
		m.setReport(msg.report)
		if len(msg.problems) > 0 {
			return common.Status(fmt.Sprintf("%s: %s", msg.report.Month, msg.problems[0].Error()), true)
		}
		return nil
	case spinner.TickMsg:
		if m.loading.Start.IsZero() || msg.ID != m.spinner.ID() {
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return common.Send(common.TabUsage, cmd)
	case tea.KeyMsg:
		return m.key(msg)
	case tea.MouseMsg:
		m.table.HandleMouse(msg)
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if m.table.Capturing() {
		m.table.Update(msg, m.ctx.Keys)
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Kind):
		m.kind = 1 - m.kind
		m.table.Label = m.kindName()
		m.table.Refilter()
		m.table.List.Select(0)
	case key.Matches(msg, m.keys.PrevMonth):
		return m.loadMonth(m.shownMonth().Prev())
	case key.Matches(msg, m.keys.NextMonth):
		next := m.shownMonth().Next()
		if next.Start.After(m.ctx.Now()) {
			return common.Status("no usage in the future: "+next.String()+" has not started", false)
		}
		return m.loadMonth(next)
	default:
		if !m.table.Update(msg, m.ctx.Keys) {
			return common.Unhandled(msg)
		}
		if m.table.Capturing() {
			// The filter opened: its text of every identity is built in
			// a command while the admin starts typing.
			return common.Send(common.TabUsage, m.table.Prepare())
		}
	}
	return nil
}

func (m *Model) kindName() string {
	if m.kind == modelusage.Device {
		return "devices"
	}
	return "users"
}

// shownMonth is the month loading, else the month shown.
func (m *Model) shownMonth() modelusage.Month {
	if !m.loading.Start.IsZero() {
		return m.loading
	}
	return m.report.Month
}

func (m *Model) loadMonth(month modelusage.Month) tea.Cmd {
	m.seq++
	m.loading = month
	seq, ctx, layout, opts := m.seq, m.ctx.Ctx, m.ctx.Snapshot.Layout, m.ctx.LoadOptions
	opts.Month = month
	load := func() tea.Msg {
		r, problems := model.LoadUsage(ctx, layout, month, opts)
		return monthMsg{seq: seq, report: r, problems: problems}
	}
	return common.Send(common.TabUsage, tea.Batch(load, m.spinner.Tick))
}

func (m *Model) View() string {
	t := m.ctx.Theme
	r := m.report
	var b strings.Builder

	// The month line.
	kindName := m.kindName()
	head := fmt.Sprintf("%s (%s)  %s, %s, %d denied", r.Month, r.Month.Start.Location(),
		common.Plural(m.counts[modelusage.User], "user"), common.Plural(m.counts[modelusage.Device], "device"), r.Denied)
	if r.Undated > 0 {
		head += fmt.Sprintf(", %d undated log lines", r.Undated)
	}
	head += model.BadLinesNote(r.Malformed, r.Skipped)
	right := ""
	if !m.loading.Start.IsZero() {
		right = m.spinner.View() + " loading " + m.loading.String()
	} else if r.Month != modelusage.MonthOf(m.ctx.Now(), r.Month.Start.Location()) {
		right = "not this month"
	}
	b.WriteString(t.Heading.Render(common.Fit(head, max(m.width-ansi.StringWidth(right)-1, 1), false)) + " " + t.Dim.Render(right) + "\n")
	b.WriteString(t.Dim.Render(common.Fit(m.sourcesLine(), m.width, false)) + "\n")

	// The feature table, and apart from it, under its own label, the
	// chart of every feature together: its rows are not the features'.
	days := make([]int, len(r.Days))
	peak := 0
	for i, d := range r.Days {
		days[i] = d.Users
		if m.kind == modelusage.Device {
			days[i] = d.Devices
		}
		peak = max(peak, days[i])
	}
	featW := min(max(m.width-2-38, 22), 40)
	yLabel := len(strconv.Itoa(peak))
	chartW := m.width - featW - 4 - yLabel - 1
	colW := 1
	if len(days) > 0 && chartW >= 2*len(days) {
		colW = 2
	}
	left := m.featureLines(featW, m.chartRows+2)
	title := fmt.Sprintf("Chart: %s per day, all features", kindName)
	rightLines := []string{t.Heading.Render(common.Truncate(title, m.width-featW-4))}
	for i, row := range Chart(t, days, m.chartRows, colW, peak) {
		y := strings.Repeat(" ", yLabel)
		switch i {
		case 0:
			y = fmt.Sprintf("%*d", yLabel, peak)
		case m.chartRows - 1:
			y = fmt.Sprintf("%*d", yLabel, 0)
		}
		rightLines = append(rightLines, t.Dim.Render(y+t.Glyphs.VRule)+row)
	}
	rightLines = append(rightLines, t.Dim.Render(strings.Repeat(" ", yLabel+1)+Axis(len(days), colW)))
	for i := 0; i < m.chartRows+2; i++ {
		l := ""
		if i < len(left) {
			l = left[i]
		}
		rr := ""
		if i < len(rightLines) {
			rr = rightLines[i]
		}
		b.WriteString(l + "  " + t.Rule.Render(t.Glyphs.VRule) + " " + rr + "\n")
	}

	// The identity list.
	label := strings.ToUpper(kindName[:1]) + kindName[1:]
	b.WriteString(m.table.StatusView(t, label, m.width) + "\n")
	b.WriteString(m.table.HeaderView(t) + "\n")
	if m.table.Len() == 0 {
		switch {
		case m.table.Filtered():
			b.WriteString("  " + m.table.EmptyText())
		default:
			b.WriteString("  no " + kindName + " this month")
		}
		b.WriteString(strings.Repeat("\n", m.table.List.Height))
	} else {
		b.WriteString(m.table.RowsView(t) + "\n")
	}
	b.WriteString(common.Rule(t, m.width) + "\n")
	b.WriteString(m.detail())
	return b.String()
}

// sourcesLine says how far back the logs reach (the lease look-back
// needs it) and the product connections, which are counted apart: the
// controllers' machine accounts and start-up checkouts are not usage.
func (m *Model) sourcesLine() string {
	r := m.report
	var parts []string
	if r.LogsFrom.IsZero() {
		parts = append(parts, "no dated checkouts in the logs")
	} else {
		parts = append(parts, "logs cover "+r.LogsFrom.In(r.Month.Start.Location()).Format("2006-01-02")+" onwards")
	}
	hosts := map[string]bool{}
	checkouts := 0
	for _, c := range r.Connections {
		if c.Host != "" {
			hosts[c.Host] = true
		}
		checkouts += c.Checkouts
	}
	if len(r.Connections) == 0 {
		parts = append(parts, "no product connections")
	} else {
		parts = append(parts, fmt.Sprintf("connections (not usage): %s from %s", common.Plural(checkouts, "checkout"),
			common.Plural(len(hosts), "host")))
	}
	if r.Unsupported > 0 {
		parts = append(parts, fmt.Sprintf("%d unsupported", r.Unsupported))
	}
	return strings.Join(parts, "; ")
}

// detail is the selected identity in full: the name, where it came from
// and every feature.
func (m *Model) detail() string {
	t := m.ctx.Theme
	id, ok := m.table.Selected()
	if !ok {
		return ""
	}
	via := "no host (udadmin)"
	if len(id.Via) > 0 {
		via = "via " + strings.Join(id.Via, ", ")
	}
	text := fmt.Sprintf("%s  %s %s, first %s, last %s: %s", id.Name, id.Kind, via, stamp(id.FirstSeen), stamp(id.LastSeen),
		strings.Join(id.Features, ", "))
	return t.Dim.Render(common.Fit(text, m.width, false))
}

func stamp(t time.Time) string { return t.Format("01-02 15:04") }

// featureLines is the per-feature table, n lines of w cells.
func (m *Model) featureLines(w, n int) []string {
	t := m.ctx.Theme
	fs := m.report.Features
	longest := 0
	for _, f := range fs {
		longest = max(longest, len(f.Feature))
	}
	// The feature's name is what a row is: when the three columns leave
	// it too little, DEV gives way (d shows devices).
	cols := []common.Column{{Title: "FEATURE", Width: w - 14}, {Title: "USERS", Width: 6, Right: true}, {Title: "DEV", Width: 6, Right: true}}
	if w-14 < longest {
		cols = []common.Column{{Title: "FEATURE", Width: w - 7}, cols[1]}
	}
	lines := []string{t.ColumnHead.Render(common.Cells(cols, "FEATURE", "USERS", "DEV"))}
	for i, f := range fs {
		if len(lines) == n-1 && i < len(fs)-1 {
			lines = append(lines, t.Dim.Render(common.Fit(fmt.Sprintf("+%d more", len(fs)-i), w, false)))
			break
		}
		lines = append(lines, common.Cells(cols, f.Feature, strconv.Itoa(f.Users), strconv.Itoa(f.Devices)))
	}
	if len(fs) == 0 {
		lines = append(lines, common.Fit("no checkouts", w, false))
	}
	for len(lines) < n {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return lines
}
