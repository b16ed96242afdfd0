// Package privacy is the Privacy tab: the UsageBasedBillingScramble
// setting with its toggle (confirmed, then written through
// scramble.SetAnonymization), and per identity of the month what each
// upload carries for it: Citrix's call-home (the plain name when off, its
// documented unkeyed scramble when on, marked verified when the latest
// Citrix payload on disk shows it) and lsui's upload (the keyed
// pseudonym). A field shows the pseudonym of what is typed; the key shows
// as its fingerprint, never the key. While the server has no key, the
// preview uses a key made in memory, and confirming writes that same key,
// so the pseudonyms shown are the ones uploaded afterwards.
package privacy

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/scramble"
	"github.com/lsui/lsui/internal/views/common"
)

// Keys are the Privacy screen's own bindings.
type Keys struct {
	Toggle  key.Binding
	Try     key.Binding
	Confirm key.Binding
	Cancel  key.Binding
	Done    key.Binding
}

// Model is the Privacy screen.
type Model struct {
	ctx  *common.Context
	keys Keys

	cfg    *config.Config // nil when cfgErr is set
	cfgErr error

	serverKey *scramble.Key // the server's key; nil when it has none
	keyErr    error         // why key is nil: ErrNoKey, ErrCorruptKey, …
	keyLoaded bool
	// preview is the key made in memory while the server has none: the
	// pseudonyms shown, and the key written when anonymization is turned on.
	preview   *scramble.Key
	scrambler *scramble.Scrambler

	// citrix is what the latest Citrix payload shows of this server's
	// names; nil until checked, or when there is none (checked says which).
	citrix  *payload.Privacy
	checked bool

	// pending is the state the confirm dialog asks about; the preview
	// shows it the moment the toggle is pressed.
	pending *bool
	writing bool

	names []string // this month's identities, in report order
	kinds []string
	table *common.Table[int] // rows are indexes into names: / filters, s sorts
	try   common.Field

	width, height int
}

// New shows the setting of ctx's snapshot; Init loads the key.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, cfg: ctx.Snapshot.Config, cfgErr: ctx.Snapshot.ConfigErr}
	m.keys = Keys{
		Toggle:  key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "toggle anonymization")),
		Try:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "try a name")),
		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "write it")),
		Cancel:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
		Done:    key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter/esc", "done")),
	}
	if ctx.ReadOnly {
		m.keys.Toggle.SetEnabled(false)
	}
	if u := ctx.Snapshot.Usage; u != nil {
		m.names = make([]string, len(u.Identities))
		m.kinds = make([]string, len(u.Identities))
		for i := range u.Identities {
			m.names[i] = u.Identities[i].Name
			m.kinds[i] = u.Identities[i].Kind.String()
		}
	}
	idx := make([]int, len(m.names))
	for i := range idx {
		idx[i] = i
	}
	m.table = common.NewTable("identities", m.columns())
	m.table.NaturalName = "first seen"
	m.table.SetItems(idx)
	m.try = common.Field{Prompt: "> ", Limit: 256}
	return m
}

// keyMsg is the server's key, read in a command.
type keyMsg struct {
	key *scramble.Key
	err error
}

func (keyMsg) TargetTab() common.Tab { return common.TabPrivacy }

// writtenMsg is the outcome of writing the setting.
type writtenMsg struct {
	cfg        *config.Config
	key        *scramble.Key
	keyCreated bool
	err        error
}

func (writtenMsg) TargetTab() common.Tab { return common.TabPrivacy }

// citrixMsg is the latest Citrix payload checked for this server's names.
type citrixMsg struct{ p *payload.Privacy }

func (citrixMsg) TargetTab() common.Tab { return common.TabPrivacy }

// Init reads the key file and looks into the latest Citrix payload.
func (m *Model) Init() tea.Cmd {
	dir, now := m.ctx.Snapshot.Layout.ConfigDir, m.ctx.Now()
	s, ctx := m.ctx.Snapshot, m.ctx.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return tea.Batch(func() tea.Msg {
		k, err := scramble.LoadKey(dir, now)
		return keyMsg{k, err}
	}, func() tea.Msg {
		return citrixMsg{payload.CheckPrivacy(ctx, s)}
	})
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.table.SetWidth(w)
	m.table.SetHeight(max(h-m.headLines(), 1))
}

