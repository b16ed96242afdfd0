//go:build unix

package main

// Crash consistency of `lsui upload` (issue 7). The harness builds lsui
// once with -tags lsui_fault (see faultseam_lsui_fault.go), runs
// `lsui upload` as a child process against a loopback endpoint and kills it
// with SIGKILL at each step of the cycle: the child kills itself through
// LSUI_FAULT at the hook steps, and the test kills it while the endpoint
// stalls in the middle of reading the body. Then it checks what is on disk,
// runs a second cycle and checks again:
//
//   - no partial zip sits under a final name (every upload_*.zip is a
//     complete zip, with the hash the journal recorded for it);
//   - the last successful upload is never deleted, and no upload is
//     deleted unless a later success is recorded and still on disk;
//   - the journal always parses;
//   - the lock never stays stuck (it can be taken at once, and the second
//     cycle runs).
//
// Unix only: the child's death is read from its wait status.

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
)

// buildFaultLsui builds lsui with the fault seam into dir.
func buildFaultLsui(t *testing.T, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build the child binary")
	}
	bin := filepath.Join(dir, "lsui-fault")
	cmd := exec.Command(goTool, "build", "-tags", "lsui_fault", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags lsui_fault: %v\n%s", err, out)
	}
	return bin
}

// crashEndpoint is the loopback upload endpoint. It answers 201 after
// reading the whole body, or, when stall is set, reads the first 512
// bytes, says so on stalled and waits for release.
type crashEndpoint struct {
	*httptest.Server
	stall   bool
	stalled chan struct{}
	release chan struct{}

	mu       sync.Mutex
	received []string // Idempotency-Key of each body answered 201
	once     sync.Once
}

func newCrashEndpoint(t *testing.T, stall bool) *crashEndpoint {
	ep := &crashEndpoint{stall: stall, stalled: make(chan struct{}), release: make(chan struct{})}
	ep.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ep.stall {
			io.ReadFull(r.Body, make([]byte, 512))
			ep.once.Do(func() { close(ep.stalled) })
			select {
			case <-ep.release:
			case <-r.Context().Done():
			}
			return
		}
		h := sha256.New()
		if _, err := io.Copy(h, r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != r.Header.Get("Idempotency-Key") {
			http.Error(w, "body does not match its Idempotency-Key", http.StatusBadRequest)
			return
		}
		ep.mu.Lock()
		ep.received = append(ep.received, r.Header.Get("Idempotency-Key"))
		ep.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(func() {
		select {
		case <-ep.release:
		default:
			close(ep.release)
		}
		ep.Close()
	})
	return ep
}

// childRun is one `lsui upload` child.
type childRun struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func startUpload(t *testing.T, bin, root, endpoint, now, fault string) *childRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c := &childRun{}
	c.cmd = exec.CommandContext(ctx, bin, "upload", "--root", root, "--endpoint", endpoint, "--now", now, "--tz", "UTC",
		"--attempts", "1", "--timeout", "20s", "--udadmin-file", filepath.Join(root, "LS", "udadmin-list.txt"))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LSUI_") {
			c.cmd.Env = append(c.cmd.Env, kv)
		}
	}
	if fault != "" {
		c.cmd.Env = append(c.cmd.Env, "LSUI_FAULT="+fault)
	}
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return c
}

// wait returns whether the child died of SIGKILL, and its exit code otherwise.
func (c *childRun) wait() (killed bool, code int) {
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return false, -1
	}
	if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal() == syscall.SIGKILL, -1
	}
	return false, c.cmd.ProcessState.ExitCode()
}

func (c *childRun) output() string {
	return "stdout:\n" + c.stdout.String() + "stderr:\n" + c.stderr.String()
}

// crashRoot writes the demo server under a Windows-like install path, so the
// child also runs with spaces and parentheses in every path. Its clock puts
// the demo's three past uploads (success, failed, failed; DOMAIN.md §8)
// three, two and one day back.
func crashRoot(t *testing.T, now string) (root, usageDir string) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "Program Files (x86)", "Citrix", "Licensing")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.RFC3339, now)
	if _, err := demo.Materialize(root, at, time.UTC); err != nil {
		t.Fatal(err)
	}
	return root, filepath.Join(root, "LS", "resource", "usage", "lsui") // lsui's own payload folder
}

// zipsOnDisk is every upload_*.zip in dir (the final names), with outcomes.
func zipsOnDisk(t *testing.T, dir string) map[string]uploads.Outcome {
	t.Helper()
	list, _, err := uploads.List(dir)
	if err != nil {
		t.Fatalf("journal does not parse: %v", err)
	}
	out := map[string]uploads.Outcome{}
	for _, u := range list {
		out[u.Name] = u.Outcome
	}
	return out
}

