package payload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
)

func TestCheckEndpoint(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
	}{
		{"https://collector.example/upload", true},
		{"HTTPS://collector.example:8443/", true},
		{"http://127.0.0.1:8443/", true},
		{"http://127.9.8.7/", true},
		{"http://[::1]:8080/", true},
		{"http://localhost:8443", true},
		{"http://LocalHost/", true},
		{"http://collector.example/", false},
		{"http://10.0.0.1/", false},
		{"http://[::ffff:10.0.0.1]/", false},
		{"http://localhost.evil.example/", false},
		{"http://127.0.0.1.nip.io/", false},
		{"ftp://collector.example/", false},
		{"collector.example/upload", false},
		{"https://", false},
		{"", false},
		{"https://user:secret@collector.example/", true},
	}
	for _, tt := range tests {
		_, err := CheckEndpoint(tt.raw)
		if (err == nil) != tt.ok {
			t.Errorf("CheckEndpoint(%q) = %v, want ok=%v", tt.raw, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrEndpoint) {
			t.Errorf("CheckEndpoint(%q): %v is not ErrEndpoint", tt.raw, err)
		}
	}
	_, err := CheckEndpoint("http://user:secret@collector.example/")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error must refuse and hide the password: %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{" 0 ", 0, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"999999999999", 24 * time.Hour, true},
		{"Fri, 27 Nov 2026 10:02:00 GMT", 2 * time.Minute, true},
		{"Fri, 27 Nov 2026 09:00:00 GMT", 0, true},
		{"Friday, 27-Nov-26 10:00:30 GMT", 30 * time.Second, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffFullJitter(t *testing.T) {
	opt := CycleOptions{BaseDelay: time.Second, MaxDelay: 10 * time.Second, Rand: rand.New(rand.NewPCG(1, 2))}
	opt.setDefaults()
	s := &sender{opt: &opt}
	for n, ceiling := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second,
		4: 8 * time.Second, 5: 10 * time.Second, 40: 10 * time.Second, 100: 10 * time.Second} {
		var top time.Duration
		low := false
		for range 300 {
			d := s.backoff(n)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, outside [0, %v]", n, d, ceiling)
			}
			top = max(top, d)
			low = low || d < ceiling/4
		}
		// Full jitter spreads over the whole range, not just near the top.
		if top < ceiling*3/4 || !low {
			t.Errorf("backoff(%d): 300 draws span up to %v (low ones: %v), want spread over [0, %v]", n, top, low, ceiling)
		}
	}
}

// request is what the scripted server saw.
type request struct {
	method, path       string
	contentType, key   string
	contentLength      int64
	bodySHA            string
	bodyLen            int64
	bodyComplete       bool
	transferEncodingOK bool
}

// step answers one request of a script.
type step func(w http.ResponseWriter, r *http.Request, release <-chan struct{})

// scripted is an httptest server that answers requests from a script, one
// step each, then repeats the last step.
type scripted struct {
	srv     *httptest.Server
	mu      sync.Mutex
	steps   []step
	byKey   map[string]step // overrides for one payload's Idempotency-Key
	seen    []request
	release chan struct{}
}

func newScripted(t *testing.T, tls bool, steps ...step) *scripted {
	t.Helper()
	sc := &scripted{steps: steps, release: make(chan struct{}), byKey: map[string]step{}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc.mu.Lock()
		n := len(sc.seen)
		sc.seen = append(sc.seen, request{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
			key: r.Header.Get("Idempotency-Key"), contentLength: r.ContentLength,
			transferEncodingOK: len(r.TransferEncoding) == 0})
		st := sc.byKey[r.Header.Get("Idempotency-Key")]
		if st == nil {
			st = sc.steps[min(n, len(sc.steps)-1)]
		}
		sc.mu.Unlock()
		st(w, r, sc.release)
	})
	sc.srv = httptest.NewUnstartedServer(h)
	// Handshakes the test makes fail on purpose are not news.
	sc.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		sc.srv.StartTLS()
	} else {
		sc.srv.Start()
	}
	t.Cleanup(func() {
		close(sc.release)
		sc.srv.Close()
	})
	return sc
}

func (sc *scripted) requests() []request {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return append([]request(nil), sc.seen...)
}

