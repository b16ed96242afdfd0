package views

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/payloadview"
	"github.com/lsui/lsui/internal/views/theme"
)

// PayloadApp is `lsui view FILE.zip`: one payload, no licence server, in
// the dashboard's frame (status, messages, help page, too-small screen).
type PayloadApp struct {
	ctx    *common.Context
	cancel context.CancelFunc
	view   *payloadview.Model
	frame  frame
	path   string
	label  string
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
	a := &PayloadApp{ctx: c, cancel: cancel, path: path, label: label, frame: frame{theme: th, keys: km, ascii: opts.ASCII}}
	// Messages come back tagged for the Uploads slot; this app has one
	// screen and takes them all.
	a.view = payloadview.New(c, common.TabUploads)
	a.view.Standalone = true
	return a
}

// Model is the payload view, for tests.
func (a *PayloadApp) Model() *payloadview.Model { return a.view }

func (a *PayloadApp) Init() tea.Cmd {
	return a.view.Open(a.path, a.label)
}

// headerLines are the title and the rule.
const payloadHeaderLines = 2

func (a *PayloadApp) bodyHeight() int {
	return a.frame.height - payloadHeaderLines - a.frame.statusHeight("") - 1
}

func (a *PayloadApp) resize() {
	a.view.SetSize(a.frame.width, max(a.bodyHeight(), 1))
}

func (a *PayloadApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.frame.width, a.frame.height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case common.StatusMsg:
		a.frame.setStatus(msg.Text, msg.Error)
		a.resize()
		return a, nil
	case common.Envelope:
		cmd, _ := a.view.Update(msg.Msg)
		return a, cmd
	case tea.KeyMsg:
		k := a.ctx.Keys
		if key.Matches(msg, k.Interrupt) {
			a.cancel()
			return a, tea.Quit
		}
		if a.frame.page != pageNone {
			a.frame.pageKey(msg, a.bodyHeight())
			return a, nil
		}
		if a.view.Capturing() {
			// Typing the entries' filter: q and esc are the filter's.
			cmd, _ := a.view.Update(msg)
			return a, cmd
		}
		switch {
		case key.Matches(msg, k.Quit), msg.String() == "esc":
			// q and esc close an entry first; at the listing q quits.
			if a.view.Viewing() {
				cmd, _ := a.view.Update(tea.KeyMsg{Type: tea.KeyEsc})
				return a, cmd
			}
			if key.Matches(msg, k.Quit) {
				a.cancel()
				return a, tea.Quit
			}
			return a, common.Status("esc: nothing to go back to; q quits", false)
		case key.Matches(msg, k.Redraw):
			return a, tea.ClearScreen
		case key.Matches(msg, k.Help):
			a.frame.page, a.frame.pageFrom = pageHelp, 0
			return a, nil
		case key.Matches(msg, k.Messages):
			a.frame.page, a.frame.pageFrom = pageMessages, 0
			return a, nil
		}
	}
	cmd, _ := a.view.Update(msg)
	return a, cmd
}

// View draws the frame, folded to ASCII in ASCII mode like the dashboard's.
func (a *PayloadApp) View() string {
	v := a.frameView()
	if !a.ctx.Theme.ASCII {
		return v
	}
	return common.Block(a.ctx.Theme.Text(v), max(a.frame.width, 1), max(a.frame.height, 1))
}

func (a *PayloadApp) frameView() string {
	t := a.ctx.Theme
	w, h := a.frame.width, a.frame.height
	if w == 0 {
		return "lsui: opening " + sanitize.Line(a.label) + "…"
	}
	if w < MinWidth || h < MinHeight {
		return a.frame.tooSmall("", "")
	}
	bodyH := a.bodyHeight()
	var b strings.Builder
	b.WriteString(t.App.Render(common.Truncate("lsui view "+t.Glyphs.VRule+" "+a.label, w)) + "\n")
	b.WriteString(common.Rule(t, w) + "\n")
	var body string
	switch a.frame.page {
	case pageHelp:
		k := a.ctx.Keys
		body = a.frame.helpPage([]helpSection{
			{"This payload", append(a.view.Help(), k.PageUp, k.PageDown, k.Home, k.End)},
			{"Everywhere", []key.Binding{k.Messages, k.Help, k.Redraw, quitBinding(k, a.view.Viewing()), k.Interrupt}},
		}, bodyH)
	case pageMessages:
		body = a.frame.messagesPage(bodyH)
	default:
		body = a.view.View()
	}
	b.WriteString(common.Block(body, w, max(bodyH, 0)) + "\n")
	b.WriteString(a.frame.statusView("") + "\n")
	b.WriteString(a.frame.shortHelp(a.view.Help(), false, a.view.Viewing()))
	return common.Block(b.String(), w, h)
}
