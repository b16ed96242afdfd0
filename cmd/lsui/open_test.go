package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
)

// TestDemoOnlyWhenAsked: without a server only the dashboard opens the
// demo, and it says where it looked; every other command gets an error.
func TestDemoOnlyWhenAsked(t *testing.T) {
	for _, dir := range model.DefaultRoots() {
		if _, err := os.Stat(dir); err == nil {
			t.Skipf("a licence server is installed here (%s)", dir)
		}
	}
	e := &env{getenv: func(string) string { return "" }}
	looked := strings.Join(model.DefaultRoots(), " and ")

	c, err := chooseRoot(e, &globalOptions{}, true)
	if err != nil || !c.demo || c.notice != "no licence server found (looked in "+looked+"); showing the demo server" {
		t.Errorf("dashboard: %+v, %v", c, err)
	}
	c, err = chooseRoot(e, &globalOptions{}, false)
	if err == nil || c.demo || !strings.Contains(err.Error(), "looked in "+looked) || !strings.Contains(err.Error(), "--root DIR, or --demo") {
		t.Errorf("a command: %+v, %v", c, err)
	}
	// --demo asked for: the demo, and no notice (nothing was looked for).
	c, err = chooseRoot(e, &globalOptions{demo: true}, false)
	if err != nil || !c.demo || c.notice != "" {
		t.Errorf("--demo: %+v, %v", c, err)
	}
	// A root asked for but missing is an error even for the dashboard.
	c, err = chooseRoot(e, &globalOptions{root: t.TempDir() + "/gone"}, true)
	if err == nil || c.demo {
		t.Errorf("--root gone: %+v, %v", c, err)
	}
}

// TestDashboardClockRuns: without --now the dashboard loads with a zero
// Now (the views read the clock afresh and do not say "(--now)"), while a
// one-shot command uses one instant throughout; --now fixes both.
func TestDashboardClockRuns(t *testing.T) {
	e := &env{getenv: func(string) string { return "" }}
	root := t.TempDir()
	g := &globalOptions{root: root}
	if err := g.finish(e); err != nil {
		t.Fatal(err)
	}
	c := rootChoice{root: root}
	dash, err := openRoot(e, g, c, true)
	if err != nil {
		t.Fatal(err)
	}
	if !dash.opts.Now.IsZero() {
		t.Errorf("dashboard without --now: Now = %v, want zero", dash.opts.Now)
	}
	one, err := openRoot(e, g, c, false)
	if err != nil {
		t.Fatal(err)
	}
	if one.opts.Now.IsZero() || !one.opts.Now.Equal(g.Now()) || !g.Now().Equal(g.Now()) {
		t.Errorf("one-shot: Now = %v, g.Now() = %v: want one fixed instant", one.opts.Now, g.Now())
	}

	g = &globalOptions{root: root, now: "2026-11-27T10:00:00Z"}
	if err := g.finish(e); err != nil {
		t.Fatal(err)
	}
	dash, err = openRoot(e, g, c, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2026-11-27T10:00:00Z"; dash.opts.Now.UTC().Format(time.RFC3339) != want {
		t.Errorf("dashboard with --now: Now = %v, want %s", dash.opts.Now, want)
	}
}
