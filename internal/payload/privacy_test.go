package payload

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/scramble"
)

// placeCitrix writes a Citrix bundle naming the given users into s's usage
// folder at time at.
func placeCitrix(t *testing.T, s *model.Snapshot, at time.Time, users []string) string {
	t.Helper()
	b := citrixBundle(false)
	b.At = at
	b.Features[0].Samples[0].Users = users
	b.Features[0].Samples[0].Devices = nil
	data, err := b.Zip()
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(s.Layout.UsageDir, 0o755)
	name := uploads.FileName(at)
	if err := os.WriteFile(filepath.Join(s.Layout.UsageDir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestCheckPrivacy(t *testing.T) {
	root := fixtureRoot(t)
	s := loadRoot(t, root, testNow)
	if s.Usage == nil || len(s.Usage.Identities) < 2 || s.Config == nil {
		t.Fatalf("fixture: %d identities, config %v", len(s.Usage.Identities), s.ConfigErr)
	}
	if p := CheckPrivacy(context.Background(), s); p != nil || !strings.Contains(p.Summary(), "not verified") {
		t.Errorf("no Citrix payload: %+v %q", p, p.Summary())
	}
	var names []string
	for _, id := range s.Usage.Identities {
		names = append(names, id.Name)
	}
	n := len(names)

	// An older plain bundle, then the latest, which scrambles all but one
	// name and leaves that one plain.
	placeCitrix(t, s, testNow.Add(-48*time.Hour), names)
	mixed := []string{names[0]}
	for _, x := range names[1:] {
		mixed = append(mixed, scramble.CitrixBase64(x))
	}
	latest := placeCitrix(t, s, testNow.Add(-24*time.Hour), mixed)

	s.Config.Scramble = true
	p := CheckPrivacy(context.Background(), s)
	if p == nil || p.File != latest || p.Names != n || p.Plain != 1 || p.Base64 != n-1 || p.Form != "mixed" {
		t.Fatalf("privacy %+v", p)
	}
	f := p.Finding()
	if f == nil || f.Status != model.Critical || f.Message != "anonymization is on, but "+latest+" carries 1 plain name" {
		t.Errorf("finding %+v", f)
	}
	if want := "the payload's pseudonyms are SHA-256 of " + itoa(n-1) + " of " + itoa(n) + " of this server's names: anyone with a name list can reverse them"; !strings.HasPrefix(p.Summary(), want) {
		t.Errorf("summary %q, want %q", p.Summary(), want)
	}
	h := Health(context.Background(), s)
	if h.Status != model.Critical || len(h.Findings) == 0 || h.Findings[0] != *f {
		t.Errorf("health %+v", h)
	}
	if p.GUID == "" || p.HardwareID == "" {
		t.Errorf("server ids %q %q", p.GUID, p.HardwareID)
	}

	// With anonymization off, plain names are what Citrix documents: no finding.
	s.Config.Scramble = false
	if f := CheckPrivacy(context.Background(), s).Finding(); f != nil {
		t.Errorf("finding with anonymization off: %+v", f)
	}

	// lsui's manifest carries the Citrix payload's GUID and HardwareId.
	built, err := Build(context.Background(), s, BuildOptions{Now: testNow, Out: filepath.Join(t.TempDir(), "p.zip")})
	if err != nil {
		t.Fatal(err)
	}
	if built.Manifest.Server.CitrixGUID != p.GUID || built.Manifest.Server.CitrixHardwareID != p.HardwareID {
		t.Errorf("manifest server %+v", built.Manifest.Server)
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

func TestListCitrixOutcomes(t *testing.T) {
	dir := t.TempDir()
	for _, sec := range []int64{300, 100, 200} {
		os.WriteFile(filepath.Join(dir, uploads.FileName(time.Unix(sec, 0))), []byte("x"), 0o644)
	}
	os.MkdirAll(uploads.Dir(dir), 0o755)
	os.WriteFile(filepath.Join(uploads.Dir(dir), uploads.FileName(time.Unix(400, 0))), []byte("x"), 0o644)
	list, err := ListCitrix(dir)
	if err != nil || len(list) != 3 {
		t.Fatalf("%v %v", list, err)
	}
	if list[0].Outcome != CitrixSuccessOrFails || list[1].Outcome != CitrixFailed || list[2].Outcome != CitrixFailed || list[0].Time.Unix() != 100 {
		t.Errorf("%+v", list)
	}

	// An earlier lsui's payload left here is told apart by its manifest,
	// and is not Citrix's oldest.
	s := loadRoot(t, fixtureRoot(t), testNow)
	legacy := filepath.Join(dir, uploads.FileName(time.Unix(50, 0)))
	if _, err := Build(context.Background(), s, BuildOptions{Now: testNow, Out: legacy}); err != nil {
		t.Fatal(err)
	}
	list, _ = ListCitrix(dir)
	if len(list) != 4 || !list[0].Legacy || list[0].Outcome != CitrixLegacy || list[1].Outcome != CitrixSuccessOrFails {
		t.Errorf("with a legacy payload: %+v", list)
	}
}
