// Command gen writes the deterministic inputs of scripts/bench:
//
//	go run ./scripts/gen root -dir DIR [-licences N] [-events N] [-users N] [-udadmin-users N] [-udadmin-devices N]
//	go run ./scripts/gen longlog -dir DIR [-years Y] [-per-day N] [-users N] [-window-from YYYY-MM-DD] [-licences N]
//
// root writes a licensing root (synth.WriteRoot) that the lsui binary then
// reads, builds payloads from and inspects. longlog writes two roots,
// DIR/long and DIR/window: DIR/long/LS/lmgrd_debug.log is years of a
// never-rotated debug log (synth.WriteLongLog) and DIR/window/LS/lmgrd_debug.log
// is its last bytes from the restart at -window-from on, a log holding only
// that window; the same month asked of both must give the same answer.
// To profile lsui on them, set LSUI_CPUPROFILE=FILE (see cmd/lsui/main.go).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/lsui/lsui/scripts/gen/synth"
)

// benchNow is the suite's fixed clock: late November 2026, inside every
// generated log and listing.
const benchNow = "2026-11-27T10:00:00Z"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: gen root|longlog -dir DIR … (see scripts/gen/main.go)")

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "root":
		return runRoot(args[1:], stdout)
	case "longlog":
		return runLongLog(args[1:], stdout)
	}
	return errUsage
}

func runLongLog(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen longlog", flag.ContinueOnError)
	dir := fs.String("dir", "", "`DIR` to create (must not exist): DIR/long and DIR/window are licensing roots")
	licences := fs.Int("licences", 8, "licence files in each root's MyFiles")
	// 2026-08-29 is 90 days (the UD lease, DOMAIN.md §4.4) before the suite's
	// clock: "in use" reads back that far, further than the month's start.
	windowFrom := fs.String("window-from", "2026-08-29", "the window-only log starts at a restart on this `date` (UTC)")
	l := synth.LongLog{}
	fs.Float64Var(&l.Years, "years", 3.3, "span of the long log, back from the suite's clock")
	fs.IntVar(&l.PerDay, "per-day", 16667, "checkout attempts a day (16667: the density of the 1M-event log)")
	fs.IntVar(&l.Users, "users", 20000, "distinct people")
	fs.IntVar(&l.RestartDays, "restart-days", 30, "days between server restarts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		return errors.New("gen longlog: want -dir DIR and no arguments")
	}
	from, err := time.Parse(time.DateOnly, *windowFrom)
	if err != nil {
		return fmt.Errorf("gen longlog: -window-from: %w", err)
	}
	if _, err := os.Lstat(*dir); err == nil {
		return fmt.Errorf("gen longlog: %s already exists", *dir)
	}
	l.End, _ = time.Parse(time.RFC3339, benchNow)
	l.WindowFrom = from
	longRoot, windowRoot := filepath.Join(*dir, "long"), filepath.Join(*dir, "window")
	for _, root := range []string{longRoot, windowRoot} {
		if err := synth.WriteRoot(root, synth.Root{Licences: *licences, Month: l.End}); err != nil {
			return err
		}
	}
	longPath := filepath.Join(longRoot, "LS", "lmgrd_debug.log")
	windowPath := filepath.Join(windowRoot, "LS", "lmgrd_debug.log")
	f, err := os.Create(longPath)
	if err != nil {
		return fmt.Errorf("gen longlog: %w", err)
	}
	defer f.Close()
	at, err := synth.WriteLongLog(f, l)
	if err != nil {
		return fmt.Errorf("gen longlog %s: %w", longPath, err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("gen longlog: %w", err)
	}
	wf, err := os.Create(windowPath)
	if err != nil {
		return fmt.Errorf("gen longlog: %w", err)
	}
	_, err = io.Copy(wf, io.NewSectionReader(f, at, size-at))
	if cerr := wf.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("gen longlog %s: %w", windowPath, err)
	}
	fmt.Fprintf(stdout, "long log %s: %d bytes, %g years; window-only log %s: %d bytes from %s\n",
		longPath, size, l.Years, windowPath, size-at, from.Format(time.DateOnly))
	return nil
}

func runRoot(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen root", flag.ContinueOnError)
	dir := fs.String("dir", "", "licensing root `DIR` to create (must not exist)")
	var r synth.Root
	fs.IntVar(&r.Licences, "licences", 8, "licence files in MyFiles")
	fs.IntVar(&r.LogEvents, "events", 0, "checkout attempts in LS/lmgrd.log (0: no log)")
	fs.IntVar(&r.LogUsers, "users", 20000, "distinct identities in the log")
	fs.IntVar(&r.UdadminUsers, "udadmin-users", 0, "user rows in DIR/udadmin.txt")
	fs.IntVar(&r.UdadminDevices, "udadmin-devices", 0, "device rows in DIR/udadmin.txt")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		return errors.New("gen root: want -dir DIR and no arguments")
	}
	now, _ := time.Parse(time.RFC3339, benchNow)
	r.Month = now
	if err := synth.WriteRoot(*dir, r); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "root %s: %d licence files, %d log events by %d users, udadmin %d users %d devices\n",
		*dir, r.Licences, r.LogEvents, r.LogUsers, r.UdadminUsers, r.UdadminDevices)
	return nil
}
