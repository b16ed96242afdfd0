// Command lsui is a terminal dashboard and scriptable CLI for Citrix License
// Server administrators. This package is thin: it parses the command line,
// opens the licence server and hands over to the domain and view packages.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strings"
)

func main() {
	stop := startProfile(os.Getenv("LSUI_CPUPROFILE"))
	code := run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// startProfile writes a CPU profile of the whole run to path when it is set
// (LSUI_CPUPROFILE=FILE), for `go tool pprof` on any command.
func startProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "lsui: LSUI_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// env is the process's outside world, so tests can run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// Exit statuses shared by every command (check uses the Nagios codes).
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// command is one `lsui NAME`. Commands register themselves from their own
// files so each command's code stays in one place.
type command struct {
	name    string
	summary string
	usage   string // the text after "lsui NAME", e.g. "[--json]"
	// flags adds the command's own flags; the common ones are always there.
	flags func(fs *flagSet)
	run   func(e *env, o *options, args []string) int
	// longRunning marks a command that runs until stopped (receive, view);
	// the others read, print and exit.
	longRunning bool
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func run(args []string, e *env) int {
	name := ""
	// The command is the first argument that is not a flag; common flags may
	// come before it.
	for i, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			if i == 0 || !takesValue(args[i-1]) {
				name = a
				args = append(append([]string{}, args[:i]...), args[i+1:]...)
				break
			}
		}
	}
	if name == "help" {
		if len(args) > 0 {
			return run([]string{args[0], "--help"}, e)
		}
		printHelp(e.stdout)
		return exitOK
	}
	c := dashboardCommand
	if name != "" {
		var ok bool
		if c, ok = commands[name]; !ok {
			fmt.Fprintf(e.stderr, "lsui: unknown command %q (see lsui --help)\n", name)
			return exitUsage
		}
	}
	o, rest, err := parseFlags(c, args, e)
	if err == errHelp {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", strings.TrimSpace("lsui "+c.name), err)
		return exitUsage
	}
	if c != dashboardCommand && !c.longRunning {
		tuneGCForOneShot(e.getenv)
	}
	return c.run(e, o, rest)
}

// oneShotMemory is the heap a one-shot command may reach before the
// collector runs at all.
const oneShotMemory = 256 << 20

// tuneGCForOneShot lets a command that reads, prints and exits skip garbage
// collection until its heap nears oneShotMemory: its allocations are bounded
// by distinct identities, not by input size, so a month of a large server
// finishes before a collection would pay off (lsui usage on 1M events: about
// 15 % faster, peak RSS about 60 MB). GOGC or GOMEMLIMIT in the environment
// win over this.
func tuneGCForOneShot(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(oneShotMemory)
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "lsui: a terminal dashboard for Citrix License Server administrators")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  lsui [flags]")
	fmt.Fprintln(w, "      open the dashboard (the demo server when none is installed)")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  lsui %s\n      %s\n", strings.TrimSpace(n+" "+c.usage), c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'lsui COMMAND --help' for a command's flags. The dashboard's and the common flags:")
	fs := newFlagSet("lsui", &options{}, io.Discard)
	dashboardCommand.flags(fs)
	fs.SetOutput(w)
	fs.PrintDefaults()
}
