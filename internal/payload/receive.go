package payload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lsui/lsui/internal/atomicfile"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/sanitize"
)

// DefaultMaxReceive is the largest payload a receiver takes by default. A
// payload with 100k scrambled identities is a few megabytes.
const DefaultMaxReceive = 128 << 20

// The receiver's defaults for concurrency. Memory is what bounds them: an
// inspection of any zip under DefaultMaxReceive stays under 100 MB (docs/
// reliability.md has the figures), so two at once and sixteen bodies
// spooling to disk (32 KiB each in memory) keep the receiver under 300 MB
// whatever is sent. Two inspections also keep both cores of a small VM.
const (
	DefaultMaxRequests    = 16
	DefaultMaxInspections = 2
	// DefaultInspectWait is how long a received payload waits for an
	// inspection slot before the sender is told to come back.
	DefaultInspectWait = 30 * time.Second
	// DefaultMaxConnections caps the connections LimitConnections lets
	// the server hold: beyond, new ones wait in the OS backlog.
	DefaultMaxConnections = 64
	// bodyIdleTimeout cuts a sender that sends no byte for this long in
	// the middle of a body, so a stalled client cannot hold a slot for the
	// server's whole ReadTimeout.
	bodyIdleTimeout = 60 * time.Second
	// retryAfter is the Retry-After, in seconds, of a busy or failing
	// receiver.
	retryAfter = "60"
)

// ReceiverOptions configure NewReceiver.
type ReceiverOptions struct {
	MaxSize int64     // body limit in bytes; 0 means DefaultMaxReceive
	Limits  *Limits   // inspection limits; nil means DefaultLimits
	Log     io.Writer // one line per request; nil logs nothing
	Now     func() time.Time
	// MaxRequests caps the POSTs received at once (spooling or
	// inspecting); beyond, 503 with Retry-After. 0 means
	// DefaultMaxRequests.
	MaxRequests int
	// MaxInspections caps the payloads inspected at once; a payload
	// waits InspectWait for a slot, then gets 503 with Retry-After. 0
	// means DefaultMaxInspections.
	MaxInspections int
	InspectWait    time.Duration // 0 means DefaultInspectWait
}

// indexDir holds one small file per stored payload, named by its SHA-256
// and holding the stored path: the memory that makes a repeated POST
// idempotent across restarts. Server ids cannot start with a dot, so it
// never collides with one.
const indexDir = ".received"

// receiver is the http.Handler behind `lsui receive`.
type receiver struct {
	dir string
	opt ReceiverOptions
	// requests and inspections are semaphores: a slot is a value sent.
	requests, inspections chan struct{}
	// Seams for the storage-failure tests: what the body is spooled
	// through, and how the payload is stored.
	spoolWriter func(io.Writer) io.Writer
	writeFrom   func(path string, r io.Reader, perm os.FileMode) (int64, error)
	// storeMu makes "not stored yet → store" one step, so two identical
	// POSTs racing each other store one file.
	storeMu sync.Mutex
	logMu   sync.Mutex
}

// NewReceiver returns the payload intake: POST / with a zip body. The body
// is spooled to a temporary file in dir (never held in memory), checked
// with Inspect, and stored atomically as dir/<server id>/upload_<unix>.zip.
// Answers: 201 {"sha256","stored"}; 200 with the same answer when that body
// was stored before (the Idempotency-Key, when sent, must equal the body's
// SHA-256, else 400); 413 beyond the size limit; 415 for a body that does
// not claim to be a zip; 422 with the reason for a zip that fails
// inspection or whose server id is unusable; 503 with Retry-After when
// busy (MaxRequests, MaxInspections) or when its storage fails, 507 when
// its disk is full (never with a path of the receiver's in the text).
// Server ids that differ only in case are one server: one folder.
func NewReceiver(dir string, opts ReceiverOptions) http.Handler {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxReceive
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxRequests <= 0 {
		opts.MaxRequests = DefaultMaxRequests
	}
	if opts.MaxInspections <= 0 {
		opts.MaxInspections = DefaultMaxInspections
	}
	if opts.InspectWait <= 0 {
		opts.InspectWait = DefaultInspectWait
	}
	SweepSpool(dir) // a killed receiver's half-read bodies
	return &receiver{dir: dir, opt: opts,
		requests:    make(chan struct{}, opts.MaxRequests),
		inspections: make(chan struct{}, opts.MaxInspections),
		spoolWriter: func(w io.Writer) io.Writer { return w },
		writeFrom:   atomicfile.WriteFrom,
	}
}

