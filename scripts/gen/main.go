// Command gen writes the deterministic inputs of scripts/bench:
//
//	go run ./scripts/gen root -dir DIR [-licences N] [-events N] [-users N] [-udadmin-users N] [-udadmin-devices N]
//
// root writes a licensing root (synth.WriteRoot) that the lsui binary then
// reads, builds payloads from and inspects. To profile lsui on it, set
// LSUI_CPUPROFILE=FILE (see cmd/lsui/main.go).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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

var errUsage = errors.New("usage: gen root -dir DIR … (see scripts/gen/main.go)")

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	if args[0] != "root" {
		return errUsage
	}
	return runRoot(args[1:], stdout)
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