// headLines are the lines above the preview's rows.
func (m *Model) headLines() int {
	n := 5 // setting, key, identities line, title, column header
	if !m.compact() {
		n += 2 + lipgloss.Height(m.citrixLines()) // explanation, try, Citrix's column
	}
	if m.pending != nil {
		n += lipgloss.Height(m.dialog())
	}
	return n
}

// compact drops the explanation, the try hint and the Citrix column's
// lines while the confirm dialog is open and they would leave no row of
// the preview: the dialog says what the explanation says, and is read
// whole.
func (m *Model) compact() bool {
	if m.pending == nil {
		return false
	}
	full := 7 + lipgloss.Height(m.citrixLines()) + lipgloss.Height(m.dialog())
	return m.height-full < 1
}

func (m *Model) Capturing() bool { return m.try.Focused() || m.pending != nil || m.table.Capturing() }

func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.pending != nil:
		return []key.Binding{m.keys.Confirm, m.keys.Cancel}
	case m.try.Focused():
		return []key.Binding{m.keys.Done}
	case m.table.Capturing():
		return m.table.ShortHelp()
	}
	return append([]key.Binding{m.keys.Toggle, m.keys.Try, m.ctx.Keys.Down}, m.table.ShortHelp()...)
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return append([][]key.Binding{{m.keys.Toggle, m.keys.Try}}, m.table.FullHelp(k)...)
}

// on is the state the preview shows: the pending one while the dialog
// asks, else the file's.
func (m *Model) on() bool {
	if m.pending != nil {
		return *m.pending
	}
	return m.cfg != nil && m.cfg.Scramble
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case keyMsg:
		m.setKey(msg.key, msg.err)
		return nil
	case citrixMsg:
		m.citrix, m.checked = msg.p, true
		m.refresh()
		return nil
	case writtenMsg:
		m.writing = false
		if msg.err != nil {
			return common.Status("anonymization not changed: "+msg.err.Error(), true)
		}
		m.cfg, m.cfgErr = msg.cfg, nil
		m.refresh()
		// The root applies the change to the shared snapshot and tells
		// every screen.
		cfg := msg.cfg
		changed := common.ChangeSnapshot(func(s *model.Snapshot) { s.Config, s.ConfigErr = cfg, nil })
		if msg.key != nil {
			m.setKey(msg.key, nil)
		}
		text := "anonymization " + onOff(msg.cfg.Scramble) + " (" + msg.cfg.Location().String() + ")"
		if msg.keyCreated {
			text += "; created scramble key " + msg.key.Fingerprint() + ": keep it, losing it changes every pseudonym"
		}
		return tea.Batch(common.Status(text, false), changed)
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		m.table.HandleMouse(msg)
	}
	return nil
}

func (m *Model) setKey(k *scramble.Key, err error) {
	defer m.refresh()
	m.keyLoaded = true
	m.serverKey, m.keyErr = k, err
	switch {
	case k != nil:
		m.scrambler = k.Scrambler()
	default:
		if m.preview == nil {
			if m.ctx.PreviewKey != nil {
				m.preview = m.ctx.PreviewKey()
			} else {
				m.preview = scramble.NewPendingKey()
			}
		}
		m.scrambler = m.preview.Scrambler()
	}
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if m.pending != nil {
		switch {
		case key.Matches(msg, m.keys.Confirm):
			on := *m.pending
			m.pending = nil
			m.refresh()
			m.SetSize(m.width, m.height)
			return m.write(on)
		case key.Matches(msg, m.keys.Cancel):
			m.pending = nil
			m.refresh()
			m.SetSize(m.width, m.height)
		}
		return nil
	}
	if m.table.Capturing() {
		m.table.Update(msg, m.ctx.Keys)
		return nil
	}
	if m.try.Focused() {
		if key.Matches(msg, m.keys.Done) {
			m.try.Blur()
			return nil
		}
		m.try.Update(msg)
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Toggle):
		if m.writing {
			return nil
		}
		if m.cfgErr != nil && !errors.Is(m.cfgErr, fs.ErrNotExist) {
			return common.Status("cannot change the setting: "+m.cfgErr.Error(), true)
		}
		next := !m.on()
		m.pending = &next
		m.refresh()
		m.SetSize(m.width, m.height)
	case msg.String() == " " && m.ctx.ReadOnly:
		return common.Status("read-only: the setting cannot be changed (started with --read-only)", true)
	case key.Matches(msg, m.keys.Try):
		m.try.Focus()
	default:
		if !m.table.Update(msg, m.ctx.Keys) {
			return common.Unhandled(msg)
		}
	}
	return nil
}