// checkCrashInvariants asserts what must hold whenever the cycle stops.
// before is every payload and its recorded outcome before the cycle.
func checkCrashInvariants(t *testing.T, dir string, before map[string]uploads.Outcome) {
	t.Helper()
	j, err := uploads.ReadJournal(dir)
	if err != nil {
		t.Fatalf("journal does not parse: %v", err)
	}
	lock, err := payload.AcquireLock(dir, time.Now())
	if err != nil {
		t.Errorf("lock still held after the child died: %v", err)
	} else {
		lock.Release()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var newestSuccess time.Time
	present := map[string]bool{}
	for _, e := range entries {
		at, ok := uploads.ParseName(e.Name())
		if !ok {
			continue
		}
		present[e.Name()] = true
		path := filepath.Join(dir, e.Name())
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Errorf("%s under a final name is not a complete zip: %v", e.Name(), err)
			continue
		}
		zr.Close()
		r, recorded := j.Get(e.Name())
		if recorded && r.SHA256 != "" {
			data, _ := os.ReadFile(path)
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != r.SHA256 {
				t.Errorf("%s does not match the hash its journal record holds", e.Name())
			}
		}
		if recorded && r.Outcome == uploads.Success && at.After(newestSuccess) {
			newestSuccess = at
		}
	}
	// A payload may be gone only if a later success is recorded and still
	// on disk: so the last success is never deleted, and no failed upload
	// is deleted before a later success.
	for name, o := range before {
		if present[name] {
			continue
		}
		at, _ := uploads.ParseName(name)
		if !newestSuccess.After(at) {
			t.Errorf("%s (%s) was deleted with no later success recorded and on disk", name, o)
		}
	}
}

// checkStoppedAt asserts that the child died where it was meant to: what
// the endpoint accepted, what prune deleted and what the journal says of
// today's payload. With a payload of last month waiting, that one is sent
// (and journaled) first.
func checkStoppedAt(t *testing.T, step string, backlog bool, before, after map[string]uploads.Outcome, ep *crashEndpoint) {
	t.Helper()
	var today string
	deleted := 0
	for name := range after {
		if _, ok := before[name]; !ok {
			today = name
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			deleted++
		}
	}
	ep.mu.Lock()
	accepted := len(ep.received)
	ep.mu.Unlock()
	wantAccepted, wantDeleted, wantToday := 0, 0, uploads.Failed
	switch step {
	case payload.StepWrittenTemp:
		// The zip exists only under its temporary name.
		if today != "" {
			t.Errorf("killed before the rename, yet %s has its final name", today)
		}
		return
	case payload.StepRenamed:
		// Renamed before its hash was journaled: the cycle recorded it as
		// failed before building, so it is never trusted as a success.
	case "uploaded":
		wantAccepted = 1
	case "journaled":
		wantAccepted = 1
		if !backlog {
			wantToday = uploads.Success
		}
	case "pruning":
		wantAccepted, wantDeleted, wantToday = 1, 1, uploads.Success
		if backlog {
			wantAccepted = 2
		}
	}
	if today == "" {
		t.Fatalf("no payload was built before the kill at %s", step)
	}
	if accepted != wantAccepted || deleted != wantDeleted || after[today] != wantToday {
		t.Errorf("killed at %s: endpoint accepted %d (want %d), %d deleted (want %d), today's %s recorded %q (want %q)",
			step, accepted, wantAccepted, deleted, wantDeleted, today, after[today], wantToday)
	}
}

// tempLeftovers lists files in dir that are neither payloads nor lsui's own.
func tempLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if _, ok := uploads.ParseName(e.Name()); ok || e.Name() == uploads.JournalName || e.Name() == payload.LockName {
			continue
		}
		out = append(out, e.Name())
	}
	return out
}