func (sc *scripted) recordBody(r *http.Request) {
	h := sha256.New()
	n, err := io.Copy(h, r.Body)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for i := len(sc.seen) - 1; i >= 0; i-- {
		if sc.seen[i].bodySHA == "" && sc.seen[i].key == r.Header.Get("Idempotency-Key") {
			sc.seen[i].bodySHA, sc.seen[i].bodyLen, sc.seen[i].bodyComplete = hex.EncodeToString(h.Sum(nil)), n, err == nil
			return
		}
	}
}

// Script steps.
func (sc *scripted) status(code int, header ...string) step {
	return func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		sc.recordBody(r)
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, http.StatusText(code))
	}
}

// reset drops the connection with a TCP RST before answering.
func (sc *scripted) reset() step {
	return func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
	}
}

// hang reads the whole body, then never answers (until the client gives up).
func (sc *scripted) hang() step {
	return func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		sc.recordBody(r)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

// slowBody reads a few bytes of the body and then stops reading.
func (sc *scripted) slowBody() step {
	return func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		io.ReadFull(r.Body, make([]byte, 16))
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

func (sc *scripted) redirect(code int, to string) step {
	return func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		sc.recordBody(r)
		http.Redirect(w, r, to, code)
	}
}

// testPayload writes a zip-sized file of pseudo-random bytes; upload does
// not look inside what it sends.
func testPayload(t *testing.T, dir string, at time.Time, size int) (string, string) {
	t.Helper()
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(uint64(at.Unix()), 7))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	path := filepath.Join(dir, uploads.FileName(at))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return path, hex.EncodeToString(sum[:])
}

// testSender is a sender with recorded sleeps and progress.
type testSender struct {
	*sender
	sleeps   []time.Duration
	progress []Progress
}

