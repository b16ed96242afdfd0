package main

import (
	"strings"
	"testing"
	"time"
)

func TestSystemLocationIsNeverLocal(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	env := func(tz string) func(string) string {
		return func(k string) string {
			if k == "TZ" {
				return tz
			}
			return ""
		}
	}
	for _, tt := range []struct{ tz, want string }{
		{"Europe/Berlin", "Europe/Berlin"},
		{":America/New_York", "America/New_York"},
		{"/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"},
		{"/usr/share/zoneinfo/posix/Europe/Paris", "Europe/Paris"},
	} {
		if got := systemLocation(env(tt.tz), now).String(); got != tt.want {
			t.Errorf("TZ=%s: %s, want %s", tt.tz, got, tt.want)
		}
	}
	// Whatever the machine has, the name is never Go's "Local".
	if got := systemLocation(env(""), now).String(); got == "Local" || got == "" {
		t.Errorf("without TZ: %q", got)
	}
	if got := systemLocation(env("Not/AZone"), now).String(); got == "Local" {
		t.Errorf("a TZ that names no zone: %q", got)
	}
}

func TestFixedZoneNamesItsOffset(t *testing.T) {
	for _, tt := range []struct {
		off  int
		want string
	}{{3600, "+01:00"}, {-5*3600 - 1800, "-05:30"}, {0, "+00:00"}, {5*3600 + 45*60, "+05:45"}} {
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("x", tt.off))
		loc := fixedZone(at)
		if loc.String() != tt.want {
			t.Errorf("offset %d: %s, want %s", tt.off, loc, tt.want)
		}
		if _, off := at.In(loc).Zone(); off != tt.off {
			t.Errorf("offset %d: zone has %d", tt.off, off)
		}
	}
}

func TestUsageTimezoneOfARealRootIsNamed(t *testing.T) {
	root := demoRoot(t)
	out, _, code := lsui(t, map[string]string{"TZ": "Europe/Berlin"}, "usage", "--json", "--root", root, "--now", fixedNow)
	if code != exitOK || !strings.Contains(out, `"timezone": "Europe/Berlin"`) {
		t.Errorf("exit %d; want the zone from TZ by name:\n%.300s", code, out)
	}
	out, _, _ = lsui(t, nil, "usage", "--json", "--root", root, "--now", fixedNow)
	if strings.Contains(out, `"timezone": "Local"`) {
		t.Error(`usage --json says "Local"`)
	}
}
