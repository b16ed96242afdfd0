package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
)

func init() {
	var warnDays int
	register(&command{
		name:    "check",
		summary: "one status line with Nagios exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
		usage:   "[--warn-days N]",
		flags: func(fs *flagSet) {
			fs.IntVar(&warnDays, "warn-days", 0, "warn about licences and CSS dates ending within `N` days (default 30)")
		},
		run: func(e *env, o *options, args []string) int { return runCheck(e, o, args, warnDays) },
	})
}

func runCheck(e *env, o *options, args []string, warnDays int) int {
	if len(args) > 0 || warnDays < 0 {
		fmt.Fprintln(e.stderr, "lsui check: usage: lsui check [--warn-days N]")
		return exitUsage
	}
	s, cleanup, err := load(e, o, func(opts *model.Options) { opts.WarnDays = warnDays })
	if err != nil {
		fmt.Fprintf(e.stdout, "LICENSES UNKNOWN - %s\n", sanitize.Line(err.Error()))
		return int(model.Unknown)
	}
	defer cleanup()
	h := payload.Health(context.Background(), s) // the model's findings and the Citrix payload's privacy finding
	users := 0
	if s.Usage != nil {
		users = len(s.Usage.Identities)
	}
	summary := fmt.Sprintf("%d licence lines, %d users this month", len(s.Lines), users)
	if len(h.Findings) > 0 {
		msgs := make([]string, 0, len(h.Findings))
		for _, f := range h.Findings {
			msgs = append(msgs, f.Message)
		}
		summary = strings.Join(msgs, "; ")
	}
	perf := fmt.Sprintf("lines=%d users=%d errors=%d", len(s.Lines), users, len(s.ParseErrors))
	fmt.Fprintf(e.stdout, "LICENSES %s - %s | %s\n", h.Status, sanitize.Line(summary), perf)
	return int(h.Status)
}
