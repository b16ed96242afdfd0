package payload

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/scramble"
)

var testNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// fixtureRoot copies testdata/cycle-root, a tiny licensing root, to a
// temporary folder.
func fixtureRoot(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", "cycle-root"))); err != nil {
		t.Fatal(err)
	}
	return root
}

func loadRoot(t testing.TB, root string, now time.Time) *model.Snapshot {
	t.Helper()
	s, err := model.Load(context.Background(), model.Options{Root: root, Now: now, Location: time.UTC, NoExec: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// quickOptions are cycle options for tests: no real waiting, fixed jitter.
func quickOptions(endpoint string, now time.Time) CycleOptions {
	return CycleOptions{
		Endpoint:    endpoint,
		Now:         now,
		MaxAttempts: 3,
		Rand:        rand.New(rand.NewPCG(5, 6)),
		Sleep:       func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}
}

// payloadNames lists the upload_*.zip files in dir.
func payloadNames(t *testing.T, dir string) []string {
	t.Helper()
	files, err := payloadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.name)
	}
	return names
}

func outcomeOf(t *testing.T, dir, name string) uploads.Outcome {
	t.Helper()
	j, err := uploads.ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := j.Get(name)
	return r.Outcome
}

func TestCycleEndToEndTLS(t *testing.T) {
	recvDir := t.TempDir()
	var log strings.Builder
	srv := httptest.NewTLSServer(NewReceiver(recvDir, ReceiverOptions{Log: &syncWriter{w: &log}}))
	defer srv.Close()
	root := fixtureRoot(t)

	var phases []Phase
	opt := quickOptions(srv.URL, testNow)
	opt.CAFile = writeServerCA(t, srv)
	opt.Progress = func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}
	s := loadRoot(t, root, testNow)
	res, err := RunCycle(context.Background(), s, opt)
	if err != nil {
		t.Fatalf("cycle: %v", err)
	}
	first := uploads.FileName(testNow)
	if !res.OK() || res.Built != first || len(res.Uploaded) != 1 || res.Uploaded[0].Status != http.StatusCreated {
		t.Fatalf("result %+v", res)
	}
	if want := []Phase{PhaseBuilding, PhaseUploading, PhasePruning, PhaseDone}; !slices.Equal(phases, want) {
		t.Errorf("phases %v, want %v", phases, want)
	}
	dir := uploads.Dir(s.Layout.UsageDir)
	if got := outcomeOf(t, dir, first); got != uploads.Success {
		t.Errorf("journal says %q", got)
	}
	stored := receivedFiles(t, recvDir)
	if len(stored) != 1 || !strings.HasPrefix(stored[0], s.Settings.ServerID+"/upload_") {
		t.Errorf("receiver stored %v, want one payload under the server id %q", stored, s.Settings.ServerID)
	}
	sent, _ := os.ReadFile(filepath.Join(dir, first))
	got, _ := os.ReadFile(filepath.Join(recvDir, filepath.FromSlash(stored[0])))
	if len(sent) == 0 || string(sent) != string(got) {
		t.Errorf("stored payload differs from the one sent (%d and %d bytes)", len(sent), len(got))
	}

	// The next day's cycle replaces yesterday's success.
	next := testNow.Add(24 * time.Hour)
	res, err = RunCycle(context.Background(), loadRoot(t, root, next), quickOptionsCA(srv.URL, next, opt.CAFile))
	if err != nil || !res.OK() {
		t.Fatalf("second cycle: %+v, %v", res, err)
	}
	second := uploads.FileName(next)
	if !slices.Equal(res.Deleted, []string{first}) || !slices.Equal(res.Kept, []string{second}) {
		t.Errorf("deleted %v kept %v, want %s deleted and %s kept", res.Deleted, res.Kept, first, second)
	}
	if names := payloadNames(t, dir); !slices.Equal(names, []string{second}) {
		t.Errorf("on disk: %v", names)
	}
	j, _ := uploads.ReadJournal(dir)
	if r, _ := j.Get(first); !r.Deleted || r.Outcome != uploads.Success {
		t.Errorf("journal record of the pruned success: %+v", r)
	}
	if n := strings.Count(log.String(), "\n"); n != 2 {
		t.Errorf("receiver logged %d lines for 2 requests:\n%s", n, log.String())
	}
}

