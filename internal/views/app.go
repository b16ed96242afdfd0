// Package views is lsui's terminal dashboard: a Bubble Tea program over the
// model, scramble and payload packages. The root model here owns the frame
// (header, tabs, status line, help) and routes messages: keys and mouse go
// to the active screen only, asynchronous results to the screen they name.
// Each screen lives in its own package under views/ and draws only what is
// in view.
package views

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/scramble"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/prefs"
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
	// Reload reads the root again for R, with the options the first load
	// returned; nil means model.Load.
	Reload func(ctx context.Context, opts model.Options) (*model.Snapshot, error)
	// Renderer draws the styles; nil means lipgloss's default. Set its
	// colour profile (termenv.Ascii for NO_COLOR) and background before
	// the program starts.
	Renderer *lipgloss.Renderer
	ReadOnly bool // no writes: the anonymization toggle and uploads are disabled
	// ASCII draws ASCII borders, bars and markers. prefs.Decide gives it
	// from --ascii, the preferences and the console (locale, TERM,
	// LSUI_ASCII).
	ASCII bool
	// PreviewKey makes the Privacy screen's throwaway key while the server
	// has none; nil means a random one. Tests fix it.
	PreviewKey func() *scramble.Key
	// Endpoint is where `u` uploads; "" means the "endpoint" setting.
	Endpoint string
	// Notice is a line the header shows under the tabs for the whole run,
	// e.g. "no licence server found (looked in …); showing the demo server".
	Notice string
	// Prefs is the user's preferences file: the dashboard opens its last
	// tab and saves the tab shown when it quits. nil reads and writes
	// none.
	Prefs *prefs.File
}

// App is the root model.
type App struct {
	opts   Options
	ctx    *common.Context
	cancel context.CancelFunc
	frame  frame

	phase   State // loading, ready or error; too-small is derived from the size
	err     error
	spinner spinner.Model
	loading bool // a reload (R) is running

	active  common.Tab
	screens [common.NumTabs]common.Screen

	// prompt is a question the program asks (quit while a cycle runs,
	// upload now?); y answers it with onYes.
	prompt string
	onYes  func() tea.Cmd
	// quitAsk is true while prompt is the quit question, which goes away
	// by itself when its cause ends.
	quitAsk bool
	// jumpFrom is the tab a screen's jump left (jumped): esc returns
	// there. Switching tabs by hand forgets it.
	jumpFrom common.Tab
	jumped   bool
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
	a := &App{
		opts: opts,
		ctx: &common.Context{Ctx: ctx, Theme: th, Keys: km, ReadOnly: opts.ReadOnly, PreviewKey: opts.PreviewKey,
			Endpoint: opts.Endpoint, Notice: opts.Notice},
		cancel:  cancel,
		spinner: sp,
		frame:   frame{theme: th, keys: km, ascii: opts.ASCII},
	}
	if opts.Prefs != nil {
		if t, ok := common.TabNamed(opts.Prefs.Prefs.LastTab); ok {
			a.active = t
		}
		if opts.Prefs.Err != nil {
			a.frame.setStatus(opts.Prefs.Err.Error(), true)
		}
	}
	return a
}

// State is what the root shows now.
func (a *App) State() State {
	if a.frame.width > 0 && (a.frame.width < MinWidth || a.frame.height < MinHeight) {
		return StateTooSmall
	}
	return a.phase
}

// Err is why the snapshot did not load, nil when it did: cmd/lsui exits 1
// when the program ended on it.
func (a *App) Err() error { return a.err }

// Active is the tab shown.
func (a *App) Active() common.Tab { return a.active }

// Context is the program context, for tests.
func (a *App) Context() *common.Context { return a.ctx }

type loadedMsg struct {
	snap   *model.Snapshot
	opts   model.Options
	err    error
	reload bool
}

