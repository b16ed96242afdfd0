// Package uploads is the Uploads tab: both streams of call-home zips on
// disk — Citrix's own in LS/resource/usage (read-only: time, size, and what
// lsui can tell of their outcome) and lsui's in LS/resource/usage/lsui
// (with the journal's outcomes) — newest first, the failed-upload backlog,
// a payload opened in place (enter, or `o` from any tab for the newest,
// Citrix's when there is one), and lsui's upload-and-prune cycle (`u`)
// with its progress.
package uploads

import (
	"cmp"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	modeluploads "github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/payloadview"
	"github.com/lsui/lsui/internal/views/theme"
)

// Keys are the Uploads screen's own bindings.
type Keys struct {
	Upload  key.Binding
	Cancel  key.Binding
	Refresh key.Binding
	// OpenOwn opens lsui's latest upload: after a cycle, the payload just
	// sent (the global o opens Citrix's when there is one).
	OpenOwn key.Binding
}

// Model is the Uploads screen.
type Model struct {
	ctx  *common.Context
	keys Keys

	list   []modeluploads.Upload // lsui's, newest first
	citrix []payload.CitrixUpload
	all    []row              // both streams, newest first
	table  *common.Table[row] // what is shown of them: / filters, s sorts

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
		OpenOwn: key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "open lsui's latest upload")),
	}
	if ctx.ReadOnly || !cycleAvailable {
		m.keys.Upload.SetEnabled(false)
	}
	m.keys.Cancel.SetEnabled(false)
	m.table = common.NewTable("uploads", columns(ctx.Theme))
	m.table.NaturalName = "newest first"
	citrix, _ := payload.ListCitrix(ctx.Snapshot.Layout.UsageDir)
	m.setList(ctx.Snapshot.Uploads, citrix)
	return m
}

// row is one zip of either stream.
type row struct {
	citrix bool
	name   string
	path   string
	time   time.Time
	size   int64
	age    string
	lsui   *modeluploads.Upload  // lsui's stream
	cu     *payload.CitrixUpload // Citrix's stream
}

func (m *Model) setList(list []modeluploads.Upload, citrix []payload.CitrixUpload) {
	m.list = make([]modeluploads.Upload, len(list))
	for i, u := range list {
		m.list[len(list)-1-i] = u
	}
	m.citrix = citrix
	m.all = make([]row, 0, len(m.list)+len(m.citrix))
	now := m.ctx.Now()
	for i := range m.list {
		u := &m.list[i]
		m.all = append(m.all, row{name: u.Name, path: u.Path, time: u.Time, size: u.Size, lsui: u, age: common.Age(now, u.Time)})
	}
	for i := range m.citrix {
		u := &m.citrix[i]
		m.all = append(m.all, row{citrix: true, name: u.Name, path: u.Path, time: u.Time, size: u.Size, cu: u, age: common.Age(now, u.Time)})
	}
	sort.SliceStable(m.all, func(a, b int) bool { return m.all[a].time.After(m.all[b].time) })
	m.table.SetItems(m.all)
}

// columns are the Uploads table's columns.
func columns(t *theme.Theme) []common.Col[row] {
	return []common.Col[row]{
		// FILE sorts by name and AGE by time, so the sort line and the
		// column its arrow marks always agree.
		{Title: "FILE", Width: 22, Text: func(r row) string { return r.name }},
		{Title: "STREAM", Width: 8, Text: func(r row) string { return r.stream() }},
		{Title: "OUTCOME", Width: 11, Text: func(r row) string { o, _ := r.outcome(t); return o },
			Style: func(r row) *lipgloss.Style { _, st := r.outcome(t); return st }},
		{Title: "SIZE", Width: 9, Right: true, Text: func(r row) string { return common.Bytes(r.size) },
			Compare: func(a, b row) int { return cmp.Compare(a.size, b.size) }, Desc: true},
		{Title: "AGE", Width: 9, Right: true, Text: func(r row) string { return r.age },
			Compare: func(a, b row) int { return b.time.Compare(a.time) }},
		{Title: "ATTEMPTS", Grow: 1, Text: func(r row) string { return r.attempts() }},
	}
}

func (r row) stream() string {
	if r.citrix {
		return "citrix"
	}
	return "lsui"
}