func quickOptionsCA(endpoint string, now time.Time, ca string) CycleOptions {
	o := quickOptions(endpoint, now)
	o.CAFile = ca
	return o
}

// TestCycleSequences runs cycles against an endpoint that fails or succeeds
// on cue and checks the retention rule after each sequence.
func TestCycleSequences(t *testing.T) {
	tests := []struct {
		name     string
		outcomes string // one letter per daily cycle: s succeeds, f fails
		kept     string // which cycles' payloads remain, same letters by position, '.' for gone
	}{
		{"fail, fail, success", "ffs", "..s"},
		{"success, fail", "sf", "sf"},
		{"success, success", "ss", ".s"},
		{"fail, fail", "ff", "ff"},
		{"success, fail, fail, success", "sffs", "...s"},
		{"fail, success, fail", "fsf", ".sf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := newScripted(t, false)
			root := fixtureRoot(t)
			var names []string
			for i, c := range tt.outcomes {
				if c == 's' {
					sc.steps = []step{sc.status(201)}
				} else {
					sc.steps = []step{sc.status(403)}
				}
				now := testNow.Add(time.Duration(i) * time.Hour)
				res, err := RunCycle(context.Background(), loadRoot(t, root, now), quickOptions(sc.srv.URL, now))
				if err != nil {
					t.Fatalf("cycle %d: %v", i, err)
				}
				if res.OK() != (c == 's') {
					t.Fatalf("cycle %d: OK=%v, want %c: %+v", i, res.OK(), c, res)
				}
				names = append(names, res.Built)
			}
			var want []string
			for i, c := range tt.kept {
				if c != '.' {
					want = append(want, names[i])
				}
			}
			dir := uploads.Dir(loadRoot(t, root, testNow).Layout.UsageDir)
			if got := payloadNames(t, dir); !slices.Equal(got, want) {
				t.Errorf("on disk %v, want %v", got, want)
			}
		})
	}
}

// placeRecorded writes a payload file at time at with a journal outcome.
func placeRecorded(t *testing.T, dir string, at time.Time, o uploads.Outcome) (string, string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	path, sum := testPayload(t, dir, at, 4<<10)
	j, err := uploads.ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if o != uploads.Unknown {
		j.Set(uploads.Record{File: filepath.Base(path), Outcome: o, At: at, SHA256: sum})
		if err := j.Save(); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Base(path), sum
}

func TestCycleSendsEarlierMonthsFirst(t *testing.T) {
	date := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 23, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		// reject makes the endpoint refuse this earlier payload for good.
		reject   bool
		down     bool // the endpoint answers 503 to everything
		wantSent []string
		wantKept []string
		wantOK   bool
	}{
		{name: "all delivered", wantSent: []string{"sep", "oct", "today"}, wantKept: []string{"today"}, wantOK: true},
		// September's final payload, refused, stays: never deleted in the
		// cycle that saw it refused, nor later until it is delivered.
		{name: "earlier month refused for good", reject: true, wantSent: []string{"sep", "oct", "today"},
			wantKept: []string{"sep", "today"}},
		{name: "endpoint down: nothing newer is sent", down: true, wantSent: []string{"sep"},
			wantKept: []string{"aug", "sep-early", "sep", "oct-early", "oct", "nov", "today"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fixtureRoot(t)
			s := loadRoot(t, root, testNow)
			dir := uploads.Dir(s.Layout.UsageDir)
			files := map[string]string{}
			sums := map[string]string{}
			place := func(label string, at time.Time, o uploads.Outcome) {
				files[label], sums[label] = placeRecorded(t, dir, at, o)
			}
			place("aug", date(8, 31), uploads.Success) // a month already delivered
			place("sep-early", date(9, 10), uploads.Failed)
			place("sep", date(9, 30), uploads.Failed) // newest failed of September
			place("oct-early", date(10, 2), uploads.Failed)
			place("oct", date(10, 31), uploads.Failed)
			place("nov", date(11, 20), uploads.Failed) // this month: superseded by today's

			sc := newScripted(t, false)
			sc.steps = []step{sc.status(201)}
			if tt.down {
				sc.steps = []step{sc.status(503)}
			}
			if tt.reject {
				sc.byKey[sums["sep"]] = sc.status(422)
			}
			res, err := RunCycle(context.Background(), s, quickOptions(sc.srv.URL, testNow))
			if err != nil {
				t.Fatalf("cycle: %v", err)
			}
			files["today"] = res.Built
			label := map[string]string{}
			for l, f := range files {
				label[f] = l
			}
			var sent []string
			for _, a := range res.Uploaded {
				if a.Attempts > 0 {
					sent = append(sent, label[a.File])
				}
			}
			if !slices.Equal(sent, tt.wantSent) {
				t.Errorf("sent %v, want %v (%+v)", sent, tt.wantSent, res.Uploaded)
			}
			// The server saw the earlier months before today's.
			var order []string
			for _, r := range sc.requests() {
				for l, sum := range sums {
					if r.key == sum && (len(order) == 0 || order[len(order)-1] != l) {
						order = append(order, l)
					}
				}
			}
			if wantOrder := slices.DeleteFunc(slices.Clone(tt.wantSent), func(s string) bool { return s == "today" }); !slices.Equal(order, wantOrder) {
				t.Errorf("server saw %v, want %v", order, wantOrder)
			}
			var kept []string
			for _, n := range payloadNames(t, dir) {
				kept = append(kept, label[n])
			}
			if !slices.Equal(kept, tt.wantKept) {
				t.Errorf("kept %v, want %v", kept, tt.wantKept)
			}
			if res.OK() != tt.wantOK {
				t.Errorf("OK = %v, want %v", res.OK(), tt.wantOK)
			}
			if tt.down {
				last := res.Uploaded[len(res.Uploaded)-1]
				if last.File != res.Built || last.Outcome != uploads.Failed || !strings.Contains(last.Err, "not sent") {
					t.Errorf("today's payload: %+v, want failed as not sent", last)
				}
				if got := outcomeOf(t, dir, res.Built); got != uploads.Failed {
					t.Errorf("journal for today's payload: %q", got)
				}
			}
		})
	}
}

