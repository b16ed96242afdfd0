package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
)

// checkOptions are `lsui check`'s own flags.
type checkOptions struct {
	warnDays int
}

func newCheckCommand(e *env, g *globalOptions) *cobra.Command {
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "check [--warn-days N]",
		Short: "one status line with Nagios exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.warnDays < 0 {
				return usagef("--warn-days %d: want a number of days, 0 or more (0 takes warn_days from lsui.json, else 30)", opts.warnDays)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runCheck(e, g, opts))
		},
	}
	cmd.Flags().IntVar(&opts.warnDays, "warn-days", 0, "warn about licences and CSS dates ending within `N` days (default 30)")
	return takes(cmd, groupServer, groupSources, groupLmstat)
}

func runCheck(e *env, g *globalOptions, opts checkOptions) int {
	s, cleanup, err := load(e, g, func(mo *model.Options) { mo.WarnDays = opts.warnDays })
	if err != nil {
		fmt.Fprintf(e.stdout, "LICENSES UNKNOWN - %s\n", sanitize.Line(err.Error()))
		return int(model.Unknown)
	}
	defer cleanup()
	h := serverHealth(s)
	users, devices := 0, 0
	if s.Usage != nil {
		for _, id := range s.Usage.Identities {
			if id.Kind == usage.Device {
				devices++
			} else {
				users++
			}
		}
	}
	summary := fmt.Sprintf("%d licence lines, %d users and %d devices this month", len(s.Lines), users, devices)
	if len(h.Findings) > 0 {
		msgs := make([]string, 0, len(h.Findings))
		for _, f := range h.Findings {
			msgs = append(msgs, f.Message)
		}
		summary = strings.Join(msgs, "; ")
	}
	perf := fmt.Sprintf("lines=%d users=%d devices=%d errors=%d", len(s.Lines), users, devices, len(s.ParseErrors))
	fmt.Fprintf(e.stdout, "LICENSES %s - %s | %s\n", h.Status, sanitize.Line(summary), perf)
	return int(h.Status)
}

// serverHealth is the one set of findings check and metrics report (and
// the Overview shows): the model's rules, and the payload's privacy finding.
func serverHealth(s *model.Snapshot) model.Health {
	return payload.Health(context.Background(), s)
}
