// Package payloadview opens one payload zip, lsui's or Citrix's: the
// inspect verdict shown prominently (it names the format), the manifest or
// the Citrix bundle's key facts, the entries with sizes and hash checks, a
// viewer for one entry (XML and JSON pretty-printed by content, text as it
// is, a nested zip's entries one after the other), and for a Citrix bundle
// its summary and document trees (i). The entries are a shared Table:
// / filters them, s sorts. The zip
// is inspected and read in commands, through the payload package's
// hostile-zip checks; every name and byte from it is sanitized before it
// is drawn. The Uploads tab and `lsui view FILE.zip` both use it.
//
// Inspection has two phases: the listing (the central directory and its
// checks) is drawn as soon as it is read, then the entries are verified
// in the background, with progress, and the verdict replaces the listing.
package payloadview

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/viewer"
)

// MaxEntryView caps what the entry viewer reads of one entry.
const MaxEntryView = 4 << 20

// Model is one open payload.
type Model struct {
	// Standalone is `lsui view`: nothing is behind the listing, so esc
	// is not offered there.
	Standalone bool

	ctx    *common.Context
	target common.Tab // the screen whose messages these are

	path  string // the zip on disk
	label string // what the title shows for it
	seq   int    // discards results for a payload no longer open

	// report is the listing while verifying, then the verdict; nil
	// while the directory is read.
	report    *payload.Report
	verifying bool
	progress  payload.VerifyProgress
	// opCtx is the open payload's inspection; cancel stops it.
	opCtx   context.Context
	cancel  context.CancelFunc
	busy    string // what is being read, "" when idle
	spinner spinner.Model
	table   *common.Table[int] // indexes into report.Entries: / filters, s sorts

	viewing bool
	viewer  viewer.Model
	summary key.Binding

	width, height int
}

// New returns a viewer whose messages go to the screen target.
func New(ctx *common.Context, target common.Tab) *Model {
	sp := spinner.New()
	sp.Spinner = spinner.Line
	if !ctx.Theme.ASCII {
		sp.Spinner = spinner.Dot
	}
	return &Model{ctx: ctx, target: target, spinner: sp, viewer: viewer.New(ctx.Theme, ctx.Keys),
		summary: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "summary"))}
}

// listingMsg is an inspection's first phase, with what runs the second.
type listingMsg struct {
	target  common.Tab
	seq     int
	scanned *payload.Scanned
}

func (m listingMsg) TargetTab() common.Tab { return m.target }

// progressMsg is how far the second phase has read.
type progressMsg struct {
	target   common.Tab
	seq      int
	progress payload.VerifyProgress
	from     <-chan payload.VerifyProgress // where the next one comes from
}

func (m progressMsg) TargetTab() common.Tab { return m.target }

// reportMsg is the verdict.
type reportMsg struct {
	target common.Tab
	seq    int
	report *payload.Report
}

func (m reportMsg) TargetTab() common.Tab { return m.target }

// entryMsg is one entry's bytes for the viewer.
type entryMsg struct {
	target common.Tab
	seq    int
	name   string
	data   []byte
	text   string // shown as is when data is nil (a nested zip's entries)
	err    error
}

func (m entryMsg) TargetTab() common.Tab { return m.target }

// Open inspects the zip at path in commands; label is how the title
// names it (a base name, or the path as the user typed it). An inspection
// still running for the payload open before is stopped.
func (m *Model) Open(path, label string) tea.Cmd {
	m.Close()
	m.seq++
	m.path, m.label = path, label
	m.report, m.viewing, m.verifying = nil, false, false
	m.progress = payload.VerifyProgress{}
	m.busy = "inspecting"
	m.table = m.newTable()
	m.SetSize(m.width, m.height)
	ctx, cancel := context.WithCancel(m.ctx.Ctx)
	m.opCtx, m.cancel = ctx, cancel
	seq, target := m.seq, m.target
	scan := func() tea.Msg {
		return listingMsg{target: target, seq: seq, scanned: payload.ScanFile(ctx, path, payload.DefaultLimits)}
	}
	return tea.Batch(scan, m.spinner.Tick)
}

