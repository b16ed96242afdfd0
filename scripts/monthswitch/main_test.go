package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/scripts/gen/synth"
)

func TestMonthSwitch(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	if err := synth.WriteRoot(root, synth.Root{Licences: 2, Month: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(root, "LS", "lmgrd_debug.log"))
	if err != nil {
		t.Fatal(err)
	}
	l := synth.LongLog{End: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Years: 0.5, PerDay: 40, Users: 30,
		WindowFrom: time.Date(2026, 8, 29, 0, 0, 0, 0, time.UTC)}
	if _, err := synth.WriteLongLog(f, l); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var out bytes.Buffer
	if err := run([]string{"-root", root, "-rounds", "2"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "switch\t2026-10\t") || !strings.HasPrefix(lines[1], "switch\t2026-11\t") ||
		!strings.HasPrefix(lines[4], "median\t") {
		t.Fatalf("output:\n%s", out.String())
	}
	for _, l := range lines[:4] {
		if strings.HasSuffix(l, "\t0") {
			t.Errorf("a month with no identities: %q", l)
		}
	}
	for _, args := range [][]string{nil, {"-root", root, "-months", "november"}, {"-root", root, "-rounds", "0"}} {
		if err := run(args, &out); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
