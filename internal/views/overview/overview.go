// Package overview is the dashboard's first screen: the server, the counts,
// the most urgent problems and the last upload, on one page.
package overview

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/theme"
)

// Item is one line of the "most urgent" list: the reason, where it is, and
// the screen that shows it.
type Item struct {
	Status model.Status
	// Reason is what is wrong ("XDT_ADV_UD expired 2026-11-13 and is
	// still in use by 12"); Where is the file:line it is about, "" when
	// none.
	Reason string
	Where  string
	Target common.SelectMsg
	// Goto names the target for the detail line ("the expiration").
	Goto string
}

// Text is the item in one line, reason first.
func (it Item) Text() string {
	if it.Where == "" {
		return it.Reason
	}
	return it.Reason + " (" + it.Where + ")"
}

// itemOf turns a monitoring finding into an item: the place its message
// names moves to the end, and its target says which screen shows it.
func itemOf(f model.Finding) Item {
	it := Item{Status: f.Status, Reason: f.Message}
	tg := f.Target
	pos := tg.File
	if tg.Line > 0 {
		pos = fmt.Sprintf("%s:%d", tg.File, tg.Line)
	}
	if pos != "" {
		it.Where = pos
		switch {
		case strings.Contains(it.Reason, " ("+pos+")"):
			it.Reason = strings.Replace(it.Reason, " ("+pos+")", "", 1)
		case strings.Contains(it.Reason, " "+pos+": "):
			it.Reason = strings.Replace(it.Reason, " "+pos+": ", ": ", 1)
		}
	}
	switch tg.Kind {
	case model.TargetLicenceLine:
		if tg.Feature != "" {
			it.Target, it.Goto = common.SelectMsg{Tab: common.TabExpirations, File: tg.File, Line: tg.Line}, "its date in Expirations"
		} else {
			it.Target, it.Goto = common.SelectMsg{Tab: common.TabLicences, File: tg.File, Line: tg.Line}, "the line in Licences"
		}
	case model.TargetEntitlement:
		it.Target = common.SelectMsg{Tab: common.TabEntitlements, Feature: tg.Feature, CSSDate: tg.CSSDate}
		it.Goto = "its entitlement"
	case model.TargetUpload:
		it.Target, it.Goto = common.SelectMsg{Tab: common.TabUploads, Upload: tg.Upload}, "Uploads"
	case model.TargetFile:
		it.Target, it.Goto = common.SelectMsg{Tab: common.TabLicences, File: tg.File, Line: tg.Line}, "the problem in Licences"
	case model.TargetPrivacy:
		it.Target, it.Goto = common.SelectMsg{Tab: common.TabPrivacy}, "Privacy"
	}
	return it
}

// Urgent lists what needs the admin's attention, worst first: the
// monitoring findings h, the one list `lsui check` shows too (expiries,
// CSS dates, over-use, malformed lines, failed uploads lingering,
// anonymization, the Citrix payload's privacy, whatever did not load).
func Urgent(h model.Health) []Item {
	out := make([]Item, 0, len(h.Findings))
	for _, f := range h.Findings {
		out = append(out, itemOf(f))
	}
	return out
}

// Model is the overview screen.
type Model struct {
	ctx    *common.Context
	table  *common.Table[Item]
	open   key.Binding
	width  int
	height int
}

// Columns are the list's columns: the state, the reason, and last the
// place, cut at its start so the line number stays.
func Columns(ctx *common.Context) []common.Col[Item] {
	t := ctx.Theme
	return []common.Col[Item]{
		{Title: "STATUS", Width: 11, Desc: true, Text: marker, Style: func(it Item) *lipgloss.Style {
			if it.Status == model.Critical {
				return &t.Crit
			}
			return &t.Warn
		}, Compare: func(a, b Item) int { return int(a.Status) - int(b.Status) }},
		{Title: "REASON", Width: 16, Grow: 3, Text: func(it Item) string { return it.Reason }},
		{Title: "WHERE", Width: 10, Grow: 1, KeepEnd: true, Text: func(it Item) string { return it.Where }},
	}
}