// verify runs the second phase, and listens for its progress: the
// listener is armed again after each value (see progressMsg).
func (m *Model) verify(scanned *payload.Scanned) tea.Cmd {
	seq, target, ctx := m.seq, m.target, m.opCtx
	ch := make(chan payload.VerifyProgress, 1)
	run := func() tea.Msg {
		rep := scanned.Verify(ctx, ch)
		close(ch)
		return reportMsg{target: target, seq: seq, report: rep}
	}
	return tea.Batch(run, m.listen(ch))
}

func (m *Model) listen(ch <-chan payload.VerifyProgress) tea.Cmd {
	seq, target := m.seq, m.target
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return nil
		}
		return progressMsg{target: target, seq: seq, progress: p, from: ch}
	}
}

// Close stops the open payload's inspection, if it is still running: the
// owner calls it when the view is left.
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

// Path is the open zip.
func (m *Model) Path() string { return m.path }

// Report is the listing while the entries are verified, then the verdict;
// nil while the directory is read.
func (m *Model) Report() *payload.Report { return m.report }

// Verifying reports that the entries are being read.
func (m *Model) Verifying() bool { return m.verifying }

// Capturing reports that the entries' filter is being typed: every key is
// its.
func (m *Model) Capturing() bool { return !m.viewing && m.table != nil && m.table.Capturing() }

// Viewing reports that an entry is shown.
func (m *Model) Viewing() bool { return m.viewing }

// headLines are the title, the verdict (two lines), up to three problems,
// the manifest line and the column header.
func (m *Model) headLines() int {
	n := 5
	if m.report != nil && !m.report.OK {
		n += min(len(m.report.Problems), 3)
	}
	return n
}

// verdictLines is the verdict, wrapped to two lines of w cells at most:
// it is the one thing a support engineer must not miss.
func verdictLines(text string, w int) [2]string {
	var out [2]string
	lines := strings.Split(ansi.Wrap(sanitize.Line(text), w, ""), "\n")
	out[0] = lines[0]
	if len(lines) > 1 {
		out[1] = common.Fit(strings.Join(lines[1:], " "), w, false)
	}
	return out
}

const detailLines = 2

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.table == nil {
		m.table = m.newTable()
	}
	m.table.SetWidth(w)
	m.table.SetHeight(max(h-m.headLines()-1-detailLines, 1))
	m.viewer.SetSize(w, h)
}

// Help lists the viewer's keys.
func (m *Model) Help() []key.Binding {
	k := m.ctx.Keys
	if m.viewing {
		return m.viewer.Help()
	}
	if m.table != nil && m.table.Capturing() {
		return m.table.ShortHelp()
	}
	open := k.Open
	open.SetHelp("enter", "view entry")
	out := []key.Binding{k.Up, k.Down, open}
	if m.report != nil && m.report.Citrix != nil {
		out = append(out, m.summary)
	}
	if !m.Standalone {
		out = append(out, k.Back)
	}
	return append(out, m.table.ShortHelp()...)
}

