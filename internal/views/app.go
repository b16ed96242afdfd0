// Package views is lsui's terminal dashboard: a Bubble Tea program over the
// model, scramble and payload packages. The root model here owns the frame
// (header, tabs, status line, help) and routes messages: keys and mouse go
// to the active screen only, asynchronous results to the screen they name.
// Each screen lives in its own package under views/ and draws only what is
// in view.
package views

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/scramble"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

// The smallest terminal the dashboard draws in.
const (
	MinWidth  = 60
	MinHeight = 20
)

// State is what the root shows.
type State int

const (
	StateLoading  State = iota // the snapshot is loading; a spinner shows
	StateReady                 // the tabs show
	StateError                 // loading failed; the error shows
	StateTooSmall              // below MinWidth×MinHeight, whatever else is true
)

func (s State) String() string {
	return [...]string{"loading", "ready", "error", "too small"}[s]
}

// Options configure the dashboard.
type Options struct {
	// Load opens the licensing root. It runs in a tea.Cmd after the first
	// frame is drawn, so the program appears at once however slow the
	// root is. It returns the snapshot and the options it was loaded with.
	Load func(ctx context.Context) (*model.Snapshot, model.Options, error)
	// Renderer draws the styles; nil means lipgloss's default. Set its
	// colour profile (termenv.Ascii for NO_COLOR) and background before
	// the program starts.
	Renderer *lipgloss.Renderer
	ReadOnly bool // no writes: the anonymization toggle and uploads are disabled
	ASCII    bool // ASCII borders, bars and markers
	// PreviewKey makes the Privacy screen's throwaway key while the server
	// has none; nil means a random one. Tests fix it.
	PreviewKey func() *scramble.Key
	// Endpoint is where `u` uploads; "" means the "endpoint" setting.
	Endpoint string
	// Notice is a line the screen shows from the start, e.g. "no licence
	// server found (looked in …); showing the demo server".
	Notice string
}

// App is the root model.
type App struct {
	opts   Options
	ctx    *common.Context
	cancel context.CancelFunc

	phase   State // loading, ready or error; too-small is derived from the size
	err     error
	width   int
	height  int
	spinner spinner.Model
	help    help.Model

	active  common.Tab
	screens [common.NumTabs]common.Screen

	status    string
	statusErr bool
	// quitPrompt is non-empty while the program asks before quitting.
	quitPrompt string
}

// New returns the dashboard; run it with tea.NewProgram.
func New(opts Options) *App {
	th := theme.New(opts.Renderer, opts.ASCII)
	common.UseGlyphs(th.Glyphs)
	km := keys.New()
	if opts.ASCII {
		km.ASCIIHelp()
	}
	ctx, cancel := context.WithCancel(context.Background())
	sp := spinner.New()
	if opts.ASCII {
		sp.Spinner = spinner.Line
	} else {
		sp.Spinner = spinner.Dot
	}
	h := newHelp(th, opts.ASCII)
	return &App{
		opts: opts,
		ctx: &common.Context{Ctx: ctx, Theme: th, Keys: km, ReadOnly: opts.ReadOnly, PreviewKey: opts.PreviewKey,
			Endpoint: opts.Endpoint, Notice: opts.Notice},
		status:  opts.Notice,
		cancel:  cancel,
		spinner: sp,
		help:    h,
	}
}

// State is what the root shows now.
func (a *App) State() State {
	if a.width > 0 && (a.width < MinWidth || a.height < MinHeight) {
		return StateTooSmall
	}
	return a.phase
}

// Active is the tab shown.
func (a *App) Active() common.Tab { return a.active }

// Context is the program context, for tests.
func (a *App) Context() *common.Context { return a.ctx }

type loadedMsg struct {
	snap *model.Snapshot
	opts model.Options
	err  error
}

