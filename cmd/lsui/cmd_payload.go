package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/scramble"
)

// inspectTimeout bounds `lsui payload inspect`: a real payload takes well
// under a second, and a hostile one must not hold a scheduled job forever.
const inspectTimeout = 2 * time.Minute

func newPayloadCommand(e *env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "payload build|inspect|list",
		Short: "build a payload without uploading, inspect any payload zip, or list the uploads on disk",
		Args:  noSubcommand,
		RunE:  func(*cobra.Command, []string) error { return nil }, // Args refuses every call
	}
	cmd.AddCommand(newPayloadBuildCommand(e, g), newPayloadInspectCommand(e, g), newPayloadListCommand(e, g))
	return takes(cmd)
}

// payloadBuildOptions are `lsui payload build`'s own flags.
type payloadBuildOptions struct {
	out   string
	force bool
}

func newPayloadBuildCommand(e *env, g *globalOptions) *cobra.Command {
	var opts payloadBuildOptions
	cmd := &cobra.Command{
		Use:   "build [--out FILE [--force]] [--json]",
		Short: "build today's payload without uploading it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runPayloadBuild(e, g, opts))
		},
	}
	cmd.Flags().StringVar(&opts.out, "out", "", "write the payload to `FILE` (default: LS/resource/usage/lsui/upload_<unix>.zip)")
	cmd.Flags().BoolVar(&opts.force, "force", false, "let --out replace an existing file that is not an lsui payload")
	return takes(cmd, groupServer, groupSources, groupLmstat, groupJSON)
}

func runPayloadBuild(e *env, g *globalOptions, opts payloadBuildOptions) int {
	const cmd = "payload build"
	out := opts.out
	if out != "" {
		// Said before the server is read, and naming the file asked for.
		if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
			fmt.Fprintf(e.stderr, "lsui %s: --out %s: the folder %s does not exist; create it or write elsewhere\n", cmd, out, filepath.Dir(out))
			return exitFail
		}
		if err := checkOutTarget(out, opts.force); err != nil {
			fmt.Fprintf(e.stderr, "lsui %s: --out %s: %s\n", cmd, sanitize.Line(out), sanitize.Line(err.Error()))
			return exitFail
		}
	}
	// Build reads the report's identities once, in order: a million of
	// them need not be held twice (model.Options.IdentitiesOnDemand).
	s, cleanup, err := load(e, g, func(o *model.Options) { o.IdentitiesOnDemand = true })
	if err != nil {
		return fail(e, cmd, err)
	}
	defer cleanup()
	if s.Demo && out == "" {
		fmt.Fprintf(e.stderr, "lsui %s: the demo server is a temporary copy deleted on exit; add --out FILE to keep the payload\n", cmd)
		return exitUsage
	}
	var key *scramble.Key
	if s.Config != nil && s.Config.Scramble {
		key, err = scramble.LoadKey(s.Layout.ConfigDir, g.Now())
		if err != nil {
			hint := ""
			if errors.Is(err, scramble.ErrNoKey) {
				hint = " (lsui config scramble on creates one)"
			}
			return fail(e, cmd, fmt.Errorf("anonymization is on but the scramble key cannot be loaded: %w%s", err, hint))
		}
	}
	built, err := payload.Build(context.Background(), s, payload.BuildOptions{Now: g.Now(), Out: out, Key: key})
	if err != nil {
		if out != "" {
			err = writeError(out, err)
		}
		return fail(e, cmd, err)
	}
	if g.json {
		err = writeJSON(e.stdout, struct {
			Path     string           `json:"path"`
			Size     int64            `json:"size"`
			SHA256   string           `json:"sha256"`
			Manifest payload.Manifest `json:"manifest"`
		}{built.Path, built.Size, built.SHA256, built.Manifest})
	} else {
		anon := "off (identities are plain names)"
		if a := built.Manifest.Anonymization; a.Enabled {
			anon = "on, key fingerprint " + a.KeyFingerprint
		}
		fmt.Fprintln(e.stdout, sanitize.Line(built.Path))
		fmt.Fprintf(e.stdout, "size:          %d bytes\n", built.Size)
		fmt.Fprintf(e.stdout, "sha256:        %s\n", built.SHA256)
		fmt.Fprintf(e.stdout, "month:         %s (%s)\n", built.Manifest.Month, sanitize.Line(built.Manifest.Timezone))
		fmt.Fprintf(e.stdout, "anonymization: %s\n", anon)
	}
	warnProblems(e, s)
	if err != nil {
		return fail(e, cmd, err)
	}
	return exitOK
}

// checkOutTarget refuses to let --out replace a file lsui did not write:
// an existing target must be an lsui payload (a zip with lsui's
// manifest), unless force; anything but a regular file is refused even
// then. Build itself writes a temporary file, syncs it and renames it
// over the target, so a failed build leaves the old file as it was.
func checkOutTarget(path string, force bool) error {
	st, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return plainReason(err)
	}
	if !st.Mode().IsRegular() {
		return errors.New("exists and is not a regular file; choose another name")
	}
	if force {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), inspectTimeout)
	defer cancel()
	if payload.IsLSUIPayload(ctx, path) {
		return nil
	}
	return errors.New("exists and is not an lsui payload; choose another name, or add --force to replace it")
}