// Update handles the viewer's messages and keys. It reports back=true when
// esc was pressed with nothing left to close, so the owner can close it.
func (m *Model) Update(msg tea.Msg) (cmd tea.Cmd, back bool) {
	switch msg := msg.(type) {
	case listingMsg:
		if msg.seq != m.seq {
			msg.scanned.Close()
			return nil, false
		}
		m.busy = ""
		m.report, m.verifying = msg.scanned.Listing(), true
		// Until the first progress value: what the listing says will be read.
		for _, e := range m.report.Entries {
			if e.Check == payload.CheckPending {
				m.progress.TotalEntries++
			}
		}
		m.setEntries()
		m.SetSize(m.width, m.height)
		return m.verify(msg.scanned), false
	case progressMsg:
		if msg.seq != m.seq || !m.verifying {
			return nil, false
		}
		m.progress = msg.progress
		return m.listen(msg.from), false
	case reportMsg:
		if msg.seq != m.seq {
			return nil, false
		}
		m.verifying = false
		m.report = msg.report
		m.setEntries()
		m.SetSize(m.width, m.height)
		return nil, false
	case entryMsg:
		if msg.seq != m.seq {
			return nil, false
		}
		m.busy = ""
		if msg.err != nil && !errors.Is(msg.err, payload.ErrTruncated) {
			return common.Status(msg.err.Error(), true), false
		}
		title := msg.name
		if errors.Is(msg.err, payload.ErrTruncated) {
			title += fmt.Sprintf(" (first %d MiB)", MaxEntryView>>20)
		}
		text := msg.text
		if msg.data != nil {
			text = Pretty(msg.name, msg.data)
		}
		m.viewer.SetContent(title, text, 0, 0)
		m.viewing = true
		return nil, false
	case spinner.TickMsg:
		if (m.busy == "" && !m.verifying) || msg.ID != m.spinner.ID() {
			return nil, false
		}
		var c tea.Cmd
		m.spinner, c = m.spinner.Update(msg)
		return c, false
	case tea.KeyMsg:
		k := m.ctx.Keys
		if m.viewing {
			if key.Matches(msg, k.Back) {
				m.viewing = false
				return nil, false
			}
			if !m.viewer.Handles(msg) {
				return common.Unhandled(msg), false
			}
			return m.viewer.Update(msg), false
		}
		if m.table.Capturing() {
			m.table.Update(msg, k)
			return nil, false
		}
		switch {
		case key.Matches(msg, k.Back):
			return nil, true
		case key.Matches(msg, k.Open):
			return m.openEntry(), false
		case key.Matches(msg, m.summary) && m.report != nil && m.report.Citrix != nil:
			m.viewer.SetContent(m.label+": Citrix bundle summary", SummaryText(m.report.Citrix, m.ctx.Theme.Glyphs.Rule), 0, 0)
			m.viewing = true
			return nil, false
		}
		m.table.Update(msg, k)
	case tea.MouseMsg:
		if m.viewing {
			return m.viewer.Update(msg), false
		}
		m.table.HandleMouse(msg)
	}
	return nil, false
}

// newTable is the entries' table: rows are indexes into the report's
// entries, in zip order.
func (m *Model) newTable() *common.Table[int] {
	entry := func(i int) payload.Entry { return m.report.Entries[i] }
	t := common.NewTable("entries", []common.Col[int]{
		{Title: "ENTRY", Width: 10, Grow: 1, Text: func(i int) string { return entry(i).Name }},
		{Title: "SIZE", Width: 9, Right: true, Text: func(i int) string { return common.Bytes(entry(i).Size) },
			Compare: func(a, b int) int { return cmp.Compare(entry(a).Size, entry(b).Size) }, Desc: true},
		{Title: "PACKED", Width: 9, Right: true, Text: func(i int) string { return common.Bytes(entry(i).Compressed) },
			Compare: func(a, b int) int { return cmp.Compare(entry(a).Compressed, entry(b).Compressed) }, Desc: true},
		{Title: "HASH", Width: 11, Text: func(i int) string {
			e := entry(i)
			if c := m.report.Citrix; c != nil && e.Check == payload.CheckRead {
				return uiText(c, e.Name)
			}
			return checkText(e)
		}},
	})
	t.NaturalName = "zip order"
	crit := m.ctx.Theme.Crit
	t.RowStyle = func(i int) *lipgloss.Style {
		if e := entry(i); len(e.Problems) > 0 || e.Check == payload.CheckMismatch || e.Check == payload.CheckUnlisted {
			return &crit
		}
		return nil
	}
	return t
}

// setEntries shows the report's entries, keeping the filter and sort.
func (m *Model) setEntries() {
	idx := make([]int, len(m.report.Entries))
	for i := range idx {
		idx[i] = i
	}
	m.table.SetItems(idx)
}