// drawItem is the marker, the reason whole when it fits, and the place
// in what room is left, cut at its start: the reason is what matters.
func drawItem(t *theme.Theme, it Item, width int) (plain, styled string, ok bool) {
	mk := common.Fit(marker(it), 11, false)
	style := t.Warn
	if it.Status == model.Critical {
		style = t.Crit
	}
	room := width - len(mk) - 1
	reason := common.Truncate(it.Reason, room)
	where := ""
	if left := room - ansi.StringWidth(reason) - 2; it.Where != "" && left >= 8 {
		where = common.FitEnd(it.Where, min(left, ansi.StringWidth(sanitize.Line(it.Where))), false)
	}
	pad := max(room-ansi.StringWidth(reason)-ansi.StringWidth(where), 0)
	text := reason + strings.Repeat(" ", pad) + where
	return mk + " " + text, style.Render(mk) + " " + reason + strings.Repeat(" ", pad) + t.Dim.Render(where), true
}

// marker says the finding's own status (model.Health owns it), so the
// Overview and `lsui check` never disagree: UNKNOWN is not a WARNING.
func marker(it Item) string {
	switch it.Status {
	case model.Critical:
		return "!! CRITICAL"
	case model.Unknown:
		return "?? UNKNOWN"
	}
	return "!  WARNING"
}

// healthMsg is the findings with the Citrix payload's privacy check,
// which reads zips and so runs in a command.
type healthMsg struct{ h model.Health }

// New builds the overview of ctx's snapshot. The model's findings show at
// once; the payload's privacy finding joins them when Init's command is
// back.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.open = ctx.Keys.Open
	m.open.SetHelp("enter", "go to it")
	m.table = common.NewTable("items", Columns(ctx))
	m.table.NaturalName = "urgency"
	m.table.DrawRow = drawItem
	m.table.SetItems(Urgent(ctx.Snapshot.Health()))
	return m
}

// Init checks the payloads for plain names in a command.
func (m *Model) Init() tea.Cmd { return m.checkHealth() }

func (m *Model) checkHealth() tea.Cmd {
	ctx, s := m.ctx.Ctx, m.ctx.Snapshot
	return common.Send(common.TabOverview, func() tea.Msg { return healthMsg{payload.Health(ctx, s)} })
}

// Table is the list, for tests.
func (m *Model) Table() *common.Table[Item] { return m.table }

// detailLines are the rule and the selected item in full.
const detailLines = 3

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.table.SetWidth(w)
	// the facts and a blank line, the list's status, its rows, a rule
	m.table.SetHeight(max(h-m.headLines()-2-detailLines, 1))
}

func (m *Model) Capturing() bool { return m.table.Capturing() }

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case healthMsg:
		m.table.SetItems(Urgent(msg.h))
	case common.SnapshotChangedMsg:
		m.table.SetItems(Urgent(m.ctx.Snapshot.Health()))
		return m.checkHealth()
	case tea.KeyMsg:
		if !m.table.Capturing() && key.Matches(msg, m.open) {
			it, ok := m.table.Selected()
			switch {
			case !ok:
				return common.Status("nothing to go to", false)
			case it.Goto == "":
				return common.Status("this item has no screen of its own", false)
			}
			return common.Select(it.Target)
		}
		if !m.table.Update(msg, m.ctx.Keys) {
			return common.Unhandled(msg)
		}
	case tea.MouseMsg:
		m.table.HandleMouse(msg)
	}
	return nil
}

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

