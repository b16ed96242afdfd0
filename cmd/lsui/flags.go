package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// options are the flags every command accepts, plus the command's own values.
type options struct {
	root        string
	demo        bool
	now         string
	tz          string
	udadminFile string
	noExec      bool
	json        bool
	noColor     bool

	// clock and loc are parsed from now and tz.
	clock time.Time
	loc   *time.Location
}

type flagSet = flag.FlagSet

var errHelp = errors.New("help shown")

func newFlagSet(name string, o *options, out io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.root, "root", "", "licensing root `DIR` (default: $LSUI_ROOT, else the installed server, else the demo)")
	fs.BoolVar(&o.demo, "demo", false, "open the embedded demo server (a private writable copy)")
	fs.StringVar(&o.now, "now", "", "fixed clock, RFC 3339 `TIME` (for tests and demos)")
	fs.StringVar(&o.tz, "tz", "", "server time `ZONE` for log times and month boundaries (default: local)")
	fs.StringVar(&o.udadminFile, "udadmin-file", "", "read a captured 'udadmin -list -times' listing from `FILE`")
	fs.BoolVar(&o.noExec, "no-exec", false, "never run LS/udadmin")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour (NO_COLOR is honoured too)")
	return fs
}

// takesValue reports whether arg is a flag that reads its value from the
// next argument, so that value is not mistaken for the command's name
// ("lsui --root DIR usage"). Flags before the command are the common ones
// and the dashboard's.
func takesValue(arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	fs := newFlagSet("", &options{}, io.Discard)
	dashboardCommand.flags(fs)
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// parseFlags parses flags anywhere among the arguments ("lsui usage --json"
// and "lsui --json usage" both work) and returns the positional ones.
func parseFlags(c *command, args []string, e *env) (*options, []string, error) {
	o := &options{}
	// Parse quietly: a bad flag is one line on stderr, not the whole usage.
	fs := newFlagSet("lsui "+c.name, o, io.Discard)
	if c.flags != nil {
		c.flags(fs)
	}
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: lsui %s %s\n\n%s\n\nFlags:\n", c.name, c.usage, c.summary)
		fs.PrintDefaults()
	}
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(e.stdout)
				if c == dashboardCommand {
					printHelp(e.stdout)
				} else {
					fs.Usage()
				}
				return nil, nil, errHelp
			}
			return nil, nil, fmt.Errorf("%v (see lsui %s --help)", err, c.name)
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if err := o.finish(e); err != nil {
		return nil, nil, err
	}
	return o, rest, nil
}

func (o *options) finish(e *env) error {
	o.loc = time.Local
	if o.tz != "" {
		loc, err := time.LoadLocation(o.tz)
		if err != nil {
			return fmt.Errorf("--tz %s: unknown time zone", o.tz)
		}
		o.loc = loc
	}
	if o.now != "" {
		t, err := time.Parse(time.RFC3339, o.now)
		if err != nil {
			return fmt.Errorf("--now %s: want RFC 3339, like 2026-11-27T10:00:00Z", o.now)
		}
		o.clock = t
	}
	if e.getenv("NO_COLOR") != "" {
		o.noColor = true
	}
	return nil
}

// Now is the clock: --now when given.
func (o *options) Now() time.Time {
	if !o.clock.IsZero() {
		return o.clock
	}
	return time.Now()
}
