// Package uploads is the Uploads tab: the payload zips on disk with their
// outcome, size and age, the failed-upload backlog, a payload opened in
// place (enter, or `o` from any tab for the newest), and the
// upload-and-prune cycle (`u`) with its progress.
package uploads

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	modeluploads "github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/payloadview"
)

// Keys are the Uploads screen's own bindings.
type Keys struct {
	Upload  key.Binding
	Cancel  key.Binding
	Refresh key.Binding
}

// Model is the Uploads screen.
type Model struct {
	ctx  *common.Context
	keys Keys

	list []modeluploads.Upload // newest first
	rows common.List

	payload *payloadview.Model
	opened  bool

	cycle *cycleState // nil when no cycle has run

	width, height int
}

// New lists ctx's uploads.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, payload: payloadview.New(ctx, common.TabUploads)}
	m.keys = Keys{
		Upload:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "upload now")),
		Cancel:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel upload")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
	}
	if ctx.ReadOnly || !cycleAvailable {
		m.keys.Upload.SetEnabled(false)
	}
	m.keys.Cancel.SetEnabled(false)
	m.setList(ctx.Snapshot.Uploads)
	return m
}

func (m *Model) setList(list []modeluploads.Upload) {
	m.list = make([]modeluploads.Upload, len(list))
	for i, u := range list {
		m.list[len(list)-1-i] = u
	}
	m.rows.SetLen(len(m.list))
}

// listedMsg is the uploads folder listed again.
type listedMsg struct {
	list []modeluploads.Upload
	err  error
}

func (listedMsg) TargetTab() common.Tab { return common.TabUploads }

func (m *Model) refresh() tea.Cmd {
	dir := modeluploads.Dir(m.ctx.Snapshot.Layout.UsageDir)
	return func() tea.Msg {
		list, _, err := modeluploads.List(dir)
		return listedMsg{list, err}
	}
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.rows.SetHeight(max(h-m.headLines()-1-detailLines, 1))
	m.payload.SetSize(w, h)
}

func (m *Model) headLines() int {
	n := 3 // backlog, blank, column header
	if m.cycle != nil {
		n += cycleLines
	}
	return n
}

const detailLines = 2

func (m *Model) Capturing() bool { return false }

// CloseNested closes the payload opened in place, an entry of it first;
// the root calls it for q and esc, so q never quits from inside a payload.
func (m *Model) CloseNested() bool {
	if !m.opened {
		return false
	}
	if m.payload.Viewing() {
		m.payload.Update(tea.KeyMsg{Type: tea.KeyEsc})
		return true
	}
	m.opened = false
	m.payload.Close()
	return true
}

// QuitPrompt asks before quitting while a cycle runs.
func (m *Model) QuitPrompt() string {
	if m.cycle != nil && m.cycle.running {
		return "An upload cycle is running; quitting cancels it."
	}
	return ""
}

func (m *Model) ShortHelp() []key.Binding {
	if m.opened {
		return m.payload.Help()
	}
	k := m.ctx.Keys
	open := k.Open
	open.SetHelp("enter", "open")
	return []key.Binding{k.Down, open, m.keys.Upload, m.keys.Cancel, m.keys.Refresh}
}

func (m *Model) FullHelp() [][]key.Binding {
	if m.opened {
		return [][]key.Binding{m.payload.Help()}
	}
	k := m.ctx.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Open, m.keys.Upload, m.keys.Cancel, m.keys.Refresh}}
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case listedMsg:
		// A journal that does not parse still lists the zips, without
		// outcomes: show them and say what is wrong.
		m.setList(msg.list)
		list := msg.list
		changed := common.ChangeSnapshot(func(s *model.Snapshot) { s.Uploads = list })
		if msg.err != nil {
			return tea.Batch(changed, common.Status("listing uploads: "+msg.err.Error(), true))
		}
		return changed
	case common.SelectMsg:
		// The Overview's enter on a finding about an upload.
		for i, u := range m.list {
			if u.Name == msg.Upload {
				m.rows.Select(i)
			}
		}
		return nil
	case common.OpenLastUploadMsg:
		if len(m.list) == 0 {
			return common.Status("no uploads on disk to open", false)
		}
		m.rows.Select(0)
		return m.open(m.list[0])
	case tea.KeyMsg:
		if m.opened {
			cmd, back := m.payload.Update(msg)
			if back {
				m.opened = false
				m.payload.Close()
			}
			return cmd
		}
		return m.handleKey(msg)
	case tea.MouseMsg:
		if m.opened {
			cmd, _ := m.payload.Update(msg)
			return cmd
		}
		m.rows.HandleMouse(msg)
		return nil
	}
	if cmd, ok := m.cycleUpdate(msg); ok {
		return cmd
	}
	// Inspect results, entry reads and spinner ticks.
	cmd, _ := m.payload.Update(msg)
	return cmd
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.ctx.Keys.Open):
		if len(m.list) == 0 {
			return nil
		}
		return m.open(m.list[m.rows.Cursor])
	case key.Matches(msg, m.keys.Refresh):
		return m.refresh()
	case key.Matches(msg, m.keys.Upload):
		return m.startCycle()
	case key.Matches(msg, m.keys.Cancel):
		return m.cancelCycle()
	case msg.String() == "u" && m.ctx.ReadOnly:
		return common.Status("read-only: uploads are disabled (started with --read-only)", true)
	}
	m.rows.HandleKey(msg, m.ctx.Keys)
	return nil
}