// outcome is the row's outcome in words that read without colour, and its
// colour.
func (r row) outcome(t *theme.Theme) (string, *lipgloss.Style) {
	if r.citrix {
		switch {
		case r.cu.Legacy:
			return "lsui, moving", &t.Dim
		case r.cu.Outcome == payload.CitrixFailed:
			return "! failed", &t.Warn
		}
		return "? unknown", &t.Dim
	}
	switch r.lsui.Outcome {
	case modeluploads.Failed:
		return outcomeText(r.lsui.Outcome), &t.Crit
	case modeluploads.Unknown:
		return outcomeText(r.lsui.Outcome), &t.Dim
	}
	return outcomeText(r.lsui.Outcome), &t.OK
}

func (r row) attempts() string {
	if r.citrix {
		return "read-only"
	}
	rec := r.lsui.Record
	if rec == nil {
		return ""
	}
	s := strconv.Itoa(rec.Attempts)
	if rec.Status != 0 {
		s += fmt.Sprintf(", HTTP %d", rec.Status)
	}
	if rec.Error != "" {
		s += ", " + rec.Error
	}
	return s
}

// listedMsg is the uploads folders listed again.
type listedMsg struct {
	list   []modeluploads.Upload
	citrix []payload.CitrixUpload
	err    error
}

func (listedMsg) TargetTab() common.Tab { return common.TabUploads }

func (m *Model) refresh() tea.Cmd {
	usage := m.ctx.Snapshot.Layout.UsageDir
	return func() tea.Msg {
		list, _, err := modeluploads.List(modeluploads.Dir(usage))
		citrix, cerr := payload.ListCitrix(usage)
		if err == nil {
			err = cerr
		}
		return listedMsg{list, citrix, err}
	}
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.table.SetWidth(w)
	m.table.SetHeight(max(h-m.headLines()-1-detailLines, 1))
	m.payload.SetSize(w, h)
}

func (m *Model) headLines() int {
	n := 2 + lipgloss.Height(m.backlogLine()) // backlog, the table's status line, column header
	if m.cycle != nil {
		n += cycleLines
	}
	return n
}

// detailLines is the file line and its note, wrapped to two lines: the
// note's "kept until a later upload succeeds" is the retention rule.
const detailLines = 3

// wrap2 is s wrapped to two lines of w cells at most, the second cut.
func wrap2(s string, w int) string {
	w = max(w, 1)
	lines := strings.Split(ansi.Wrap(s, w, " "), "\n")
	if len(lines) > 2 {
		lines = append(lines[:1], common.Truncate(strings.Join(lines[1:], " "), w))
	}
	return strings.Join(lines, "\n")
}

func (m *Model) Capturing() bool {
	if m.opened {
		return m.payload.Capturing()
	}
	return m.table.Capturing()
}

func (m *Model) NestedOpen() bool { return m.opened }

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
	if m.table.Capturing() {
		return m.table.ShortHelp()
	}
	m.liveKeys()
	var out []key.Binding
	if m.table.Len() > 0 {
		// Only keys that do something: an empty list has nothing to move
		// to or open.
		out = append(out, k.Down, open)
	}
	out = append(out, m.keys.Upload, m.keys.Cancel, m.keys.OpenOwn, m.keys.Refresh)
	if len(m.all) > 0 {
		out = append(out, m.table.ShortHelp()...)
	}
	return out
}

// liveKeys enables O only while lsui has an upload on disk.
func (m *Model) liveKeys() { m.keys.OpenOwn.SetEnabled(m.latestOwn() >= 0) }

// latestOwn is the index in all of lsui's newest upload, -1 when none.
func (m *Model) latestOwn() int {
	for i, r := range m.all {
		if !r.citrix {
			return i
		}
	}
	return -1
}

