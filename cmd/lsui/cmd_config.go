package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/scramble"
)

func newConfigCommand(e *env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config scramble [on|off] [--create]",
		Short: "show or change the UsageBasedBillingScramble (anonymization) setting",
		Args:  noSubcommand,
		RunE:  func(*cobra.Command, []string) error { return nil }, // Args refuses every call
	}
	cmd.AddCommand(newConfigScrambleCommand(e, g))
	return takes(cmd)
}

// configScrambleOptions are `lsui config scramble`'s own flags.
type configScrambleOptions struct {
	create bool
}

func newConfigScrambleCommand(e *env, g *globalOptions) *cobra.Command {
	var opts configScrambleOptions
	cmd := &cobra.Command{
		Use:       "scramble [on|off] [--create]",
		Short:     "show the anonymization setting, or turn it on (creating the scramble key) or off",
		Args:      cobra.MatchAll(cobra.MaximumNArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"on", "off"},
		RunE: func(cmd *cobra.Command, args []string) error {
			want := ""
			if len(args) == 1 {
				want = args[0]
			}
			return status(runConfigScramble(e, g, want, opts))
		},
	}
	cmd.Flags().BoolVar(&opts.create, "create", false, "create SimpleLicenseServiceConfig.xml when it does not exist")
	return takes(cmd, groupServer)
}

func runConfigScramble(e *env, g *globalOptions, want string, opts configScrambleOptions) int {
	create := opts.create
	op, err := resolve(e, g)
	if err != nil {
		return fail(e, "config scramble", err)
	}
	defer op.cleanup()
	layout := model.NewLayout(op.opts.Root)
	label := layout.Rel(layout.Config)
	if want != "" {
		noteDemoWrite(e, op)
	}
	c, err := config.Read(layout.Config)
	missing := errors.Is(err, fs.ErrNotExist)
	switch {
	case missing && want == "":
		fmt.Fprintf(e.stdout, "off (%s does not exist)\n", label)
		return exitOK
	case missing && !create:
		return fail(e, "config scramble", fmt.Errorf("%s does not exist; add --create to create it", layout.Config))
	case err != nil && !missing:
		return fail(e, "config scramble", err)
	}
	if want == "" {
		fmt.Fprintf(e.stdout, "%s (%s)\n", onOff(c.Scramble), c.Location())
		return exitOK
	}
	on := want == "on"
	var shown *config.Config
	if !missing {
		shown = c
	}
	// The key first, then the setting: scramble.SetAnonymization is the
	// one sequence this command and the Privacy tab share.
	ch, err := scramble.SetAnonymization(layout.ConfigDir, layout.Config, shown, on, op.opts.Now, nil)
	if err != nil {
		var se *scramble.SettingError
		if errors.As(err, &se) {
			err = writeError(se.Path, se.Err)
		}
		return fail(e, "config scramble", err)
	}
	if ch.KeyCreated {
		fmt.Fprintf(e.stderr, "created scramble key %s (fingerprint %s); keep it: losing it changes every pseudonym\n",
			layout.Rel(scramble.KeyFilePath(layout.ConfigDir)), ch.Key.Fingerprint())
	}
	if ch.Key != nil && ch.Key.PermissionNote != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", ch.Key.PermissionNote)
	}
	if ch.Created {
		fmt.Fprintf(e.stderr, "created %s\n", layout.Config)
		fmt.Fprintf(e.stdout, "%s (%s)\n", want, label)
		return exitOK
	}
	if ch.Unchanged {
		fmt.Fprintf(e.stdout, "%s (%s, unchanged)\n", want, c.Location())
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s (%s; previous file kept as %s.bak)\n", want, c.Location(), filepath.Base(layout.Config))
	return exitOK
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
