package payload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
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

// ReceiverOptions configure NewReceiver.
type ReceiverOptions struct {
	MaxSize int64     // body limit in bytes; 0 means DefaultMaxReceive
	Limits  *Limits   // inspection limits; nil means DefaultLimits
	Log     io.Writer // one line per request; nil logs nothing
	Now     func() time.Time
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
// inspection or whose server id is unusable.
func NewReceiver(dir string, opts ReceiverOptions) http.Handler {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxReceive
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	SweepSpool(dir) // a killed receiver's half-read bodies
	return &receiver{dir: dir, opt: opts}
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

	spool, err := os.CreateTemp(rv.dir, ".spool-*.part")
	if err != nil {
		return reject(http.StatusInternalServerError, "cannot spool the payload: "+err.Error())
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(spool, h), http.MaxBytesReader(w, r.Body, rv.opt.MaxSize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
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
	rep := Inspect(r.Context(), spool, size, "upload.zip", lim)
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
		return reject(http.StatusInternalServerError, "storing the payload: "+err.Error())
	}
	writeJSONResponse(w, http.StatusCreated, receipt{SHA256: sum, Stored: stored})
	return http.StatusCreated, size, "sha256=" + sum[:12] + " stored as " + stored
}

// store copies the spooled payload to dir/<id>/upload_<unix>.zip (the
// receive time, moved on a second while the name is taken) and then
// records it in the index. A crash between the two stores the payload but
// forgets it, so a repeat stores it once more: a duplicate, never a loss.
func (rv *receiver) store(spool *os.File, id, sum string) (string, error) {
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
	if _, err := atomicfile.WriteFrom(filepath.Join(folder, name), spool, 0o644); err != nil {
		return "", err
	}
	stored := id + "/" + name
	if err := os.MkdirAll(filepath.Join(rv.dir, indexDir), 0o755); err == nil {
		// An index that cannot be written costs idempotency, not the payload.
		atomicfile.WriteFile(filepath.Join(rv.dir, indexDir, sum), []byte(stored+"\n"), 0o644)
	}
	return stored, nil
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