// receipt is the JSON answer for a stored payload.
type receipt struct {
	SHA256 string `json:"sha256"`
	Stored string `json:"stored"`
}

type rejection struct {
	Error    string   `json:"error"`
	Problems []string `json:"problems,omitempty"`
}

func (rv *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, size, note := rv.handle(w, r)
	rv.logf("%s %s %s %s %d %dB %s %s", start.UTC().Format(time.RFC3339), r.RemoteAddr, sanitize.Line(r.Method),
		sanitize.Line(fmt.Sprintf("%q", r.URL.Path)), status, size, sanitize.Line(note),
		time.Since(start).Round(time.Millisecond))
}

func (rv *receiver) logf(format string, args ...any) {
	if rv.opt.Log == nil {
		return
	}
	rv.logMu.Lock()
	defer rv.logMu.Unlock()
	fmt.Fprintf(rv.opt.Log, format+"\n", args...)
}

func (rv *receiver) handle(w http.ResponseWriter, r *http.Request) (status int, size int64, note string) {
	reject := func(code int, msg string, problems ...string) (int, int64, string) {
		writeJSONResponse(w, code, rejection{Error: msg, Problems: problems})
		return code, size, msg
	}
	// unavailable answers a busy or failing receiver: the sender retries
	// after Retry-After. logged is the operator's line, which may name
	// local paths; the answer never does.
	unavailable := func(code int, msg, logged string) (int, int64, string) {
		w.Header().Set("Retry-After", retryAfter)
		writeJSONResponse(w, code, rejection{Error: msg})
		return code, size, logged
	}
	if r.URL.Path != "/" {
		return reject(http.StatusNotFound, "not found: payloads go to POST /")
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return reject(http.StatusMethodNotAllowed, "method not allowed: payloads go to POST /")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/zip" && mt != "application/octet-stream" && mt != "application/x-zip-compressed") {
			return reject(http.StatusUnsupportedMediaType, "Content-Type must be application/zip")
		}
	}
	key := strings.ToLower(strings.TrimSpace(r.Header.Get("Idempotency-Key")))
	if key != "" && !isSHA256Hex(key) {
		return reject(http.StatusBadRequest, "Idempotency-Key must be the body's SHA-256 in hex")
	}
	if r.ContentLength > rv.opt.MaxSize {
		return reject(http.StatusRequestEntityTooLarge, fmt.Sprintf("payload larger than %d bytes", rv.opt.MaxSize))
	}
	select {
	case rv.requests <- struct{}{}:
		defer func() { <-rv.requests }()
	default:
		msg := fmt.Sprintf("busy: %d payloads are being received; try again later", rv.opt.MaxRequests)
		return unavailable(http.StatusServiceUnavailable, msg, msg)
	}

	spool, err := os.CreateTemp(rv.dir, ".spool-*.part")
	if err != nil {
		code, msg := storageFailure(err)
		return unavailable(code, msg, msg+": "+err.Error())
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	h := sha256.New()
	sink := &errWriter{w: rv.spoolWriter(spool)}
	body := &idleReader{r: http.MaxBytesReader(w, r.Body, rv.opt.MaxSize), rc: http.NewResponseController(w)}
	size, err = io.Copy(io.MultiWriter(sink, h), body)
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case sink.err != nil:
			code, msg := storageFailure(sink.err)
			return unavailable(code, msg, msg+": "+sink.err.Error())
		case errors.As(err, &tooBig):
			return reject(http.StatusRequestEntityTooLarge, fmt.Sprintf("payload larger than %d bytes", rv.opt.MaxSize))
		}
		return reject(http.StatusBadRequest, "reading the body: "+err.Error())
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if key != "" && key != sum {
		return reject(http.StatusBadRequest, "Idempotency-Key does not match the body's SHA-256 "+sum)
	}
	if stored, ok := rv.lookup(sum); ok {
		writeJSONResponse(w, http.StatusOK, receipt{SHA256: sum, Stored: stored})
		return http.StatusOK, size, "sha256=" + sum[:12] + " already stored as " + stored
	}

	lim := DefaultLimits
	if rv.opt.Limits != nil {
		lim = *rv.opt.Limits
	}
	if !rv.acquireInspection(r.Context()) {
		msg := fmt.Sprintf("busy: %d payloads are being inspected; try again later", rv.opt.MaxInspections)
		return unavailable(http.StatusServiceUnavailable, msg, msg)
	}
	in := &errReaderAt{r: spool}
	rep := func() *Report {
		defer func() { <-rv.inspections }()
		return Inspect(r.Context(), in, size, "upload.zip", lim)
	}()
	if in.err != nil {
		// The spool could not be read back: the receiver's fault, not
		// the payload's, whatever the inspection made of it.
		code, msg := storageFailure(in.err)
		return unavailable(code, msg, msg+": "+in.err.Error())
	}
	if !rep.OK {
		return reject(http.StatusUnprocessableEntity, rep.Verdict(), rep.Problems...)
	}
	id := manifestServerID(rep.Manifest)
	if !validServerID(id) {
		return reject(http.StatusUnprocessableEntity,
			fmt.Sprintf("manifest server id %q is not usable as a folder name (want 1-64 of A-Z a-z 0-9 _ -)", sanitize.Truncate(id, 80)))
	}

	rv.storeMu.Lock()
	defer rv.storeMu.Unlock()
	if stored, ok := rv.lookup(sum); ok {
		writeJSONResponse(w, http.StatusOK, receipt{SHA256: sum, Stored: stored})
		return http.StatusOK, size, "sha256=" + sum[:12] + " already stored as " + stored
	}
	stored, err := rv.store(spool, id, sum)
	if err != nil {
		code, msg := storageFailure(err)
		return unavailable(code, msg, msg+": "+err.Error())
	}
	writeJSONResponse(w, http.StatusCreated, receipt{SHA256: sum, Stored: stored})
	return http.StatusCreated, size, "sha256=" + sum[:12] + " stored as " + stored
}