func TestCrashConsistencyOfUploadCycle(t *testing.T) {
	bin := buildFaultLsui(t, t.TempDir())
	began := time.Now()
	t.Cleanup(func() { t.Logf("crash harness: %s for all runs", time.Since(began).Round(time.Millisecond)) })

	scenarios := []struct {
		name, now, next string
	}{
		// Success, failed, failed earlier this month.
		{"this month", "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z"},
		// The same three at the end of last month: the newest failed one is
		// last month's final payload and is sent before today's.
		{"last month waiting", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"},
	}
	// kill is how the child dies: "hook" through LSUI_FAULT at step, or
	// "stall": the endpoint stops reading mid-body and the test kills it.
	steps := []struct{ step, kill string }{
		{payload.StepWrittenTemp, "hook"},
		{payload.StepRenamed, "hook"},
		{"built", "hook"},
		{"uploading", "hook"},
		{"mid-body", "stall"},
		{"uploaded", "hook"},
		{"journaled", "hook"},
		{"pruning", "hook"},
	}
	for _, scn := range scenarios {
		for _, st := range steps {
			t.Run(scn.name+"/"+st.step, func(t *testing.T) {
				root, dir := crashRoot(t, scn.now)
				before := zipsOnDisk(t, dir)
				if len(before) != 3 {
					t.Fatalf("demo root has %d payloads, want 3: %v", len(before), before)
				}

				ep := newCrashEndpoint(t, st.kill == "stall")
				fault := ""
				if st.kill == "hook" {
					fault = st.step
				}
				child := startUpload(t, bin, root, ep.URL+"/upload", scn.now, fault)
				if st.kill == "stall" {
					select {
					case <-ep.stalled:
					case <-time.After(20 * time.Second):
						child.cmd.Process.Kill()
						child.wait()
						t.Fatalf("the upload never reached the endpoint\n%s", child.output())
					}
					child.cmd.Process.Kill()
				}
				killed, code := child.wait()
				if !killed {
					t.Fatalf("child was not killed at %s (exit %d): is Hook: cycleFaultHook still passed in runUpload?\n%s",
						st.step, code, child.output())
				}
				checkCrashInvariants(t, dir, before)
				afterCrash := zipsOnDisk(t, dir)
				checkStoppedAt(t, st.step, scn.name == "last month waiting", before, afterCrash, ep)

				// The second cycle, undisturbed, recovers.
				ep2 := newCrashEndpoint(t, false)
				next := startUpload(t, bin, root, ep2.URL+"/upload", scn.next, "")
				if killed, code := next.wait(); killed || code != exitOK {
					t.Fatalf("second cycle: killed %v, exit %d\n%s", killed, code, next.output())
				}
				union := map[string]uploads.Outcome{}
				for _, m := range []map[string]uploads.Outcome{before, afterCrash} {
					for k, v := range m {
						union[k] = v
					}
				}
				checkCrashInvariants(t, dir, union)
				final := zipsOnDisk(t, dir)
				var names []string
				for name, o := range final {
					names = append(names, name+"="+string(o))
				}
				slices.Sort(names)
				if len(final) != 1 || !strings.HasSuffix(names[0], "="+string(uploads.Success)) {
					t.Errorf("after the second cycle %v; want only its own successful payload", names)
				}
				if left := tempLeftovers(t, dir); len(left) > 0 {
					t.Logf("left behind (not under a final name): %v", left)
				}
			})
		}
	}
}

// TestPruneRetriesUndeletableZip: a payload that cannot be deleted (on
// Windows, a zip another process holds open; here, a file marked immutable
// with chattr +i, which even root cannot unlink) is reported, left in the
// journal as it was, and deleted by the next cycle once it can be.
func TestPruneRetriesUndeletableZip(t *testing.T) {
	chattr, err := exec.LookPath("chattr")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs chattr and root to make a file undeletable")
	}
	bin := buildFaultLsui(t, t.TempDir())
	root, dir := crashRoot(t, fixedNow)
	before := zipsOnDisk(t, dir)
	var oldest string
	for name := range before {
		if oldest == "" || name < oldest {
			oldest = name
		}
	}
	held := filepath.Join(dir, oldest)
	if out, err := exec.Command(chattr, "+i", held).CombinedOutput(); err != nil {
		t.Skipf("chattr +i not supported here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command(chattr, "-i", held).Run() })

	ep := newCrashEndpoint(t, false)
	run := startUpload(t, bin, root, ep.URL+"/upload", fixedNow, "")
	if killed, code := run.wait(); killed || code != exitOK {
		t.Fatalf("cycle with an undeletable zip: exit %d\n%s", code, run.output())
	}
	if !strings.Contains(run.stdout.String(), "could not delete "+oldest) {
		t.Errorf("the failed delete is not reported:\n%s", run.output())
	}
	j, err := uploads.ReadJournal(dir)
	if err != nil {
		t.Fatalf("journal does not parse after a failed delete: %v", err)
	}
	if r, _ := j.Get(oldest); r.Deleted || r.Outcome != before[oldest] {
		t.Errorf("journal record of the undeletable zip changed: %+v", r)
	}
	if _, err := os.Stat(held); err != nil {
		t.Fatalf("the undeletable zip is gone: %v", err)
	}
	if got := zipsOnDisk(t, dir); len(got) != 2 {
		t.Errorf("on disk %v; want the undeletable zip and the new success", got)
	}

	// The other process lets go; the next cycle deletes it.
	if out, err := exec.Command(chattr, "-i", held).CombinedOutput(); err != nil {
		t.Fatalf("chattr -i: %v %s", err, out)
	}
	run = startUpload(t, bin, root, ep.URL+"/upload", "2026-11-27T11:00:00Z", "")
	if killed, code := run.wait(); killed || code != exitOK {
		t.Fatalf("next cycle: exit %d\n%s", code, run.output())
	}
	if _, err := os.Stat(held); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the zip was not deleted by the next cycle: %v\n%s", err, run.output())
	}
	j, err = uploads.ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := j.Get(oldest); !r.Deleted {
		t.Errorf("journal does not mark %s deleted: %+v", oldest, r)
	}
}
