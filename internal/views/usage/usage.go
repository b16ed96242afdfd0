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

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	modelusage "github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/views/common"
)

// Keys are the Usage screen's own bindings.
type Keys struct {
	Filter    key.Binding
	Sort      key.Binding
	Kind      key.Binding
	PrevMonth key.Binding
	NextMonth key.Binding
	Apply     key.Binding
	Clear     key.Binding
}

func newKeys() Keys {
	return Keys{
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Kind:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "users/devices")),
		PrevMonth: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous month")),
		NextMonth: key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next month")),
		Apply:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Clear:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// Model is the Usage screen.
type Model struct {
	ctx  *common.Context
	keys Keys

	report *modelusage.Report
	idx    *index
	list   common.List
	input  common.Field

	// loading is the month being loaded, zero when none; seq discards a
	// result that a later request overtook.
	loading modelusage.Month
	seq     int
	spinner spinner.Model

	width, height int
	chartRows     int
	listTop       int // the identity rows' first line within the screen
}

// New shows the snapshot's month.
func New(ctx *common.Context) *Model {
	ti := common.Field{Prompt: "/", Limit: 128}
	sp := spinner.New()
	sp.Spinner = spinner.Line
	if !ctx.Theme.ASCII {
		sp.Spinner = spinner.Dot
	}
	m := &Model{ctx: ctx, keys: newKeys(), input: ti, spinner: sp}
	m.setReport(ctx.Snapshot.Usage)
	return m
}

func (m *Model) setReport(r *modelusage.Report) {
	if r == nil {
		r = &modelusage.Report{Month: modelusage.MonthOf(m.ctx.Now(), m.ctx.Snapshot.Location)}
	}
	old := m.idx
	m.report = r
	m.idx = newIndex(r)
	if old != nil {
		m.idx.kind, m.idx.sort = old.kind, old.sort
		m.idx.query = ""
		m.idx.rebuild()
		m.idx.SetQuery(old.query)
	}
	m.list.SetLen(len(m.idx.rows))
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.chartRows = 4
	if h >= 30 {
		m.chartRows = 8
	}
	// month line, chart title, chart rows, axis, blank, list status, column header
	m.listTop = 1 + 1 + m.chartRows + 1 + 1 + 2
	m.list.SetHeight(max(h-m.listTop, 1))
}

func (m *Model) Capturing() bool { return m.input.Focused() }

func (m *Model) ShortHelp() []key.Binding {
	if m.input.Focused() {
		return []key.Binding{m.keys.Apply, m.keys.Clear}
	}
	return []key.Binding{m.ctx.Keys.Down, m.keys.Filter, m.keys.Sort, m.keys.Kind, m.keys.PrevMonth, m.keys.NextMonth}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	if m.input.Focused() {
		return [][]key.Binding{{m.keys.Apply, m.keys.Clear}}
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{m.keys.Filter, m.keys.Clear, m.keys.Sort, m.keys.Kind},
		{m.keys.PrevMonth, m.keys.NextMonth},
	}
}

// monthMsg is another month's report, loaded in a command.
type monthMsg struct {
	seq      int
	report   *modelusage.Report
	problems []model.Problem
}

func (monthMsg) TargetTab() common.Tab { return common.TabUsage }

func (m *Model) Update(msg tea.Msg) tea.Cmd {
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
		return cmd
	case tea.KeyMsg:
		if m.input.Focused() {
			return m.filterKey(msg)
		}
		return m.key(msg)
	case tea.MouseMsg:
		m.list.HandleMouse(msg)
	}
	return nil
}

func (m *Model) filterKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Apply):
		m.input.Blur()
		return nil
	case key.Matches(msg, m.keys.Clear):
		m.input.Blur()
		m.input.SetValue("")
		m.applyFilter()
		return nil
	case key.Matches(msg, m.ctx.Keys.Up), msg.Type == tea.KeyDown:
		// Arrows move the list while typing; j/k are letters of the query.
		if msg.Type == tea.KeyUp || msg.Type == tea.KeyDown {
			m.list.HandleKey(msg, m.ctx.Keys)
			return nil
		}
	}
	if m.input.Update(msg) {
		m.applyFilter()
	}
	return nil
}

func (m *Model) applyFilter() {
	m.idx.SetQuery(m.input.Value())
	m.list.SetLen(len(m.idx.rows))
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Filter):
		m.input.Focus()
	case key.Matches(msg, m.keys.Clear):
		if m.input.Value() != "" {
			m.input.SetValue("")
			m.applyFilter()
		}
	case key.Matches(msg, m.keys.Sort):
		m.idx.SetSort((m.idx.sort + 1) % numSortModes)
		m.list.SetLen(len(m.idx.rows))
		m.list.Select(0)
	case key.Matches(msg, m.keys.Kind):
		m.idx.SetKind(1 - m.idx.kind)
		m.list.SetLen(len(m.idx.rows))
		m.list.Select(0)
	case key.Matches(msg, m.keys.PrevMonth):
		return m.loadMonth(m.shownMonth().Prev())
	case key.Matches(msg, m.keys.NextMonth):
		next := m.shownMonth().Next()
		if next.Start.After(m.ctx.Now()) {
			return common.Status("no usage in the future: "+next.String()+" has not started", false)
		}
		return m.loadMonth(next)
	default:
		m.list.HandleKey(msg, m.ctx.Keys)
	}
	return nil
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
	return tea.Batch(load, m.spinner.Tick)
}

