// Command lsui is a terminal dashboard and scriptable CLI for Citrix License
// Server administrators. This package is thin: it parses the command line,
// opens the licence server and hands over to the domain and view packages.
//
// Each command lives in its own cmd_<name>.go: a constructor returning the
// *cobra.Command, an options struct holding its flags and a run function.
// The command tree is built anew for every run, so no flag value outlives
// one invocation (and tests run commands in-process side by side).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

func main() { os.Exit(mainStatus()) }

// mainStatus runs lsui as a process and returns its exit status; the
// testscript scripts run it as their "lsui".
func mainStatus() int {
	// Started from Explorer, lsui opens the dashboard like any console
	// program instead of cobra's "this is a command line tool" notice.
	cobra.MousetrapHelpText = ""
	stop := startProfile(os.Getenv("LSUI_CPUPROFILE"))
	defer stop()
	return run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
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
	// isTerminal says whether a stream is a terminal; nil means "ask the
	// operating system" (tests set it to pretend).
	isTerminal func(any) bool
	// termWidth is the terminal's width in cells, 0 when unknown; nil
	// means "ask the operating system".
	termWidth func(any) int
	// demoDir is the demo's temporary copy once one is written, so
	// messages show it as DEMO.
	demoDir string
}

// Exit statuses shared by every command (check uses the Nagios codes).
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// exitStatus carries a command's exit status out of cobra once the
// command has said what it had to say.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// status turns a run function's exit code into RunE's result.
func status(code int) error {
	if code == exitOK {
		return nil
	}
	return exitStatus(code)
}

// usageError is a command line that cannot be run as given: exit 2, one
// line naming the command and where its help is.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(args []string, e *env) int {
	root := newRootCommand(e)
	root.SetArgs(args)
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		// Completion offers a command's flags: hide the common ones it
		// does not take, as its help does.
		if c, _, err := root.Find(args[1:]); err == nil {
			hideForeignFlags(c)
		}
	}
	c, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	// Everything else is cobra's or ours about the command line itself.
	name := "lsui"
	if c != nil {
		name = c.CommandPath()
	}
	fmt.Fprintf(e.stderr, "%s: %s (see %s --help)\n", name, oneLine(err.Error()), name)
	return exitUsage
}

// oneLine keeps an error on one line (cobra's suggestions come on several).
func oneLine(s string) string {
	out := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' || c == '\t' || c == ' ' {
			space = len(out) > 0
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, c)
	}
	return string(out)
}