func (a *App) Init() tea.Cmd {
	load := a.opts.Load
	ctx := a.ctx.Ctx
	return tea.Batch(a.spinner.Tick, func() tea.Msg {
		s, o, err := load(ctx)
		return loadedMsg{s, o, err}
	})
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case loadedMsg:
		return a, a.loaded(msg)
	case spinner.TickMsg:
		var cmds []tea.Cmd
		if a.phase == StateLoading {
			var cmd tea.Cmd
			a.spinner, cmd = a.spinner.Update(msg)
			cmds = append(cmds, cmd)
		}
		cmds = append(cmds, a.broadcast(msg))
		return a, tea.Batch(cmds...)
	case common.StatusMsg:
		a.status, a.statusErr = msg.Text, msg.Error
		return a, nil
	case common.SwitchTabMsg:
		a.switchTo(msg.Tab)
		return a, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			// Keys typed quickly (or replayed by tmux and vhs) arrive as
			// one message; "/aisha" is a key and a filter, so each rune is
			// handled on its own, in order.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				one := msg
				one.Runes = []rune{r}
				cmds = append(cmds, a.key(one))
			}
			return a, tea.Sequence(cmds...)
		}
		return a, a.key(msg)
	case tea.MouseMsg:
		return a, a.mouse(msg)
	case common.Targeted:
		if a.phase != StateReady {
			return a, nil
		}
		if s := a.screens[msg.TargetTab()]; s != nil {
			return a, s.Update(msg)
		}
		return a, nil
	}
	return a, a.broadcast(msg)
}

// broadcast hands a message no screen claimed to every screen: spinner
// ticks and cursor blinks carry their own ids and each screen ignores
// the ones that are not its own.
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	if a.phase != StateReady {
		return nil
	}
	var cmds []tea.Cmd
	for _, s := range a.screens {
		if s != nil {
			cmds = append(cmds, s.Update(msg))
		}
	}
	return tea.Batch(cmds...)
}

func (a *App) loaded(msg loadedMsg) tea.Cmd {
	if msg.err != nil {
		a.phase, a.err = StateError, msg.err
		return nil
	}
	a.ctx.Snapshot = msg.snap
	a.ctx.LoadOptions = msg.opts
	a.ctx.RootLabel = RootLabel(msg.snap)
	a.screens = Standard(a.ctx)
	a.phase = StateReady
	a.resize()
	var cmds []tea.Cmd
	for _, s := range a.screens {
		if in, ok := s.(interface{ Init() tea.Cmd }); ok && s != nil {
			cmds = append(cmds, in.Init())
		}
	}
	return tea.Batch(cmds...)
}

// RootLabel is the root as the dashboard shows it: "DEMO" for the demo,
// whose private copy sits in a temporary folder that changes every run.
func RootLabel(s *model.Snapshot) string {
	if s.Demo {
		return "DEMO"
	}
	return s.Layout.Root
}