func (m *Model) View() string {
	t := m.ctx.Theme
	r := m.report
	var b strings.Builder

	// The month line.
	kindName := "users"
	if m.idx.kind == modelusage.Device {
		kindName = "devices"
	}
	head := fmt.Sprintf("%s (%s)  %s, %s, %d denied", r.Month, r.Month.Start.Location(),
		common.Plural(m.idx.counts[modelusage.User], "user"), common.Plural(m.idx.counts[modelusage.Device], "device"), r.Denied)
	if r.Undated > 0 {
		head += fmt.Sprintf(", %d undated log lines", r.Undated)
	}
	right := ""
	if !m.loading.Start.IsZero() {
		right = m.spinner.View() + " loading " + m.loading.String()
	} else if r.Month != modelusage.MonthOf(m.ctx.Now(), r.Month.Start.Location()) {
		right = "not this month"
	}
	b.WriteString(t.Heading.Render(common.Fit(head, max(m.width-len(right)-1, 1), false)) + " " + t.Dim.Render(right) + "\n")

	// Features beside the chart.
	days := make([]int, len(r.Days))
	peak := 0
	for i, d := range r.Days {
		days[i] = d.Users
		if m.idx.kind == modelusage.Device {
			days[i] = d.Devices
		}
		peak = max(peak, days[i])
	}
	featW := min(max(m.width-2-35, 22), 40)
	chartW := m.width - featW - 3
	colW := 1
	if len(days) > 0 && chartW >= 2*len(days) {
		colW = 2
	}
	left := m.featureLines(featW, m.chartRows+2)
	rightLines := append([]string{t.Dim.Render(common.Fit(fmt.Sprintf("%s per day, peak %d", kindName, peak), chartW, false))},
		Chart(t, days, m.chartRows, colW, peak)...)
	rightLines = append(rightLines, t.Dim.Render(Axis(len(days), colW)))
	for i := 0; i < m.chartRows+2; i++ {
		l := ""
		if i < len(left) {
			l = left[i]
		}
		rr := ""
		if i < len(rightLines) {
			rr = rightLines[i]
		}
		b.WriteString(l + " " + t.Rule.Render(t.Glyphs.VRule) + " " + rr + "\n")
	}
	b.WriteString("\n")

	// The identity list.
	status := fmt.Sprintf("%s %s  sort: %s", strings.ToUpper(kindName[:1])+kindName[1:], m.list.Position(), m.idx.sort)
	filter := ""
	if m.input.Focused() || m.input.Value() != "" {
		filter = m.input.View(t, max(m.width-len(status)-2, 1))
	}
	b.WriteString(t.Heading.Render(status) + "  " + filter + "\n")
	cols := m.columns()
	b.WriteString(common.Header(t, cols) + "\n")
	if len(m.idx.rows) == 0 {
		if m.input.Value() != "" {
			b.WriteString("  no " + kindName + " match the filter")
		} else {
			b.WriteString("  no " + kindName + " this month")
		}
		return b.String()
	}
	from, to := m.list.Window()
	ids := r.Identities
	for i := from; i < to; i++ {
		id := &ids[m.idx.rows[i]]
		text := common.Cells(cols, id.Name, strings.Join(id.Features, ","), stamp(id.FirstSeen), stamp(id.LastSeen))
		b.WriteString(common.Row(t, i == m.list.Cursor, m.width, text, text))
		if i < to-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func stamp(t time.Time) string { return t.Format("01-02 15:04") }

func (m *Model) columns() []common.Column {
	return common.Flex(m.width, 10, []common.Column{
		{Title: "NAME", Width: 0},
		{Title: "FEATURES", Width: 0},
		{Title: "FIRST SEEN", Width: 11},
		{Title: "LAST SEEN", Width: 11},
	})
}

// featureLines is the per-feature table, n lines of w cells.
func (m *Model) featureLines(w, n int) []string {
	t := m.ctx.Theme
	cols := []common.Column{{Title: "FEATURE", Width: w - 14}, {Title: "USERS", Width: 6, Right: true}, {Title: "DEV", Width: 6, Right: true}}
	lines := []string{t.ColumnHead.Render(common.Cells(cols, "FEATURE", "USERS", "DEV"))}
	fs := m.report.Features
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
