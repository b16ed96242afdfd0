package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/textfmt"
)

// uploadOptions are `lsui upload`'s own flags.
type uploadOptions struct {
	endpoint string
	ca       string
	proxy    string
	timeout  time.Duration
	attempts int
}

func newUploadCommand(e *env, g *globalOptions) *cobra.Command {
	var f uploadOptions
	cmd := &cobra.Command{
		Use:   "upload [--endpoint URL] [--ca FILE] [--proxy URL] [--timeout D] [--attempts N] [--json]",
		Short: "run one upload cycle: build today's payload, upload it, prune old payloads",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if f.attempts < 1 {
				return usagef("--attempts must be at least 1")
			}
			if f.timeout <= 0 {
				return usagef("--timeout must be positive, like 2m or 90s")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runUpload(e, g, f))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.endpoint, "endpoint", "", "upload `URL` (https; http only to loopback); default: \"endpoint\" in lsui.json")
	fs.StringVar(&f.ca, "ca", "", "also trust the CA certificates in PEM `FILE`")
	fs.StringVar(&f.proxy, "proxy", "", "proxy `URL` (default: HTTPS_PROXY / NO_PROXY)")
	fs.DurationVar(&f.timeout, "timeout", payload.DefaultTimeout, "time allowed for each request `D`")
	fs.IntVar(&f.attempts, "attempts", payload.DefaultMaxAttempts, "POST each payload at most `N` times (backoff with jitter between)")
	return takes(cmd, groupServer, groupSources, groupLmstat, groupJSON)
}

