package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsui/lsui/internal/payload"
)

type listDoc struct {
	Uploads []struct {
		File    string `json:"file"`
		Outcome string `json:"outcome"`
	} `json:"uploads"`
	Failed struct {
		Count int `json:"count"`
	} `json:"failed"`
}

func payloadList(t *testing.T, root string) listDoc {
	t.Helper()
	out, errOut, code := lsui(t, nil, "payload", "list", "--json", "--root", root, "--now", fixedNow)
	var doc listDoc
	if code != exitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("payload list: exit %d %q %s", code, out, errOut)
	}
	return doc
}

// TestUploadCycleAgainstReceiver runs the whole call-home cycle from the CLI
// against the real intake on loopback: the demo's success and two lingering
// failures are pruned once today's upload succeeds, and the receiver stores
// what it was sent.
func TestUploadCycleAgainstReceiver(t *testing.T) {
	root := demoRoot(t)
	intake := t.TempDir()
	srv := httptest.NewServer(payload.NewReceiver(intake, payload.ReceiverOptions{}))
	defer srv.Close()

	before := payloadList(t, root)
	if len(before.Uploads) != 3 || before.Failed.Count != 2 {
		t.Fatalf("demo should ship one success and two failures: %+v", before)
	}

	out, errOut, code := lsui(t, nil, "upload", "--root", root, "--now", fixedNow, "--endpoint", srv.URL+"/")
	if code != exitOK {
		t.Fatalf("upload: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	after := payloadList(t, root)
	if len(after.Uploads) != 1 || after.Uploads[0].Outcome != "success" || after.Failed.Count != 0 {
		t.Errorf("after a success only the last upload stays: %+v", after)
	}
	stored, _ := filepath.Glob(filepath.Join(intake, "*", "upload_*.zip"))
	if len(stored) != 1 {
		t.Fatalf("receiver stored %v, want one payload", stored)
	}
	out, _, code = lsui(t, nil, "payload", "inspect", stored[0])
	if code != exitOK || !strings.HasPrefix(out, "LSUI: ") {
		t.Errorf("inspect of the received payload: exit %d %q", code, out)
	}
}

func TestUploadFailureKeepsPayloads(t *testing.T) {
	root := demoRoot(t)
	// Nothing listens on this port: every attempt fails fast.
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	_, _, code := lsui(t, nil, "upload", "--root", root, "--now", fixedNow, "--endpoint", url+"/", "--timeout", "2s", "--attempts", "1")
	if code != exitFail {
		t.Fatalf("a failed upload exits %d, want %d", code, exitFail)
	}
	after := payloadList(t, root)
	if len(after.Uploads) < 4 {
		t.Errorf("nothing may be deleted without a success: %+v", after)
	}
}

func TestUploadUsageErrors(t *testing.T) {
	root := demoRoot(t)
	for _, args := range [][]string{
		{"upload", "--root", root}, // no endpoint anywhere
		{"upload", "--root", root, "--endpoint", "http://callhome.example/"}, // plain http off loopback
	} {
		_, errOut, code := lsui(t, nil, args...)
		if code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d %q, want a usage error", args, code, errOut)
		}
	}
}

func TestInspectRejectsNonZip(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "upload_1.zip")
	os.WriteFile(bad, []byte("\x1b[2Jnot a zip"), 0o644)
	out, _, code := lsui(t, nil, "payload", "inspect", bad)
	if code != exitFail || strings.Contains(out, "\x1b") || out == "" {
		t.Errorf("exit %d, %q: want a sanitized verdict and exit 1", code, out)
	}
}

func TestUploadOnDemoWithoutEndpointPointsAtReceive(t *testing.T) {
	_, errOut, code := lsui(t, nil, "upload", "--demo", "--now", fixedNow)
	if code != exitUsage || !strings.Contains(errOut, "lsui receive") || strings.Contains(errOut, os.TempDir()) {
		t.Errorf("exit %d, %q: want a usage error suggesting lsui receive, naming no temporary folder", code, errOut)
	}
}

// TestInspectList: --list is the first phase alone: the directory checks
// and the listing, no content read, so the verdict is LISTED, never OK.
func TestInspectList(t *testing.T) {
	root := demoRoot(t)
	zip := filepath.Join(t.TempDir(), "upload_1.zip")
	if out, errOut, code := lsui(t, nil, "payload", "build", "--root", root, "--now", fixedNow, "--out", zip); code != exitOK {
		t.Fatalf("build: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, code := lsui(t, nil, "payload", "inspect", "--list", zip)
	if code != exitOK || !strings.HasPrefix(out, "LISTED: ") || !strings.Contains(out, "contents:      not read") ||
		!strings.Contains(out, "pending") || strings.Contains(out, "server:") {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
	out, _, code = lsui(t, nil, "payload", "inspect", "--list", "--json", zip)
	var rep struct {
		OK       bool            `json:"ok"`
		State    string          `json:"state"`
		Manifest json.RawMessage `json:"manifest"`
		Entries  []struct {
			SHA256 string `json:"sha256"`
			Check  string `json:"check"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--list --json: %v\n%s", err, out)
	}
	if code != exitOK || rep.OK || rep.State != "listed" || string(rep.Manifest) != "null" || len(rep.Entries) == 0 {
		t.Errorf("--list --json: exit %d, ok %v, state %q, manifest %s, %d entries", code, rep.OK, rep.State, rep.Manifest, len(rep.Entries))
	}
	for _, e := range rep.Entries {
		if e.SHA256 != "" || e.Check != "pending" {
			t.Errorf("a listed entry was read: %+v", e)
		}
	}
	if out, _, code := lsui(t, nil, "payload", "inspect", zip); code != exitOK || !strings.HasPrefix(out, "LSUI: ") {
		t.Errorf("without --list: exit %d %q", code, out)
	}

	bad := filepath.Join(t.TempDir(), "upload_2.zip")
	os.WriteFile(bad, []byte("not a zip"), 0o644)
	if out, _, code := lsui(t, nil, "payload", "inspect", "--list", bad); code != exitFail || !strings.HasPrefix(out, "REJECTED: ") {
		t.Errorf("--list of a non-zip: exit %d %q", code, out)
	}
	if _, errOut, code := lsui(t, nil, "payload", "build", "--list", "--root", root); code != exitUsage || !strings.Contains(errOut, "unknown flag: --list") {
		t.Errorf("build --list: exit %d %q", code, errOut)
	}
}