func (a *App) Init() tea.Cmd {
	load := a.opts.Load
	ctx := a.ctx.Ctx
	return tea.Batch(a.spinner.Tick, func() tea.Msg {
		s, o, err := load(ctx)
		return loadedMsg{s, o, err, false}
	})
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer a.dropStalePrompt()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.frame.width, a.frame.height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case loadedMsg:
		return a, a.loaded(msg)
	case spinner.TickMsg:
		// A bare tick is the root's own spinner's: a screen's ticks come
		// back in an envelope for it (routeTicks), never to every tab.
		if msg.ID != a.spinner.ID() || (a.phase != StateLoading && !a.loading) {
			return a, nil
		}
		var cmd tea.Cmd
		a.spinner, cmd = a.spinner.Update(msg)
		return a, cmd
	case common.StatusMsg:
		a.frame.setStatus(msg.Text, msg.Error)
		a.resize()
		return a, nil
	case common.SwitchTabMsg:
		// A screen's jump (enter on a date, on an urgent item): esc on the
		// tab it lands on goes back where it came from.
		from := a.active
		a.switchTo(msg.Tab)
		if from != msg.Tab {
			a.jumpFrom, a.jumped = from, true
		}
		return a, nil
	case common.ChangeSnapshotMsg:
		if a.ctx.Snapshot != nil && msg.Apply != nil {
			msg.Apply(a.ctx.Snapshot)
		}
		return a, a.broadcast(common.SnapshotChangedMsg{})
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
	case common.Envelope:
		if a.phase != StateReady {
			return a, nil
		}
		return a, a.send(msg.Tab, msg.Msg)
	case common.Targeted:
		if a.phase != StateReady {
			return a, nil
		}
		return a, a.send(msg.TargetTab(), msg)
	}
	return a, a.broadcast(msg)
}

// dropStalePrompt takes the quit question away once nothing needs it (the
// cycle it warned about ended).
func (a *App) dropStalePrompt() {
	if a.quitAsk && a.guardPrompt() == "" {
		a.prompt, a.onYes, a.quitAsk = "", nil, false
		a.resize()
	}
}

// broadcast hands a message no screen claimed to every screen.
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	if a.phase != StateReady {
		return nil
	}
	var cmds []tea.Cmd
	for i := range a.screens {
		cmds = append(cmds, a.send(common.Tab(i), msg))
	}
	return tea.Batch(cmds...)
}

// send hands msg to one screen. The spinner ticks its commands bring
// back are addressed to it (routeTicks), so a tick reaches only the
// spinner that owns it.
func (a *App) send(tab common.Tab, msg tea.Msg) tea.Cmd {
	if tab < 0 || tab >= common.NumTabs || a.screens[tab] == nil {
		return nil
	}
	return routeTicks(tab, a.screens[tab].Update(msg))
}

// routeTicks wraps the spinner ticks cmd brings back in an envelope for
// tab; every other message passes as it is (a tea.Sequence's too, whose
// message the program must see).
func routeTicks(tab common.Tab, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch m := cmd().(type) {
		case spinner.TickMsg:
			return common.Envelope{Tab: tab, Msg: m}
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(m))
			for i, c := range m {
				out[i] = routeTicks(tab, c)
			}
			return out
		default:
			return m
		}
	}
}

func (a *App) loaded(msg loadedMsg) tea.Cmd {
	a.loading = false
	if msg.err != nil {
		if msg.reload {
			// The data on screen stays; the reload's failure is a message.
			a.frame.setStatus("reload failed: "+msg.err.Error(), true)
			a.resize()
			return nil
		}
		a.phase, a.err = StateError, msg.err
		return nil
	}
	a.ctx.Snapshot = msg.snap
	a.ctx.LoadOptions = msg.opts
	a.ctx.RootLabel = RootLabel(msg.snap)
	a.ctx.LoadedAt = msg.snap.Now
	a.screens = Standard(a.ctx)
	a.phase = StateReady
	if msg.reload {
		a.frame.setStatus("reloaded from disk at "+msg.snap.Now.In(msg.snap.Location).Format("15:04:05"), false)
	}
	a.resize()
	var cmds []tea.Cmd
	for i, s := range a.screens {
		if in, ok := s.(interface{ Init() tea.Cmd }); ok && s != nil {
			cmds = append(cmds, routeTicks(common.Tab(i), in.Init()))
		}
	}
	return tea.Batch(cmds...)
}

