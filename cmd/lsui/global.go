package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// globalOptions are the flags common to several commands. They are
// persistent flags of the root, so they parse before or after the command's
// name ("lsui --root DIR usage" and "lsui usage --root DIR"); each command
// says which groups of them it takes (takes), and any other one given to it
// is a usage error, never silently ignored.
type globalOptions struct {
	root        string
	demo        bool
	now         string
	tz          string
	udadminFile string
	lmstatFile  string
	noExec      bool
	json        bool
	noColor     bool

	// clock and loc are parsed from now and tz; clock is zero without
	// --now. started is the one reading of the system clock a one-shot
	// command uses throughout (see Now).
	clock   time.Time
	loc     *time.Location
	started time.Time
}

// flagGroup is a set of common flags that go together.
type flagGroup string

const (
	// groupServer: which licensing root, and the clock and zone it is
	// read with (the demo is generated relative to the clock).
	groupServer flagGroup = "server"
	// groupSources: where usage comes from besides the logs (udadmin), and
	// whether lsui may run the server's tools for it.
	groupSources flagGroup = "sources"
	// groupLmstat: what is checked out now, for the commands that show in
	// use (not usage, which counts the month only).
	groupLmstat flagGroup = "lmstat"
	groupJSON   flagGroup = "json"
	groupColor  flagGroup = "color"
)

// globalFlagGroups maps each common flag to its group.
var globalFlagGroups = map[string]flagGroup{
	"root": groupServer, "demo": groupServer, "now": groupServer, "tz": groupServer,
	"udadmin-file": groupSources, "no-exec": groupSources, "lmstat-file": groupLmstat,
	"json":     groupJSON,
	"no-color": groupColor,
}

// annotationGroups is the cobra annotation listing the groups a command takes.
const annotationGroups = "lsui-flag-groups"

func (g *globalOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&g.root, "root", "", "licensing root `DIR` (default: $LSUI_ROOT, else the installed server)")
	fs.BoolVar(&g.demo, "demo", false, "open the embedded demo server (a private writable copy)")
	fs.StringVar(&g.now, "now", "", "fixed clock, RFC 3339 `TIME` (for tests and demos)")
	fs.StringVar(&g.tz, "tz", "", "server time `ZONE` for log times and month boundaries (default: the system's)")
	fs.StringVar(&g.udadminFile, "udadmin-file", "", "read a captured 'udadmin -list -times' listing from `FILE`")
	fs.StringVar(&g.lmstatFile, "lmstat-file", "", "read a captured 'lmstat -a' listing from `FILE`")
	fs.BoolVar(&g.noExec, "no-exec", false, "never run LS/udadmin or LS/lmstat")
	fs.BoolVar(&g.json, "json", false, "print JSON")
	fs.BoolVar(&g.noColor, "no-color", false, "no colour (NO_COLOR is honoured too)")
}

// takes marks the common flag groups cmd accepts.
func takes(cmd *cobra.Command, groups ...flagGroup) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = string(g)
	}
	cmd.Annotations[annotationGroups] = strings.Join(names, ",")
	return cmd
}

// takesFlag says whether cmd accepts the flag: its own always, a common one
// when cmd takes its group.
func takesFlag(cmd *cobra.Command, f *pflag.Flag) bool {
	g, common := globalFlagGroups[f.Name]
	if !common {
		return true
	}
	for _, have := range strings.Split(cmd.Annotations[annotationGroups], ",") {
		if have == string(g) {
			return true
		}
	}
	return false
}

// checkForeignFlags refuses a common flag given to a command that does not
// take it ("lsui check --json").
func checkForeignFlags(cmd *cobra.Command) error {
	var bad []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if !takesFlag(cmd, f) {
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return usagef("%s does not apply to this command", strings.Join(bad, ", "))
	}
	return nil
}

// hideForeignFlags hides the common flags cmd does not take from its help
// and completion. The command tree is built for one run, so this touches
// no other invocation.
func hideForeignFlags(cmd *cobra.Command) {
	cmd.InheritedFlags() // merges the persistent flags into cmd.Flags()
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !takesFlag(cmd, f) {
			f.Hidden = true
		}
	})
}

func (g *globalOptions) finish(e *env) error {
	if g.demo && g.root != "" {
		return usagef("--root and --demo name two servers: pick one")
	}
	loc, err := serverLocation(g.tz, e.getenv)
	if err != nil {
		return err
	}
	g.loc = loc
	if g.now != "" {
		t, err := time.Parse(time.RFC3339, g.now)
		if err != nil {
			return usagef("--now %s: want RFC 3339, like 2026-11-27T10:00:00Z", g.now)
		}
		g.clock = t
	}
	if e.getenv("NO_COLOR") != "" {
		g.noColor = true
	}
	return nil
}

// Now is a one-shot command's clock: --now when given, else the system
// clock read once, so everything one run prints is as of one instant.
// The dashboard must not use it: a running dashboard reads the clock
// afresh (a zero model.Options.Now), and only --now freezes it.
func (g *globalOptions) Now() time.Time {
	if !g.clock.IsZero() {
		return g.clock
	}
	if g.started.IsZero() {
		g.started = time.Now()
	}
	return g.started
}

// serverLocation is --tz when given, else the system's zone, by its IANA
// name when one can be found and as a fixed offset otherwise: never Go's
// "Local", which means nothing to a reader of a report or a payload.
func serverLocation(tz string, getenv func(string) string) (*time.Location, error) {
	if tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			return nil, usagef("--tz %s: unknown time zone (want an IANA name like Europe/Berlin, or UTC)", tz)
		}
		return loc, nil
	}
	return systemLocation(getenv, time.Now()), nil
}