func runUpload(e *env, g *globalOptions, f uploadOptions) int {
	// The cycle's build reads the report's identities once, in order, as
	// payload build does (model.Options.IdentitiesOnDemand).
	s, cleanup, err := load(e, g, func(o *model.Options) { o.IdentitiesOnDemand = true })
	if err != nil {
		return fail(e, "upload", err)
	}
	defer cleanup()
	endpoint := f.endpoint
	if endpoint == "" && s.Settings != nil {
		endpoint = s.Settings.Endpoint
	}
	if endpoint == "" && s.Demo {
		// The demo's lsui.json lives in a folder deleted at exit: pointing
		// there would send the user to edit a file that is about to vanish.
		fmt.Fprintln(e.stderr, "lsui upload: the demo server has no endpoint: pass --endpoint URL (for a local one, run lsui receive --listen 127.0.0.1:8443 --dir DIR and use --endpoint http://127.0.0.1:8443/)")
		return exitUsage
	}
	if endpoint == "" {
		where := model.SettingsFileName + " beside " + model.ConfigFileName
		if s.Settings != nil && s.Settings.Path() != "" {
			where = s.Settings.Path()
		}
		fmt.Fprintf(e.stderr, "lsui upload: no endpoint: pass --endpoint https://… or set \"endpoint\" in %s\n", sanitize.Line(where))
		return exitUsage
	}
	if _, err := payload.CheckEndpoint(endpoint); err != nil {
		fmt.Fprintf(e.stderr, "lsui upload: %s\n", sanitize.Line(err.Error()))
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := payload.RunCycle(ctx, s, payload.CycleOptions{
		Endpoint:    endpoint,
		CAFile:      f.ca,
		Proxy:       f.proxy,
		Timeout:     f.timeout,
		MaxAttempts: f.attempts,
		Now:         g.Now(),
		Progress:    progressPrinter(e),
		Hook:        cycleFaultHook, // nil outside the crash harness; see faultseam.go
	})
	if err != nil && errors.Is(err, payload.ErrEndpoint) {
		fmt.Fprintf(e.stderr, "lsui upload: %s\n", sanitize.Line(err.Error()))
		return exitUsage
	}
	if g.json {
		out := struct {
			*payload.CycleResult
			OK    bool   `json:"ok"`
			Error string `json:"error,omitempty"`
		}{CycleResult: res, OK: err == nil && res.OK()}
		if err != nil {
			out.Error = err.Error()
		}
		if werr := writeJSON(e.stdout, out); werr != nil && err == nil {
			err = werr
		}
	} else {
		printCycle(e, res)
	}
	if err != nil {
		return fail(e, "upload", err)
	}
	if !res.OK() {
		return exitFail
	}
	return exitOK
}

// progressPrinter turns cycle progress into a few lines on stderr: one per
// phase, per attempt, per quarter of the body sent and per retry wait.
func progressPrinter(e *env) func(payload.Progress) {
	lastQuarter := -1
	return func(p payload.Progress) {
		switch p.Phase {
		case payload.PhaseBuilding:
			fmt.Fprintf(e.stderr, "building %s\n", p.File)
		case payload.PhaseUploading:
			switch {
			case p.RetryIn > 0 || p.LastError != "":
				fmt.Fprintf(e.stderr, "  attempt %d/%d failed: %s; retrying in %s\n", p.Attempt, p.MaxAttempts,
					sanitize.Line(p.LastError), p.RetryIn.Round(100*time.Millisecond))
				lastQuarter = -1
			case p.Sent == 0:
				fmt.Fprintf(e.stderr, "uploading %s (%s), attempt %d/%d\n", p.File, textfmt.Bytes(p.Total), p.Attempt, p.MaxAttempts)
				lastQuarter = 0
			case p.Total > 0:
				if q := int(p.Sent * 4 / p.Total); q > lastQuarter {
					lastQuarter = q
					fmt.Fprintf(e.stderr, "  %3d%% sent\n", q*25)
				}
			}
		case payload.PhasePruning:
			fmt.Fprintln(e.stderr, "pruning")
		}
	}
}

func printCycle(e *env, res *payload.CycleResult) {
	if res == nil {
		return
	}
	for _, a := range res.Uploaded {
		label := a.File
		if a.Backlog {
			label += " (an earlier month's)"
		}
		switch {
		case a.Outcome == uploads.Success:
			fmt.Fprintf(e.stdout, "%s: delivered (HTTP %d) after %s\n", label, a.Status, textfmt.Plural(a.Attempts, "attempt"))
		case a.Attempts == 0:
			fmt.Fprintf(e.stdout, "%s: kept for the next cycle: %s\n", label, sanitize.Line(a.Err))
		default:
			fmt.Fprintf(e.stdout, "%s: failed after %s: %s; kept for the next cycle\n", label,
				textfmt.Plural(a.Attempts, "attempt"), sanitize.Line(a.Err))
		}
	}
	for _, m := range res.Moved {
		fmt.Fprintln(e.stdout, sanitize.Line(m))
	}
	for _, d := range res.Deleted {
		fmt.Fprintf(e.stdout, "deleted %s\n", d)
	}
	for _, d := range res.DeleteErrors {
		fmt.Fprintf(e.stdout, "could not delete %s (tried again next cycle)\n", sanitize.Line(d))
	}
	if len(res.Kept) > 0 {
		fmt.Fprintf(e.stdout, "on disk: %s, newest %s\n", textfmt.Plural(len(res.Kept), "payload"), res.Kept[len(res.Kept)-1])
	}
}

// backlogWarns says when failed uploads have piled up: two or more, or one
// older than a day (a single fresh failure is routine and the next daily
// cycle sends it).
func backlogWarns(b uploads.Backlog, now time.Time) bool {
	return b.Count >= 2 || (b.Count == 1 && now.Sub(b.Oldest) > 24*time.Hour)
}

// payloadRecord is one payload in `lsui payload list --json`.
type payloadRecord struct {
	File       string          `json:"file"`
	Time       time.Time       `json:"time"`
	Outcome    uploads.Outcome `json:"outcome"`
	Size       int64           `json:"size"`
	AgeSeconds int64           `json:"age_seconds"`
	Attempts   int             `json:"attempts,omitempty"`
	Status     int             `json:"status,omitempty"`
	Error      string          `json:"error,omitempty"`
}

type backlogRecord struct {
	Count            int        `json:"count"`
	Bytes            int64      `json:"bytes"`
	Oldest           *time.Time `json:"oldest,omitempty"`
	OldestAgeSeconds int64      `json:"oldest_age_seconds,omitempty"`
}

func newPayloadListCommand(e *env, g *globalOptions) *cobra.Command {
	var topts tableOptions
	cmd := &cobra.Command{
		Use:   "list [--json] [--wide]",
		Short: "the upload zips with outcome, size and age; warns when failed uploads pile up",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runPayloadList(e, g, topts))
		},
	}
	topts.addFlags(cmd.Flags())
	return takes(cmd, groupServer, groupJSON)
}

