package payload

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
)

// syncWriter serialises writes for a log shared by handler goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// receivedFiles lists the stored payloads under dir, slash-separated,
// and fails on anything else left behind (spool files).
func receivedFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(rel, indexDir+"/"):
		case strings.Count(rel, "/") == 1 && isPayloadName(filepath.Base(rel)):
			out = append(out, rel)
		default:
			t.Errorf("left behind in the receive folder: %s", rel)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// builtPayload builds a real payload from the fixture root; edit may change
// the snapshot first.
func builtPayload(t testing.TB, edit func(s *model.Snapshot)) ([]byte, string) {
	t.Helper()
	s := loadRoot(t, fixtureRoot(t), testNow)
	if edit != nil {
		edit(s)
	}
	out := filepath.Join(t.TempDir(), "p.zip")
	b, err := Build(context.Background(), s, BuildOptions{Now: testNow, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data, b.Manifest.Server.ID
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

type answer struct {
	status int
	body   map[string]any
}

func post(t *testing.T, h http.Handler, body []byte, header ...string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/zip")
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
		t.Errorf("answer %d is not JSON: %q", rec.Code, rec.Body.String())
	}
	return a
}

func TestReceiverStoresOnceAndIsIdempotent(t *testing.T) {
	data, id := builtPayload(t, nil)
	sum := sha(data)
	dir := t.TempDir()
	var log bytes.Buffer
	h := NewReceiver(dir, ReceiverOptions{Log: &log, Now: func() time.Time { return testNow }})

	a := post(t, h, data, "Idempotency-Key", sum)
	stored, _ := a.body["stored"].(string)
	if a.status != http.StatusCreated || a.body["sha256"] != sum || stored != id+"/"+uploads.FileName(testNow) {
		t.Fatalf("first POST: %+v", a)
	}
	got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(stored)))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("stored file differs: %v", err)
	}

	// Again, with and without the key, and after a restart: same answer,
	// no second file.
	for _, h := range []http.Handler{h, NewReceiver(dir, ReceiverOptions{})} {
		for _, key := range []string{sum, strings.ToUpper(sum), ""} {
			a := post(t, h, data, "Idempotency-Key", key)
			if a.status != http.StatusOK || a.body["sha256"] != sum || a.body["stored"] != stored {
				t.Errorf("repeat (key %q): %+v", key, a)
			}
		}
	}
	if files := receivedFiles(t, dir); !slices.Equal(files, []string{stored}) {
		t.Errorf("stored %v", files)
	}
	if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 4 ||
		!strings.Contains(lines[0], " 201 ") || !strings.Contains(lines[0], stored) {
		t.Errorf("log:\n%s", log.String())
	}

	// Deleted by the operator: the index no longer counts, it is stored anew.
	os.Remove(filepath.Join(dir, filepath.FromSlash(stored)))
	if a := post(t, h, data); a.status != http.StatusCreated {
		t.Errorf("after the stored file was removed: %+v", a)
	}
}

