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
	var shown *config.Config
	if !missing {
		shown = c
	}
	// The key first, then the setting: scramble.SetAnonymization is the
	// one sequence this command and the Privacy tab share.
	ch, err := scramble.SetAnonymization(layout.ConfigDir, layout.Config, shown, on, op.opts.Now, nil)
	if err != nil {
		return fail(e, "config", err)
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
