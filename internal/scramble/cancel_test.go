package scramble

import (
	"errors"
	"testing"
	"time"
)

func TestCancelRotation(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	key, _, err := EnsureKey(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CancelRotation(dir, now); !errors.Is(err, ErrNoPendingRotation) {
		t.Fatalf("nothing pending: %v, want ErrNoPendingRotation", err)
	}
	rot, err := Rotate(dir, now, time.UTC, false)
	if err != nil {
		t.Fatal(err)
	}
	res, err := CancelRotation(dir, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.CancelledFingerprint != rot.NewFingerprint || res.ActiveFingerprint != key.Fingerprint() || !res.DueFrom.Equal(rot.ActiveFrom) {
		t.Errorf("cancel = %+v; rotation was %+v, key %s", res, rot, key.Fingerprint())
	}
	// After the month turns, the old key is still the one in effect.
	later, err := LoadKey(dir, rot.ActiveFrom.Add(24*time.Hour))
	if err != nil || later.Fingerprint() != key.Fingerprint() {
		t.Errorf("after the cancelled date the key is %v (%v), want the original %s", later, err, key.Fingerprint())
	}
	st, err := Inspect(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range st.History {
		found = found || (h.Cancelled && h.Fingerprint == rot.NewFingerprint)
	}
	if st.PendingFingerprint != "" || !found {
		t.Errorf("status %+v: want no pending key and the cancelled one in the history", st)
	}
	// A rotation already in effect cannot be withdrawn.
	if _, err := Rotate(dir, now, time.UTC, true); err != nil {
		t.Fatal(err)
	}
	if _, err := CancelRotation(dir, now); !errors.Is(err, ErrNoPendingRotation) {
		t.Errorf("after an immediate rotation: %v, want ErrNoPendingRotation", err)
	}
}
