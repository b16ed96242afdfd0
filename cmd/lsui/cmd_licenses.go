package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/sanitize"
)

func newLicensesCommand(e *env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "licenses [--json]",
		Aliases: []string{"licences"},
		Short:   "list every licence line (and the malformed ones with file:line)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runLicenses(e, g))
		},
	}
	return takes(cmd, groupServer, groupSources, groupJSON)
}

func runLicenses(e *env, g *globalOptions) int {
	s, cleanup, err := load(e, g, nil)
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
		t := newTable(e.stdout)
		fmt.Fprintln(t, "FILE:LINE\tFEATURE\tTYPE\tCOUNT\tEXPIRES\tCSS DATE\tPRODUCT")
		for _, r := range s.LicenceRecords() {
			count := strconv.Itoa(r.Count)
			if r.Uncounted {
				count = "uncounted"
			}
			fmt.Fprintf(t, "%s:%d\t%s\t%s\t%s\t%s\t%s\t%s\n", sanitize.Line(r.File), r.Line, sanitize.Line(r.Feature),
				orDash(sanitize.Line(r.LicenseType)), count, r.Expires, orDash(r.CSSDate),
				sanitize.Line(r.Product+" "+r.Edition+" "+r.Model))
		}
		t.Flush()
		for _, pe := range s.ParseErrors {
			fmt.Fprintf(e.stdout, "error: %s\n", sanitize.Line(pe.Error()))
		}
	}
	warnProblems(e, s)
	if err != nil {
		return fail(e, "licenses", err)
	}
	return exitOK
}

func newEntitlementsCommand(e *env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "entitlements [--json]",
		Short: "installed, overdraft, in use and available per product/edition/model",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runEntitlements(e, g))
		},
	}
	return takes(cmd, groupServer, groupSources, groupJSON)
}

func runEntitlements(e *env, g *globalOptions) int {
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
		t := newTable(e.stdout)
		fmt.Fprintln(t, "FEATURE\tCSS DATE\tINSTALLED\tOVERDRAFT\tIN USE\tAVAILABLE\tEXPIRES\tTYPE")
		for _, r := range s.EntitlementRecords() {
			installed, avail := strconv.Itoa(r.Installed), strconv.Itoa(r.Available)
			if r.Uncounted {
				installed, avail = "uncounted", "-"
			}
			types := ""
			for i, ty := range r.Types {
				if i > 0 {
					types += ","
				}
				types += ty
			}
			fmt.Fprintf(t, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", sanitize.Line(r.Feature), orDash(r.CSSDate), installed,
				r.Overdraft, r.InUse, avail, r.Expires, orDash(sanitize.Line(types)))
		}
		t.Flush()
	}
	warnProblems(e, s)
	if err != nil {
		return fail(e, "entitlements", err)
	}
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