func (a *App) key(msg tea.KeyMsg) tea.Cmd {
	k := a.ctx.Keys
	if a.quitPrompt != "" {
		switch msg.String() {
		case "y", "Y":
			return a.quit()
		case "n", "N", "esc":
			a.quitPrompt = ""
		case "ctrl+c":
			return a.quit()
		}
		return nil
	}
	if key.Matches(msg, k.Interrupt) {
		return a.askQuit()
	}
	if a.phase != StateReady {
		if key.Matches(msg, k.Quit) || msg.String() == "esc" {
			return a.quit()
		}
		return nil
	}
	screen := a.screens[a.active]
	if screen != nil && screen.Capturing() {
		return screen.Update(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return a.askQuit()
	case key.Matches(msg, k.Redraw):
		return tea.ClearScreen
	case key.Matches(msg, k.Help):
		a.help.ShowAll = !a.help.ShowAll
		a.resize()
		return nil
	case key.Matches(msg, k.NextTab):
		a.switchTo((a.active + 1) % common.NumTabs)
		return nil
	case key.Matches(msg, k.PrevTab):
		a.switchTo((a.active + common.NumTabs - 1) % common.NumTabs)
		return nil
	case key.Matches(msg, k.Tabs):
		a.switchTo(common.Tab(msg.Runes[0] - '1'))
		return nil
	case key.Matches(msg, k.OpenLast):
		a.switchTo(common.TabUploads)
		if s := a.screens[common.TabUploads]; s != nil {
			return s.Update(common.OpenLastUploadMsg{})
		}
		return nil
	}
	if screen != nil {
		return screen.Update(msg)
	}
	return nil
}

func (a *App) askQuit() tea.Cmd {
	for _, s := range a.screens {
		if g, ok := s.(common.QuitGuard); ok && s != nil {
			if p := g.QuitPrompt(); p != "" {
				a.quitPrompt = p
				return nil
			}
		}
	}
	return a.quit()
}

// Shutdown ends the program's background work: it cancels what still
// runs (an upload cycle) and waits up to timeout for it to stop writing.
// Call it after the program has returned, before removing the root.
func (a *App) Shutdown(timeout time.Duration) bool {
	a.cancel()
	deadline := time.Now().Add(timeout)
	for _, s := range a.screens {
		if w, ok := s.(interface{ Wait(time.Duration) bool }); ok && s != nil {
			if !w.Wait(max(time.Until(deadline), 0)) {
				return false
			}
		}
	}
	return true
}

func (a *App) quit() tea.Cmd {
	a.cancel()
	return tea.Quit
}

func (a *App) mouse(msg tea.MouseMsg) tea.Cmd {
	if a.phase != StateReady || a.State() == StateTooSmall {
		return nil
	}
	if msg.Y == 1 && msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
		if t, ok := a.tabAt(msg.X); ok {
			a.switchTo(t)
		}
		return nil
	}
	if s := a.screens[a.active]; s != nil {
		msg.Y -= headerLines
		return s.Update(msg)
	}
	return nil
}

func (a *App) switchTo(t common.Tab) {
	if t < 0 || t >= common.NumTabs {
		return
	}
	a.active = t
	a.status = ""
}

// headerLines are the header, the tabs and the rule.
const headerLines = 3

func (a *App) helpView() string {
	a.help.Width = a.width
	return a.help.View(a.helpKeys())
}

func (a *App) resize() {
	if a.phase != StateReady || a.width == 0 {
		return
	}
	bodyH := a.height - headerLines - 1 - lipgloss.Height(a.helpView())
	for _, s := range a.screens {
		if s != nil {
			s.SetSize(a.width, max(bodyH, 1))
		}
	}
}

// helpKeys joins the active screen's keys and the global ones.
type helpKeys struct {
	screen common.Screen
	k      *keys.KeyMap
}

func (h helpKeys) ShortHelp() []key.Binding {
	var out []key.Binding
	if h.screen != nil {
		out = append(out, h.screen.ShortHelp()...)
	}
	if h.screen == nil || !h.screen.Capturing() {
		out = append(out, h.k.NextTab, h.k.Help, h.k.Quit)
	}
	return out
}

func (h helpKeys) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	if h.screen != nil {
		out = append(out, h.screen.FullHelp()...)
	}
	return append(out,
		[]key.Binding{h.k.NextTab, h.k.PrevTab, h.k.Tabs, h.k.OpenLast},
		[]key.Binding{h.k.Help, h.k.Redraw, h.k.Quit, h.k.Interrupt})
}

func (a *App) helpKeys() help.KeyMap {
	return helpKeys{a.screens[a.active], a.ctx.Keys}
}

func (a *App) View() string {
	t := a.ctx.Theme
	w, h := a.width, a.height
	if w == 0 {
		// Before the terminal's size is known: one line, drawn at once.
		return a.spinner.View() + " lsui: opening the licence server…"
	}
	switch a.State() {
	case StateTooSmall:
		msg := "terminal too small (need 60×20)"
		if a.opts.ASCII {
			msg = "terminal too small (need 60x20)"
		}
		return common.Block(ansi.Wrap(msg+"\n\npress q to quit", w, ""), w, h)
	case StateLoading:
		return common.Block(a.spinner.View()+" opening the licence server…", w, h)
	case StateError:
		msg := "lsui: " + sanitize.Line(a.err.Error())
		return common.Block(t.Error.Render(wrap(msg, w))+"\n\npress q to quit", w, h)
	}
	helpView := a.helpView()
	bodyH := h - headerLines - 1 - lipgloss.Height(helpView)
	var b strings.Builder
	b.WriteString(a.headerView())
	b.WriteByte('\n')
	b.WriteString(a.tabsView())
	b.WriteByte('\n')
	b.WriteString(common.Rule(t, w))
	b.WriteByte('\n')
	if s := a.screens[a.active]; s != nil && bodyH > 0 {
		b.WriteString(common.Block(s.View(), w, bodyH))
		b.WriteByte('\n')
	}
	b.WriteString(a.statusView())
	b.WriteByte('\n')
	b.WriteString(helpView)
	return common.Block(b.String(), w, h)
}