func (m *Model) open(u modeluploads.Upload) tea.Cmd {
	m.opened = true
	return m.payload.Open(u.Path, u.Name)
}

// uploadNote explains a row: the last error in full, and what the
// retention rule will do with it.
func uploadNote(u modeluploads.Upload) string {
	switch u.Outcome {
	case modeluploads.Failed:
		note := "kept until a later upload succeeds"
		if u.Record != nil && u.Record.Error != "" {
			note = u.Record.Error + "; " + note
		}
		return note
	case modeluploads.Success:
		return "delivered; deleted once a newer upload succeeds"
	}
	return "no outcome recorded (Citrix's own upload, or a cycle that stopped)"
}

func outcomeText(o modeluploads.Outcome) string {
	switch o {
	case modeluploads.Success:
		return "success"
	case modeluploads.Failed:
		return "!! FAILED"
	}
	return "? unknown"
}

func (m *Model) backlogLine() string {
	t := m.ctx.Theme
	if len(m.list) == 0 {
		return "no uploads on disk"
	}
	head := common.Plural(len(m.list), "upload") + " on disk"
	b := modeluploads.FailedBacklog(m.list)
	if b.Count == 0 {
		return common.Fit(head+", no failed uploads lingering", m.width, false)
	}
	return t.Warn.Render(common.Fit(fmt.Sprintf("! %s, %d failed lingering (%s, oldest %s)",
		head, b.Count, common.Bytes(b.Bytes), common.Age(m.ctx.Now(), b.Oldest)), m.width, false))
}

func (m *Model) View() string {
	if m.opened {
		return m.payload.View()
	}
	t := m.ctx.Theme
	w := m.width
	var b strings.Builder
	b.WriteString(m.backlogLine() + "\n")
	if m.cycle != nil {
		b.WriteString(m.cycleView())
	}
	b.WriteString("\n")
	cols := common.Flex(w, 8, []common.Column{
		{Title: "FILE", Width: 22},
		{Title: "OUTCOME", Width: 9},
		{Title: "SIZE", Width: 9, Right: true},
		{Title: "AGE", Width: 9, Right: true},
		{Title: "ATTEMPTS", Width: 0},
	})
	b.WriteString(common.Header(t, cols) + "\n")
	from, to := m.rows.Window()
	for i := from; i < to; i++ {
		u := m.list[i]
		attempts := ""
		if r := u.Record; r != nil {
			attempts = strconv.Itoa(r.Attempts)
			if r.Status != 0 {
				attempts += fmt.Sprintf(", HTTP %d", r.Status)
			}
			if r.Error != "" {
				attempts += ", " + r.Error
			}
		}
		outcome := outcomeText(u.Outcome)
		style := t.OK
		switch u.Outcome {
		case modeluploads.Failed:
			style = t.Crit
		case modeluploads.Unknown:
			style = t.Dim
		}
		cells := []common.Cell{
			{Text: u.Name}, {Text: outcome, Style: &style}, {Text: common.Bytes(u.Size)},
			{Text: common.Age(m.ctx.Now(), u.Time)}, {Text: attempts},
		}
		plain := common.Cells(cols, u.Name, outcome, common.Bytes(u.Size), common.Age(m.ctx.Now(), u.Time), attempts)
		b.WriteString(common.Row(t, i == m.rows.Cursor, w, plain, common.StyledCells(cols, cells...)) + "\n")
	}
	if len(m.list) == 0 {
		b.WriteString("  " + t.Dim.Render("nothing in "+m.ctx.Snapshot.Layout.Rel(m.ctx.Snapshot.Layout.UsageDir)) + "\n")
		to = from + 1
	}
	for i := to - from; i < m.rows.Height; i++ {
		b.WriteString("\n")
	}
	b.WriteString(common.Rule(t, w) + "\n")
	if len(m.list) > 0 {
		u := m.list[m.rows.Cursor]
		b.WriteString(common.Fit(fmt.Sprintf("%s, made %s", u.Name, u.Time.In(m.ctx.Snapshot.Location).Format("2006-01-02 15:04 MST")), w, false) + "\n")
		b.WriteString(t.Dim.Render(common.Fit(uploadNote(u), w, false)))
	}
	return b.String()
}
