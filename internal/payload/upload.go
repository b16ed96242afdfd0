package payload

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/regularfile"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/sanitize"
)

// Upload defaults; CycleOptions overrides each.
const (
	DefaultTimeout       = 2 * time.Minute
	DefaultMaxAttempts   = 5
	DefaultBaseDelay     = 2 * time.Second
	DefaultMaxDelay      = time.Minute
	DefaultMaxRetryAfter = 5 * time.Minute
)

// maxCAFile bounds --ca: a PEM bundle of every public root is about 250 KB.
const maxCAFile = 8 << 20

// ErrEndpoint marks an endpoint lsui will not post to; the CLI exits 2 on it.
var ErrEndpoint = errors.New("invalid endpoint")

// CheckEndpoint parses an upload endpoint. It must be an https URL; plain
// http is allowed only to loopback (127.0.0.0/8, ::1, localhost), where
// nothing crosses a network, for tests and a local `lsui receive`.
func CheckEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrEndpoint, sanitize.Line(raw), err)
	}
	if err := checkURL(u); err != nil {
		return nil, err
	}
	return u, nil
}

func checkURL(u *url.URL) error {
	shown := sanitize.Line(u.Redacted())
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%w %s: want an absolute URL like https://collector.example/upload", ErrEndpoint, shown)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%w %s: plain http is refused (payloads hold licence and usage data); use https, "+
			"or http only to loopback (127.0.0.1, ::1, localhost)", ErrEndpoint, shown)
	default:
		return fmt.Errorf("%w %s: scheme %q, want https", ErrEndpoint, shown, u.Scheme)
	}
}

// isLoopbackHost is true for localhost and loopback IP literals. Names other
// than localhost are not resolved: a DNS answer could change between this
// check and the connection.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newClient builds the HTTP client for one cycle: the system CA pool plus
// opt.CAFile, the proxy from opt.Proxy or HTTPS_PROXY/NO_PROXY, and
// redirects held to the same endpoint rules.
func newClient(opt *CycleOptions) (*http.Client, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if opt.CAFile != "" {
		pem, err := readBounded(opt.CAFile, maxCAFile)
		if err != nil {
			return nil, fmt.Errorf("--ca %s: %w", opt.CAFile, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca %s: no PEM certificate in it", opt.CAFile)
		}
	}
	proxy := http.ProxyFromEnvironment
	if opt.Proxy != "" {
		pu, err := url.Parse(opt.Proxy)
		if err != nil || pu.Host == "" {
			return nil, fmt.Errorf("--proxy %s: want a URL like http://proxy.corp:3128", sanitize.Line(opt.Proxy))
		}
		proxy = http.ProxyURL(pu)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = proxy
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// A 301/302/303 turns the POST into a GET without the body;
			// following it could count a GET's 200 as a delivered payload.
			if req.Method != http.MethodPost {
				return http.ErrUseLastResponse
			}
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if err := checkURL(req.URL); err != nil {
				return &redirectError{err}
			}
			return nil
		},
	}, nil
}

// redirectError is a redirect to somewhere lsui will not post to; retrying
// cannot help.
type redirectError struct{ err error }

func (e *redirectError) Error() string { return "redirected: " + e.err.Error() }
func (e *redirectError) Unwrap() error { return e.err }

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}

// sender posts payloads for one cycle.
type sender struct {
	client   *http.Client
	endpoint *url.URL
	opt      *CycleOptions
}

// errHookAbort wraps an error the fault hook returned: the cycle stops
// where it is, as if the process had died.
type errHookAbort struct {
	step string
	err  error
}

func (e *errHookAbort) Error() string { return fmt.Sprintf("cycle stopped at %q: %v", e.step, e.err) }
func (e *errHookAbort) Unwrap() error { return e.err }

// result of one upload with its retries. transient says the last failure
// was of the kind that is retried (network, 429, 5xx): the endpoint may be
// back later.
type sendResult struct {
	Attempt
	transient bool
}

