package scramble

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The pre-made key a screen previewed with is the one written, so its
// pseudonyms are the ones uploaded afterwards; an existing key file wins
// over it.
func TestSetAnonymizationWritesThePremadeKey(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "SimpleLicenseServiceConfig.xml")
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	pending := NewPendingKey()
	want, err := pending.Scrambler().Pseudonym("jsmith")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := SetAnonymization(dir, cfg, nil, true, now, pending)
	if err != nil || !ch.KeyCreated || !ch.Created || !ch.Config.Scramble {
		t.Fatalf("%+v %v", ch, err)
	}
	loaded, err := LoadKey(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := loaded.Scrambler().Pseudonym("jsmith"); got != want || loaded.Fingerprint() != pending.Fingerprint() {
		t.Errorf("written key gives %s (%s), previewed %s (%s)", got, loaded.Fingerprint(), want, pending.Fingerprint())
	}
	// Again with another pre-made key: the file exists, so it is kept.
	ch, err = SetAnonymization(dir, cfg, ch.Config, true, now, NewPendingKey())
	if err != nil || ch.KeyCreated || !ch.Unchanged || ch.Key.Fingerprint() != pending.Fingerprint() {
		t.Errorf("second call %+v %v", ch, err)
	}
	data, _ := os.ReadFile(cfg)
	if len(data) == 0 {
		t.Error("no configuration written")
	}
}