func newTestSender(t *testing.T, endpoint string, opt CycleOptions) *testSender {
	t.Helper()
	ts := &testSender{}
	opt.Rand = rand.New(rand.NewPCG(3, 4))
	opt.Sleep = func(ctx context.Context, d time.Duration) error {
		ts.sleeps = append(ts.sleeps, d)
		return ctx.Err()
	}
	opt.Progress = func(p Progress) { ts.progress = append(ts.progress, p) }
	opt.setDefaults()
	u, err := CheckEndpoint(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	client, err := newClient(&opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.CloseIdleConnections)
	ts.sender = &sender{client: client, endpoint: u, opt: &opt}
	return ts
}

func TestUploadScripted(t *testing.T) {
	type want struct {
		outcome  uploads.Outcome
		status   int
		attempts int
		sleeps   []time.Duration // nil: any count given by attempts-1, each within the backoff bounds
		errHas   string
	}
	tests := []struct {
		name    string
		timeout time.Duration
		script  func(sc *scripted) []step
		want    want
	}{
		{"created at once", 0, func(sc *scripted) []step { return []step{sc.status(201)} },
			want{uploads.Success, 201, 1, []time.Duration{}, ""}},
		{"any 2xx is success", 0, func(sc *scripted) []step { return []step{sc.status(204)} },
			want{uploads.Success, 204, 1, []time.Duration{}, ""}},
		{"500 then 503 then 200", 0, func(sc *scripted) []step {
			return []step{sc.status(500), sc.status(503), sc.status(200)}
		}, want{uploads.Success, 200, 3, nil, ""}},
		{"403 is final", 0, func(sc *scripted) []step { return []step{sc.status(403), sc.status(201)} },
			want{uploads.Failed, 403, 1, []time.Duration{}, "403 Forbidden"}},
		{"400 is final", 0, func(sc *scripted) []step { return []step{sc.status(400), sc.status(201)} },
			want{uploads.Failed, 400, 1, []time.Duration{}, "400"}},
		{"429 with Retry-After seconds", 0, func(sc *scripted) []step {
			return []step{sc.status(429, "Retry-After", "7"), sc.status(201)}
		}, want{uploads.Success, 201, 2, []time.Duration{7 * time.Second}, ""}},
		{"503 with a far Retry-After date is capped", 0, func(sc *scripted) []step {
			return []step{sc.status(503, "Retry-After", time.Now().Add(48*time.Hour).UTC().Format(http.TimeFormat)), sc.status(201)}
		}, want{uploads.Success, 201, 2, []time.Duration{DefaultMaxRetryAfter}, ""}},
		{"500 every time gives up after MaxAttempts", 0, func(sc *scripted) []step { return []step{sc.status(500)} },
			want{uploads.Failed, 500, DefaultMaxAttempts, nil, "500"}},
		{"connection reset then success", 0, func(sc *scripted) []step {
			return []step{sc.reset(), sc.reset(), sc.status(201)}
		}, want{uploads.Success, 201, 3, nil, ""}},
		{"connection reset every time", 0, func(sc *scripted) []step { return []step{sc.reset()} },
			want{uploads.Failed, 0, DefaultMaxAttempts, nil, "127.0.0.1"}},
		{"no answer times out, then success", time.Second, func(sc *scripted) []step {
			return []step{sc.hang(), sc.status(201)}
		}, want{uploads.Success, 201, 2, nil, ""}},
		{"server stops reading the body", time.Second, func(sc *scripted) []step {
			return []step{sc.slowBody(), sc.status(201)}
		}, want{uploads.Success, 201, 2, nil, ""}},
		{"303 to a GET is not a success", 0, func(sc *scripted) []step {
			return []step{sc.redirect(303, "/done"), sc.status(200)}
		}, want{uploads.Failed, 303, 1, []time.Duration{}, "303"}},
		{"307 keeps the body", 0, func(sc *scripted) []step {
			return []step{sc.redirect(307, "/elsewhere"), sc.status(201)}
		}, want{uploads.Success, 201, 1, []time.Duration{}, ""}},
		{"307 to plain http elsewhere is refused", 0, func(sc *scripted) []step {
			return []step{sc.redirect(307, "http://192.0.2.1/steal"), sc.status(201)}
		}, want{uploads.Failed, 0, 1, []time.Duration{}, "plain http is refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := newScripted(t, false)
			sc.steps = tt.script(sc)
			path, sum := testPayload(t, t.TempDir(), testNow, 200<<10)
			ts := newTestSender(t, sc.srv.URL, CycleOptions{Timeout: tt.timeout})
			res, err := ts.send(context.Background(), path)
			if err != nil {
				t.Fatalf("send: %v", err)
			}
			w := tt.want
			if res.Outcome != w.outcome || res.Status != w.status || res.Attempts != w.attempts {
				t.Errorf("got %s status %d after %d attempts (%s), want %s %d after %d",
					res.Outcome, res.Status, res.Attempts, res.Err, w.outcome, w.status, w.attempts)
			}
			if w.errHas != "" && !strings.Contains(res.Err, w.errHas) {
				t.Errorf("error %q does not mention %q", res.Err, w.errHas)
			}
			if w.outcome == uploads.Success && res.Err != "" {
				t.Errorf("success with error %q", res.Err)
			}
			if res.SHA256 != sum {
				t.Errorf("sha256 %s, want %s", res.SHA256, sum)
			}
			if w.sleeps != nil {
				if len(ts.sleeps) != len(w.sleeps) {
					t.Errorf("slept %v, want %v", ts.sleeps, w.sleeps)
				} else {
					for i := range w.sleeps {
						if ts.sleeps[i] != w.sleeps[i] {
							t.Errorf("slept %v, want %v", ts.sleeps, w.sleeps)
						}
					}
				}
			} else if len(ts.sleeps) != w.attempts-1 {
				t.Errorf("slept %d times, want %d", len(ts.sleeps), w.attempts-1)
			}
			// Every POST that reached the handler carried the headers.
			for _, r := range sc.requests() {
				if r.method != http.MethodPost {
					t.Errorf("%s %s: only POSTs may be sent", r.method, r.path)
					continue
				}
				if r.key != sum || r.contentType != "application/zip" || r.contentLength != 200<<10 || !r.transferEncodingOK {
					t.Errorf("request %+v: want Idempotency-Key %s, application/zip, Content-Length %d", r, sum, 200<<10)
				}
				if r.bodyComplete && r.bodySHA != sum {
					t.Errorf("body hash %s, want %s", r.bodySHA, sum)
				}
			}
			if got := len(sc.requests()); w.errHas != "plain http is refused" && got < res.Attempts {
				t.Errorf("server saw %d requests for %d attempts", got, res.Attempts)
			}
		})
	}
}

func TestUploadProgress(t *testing.T) {
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(500), sc.status(201)}
	path, _ := testPayload(t, t.TempDir(), testNow, 300<<10)
	ts := newTestSender(t, sc.srv.URL, CycleOptions{})
	if res, err := ts.send(context.Background(), path); err != nil || res.Outcome != uploads.Success {
		t.Fatalf("send: %+v, %v", res, err)
	}
	var last Progress
	sawRetry := false
	for _, p := range ts.progress {
		if p.Phase != PhaseUploading || p.Total != 300<<10 || p.File != filepath.Base(path) || p.MaxAttempts != DefaultMaxAttempts {
			t.Fatalf("progress %+v", p)
		}
		if p.RetryIn > 0 || p.LastError != "" {
			sawRetry = true
			if p.Attempt != 1 || p.Status != 500 {
				t.Errorf("retry report %+v, want after attempt 1 with status 500", p)
			}
		} else if p.Attempt == last.Attempt && p.Sent < last.Sent {
			t.Errorf("sent went backwards within attempt %d: %d after %d", p.Attempt, p.Sent, last.Sent)
		}
		last = p
	}
	if !sawRetry {
		t.Error("no progress report for the retry wait")
	}
	if last.Attempt != 2 || last.Sent != last.Total {
		t.Errorf("last report %+v, want attempt 2 with everything sent", last)
	}
}

