package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/usage"
)

// The suite's figures are only comparable between runs and machines when
// the same arguments give the same bytes.
func TestDeterministic(t *testing.T) {
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"flex log", func(b *bytes.Buffer) error { return WriteFlexLog(b, 5000, 300) }},
		{"udadmin", func(b *bytes.Buffer) error { return WriteUdadmin(b, 200, 20, month) }},
		{"licence file", func(b *bytes.Buffer) error { b.Write(LicenceFile(7)); return nil }},
	} {
		var a, b bytes.Buffer
		if err := tc.write(&a); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := tc.write(&b); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: %d and %d bytes, want the same non-empty output twice", tc.name, a.Len(), b.Len())
		}
	}
	if LicenceFileName(5) == LicenceFileName(6) {
		t.Error("licence file names must be distinct")
	}
}

// The log must be what the usage figure claims to aggregate: every line
// dated, none malformed, about the asked number of checkouts, spread over
// November and the months either side, with the one-in-seven second
// spelling and the DENIED lines.
func TestFlexLogScans(t *testing.T) {
	const events, users = 20000, 500
	var buf bytes.Buffer
	if err := WriteFlexLog(&buf, events, users); err != nil {
		t.Fatal(err)
	}
	nov := usage.MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	var out, denied, inNov, upper int
	ids := map[string]bool{}
	stats, err := usage.ScanLog(bytes.NewReader(buf.Bytes()), time.UTC, func(e usage.Event) {
		switch e.Op {
		case usage.Out:
			out++
			ids[strings.ToLower(e.Identity)] = true
			if nov.Contains(e.Time) {
				inNov++
			}
			if strings.HasPrefix(e.Identity, "User") {
				upper++
			}
		case usage.Denied:
			denied++
		}
	})
	if err != nil || stats.Undated != 0 || stats.Malformed != 0 || stats.Skipped != 0 {
		t.Fatalf("stats %+v, err %v", stats, err)
	}
	if out < events*90/100 || out > events {
		t.Errorf("%d OUT events, want about 94%% of %d", out, events)
	}
	if inNov < out/3 || inNov == out {
		t.Errorf("%d of %d OUT events in November: want half, with other months around it", inNov, out)
	}
	if denied == 0 || upper == 0 || len(ids) < users*9/10 {
		t.Errorf("%d DENIED, %d second spellings, %d identities: want some, some and about %d", denied, upper, len(ids), users)
	}
	if stats.Version == "" {
		t.Error("no version from the start line")
	}
}

func TestUdadminParses(t *testing.T) {
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := WriteUdadmin(&buf, 300, 40, month); err != nil {
		t.Fatal(err)
	}
	as, errs := usage.ParseUdadmin(&buf, "udadmin", time.UTC)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	devices := 0
	nov := usage.MonthOf(month, time.UTC)
	for _, a := range as {
		if a.Kind == usage.Device {
			devices++
		}
		if !nov.Contains(a.LastUse) {
			t.Fatalf("%s last used %v, outside %s", a.Identity, a.LastUse, nov)
		}
	}
	if len(as) != 340 || devices != 40 {
		t.Errorf("%d rows, %d devices: want 340 and 40", len(as), devices)
	}
}

func TestLicenceFilesParse(t *testing.T) {
	for i := 0; i < 200; i++ {
		f := licfile.ParseBytes(LicenceFileName(i), LicenceFile(i))
		if len(f.Errors) > 0 || len(f.Lines) == 0 {
			t.Fatalf("%s: %d lines, errors %v", LicenceFileName(i), len(f.Lines), f.Errors)
		}
		if i == 0 && !f.Lines[0].IsStartup() {
			t.Errorf("file 0 must be the startup licence, got %s", f.Lines[0].Feature)
		}
	}
}

func TestWriteRoot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "root")
	r := Root{Licences: 3, LogEvents: 100, LogUsers: 10, UdadminUsers: 5, UdadminDevices: 2,
		Month: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
	if err := WriteRoot(dir, r); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"MyFiles/citrix_startup.lic", "MyFiles/" + LicenceFileName(2),
		"WebServicesForLicensing/SimpleLicenseServiceConfig.xml", "WebServicesForLicensing/lsui.json",
		"LS/lmgrd.log", "udadmin.txt",
	} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A second write must refuse rather than scribble over what is there.
	if err := WriteRoot(dir, r); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second WriteRoot: %v, want an 'already exists' error", err)
	}
}
