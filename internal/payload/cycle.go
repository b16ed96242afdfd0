package payload

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/scramble"
)

// CycleOptions configure one upload cycle. Zero values take the defaults.
type CycleOptions struct {
	Endpoint string // https URL (http only to loopback); see CheckEndpoint
	CAFile   string // extra trusted CA certificates, PEM
	Proxy    string // proxy URL; empty means HTTPS_PROXY/NO_PROXY
	Timeout  time.Duration
	// MaxAttempts bounds the POSTs per payload (default 5).
	MaxAttempts int
	// BaseDelay and MaxDelay shape the backoff between attempts: a random
	// wait in [0, min(MaxDelay, BaseDelay·2^(n-1))] after attempt n.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps how long a server's Retry-After is honoured.
	MaxRetryAfter time.Duration
	// Now names today's payload; zero means time.Now().
	Now time.Time
	// Key scrambles identities; nil loads the server's key when the
	// anonymization setting is on.
	Key *scramble.Key
	// Progress receives the cycle's phases. It may be called from the HTTP
	// transport's goroutine, never from two goroutines at once, and must
	// return quickly (the dashboard sends it on to a channel).
	Progress func(Progress)
	// Hook is fault injection for tests: called at each step in Steps; an
	// error stops the cycle right there, as a crash would.
	Hook func(step string) error
	// Rand draws the backoff jitter; nil uses the global source.
	Rand *rand.Rand
	// Sleep waits between attempts; nil waits on a timer or ctx.
	Sleep func(ctx context.Context, d time.Duration) error

	started time.Time
}

// Steps are the points where CycleOptions.Hook is called.
var Steps = []string{StepWrittenTemp, StepRenamed, "built", "uploading", "uploaded", "journaled", "pruning"}

// Phase is where a cycle is.
type Phase string

const (
	PhaseBuilding  Phase = "building"
	PhaseUploading Phase = "uploading"
	PhasePruning   Phase = "pruning"
	PhaseDone      Phase = "done"
)

// Progress is one report from a running cycle.
type Progress struct {
	Phase       Phase
	File        string // the payload being built or sent
	Sent, Total int64  // body bytes sent and the zip's size, while uploading
	Attempt     int    // 1-based
	MaxAttempts int
	// RetryIn is set while waiting before the next attempt, with the
	// reason in LastError (and the HTTP status, if any).
	RetryIn   time.Duration
	LastError string
	Status    int
}

// Attempt is the outcome of sending one payload in a cycle.
type Attempt struct {
	File     string          `json:"file"`
	Outcome  uploads.Outcome `json:"outcome"`
	Status   int             `json:"status,omitempty"` // last HTTP status, 0 when none came
	Attempts int             `json:"attempts"`
	Err      string          `json:"error,omitempty"`
	SHA256   string          `json:"sha256,omitempty"`
	Size     int64           `json:"size"`
	// Backlog marks a payload of an earlier month sent before today's.
	Backlog bool `json:"backlog,omitempty"`
}

// CycleResult is what a cycle did. Uploaded lists the payloads sent, the
// earlier months' first and today's last.
type CycleResult struct {
	Built    string    `json:"built,omitempty"`
	Uploaded []Attempt `json:"uploaded"`
	Deleted  []string  `json:"deleted"`
	Kept     []string  `json:"kept"`
	// Moved says, one line each, which payloads an earlier lsui had left in
	// Citrix's folder were moved into lsui's own (MigrateLegacy).
	Moved        []string `json:"moved,omitempty"`
	DeleteErrors []string `json:"delete_errors,omitempty"`
	// Notes are things the cycle worked around and the operator should
	// know: a journal set aside because it was over the caps.
	Notes []string `json:"notes,omitempty"`
	// Swept lists the leftovers of killed runs removed at the start.
	Swept []string `json:"swept,omitempty"`
}

// OK is true when every payload of the cycle was delivered.
func (r *CycleResult) OK() bool {
	if r == nil || len(r.Uploaded) == 0 {
		return false
	}
	for _, a := range r.Uploaded {
		if a.Outcome != uploads.Success {
			return false
		}
	}
	return true
}

func (o *CycleOptions) setDefaults() {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Sleep == nil {
		o.Sleep = sleepContext
	}
	o.started = time.Now()
}

