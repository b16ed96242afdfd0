// Command gen writes the deterministic inputs of scripts/bench and runs the
// two in-process code paths the CLI may not expose yet.
//
//	go run ./scripts/gen root -dir DIR [-licences N] [-events N] [-users N] [-udadmin-users N] [-udadmin-devices N]
//	go run ./scripts/gen payload -root DIR -out FILE [-udadmin-file FILE] [-now TIME]
//	go run ./scripts/gen inspect [-cpuprofile PROF] FILE
//	go run ./scripts/gen usage -root DIR [-cpuprofile PROF]
//
// root writes a licensing root (synth.WriteRoot). payload loads a root with
// internal/model and builds one payload with internal/payload, the path
// `lsui payload build` takes. inspect runs payload.InspectFile, the path
// `lsui payload inspect` takes, prints the verdict and exits 1 when the zip
// is rejected. usage is `lsui usage --json` on the suite's clock. inspect
// and usage take -cpuprofile, for pprof, where the CLI has no such flag.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/payload"
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

var errUsage = errors.New("usage: gen root|payload|inspect … (see scripts/gen/main.go)")

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "root":
		return runRoot(args[1:], stdout)
	case "payload":
		return runPayload(args[1:], stdout)
	case "inspect":
		return runInspect(args[1:], stdout)
	case "usage":
		return runUsage(args[1:], stdout)
	}
	return errUsage
}

// runUsage is `lsui usage --json --no-exec --tz UTC --now …` without the
// CLI around it, so it can be profiled.
func runUsage(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen usage", flag.ContinueOnError)
	root := fs.String("root", "", "licensing root `DIR`")
	profile := fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" || fs.NArg() > 0 {
		return errors.New("gen usage: want -root DIR and no arguments")
	}
	now, _ := time.Parse(time.RFC3339, benchNow)
	stop, err := startProfile(*profile)
	if err != nil {
		return err
	}
	s, err := model.Load(context.Background(), model.Options{Root: *root, Now: now, Location: time.UTC, NoExec: true})
	if err != nil {
		stop()
		return fmt.Errorf("gen usage: %w", err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err = enc.Encode(model.NewUsageRecord(s.Usage, nil))
	if serr := stop(); err == nil {
		err = serr
	}
	return err
}

func runInspect(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen inspect", flag.ContinueOnError)
	profile := fs.String("cpuprofile", "", "write a CPU profile of the inspection to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("gen inspect: want one zip FILE")
	}
	zip := fs.Arg(0)
	stop, err := startProfile(*profile)
	if err != nil {
		return err
	}
	rep := payload.InspectFile(context.Background(), zip, payload.DefaultLimits)
	if err := stop(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep.Verdict())
	if !rep.OK {
		return fmt.Errorf("%s: rejected", zip)
	}
	return nil
}

// startProfile starts a CPU profile into path ("" profiles nothing); the
// returned stop ends it. Scratch output for the person profiling, so it is
// written plainly.
func startProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
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

func runPayload(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen payload", flag.ContinueOnError)
	root := fs.String("root", "", "licensing root `DIR`")
	out := fs.String("out", "", "payload zip to write (`FILE`)")
	udadmin := fs.String("udadmin-file", "", "captured udadmin listing `FILE`")
	nowFlag := fs.String("now", benchNow, "fixed clock, RFC 3339 `TIME`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" || *out == "" || fs.NArg() > 0 {
		return errors.New("gen payload: want -root DIR -out FILE and no arguments")
	}
	now, err := time.Parse(time.RFC3339, *nowFlag)
	if err != nil {
		return fmt.Errorf("gen payload: -now %s: %w", *nowFlag, err)
	}
	ctx := context.Background()
	s, err := model.Load(ctx, model.Options{Root: *root, Now: now, Location: time.UTC, UdadminFile: *udadmin, NoExec: true})
	if err != nil {
		return fmt.Errorf("gen payload: %w", err)
	}
	built, err := payload.Build(ctx, s, payload.BuildOptions{Now: now, Out: *out})
	if err != nil {
		return fmt.Errorf("gen payload: %w", err)
	}
	fmt.Fprintf(stdout, "payload %s: %d bytes, %d files in the manifest, %d identities\n",
		built.Path, built.Size, len(built.Manifest.Files), len(s.Usage.Identities))
	return nil
}