func (m *Model) openEntry() tea.Cmd {
	if m.report == nil || m.busy != "" {
		return nil
	}
	i, ok := m.table.Selected()
	if !ok {
		return nil
	}
	e := m.report.Entries[i]
	if e.Dir {
		return common.Status("a folder entry has no content", false)
	}
	m.busy = "reading"
	seq, target, ctx, zip, name, rule := m.seq, m.target, m.ctx.Ctx, m.path, e.Name, m.ctx.Theme.Glyphs.Rule
	nested := false
	if c := m.report.Citrix; c != nil {
		for _, n := range c.Nested {
			nested = nested || n.Entry == name
		}
	}
	read := func() tea.Msg {
		if nested {
			files, err := payload.ReadNested(ctx, zip, name, MaxEntryView)
			if err != nil {
				return entryMsg{target: target, seq: seq, name: name, err: err}
			}
			return entryMsg{target: target, seq: seq, name: name, text: nestedText(files, rule)}
		}
		data, err := payload.ReadEntry(ctx, zip, name, MaxEntryView)
		return entryMsg{target: target, seq: seq, name: name, data: data, err: err}
	}
	return tea.Batch(read, m.spinner.Tick)
}

// nestedText is a nested zip's entries one after the other, each under a
// rule with its name.
func nestedText(files []payload.NestedFile, rule string) string {
	var b strings.Builder
	r := strings.Repeat(rule, 2)
	for _, f := range files {
		b.WriteString(r + " " + f.Name + " " + r + "\n")
		switch {
		case f.Err != nil && !errors.Is(f.Err, payload.ErrTruncated):
			b.WriteString("(not read: " + f.Err.Error() + ")\n")
		default:
			b.WriteString(Pretty(f.Name, f.Data))
			if errors.Is(f.Err, payload.ErrTruncated) {
				b.WriteString(fmt.Sprintf("\n(first %d MiB only)", MaxEntryView>>20))
			}
		}
		b.WriteString("\n")
	}
	if len(files) == 0 {
		b.WriteString("(no entries)\n")
	}
	return b.String()
}

// Pretty is an entry as the viewer shows it, by content: XML and JSON
// indented (when they parse), anything else as it is. Sanitizing happens
// in the viewer.
func Pretty(name string, data []byte) string {
	return payload.PrettyDocument(data)
}

// SummaryText is a Citrix bundle's summary, then each document as a tree:
// documented elements labelled, the others raw.
func SummaryText(c *payload.CitrixSummary, rule string) string {
	lines := c.Lines()
	r := strings.Repeat(rule, 2)
	for _, d := range c.Documents {
		head := r + " " + d.Entry + " (" + d.Kind + ", " + d.Encoding + ") " + r
		lines = append(lines, "", head)
		if d.Error != "" {
			lines = append(lines, "does not parse whole: "+d.Error)
		}
		if d.Kind == payload.DocEvents {
			lines = append(lines, "product events: open the entry to read them")
			continue
		}
		lines = append(lines, payload.TreeLines(d.Tree)...)
	}
	return strings.Join(lines, "\n") + "\n"
}

func (m *Model) View() string {
	if m.viewing {
		return m.viewer.View()
	}
	t := m.ctx.Theme
	w := m.width
	var b strings.Builder
	r := m.report
	if r != nil {
		lw := min(ansi.StringWidth(m.label), max(w-32, w/2))
		b.WriteString(t.Heading.Render(common.Fit(m.label, lw, false)) + "  " + m.table.StatusView(t, "Entries", max(w-lw-2, 1)) + "\n")
	} else {
		b.WriteString(t.Heading.Render(common.Fit(m.label, w, false)) + "\n")
	}
	if r == nil {
		b.WriteString(m.spinner.View() + " inspecting…")
		return b.String()
	}
	// The verdict first, marked in text as well as colour.
	if m.verifying && r.State != payload.StateRejected {
		b.WriteString(t.Warn.Render(common.Fit(m.spinner.View()+" VERIFYING "+m.progressText(), w, false)) + "\n")
		b.WriteString(t.Dim.Render(common.Fit(fmt.Sprintf("   directory and layout checked: %d entries; reading, hashing and matching them with the manifest", len(r.Entries)), w, false)) + "\n")
	} else if r.OK || (r.State == payload.StateRead && r.Citrix != nil) {
		v := verdictLines("VERDICT "+r.Verdict(), w)
		b.WriteString(t.OK.Render(v[0]) + "\n" + t.OK.Render(v[1]) + "\n")
	} else if r.State == payload.StateRead {
		v := verdictLines("! VERDICT "+r.Verdict(), w)
		b.WriteString(t.Warn.Render(v[0]) + "\n" + t.Warn.Render(v[1]) + "\n")
	} else {
		text := "!! VERDICT " + r.Verdict()
		if m.verifying {
			text += "; still reading: " + m.progressText()
		}
		v := verdictLines(text, w)
		b.WriteString(t.Crit.Render(v[0]) + "\n" + t.Crit.Render(v[1]) + "\n")
		for i, p := range r.Problems {
			if i == 3 {
				break
			}
			b.WriteString(t.Crit.Render(common.Fit("   - "+p, w, false)) + "\n")
		}
	}
	mline := manifestLine(r)
	if m.verifying {
		mline = "manifest not read yet"
	}
	b.WriteString(common.Fit(mline, w, false) + "\n")

	b.WriteString(m.table.HeaderView(t) + "\n")
	if m.table.Len() == 0 && m.table.Filtered() {
		b.WriteString("  " + m.table.EmptyText() + strings.Repeat("\n", m.table.List.Height-1))
	} else {
		b.WriteString(m.table.RowsView(t))
	}
	b.WriteString("\n")
	b.WriteString(common.Rule(t, w) + "\n")
	b.WriteString(m.detail())
	return b.String()
}

