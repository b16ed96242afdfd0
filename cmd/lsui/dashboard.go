package main

import (
	"fmt"
)

// dashboardCommand runs when no command is named.
var dashboardCommand = &command{
	name:    "",
	summary: "open the dashboard",
	run:     runDashboard,
}

func runDashboard(e *env, o *options, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "lsui: unknown command %q (see lsui --help)\n", args[0])
		return exitUsage
	}
	s, cleanup, err := load(e, o, nil)
	if err != nil {
		return fail(e, "", err)
	}
	defer cleanup()
	fmt.Fprintf(e.stdout, "lsui: %s — %d licence lines, %d entitlements (the dashboard is not built yet)\n",
		rootLabel(s), len(s.Lines), len(s.Entitlements))
	return exitOK
}
