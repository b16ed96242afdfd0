package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/views"
	"github.com/lsui/lsui/internal/views/prefs"
)

// uiOptions are the terminal flags of the dashboard and `lsui view`.
type uiOptions struct {
	readOnly bool
	ascii    bool
	mouse    bool
	endpoint string
}

func (u *uiOptions) addFlags(fs *pflag.FlagSet, dashboard bool) {
	if dashboard {
		fs.BoolVar(&u.readOnly, "read-only", false, "disable every write: the anonymization toggle and uploads")
		fs.StringVar(&u.endpoint, "endpoint", "", "upload `URL` for the Uploads tab's u (https; http only to loopback); default: \"endpoint\" in lsui.json")
	}
	fs.BoolVar(&u.ascii, "ascii", false, "ASCII borders, bars and markers, for consoles without box-drawing characters")
	fs.BoolVar(&u.mouse, "mouse", false, "enable the mouse (wheel scrolling, clicking tabs); off by default so the terminal's own selection works")
}

// newDashboardCommand is the root command: `lsui` with no command name
// opens the dashboard.
func newDashboardCommand(e *env, g *globalOptions) *cobra.Command {
	var opts uiOptions
	cmd := &cobra.Command{
		Use:   "lsui",
		Short: "open the dashboard",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runDashboard(e, g, opts))
		},
		DisableFlagsInUseLine: true,
	}
	opts.addFlags(cmd.Flags(), true)
	return takes(cmd, groupServer, groupSources, groupLmstat, groupColor)
}

func runDashboard(e *env, g *globalOptions, ui uiOptions) int {
	if err := needTerminal(e); err != nil {
		fmt.Fprintf(e.stderr, "lsui: %v\n", err)
		return exitFail
	}
	// Which root is settled before the program takes the screen: a root
	// that cannot be read fails here, on one line.
	choice, err := chooseRoot(e, g, true)
	if err != nil {
		return fail(e, "", err)
	}
	prepareRenderer(g)
	// ASCII when asked, when the preferences say so, or when the console
	// cannot draw more (locale, TERM, LSUI_ASCII); the mouse when asked.
	pf := userPrefs()
	ui.ascii, ui.mouse = prefs.Decide(ui.ascii, ui.mouse, pf, e.getenv)

	// The root is resolved and loaded inside the program (views.Options.Load
	// runs in a tea.Cmd), so the first frame shows at once; the demo's
	// temporary copy is removed when the program ends, or when a load that
	// outlived it finishes.
	var (
		mu      sync.Mutex
		cleanup func()
		ended   bool
	)
	load := func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		op, err := openRoot(e, g, choice, true)
		if err != nil {
			return nil, model.Options{}, err
		}
		mu.Lock()
		if ended {
			mu.Unlock()
			op.cleanup()
			return nil, model.Options{}, context.Canceled
		}
		cleanup = op.cleanup
		mu.Unlock()
		s, err := model.Load(ctx, op.opts)
		return s, op.opts, err
	}
	app := views.New(views.Options{Load: load, ReadOnly: ui.readOnly, ASCII: ui.ascii, Endpoint: ui.endpoint,
		Notice: choice.notice, Prefs: pf})
	p := tea.NewProgram(app, programOptions(e, ui)...)
	stop := killOnHangup(p)
	_, err = p.Run()
	stop()
	// A cancelled upload cycle may still be writing its journal; the
	// demo's folder goes only once it has stopped.
	if !app.Shutdown(10 * time.Second) {
		fmt.Fprintln(e.stderr, "lsui: the upload cycle did not stop within 10s")
	}
	mu.Lock()
	ended = true
	if cleanup != nil {
		cleanup()
	}
	mu.Unlock()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		fmt.Fprintf(e.stderr, "lsui: %v\n", err)
		return exitFail
	}
	// A load that failed was shown on the screen, which is gone now.
	if err := app.Err(); err != nil {
		fmt.Fprintf(e.stderr, "lsui: %v\n", err)
		return exitFail
	}
	return exitOK
}

// userPrefs is the user's preferences file, nil when the OS has no user
// config folder.
func userPrefs() *prefs.File {
	path, err := prefs.DefaultPath()
	if err != nil {
		return nil
	}
	return prefs.Load(path)
}

// killOnHangup ends the program when its terminal goes away (an SSH or
// RDP session dropped), so the clean-up below still runs; Bubble Tea
// itself handles only interrupt and terminate. stop undoes it.
func killOnHangup(p *tea.Program) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-hup:
			p.Kill()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}

// needTerminal refuses to draw a full-screen program into a pipe or file.
func needTerminal(e *env) error {
	for _, s := range []any{e.stdin, e.stdout} {
		if !e.terminal(s) {
			return errors.New("the dashboard needs a terminal; for scripts use the commands in lsui --help")
		}
	}
	return nil
}

// prepareRenderer settles colours before the program owns the terminal:
// NO_COLOR and --no-color give no colour at all, and the background is
// queried now, never from inside Update, where the answer would land in
// the program's input.
func prepareRenderer(g *globalOptions) {
	if g.noColor {
		lipgloss.SetColorProfile(termenv.Ascii)
		lipgloss.SetHasDarkBackground(true) // irrelevant without colour; skips the query
		return
	}
	lipgloss.SetHasDarkBackground(lipgloss.HasDarkBackground())
}

func programOptions(e *env, ui uiOptions) []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithAltScreen()}
	if ui.mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	if e.stdin != io.Reader(os.Stdin) {
		opts = append(opts, tea.WithInput(e.stdin))
	}
	if e.stdout != io.Writer(os.Stdout) {
		opts = append(opts, tea.WithOutput(e.stdout))
	}
	return opts
}
