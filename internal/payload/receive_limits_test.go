package payload

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The receiver's limits (issue 14, items 3 and 14) and its answers to
// local I/O failures (item 6).

func TestReceiverBusyAnswers503(t *testing.T) {
	good, _ := builtPayload(t, nil)
	for _, tc := range []struct {
		name string
		fill func(rv *receiver)
		has  string
	}{
		{"requests", func(rv *receiver) {
			for range cap(rv.requests) {
				rv.requests <- struct{}{}
			}
		}, "payloads are being received"},
		{"inspections", func(rv *receiver) {
			for range cap(rv.inspections) {
				rv.inspections <- struct{}{}
			}
		}, "payloads are being inspected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rv := NewReceiver(dir, ReceiverOptions{MaxRequests: 3, MaxInspections: 1, InspectWait: time.Millisecond}).(*receiver)
			tc.fill(rv)
			rec := postRecorded(t, rv, good)
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), tc.has) {
				t.Errorf("%d Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
			}
			if files := receivedFiles(t, dir); len(files) != 0 {
				t.Errorf("stored %v", files)
			}
			// Once a slot is free, the same payload is taken.
			if tc.name == "requests" {
				<-rv.requests
			} else {
				<-rv.inspections
			}
			if rec := postRecorded(t, rv, good); rec.Code != http.StatusCreated {
				t.Errorf("with a free slot: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestReceiverServerIDsDifferingInCaseAreOneServer(t *testing.T) {
	dir := t.TempDir()
	h := NewReceiver(dir, ReceiverOptions{})
	var stored []string
	for i, id := range []string{"Srv-Corp-01", "srv-corp-01", "SRV-CORP-01"} {
		a := post(t, h, mustBuild(t, id, i))
		if a.status != http.StatusCreated {
			t.Fatalf("%s: %+v", id, a)
		}
		stored = append(stored, a.body["stored"].(string))
	}
	for _, s := range stored {
		if !strings.HasPrefix(s, "srv-corp-01/") {
			t.Errorf("stored as %s, want srv-corp-01/…", s)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 { // the folder and the index
		t.Errorf("folders %v", entries)
	}

	// A folder an earlier receiver made in another case is kept.
	dir = t.TempDir()
	os.Mkdir(filepath.Join(dir, "OLD-Srv"), 0o755)
	a := post(t, NewReceiver(dir, ReceiverOptions{}), mustBuild(t, "old-srv", 0))
	if s, _ := a.body["stored"].(string); a.status != http.StatusCreated || !strings.HasPrefix(s, "OLD-Srv/") {
		t.Errorf("with OLD-Srv/ present: %+v", a)
	}
}

// mustBuild is a valid payload of server id, made distinct by n.
func mustBuild(t *testing.T, id string, n int) []byte {
	return payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
		files[0].data = append(files[0].data, strings.Repeat("\r\n", n)...)
		*m = manifestFor(files, false)
		m.Server.ID = id
		return files
	})
}

func TestLimitConnections(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback:", err)
	}
	ln := LimitConnections(raw, 1).(*limitedListener)
	defer ln.Close()
	accepted := make(chan net.Conn, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	c1, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	first := <-accepted
	c2, err := net.Dial("tcp", raw.Addr().String()) // queued in the backlog
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if len(ln.slots) != 1 {
		t.Fatalf("%d slots taken after one accept", len(ln.slots))
	}
	first.Close()
	first.Close() // a second Close gives nothing back twice
	second := <-accepted
	second.Close()
	if len(ln.slots) > 1 {
		t.Errorf("%d slots taken", len(ln.slots))
	}
}

// failingWriter fails every write with err.
type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestReceiverStorageFailuresAre5xxWithoutPaths(t *testing.T) {
	good, _ := builtPayload(t, nil)
	secret := filepath.Join(t.TempDir(), "srv", "secret-receive-folder")
	pathErr := func(err error) error {
		return &fs.PathError{Op: "write", Path: filepath.Join(secret, ".spool-1.part"), Err: err}
	}
	tests := []struct {
		name   string
		setup  func(rv *receiver)
		status int
		has    string
	}{
		{"disk full while spooling", func(rv *receiver) {
			rv.spoolWriter = func(io.Writer) io.Writer { return failingWriter{pathErr(errNoSpace)} }
		}, http.StatusInsufficientStorage, "disk is full"},
		{"disk full while storing", func(rv *receiver) {
			rv.writeFrom = func(string, io.Reader, os.FileMode) (int64, error) { return 0, pathErr(errNoSpace) }
		}, http.StatusInsufficientStorage, "disk is full"},
		{"read-only while storing", func(rv *receiver) {
			rv.writeFrom = func(string, io.Reader, os.FileMode) (int64, error) { return 0, pathErr(errReadOnly) }
		}, http.StatusServiceUnavailable, "read-only"},
		{"other I/O error", func(rv *receiver) {
			rv.writeFrom = func(string, io.Reader, os.FileMode) (int64, error) {
				return 0, pathErr(errors.New("input/output error"))
			}
		}, http.StatusServiceUnavailable, "local I/O error"},
		{"no folder to spool in", func(rv *receiver) {
			rv.dir = filepath.Join(secret, "gone")
		}, http.StatusServiceUnavailable, "local I/O error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log strings.Builder
			rv := NewReceiver(t.TempDir(), ReceiverOptions{Log: &syncWriter{w: &log}}).(*receiver)
			tc.setup(rv)
			rec := postRecorded(t, rv, good)
			body := rec.Body.String()
			if rec.Code != tc.status || !strings.Contains(body, tc.has) || rec.Header().Get("Retry-After") == "" {
				t.Errorf("%d Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), body)
			}
			if strings.Contains(body, "secret-receive-folder") || strings.Contains(body, rv.dir) || strings.Contains(body, string(filepath.Separator)+"srv") {
				t.Errorf("the answer names a receiver path: %s", body)
			}
			if tc.name != "no folder to spool in" && !strings.Contains(log.String(), "secret-receive-folder") {
				t.Errorf("the operator's log lacks the cause: %s", log.String())
			}
			if tc.name != "no folder to spool in" && len(receivedFiles(t, rv.dir)) != 0 {
				t.Errorf("stored something")
			}
		})
	}
}

func postRecorded(t *testing.T, h http.Handler, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/zip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
