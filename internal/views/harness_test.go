package views

import (
	"context"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/views/common"
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
	runCmd(a, a.loaded(loadedMsg{snap: s, opts: opts, err: err}))
	return a
}

// runCmd runs cmd and feeds what it returns back into a, the way the
// program would: depth first, batches and sequences in order, skipping
// spinner ticks (which would wait) and quitting.
func runCmd(a *App, cmd tea.Cmd) {
	runDepth(a, cmd, 0)
}

func runDepth(a *App, cmd tea.Cmd, depth int) {
	if cmd == nil || depth > 500 {
		return
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil, tea.QuitMsg:
		return
	case tea.BatchMsg:
		for _, c := range m {
			runDepth(a, c, depth+1)
		}
		return
	}
	if isTick(msg) {
		return
	}
	// tea.Sequence's message type is unexported: a slice of commands.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		for i := 0; i < v.Len(); i++ {
			runDepth(a, v.Index(i).Interface().(tea.Cmd), depth+1)
		}
		return
	}
	_, next := a.Update(msg)
	runDepth(a, next, depth+1)
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

// isTick reports a spinner tick, bare or addressed to a screen.
func isTick(msg tea.Msg) bool {
	if e, ok := msg.(common.Envelope); ok {
		msg = e.Msg
	}
	_, ok := msg.(spinner.TickMsg)
	return ok
}

func itoa(n int) string { return strconv.Itoa(n) }
