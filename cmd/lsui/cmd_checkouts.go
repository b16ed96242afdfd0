package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/sanitize"
)

func newCheckoutsCommand(e *env, g *globalOptions) *cobra.Command {
	var topts tableOptions
	cmd := &cobra.Command{
		Use:   "checkouts [--lmstat-file FILE] [--json] [--wide]",
		Short: "what is checked out now: from lmstat -a, else the debug log's open checkouts",
		Long: `lsui runs LS/lmstat -a -c @localhost (or LS/lmutil lmstat) unless --no-exec, or reads
a captured listing with --lmstat-file. For lmstat, a feature's in use is the server's own
"Total of M licenses in use", which counts reservations and lingering licences too.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runCheckouts(e, g, topts))
		},
	}
	topts.addFlags(cmd.Flags())
	return takes(cmd, groupServer, groupSources, groupLmstat, groupJSON)
}

func runCheckouts(e *env, g *globalOptions, topts tableOptions) int {
	s, cleanup, err := load(e, g, nil)
	if err != nil {
		return fail(e, "checkouts", err)
	}
	defer cleanup()
	rec := s.CheckoutsRecord()
	if g.json {
		err = writeJSON(e.stdout, rec)
	} else {
		printCheckouts(e, g, s, rec, topts.width(e))
	}
	warnProblems(e, s)
	if err != nil {
		return fail(e, "checkouts", err)
	}
	return exitOK
}

func printCheckouts(e *env, g *globalOptions, s *model.Snapshot, rec model.CheckoutsRecord, width int) {
	from := "the debug logs' open checkouts"
	switch {
	case rec.Source == model.InUseLmstat:
		from = "lmstat -a"
		if rec.Listing != "" && rec.Listing != model.InUseLmstat {
			from += " (" + sanitize.Line(rec.Listing) + ")"
		}
	case rec.Note != "":
		// A listing was read but not used: the model says why.
	case g.noExec:
		from += " (no lmstat listing: --no-exec kept LS/lmstat from running; pass --lmstat-file FILE to read a captured one)"
	default:
		from += " (no lmstat listing: LS/lmstat gave none; pass --lmstat-file FILE to read a captured one)"
	}
	fmt.Fprintf(e.stdout, "Checked out now, from %s\n", from)
	if rec.Note != "" {
		fmt.Fprintf(e.stdout, "note: %s\n", sanitize.Line(rec.Note))
	}
	fmt.Fprintln(e.stdout)
	sum := newTable(column{title: "FEATURE", cut: cutTail}, column{title: "IN USE", right: true}, column{title: "ISSUED", right: true})
	for _, f := range rec.Features {
		inUse, issued := strconv.Itoa(f.InUse), "-"
		switch {
		case f.Uncounted:
			// lmstat prints no totals for an uncounted feature.
			inUse, issued = "-", "uncounted"
		case rec.Source == model.InUseLmstat:
			issued = strconv.Itoa(f.Issued)
		}
		sum.add(sanitize.Line(f.Feature), inUse, issued)
	}
	sum.write(e.stdout, width)
	fmt.Fprintln(e.stdout)
	t := newTable(
		column{title: "FEATURE", cut: cutTail},
		column{title: "USER", cut: cutTail},
		column{title: "HOST", cut: cutTail},
		column{title: "DISPLAY", cut: cutTail, drop: 1},
		column{title: "START"},
		column{title: "LICENSES", right: true, drop: 2},
	)
	for _, f := range rec.Features {
		for _, c := range f.Checkouts {
			t.add(sanitize.Line(f.Feature), sanitize.Line(c.User), orDash(sanitize.Line(c.Host)), orDash(sanitize.Line(c.Display)),
				sanitize.Line(c.Start), strconv.Itoa(c.Licenses))
		}
	}
	t.write(e.stdout, width)
}
