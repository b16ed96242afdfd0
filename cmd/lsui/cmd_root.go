package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// newRootCommand builds the whole command tree for one run. The root
// itself is the dashboard.
func newRootCommand(e *env) *cobra.Command {
	g := &globalOptions{}
	root := newDashboardCommand(e, g)
	root.Version = version()
	root.SetVersionTemplate("lsui {{.Version}}\n")
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SuggestionsMinimumDistance = 2
	g.addFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err.Error()} })
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { printHelp(c.OutOrStdout(), c) })
	root.SetUsageFunc(func(c *cobra.Command) error { printHelp(c.OutOrStderr(), c); return nil })
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkForeignFlags(cmd); err != nil {
			return err
		}
		if err := g.finish(e); err != nil {
			return err
		}
		if cmd != root && cmd.Annotations[annotationLongRunning] == "" {
			collectFromFloor(e.getenv)
		}
		return nil
	}
	root.AddCommand(
		newLicensesCommand(e, g),
		newEntitlementsCommand(e, g),
		newUsageCommand(e, g),
		newCheckCommand(e, g),
		newConfigCommand(e, g),
		newScrambleCommand(e, g),
		newPayloadCommand(e, g),
		newUploadCommand(e, g),
		newCheckoutsCommand(e, g),
		newMetricsCommand(e, g),
		newReceiveCommand(e),
		newViewCommand(e, g),
	)
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [COMMAND]",
		Short: "help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || (len(args) > 0 && target == root) || len(rest) > 0 {
				if target == nil {
					target = root
				}
				return unknownCommand(target, args[len(args)-1])
			}
			printHelp(e.stdout, target)
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var names []string
			c, _, err := root.Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name()+"\t"+sub.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	})
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "completion":
			c.Short = "print a shell completion script: bash, zsh, fish or powershell"
			c.Args = noSubcommand
			c.RunE = func(*cobra.Command, []string) error { return nil } // Args refuses every call
			takes(c)
			for _, sub := range c.Commands() {
				takes(sub)
			}
		case "help":
			takes(c)
		}
	}
	return root
}

// annotationLongRunning marks a command that runs until stopped (receive,
// view); the others read, print and exit.
const annotationLongRunning = "lsui-long-running"

func longRunning(c *cobra.Command) *cobra.Command {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[annotationLongRunning] = "yes"
	return c
}

// noSubcommand is the Args of a command that only groups subcommands: a
// missing or unknown one is a usage error with a suggestion.
func noSubcommand(cmd *cobra.Command, args []string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if len(args) == 0 {
		return usagef("want a subcommand: %s", strings.Join(names, ", "))
	}
	return unknownCommand(cmd, args[0])
}

// unknownCommand says "did you mean" when a command is close to one.
func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return usageError{msg}
}

// printHelp writes a command's help: how to call it, what it does, its
// subcommands and only the flags it takes.
func printHelp(w io.Writer, c *cobra.Command) {
	hideForeignFlags(c)
	c.DisableFlagsInUseLine = true // each Use spells its flags out
	if !c.HasParent() {
		fmt.Fprintln(w, "lsui: a terminal dashboard and CLI for Citrix License Server administrators")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Usage:")
		fmt.Fprintln(w, "  lsui [flags]             open the dashboard")
		fmt.Fprintln(w, "  lsui COMMAND [flags]")
	} else {
		fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.UseLine(), c.Short)
		if c.Long != "" {
			fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Long))
		}
		if len(c.Aliases) > 0 {
			fmt.Fprintf(w, "\nAlso: %s\n", strings.Join(c.Aliases, ", "))
		}
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Commands:")
		width := 0
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.Name() == "help" {
				width = max(width, len(s.Name()))
			}
		}
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.Name() == "help" {
				fmt.Fprintf(w, "  %-*s  %s\n", width, s.Name(), s.Short)
			}
		}
	}
	if flags := c.Flags().FlagUsages(); strings.TrimSpace(flags) != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Flags:")
		fmt.Fprint(w, flags)
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\nRun '%s COMMAND --help' for a command's flags.\n", c.CommandPath())
	}
}