// reload reads everything from disk again in a command; the screens stay
// as they are until it is back.
func (a *App) reload() tea.Cmd {
	if a.loading {
		return common.Status("already reloading", false)
	}
	if p := a.guardPrompt(); p != "" {
		return common.Status("not reloading now: "+p, false)
	}
	a.loading = true
	reload := a.opts.Reload
	if reload == nil {
		reload = model.Load
	}
	// A fixed clock (--now) stays fixed; otherwise the options' zero Now
	// reads the clock afresh.
	ctx, opts := a.ctx.Ctx, a.ctx.LoadOptions
	return tea.Batch(a.spinner.Tick, func() tea.Msg {
		s, err := reload(ctx, opts)
		return loadedMsg{s, opts, err, true}
	})
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
	if a.prompt != "" {
		switch msg.String() {
		case "y", "Y":
			yes := a.onYes
			a.prompt, a.onYes, a.quitAsk = "", nil, false
			a.resize()
			if yes != nil {
				return yes()
			}
			return nil
		case "ctrl+c":
			if a.quitAsk {
				return a.quit()
			}
			fallthrough
		case "n", "N", "esc", "q":
			a.prompt, a.onYes, a.quitAsk = "", nil, false
			a.resize()
			return nil
		}
		return common.Status("answer y or n", false)
	}
	if key.Matches(msg, k.Interrupt) {
		return a.askQuit()
	}
	if a.phase != StateReady || a.State() == StateTooSmall {
		if key.Matches(msg, k.Quit) || (a.phase != StateReady && msg.String() == "esc") {
			return a.askQuit()
		}
		if a.phase == StateReady && a.screenQuestion() != "" {
			// The too-small screen shows the screen's question: its
			// answer keys still reach it.
			return a.send(a.active, msg)
		}
		return nil
	}
	if a.frame.page != pageNone {
		a.frame.pageKey(msg, a.bodyHeight())
		a.resize()
		return nil
	}
	screen := a.screens[a.active]
	if screen != nil && screen.Capturing() {
		return a.send(a.active, msg)
	}
	switch {
	case key.Matches(msg, k.Quit), msg.String() == "esc":
		// q and esc close what a screen has open inside it first, then
		// esc goes back to the tab a jump came from.
		if n, ok := screen.(common.Nested); ok && n.CloseNested() {
			if msg.String() == "esc" {
				a.jumpBack()
			}
			return nil
		}
		if key.Matches(msg, k.Quit) {
			return a.askQuit()
		}
		if a.jumpBack() {
			return nil
		}
	case key.Matches(msg, k.Redraw):
		return tea.ClearScreen
	case key.Matches(msg, k.Help):
		a.frame.page, a.frame.pageFrom = pageHelp, 0
		a.resize()
		return nil
	case key.Matches(msg, k.Messages):
		a.frame.page, a.frame.pageFrom = pageMessages, 0
		a.resize()
		return nil
	case key.Matches(msg, k.Reload):
		return a.reload()
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
		return a.send(common.TabUploads, common.OpenLastUploadMsg{})
	case a.active == common.TabUploads && msg.String() == "u" && offers(screen, "u"):
		return a.askUpload(msg)
	}
	// Asked before the key is handled: the keys a screen offers change
	// with it ("/" opens the filter, whose keys are others).
	offered := bound(screen, msg, k)
	cmd := a.send(a.active, msg)
	if cmd == nil && !offered {
		// A key the tab has no binding for: say so rather than nothing.
		return common.Unhandled(msg)
	}
	return cmd
}

// bound reports whether msg is one of the keys a screen's help lists.
func bound(s common.Screen, msg tea.KeyMsg, k *keys.KeyMap) bool {
	if s == nil {
		return false
	}
	// The movements are every list's and viewer's, listed or not.
	nav := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Left, k.Right}
	for _, g := range append(s.FullHelp(), s.ShortHelp(), nav) {
		for _, b := range g {
			if b.Enabled() && key.Matches(msg, b) {
				return true
			}
		}
	}
	return false
}

// offers reports whether a screen's help offers k now, enabled.
func offers(s common.Screen, k string) bool {
	if s == nil {
		return false
	}
	for _, b := range s.ShortHelp() {
		if b.Enabled() && slices.Contains(b.Keys(), k) {
			return true
		}
	}
	return false
}

// askUpload says where `u` uploads and what the prune after it deletes,
// and hands the key to the Uploads screen on y.
func (a *App) askUpload(msg tea.KeyMsg) tea.Cmd {
	s := a.ctx.Snapshot
	endpoint := a.ctx.Endpoint
	if endpoint == "" && s.Settings != nil {
		endpoint = s.Settings.Endpoint
	}
	if endpoint == "" {
		// The screen says what to set.
		return a.send(common.TabUploads, msg)
	}
	a.prompt = "Upload to " + sanitize.Line(endpoint) + "? y/n  " + pruneNote(s.Uploads)
	a.onYes = func() tea.Cmd { return a.send(common.TabUploads, msg) }
	a.resize()
	return nil
}

// pruneNote says what the prune after a delivered upload deletes: every
// payload older than the newest success, which the new one will be
// (payload.Prune, DOMAIN.md §6).
func pruneNote(list []uploads.Upload) string {
	var names []string
	for _, u := range list {
		names = append(names, u.Name)
	}
	switch len(names) {
	case 0:
		return "Nothing on disk to prune."
	case 1:
		return "If it is delivered, the prune deletes " + names[0] + "."
	}
	shown := names
	if len(shown) > 2 {
		shown = append(shown[:2:2], fmt.Sprintf("%d more", len(names)-2))
	}
	return fmt.Sprintf("If it is delivered, the prune deletes the %d payloads on disk (%s); if not, nothing.",
		len(names), strings.Join(shown, ", "))
}

