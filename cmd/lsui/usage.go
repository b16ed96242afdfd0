package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/sanitize"
)

func init() {
	var month string
	register(&command{
		name:    "usage",
		summary: "who used which licence in a calendar month (this month by default)",
		usage:   "[--month YYYY-MM] [--json]",
		flags: func(fs *flagSet) {
			fs.StringVar(&month, "month", "", "calendar `YYYY-MM` to report (default: this month)")
		},
		run: func(e *env, o *options, args []string) int { return runUsage(e, o, args, month) },
	})
}

// parseMonth reads YYYY-MM as a calendar month in loc.
func parseMonth(s string, loc *time.Location) (usage.Month, error) {
	t, err := time.ParseInLocation("2006-01", s, loc)
	if err != nil {
		return usage.Month{}, fmt.Errorf("--month %s: want YYYY-MM", s)
	}
	return usage.MonthOf(t, loc), nil
}

func runUsage(e *env, o *options, args []string, month string) int {
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "lsui usage: unexpected argument %q\n", args[0])
		return exitUsage
	}
	if month != "" {
		// Checked before anything loads, so a typo is a usage error.
		if _, err := parseMonth(month, time.UTC); err != nil {
			fmt.Fprintf(e.stderr, "lsui usage: %v\n", err)
			return exitUsage
		}
	}
	s, cleanup, err := load(e, o, func(opts *model.Options) {
		if month != "" {
			opts.Month, _ = parseMonth(month, opts.Location)
		}
	})
	if err != nil {
		return fail(e, "usage", err)
	}
	defer cleanup()
	rec := model.NewUsageRecord(s.Usage, nil)
	if o.json {
		err = writeJSON(e.stdout, rec)
	} else {
		printUsage(e, rec)
	}
	warnProblems(e, s)
	if err != nil {
		return fail(e, "usage", err)
	}
	return exitOK
}

func printUsage(e *env, r model.UsageRecord) {
	users, devices := 0, 0
	for _, id := range r.Identities {
		if id.Kind == "device" {
			devices++
		} else {
			users++
		}
	}
	fmt.Fprintf(e.stdout, "Usage for %s (%s): %d users, %d devices, %d denied, %d undated log lines\n\n",
		r.Month, r.Timezone, users, devices, r.Denied, r.UndatedLines)
	t := newTable(e.stdout)
	fmt.Fprintln(t, "FEATURE\tUSERS\tDEVICES")
	for _, f := range r.Features {
		fmt.Fprintf(t, "%s\t%d\t%d\n", sanitize.Line(f.Feature), f.Users, f.Devices)
	}
	t.Flush()
	fmt.Fprintln(e.stdout)
	t = newTable(e.stdout)
	fmt.Fprintln(t, "NAME\tKIND\tFIRST SEEN\tLAST SEEN\tFEATURES")
	for _, id := range r.Identities {
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\n", sanitize.Line(id.Name), id.Kind, id.FirstSeen, id.LastSeen,
			sanitize.Line(strings.Join(id.Features, ",")))
	}
	t.Flush()
}
