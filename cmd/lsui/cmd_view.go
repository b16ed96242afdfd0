package main

import (
	"errors"
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/views"
	"github.com/lsui/lsui/internal/views/prefs"
)

func newViewCommand(e *env, g *globalOptions) *cobra.Command {
	var opts uiOptions
	cmd := &cobra.Command{
		Use:   "view FILE.zip [--ascii] [--mouse]",
		Short: "open one payload zip in the terminal viewer (no licence server needed)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runView(e, g, args[0], opts))
		},
	}
	opts.addFlags(cmd.Flags(), false)
	return longRunning(takes(cmd, groupColor))
}

func runView(e *env, g *globalOptions, path string, ui uiOptions) int {
	st, err := os.Stat(path)
	if err != nil {
		return fail(e, "view", fmt.Errorf("%s: %w", path, plainReason(err)))
	}
	if !st.Mode().IsRegular() {
		return fail(e, "view", fmt.Errorf("%s: not a regular file", path))
	}
	if err := needTerminal(e); err != nil {
		return fail(e, "view", err)
	}
	prepareRenderer(g)
	ui.ascii, ui.mouse = prefs.Decide(ui.ascii, ui.mouse, userPrefs(), e.getenv)
	app := views.NewPayloadApp(path, path, views.Options{ASCII: ui.ascii})
	p := tea.NewProgram(app, programOptions(e, ui)...)
	stop := killOnHangup(p)
	_, err = p.Run()
	stop()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fail(e, "view", err)
	}
	return exitOK
}