func runPayloadList(e *env, g *globalOptions, topts tableOptions) int {
	op, err := resolve(e, g)
	if err != nil {
		return fail(e, "payload list", err)
	}
	defer op.cleanup()
	layout := model.NewLayout(op.opts.Root)
	now := op.opts.Now
	lsuiDir := uploads.Dir(layout.UsageDir) // lsui's own stream; Citrix's zips are not lsui's to list as uploads
	// A folder that cannot be read fails; a journal that cannot be read
	// is a warning, and the zips are listed without outcomes.
	if _, err := os.ReadDir(lsuiDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(e, "payload list", err)
	}
	list, _, jerr := uploads.List(lsuiDir)
	// Citrix's own call-home zips, beside lsui's folder: listed apart and
	// read-only (lsui never uploads, moves or deletes them), as the
	// dashboard's Uploads tab shows both.
	citrix, cerr := payload.ListCitrix(layout.UsageDir)
	b := uploads.FailedBacklog(list)
	warning := ""
	if backlogWarns(b, now) {
		warning = fmt.Sprintf("%s waiting on disk (%s, the oldest from %s); they stay until an upload succeeds",
			textfmt.Plural(b.Count, "failed upload"), textfmt.Bytes(b.Bytes), textfmt.Age(now, b.Oldest))
	}
	if g.json {
		out := struct {
			Dir          string          `json:"dir"`
			Uploads      []payloadRecord `json:"uploads"`
			Failed       backlogRecord   `json:"failed"`
			Warning      string          `json:"warning,omitempty"`
			JournalError string          `json:"journal_error,omitempty"`
			CitrixDir    string          `json:"citrix_dir"`
			Citrix       []citrixRecord  `json:"citrix"`
			CitrixError  string          `json:"citrix_error,omitempty"`
		}{Dir: layout.Rel(lsuiDir), Uploads: []payloadRecord{}, Warning: warning, CitrixDir: layout.Rel(layout.UsageDir), Citrix: []citrixRecord{}}
		for _, u := range citrix {
			out.Citrix = append(out.Citrix, citrixRecord{CitrixUpload: u, AgeSeconds: int64(now.Sub(u.Time).Seconds())})
		}
		if cerr != nil {
			out.CitrixError = cerr.Error()
		}
		for _, u := range list {
			r := payloadRecord{File: u.Name, Time: u.Time, Outcome: u.Outcome, Size: u.Size, AgeSeconds: int64(now.Sub(u.Time).Seconds())}
			if u.Record != nil {
				r.Attempts, r.Status, r.Error = u.Record.Attempts, u.Record.Status, u.Record.Error
			}
			out.Uploads = append(out.Uploads, r)
		}
		out.Failed = backlogRecord{Count: b.Count, Bytes: b.Bytes}
		if b.Count > 0 {
			oldest := b.Oldest
			out.Failed.Oldest, out.Failed.OldestAgeSeconds = &oldest, int64(now.Sub(b.Oldest).Seconds())
		}
		if jerr != nil {
			out.JournalError = jerr.Error()
		}
		if err := writeJSON(e.stdout, out); err != nil {
			return fail(e, "payload list", err)
		}
	} else {
		t := newTable(
			column{title: "FILE", cut: cutTail},
			column{title: "OUTCOME"},
			column{title: "SIZE", right: true},
			column{title: "AGE", right: true},
			column{title: "ATTEMPTS", right: true, drop: 1},
			column{title: "NOTE", cut: cutTail},
		)
		for _, u := range list {
			outcome, attempts, note := string(u.Outcome), "-", ""
			if u.Outcome == uploads.Unknown {
				outcome = "unknown"
			}
			if u.Record != nil {
				if u.Record.Attempts > 0 {
					attempts = fmt.Sprint(u.Record.Attempts)
				}
				note = u.Record.Error
			}
			t.add(sanitize.Line(u.Name), outcome, textfmt.Bytes(u.Size), textfmt.Age(now, u.Time), attempts, sanitize.Line(note))
		}
		t.write(e.stdout, topts.width(e))
		if len(list) == 0 {
			fmt.Fprintf(e.stdout, "no payloads in %s\n", layout.Rel(lsuiDir))
		}
		printCitrixUploads(e, layout, citrix, now, topts.width(e))
	}
	if cerr != nil {
		fmt.Fprintf(e.stderr, "warning: Citrix's uploads: %s\n", sanitize.Line(cerr.Error()))
	}
	if jerr != nil {
		fmt.Fprintf(e.stderr, "warning: %s\n", sanitize.Line(jerr.Error()))
	}
	if warning != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", warning)
	}
	return exitOK
}

// citrixRecord is one of Citrix's uploads in payload list --json.
type citrixRecord struct {
	payload.CitrixUpload
	AgeSeconds int64 `json:"age_seconds"`
}

// printCitrixUploads lists Citrix's call-home zips under their own
// heading, so none is mistaken for one of lsui's.
func printCitrixUploads(e *env, layout model.Layout, list []payload.CitrixUpload, now time.Time, width int) {
	fmt.Fprintf(e.stdout, "\nCitrix's call-home uploads in %s (Citrix's, read-only to lsui):\n", layout.Rel(layout.UsageDir))
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "none")
		return
	}
	t := newTable(
		column{title: "FILE", cut: cutTail},
		column{title: "OUTCOME", cut: cutTail},
		column{title: "SIZE", right: true},
		column{title: "AGE", right: true},
	)
	for _, u := range list {
		t.add(sanitize.Line(u.Name), u.Outcome, textfmt.Bytes(u.Size), textfmt.Age(now, u.Time))
	}
	t.write(e.stdout, width)
}
