package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/atomicfile"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
)

// metricsOptions are `lsui metrics`'s own flags.
type metricsOptions struct {
	out string
}

func newMetricsCommand(e *env, g *globalOptions) *cobra.Command {
	var opts metricsOptions
	cmd := &cobra.Command{
		Use:   "metrics [--out FILE.prom]",
		Short: "write Prometheus metrics for node_exporter's or windows_exporter's textfile collector",
		Long: `Entitlements (installed, overdraft, in use, available), days to every expiry and
CSS date, the age of the last upload of lsui's and of Citrix's call-home, and the
findings of lsui check by severity. With --out the file is replaced atomically, so
the collector never reads half of it; without, the metrics go to standard output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runMetrics(e, g, opts))
		},
	}
	cmd.Flags().StringVar(&opts.out, "out", "", "write the metrics to `FILE` atomically (the collector reads *.prom)")
	return takes(cmd, groupServer, groupSources, groupLmstat)
}

func runMetrics(e *env, g *globalOptions, opts metricsOptions) int {
	const cmd = "metrics"
	s, cleanup, loadErr := load(e, g, nil)
	if cleanup != nil {
		defer cleanup()
	}
	reg, err := serverMetrics(s, g.Now())
	if err != nil {
		return fail(e, cmd, err)
	}
	var buf bytes.Buffer
	if err := writeMetrics(&buf, reg); err != nil {
		return fail(e, cmd, err)
	}
	if opts.out == "" {
		if _, err := e.stdout.Write(buf.Bytes()); err != nil {
			return fail(e, cmd, err)
		}
	} else if err := atomicfile.WriteFile(opts.out, buf.Bytes(), 0o644); err != nil {
		return fail(e, cmd, writeError(opts.out, err))
	}
	if loadErr != nil {
		// The file says UNKNOWN, so an alert fires instead of the last
		// good values going stale; the run itself failed.
		return fail(e, cmd, loadErr)
	}
	warnProblems(e, s)
	// No MyFiles: the file says UNKNOWN (lsui_status 3), and so does the
	// exit status, as for a root that cannot be read.
	return noLicenceFolder(e, cmd, s)
}

// writeMetrics encodes what reg gathers in the Prometheus text format.
func writeMetrics(buf *bytes.Buffer, reg prometheus.Gatherer) error {
	families, err := reg.Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	return nil
}

// severities are the finding levels lsui_findings always carries, so a
// rule can compare with 0 rather than test for absence.
var severities = []model.Status{model.Warning, model.Critical, model.Unknown}

// serverMetrics registers the metrics of snapshot s at now; s nil means the
// server could not be read (status UNKNOWN).
func serverMetrics(s *model.Snapshot, now time.Time) (*prometheus.Registry, error) {
	reg := prometheus.NewPedanticRegistry()
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "lsui", Name: name, Help: help}, labels)
		reg.MustRegister(v)
		return v
	}
	generated := gauge("generated_timestamp_seconds", "When lsui wrote these metrics (alert when it stops refreshing).")
	statusG := gauge("status", "lsui check's status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
	findings := gauge("findings", "Findings of lsui check by severity.", "severity")
	generated.WithLabelValues().Set(float64(now.Unix()))
	if s == nil {
		statusG.WithLabelValues().Set(float64(model.Unknown))
		for _, sev := range severities {
			n := 0.0
			if sev == model.Unknown {
				n = 1
			}
			findings.WithLabelValues(severityLabel(sev)).Set(n)
		}
		return reg, nil
	}

	h := serverHealth(s)
	statusG.WithLabelValues().Set(float64(h.Status))
	count := map[model.Status]int{}
	for _, f := range h.Findings {
		count[f.Status]++
	}
	for _, sev := range severities {
		findings.WithLabelValues(severityLabel(sev)).Set(float64(count[sev]))
	}

	ent := []string{"feature", "css_date"}
	installed := gauge("entitlement_installed_licenses", "Licences installed per entitlement (uncounted ones are left out; see lsui_entitlement_uncounted).", ent...)
	uncounted := gauge("entitlement_uncounted", "1 for an entitlement whose licences are uncounted.", ent...)
	overdraft := gauge("entitlement_overdraft_licenses", "Overdraft licences per entitlement.", ent...)
	inUse := gauge("entitlement_in_use_licenses", "Licences in use per entitlement.", ent...)
	available := gauge("entitlement_available_licenses", "Installed + overdraft - in use, per entitlement.", ent...)
	thisMonth := gauge("entitlement_this_month_identities", "Distinct users and devices this calendar month per entitlement: the figure call-home reports.", ent...)
	peak := gauge("entitlement_peak_month_licenses", "Most licences checked out at once this month per entitlement (concurrent models).", ent...)
	seen := map[[2]string]bool{}
	for _, r := range s.EntitlementRecords() {
		k := [2]string{sanitize.Line(r.Feature), orDash(r.CSSDate)}
		if seen[k] {
			continue // one series per label set; the first is the one the table lists first
		}
		seen[k] = true
		thisMonth.WithLabelValues(k[:]...).Set(float64(r.ThisMonth))
		peak.WithLabelValues(k[:]...).Set(float64(r.PeakMonth))
		if r.InstalledUnknown {
			// No licence file says how many: no installed, overdraft or
			// available series rather than a misleading 0.
			inUse.WithLabelValues(k[:]...).Set(float64(r.InUse))
			continue
		}
		if r.Uncounted {
			uncounted.WithLabelValues(k[:]...).Set(1)
		} else {
			installed.WithLabelValues(k[:]...).Set(float64(r.Installed))
			available.WithLabelValues(k[:]...).Set(float64(r.Available))
			uncounted.WithLabelValues(k[:]...).Set(0)
		}
		overdraft.WithLabelValues(k[:]...).Set(float64(r.Overdraft))
		inUse.WithLabelValues(k[:]...).Set(float64(r.InUse))
	}

	exp := []string{"feature", "file", "line"}
	licenceDays := gauge("licence_expiry_days", "Days until a licence line expires (negative once expired); permanent lines are left out.", exp...)
	cssDays := gauge("css_date_days", "Days until a licence line's Customer Success Services date (negative once passed).", exp...)
	for _, r := range s.ExpirationRecords() {
		if r.Date == "permanent" {
			continue
		}
		// Label values must be valid UTF-8, and text from disk is sanitized anyway.
		labels := []string{sanitize.Line(r.Feature), sanitize.Line(r.File), strconv.Itoa(r.Line)}
		switch r.What {
		case "css":
			cssDays.WithLabelValues(labels...).Set(float64(r.DaysLeft))
		default:
			licenceDays.WithLabelValues(labels...).Set(float64(r.DaysLeft))
		}
	}

	age := gauge("last_upload_age_seconds", "Age of the last upload: stream lsui is lsui's last delivered payload, citrix the newest of Citrix call-home's upload_*.zip.", "stream")
	if t, ok := lastDelivered(s.Uploads); ok {
		age.WithLabelValues("lsui").Set(now.Sub(t).Seconds())
	}
	citrix, err := payload.ListCitrix(s.Layout.UsageDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Layout.UsageDir, err)
	}
	for i := len(citrix) - 1; i >= 0; i-- { // oldest first: the newest of Citrix's own
		if !citrix[i].Legacy { // an earlier lsui's payload waiting to be moved is not Citrix's
			age.WithLabelValues("citrix").Set(now.Sub(citrix[i].Time).Seconds())
			break
		}
	}
	return reg, nil
}

func severityLabel(s model.Status) string { return strings.ToLower(s.String()) }

// lastDelivered is the time of the newest payload the journal records as delivered.
func lastDelivered(list []uploads.Upload) (time.Time, bool) {
	var last time.Time
	for _, u := range list {
		if u.Outcome == uploads.Success && u.Time.After(last) {
			last = u.Time
		}
	}
	return last, !last.IsZero()
}