func TestCycleRefusals(t *testing.T) {
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(201)}
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) func()
		opt     func(o *CycleOptions)
		is      error
		has     string
	}{
		{name: "plain http to another host", opt: func(o *CycleOptions) { o.Endpoint = "http://collector.example/" }, is: ErrEndpoint},
		{name: "no endpoint", opt: func(o *CycleOptions) { o.Endpoint = "" }, is: ErrEndpoint},
		{name: "another cycle holds the lock", prepare: func(t *testing.T, dir string) func() {
			l, err := AcquireLock(dir, testNow)
			if err != nil {
				t.Fatal(err)
			}
			return func() { l.Release() }
		}, is: ErrLocked, has: "pid"},
		{name: "journal does not parse", prepare: func(t *testing.T, dir string) func() {
			os.WriteFile(filepath.Join(dir, uploads.JournalName), []byte("{not json"), 0o644)
			return func() {}
		}, has: "never writes over it"},
		{name: "cancelled before it starts", opt: func(o *CycleOptions) {}, is: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadRoot(t, fixtureRoot(t), testNow)
			dir := uploads.Dir(s.Layout.UsageDir)
			os.MkdirAll(dir, 0o755)
			if tt.prepare != nil {
				defer tt.prepare(t, dir)()
			}
			journalBefore, _ := os.ReadFile(filepath.Join(dir, uploads.JournalName))
			opt := quickOptions(sc.srv.URL, testNow)
			if tt.opt != nil {
				tt.opt(&opt)
			}
			ctx := context.Background()
			if tt.is == context.Canceled {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			_, err := RunCycle(ctx, s, opt)
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.has) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tt.is, tt.has)
			}
			if names := payloadNames(t, dir); len(names) != 0 {
				t.Errorf("built %v although the cycle was refused", names)
			}
			journalAfter, _ := os.ReadFile(filepath.Join(dir, uploads.JournalName))
			if string(journalAfter) != string(journalBefore) {
				t.Errorf("journal changed:\n%s", journalAfter)
			}
		})
	}
}