// clock is the cycle's time: Now plus the time elapsed since the cycle
// began, so a fixed --now (demos, tests) still dates journal entries
// consistently with the payload names.
func (o *CycleOptions) clock() time.Time {
	return o.Now.Add(time.Since(o.started)).UTC()
}

func (o *CycleOptions) report(p Progress) {
	if o.Progress != nil {
		o.Progress(p)
	}
}

func (o *CycleOptions) hook(step string) error {
	if o.Hook == nil {
		return nil
	}
	return o.Hook(step)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// interrupted is what the journal says about a payload while it is being
// sent: if the process dies now, the next cycle treats it as not delivered,
// which is the safe side of the retention rule (it lingers until a later
// success instead of being trusted as one).
const interrupted = "upload did not finish (the cycle was interrupted)"

// RunCycle runs one upload cycle for the server s: take the lock, build
// today's payload, send the newest lingering failed payload of each earlier
// calendar month (oldest first), send today's, record every outcome in the
// journal, then prune (see Prune). Upload failures are reported in the
// result, which is returned even with an error; the error is for what stops
// the cycle itself: the lock, the journal, the build, a cancelled ctx, a
// hook.
func RunCycle(ctx context.Context, s *model.Snapshot, opt CycleOptions) (*CycleResult, error) {
	opt.setDefaults()
	res := &CycleResult{Uploaded: []Attempt{}, Deleted: []string{}, Kept: []string{}}
	endpoint, err := CheckEndpoint(opt.Endpoint)
	if err != nil {
		return res, err
	}
	client, err := newClient(&opt)
	if err != nil {
		return res, err
	}
	snd := &sender{client: client, endpoint: endpoint, opt: &opt}
	defer client.CloseIdleConnections()
	if err := ctx.Err(); err != nil {
		return res, err
	}

	// lsui's own folder: Citrix's upload_*.zip beside it are never listed,
	// sent or pruned here.
	dir := uploads.Dir(s.Layout.UsageDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("payload folder: %w", err)
	}
	lock, err := AcquireLock(dir, opt.Now)
	if err != nil {
		return res, err
	}
	defer lock.Release()
	res.Swept = sweepLeftovers(s.Layout, dir)
	moved, err := MigrateLegacy(ctx, s.Layout.UsageDir)
	res.Moved = moved
	if err != nil {
		return res, err
	}

	// A journal that does not parse stops the cycle: writing a fresh one
	// would forget which zips succeeded, and prune would act on that. One
	// over the caps is set aside instead (kept, renamed), so uploads go on;
	// with no success recorded, prune keeps every older payload until the
	// next success, and each earlier month's final payload after it.
	j, err := uploads.ReadJournal(dir)
	if errors.Is(err, uploads.ErrJournalTooLarge) {
		aside, aerr := uploads.SetAside(dir, opt.clock())
		if aerr != nil {
			return res, fmt.Errorf("upload journal: %w (and setting it aside failed: %v)", err, aerr)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%v; set aside as %s and a new journal started", err, aside))
		j, err = uploads.ReadJournal(dir)
	}
	if err != nil {
		return res, fmt.Errorf("upload journal (fix or move it aside; lsui never writes over it): %w", err)
	}
	// Records of payloads no longer on disk: history, or dropped when the
	// payload was never built. Saved with today's record below.
	exists := func(name string) bool {
		_, err := os.Lstat(filepath.Join(dir, name))
		return !errors.Is(err, fs.ErrNotExist)
	}
	j.Compact(exists)
	key, err := cycleKey(s, &opt)
	if err != nil {
		return res, err
	}

	backlog, err := earlierMonths(dir, j, opt.Now, s.Location)
	if err != nil {
		return res, err
	}
	name, err := todaysName(dir, j, opt.Now)
	if err != nil {
		return res, err
	}
	out := filepath.Join(dir, name)
	opt.report(Progress{Phase: PhaseBuilding, File: name})
	// Recorded before the build, so a crash between the zip's rename and
	// the next journal write still leaves it marked failed, not unknown.
	j.Set(uploads.Record{File: name, Outcome: uploads.Failed, At: opt.clock(), Error: interrupted})
	if err := j.Save(); err != nil {
		return res, fmt.Errorf("upload journal: %w", err)
	}
	res.Built = name
	crashed := false // a fault hook stopped the build, as a crash would
	buildHook := opt.Hook
	if buildHook != nil {
		buildHook = func(step string) error {
			err := opt.Hook(step)
			crashed = crashed || err != nil
			return err
		}
	}
	built, err := Build(ctx, s, BuildOptions{Now: opt.Now, Out: out, Key: key, Hook: buildHook})
	if err != nil {
		// Nothing was built: drop the record made above, so the journal
		// holds no phantom. A crash writes nothing more; the next cycle's
		// Compact drops its record.
		if !crashed && j.Compact(exists) {
			if serr := j.Save(); serr != nil {
				err = fmt.Errorf("%w (and the journal: %v)", err, serr)
			}
		}
		return res, fmt.Errorf("%s: %w", name, err)
	}
	j.Set(uploads.Record{File: name, Outcome: uploads.Failed, At: opt.clock(), SHA256: built.SHA256, Error: interrupted})
	if err := j.Save(); err != nil {
		return res, fmt.Errorf("upload journal: %w", err)
	}
	if err := opt.hook("built"); err != nil {
		return res, &errHookAbort{"built", err}
	}

	// Earlier months go first, oldest first. A later success prunes every
	// older zip, so when an earlier month could not be delivered because the
	// endpoint is away (network, 429, 5xx), nothing newer is sent in this
	// cycle either. A payload the endpoint refused (other 4xx) will never go
	// through and does not hold the others back.
	blocked := ""
	for _, b := range backlog {
		a, err := sendAndRecord(ctx, snd, j, filepath.Join(dir, b), true)
		res.Uploaded = append(res.Uploaded, a.Attempt)
		if err != nil {
			return res, err
		}
		if a.Outcome != uploads.Success && a.transient {
			blocked = b
			break
		}
	}
	if blocked != "" {
		a := Attempt{File: name, Outcome: uploads.Failed, SHA256: built.SHA256, Size: built.Size,
			Err: fmt.Sprintf("not sent: %s, of an earlier month, could not be delivered first", blocked)}
		j.Set(uploads.Record{File: name, Outcome: uploads.Failed, At: opt.clock(), SHA256: built.SHA256, Error: a.Err})
		if err := j.Save(); err != nil {
			return res, fmt.Errorf("upload journal: %w", err)
		}
		res.Uploaded = append(res.Uploaded, a)
	} else {
		a, err := sendAndRecord(ctx, snd, j, out, false)
		res.Uploaded = append(res.Uploaded, a.Attempt)
		if err != nil {
			return res, err
		}
	}

	if err := ctx.Err(); err != nil {
		return res, err
	}
	opt.report(Progress{Phase: PhasePruning})
	// A payload this cycle saw refused or failing is not deleted by the
	// success that followed it: its outcome was just reported as kept.
	protect := map[string]bool{}
	for _, a := range res.Uploaded {
		if a.Outcome != uploads.Success {
			protect[a.File] = true
		}
	}
	pr, err := prune(ctx, dir, j, pruneOptions{hook: opt.hook, now: opt.clock, loc: s.Location, protect: protect})
	res.Deleted = append(res.Deleted, pr.Deleted...)
	res.Kept = append(res.Kept, pr.Kept...)
	res.DeleteErrors = append(res.DeleteErrors, pr.Errors...)
	if err != nil {
		return res, err
	}
	opt.report(Progress{Phase: PhaseDone})
	return res, nil
}

// sendAndRecord uploads one zip and writes its outcome to the journal
// before anything else happens. A hook abort returns at once, writing
// nothing, as a crash would; a cancelled ctx still records the failure.
func sendAndRecord(ctx context.Context, snd *sender, j *uploads.Journal, path string, backlog bool) (sendResult, error) {
	name := filepath.Base(path)
	prev, _ := j.Get(name)
	if backlog {
		// Marked before sending, like today's payload: a crash mid-upload
		// leaves it failed, never a stale success.
		prev.File, prev.Outcome, prev.Error = name, uploads.Failed, interrupted
		j.Set(prev)
		if err := j.Save(); err != nil {
			return sendResult{Attempt: Attempt{File: name, Outcome: uploads.Failed, Err: err.Error(), Backlog: backlog}},
				fmt.Errorf("upload journal: %w", err)
		}
	}
	a, sendErr := snd.send(ctx, path)
	a.Backlog = backlog
	var abort *errHookAbort
	if errors.As(sendErr, &abort) {
		return a, sendErr
	}
	rec := uploads.Record{File: name, Outcome: a.Outcome, At: snd.opt.clock(), SHA256: a.SHA256,
		Attempts: a.Attempts, Status: a.Status, Error: a.Err}
	if rec.SHA256 == "" {
		rec.SHA256 = prev.SHA256
	}
	j.Set(rec)
	if err := j.Save(); err != nil {
		return a, fmt.Errorf("upload journal: record %s %s: %w", name, a.Outcome, err)
	}
	if err := snd.opt.hook("journaled"); err != nil {
		return a, &errHookAbort{"journaled", err}
	}
	return a, sendErr
}

// cycleKey is the scramble key for today's payload: the one given, else,
// with anonymization on, the server's key. (Build refuses to run when the
// setting cannot be read or the key is missing.)
func cycleKey(s *model.Snapshot, opt *CycleOptions) (*scramble.Key, error) {
	if opt.Key != nil {
		return opt.Key, nil
	}
	if s.Config == nil || !s.Config.Scramble {
		return nil, nil
	}
	key, err := scramble.LoadKey(s.Layout.ConfigDir, opt.Now)
	if err != nil {
		return nil, fmt.Errorf("anonymization is on but the scramble key cannot be used: %w", err)
	}
	return key, nil
}

// todaysName names today's payload after now, moved on by whole seconds
// when that name is taken (two cycles in one second) or would sort before
// a payload already there (a clock set back by up to MaxFutureSkew): the
// retention rule orders payloads by name, so today's must come last. A
// name further in the future does not steer it (upload_999999999999.zip
// would push every later payload past what ParseName reads).
func todaysName(dir string, j *uploads.Journal, now time.Time) (string, error) {
	all, err := payloadFiles(dir)
	if err != nil {
		return "", err
	}
	files, _ := splitFuture(all, now)
	t := now.Truncate(time.Second)
	if n := len(files); n > 0 && !files[n-1].time.Before(t) {
		t = files[n-1].time.Add(time.Second)
	}
	for {
		name := uploads.FileName(t)
		_, recorded := j.Get(name)
		if _, err := os.Lstat(filepath.Join(dir, name)); !recorded && errors.Is(err, os.ErrNotExist) {
			return name, nil
		}
		t = t.Add(time.Second)
	}
}

// earlierMonths picks, for each calendar month (in loc) before now's, the
// newest failed payload, unless a success in that month is newer still
// (then the month's final numbers were delivered). Oldest month first.
func earlierMonths(dir string, j *uploads.Journal, now time.Time, loc *time.Location) ([]string, error) {
	if loc == nil {
		loc = time.Local
	}
	files, err := payloadFiles(dir)
	if err != nil {
		return nil, err
	}
	type monthKey struct {
		y int
		m time.Month
	}
	ny, nm, _ := now.In(loc).Date()
	current := monthKey{ny, nm}
	newest := map[monthKey]payloadFile{}
	var months []monthKey
	for _, f := range files { // oldest first, so later ones overwrite
		y, m, _ := f.time.In(loc).Date()
		k := monthKey{y, m}
		if k == current || k.y > current.y || (k.y == current.y && k.m > current.m) {
			continue
		}
		r, ok := j.Get(f.name)
		if !ok || (r.Outcome != uploads.Failed && r.Outcome != uploads.Success) {
			continue
		}
		if _, seen := newest[k]; !seen {
			months = append(months, k)
		}
		f.outcome = r.Outcome
		newest[k] = f
	}
	sort.Slice(months, func(a, b int) bool {
		if months[a].y != months[b].y {
			return months[a].y < months[b].y
		}
		return months[a].m < months[b].m
	})
	var out []string
	for _, k := range months {
		if f := newest[k]; f.outcome == uploads.Failed {
			out = append(out, f.name)
		}
	}
	return out, nil
}
