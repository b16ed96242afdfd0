package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/payload"
)

// The demo's Citrix-format uploads read as Citrix bundles: the older
// scrambled with Citrix's documented form of the month's names (from when
// anonymization was on), the newer with plain names, as the demo's setting
// (off) says; lsui's own payloads carry the GUID they name.
func TestDemoCitrixUploads(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	root := materialize(t, now, time.UTC)
	usage := filepath.Join(root.Dir, "LS", "resource", "usage")
	list, err := payload.ListCitrix(usage)
	if err != nil || len(list) != 2 {
		t.Fatalf("Citrix uploads %v %v", list, err)
	}
	for i, u := range list {
		rep := payload.InspectFile(context.Background(), u.Path, payload.DefaultLimits)
		if rep.Format != payload.FormatCitrix || rep.State != payload.StateRead {
			t.Fatalf("%s: %s", u.Name, rep.Verdict())
		}
		c := rep.Citrix
		if c.Server.GUID != demoCitrixGUID || len(c.Features) == 0 || len(c.Serials) == 0 || c.Events == 0 || len(c.Nested) != 1 {
			t.Errorf("%s: %+v", u.Name, c)
		}
		if scrambled := i == 0; scrambled != (c.Plain == 0 && c.Scrambled > 0) || !scrambled && c.Scrambled != 0 {
			t.Errorf("%s: %d plain, %d scrambled", u.Name, c.Plain, c.Scrambled)
		}
	}
	s, err := model.Load(context.Background(), model.Options{Root: root.Dir, Demo: true, Now: now, Location: time.UTC, UdadminFile: root.UdadminFile, NoExec: true})
	if err != nil {
		t.Fatal(err)
	}
	p := payload.CheckPrivacy(context.Background(), s)
	// The Privacy tab's story holds: the setting is off and the latest
	// upload carries plain names, so nothing contradicts it.
	if p == nil || p.File != list[1].Name || p.Scramble || p.Plain == 0 || p.Base64 != 0 || p.Form != payload.FormPlain || p.Finding() != nil {
		t.Fatalf("privacy %+v", p)
	}
	for _, u := range s.Uploads {
		rep := payload.InspectFile(context.Background(), u.Path, payload.DefaultLimits)
		if rep.Manifest == nil || rep.Manifest.Server.CitrixGUID != demoCitrixGUID {
			t.Errorf("%s: lsui's manifest lacks the Citrix GUID: %+v", u.Name, rep.Manifest)
		}
	}
}
