package views

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/payloadview"
	"github.com/lsui/lsui/internal/views/theme"
)

// PayloadApp is `lsui view FILE.zip`: one payload, no licence server.
type PayloadApp struct {
	ctx    *common.Context
	cancel context.CancelFunc
	view   *payloadview.Model
	help   help.Model
	path   string
	label  string
	ascii  bool

	width, height int
	status        string
	statusErr     bool
}

// NewPayloadApp opens the zip at path; label is how the header names it.
// Of opts only Renderer and ASCII apply.
func NewPayloadApp(path, label string, opts Options) *PayloadApp {
	th := theme.New(opts.Renderer, opts.ASCII)
	common.UseGlyphs(th.Glyphs)
	km := keys.New()
	if opts.ASCII {
		km.ASCIIHelp()
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &common.Context{Ctx: ctx, Theme: th, Keys: km, ReadOnly: true}
	a := &PayloadApp{ctx: c, cancel: cancel, path: path, label: label, ascii: opts.ASCII, help: newHelp(th, opts.ASCII)}
	// Messages come back tagged for the Uploads slot; this app has one
	// screen and takes them all.
	a.view = payloadview.New(c, common.TabUploads)
	return a
}

func newHelp(th *theme.Theme, ascii bool) help.Model {
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis: th.HelpSep, ShortKey: th.HelpKey, ShortDesc: th.HelpDesc, ShortSeparator: th.HelpSep,
		FullKey: th.HelpKey, FullDesc: th.HelpDesc, FullSeparator: th.HelpSep,
	}
	if ascii {
		h.ShortSeparator, h.Ellipsis = " | ", "..."
	}
	return h
}

// Model is the payload view, for tests.
func (a *PayloadApp) Model() *payloadview.Model { return a.view }

func (a *PayloadApp) Init() tea.Cmd {
	return a.view.Open(a.path, a.label)
}

type payloadHelp struct{ a *PayloadApp }

func (h payloadHelp) ShortHelp() []key.Binding {
	k := h.a.ctx.Keys
	return append(h.a.view.Help(), k.Help, k.Quit)
}

func (h payloadHelp) FullHelp() [][]key.Binding {
	k := h.a.ctx.Keys
	return [][]key.Binding{h.a.view.Help(), {k.PageUp, k.PageDown, k.Home, k.End}, {k.Help, k.Redraw, k.Quit}}
}

func (a *PayloadApp) bodyHeight() int {
	a.help.Width = a.width
	return a.height - 2 - 1 - lipgloss.Height(a.help.View(payloadHelp{a}))
}

func (a *PayloadApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.view.SetSize(a.width, max(a.bodyHeight(), 1))
		return a, nil
	case common.StatusMsg:
		a.status, a.statusErr = msg.Text, msg.Error
		return a, nil
	case tea.KeyMsg:
		k := a.ctx.Keys
		switch {
		case key.Matches(msg, k.Interrupt), key.Matches(msg, k.Quit):
			a.cancel()
			return a, tea.Quit
		case key.Matches(msg, k.Redraw):
			return a, tea.ClearScreen
		case key.Matches(msg, k.Help):
			a.help.ShowAll = !a.help.ShowAll
			a.view.SetSize(a.width, max(a.bodyHeight(), 1))
			return a, nil
		}
	}
	cmd, _ := a.view.Update(msg)
	return a, cmd
}

func (a *PayloadApp) View() string {
	t := a.ctx.Theme
	w, h := a.width, a.height
	if w == 0 {
		return "lsui: opening " + sanitize.Line(a.label) + "…"
	}
	if w < MinWidth || h < MinHeight {
		msg := "terminal too small (need 60×20)"
		if a.ascii {
			msg = "terminal too small (need 60x20)"
		}
		return common.Block(ansi.Wrap(msg, w, ""), w, h)
	}
	a.help.Width = w
	helpView := a.help.View(payloadHelp{a})
	var b strings.Builder
	b.WriteString(t.App.Render(common.Truncate("lsui view "+t.Glyphs.VRule+" "+a.label, w)) + "\n")
	b.WriteString(common.Rule(t, w) + "\n")
	b.WriteString(common.Block(a.view.View(), w, max(a.bodyHeight(), 0)) + "\n")
	switch {
	case a.status != "" && a.statusErr:
		b.WriteString(t.Error.Render(common.Truncate(a.status, w)))
	case a.status != "":
		b.WriteString(t.Status.Render(common.Truncate(a.status, w)))
	}
	b.WriteString("\n" + helpView)
	return common.Block(b.String(), w, h)
}