// columns are the preview's: each identity, what Citrix's call-home sends
// for it and what an lsui upload sends. The cells follow the state shown
// (the pending one while the dialog asks); refresh re-reads them.
func (m *Model) columns() []common.Col[int] {
	return []common.Col[int]{
		{Title: "NAME", Width: 10, Grow: 1, Text: func(i int) string { return m.names[i] }},
		{Title: "KIND", Width: 6, Text: func(i int) string { return m.kinds[i] }},
		{Title: "CITRIX CALL-HOME SENDS", Width: 26, Text: func(i int) string { return m.citrixSends(m.names[i]) }},
		{Title: "LSUI UPLOAD SENDS", Width: 26, Text: func(i int) string { return m.lsuiSends(m.names[i]) }},
	}
}

// lsuiSends is what an lsui upload carries for name: the keyed pseudonym
// when anonymization is on, the name when off, never the name in place of
// a pseudonym it cannot make.
func (m *Model) lsuiSends(name string) string {
	if !m.on() {
		return name
	}
	if m.scrambler == nil {
		return "(reading the key…)"
	}
	p, err := m.scrambler.Pseudonym(name)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return p
}

// refresh makes the table read its cells again after the state they show
// changed (the toggle, the key, the Citrix payload).
func (m *Model) refresh() { m.table.SetItems(m.table.Items()) }