func TestCycleSameSecondKeepsEarlierSuccess(t *testing.T) {
	sc := newScripted(t, false)
	root := fixtureRoot(t)
	sc.steps = []step{sc.status(201)}
	res1, err := RunCycle(context.Background(), loadRoot(t, root, testNow), quickOptions(sc.srv.URL, testNow))
	if err != nil || !res1.OK() {
		t.Fatal(res1, err)
	}
	// Same clock second, and this time the endpoint refuses: the earlier
	// success must not be overwritten by the failed payload.
	sc.steps = []step{sc.status(403)}
	s := loadRoot(t, root, testNow)
	res2, err := RunCycle(context.Background(), s, quickOptions(sc.srv.URL, testNow))
	if err != nil || res2.OK() {
		t.Fatal(res2, err)
	}
	if res2.Built == res1.Built {
		t.Fatalf("second payload reused the name %s", res1.Built)
	}
	dir := uploads.Dir(s.Layout.UsageDir)
	if got := outcomeOf(t, dir, res1.Built); got != uploads.Success {
		t.Errorf("first payload now %q", got)
	}
	if names := payloadNames(t, dir); !slices.Equal(names, []string{res1.Built, res2.Built}) {
		t.Errorf("on disk %v", names)
	}
}

func TestCycleCancelledMidRetry(t *testing.T) {
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(503)}
	s := loadRoot(t, fixtureRoot(t), testNow)
	ctx, cancel := context.WithCancel(context.Background())
	opt := quickOptions(sc.srv.URL, testNow)
	opt.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
	res, err := RunCycle(ctx, s, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if got := outcomeOf(t, uploads.Dir(s.Layout.UsageDir), res.Built); got != uploads.Failed {
		t.Errorf("journal says %q for the cancelled upload", got)
	}
	if l, err := AcquireLock(uploads.Dir(s.Layout.UsageDir), testNow); err != nil {
		t.Errorf("lock not released: %v", err)
	} else {
		l.Release()
	}
}

func TestCycleResultOK(t *testing.T) {
	var nilResult *CycleResult
	tests := []struct {
		r    *CycleResult
		want bool
	}{
		{nilResult, false},
		{&CycleResult{}, false},
		{&CycleResult{Uploaded: []Attempt{{Outcome: uploads.Success}}}, true},
		{&CycleResult{Uploaded: []Attempt{{Outcome: uploads.Failed}, {Outcome: uploads.Success}}}, false},
	}
	for i, tt := range tests {
		if got := tt.r.OK(); got != tt.want {
			t.Errorf("%d: OK() = %v", i, got)
		}
	}
}

func TestCycleAnonymization(t *testing.T) {
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(201)}
	for _, withKey := range []bool{true, false} {
		root := fixtureRoot(t)
		cfg := filepath.Join(root, "WebServicesForLicensing", model.ConfigFileName)
		if err := os.WriteFile(cfg, []byte("<Configurations><UsageBasedBillingScramble>1</UsageBasedBillingScramble></Configurations>"), 0o644); err != nil {
			t.Fatal(err)
		}
		var fingerprint string
		if withKey {
			key, _, err := scramble.EnsureKey(filepath.Join(root, "WebServicesForLicensing"), testNow)
			if err != nil {
				t.Fatal(err)
			}
			fingerprint = key.Fingerprint()
		}
		s := loadRoot(t, root, testNow)
		before := len(sc.requests())
		res, err := RunCycle(context.Background(), s, quickOptions(sc.srv.URL, testNow))
		if !withKey {
			if err == nil || len(sc.requests()) != before || len(payloadNames(t, uploads.Dir(s.Layout.UsageDir))) != 0 {
				t.Errorf("without a key: %v, %d requests, want a refusal before anything is built or sent", err, len(sc.requests())-before)
			}
			continue
		}
		if err != nil || !res.OK() {
			t.Fatalf("with a key: %+v, %v", res, err)
		}
		rep := InspectFile(context.Background(), filepath.Join(uploads.Dir(s.Layout.UsageDir), res.Built), DefaultLimits)
		if !rep.OK || rep.Manifest == nil || !rep.Manifest.Anonymization.Enabled || rep.Manifest.Anonymization.KeyFingerprint != fingerprint {
			t.Errorf("payload: ok=%v problems=%v manifest=%+v, want scrambled with key %s", rep.OK, rep.Problems, rep.Manifest, fingerprint)
		}
		usage, err := ReadEntry(context.Background(), filepath.Join(uploads.Dir(s.Layout.UsageDir), res.Built), UsageName, 1<<20)
		if err != nil || bytes.Contains(bytes.ToLower(usage), []byte("alice")) || !bytes.Contains(usage, []byte("XDT_PLT_UD")) {
			t.Errorf("usage.json (%v) holds a plain name or lacks the usage:\n%s", err, usage)
		}
	}
}
