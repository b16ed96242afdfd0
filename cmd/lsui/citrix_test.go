package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/payload/citrixgen"
)

// `lsui payload inspect` reads the demo's Citrix uploads: a verdict naming
// the format, exit 0, and --json with format and the Citrix summary.
func TestInspectCitrixBundle(t *testing.T) {
	root := demoRoot(t)
	list, err := payload.ListCitrix(filepath.Join(root, "LS", "resource", "usage"))
	if err != nil || len(list) == 0 {
		t.Fatalf("demo has no Citrix uploads: %v", err)
	}
	zip := list[0].Path // the older, scrambled from when anonymization was on
	out, _, code := lsui(t, nil, "payload", "inspect", zip)
	if code != exitOK || !strings.HasPrefix(out, "CITRIX: call-home bundle of ") || !strings.Contains(out, "\nidentities:") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	out, _, code = lsui(t, nil, "payload", "inspect", "--json", zip)
	var doc struct {
		Format string                 `json:"format"`
		State  string                 `json:"state"`
		Citrix *payload.CitrixSummary `json:"citrix"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitOK || doc.Format != "citrix" || doc.State != "read" ||
		doc.Citrix == nil || doc.Citrix.Server.GUID == "" || doc.Citrix.Scrambled == 0 {
		t.Errorf("exit %d, %v: %+v", code, err, doc)
	}
	// A zip that is neither format (here: empty): UNKNOWN, exit 1.
	other := filepath.Join(t.TempDir(), "other.zip")
	os.WriteFile(other, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644)
	if out, _, code := lsui(t, nil, "payload", "inspect", other); code != exitFail || !strings.HasPrefix(out, "UNKNOWN: ") {
		t.Errorf("empty zip: exit %d %q", code, out)
	}
}

func TestScrambleCitrix(t *testing.T) {
	root := demoRoot(t)
	out, _, code := lsui(t, nil, "scramble", "--root", root, "--citrix", "jsmith")
	if code != exitOK || !strings.Contains(out, "citrix R4nEvhlzbm3V+DSi/zTdiw==\t4789C4BE19736E6D") {
		t.Errorf("exit %d %q", code, out)
	}
}

// With anonymization on, a Citrix payload that still carries this server's
// names in plain text is CRITICAL in `lsui check`.
func TestCheckFindsPlainNamesInCitrixPayload(t *testing.T) {
	root := demoRoot(t)
	if _, errOut, code := lsui(t, nil, "config", "scramble", "on", "--root", root); code != exitOK {
		t.Fatalf("config scramble on: %d %s", code, errOut)
	}
	at, _ := time.Parse(time.RFC3339, fixedNow)
	at = at.Add(-time.Hour)
	b := citrixgen.Bundle{At: at, GUID: "g", HardwareID: "h", FQDN: "ctxlic01.demo.example",
		Features: []citrixgen.Feature{{ID: "XDT_PLT_UD", Samples: []citrixgen.Sample{{SADate: "2025.0630",
			Users: []string{"aaron.garcia@demo.example", "AARON.IVANOVA@demo.example"}}}}}}
	data, err := b.Zip()
	if err != nil {
		t.Fatal(err)
	}
	name := uploads.FileName(at)
	if err := os.WriteFile(filepath.Join(root, "LS", "resource", "usage", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := lsui(t, nil, "check", "--root", root, "--now", fixedNow)
	if code != 2 || !strings.Contains(out, "anonymization is on, but "+name+" carries 2 plain names") {
		t.Errorf("exit %d %q", code, out)
	}
}
