package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/scramble"
)

func init() {
	var immediate bool
	register(&command{
		name:    "scramble",
		summary: "print the pseudonyms names are uploaded as, or rotate the key (scramble rotate)",
		usage:   "[--json] [--citrix] [NAME...] | rotate [--immediate]",
		flags: func(fs *flagSet) {
			fs.BoolVar(&immediate, "immediate", false, "with rotate: switch keys now instead of at the next calendar month")
			fs.BoolVar(&scrambleCitrix, "citrix", false, "also print Citrix's documented scramble (SHA-256, 128 bits, base64) and its 16-hex-digit form: unkeyed, so reversible with a name list")
		},
		run: func(e *env, o *options, args []string) int {
			if len(args) > 0 && args[0] == "rotate" {
				return runRotate(e, o, args[1:], immediate)
			}
			return runScramble(e, o, args)
		},
	})
}

// scrambleCitrix is --citrix.
var scrambleCitrix bool

// maxStdinName caps one name read from stdin; AD names are far shorter.
const maxStdinName = 64 << 10

func runScramble(e *env, o *options, names []string) int {
	op, err := resolve(e, o)
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
		if scrambleCitrix {
			r.CitrixBase64, r.CitrixHex16 = scramble.CitrixBase64(n), scramble.CitrixHex16(n)
		}
		rows = append(rows, r)
	}
	if o.json {
		if err := writeJSON(e.stdout, struct {
			Key   *scramble.Key `json:"key"`
			Names []row         `json:"names"`
		}{key, rows}); err != nil {
			return fail(e, "scramble", err)
		}
		return exitOK
	}
	for _, r := range rows {
		if scrambleCitrix {
			fmt.Fprintf(e.stdout, "%s\t%s\tcitrix %s\t%s\n", sanitize.Line(r.Name), r.Pseudonym, r.CitrixBase64, r.CitrixHex16)
			continue
		}
		fmt.Fprintf(e.stdout, "%s\t%s\n", sanitize.Line(r.Name), r.Pseudonym)
	}
	if scrambleCitrix {
		fmt.Fprintln(e.stderr, "lsui: the citrix columns are Citrix's documented scramble and its hex form: unkeyed hashes anyone with a list of names can reverse; lsui uploads the keyed pseudonym in the second column.")
	}
	return exitOK
}

func runRotate(e *env, o *options, args []string, immediate bool) int {
	if len(args) > 0 {
		fmt.Fprintln(e.stderr, "lsui scramble: usage: lsui scramble rotate [--immediate]")
		return exitUsage
	}
	op, err := resolve(e, o)
	if err != nil {
		return fail(e, "scramble rotate", err)
	}
	defer op.cleanup()
	noteDemoWrite(e, op)
	layout := model.NewLayout(op.opts.Root)
	res, err := scramble.Rotate(layout.ConfigDir, op.opts.Now, op.opts.Location, immediate)
	if err != nil {
		return fail(e, "scramble rotate", err)
	}
	when := "now"
	if !res.Immediate {
		when = "at the start of the next calendar month (" + res.ActiveFrom.Format("2006-01-02 15:04 MST") + "), so this month stays consistent"
	}
	fmt.Fprintf(e.stderr, "warning: rotating the scramble key changes every user's pseudonym: from then on the cloud sees every user as new, so month-to-month usage continuity breaks. The new key takes effect %s.\n", when)
	if res.Immediate {
		fmt.Fprintln(e.stderr, "warning: --immediate: this month's uploads will mix old and new pseudonyms.")
	}
	fmt.Fprintf(e.stdout, "rotated %s -> %s, effective %s\n", orDash(res.OldFingerprint), res.NewFingerprint, res.ActiveFrom.Format("2006-01-02T15:04:05Z07:00"))
	if res.CancelledFingerprint != "" {
		fmt.Fprintf(e.stdout, "cancelled pending key %s (never used)\n", res.CancelledFingerprint)
	}
	if res.PermissionNote != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", res.PermissionNote)
	}
	return exitOK
}
