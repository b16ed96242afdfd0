package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/textfmt"
)

func newLicensesCommand(e *env, g *globalOptions) *cobra.Command {
	var topts tableOptions
	cmd := &cobra.Command{
		Use:     "licenses [--json] [--wide]",
		Aliases: []string{"licences"},
		Short:   "list every licence line (and the malformed ones with file:line)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runLicenses(e, g, topts))
		},
	}
	topts.addFlags(cmd.Flags())
	// The licence lines count nothing: no udadmin or lmstat flags.
	return takes(cmd, groupServer, groupJSON)
}

func runLicenses(e *env, g *globalOptions, topts tableOptions) int {
	// Nothing here is counted, so udadmin and lmstat are not run.
	s, cleanup, err := load(e, g, func(o *model.Options) { o.NoExec = true })
	if err != nil {
		return fail(e, "licenses", err)
	}
	defer cleanup()
	if g.json {
		err = writeJSON(e.stdout, struct {
			Root     string                `json:"root"`
			Licenses []model.LicenceRecord `json:"licenses"`
			Errors   []model.ErrorRecord   `json:"errors"`
		}{rootLabel(s), s.LicenceRecords(), s.ErrorRecords()})
	} else {
		t := newTable(
			column{title: "FILE:LINE", cut: cutHead},
			column{title: "FEATURE", cut: cutTail},
			column{title: "TYPE", drop: 1},
			column{title: "COUNT", right: true},
			column{title: "EXPIRES"},
			column{title: "CSS DATE", drop: 2},
			column{title: "PRODUCT", cut: cutTail, drop: 3},
		)
		// EXPIRES carries the dashboard's marker: "!!" expired, "!"
		// within the warning window, so no colour is needed to see it.
		today := licfile.DateOf(s.Now)
		for i, r := range s.LicenceRecords() {
			expires := r.Expires
			l := s.Lines[i]
			switch u, _ := model.Classify(l.Expires, l.Permanent, today, s.WarnDays); u {
			case model.Expired:
				expires += " !!"
			case model.Expiring:
				expires += " !"
			}
			t.add(sanitize.Line(r.File)+":"+strconv.Itoa(r.Line), sanitize.Line(r.Feature),
				orDash(sanitize.Line(r.LicenseType)), textfmt.Count(r.Count, r.Uncounted), expires, orDash(r.CSSDate),
				sanitize.Line(joinNonEmpty(r.Product, r.Edition, r.Model)))
		}
		t.write(e.stdout, topts.width(e))
		for _, pe := range s.ParseErrors {
			fmt.Fprintf(e.stdout, "error: %s\n", sanitize.Line(pe.Error()))
		}
	}
	noteLicensing(e, s)
	warnProblems(e, s)
	if err != nil {
		return fail(e, "licenses", err)
	}
	return noLicenceFolder(e, "licenses", s)
}

func newEntitlementsCommand(e *env, g *globalOptions) *cobra.Command {
	var topts tableOptions
	cmd := &cobra.Command{
		Use:   "entitlements [--json] [--wide]",
		Short: "installed, overdraft, in use, available, this month and peak per product/edition/model",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runEntitlements(e, g, topts))
		},
	}
	topts.addFlags(cmd.Flags())
	return takes(cmd, groupServer, groupSources, groupLmstat, groupJSON)
}

func runEntitlements(e *env, g *globalOptions, topts tableOptions) int {
	s, cleanup, err := load(e, g, nil)
	if err != nil {
		return fail(e, "entitlements", err)
	}
	defer cleanup()
	if g.json {
		err = writeJSON(e.stdout, struct {
			Root         string                    `json:"root"`
			Entitlements []model.EntitlementRecord `json:"entitlements"`
		}{rootLabel(s), s.EntitlementRecords()})
	} else {
		// IN USE is what the Licensing Manager shows (SOURCE says from
		// what); THIS MONTH is the distinct identities call-home reports:
		// side by side, so nobody mistakes one for the other.
		t := newTable(
			column{title: "FEATURE", cut: cutTail},
			column{title: "CSS DATE"},
			column{title: "INSTALLED", right: true},
			column{title: "OVERDRAFT", right: true, drop: 4},
			column{title: "IN USE", right: true},
			column{title: "SOURCE", drop: 3},
			column{title: "AVAILABLE", right: true},
			column{title: "THIS MONTH", right: true},
			column{title: "PEAK", right: true, drop: 5},
			column{title: "EXPIRES", drop: 2},
			column{title: "TYPE", cut: cutTail, drop: 1},
		)
		for _, r := range s.EntitlementRecords() {
			installed, overdraft, avail := textfmt.Count(r.Installed, r.Uncounted), strconv.Itoa(r.Overdraft), strconv.Itoa(r.Available)
			switch {
			case r.InstalledUnknown:
				installed, overdraft, avail = "unknown", "-", "-"
			case r.Uncounted:
				avail = "-"
			}
			types := ""
			for i, ty := range r.Types {
				if i > 0 {
					types += ","
				}
				types += ty
			}
			t.add(sanitize.Line(r.Feature), orDash(r.CSSDate), installed, overdraft, strconv.Itoa(r.InUse), orDash(r.InUseSource),
				avail, strconv.Itoa(r.ThisMonth), strconv.Itoa(r.PeakMonth), r.Expires, orDash(sanitize.Line(types)))
		}
		t.write(e.stdout, topts.width(e))
	}
	noteLicensing(e, s)
	warnProblems(e, s)
	if err != nil {
		return fail(e, "entitlements", err)
	}
	return noLicenceFolder(e, "entitlements", s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// joinNonEmpty joins the parts that are there with one space, so a line
// with no edition or model leaves no trailing blanks.
func joinNonEmpty(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}