// payloadInspectOptions are `lsui payload inspect`'s own flags.
type payloadInspectOptions struct {
	list  bool
	table tableOptions
}

func newPayloadInspectCommand(e *env, g *globalOptions) *cobra.Command {
	var opts payloadInspectOptions
	cmd := &cobra.Command{
		Use:   "inspect [--json] [--list] [--wide] FILE",
		Short: "check any payload zip safely (nothing is extracted); exit 1 when it is rejected",
		Args:  exactlyOne("FILE", "the zip to inspect"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runPayloadInspect(e, g, args[0], opts))
		},
	}
	opts.table.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&opts.list, "list", false, "check the directory and layout and list the entries, reading no content (verdict LISTED or REJECTED)")
	return takes(cmd, groupJSON)
}

// runPayloadInspect inspects a zip; with list, only its first phase (the
// directory, names, sizes, ratios and layout: what `unzip -l` reads), so
// the verdict is LISTED, never OK.
func runPayloadInspect(e *env, g *globalOptions, file string, opts payloadInspectOptions) int {
	const cmd = "payload inspect"
	list := opts.list
	ctx, cancel := context.WithTimeout(context.Background(), inspectTimeout)
	defer cancel()
	scanned := payload.ScanFile(ctx, file, payload.DefaultLimits)
	defer scanned.Close()
	rep := scanned.Listing()
	if !list {
		rep = scanned.Verify(ctx, nil)
	}
	if g.json {
		if err := writeJSON(e.stdout, rep); err != nil {
			return fail(e, cmd, err)
		}
	} else {
		printInspection(e.stdout, rep, opts.table.width(e))
	}
	if rep.State == payload.StateRejected || rep.Format == payload.FormatUnknown {
		return exitFail
	}
	return exitOK
}

// printInspection writes the verdict first, so a script or a glance at the
// first line has the answer, then what the payload says it is, the
// problems and the entries.
func printInspection(w io.Writer, rep *payload.Report, width int) {
	fmt.Fprintln(w, sanitize.Line(rep.Verdict()))
	fmt.Fprintf(w, "file:          %s\n", sanitize.Line(rep.File))
	if rep.Citrix != nil {
		for _, l := range rep.Citrix.Lines() {
			fmt.Fprintln(w, sanitize.Line(l))
		}
	}
	if m := rep.Manifest; m != nil {
		version := m.Server.Version
		if version == "" {
			version = "unknown"
		}
		fmt.Fprintf(w, "server:        %s (id %s, licence server %s)\n",
			orDash(sanitize.Line(m.Server.Host)), orDash(sanitize.Line(m.Server.ID)), sanitize.Line(version))
		fmt.Fprintf(w, "generated:     %s\n", sanitize.Line(m.Generated))
		fmt.Fprintf(w, "month:         %s (%s)\n", sanitize.Line(m.Month), sanitize.Line(m.Timezone))
		anon := "off"
		if m.Anonymization.Enabled {
			anon = "on, key fingerprint " + sanitize.Line(m.Anonymization.KeyFingerprint)
		}
		fmt.Fprintf(w, "anonymization: %s\n", anon)
	}
	s := rep.Summary
	if rep.Format == payload.FormatCitrix || rep.Format == payload.FormatUnknown {
		// lsui's counts do not apply; the Citrix lines above say what it holds.
	} else if rep.State == payload.StateListed || (rep.State == payload.StateRejected && !anyRead(rep)) {
		fmt.Fprintln(w, "contents:      not read")
	} else {
		fmt.Fprintf(w, "contents:      %d licence files, %d licence lines, %d features used, %d identities (%d plain names)\n",
			s.LicenceFiles, s.Licenses, s.Features, s.Identities, s.PlaintextIdentitiesFound)
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(w, "\nproblems:")
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  - %s\n", sanitize.Line(p))
		}
	}
	if len(rep.Entries) == 0 {
		return
	}
	fmt.Fprintln(w)
	t := newTable(
		column{title: "CHECK"},
		column{title: "SIZE", right: true},
		column{title: "COMPRESSED", right: true, drop: 2},
		column{title: "METHOD", drop: 1},
		column{title: "SHA-256", cut: cutTail, drop: 3},
		column{title: "NAME", cut: cutTail},
	)
	for _, en := range rep.Entries {
		check := en.Check
		if en.Symlink {
			check += ",symlink"
		}
		if en.Dir {
			check += ",folder"
		}
		t.add(check, strconv.FormatInt(en.Size, 10), strconv.FormatInt(en.Compressed, 10), sanitize.Line(en.Method),
			orDash(en.SHA256), quoteIfOdd(en.Name))
	}
	t.write(w, width)
}

// anyRead says some entry's content was read.
func anyRead(rep *payload.Report) bool {
	for _, e := range rep.Entries {
		if e.Read {
			return true
		}
	}
	return false
}

// quoteIfOdd shows a plain name as is and any name that sanitizing would
// change (control characters, bidi marks, invalid UTF-8) Go-quoted, so the
// admin sees exactly which bytes are there.
func quoteIfOdd(name string) string {
	if name != "" && sanitize.Line(name) == name && !strings.ContainsAny(name, "\t ") {
		return name
	}
	return sanitize.Line(fmt.Sprintf("%q", name))
}
