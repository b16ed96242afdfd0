package views

import (
	"context"
	"os"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/model"
)

// fixedNow is the clock every test runs on.
var fixedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	// Goldens are plain text: no colour codes, and no terminal query for
	// the background.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// demoLoader materializes the demo server in a temporary folder and
// returns a Load function over it.
func demoLoader(t testing.TB) func(context.Context) (*model.Snapshot, model.Options, error) {
	t.Helper()
	d, err := demo.Materialize(t.TempDir(), fixedNow, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	opts := model.Options{Root: d.Dir, Demo: true, Now: fixedNow, Location: time.UTC, UdadminFile: d.UdadminFile, NoExec: true}
	return func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		s, err := model.Load(ctx, opts)
		return s, opts, err
	}
}

// readyApp is the dashboard on the demo, loaded synchronously and sized.
func readyApp(t testing.TB, o Options, w, h int) *App {
	t.Helper()
	if o.Load == nil {
		o.Load = demoLoader(t)
	}
	a := New(o)
	s, opts, err := o.Load(context.Background())
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	runCmd(a, a.loaded(loadedMsg{s, opts, err}))
	return a
}

// runCmd runs cmd and feeds what it returns back into a, the way the
// program would, skipping ticks (which would wait) and quitting.
func runCmd(a *App, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < 100; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case nil, tea.QuitMsg:
			continue
		}
		if isTick(msg) {
			continue
		}
		_, next := a.Update(msg)
		queue = append(queue, next)
	}
}

// press sends keys (as bubbletea names them) to a, running the commands.
func press(a *App, keys ...string) {
	for _, k := range keys {
		_, cmd := a.Update(keyMsg(k))
		runCmd(a, cmd)
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+l":
		return tea.KeyMsg{Type: tea.KeyCtrlL}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}
