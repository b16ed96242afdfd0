package main

import (
	"errors"
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/views"
)

func init() {
	var ui uiFlags
	register(&command{
		name:        "view",
		longRunning: true,
		summary:     "open one payload zip in the terminal viewer (no licence server needed)",
		usage:       "FILE.zip [--ascii] [--mouse]",
		flags:       func(fs *flagSet) { ui.add(fs, false) },
		run:         func(e *env, o *options, args []string) int { return runView(e, o, args, ui) },
	})
}

func runView(e *env, o *options, args []string, ui uiFlags) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "lsui view: usage: lsui view FILE.zip [--ascii] [--mouse]")
		return exitUsage
	}
	path := args[0]
	st, err := os.Stat(path)
	if err != nil {
		return fail(e, "view", err)
	}
	if !st.Mode().IsRegular() {
		return fail(e, "view", fmt.Errorf("%s: not a regular file", path))
	}
	if err := needTerminal(e); err != nil {
		return fail(e, "view", err)
	}
	prepareRenderer(o)
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
