// Package overview is the dashboard's first screen: the server, the counts,
// the most urgent problems and the last upload, on one page.
package overview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/views/common"
)

// Item is one line of the "most urgent" list.
type Item struct {
	Status model.Status
	Text   string
}

// Urgent lists what needs the admin's attention, worst first: the
// monitoring findings (expiries, CSS dates, over-use, malformed lines),
// failed uploads lingering on disk, anonymization off while a CSP licence
// is present, and whatever did not load.
func Urgent(s *model.Snapshot) []Item {
	var crit, warn []Item
	add := func(st model.Status, format string, args ...any) {
		it := Item{st, fmt.Sprintf(format, args...)}
		if st == model.Critical {
			crit = append(crit, it)
		} else {
			warn = append(warn, it)
		}
	}
	// One list (lsui check shows the same findings): the model's rules and
	// the Citrix payload's privacy finding.
	for _, f := range payload.Health(context.Background(), s).Findings {
		add(f.Status, "%s", f.Message)
	}
	return append(crit, warn...)
}

// Model is the overview screen.
type Model struct {
	ctx    *common.Context
	items  []Item
	list   common.List
	width  int
	height int
}

// New builds the overview of ctx's snapshot.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, items: Urgent(ctx.Snapshot)}
	m.list.SetLen(len(m.items))
	return m
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(max(h-m.headLines()-2, 1))
}

func (m *Model) Capturing() bool { return false }

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.SnapshotChangedMsg:
		m.items = Urgent(m.ctx.Snapshot)
		m.list.SetLen(len(m.items))
	case tea.KeyMsg:
		m.list.HandleKey(msg, m.ctx.Keys)
	case tea.MouseMsg:
		m.list.HandleMouse(msg)
	}
	return nil
}

func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.ctx.Keys.Up, m.ctx.Keys.Down}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}}
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
	title := "Most urgent"
	if len(m.items) == 0 {
		b.WriteString(t.Heading.Render(title) + "\n")
		b.WriteString("  " + t.OK.Render(t.Glyphs.Check) + " nothing needs attention")
		return b.String()
	}
	b.WriteString(t.Heading.Render(fmt.Sprintf("%s (%d)", title, len(m.items))) + "  " + t.Dim.Render(m.list.Position()) + "\n")
	from, to := m.list.Window()
	for i := from; i < to; i++ {
		it := m.items[i]
		marker, style := "!  WARNING ", t.Warn
		if it.Status == model.Critical {
			marker, style = "!! CRITICAL", t.Crit
		}
		text := common.Fit(it.Text, max(m.width-2-len(marker)-1, 1), false)
		b.WriteString(common.Row(t, i == m.list.Cursor, m.width, marker+" "+text, style.Render(marker)+" "+text))
		if i < to-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
