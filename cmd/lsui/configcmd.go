package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/scramble"
)

func init() {
	var create bool
	register(&command{
		name:    "config",
		summary: "show or change the UsageBasedBillingScramble (anonymization) setting",
		usage:   "scramble [on|off] [--create]",
		flags: func(fs *flagSet) {
			fs.BoolVar(&create, "create", false, "create SimpleLicenseServiceConfig.xml when it does not exist")
		},
		run: func(e *env, o *options, args []string) int { return runConfig(e, o, args, create) },
	})
}

func runConfig(e *env, o *options, args []string, create bool) int {
	if len(args) == 0 || args[0] != "scramble" || len(args) > 2 {
		fmt.Fprintln(e.stderr, "lsui config: usage: lsui config scramble [on|off] [--create]")
		return exitUsage
	}
	want := ""
	if len(args) == 2 {
		want = args[1]
		if want != "on" && want != "off" {
			fmt.Fprintf(e.stderr, "lsui config: %q: want on or off\n", want)
			return exitUsage
		}
	}
	op, err := resolve(e, o)
	if err != nil {
		return fail(e, "config", err)
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
		return fail(e, "config", fmt.Errorf("%s does not exist; add --create to create it", layout.Config))
	case err != nil && !missing:
		return fail(e, "config", err)
	}
	if want == "" {
		fmt.Fprintf(e.stdout, "%s (%s)\n", onOff(c.Scramble), c.Location())
		return exitOK
	}
	on := want == "on"
	if on {
		// The key must exist before names are scrambled with it; without it
		// uploads would refuse to run.
		key, created, err := scramble.EnsureKey(layout.ConfigDir, op.opts.Now)
		if err != nil {
			return fail(e, "config", err)
		}
		if created {
			fmt.Fprintf(e.stderr, "created scramble key %s (fingerprint %s); keep it: losing it changes every pseudonym\n",
				layout.Rel(scramble.KeyFilePath(layout.ConfigDir)), key.Fingerprint())
		}
		if key.PermissionNote != "" {
			fmt.Fprintf(e.stderr, "warning: %s\n", key.PermissionNote)
		}
	}
	if missing {
		if _, err := config.Create(layout.Config, on); err != nil {
			return fail(e, "config", err)
		}
		fmt.Fprintf(e.stderr, "created %s\n", layout.Config)
		fmt.Fprintf(e.stdout, "%s (%s)\n", want, label)
		return exitOK
	}
	if c.Scramble == on && (c.Present || !on) {
		fmt.Fprintf(e.stdout, "%s (%s, unchanged)\n", want, c.Location())
		return exitOK
	}
	if err := c.Write(on); err != nil {
		return fail(e, "config", err)
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
