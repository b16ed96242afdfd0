// Command monthswitch times the dashboard's month switch: what the Usage
// tab does on `[` and `]` (model.LoadUsage for the month asked, with the
// options the dashboard loaded with), in one long-lived process as the
// dashboard is, under the Go runtime's default collector settings as the
// dashboard runs (one-shot commands tune theirs; the dashboard does not).
//
//	go run ./scripts/monthswitch -root DIR [-now RFC3339] [-tz ZONE] [-months 2026-10,2026-11] [-rounds 5]
//
// It opens the root once (model.Load, untimed: that is the dashboard
// starting), then switches to each month of -months in turn, -rounds
// times, and prints one line per switch, "switch\tMONTH\tMS\tIDENTITIES",
// then "median\tMS\tmin\tMS\tmax\tMS". scripts/bench runs it on the long
// log and on the window-only log (scripts/gen longlog).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "monthswitch:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("monthswitch", flag.ContinueOnError)
	root := fs.String("root", "", "licensing root `DIR`")
	nowFlag := fs.String("now", "2026-11-27T10:00:00Z", "the clock, RFC 3339")
	tz := fs.String("tz", "UTC", "the server's zone")
	monthsFlag := fs.String("months", "2026-10,2026-11", "months to switch to in turn, YYYY-MM,…")
	rounds := fs.Int("rounds", 5, "times through -months")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" || fs.NArg() > 0 || *rounds < 1 {
		return errors.New("want -root DIR, -rounds ≥ 1 and no arguments")
	}
	now, err := time.Parse(time.RFC3339, *nowFlag)
	if err != nil {
		return fmt.Errorf("-now: %w", err)
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	var months []usage.Month
	for _, s := range strings.Split(*monthsFlag, ",") {
		t, err := time.ParseInLocation("2006-01", strings.TrimSpace(s), loc)
		if err != nil {
			return fmt.Errorf("-months: %w", err)
		}
		months = append(months, usage.MonthOf(t, loc))
	}
	ctx := context.Background()
	opt := model.Options{Root: *root, Now: now, Location: loc, NoExec: true}
	snap, err := model.Load(ctx, opt)
	if err != nil {
		return err
	}
	var ms []float64
	for r := 0; r < *rounds; r++ {
		for _, m := range months {
			o := opt
			o.Month = m
			start := time.Now()
			rep, problems := model.LoadUsage(ctx, snap.Layout, m, o)
			d := time.Since(start)
			if len(problems) > 0 {
				return fmt.Errorf("%s: %s", m, problems[0].Message)
			}
			ms = append(ms, float64(d.Microseconds())/1000)
			fmt.Fprintf(stdout, "switch\t%s\t%.1f\t%d\n", m, ms[len(ms)-1], len(rep.Identities))
		}
	}
	slices.Sort(ms)
	med := ms[len(ms)/2]
	if len(ms)%2 == 0 {
		med = (ms[len(ms)/2-1] + ms[len(ms)/2]) / 2
	}
	fmt.Fprintf(stdout, "median\t%.1f\tmin\t%.1f\tmax\t%.1f\n", med, ms[0], ms[len(ms)-1])
	return nil
}
