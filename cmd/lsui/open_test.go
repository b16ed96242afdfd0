package main

import (
	"os"
	"strings"
	"testing"

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