// progressText is the second phase's progress, in entries and bytes.
func (m *Model) progressText() string {
	p := m.progress
	pct := 0
	if p.TotalBytes > 0 {
		pct = int(p.Bytes * 100 / p.TotalBytes)
	}
	return fmt.Sprintf("%d/%d entries read (%d%%)", p.Entries, p.TotalEntries, pct)
}

// checkText is an entry's hash check in words that read without colour.
func checkText(e payload.Entry) string {
	switch e.Check {
	case payload.CheckOK:
		return "ok"
	case payload.CheckMismatch:
		return "!! MISMATCH"
	case payload.CheckUnlisted:
		return "!! unlisted"
	case payload.CheckUnread:
		return "! unread"
	case payload.CheckManifest:
		return "manifest"
	case payload.CheckNoManifest:
		return "! no manifest"
	case payload.CheckPending:
		return "..."
	}
	return e.Check
}

// uiText is a Citrix entry's UI hash check, when the bundle manifest
// names the entry.
func uiText(c *payload.CitrixSummary, name string) string {
	for _, f := range c.Files {
		if f.Name == name {
			if f.Check == payload.UIMatches {
				return "UI matches"
			}
			return "UI ?scheme"
		}
	}
	return "read"
}

func manifestLine(r *payload.Report) string {
	if c := r.Citrix; c != nil {
		return fmt.Sprintf("Citrix: %s  %d features, %d identities (%d plain, %d scrambled)  i: summary",
			c.Server.FQDN, len(c.Features), len(c.Identities), c.Plain, c.Scrambled)
	}
	if r.Format == payload.FormatUnknown {
		return "not an lsui payload, not a Citrix bundle: the entries can still be read"
	}
	mf := r.Manifest
	if mf == nil {
		return "no readable manifest"
	}
	anon := "anonymization off (plain names)"
	if mf.Anonymization.Enabled {
		anon = "anonymization on, key " + mf.Anonymization.KeyFingerprint
	}
	return fmt.Sprintf("%s  month %s  generated %s  %s", mf.Server.Host, mf.Month, mf.Generated, anon)
}

func (m *Model) detail() string {
	t := m.ctx.Theme
	r := m.report
	if r == nil || len(r.Entries) == 0 {
		return t.Dim.Render("no entries")
	}
	i, ok := m.table.Selected()
	if !ok {
		return t.Dim.Render("no entry matches the filter")
	}
	e := r.Entries[i]
	one := "sha256 " + e.SHA256
	switch {
	case e.Check == payload.CheckPending:
		one = "not read yet"
	case e.SHA256 == "":
		one = "not read"
	}
	if e.Symlink {
		one += "  (a symlink entry, shown as data)"
	}
	two := e.Method
	if len(e.Problems) > 0 {
		two = "!! " + strings.Join(e.Problems, "; ")
		return common.Fit(one, m.width, false) + "\n" + t.Crit.Render(common.Fit(two, m.width, false))
	}
	return common.Fit(one, m.width, false) + "\n" + t.Dim.Render(common.Fit(two, m.width, false))
}
