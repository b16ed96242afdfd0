// Package demo writes the demo licensing root lsui opens when no Citrix
// licence server is installed (or with --demo): licence files, the web
// services configuration, FlexNet debug logs reaching back three months
// before the current one (user/device leases run 90 days), and captured
// `udadmin -list -times` and `lmstat -a` listings, in the shapes real
// servers write (DOMAIN.md) and with every date placed relative to the
// clock, so that "this month" always has usage and every warning the
// dashboard can raise is due.
//
// The static parts are embedded templates under files/; the logs are
// simulated. The output depends only on the clock and the zone: golden tests
// and recorded demos run on a fixed clock and get the same bytes every time.
package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

//go:embed files
var embedded embed.FS

// Root is a materialized demo licensing root.
type Root struct {
	Dir string
	// UdadminFile is the captured `udadmin -list -times` listing, for
	// --udadmin-file: the demo has no udadmin program to run.
	UdadminFile string
	// LmstatFile is the captured `lmstat -a` listing, for --lmstat-file:
	// the demo has no lmstat program to run either.
	LmstatFile string
}

// Paths inside the root, as a Linux appliance spells them (DOMAIN.md §1).
// The current debug log is lmgrd's own; the older months are the ones an
// administrator rotated away, one file a month, named so that they sort
// before the live log and in date order (readers that take LS/*.log by
// name then read them as they were written).
const (
	debugLogDir    = "LS"
	currentLogName = "lmgrd_debug.log"
	rotatedLogName = "lmgrd_debug." // + YYYY-MM.log
	udadminName    = "udadmin-list.txt"
	lmstatName     = "lmstat-a.txt"
	usageDir       = "LS/resource/usage"
)

// logMonths is how many months before the current one the logs keep: enough
// for every lease of leaseDays still running to show its last use.
const logMonths = 3

// The clock's year must lie in this range: licence files write four-digit
// years, and far-off years would only make the simulation loop over nonsense.
const minYear, maxYear = 1980, 9998

// Materialize writes a complete demo licensing root into dir, which must
// exist and be empty (so that a mistaken path can never overwrite a real
// licence server's files). Every date is placed relative to now, read in
// loc (now's own zone when loc is nil): the current debug log runs from the
// 1st of now's month to now, each rotated one covers a whole month before.
// The same now and loc always give byte-identical files.
func Materialize(dir string, now time.Time, loc *time.Location) (*Root, error) {
	if loc == nil {
		loc = now.Location()
	}
	root, err := materializeFiles(dir, now, loc)
	if err != nil {
		return nil, err
	}
	// Citrix's own uploads first: lsui's payloads carry the GUID they name.
	if err := addCitrixUploads(root, now, loc); err != nil {
		return nil, fmt.Errorf("demo root: %w", err)
	}
	if err := addPastUploads(root, now, loc); err != nil {
		return nil, fmt.Errorf("demo root: %w", err)
	}
	return root, nil
}

// materializeFiles writes the demo's files, without past uploads.
func materializeFiles(dir string, now time.Time, loc *time.Location) (*Root, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("demo root: %w", err)
	}
	if len(entries) > 0 {
		return nil, fmt.Errorf("demo root %s: folder is not empty", dir)
	}
	files, err := render(now, loc)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(usageDir)), 0o755); err != nil {
		return nil, fmt.Errorf("demo root: %w", err)
	}
	for _, f := range files {
		target := filepath.Join(dir, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, fmt.Errorf("demo root: %w", err)
		}
		if err := writeNew(target, f.data); err != nil {
			return nil, fmt.Errorf("demo root: %w", err)
		}
	}
	if err := writeSettings(dir); err != nil {
		return nil, fmt.Errorf("demo root: %w", err)
	}
	return &Root{
		Dir:         dir,
		UdadminFile: filepath.Join(dir, debugLogDir, udadminName),
		LmstatFile:  filepath.Join(dir, debugLogDir, lmstatName),
	}, nil
}

// writeNew creates path, which must not exist yet, and writes data to it.
//
// Deliberately not atomicfile: its fsyncs exist so that a crash leaves a
// real file's old content or its new one. A demo root is scratch, rebuilt at
// every start from nothing, so there is no old content to keep, and the
// dozen fsyncs measured 90-400 ms on ext4: several times the whole start-up
// budget. O_EXCL still guarantees that nothing existing is overwritten.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// render builds every file of the demo root in memory, in a fixed order.
func render(now time.Time, loc *time.Location) ([]staticFile, error) {
	if loc == nil {
		loc = now.Location()
	}
	local := now.In(loc)
	y, m, d := local.Date()
	if y < minYear || y > maxYear {
		return nil, fmt.Errorf("demo clock %s: year outside %d-%d", local.Format(time.RFC3339), minYear, maxYear)
	}
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	thisMonth := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	clock := wallOf(local)

	dates := newLicenceDates(today)
	tree, err := fs.Sub(embedded, "files")
	if err != nil {
		return nil, fmt.Errorf("demo files: %w", err)
	}
	files, err := renderStaticFiles(tree, dates)
	if err != nil {
		return nil, err
	}

	// The zone's name at a wall time, for the full dates lmgrd writes.
	zone := func(at wall) string {
		c := at.civil()
		return time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, loc).Format("MST")
	}
	// The months are independent simulations over a population nobody
	// writes to: each is generated and rendered on its own goroutine, into
	// its own slot, so the output does not depend on scheduling.
	pop := newPopulation()
	months := make([][]event, logMonths+1)
	logs := make([]staticFile, logMonths+1)
	var wg sync.WaitGroup
	for k := range months {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := thisMonth.AddDate(0, k-logMonths, 0)
			months[k] = generateMonth(pop, first)
			if k < logMonths {
				logs[k] = staticFile{
					rel:  debugLogDir + "/" + rotatedLogName + first.Format("2006-01") + ".log",
					data: renderLog(months[k], pop, wallOf(first.AddDate(0, 1, 0))-1, zone),
				}
			} else {
				logs[k] = staticFile{rel: debugLogDir + "/" + currentLogName, data: renderLog(months[k], pop, clock, zone)}
			}
		}()
	}
	wg.Wait()
	files = append(files, logs...)
	// lmstat and udadmin read the same assignment table, as udadmin last
	// refreshed it, so the two agree on what is assigned.
	users, devices := udadminAssignments(pop, dates, months, wallOf(thisMonth), clock-udadminAge)
	return append(files,
		staticFile{rel: debugLogDir + "/" + udadminName, data: renderUdadmin(users, devices)},
		staticFile{
			rel:  debugLogDir + "/" + lmstatName,
			data: renderLmstat(files, pop, dates, months, clock, assignedPerFeature(users, devices)),
		},
	), nil
}