// acquireInspection waits up to InspectWait for an inspection slot.
func (rv *receiver) acquireInspection(ctx context.Context) bool {
	select {
	case rv.inspections <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(rv.opt.InspectWait)
	defer t.Stop()
	select {
	case rv.inspections <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// storageFailure is the answer to a local I/O failure: 507 when the disk
// or quota is full, 503 otherwise (read-only, gone, broken). The text
// names no path: the sender learns what happened, not how the receiver is
// laid out.
func storageFailure(err error) (int, string) {
	switch {
	case isNoSpace(err):
		return http.StatusInsufficientStorage, "the receiver's disk is full: the payload was not stored; try again later"
	case isReadOnly(err):
		return http.StatusServiceUnavailable, "the receiver's storage is read-only: the payload was not stored; try again later"
	}
	return http.StatusServiceUnavailable, "the receiver cannot store payloads now (a local I/O error, in its log); try again later"
}

// errWriter keeps the first write error, so that a failing spool is told
// apart from a failing body.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// errReaderAt keeps the first read error other than io.EOF.
type errReaderAt struct {
	r   io.ReaderAt
	mu  sync.Mutex
	err error
}

func (e *errReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := e.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		e.mu.Lock()
		if e.err == nil {
			e.err = err
		}
		e.mu.Unlock()
	}
	return n, err
}

// idleReader moves the connection's read deadline on before every read
// of the body: a sender that stops sending is cut after bodyIdleTimeout.
// A ResponseWriter that cannot (a test recorder) is read without one.
type idleReader struct {
	r  io.Reader
	rc *http.ResponseController
}

func (i *idleReader) Read(p []byte) (int, error) {
	i.rc.SetReadDeadline(time.Now().Add(bodyIdleTimeout))
	return i.r.Read(p)
}

// LimitConnections returns ln holding at most n connections open at once;
// Accept waits while n are, so further clients wait in the OS backlog
// instead of each costing a goroutine and buffers.
func LimitConnections(ln net.Listener, n int) net.Listener {
	return &limitedListener{Listener: ln, slots: make(chan struct{}, n)}
}

type limitedListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitedListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// store copies the spooled payload to dir/<id>/upload_<unix>.zip (the
// receive time, moved on a second while the name is taken) and then
// records it in the index. A crash between the two stores the payload but
// forgets it, so a repeat stores it once more: a duplicate, never a loss.
func (rv *receiver) store(spool *os.File, id, sum string) (string, error) {
	id = rv.serverFolder(id)
	folder := filepath.Join(rv.dir, id)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return "", err
	}
	t := rv.opt.Now()
	var name string
	for {
		name = uploads.FileName(t)
		if _, err := os.Lstat(filepath.Join(folder, name)); errors.Is(err, os.ErrNotExist) {
			break
		}
		t = t.Add(time.Second)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	if _, err := rv.writeFrom(filepath.Join(folder, name), spool, 0o644); err != nil {
		return "", err
	}
	stored := id + "/" + name
	if err := os.MkdirAll(filepath.Join(rv.dir, indexDir), 0o755); err == nil {
		// An index that cannot be written costs idempotency, not the payload.
		atomicfile.WriteFile(filepath.Join(rv.dir, indexDir, sum), []byte(stored+"\n"), 0o644)
	}
	return stored, nil
}

// serverFolder is the folder of server id: ids that differ only in case
// are one server (a case-insensitive disk would merge them anyway, and a
// sender's id must not split its payloads in two on a case-sensitive
// one). A folder an earlier receiver made in another case is kept; a new
// one is lower case.
func (rv *receiver) serverFolder(id string) string {
	lower := strings.ToLower(id)
	if st, err := os.Lstat(filepath.Join(rv.dir, lower)); err == nil && st.IsDir() {
		return lower
	}
	entries, _ := os.ReadDir(rv.dir) // sorted: the same folder every time
	for _, e := range entries {
		if e.IsDir() && strings.EqualFold(e.Name(), id) {
			return e.Name()
		}
	}
	return lower
}

// manifestServerID is the sender's server id from its manifest.
func manifestServerID(m *Manifest) string {
	if m == nil {
		return ""
	}
	return m.Server.ID
}

// lookup finds a payload stored before under its SHA-256. An index entry
// whose file is gone (deleted by the operator) no longer counts.
func (rv *receiver) lookup(sum string) (string, bool) {
	data, err := readBounded(filepath.Join(rv.dir, indexDir, sum), 256)
	if err != nil {
		return "", false
	}
	stored := strings.TrimSpace(string(data))
	id, name, ok := strings.Cut(stored, "/")
	if !ok || !validServerID(id) || !isPayloadName(name) {
		return "", false
	}
	st, err := os.Lstat(filepath.Join(rv.dir, id, name))
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	return stored, true
}

// validServerID: the id becomes a folder name, so only [A-Za-z0-9_-], at
// most 64 long, and none of the names Windows reserves for devices.
func validServerID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	switch u := strings.ToUpper(id); u {
	case "CON", "PRN", "AUX", "NUL":
		return false
	default:
		if len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '0' && u[3] <= '9' {
			return false
		}
	}
	return true
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func writeJSONResponse(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		code, data = http.StatusInternalServerError, []byte(`{"error":"encoding the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(data, '\n'))
}