// send uploads the zip at path with bounded retries. A hook abort or a
// cancelled ctx comes back as err; every other failure is in the result.
func (s *sender) send(ctx context.Context, path string) (sendResult, error) {
	name := filepath.Base(path)
	res := sendResult{Attempt: Attempt{File: name, Outcome: uploads.Failed}}
	sum, size, err := hashFile(path)
	if err != nil {
		res.Err = err.Error()
		return res, nil
	}
	res.SHA256, res.Size = sum, size
	limit := s.opt.MaxAttempts
	for n := 1; n <= limit; n++ {
		if err := ctx.Err(); err != nil {
			res.Err = err.Error()
			return res, err
		}
		res.Attempts = n
		out := s.once(ctx, path, name, sum, size, n)
		if out.abort != nil {
			return res, out.abort
		}
		res.Status = out.status
		if out.err == nil && out.status >= 200 && out.status < 300 {
			res.Outcome, res.Err, res.transient = uploads.Success, "", false
			return res, nil
		}
		if err := ctx.Err(); err != nil {
			res.Err = err.Error()
			return res, err
		}
		res.Err = out.describe()
		res.transient = out.retryable()
		if !res.transient || n == limit {
			return res, nil
		}
		wait := s.backoff(n)
		if out.hasRetryAfter {
			wait = min(out.retryAfter, s.opt.MaxRetryAfter)
		}
		s.opt.report(Progress{Phase: PhaseUploading, File: name, Sent: 0, Total: size, Attempt: n,
			MaxAttempts: limit, RetryIn: wait, LastError: res.Err, Status: out.status})
		if err := s.opt.Sleep(ctx, wait); err != nil {
			res.Err = err.Error()
			return res, err
		}
	}
	return res, nil
}

// backoff is full jitter: a uniform wait in [0, min(MaxDelay, BaseDelay·2^(n-1))]
// after attempt n, so many servers failing together do not retry together.
func (s *sender) backoff(n int) time.Duration {
	ceiling := s.opt.MaxDelay
	if shift := n - 1; shift < 62 {
		if d := s.opt.BaseDelay << shift; d > 0 && d < ceiling && d>>shift == s.opt.BaseDelay {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0
	}
	if s.opt.Rand != nil {
		return time.Duration(s.opt.Rand.Int64N(int64(ceiling) + 1))
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// attemptOutcome is what one POST gave.
type attemptOutcome struct {
	status        int
	statusText    string
	body          string // the start of the response body, for the error text
	err           error
	retryAfter    time.Duration
	hasRetryAfter bool
	abort         error // a hook abort: stop everything
}

func (o attemptOutcome) retryable() bool {
	if o.err != nil {
		return !permanentError(o.err)
	}
	return o.status == http.StatusTooManyRequests || o.status >= 500
}

func (o attemptOutcome) describe() string {
	if o.err != nil {
		return o.err.Error()
	}
	msg := o.statusText
	if o.body != "" {
		msg += ": " + o.body
	}
	return msg
}

// permanentError: certificate problems and refused redirects stay the same
// however often the request is repeated.
func permanentError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
		redirect         *redirectError
	)
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verification) || errors.As(err, &redirect)
}

// maxErrorBody is how much of a failed response's body is kept for the
// message; maxDrain how much is read so the connection can be reused.
const (
	maxErrorBody = 512
	maxDrain     = 64 << 10
)