func (m *Model) FullHelp() [][]key.Binding {
	if m.opened {
		return [][]key.Binding{m.payload.Help()}
	}
	k := m.ctx.Keys
	m.liveKeys()
	if len(m.all) == 0 {
		return [][]key.Binding{{m.keys.Upload, m.keys.Cancel, m.keys.OpenOwn, m.keys.Refresh}}
	}
	return append(m.table.FullHelp(k), []key.Binding{k.Open, m.keys.Upload, m.keys.Cancel, m.keys.OpenOwn, m.keys.Refresh})
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case listedMsg:
		// A journal that does not parse still lists the zips, without
		// outcomes: show them and say what is wrong.
		m.setList(msg.list, msg.citrix)
		list := msg.list
		changed := common.ChangeSnapshot(func(s *model.Snapshot) { s.Uploads = list })
		if msg.err != nil {
			return tea.Batch(changed, common.Status("listing uploads: "+msg.err.Error(), true))
		}
		return changed
	case common.SelectMsg:
		// The Overview's enter on a finding about an upload.
		m.table.SelectWhere(func(r row) bool { return r.name == msg.Upload })
		return nil
	case common.OpenLastUploadMsg:
		// The latest upload, Citrix's when there is one: what the server
		// itself really sent is what an admin or support engineer wants.
		if len(m.all) == 0 {
			return common.Status("no uploads on disk to open", false)
		}
		at := m.all[0]
		for _, r := range m.all {
			if r.citrix && !r.cu.Legacy {
				at = r
				break
			}
		}
		m.table.SelectWhere(func(r row) bool { return r.path == at.path })
		return m.open(at)
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
		m.table.HandleMouse(msg)
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
	if m.table.Capturing() {
		// Typing a filter: every key is the filter's.
		m.table.Update(msg, m.ctx.Keys)
		return nil
	}
	switch {
	case key.Matches(msg, m.ctx.Keys.Open):
		r, ok := m.table.Selected()
		if !ok {
			return common.Status("nothing to open: the list is empty", false)
		}
		return m.open(r)
	case key.Matches(msg, m.keys.OpenOwn):
		i := m.latestOwn()
		if i < 0 {
			return common.Status("lsui has no upload on disk to open; u uploads now", false)
		}
		at := m.all[i]
		m.table.SelectWhere(func(r row) bool { return r.path == at.path })
		return m.open(at)
	case key.Matches(msg, m.keys.Refresh):
		return m.refresh()
	case key.Matches(msg, m.keys.Upload):
		return m.startCycle()
	case key.Matches(msg, m.keys.Cancel):
		return m.cancelCycle()
	case msg.String() == "u" && m.ctx.ReadOnly:
		return common.Status("read-only: uploads are disabled (started with --read-only)", true)
	}
	if !m.table.Update(msg, m.ctx.Keys) {
		return common.Unhandled(msg)
	}
	return nil
}

func (m *Model) open(r row) tea.Cmd {
	m.opened = true
	label := r.name
	switch {
	case r.citrix && r.cu.Legacy:
		label += " (an earlier lsui's, to be moved into lsui/)"
	case r.citrix:
		label += " (Citrix's, read-only)"
	}
	return m.payload.Open(r.path, label)
}

// citrixNote explains a Citrix row: lsui has no record of Citrix's
// uploads, only the retention rule to reason from.
func citrixNote(u *payload.CitrixUpload) string {
	if u.Legacy {
		return "not Citrix's: " + payload.CitrixLegacy
	}
	if u.Outcome == payload.CitrixFailed {
		return "Citrix's upload, read-only: failed (a later success would have deleted it)"
	}
	return "Citrix's upload, read-only: the last success, or a failure (Citrix keeps no record lsui can read)"
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
	return "no outcome recorded (a cycle that stopped, or built with lsui payload build)"
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
	if len(m.all) == 0 {
		return "no uploads on disk"
	}
	head := fmt.Sprintf("%s on disk (%d Citrix's, %d lsui's)", common.Plural(len(m.all), "upload"), len(m.citrix), len(m.list))
	b := modeluploads.FailedBacklog(m.list)
	if b.Count == 0 {
		return wrap2(head+", no failed uploads lingering", m.width)
	}
	return t.Warn.Render(wrap2(fmt.Sprintf("! %s, %d failed lingering (%s, oldest %s)",
		head, b.Count, common.Bytes(b.Bytes), common.Age(m.ctx.Now(), b.Oldest)), m.width))
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
	b.WriteString(m.table.StatusView(t, "Uploads", w) + "\n")
	b.WriteString(m.table.HeaderView(t) + "\n")
	b.WriteString(m.table.BodyView(t, t.Dim.Render("nothing in "+m.ctx.Snapshot.Layout.Rel(m.ctx.Snapshot.Layout.UsageDir))))
	b.WriteString("\n")
	b.WriteString(common.Rule(t, w) + "\n")
	if r, ok := m.table.Selected(); ok {
		where := m.ctx.Snapshot.Layout.Rel(filepath.Dir(r.path))
		b.WriteString(common.Fit(fmt.Sprintf("%s in %s, made %s", r.name, where, r.time.In(m.ctx.Snapshot.Location).Format("2006-01-02 15:04 MST")), w, false) + "\n")
		note := ""
		if r.citrix {
			note = citrixNote(r.cu)
		} else {
			note = uploadNote(*r.lsui)
		}
		b.WriteString(t.Dim.Render(wrap2(note, w)))
	}
	return b.String()
}
