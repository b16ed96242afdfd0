package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// WriteUdadmin writes a `udadmin -list -times` listing of users user
// assignments and devices device assignments, last used during month (any
// time in it), as the live command prints it. Users take the debug log's
// names (LogUser) so the two sources overlap the way they do on a server.
func WriteUdadmin(w io.Writer, users, devices int, month time.Time) error {
	rng := rand.New(rand.NewPCG(3, 4))
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	span := first.AddDate(0, 1, 0).Sub(first)
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("Usage data is 3 minutes old. Next update in 12 minutes.\nUsers:\n")
	row := func(id string) {
		at := first.Add(time.Duration(rng.Int64N(int64(span/time.Second))) * time.Second)
		fmt.Fprintf(bw, " %s %s 2026.0630 (%s)\n", id, logFeatures[rng.IntN(2)], at.Format("Mon Jan 02 15:04:05 2006"))
	}
	for u := 0; u < users; u++ {
		row(LogUser(u))
	}
	bw.WriteString("Devices:\n")
	for d := 0; d < devices; d++ {
		row(fmt.Sprintf("WKS-%06d", d))
	}
	return bw.Flush()
}

// Root says what WriteRoot puts in a licensing root.
type Root struct {
	Licences int // files in MyFiles (the first is the startup licence)
	// LogEvents checkout attempts by LogUsers identities go to LS/lmgrd.log;
	// 0 writes no log.
	LogEvents, LogUsers int
	// UdadminUsers and UdadminDevices rows go to udadmin.txt at the root
	// (pass it with --udadmin-file); 0 and 0 writes none.
	UdadminUsers, UdadminDevices int
	Month                        time.Time // the udadmin listing's month
}

// config is the Citrix web services configuration with anonymization off.
const config = `<?xml version="1.0" encoding="utf-8"?>
<Configurations>
  <LicenseServerPort>27000</LicenseServerPort>
  <VendorDaemonPort>7279</VendorDaemonPort>
  <WebServicePort>8083</WebServicePort>
  <EnableCallHome>1</EnableCallHome>
  <UsageBasedBillingScramble>0</UsageBasedBillingScramble>
</Configurations>
`

// settings fixes lsui's server id, so building a payload from the root
// never has to write one and every build is alike.
const settings = `{"server_id": "bench-0000-0000-0000-000000000001"}` + "\n"

// WriteRoot writes a licensing root under dir (created; it must not exist
// yet, so a typo cannot scribble over a real server). These are scratch
// files for a benchmark run in a temporary folder, so they are written
// plainly: atomic, fsynced writes of 10,000 files would cost minutes and
// protect nothing.
func WriteRoot(dir string, r Root) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("write root %s: already exists", dir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("write root: %w", err)
	}
	myFiles := filepath.Join(dir, "MyFiles")
	configDir := filepath.Join(dir, "WebServicesForLicensing")
	ls := filepath.Join(dir, "LS")
	for _, d := range []string{myFiles, configDir, ls} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("write root: %w", err)
		}
	}
	for i := 0; i < r.Licences; i++ {
		if err := os.WriteFile(filepath.Join(myFiles, LicenceFileName(i)), LicenceFile(i), 0o644); err != nil {
			return fmt.Errorf("write root: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(configDir, "SimpleLicenseServiceConfig.xml"), []byte(config), 0o644); err != nil {
		return fmt.Errorf("write root: %w", err)
	}
	if err := os.WriteFile(filepath.Join(configDir, "lsui.json"), []byte(settings), 0o644); err != nil {
		return fmt.Errorf("write root: %w", err)
	}
	if r.LogEvents > 0 {
		if err := writeFile(filepath.Join(ls, "lmgrd.log"), func(w io.Writer) error {
			return WriteFlexLog(w, r.LogEvents, max(r.LogUsers, 1))
		}); err != nil {
			return err
		}
	}
	if r.UdadminUsers > 0 || r.UdadminDevices > 0 {
		if err := writeFile(filepath.Join(dir, "udadmin.txt"), func(w io.Writer) error {
			return WriteUdadmin(w, r.UdadminUsers, r.UdadminDevices, r.Month)
		}); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write root: %w", err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write root %s: %w", path, err)
	}
	return nil
}