// writeServerCA writes a TLS test server's certificate as a PEM file.
func writeServerCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUploadTLS(t *testing.T) {
	sc := newScripted(t, true)
	sc.steps = []step{sc.status(201)}
	path, _ := testPayload(t, t.TempDir(), testNow, 1<<10)

	// Without the CA the certificate is unknown: no retry can fix that.
	ts := newTestSender(t, sc.srv.URL, CycleOptions{})
	res, err := ts.send(context.Background(), path)
	if err != nil || res.Outcome != uploads.Failed || res.Attempts != 1 || !strings.Contains(res.Err, "certificate") {
		t.Errorf("without --ca: %+v, %v; want one failed attempt about the certificate", res, err)
	}

	ts = newTestSender(t, sc.srv.URL, CycleOptions{CAFile: writeServerCA(t, sc.srv)})
	res, err = ts.send(context.Background(), path)
	if err != nil || res.Outcome != uploads.Success || res.Status != 201 {
		t.Errorf("with --ca: %+v, %v", res, err)
	}
}

func TestNewClientErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o644)
	tests := []struct {
		name string
		opt  CycleOptions
		has  string
	}{
		{"missing CA file", CycleOptions{CAFile: filepath.Join(dir, "nope.pem")}, "--ca"},
		{"CA file without PEM", CycleOptions{CAFile: notPEM}, "no PEM certificate"},
		{"bad proxy", CycleOptions{Proxy: "::bad"}, "--proxy"},
	}
	for _, tt := range tests {
		if _, err := newClient(&tt.opt); err == nil || !strings.Contains(err.Error(), tt.has) {
			t.Errorf("%s: %v, want an error mentioning %q", tt.name, err, tt.has)
		}
	}
}

func TestUploadProxy(t *testing.T) {
	// A plain-http proxy that answers itself: seeing the request proves
	// --proxy was used for a host the test never resolves.
	var got []string
	var mu sync.Mutex
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.String())
		mu.Unlock()
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	}))
	defer proxy.Close()
	path, _ := testPayload(t, t.TempDir(), testNow, 1<<10)
	ts := newTestSender(t, "http://localhost:1/upload", CycleOptions{Proxy: proxy.URL})
	res, err := ts.send(context.Background(), path)
	if err != nil || res.Outcome != uploads.Success {
		t.Fatalf("send through proxy: %+v, %v", res, err)
	}
	if len(got) != 1 || got[0] != "POST http://localhost:1/upload" {
		t.Errorf("proxy saw %q", got)
	}
}

func TestUploadCancelDuringWait(t *testing.T) {
	sc := newScripted(t, false)
	sc.steps = []step{sc.status(503)}
	path, _ := testPayload(t, t.TempDir(), testNow, 1<<10)
	ts := newTestSender(t, sc.srv.URL, CycleOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	ts.opt.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	res, err := ts.send(ctx, path)
	if !errors.Is(err, context.Canceled) || res.Outcome != uploads.Failed || res.Attempts != 1 {
		t.Errorf("cancelled: %+v, %v", res, err)
	}
}

func TestSleepContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepContext on a cancelled ctx = %v", err)
	}
	if err := sleepContext(context.Background(), 0); err != nil {
		t.Errorf("sleepContext(0) = %v", err)
	}
}