func TestReceiverRejects(t *testing.T) {
	good, _ := builtPayload(t, nil)
	badID, _ := builtPayload(t, func(s *model.Snapshot) { s.Settings.ServerID = "../../etc" })
	deviceID, _ := builtPayload(t, func(s *model.Snapshot) { s.Settings.ServerID = "con" })
	slip := zipWith(t, map[string]string{"../evil.txt": "x", ManifestName: "{}"})

	tests := []struct {
		name    string
		method  string
		path    string
		body    []byte
		header  []string
		max     int64
		chunked bool
		status  int
		has     string
	}{
		{name: "GET", method: http.MethodGet, body: nil, status: http.StatusMethodNotAllowed},
		{name: "other path", path: "/upload", body: good, status: http.StatusNotFound},
		{name: "not a zip type", body: good, header: []string{"Content-Type", "text/plain"}, status: http.StatusUnsupportedMediaType},
		{name: "key not a hash", body: good, header: []string{"Idempotency-Key", "abc"}, status: http.StatusBadRequest},
		{name: "key of another body", body: good, header: []string{"Idempotency-Key", sha([]byte("other"))},
			status: http.StatusBadRequest, has: "does not match"},
		{name: "declared too large", body: good, max: 100, status: http.StatusRequestEntityTooLarge},
		{name: "chunked too large", body: good, max: 100, chunked: true, status: http.StatusRequestEntityTooLarge},
		{name: "not a zip", body: []byte("hello, this is not a zip"), status: http.StatusUnprocessableEntity},
		{name: "empty body", body: []byte{}, status: http.StatusUnprocessableEntity},
		{name: "zip slip", body: slip, status: http.StatusUnprocessableEntity},
		{name: "server id with a path", body: badID, status: http.StatusUnprocessableEntity, has: "server id"},
		{name: "server id a Windows device", body: deviceID, status: http.StatusUnprocessableEntity, has: "server id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var log bytes.Buffer
			h := NewReceiver(dir, ReceiverOptions{MaxSize: tt.max, Log: &log})
			method, path := tt.method, tt.path
			if method == "" {
				method = http.MethodPost
			}
			if path == "" {
				path = "/"
			}
			var body io.Reader = bytes.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length
			}
			req := httptest.NewRequest(method, path, body)
			if tt.chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", "application/zip")
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var a map[string]any
			json.Unmarshal(rec.Body.Bytes(), &a)
			msg, _ := a["error"].(string)
			if rec.Code != tt.status || msg == "" || !strings.Contains(msg, tt.has) {
				t.Errorf("status %d %q, want %d mentioning %q", rec.Code, rec.Body.String(), tt.status, tt.has)
			}
			if files := receivedFiles(t, dir); len(files) != 0 {
				t.Errorf("stored %v", files)
			}
			if n := strings.Count(log.String(), "\n"); n != 1 {
				t.Errorf("%d log lines: %q", n, log.String())
			}
		})
	}
}

func zipWith(t testing.TB, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, entries[name])
	}
	zw.Close()
	return buf.Bytes()
}

func TestReceiverConcurrentDuplicates(t *testing.T) {
	data, _ := builtPayload(t, nil)
	dir := t.TempDir()
	srv := httptest.NewServer(NewReceiver(dir, ReceiverOptions{}))
	defer srv.Close()
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(srv.URL, "application/zip", bytes.NewReader(data))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Errorf("status %d", c)
		}
	}
	if created != 1 || len(receivedFiles(t, dir)) != 1 {
		t.Errorf("%d created, %d stored; want one of each", created, len(receivedFiles(t, dir)))
	}
}

func TestValidServerID(t *testing.T) {
	for id, want := range map[string]bool{
		"0a1b2c3d4e5f": true, "LIC01_east-2": true, "": false, ".": false, "..": false, "a/b": false, `a\b`: false,
		"a b": false, "é": false, strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
		"CON": false, "nul": false, "Com1": false, "LPT9": false, "COM": true, "console": true,
	} {
		if got := validServerID(id); got != want {
			t.Errorf("validServerID(%q) = %v", id, got)
		}
	}
}

// FuzzReceiver posts arbitrary bodies and keys: the receiver answers with
// one of its documented statuses, stores only what it says it stored and
// leaves no spool file behind.
func FuzzReceiver(f *testing.F) {
	good, _ := builtPayload(f, nil)
	f.Add(good, "")
	f.Add(good, sha(good))
	f.Add([]byte("PK\x03\x04"), "")
	f.Add([]byte{}, strings.Repeat("0", 64))
	f.Add(zipWith(f, map[string]string{ManifestName: `{"schema":1,"server":{"id":"x"}}`}), "")
	dir := f.TempDir()
	h := NewReceiver(dir, ReceiverOptions{MaxSize: 1 << 20})
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Idempotency-Key", key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusCreated, http.StatusOK:
			var r receipt
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.SHA256 != sha(body) {
				t.Fatalf("%d %q", rec.Code, rec.Body.String())
			}
			stored, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(r.Stored)))
			if err != nil || !bytes.Equal(stored, body) {
				t.Fatalf("stored %s differs from the body: %v", r.Stored, err)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".spool-") {
				t.Fatalf("spool file left: %s", e.Name())
			}
		}
	})
}