func wrap(s string, w int) string {
	return ansi.Hardwrap(s, w, true)
}

func (a *App) headerView() string {
	t := a.ctx.Theme
	s := a.ctx.Snapshot
	var badges []string
	if s.Demo {
		badges = append(badges, t.Badge.Render("[DEMO]"))
	}
	if a.opts.ReadOnly {
		badges = append(badges, t.Badge.Render("[READ-ONLY]"))
	}
	right := strings.Join(badges, " ")
	rw := ansi.StringWidth(right)
	left := "lsui " + t.Glyphs.VRule + " " + s.Server.Host + " " + t.Glyphs.VRule + " " + a.ctx.RootLabel
	left = common.Truncate(left, max(a.width-rw-1, 1))
	pad := max(a.width-ansi.StringWidth(left)-rw, 1)
	return t.App.Render(left) + strings.Repeat(" ", pad) + right
}

// tabTitles are the tab titles in three lengths: the first that fits wins.
var tabTitles = [...][common.NumTabs]string{
	{"Overview", "Licences", "Expirations", "Entitlements", "Usage", "Privacy", "Uploads"},
	{"Overview", "Licences", "Expiry", "Entitl.", "Usage", "Privacy", "Uploads"},
}

func tabLabel(tab common.Tab, tier int) string {
	n := string(rune('1' + tab))
	if tier >= len(tabTitles) {
		return n
	}
	return n + " " + tabTitles[tier][tab]
}

// tabLayout is each tab's label and where it starts on the tab line.
func (a *App) tabLayout() (labels []string, starts []int) {
	for tier := 0; tier <= len(tabTitles); tier++ {
		labels, starts = labels[:0], starts[:0]
		x := 0
		for tab := common.Tab(0); tab < common.NumTabs; tab++ {
			// The active tab keeps its full name, in brackets so it shows
			// without colour.
			l := tabLabel(tab, tier)
			if tab == a.active {
				l = "[" + tabLabel(tab, 0) + "]"
			}
			if tab > 0 {
				x++ // the separating space
			}
			starts = append(starts, x)
			labels = append(labels, l)
			x += ansi.StringWidth(l)
		}
		if x <= a.width {
			break
		}
	}
	return labels, starts
}

func (a *App) tabAt(x int) (common.Tab, bool) {
	labels, starts := a.tabLayout()
	for i := range labels {
		if x >= starts[i] && x < starts[i]+ansi.StringWidth(labels[i]) {
			return common.Tab(i), true
		}
	}
	return 0, false
}

func (a *App) tabsView() string {
	t := a.ctx.Theme
	labels, _ := a.tabLayout()
	var b strings.Builder
	for i, l := range labels {
		if i > 0 {
			b.WriteByte(' ')
		}
		if common.Tab(i) == a.active {
			b.WriteString(t.TabActive.Render(l))
		} else {
			b.WriteString(t.TabInactive.Render(l))
		}
	}
	return b.String()
}

func (a *App) statusView() string {
	t := a.ctx.Theme
	switch {
	case a.quitPrompt != "":
		return t.Warn.Render(common.Truncate(a.quitPrompt+" quit anyway? y/n", a.width))
	case a.status != "" && a.statusErr:
		return t.Error.Render(common.Truncate(a.status, a.width))
	case a.status != "":
		return t.Status.Render(common.Truncate(a.status, a.width))
	}
	return ""
}