// facts are the label/value lines at the top.
func (m *Model) facts() [][2]string {
	s := m.ctx.Snapshot
	version := s.Server.Version
	if version == "" {
		version = "unknown"
	}
	facts := [][2]string{
		{"Server", s.Server.Host + "   version " + version},
		{"Root", m.ctx.RootLabel},
	}
	lic := fmt.Sprintf("%s, %s", common.Plural(len(s.Files), "file"), common.Plural(len(s.Lines), "line"))
	if n := len(s.ParseErrors); n > 0 {
		lic += fmt.Sprintf(", %d malformed", n)
	}
	facts = append(facts, [2]string{"Licences", lic + "   entitlements " + fmt.Sprint(len(s.Entitlements))})
	if u := s.Usage; u != nil {
		users, devices := 0, 0
		for i := range u.Identities {
			if u.Identities[i].Kind == usage.Device {
				devices++
			} else {
				users++
			}
		}
		facts = append(facts, [2]string{"This month", fmt.Sprintf("%s: %s, %s, %d denied",
			u.Month, common.Plural(users, "user"), common.Plural(devices, "device"), u.Denied)})
	}
	facts = append(facts, [2]string{"Anonymization", anonymization(s)})
	facts = append(facts, [2]string{"Last upload", lastUpload(s)})
	return facts
}

func anonymization(s *model.Snapshot) string {
	switch {
	case s.Config != nil && s.Config.Scramble:
		return "on (usernames are pseudonymized before upload)"
	case s.Config != nil:
		return "off (usernames are uploaded as they are)"
	case errors.Is(s.ConfigErr, fs.ErrNotExist):
		return "off (no SimpleLicenseServiceConfig.xml)"
	}
	return "unknown (the setting could not be read)"
}

func lastUpload(s *model.Snapshot) string {
	if len(s.Uploads) == 0 {
		return "none on disk"
	}
	u := s.Uploads[len(s.Uploads)-1]
	outcome := string(u.Outcome)
	if outcome == "" {
		outcome = "outcome not recorded"
	}
	text := fmt.Sprintf("%s, %s (%s)", outcome, common.Age(s.Now, u.Time), u.Name)
	if u.Outcome != uploads.Success {
		if ok := uploads.Last(s.Uploads, uploads.Success); ok != nil {
			text += "; last success " + common.Age(s.Now, ok.Time)
		} else {
			text += "; no success on disk"
		}
	}
	return text
}

func (m *Model) headLines() int { return len(m.facts()) + 1 }

func (m *Model) View() string {
	t := m.ctx.Theme
	var b strings.Builder
	for _, f := range m.facts() {
		label := common.Fit(f[0], 14, false)
		b.WriteString(t.Label.Render(label) + " " + common.Fit(f[1], max(m.width-15, 1), false) + "\n")
	}
	b.WriteString("\n")
	if len(m.table.Items()) == 0 {
		b.WriteString(t.Heading.Render("Most urgent") + "\n")
		b.WriteString("  " + t.OK.Render(t.Glyphs.Check) + " nothing needs attention")
		return b.String()
	}
	b.WriteString(m.table.StatusView(t, "Most urgent", m.width) + "\n")
	switch {
	case m.table.Len() > 0:
		b.WriteString(m.table.RowsView(t))
	default:
		b.WriteString("  " + m.table.EmptyText() + strings.Repeat("\n", m.table.List.Height-1))
	}
	b.WriteString("\n" + common.Rule(t, m.width) + "\n")
	b.WriteString(m.detail())
	return b.String()
}

// detail is the selected item in full, wrapped to two lines, and where
// enter goes.
func (m *Model) detail() string {
	t := m.ctx.Theme
	it, ok := m.table.Selected()
	if !ok {
		return ""
	}
	lines := strings.Split(ansi.Wrap(common.Truncate(it.Text(), 4*m.width), m.width, " "), "\n")
	if len(lines) > 2 {
		lines = []string{lines[0], common.Truncate(strings.Join(lines[1:], " "), m.width)}
	}
	for len(lines) < 2 {
		lines = append(lines, "")
	}
	next := "enter: nothing more to show"
	if it.Goto != "" {
		next = "enter: go to " + it.Goto
	}
	return lines[0] + "\n" + lines[1] + "\n" + t.Dim.Render(common.Fit(next, m.width, false))
}
