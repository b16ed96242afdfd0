package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/scramble"
)

func newScrambleCommand(e *env, g *globalOptions) *cobra.Command {
	var citrix bool
	cmd := &cobra.Command{
		Use:   "scramble [--json] [--citrix] [NAME...]",
		Short: "print the pseudonyms names are uploaded as, or rotate the key (scramble rotate)",
		Long:  "Names come from the arguments, else one a line from standard input.",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runScramble(e, g, args, citrix))
		},
	}
	cmd.Flags().BoolVar(&citrix, "citrix", false, "also print Citrix's documented scramble (SHA-256, 128 bits, base64) and its 16-hex-digit form: unkeyed, so reversible with a name list")
	cmd.AddCommand(newScrambleRotateCommand(e, g))
	return takes(cmd, groupServer, groupJSON)
}

// rotateOptions are `lsui scramble rotate`'s own flags.
type rotateOptions struct {
	immediate bool
	yes       bool
	cancel    bool
}

func newScrambleRotateCommand(e *env, g *globalOptions) *cobra.Command {
	var opts rotateOptions
	cmd := &cobra.Command{
		Use:   "rotate [--immediate] [--yes] | rotate --cancel",
		Short: "rotate the scramble key, effective at the next calendar month; --cancel withdraws a pending rotation",
		Long: `Rotating changes every pseudonym: the cloud sees every user as new from then on.
On a terminal lsui asks first; in a script, pass --yes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.cancel {
				return status(runRotateCancel(e, g))
			}
			return status(runRotate(e, g, opts))
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.immediate, "immediate", false, "switch keys now instead of at the next calendar month")
	fs.BoolVarP(&opts.yes, "yes", "y", false, "rotate without asking (for scripts)")
	fs.BoolVar(&opts.cancel, "cancel", false, "withdraw a rotation that has not taken effect yet")
	cmd.MarkFlagsMutuallyExclusive("cancel", "immediate")
	cmd.MarkFlagsMutuallyExclusive("cancel", "yes")
	return takes(cmd, groupServer)
}

// maxStdinName caps one name read from stdin; AD names are far shorter.
const maxStdinName = 64 << 10

func runScramble(e *env, g *globalOptions, names []string, citrix bool) int {
	op, err := resolve(e, g)
	if err != nil {
		return fail(e, "scramble", err)
	}
	defer op.cleanup()
	layout := model.NewLayout(op.opts.Root)
	key, err := scramble.LoadKey(layout.ConfigDir, op.opts.Now)
	if errors.Is(err, scramble.ErrNoKey) {
		c, cerr := config.Read(layout.Config)
		if cerr == nil && c.Scramble {
			return fail(e, "scramble", fmt.Errorf("anonymization is on but %s is missing; uploads refuse to run until it is restored", scramble.KeyFilePath(layout.ConfigDir)))
		}
		key, err = scramble.PreviewKey(), nil
		fmt.Fprintln(e.stderr, "lsui: anonymization has never been turned on here, so these pseudonyms use a throwaway preview key that is not saved; they change on every run and match nothing uploaded.")
	}
	if err != nil {
		return fail(e, "scramble", err)
	}
	if key.PermissionNote != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", key.PermissionNote)
	}
	if len(names) == 0 {
		sc := bufio.NewScanner(e.stdin)
		sc.Buffer(make([]byte, 4096), maxStdinName)
		for sc.Scan() {
			if n := strings.TrimSpace(sc.Text()); n != "" {
				names = append(names, n)
			}
		}
		if err := sc.Err(); err != nil {
			return fail(e, "scramble", fmt.Errorf("stdin: %w", err))
		}
	}
	type row struct {
		Name      string `json:"name"`
		Pseudonym string `json:"pseudonym"`
		// With --citrix: Citrix's documented forms (scramble.CitrixBase64, CitrixHex16).
		CitrixBase64 string `json:"citrix_sha256_base64,omitempty"`
		CitrixHex16  string `json:"citrix_hex16,omitempty"`
	}
	rows := make([]row, 0, len(names))
	s := key.Scrambler()
	for _, n := range names {
		p, err := s.Pseudonym(n)
		if err != nil {
			fmt.Fprintf(e.stderr, "lsui scramble: %q: %v\n", sanitize.Line(n), err)
			return exitUsage
		}
		r := row{Name: n, Pseudonym: p}
		if citrix {
			r.CitrixBase64, r.CitrixHex16 = scramble.CitrixBase64(n), scramble.CitrixHex16(n)
		}
		rows = append(rows, r)
	}
	if g.json {
		if err := writeJSON(e.stdout, struct {
			Key   *scramble.Key `json:"key"`
			Names []row         `json:"names"`
		}{key, rows}); err != nil {
			return fail(e, "scramble", err)
		}
		return exitOK
	}
	for _, r := range rows {
		if citrix {
			fmt.Fprintf(e.stdout, "%s\t%s\tcitrix %s\t%s\n", sanitize.Line(r.Name), r.Pseudonym, r.CitrixBase64, r.CitrixHex16)
			continue
		}
		fmt.Fprintf(e.stdout, "%s\t%s\n", sanitize.Line(r.Name), r.Pseudonym)
	}
	if citrix {
		fmt.Fprintln(e.stderr, "lsui: the citrix columns are Citrix's documented scramble and its hex form: unkeyed hashes anyone with a list of names can reverse; lsui uploads the keyed pseudonym in the second column.")
	}
	return exitOK
}

func runRotate(e *env, g *globalOptions, opts rotateOptions) int {
	const cmd = "scramble rotate"
	op, err := resolve(e, g)
	if err != nil {
		return fail(e, cmd, err)
	}
	defer op.cleanup()
	layout := model.NewLayout(op.opts.Root)
	keyFile := layout.Rel(scramble.KeyFilePath(layout.ConfigDir))
	if op.opts.Demo {
		keyFile = demoRootLabel + "/" + keyFile
	}
	// Nothing to rotate is said before asking anything.
	if _, err := scramble.LoadKey(layout.ConfigDir, op.opts.Now); errors.Is(err, scramble.ErrNoKey) {
		return fail(e, cmd, fmt.Errorf("nothing to rotate: %s does not exist, because anonymization has never been on here (lsui config scramble on creates the key)", keyFile))
	} else if err != nil {
		return fail(e, cmd, err)
	}
	when := "at the start of the next calendar month, so this month stays consistent"
	if opts.immediate {
		when = "now, so this month's uploads will mix old and new pseudonyms"
	}
	fmt.Fprintf(e.stderr, "warning: rotating the scramble key changes every user's pseudonym: from then on the cloud sees every user as new, so month-to-month usage continuity breaks. The new key takes effect %s.\n", when)
	if !opts.yes {
		ok, err := confirm(e, "Rotate the scramble key?")
		if err != nil {
			return fail(e, cmd, err)
		}
		if !ok {
			fmt.Fprintln(e.stderr, "lsui scramble rotate: not rotated")
			return exitFail
		}
	}
	res, err := scramble.Rotate(layout.ConfigDir, op.opts.Now, op.opts.Location, opts.immediate)
	if err != nil {
		return fail(e, cmd, writeError(scramble.KeyFilePath(layout.ConfigDir), err))
	}
	noteDemoWrite(e, op)
	fmt.Fprintf(e.stdout, "rotated %s -> %s, effective %s\n", orDash(res.OldFingerprint), res.NewFingerprint, res.ActiveFrom.Format("2006-01-02T15:04:05Z07:00"))
	if res.CancelledFingerprint != "" {
		fmt.Fprintf(e.stdout, "cancelled pending key %s (never used)\n", res.CancelledFingerprint)
	}
	if !res.Immediate {
		fmt.Fprintln(e.stderr, "lsui scramble rotate --cancel withdraws it until then")
	}
	if res.PermissionNote != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", res.PermissionNote)
	}
	return exitOK
}

func runRotateCancel(e *env, g *globalOptions) int {
	const cmd = "scramble rotate --cancel"
	op, err := resolve(e, g)
	if err != nil {
		return fail(e, cmd, err)
	}
	defer op.cleanup()
	layout := model.NewLayout(op.opts.Root)
	res, err := scramble.CancelRotation(layout.ConfigDir, op.opts.Now)
	switch {
	case errors.Is(err, scramble.ErrNoPendingRotation):
		return fail(e, cmd, errors.New("no rotation is pending, so there is nothing to withdraw (a rotation already in effect cannot be undone)"))
	case errors.Is(err, scramble.ErrNoKey):
		return fail(e, cmd, errors.New("no rotation is pending: there is no scramble key (anonymization has never been on here)"))
	case err != nil:
		return fail(e, cmd, writeError(scramble.KeyFilePath(layout.ConfigDir), err))
	}
	noteDemoWrite(e, op)
	fmt.Fprintf(e.stdout, "withdrew pending key %s (was due %s); %s stays in effect\n", res.CancelledFingerprint,
		res.DueFrom.Format("2006-01-02T15:04:05Z07:00"), res.ActiveFingerprint)
	if res.PermissionNote != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", res.PermissionNote)
	}
	return exitOK
}