// guardPrompt is what a screen says about quitting now, "" when it is
// safe.
func (a *App) guardPrompt() string {
	for _, s := range a.screens {
		if g, ok := s.(common.QuitGuard); ok && s != nil {
			if p := g.QuitPrompt(); p != "" {
				return p
			}
		}
	}
	return ""
}

func (a *App) askQuit() tea.Cmd {
	if p := a.guardPrompt(); p != "" {
		a.prompt, a.quitAsk = p+" Quit anyway? y/n", true
		a.onYes = a.quit
		a.resize()
		return nil
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

// quit saves the tab shown for the next start (in a command, before the
// program ends) and quits.
func (a *App) quit() tea.Cmd {
	a.cancel()
	if a.opts.Prefs == nil || a.phase != StateReady {
		return tea.Quit
	}
	f, p := a.opts.Prefs, a.opts.Prefs.Prefs
	p.LastTab = a.active.String()
	save := func() tea.Msg {
		// A failure is left for cmd/lsui to see in f.Err; the program is
		// ending and has no screen left to say it on.
		if err := f.Save(p); err != nil {
			f.Err = err
		}
		return nil
	}
	return tea.Sequence(save, tea.Quit)
}

func (a *App) mouse(msg tea.MouseMsg) tea.Cmd {
	if a.phase != StateReady || a.State() == StateTooSmall || a.frame.page != pageNone {
		return nil
	}
	if msg.Y == 1 && msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
		if t, ok := a.tabAt(msg.X); ok {
			a.switchTo(t)
		}
		return nil
	}
	msg.Y -= a.headerLines()
	return a.send(a.active, msg)
}

// screenQuestion is the active screen's open question, "" when none.
func (a *App) screenQuestion() string {
	if q, ok := a.screens[a.active].(common.Asking); ok {
		return q.Question()
	}
	return ""
}

// jumpBack returns to the tab the last jump came from, if one did.
func (a *App) jumpBack() bool {
	if !a.jumped {
		return false
	}
	a.switchTo(a.jumpFrom)
	return true
}

func (a *App) switchTo(t common.Tab) {
	if t < 0 || t >= common.NumTabs {
		return
	}
	a.jumped = false
	a.active = t
	a.frame.status = ""
	a.resize()
}

// headerLines are the header, the tabs, the notice when there is one, and
// the rule.
func (a *App) headerLines() int {
	return 3 + len(a.noticeLines())
}

// noticeLines is the run's notice wrapped to two lines at most: "showing
// the demo server" is its point, at its end.
func (a *App) noticeLines() []string {
	if a.ctx.Notice == "" {
		return nil
	}
	w := max(a.frame.width, 1)
	lines := strings.Split(ansi.Wrap(sanitize.Line("! "+a.ctx.Notice), w, " "), "\n")
	if len(lines) > 2 {
		lines = append(lines[:1], common.Truncate(strings.Join(lines[1:], " "), w))
	}
	return lines
}

func (a *App) bodyHeight() int {
	return a.frame.height - a.headerLines() - a.frame.statusHeight(a.prompt) - 1
}

func (a *App) resize() {
	if a.phase != StateReady || a.frame.width == 0 {
		return
	}
	for _, s := range a.screens {
		if s != nil {
			s.SetSize(a.frame.width, max(a.bodyHeight(), 1))
		}
	}
}

// helpSections are every key the active tab and the root answer to.
func (a *App) helpSections() []helpSection {
	k := a.ctx.Keys
	var out []helpSection
	if s := a.screens[a.active]; s != nil {
		var ks []key.Binding
		for _, g := range s.FullHelp() {
			ks = append(ks, g...)
		}
		out = append(out, helpSection{"This tab (" + a.active.String() + ")", ks})
	}
	global := []key.Binding{k.NextTab, k.PrevTab, k.Tabs, k.OpenLast, k.Reload, k.Messages, k.Help, k.Redraw,
		quitBinding(k, a.nestedOpen()), k.Interrupt}
	if a.jumped {
		back := k.Back
		back.SetHelp("esc", "back to "+a.jumpFrom.String())
		global = append([]key.Binding{back}, global...)
	}
	return append(out, helpSection{"Everywhere", global})
}

// nestedOpen reports whether the active screen shows something inside
// itself, which q and esc close before anything else.
func (a *App) nestedOpen() bool {
	n, ok := a.screens[a.active].(common.Nested)
	return ok && n.NestedOpen()
}

// quitBinding is q as it acts now: it closes what is open before it quits.
func quitBinding(k *keys.KeyMap, nested bool) key.Binding {
	if !nested {
		return k.Quit
	}
	q := k.Quit
	q.SetHelp("q", "close this view")
	return q
}

func (a *App) shortKeys() ([]key.Binding, bool) {
	s := a.screens[a.active]
	if s == nil {
		return nil, false
	}
	out := s.ShortHelp()
	if !s.Capturing() {
		out = append(out, a.ctx.Keys.NextTab)
	}
	return out, s.Capturing()
}

// View draws the frame; in ASCII mode through the theme's one folding
// step, so no byte of it is outside ASCII whatever the data holds.
func (a *App) View() string {
	v := a.view()
	if !a.ctx.Theme.ASCII {
		return v
	}
	return common.Block(a.ctx.Theme.Text(v), max(a.frame.width, 1), max(a.frame.height, 1))
}

func (a *App) view() string {
	t := a.ctx.Theme
	w, h := a.frame.width, a.frame.height
	if w == 0 {
		// Before the terminal's size is known: one line, drawn at once.
		return a.spinner.View() + " lsui: opening the licence server…"
	}
	switch a.State() {
	case StateTooSmall:
		if a.prompt == "" && a.phase == StateReady {
			if q := a.screenQuestion(); q != "" {
				return a.frame.tooSmall(q, "y/n answers, q quits")
			}
		}
		if a.prompt != "" {
			return a.frame.tooSmall(a.prompt, "y/n answers")
		}
		return a.frame.tooSmall("", "")
	case StateLoading:
		return common.Block(a.spinner.View()+" opening the licence server…", w, h)
	case StateError:
		msg := "lsui: " + sanitize.Line(a.err.Error())
		return common.Block(t.Error.Render(wrap(msg, w))+"\n\npress q to quit", w, h)
	}
	bodyH := a.bodyHeight()
	var b strings.Builder
	b.WriteString(a.headerView())
	b.WriteByte('\n')
	b.WriteString(a.tabsView())
	b.WriteByte('\n')
	for _, l := range a.noticeLines() {
		b.WriteString(t.Warn.Render(l) + "\n")
	}
	b.WriteString(common.Rule(t, w))
	b.WriteByte('\n')
	if bodyH > 0 {
		var body string
		switch a.frame.page {
		case pageHelp:
			body = a.frame.helpPage(a.helpSections(), bodyH)
		case pageMessages:
			body = a.frame.messagesPage(bodyH)
		default:
			if s := a.screens[a.active]; s != nil {
				body = s.View()
			}
		}
		b.WriteString(common.Block(body, w, bodyH))
		b.WriteByte('\n')
	}
	b.WriteString(a.frame.statusView(a.prompt))
	b.WriteByte('\n')
	short, capturing := a.shortKeys()
	b.WriteString(a.frame.shortHelp(short, capturing, a.nestedOpen()))
	return common.Block(b.String(), w, h)
}

func wrap(s string, w int) string {
	return ansi.Hardwrap(s, w, true)
}

// clockText is when the data on screen was read, or the fixed clock it
// was read at: "loaded 10:00" or "at 2026-11-27 10:00 (--now)".
func (a *App) clockText() string {
	s := a.ctx.Snapshot
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	if a.loading {
		return a.spinner.View() + " reloading"
	}
	if a.ctx.FixedClock() {
		return "at " + s.Now.In(loc).Format("2006-01-02 15:04") + " (--now)"
	}
	return "loaded " + a.ctx.LoadedAt.In(loc).Format("15:04")
}

func (a *App) headerView() string {
	t := a.ctx.Theme
	s := a.ctx.Snapshot
	var badges []string
	badges = append(badges, t.Dim.Render(a.clockText()))
	if s.Demo {
		badges = append(badges, t.Badge.Render("[DEMO]"))
	}
	if a.opts.ReadOnly {
		badges = append(badges, t.Badge.Render("[READ-ONLY]"))
	}
	right := strings.Join(badges, " ")
	rw := ansi.StringWidth(right)
	left := "lsui " + t.Glyphs.VRule + " " + s.Server.Host + " " + t.Glyphs.VRule + " " + a.ctx.RootLabel
	if rw > a.frame.width/2 {
		// Narrow: the clock gives way to the host and root.
		right = strings.Join(badges[1:], " ")
		rw = ansi.StringWidth(right)
	}
	left = common.Truncate(left, max(a.frame.width-rw-1, 1))
	pad := max(a.frame.width-ansi.StringWidth(left)-rw, 1)
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
		if x <= a.frame.width {
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
