// Package demo writes the demo licensing root lsui opens when no Citrix
// licence server is installed (or with --demo): licence files, the web
// services configuration, two months of FlexNet debug logs and a udadmin
// listing, realistic per DOMAIN.md and with every date placed relative to
// the clock, so that "this month" always has usage and every warning the
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
}

// Paths inside the root, as a Linux appliance spells them (DOMAIN.md §1).
const (
	debugLogDir    = "LS"
	currentLogName = "citrix.log"
	udadminName    = "udadmin-list.txt"
	usageDir       = "LS/resource/usage"
)

// The clock's year must lie in this range: licence files write four-digit
// years, and far-off years would only make the simulation loop over nonsense.
const minYear, maxYear = 1980, 9998

// Materialize writes a complete demo licensing root into dir, which must
// exist and be empty (so that a mistaken path can never overwrite a real
// licence server's files). Every date is placed relative to now, read in
// loc (now's own zone when loc is nil): the current debug log runs from the
// 1st of now's month to now, the previous one covers all of last month. The
// same now and loc always give byte-identical files.
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
	return &Root{Dir: dir, UdadminFile: filepath.Join(dir, debugLogDir, udadminName)}, nil
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
	lastMonth := thisMonth.AddDate(0, -1, 0)
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

	pop := newPopulation()
	previous := generateMonth(pop, lastMonth)
	current := generateMonth(pop, thisMonth)
	return append(files,
		staticFile{
			rel:  debugLogDir + "/citrix_" + lastMonth.Format("2006-01") + ".log",
			data: renderLog(previous, pop, wallOf(thisMonth)-1, false),
		},
		staticFile{
			rel:  debugLogDir + "/" + currentLogName,
			data: renderLog(current, pop, clock, true),
		},
		staticFile{
			rel:  debugLogDir + "/" + udadminName,
			data: renderUdadmin(pop, dates, [][]event{previous, current}, wallOf(lastMonth), wallOf(thisMonth), clock-udadminAge),
		},
	), nil
}