func (s *sender) once(ctx context.Context, path, name, sum string, size int64, n int) attemptOutcome {
	actx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	st := &attemptState{opt: s.opt, name: name, total: size, attempt: n}
	defer st.finish()
	body, err := st.open(path)
	if err != nil {
		return attemptOutcome{err: err}
	}
	req, err := http.NewRequestWithContext(actx, http.MethodPost, s.endpoint.String(), body)
	if err != nil {
		body.Close()
		return attemptOutcome{err: err}
	}
	// The transport may replay a request carrying Idempotency-Key on a fresh
	// connection, and redirects resend it: both need the body from the start.
	req.GetBody = func() (io.ReadCloser, error) { return st.open(path) }
	req.ContentLength = size
	if size == 0 {
		req.Body, req.GetBody = http.NoBody, nil
	}
	req.Header.Set("Content-Type", "application/zip")
	req.Header.Set("Idempotency-Key", sum)
	req.Header.Set("User-Agent", "lsui-upload/1")
	st.report(0)
	resp, err := s.client.Do(req)
	if abort := st.hookError(); abort != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return attemptOutcome{abort: abort}
	}
	if err != nil {
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			err = fmt.Errorf("no answer within %s: %w", s.opt.Timeout, err)
		}
		return attemptOutcome{err: err}
	}
	defer resp.Body.Close()
	out := attemptOutcome{status: resp.StatusCode, statusText: resp.Status}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		out.body = sanitize.Line(strings.TrimSpace(string(snippet)))
		out.retryAfter, out.hasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		st.report(size)
		if err := s.opt.hook("uploaded"); err != nil {
			return attemptOutcome{abort: &errHookAbort{"uploaded", err}}
		}
	}
	return out
}

// parseRetryAfter reads delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
// A date in the past means now.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// attemptState is shared by the bodies of one attempt (the first and any
// the transport reopens through GetBody). The transport reads bodies on its
// own goroutine, possibly still after Do has returned, so every field sits
// behind the mutex and nothing is reported once the attempt is finished.
type attemptState struct {
	opt     *CycleOptions
	name    string
	total   int64
	attempt int

	mu       sync.Mutex
	done     bool
	hookDone bool
	abort    error
	bodies   []*progressBody
}

func (st *attemptState) open(path string) (*progressBody, error) {
	f, err := regularfile.Open(path)
	if err != nil {
		return nil, err
	}
	b := &progressBody{f: f, st: st}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		f.Close()
		return nil, errors.New("attempt finished")
	}
	st.bodies = append(st.bodies, b)
	return b, nil
}

// finish closes every body this attempt opened. The transport closes them
// too, possibly later on its own goroutine; closing here means no handle
// stays open to stop a delete (Windows) once the attempt is over.
func (st *attemptState) finish() {
	st.mu.Lock()
	st.done = true
	bodies := st.bodies
	st.mu.Unlock()
	for _, b := range bodies {
		b.Close()
	}
}

func (st *attemptState) hookError() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.abort
}

func (st *attemptState) report(sent int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return
	}
	st.opt.report(Progress{Phase: PhaseUploading, File: st.name, Sent: sent, Total: st.total,
		Attempt: st.attempt, MaxAttempts: st.opt.MaxAttempts})
}

// progressBody is the request body: the zip, counting what was sent.
type progressBody struct {
	f      *os.File
	st     *attemptState
	sent   int64
	closed sync.Once
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.f.Read(p)
	b.sent += int64(n)
	st := b.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return n, err
	}
	if st.abort != nil {
		return 0, st.abort
	}
	if n > 0 {
		st.opt.report(Progress{Phase: PhaseUploading, File: st.name, Sent: b.sent, Total: st.total,
			Attempt: st.attempt, MaxAttempts: st.opt.MaxAttempts})
	}
	// The fault hook fires once the body is half sent: the server has a
	// partial request, the client has no answer.
	if !st.hookDone && b.sent*2 >= st.total && n > 0 {
		st.hookDone = true
		if herr := st.opt.hook("uploading"); herr != nil {
			st.abort = &errHookAbort{"uploading", herr}
			return 0, st.abort
		}
	}
	return n, err
}

func (b *progressBody) Close() error {
	var err error
	b.closed.Do(func() { err = b.f.Close() })
	return err
}

// hashFile is the SHA-256 (hex) and size of a file: the Idempotency-Key.
func hashFile(path string) (string, int64, error) {
	f, err := regularfile.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
