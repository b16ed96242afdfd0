package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/textfmt"
)

// usageOptions are `lsui usage`'s own flags.
type usageOptions struct {
	month string
	table tableOptions
}

func newUsageCommand(e *env, g *globalOptions) *cobra.Command {
	var opts usageOptions
	cmd := &cobra.Command{
		Use:   "usage [--month YYYY-MM] [--json] [--wide]",
		Short: "who used which licence in a calendar month (this month by default)",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			// Checked before anything loads, so a typo is a usage error.
			if opts.month != "" {
				if _, err := parseMonth(opts.month, time.UTC); err != nil {
					return usageError{err.Error()}
				}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runUsage(e, g, opts))
		},
	}
	cmd.Flags().StringVar(&opts.month, "month", "", "calendar `YYYY-MM` to report (default: this month)")
	opts.table.addFlags(cmd.Flags())
	return takes(cmd, groupServer, groupSources, groupJSON)
}

// parseMonth reads YYYY-MM as a calendar month in loc.
func parseMonth(s string, loc *time.Location) (usage.Month, error) {
	t, err := time.ParseInLocation("2006-01", s, loc)
	if err != nil {
		return usage.Month{}, fmt.Errorf("--month %s: want YYYY-MM", s)
	}
	return usage.MonthOf(t, loc), nil
}

func runUsage(e *env, g *globalOptions, opts usageOptions) int {
	s, cleanup, err := load(e, g, func(mo *model.Options) {
		// Written once, in order, through the report's accessors: a
		// report of 100k identities need not hold 600k LastUse records
		// it never shows (model.Options.IdentitiesOnDemand). Nor does
		// usage show in-use figures: no lmstat run, no entitlements.
		mo.IdentitiesOnDemand, mo.UsageOnly = true, true
		if opts.month != "" {
			mo.Month, _ = parseMonth(opts.month, mo.Location)
		}
	})
	if err != nil {
		return fail(e, "usage", err)
	}
	defer cleanup()
	if g.json {
		err = writeUsageJSON(e.stdout, s.Usage)
	} else {
		printUsage(e, model.NewUsageRecord(s.Usage, nil), opts.table.width(e))
	}
	warnProblems(e, s)
	if err != nil {
		return fail(e, "usage", err)
	}
	return exitOK
}

func printUsage(e *env, r model.UsageRecord, width int) {
	users, devices := 0, 0
	for _, id := range r.Identities {
		if id.Kind == "device" {
			devices++
		} else {
			users++
		}
	}
	// Denied and unsupported requests are counted apart from usage, and
	// said the same way.
	fmt.Fprintf(e.stdout, "Usage for %s (%s): %s, %s, %d denied, %d unsupported, %s\n",
		r.Month, r.Timezone, textfmt.Plural(users, "user"), textfmt.Plural(devices, "device"), r.Denied, r.Unsupported,
		textfmt.Plural(r.UndatedLines, "undated log line")+model.BadLinesNote(r.MalformedLines, r.SkippedLines))
	if r.LogsFrom != "" {
		fmt.Fprintf(e.stdout, "logs cover %s onwards\n", r.LogsFrom)
	}
	if n := len(r.Connections); n > 0 {
		checkouts := 0
		for _, c := range r.Connections {
			checkouts += c.Checkouts
		}
		// Product components (the start-up licence, machine accounts):
		// never usage, so said apart.
		fmt.Fprintf(e.stdout, "%s by product components (not usage)\n", textfmt.Plural(checkouts, "connection"))
	}
	fmt.Fprintln(e.stdout)
	t := newTable(column{title: "FEATURE", cut: cutTail}, column{title: "USERS", right: true}, column{title: "DEVICES", right: true})
	for _, f := range r.Features {
		t.add(sanitize.Line(f.Feature), strconv.Itoa(f.Users), strconv.Itoa(f.Devices))
	}
	t.write(e.stdout, width)
	fmt.Fprintln(e.stdout)
	t = newTable(
		column{title: "NAME", cut: cutTail},
		column{title: "KIND"},
		column{title: "FIRST SEEN", drop: 1},
		column{title: "LAST SEEN"},
		column{title: "FEATURES", cut: cutTail},
	)
	for _, id := range r.Identities {
		t.add(sanitize.Line(id.Name), id.Kind, id.FirstSeen, id.LastSeen, sanitize.Line(strings.Join(id.Features, ",")))
	}
	t.write(e.stdout, width)
}
