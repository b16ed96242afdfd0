package payload

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
)

var errCrash = errors.New("simulated crash")

// TestCrashConsistency stops a cycle at each fault step, as a crash would,
// then checks what is on disk, runs the next cycle and checks again.
func TestCrashConsistency(t *testing.T) {
	scenarios := []struct {
		name    string
		backlog bool
		prior   []struct {
			at time.Time
			o  uploads.Outcome
		}
	}{
		{"after a success and a failure this month", false, []struct {
			at time.Time
			o  uploads.Outcome
		}{{testNow.Add(-72 * time.Hour), uploads.Success}, {testNow.Add(-48 * time.Hour), uploads.Failed}}},
		{"with last month's final payload waiting", true, []struct {
			at time.Time
			o  uploads.Outcome
		}{{time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC), uploads.Success}, {time.Date(2026, 10, 31, 8, 0, 0, 0, time.UTC), uploads.Failed}}},
	}
	for _, scn := range scenarios {
		for _, stepName := range Steps {
			t.Run(scn.name+"/"+stepName, func(t *testing.T) {
				root := fixtureRoot(t)
				s := loadRoot(t, root, testNow)
				dir := uploads.Dir(s.Layout.UsageDir)
				before := map[string]uploads.Outcome{}
				for _, p := range scn.prior {
					name, _ := placeRecorded(t, dir, p.at, p.o)
					before[name] = p.o
				}
				sc := newScripted(t, false)
				sc.steps = []step{sc.status(201)}

				opt := quickOptions(sc.srv.URL, testNow)
				fired := 0
				opt.Hook = func(step string) error {
					if step == stepName {
						fired++
						return errCrash
					}
					return nil
				}
				res, err := RunCycle(context.Background(), s, opt)
				if !errors.Is(err, errCrash) || fired != 1 {
					t.Fatalf("cycle: %v (hook fired %d times), want the simulated crash once", err, fired)
				}
				if !strings.Contains(err.Error(), stepName) {
					t.Errorf("error %q does not name the step", err)
				}
				// A crash mid-write leaves atomicfile's hidden temporary
				// file; the next cycle removes it.
				checkAfterCrash(t, dir, before, stepName == StepWrittenTemp)
				if stepName == "built" && len(sc.requests()) != 0 {
					t.Errorf("sent %d requests before the crash at built", len(sc.requests()))
				}
				// Until the journal says success, today's payload counts as
				// failed: a success the journal never saw is not trusted. With
				// a payload of last month waiting, the first upload (and so the
				// first "journaled") is that one's.
				wantSuccess := stepName == "pruning" || (stepName == "journaled" && !scn.backlog)
				if r, _ := mustJournal(t, dir).Get(res.Built); (r.Outcome == uploads.Success) != wantSuccess {
					t.Errorf("today's payload recorded %q after a crash at %s", r.Outcome, stepName)
				}

				// The next cycle recovers: one success, everything older gone.
				next := testNow.Add(time.Hour)
				opt = quickOptions(sc.srv.URL, next)
				res2, err := RunCycle(context.Background(), loadRoot(t, root, next), opt)
				if err != nil || !res2.OK() {
					t.Fatalf("next cycle: %+v, %v", res2, err)
				}
				checkAfterCrash(t, dir, before, false)
				if got := payloadNames(t, dir); !slices.Equal(got, []string{res2.Built}) {
					t.Errorf("after recovery %v, want only %s", got, res2.Built)
				}
			})
		}
	}
}

func mustJournal(t *testing.T, dir string) *uploads.Journal {
	t.Helper()
	j, err := uploads.ReadJournal(dir)
	if err != nil {
		t.Fatalf("journal does not parse: %v", err)
	}
	return j
}

// checkAfterCrash asserts what must hold whenever a cycle stops: the
// journal parses, the lock is free, nothing half-written carries a final
// name, and a payload is gone only if a later success is recorded and kept.
func checkAfterCrash(t *testing.T, dir string, before map[string]uploads.Outcome, tempsAllowed bool) {
	t.Helper()
	j := mustJournal(t, dir)
	l, err := AcquireLock(dir, testNow)
	if err != nil {
		t.Errorf("lock still held: %v", err)
	} else {
		l.Release()
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && !tempsAllowed {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	present := map[string]bool{}
	files, _ := payloadFiles(dir)
	var newestSuccess time.Time
	for _, f := range files {
		present[f.name] = true
		r, ok := j.Get(f.name)
		if !ok {
			t.Errorf("%s has no journal record", f.name)
			continue
		}
		sum, _, err := hashFile(filepath.Join(dir, f.name))
		if err != nil || (r.SHA256 != "" && sum != r.SHA256) {
			t.Errorf("%s does not match its journal hash (partial or replaced): %v", f.name, err)
		}
		if _, built := before[f.name]; !built {
			if zr, err := zip.OpenReader(filepath.Join(dir, f.name)); err != nil {
				t.Errorf("%s is not a complete zip: %v", f.name, err)
			} else {
				zr.Close()
			}
		}
		if r.Outcome == uploads.Success {
			newestSuccess = f.time
		}
	}
	for name := range before {
		if present[name] {
			continue
		}
		at, _ := uploads.ParseName(name)
		if !newestSuccess.After(at) {
			t.Errorf("%s (%s) was deleted without a later success kept on disk", name, before[name])
		}
	}
}