// write changes the setting in a command: the key first when turning it
// on (names must never be scrambled with a key that is not kept), then
// the file through the safe editor, then a fresh read of what is on disk.
func (m *Model) write(on bool) tea.Cmd {
	m.writing = true
	layout, now := m.ctx.Snapshot.Layout, m.ctx.Now()
	// Write from the copy read when the screen was loaded, not a fresh read:
	// the admin decided on what was shown, so a file that changed on disk
	// since then is refused (config.ErrChanged) rather than overwritten.
	var shown *config.Config
	if m.cfg != nil {
		c := *m.cfg
		shown = &c
	}
	// The key the preview used is the one written, when the server has
	// none yet: what was shown is what is uploaded.
	var premade *scramble.Key
	if m.serverKey == nil {
		premade = m.preview
	}
	return func() tea.Msg {
		ch, err := scramble.SetAnonymization(layout.ConfigDir, layout.Config, shown, on, now, premade)
		if err != nil {
			return writtenMsg{err: err}
		}
		return writtenMsg{cfg: ch.Config, key: ch.Key, keyCreated: ch.KeyCreated}
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (m *Model) View() string {
	t := m.ctx.Theme
	var b strings.Builder
	w := m.width

	// The setting.
	box := "[ ] off"
	if m.cfg != nil && m.cfg.Scramble {
		box = "[x] on"
	}
	where := ""
	switch {
	case m.cfg != nil:
		where = "UsageBasedBillingScramble in " + m.cfg.Location().String()
	case errors.Is(m.cfgErr, fs.ErrNotExist):
		where = "no " + model.ConfigFileName + " (created when turned on)"
	case m.cfgErr != nil:
		where = "unreadable: " + m.cfgErr.Error()
	}
	boxStyle := t.Warn
	if m.cfg != nil && m.cfg.Scramble {
		boxStyle = t.OK
	}
	if m.writing {
		box += " writing…"
	}
	b.WriteString(t.Heading.Render("Anonymization ") + boxStyle.Render(box) + "  " +
		t.Dim.Render(common.Fit(where, max(w-16-len(box), 1), false)) + "\n")
	explain := "usernames are uploaded as they are"
	if m.cfg != nil && m.cfg.Scramble {
		explain = "usernames are replaced by keyed pseudonyms before upload"
	}
	if m.ctx.ReadOnly {
		explain += "; read-only: not changeable here"
	}
	compact := m.compact()
	if !compact {
		b.WriteString(common.Fit(explain, w, false) + "\n")
	}

	// The key.
	b.WriteString(t.Label.Render("Key  ") + common.Fit(m.keyLine(), max(w-5, 1), false) + "\n")

	// Try a name.
	tryLine := t.Label.Render("Try  ")
	if m.try.Focused() || m.try.Value() != "" {
		field := m.try.View(t, max(w/2-5, 10))
		tryLine += field + " " + t.Glyphs.Arrow + " " + m.tryResult()
	} else {
		tryLine += t.Dim.Render("press t and type a name to see its pseudonym")
	}
	if !compact {
		b.WriteString(tryLine + "\n")
	}
	b.WriteString(m.table.StatusView(t, "Identities", w) + "\n")

	if !compact {
		b.WriteString(m.citrixLines() + "\n")
	}

	if m.pending != nil {
		b.WriteString(m.dialog() + "\n")
	}

	// The preview, in the state the toggle shows.
	title := "This month's identities as an upload would carry them"
	switch {
	case m.pending != nil && m.on():
		title = "Uploaded as once confirmed: pseudonyms"
	case m.pending != nil:
		title = "Uploaded as once confirmed: plain names"
	case m.on():
		title += ": pseudonyms"
	default:
		title += ": plain names"
	}
	b.WriteString(t.Heading.Render(common.Fit(title, w, false)) + "\n")
	b.WriteString(m.table.HeaderView(t) + "\n")
	switch {
	case len(m.names) == 0:
		b.WriteString("  no identities this month")
	case m.table.Len() == 0:
		b.WriteString("  " + m.table.EmptyText())
	default:
		b.WriteString(strings.TrimRight(m.table.RowsView(t), "\n"))
	}
	return b.String()
}

// citrixSends is what Citrix's call-home carries for name: the plain name
// when anonymization is off, its documented scramble when on. It is marked
// "*" (verified) when the latest Citrix payload carries name in that form,
// and unmarked (as documented, not verified) otherwise; a plain name the
// payload carries while anonymization is on is flagged.
func (m *Model) citrixSends(name string) string {
	form := ""
	if m.citrix != nil {
		form = m.citrix.Forms[name]
	}
	if !m.on() {
		if form == payload.FormPlain {
			return name + " *"
		}
		return name
	}
	switch form {
	case payload.FormPlain:
		return "!! " + name + " *" // plain although on: the CRITICAL finding
	case payload.FormHex16:
		return scramble.CitrixHex16(name) + " *"
	case payload.FormSHA256Base64:
		return scramble.CitrixBase64(name) + " *"
	}
	return scramble.CitrixBase64(name)
}

// citrixLines say whether the Citrix column is verified, and what the
// latest Citrix payload shows, each wrapped to two lines at most: "anyone
// with a name list can reverse them" is the point of the sentence.
func (m *Model) citrixLines() string {
	t := m.ctx.Theme
	fit := func(s string) string {
		lines := strings.Split(ansi.Wrap(s, max(m.width, 1), " "), "\n")
		if len(lines) > 2 {
			lines = append(lines[:1], common.Truncate(strings.Join(lines[1:], " "), m.width))
		}
		return strings.Join(lines, "\n")
	}
	switch {
	case !m.checked:
		return t.Dim.Render(fit("Citrix's call-home column: looking into the latest Citrix payload…"))
	case m.citrix == nil:
		return t.Dim.Render(fit("Citrix's call-home column: as documented, not verified (no Citrix payload on disk)"))
	}
	head := fit("Citrix's call-home column: * verified against " + m.citrix.File + "; unmarked: as documented, not verified")
	text := m.citrix.Summary()
	if f := m.citrix.Finding(); f != nil {
		return head + "\n" + t.Crit.Render(fit("!! CRITICAL "+f.Message+"; "+text))
	}
	if m.citrix.Base64+m.citrix.Hex16 > 0 {
		return head + "\n" + t.Warn.Render(fit("! "+text))
	}
	return head + "\n" + fit(text)
}

func (m *Model) keyLine() string {
	switch {
	case !m.keyLoaded:
		return "reading the key…"
	case m.serverKey != nil:
		s := "fingerprint " + m.serverKey.Fingerprint() + ", in use since " + m.serverKey.ActiveFrom.In(m.ctx.Snapshot.Location).Format("2006-01-02")
		if m.serverKey.PermissionNote != "" {
			s += "; " + m.serverKey.PermissionNote
		}
		return s
	case errors.Is(m.keyErr, scramble.ErrNoKey):
		s := "none yet: previews use key " + m.preview.Fingerprint() + ", made now and written when anonymization is turned on"
		if m.cfg != nil && m.cfg.Scramble {
			s = "MISSING while anonymization is on: uploads refuse to run; preview key " + m.preview.Fingerprint()
		}
		return s
	}
	return "unusable (" + m.keyErr.Error() + "); uploads with anonymization on refuse to run"
}

func (m *Model) tryResult() string {
	t := m.ctx.Theme
	if m.scrambler == nil {
		return t.Dim.Render("reading the key…")
	}
	p, err := m.scrambler.Preview(m.try.Value())
	if err != nil {
		return t.Dim.Render(err.Error())
	}
	out := t.OK.Render(p)
	if canon, err := scramble.Canonical(m.try.Value()); err == nil && canon != m.try.Value() {
		// Truncated, not padded: the line ends here.
		out += t.Dim.Render(" (as " + common.Truncate(canon, 30) + ")")
	}
	return out
}

// Question is the confirm dialog's question in one line, "" when none is
// open: the root shows it on the too-small screen, where the dialog does
// not fit, and hands this screen the answer.
func (m *Model) Question() string {
	if m.pending == nil {
		return ""
	}
	var parts []string
	for _, l := range m.dialogText() {
		if l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// dialog asks before the write, saying what will happen, each sentence
// wrapped rather than cut: "keep it" and "y: write it" carry the meaning.
func (m *Model) dialog() string {
	inner := max(m.width-4, 10)
	var lines []string
	for _, l := range m.dialogText() {
		if l != "" {
			for _, w := range strings.Split(ansi.Wrap(l, inner, " "), "\n") {
				lines = append(lines, common.Fit(w, inner, false))
			}
		}
	}
	return m.ctx.Theme.Dialog.Render(strings.Join(lines, "\n"))
}

func (m *Model) dialogText() [4]string {
	on := *m.pending
	var lines [4]string
	if on {
		lines[0] = "Turn anonymization ON? Uploads will carry keyed pseudonyms, not usernames."
		if m.serverKey == nil {
			lines[1] = "Writes key " + m.preview.Fingerprint() + " (the one shown) to " + scramble.KeyFileName + "; keep it: losing it changes every pseudonym."
		} else {
			lines[1] = "Pseudonyms use the key with fingerprint " + m.serverKey.Fingerprint() + "."
		}
	} else {
		lines[0] = "Turn anonymization OFF? Uploads will carry usernames as they are."
		if m.ctx.Snapshot.HasCSP() {
			lines[1] = "A CSP licence is present: these uploads are mandatory."
		}
	}
	if m.cfg != nil {
		lines[2] = "Writes " + m.cfg.Location().String() + " (keeps a .bak)."
	} else {
		lines[2] = "Creates " + model.ConfigFileName + "."
	}
	lines[3] = "y: write it   n: cancel"
	return lines
}
