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
	return takes(cmd, groupServer, groupSources, groupJSON)
}

func runUpload(e *env, g *globalOptions, f uploadOptions) int {
	s, cleanup, err := load(e, g, nil)
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
				fmt.Fprintf(e.stderr, "uploading %s (%s), attempt %d/%d\n", p.File, byteSize(p.Total), p.Attempt, p.MaxAttempts)
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
			fmt.Fprintf(e.stdout, "%s: delivered (HTTP %d) after %d attempt%s\n", label, a.Status, a.Attempts, plural(a.Attempts))
		case a.Attempts == 0:
			fmt.Fprintf(e.stdout, "%s: kept for the next cycle: %s\n", label, sanitize.Line(a.Err))
		default:
			fmt.Fprintf(e.stdout, "%s: failed after %d attempt%s: %s; kept for the next cycle\n", label, a.Attempts,
				plural(a.Attempts), sanitize.Line(a.Err))
		}
	}
	for _, d := range res.Deleted {
		fmt.Fprintf(e.stdout, "deleted %s\n", d)
	}
	for _, d := range res.DeleteErrors {
		fmt.Fprintf(e.stdout, "could not delete %s (tried again next cycle)\n", sanitize.Line(d))
	}
	if len(res.Kept) > 0 {
		fmt.Fprintf(e.stdout, "on disk: %d payload%s, newest %s\n", len(res.Kept), plural(len(res.Kept)), res.Kept[len(res.Kept)-1])
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// byteSize prints a size the way admins read them: 512 B, 3.4 KB, 12.0 MB.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTP"[exp])
}

// ageOf is a short age: 45s, 12m, 5h, 3d 4h.
func ageOf(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
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
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "the upload zips with outcome, size and age; warns when failed uploads pile up",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runPayloadList(e, g))
		},
	}
	return takes(cmd, groupServer, groupJSON)
}

func runPayloadList(e *env, g *globalOptions) int {
	op, err := resolve(e, g)
	if err != nil {
		return fail(e, "payload list", err)
	}
	defer op.cleanup()
	layout := model.NewLayout(op.opts.Root)
	now := op.opts.Now
	// A folder that cannot be read fails; a journal that cannot be read
	// is a warning, and the zips are listed without outcomes.
	if _, err := os.ReadDir(layout.UsageDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(e, "payload list", err)
	}
	list, _, jerr := uploads.List(layout.UsageDir)
	b := uploads.FailedBacklog(list)
	warning := ""
	if backlogWarns(b, now) {
		warning = fmt.Sprintf("%d failed upload%s waiting on disk (%s, oldest %s old); they stay until an upload succeeds",
			b.Count, plural(b.Count), byteSize(b.Bytes), ageOf(now.Sub(b.Oldest)))
	}
	if g.json {
		out := struct {
			Dir          string          `json:"dir"`
			Uploads      []payloadRecord `json:"uploads"`
			Failed       backlogRecord   `json:"failed"`
			Warning      string          `json:"warning,omitempty"`
			JournalError string          `json:"journal_error,omitempty"`
		}{Dir: layout.Rel(layout.UsageDir), Uploads: []payloadRecord{}, Warning: warning}
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
		t := newTable(e.stdout)
		fmt.Fprintln(t, "FILE\tOUTCOME\tSIZE\tAGE\tATTEMPTS\tNOTE")
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
			fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Name, outcome, byteSize(u.Size), ageOf(now.Sub(u.Time)), attempts,
				sanitize.Truncate(note, 60))
		}
		t.Flush()
		if len(list) == 0 {
			fmt.Fprintf(e.stdout, "no payloads in %s\n", layout.Rel(layout.UsageDir))
		}
	}
	if jerr != nil {
		fmt.Fprintf(e.stderr, "warning: %s\n", sanitize.Line(jerr.Error()))
	}
	if warning != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", warning)
	}
	return exitOK
}
