package scramble

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// cet is a fixed zone so month boundaries do not depend on tzdata.
var cet = time.FixedZone("CET", 3600)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// useFixture copies testdata/keys/name into a fresh folder as the key file.
func useFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(KeyFilePath(dir), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func secretHex(k *Key) string { return hex.EncodeToString(k.secret.b[:]) }

func readKeyFileText(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(KeyFilePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func assertOwnerOnly(t *testing.T, dir string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return // mode bits mean nothing there; see perm_windows.go
	}
	st, err := os.Stat(KeyFilePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", st.Mode().Perm())
	}
}

func TestEnsureKeyCreatesOnceAndLoadKeyAgrees(t *testing.T) {
	dir := t.TempDir()
	now := at("2026-11-15T10:30:00+01:00")
	k, created, err := EnsureKey(dir, now)
	if err != nil || !created {
		t.Fatalf("EnsureKey = %v, created %v, %v", k, created, err)
	}
	assertOwnerOnly(t, dir)
	if k.Path != KeyFilePath(dir) || !k.ActiveFrom.Equal(now) || k.Preview {
		t.Errorf("created key: Path %q ActiveFrom %v Preview %v", k.Path, k.ActiveFrom, k.Preview)
	}
	text := readKeyFileText(t, dir)
	if !strings.HasPrefix(text, "lsui-scramble-key v1\n") || !strings.Contains(text, secretHex(k)) {
		t.Fatalf("key file does not hold the v1 header and the key:\n%s", text)
	}

	again, created, err := EnsureKey(dir, now.Add(time.Hour))
	if err != nil || created || again.Fingerprint() != k.Fingerprint() {
		t.Fatalf("second EnsureKey = %v, created %v, %v; want the same key, not created", again, created, err)
	}
	loaded, err := LoadKey(dir, now.Add(24*time.Hour))
	if err != nil || loaded.Fingerprint() != k.Fingerprint() {
		t.Fatalf("LoadKey = %v, %v", loaded, err)
	}
	p1, _ := k.Scrambler().Pseudonym("alice@corp.example")
	p2, _ := loaded.Scrambler().Pseudonym("Alice@CORP.example")
	if p1 != p2 {
		t.Fatalf("the saved key gives %s, the created one %s", p2, p1)
	}
	// A clock set before the key was made still gets that key: there is
	// no older one it could mean.
	if early, err := LoadKey(dir, now.AddDate(-1, 0, 0)); err != nil || early.Fingerprint() != k.Fingerprint() {
		t.Fatalf("LoadKey before the key's start = %v, %v", early, err)
	}
}

func TestEnsureKeyNeedsTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "WebServicesForLicensing")
	if _, _, err := EnsureKey(dir, time.Now()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("EnsureKey in a missing folder: %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("EnsureKey created the config folder")
	}
}

func TestLoadKeyMissing(t *testing.T) {
	_, err := LoadKey(t.TempDir(), time.Now())
	if !errors.Is(err, ErrNoKey) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadKey with no file: %v, want ErrNoKey and fs.ErrNotExist", err)
	}
	if _, err := Inspect(t.TempDir(), time.Now()); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Inspect with no file: %v, want ErrNoKey", err)
	}
	if _, err := Rotate(t.TempDir(), time.Now(), cet, false); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Rotate with no file: %v, want ErrNoKey", err)
	}
}

func TestCorruptKeyFiles(t *testing.T) {
	tests := []struct {
		fixture, want string
	}{
		{"empty.key", ":1: scramble key file is corrupt: the file is empty"},
		{"zeros.key", ":1: scramble key file is corrupt: not an lsui scramble key file"},
		{"wrong-magic.key", ":1: scramble key file is corrupt: not an lsui scramble key file"},
		{"version2.key", `:1: scramble key file is corrupt: unsupported format version (the first line must be exactly "lsui-scramble-key v1")`},
		{"truncated-key.key", ":2: scramble key file is corrupt: key is 40 characters, want 64 hex digits"},
		{"not-hex.key", ":2: scramble key file is corrupt: key is not hexadecimal"},
		{"fingerprint-mismatch.key", ":2: scramble key file is corrupt: the fingerprint does not match the key"},
		{"no-key.key", "scramble key file is corrupt: no key record"},
		{"stray-line.key", ":3: scramble key file is corrupt: unrecognised line"},
		{"bad-date.key", ":2: scramble key file is corrupt: active-from is not an RFC 3339 time"},
		{"same-start.key", "keys f4884ce0e332e941 and 451f2e2a253b453b take effect at the same time"},
		{"duplicate-key.key", ":3: scramble key file is corrupt: key f4884ce0e332e941 appears twice"},
		{"extra-field.key", ":2: scramble key file is corrupt: key record has 5 fields, want 4"},
		{"bad-history.key", ":2: scramble key file is corrupt: retired record: the fingerprint is not 16 lowercase hex digits"},
	}
	keys := [][]byte{benchKey, make([]byte, KeySize)}
	for i := range keys[1] {
		keys[1][i] = byte(32 + i)
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			dir := useFixture(t, tt.fixture)
			before := readKeyFileText(t, dir)
			_, err := LoadKey(dir, at("2026-11-15T00:00:00Z"))
			if !errors.Is(err, ErrCorruptKey) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadKey error = %v\nwant ErrCorruptKey containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), KeyFilePath(dir)) {
				t.Errorf("error %q does not name the file", err)
			}
			for _, secret := range keys {
				assertNoSecret(t, "error", err.Error(), secret)
				if h := hex.EncodeToString(secret); strings.Contains(err.Error(), h[:12]) {
					t.Errorf("error %q quotes part of a key", err)
				}
			}
			// Nothing may replace a corrupt file: that would silently
			// change every pseudonym.
			if _, _, err := EnsureKey(dir, time.Now()); !errors.Is(err, ErrCorruptKey) {
				t.Errorf("EnsureKey on a corrupt file: %v, want ErrCorruptKey", err)
			}
			if _, err := Rotate(dir, time.Now(), cet, true); !errors.Is(err, ErrCorruptKey) {
				t.Errorf("Rotate on a corrupt file: %v, want ErrCorruptKey", err)
			}
			if after := readKeyFileText(t, dir); after != before {
				t.Errorf("the corrupt file was rewritten")
			}
		})
	}
}

func TestValidFixtures(t *testing.T) {
	tests := []struct {
		fixture string
		now     string
		active  string
		pending string
		history int
	}{
		{"valid-crlf-bom.key", "2026-11-15T00:00:00Z", "f4884ce0e332e941", "", 0},
		{"valid-pending.key", "2026-11-30T22:59:59Z", "f4884ce0e332e941", "451f2e2a253b453b", 1},
		{"valid-pending.key", "2026-11-30T23:00:00Z", "451f2e2a253b453b", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"@"+tt.now, func(t *testing.T) {
			dir := useFixture(t, tt.fixture)
			k, err := LoadKey(dir, at(tt.now))
			if err != nil || k.Fingerprint() != tt.active {
				t.Fatalf("LoadKey = %v, %v; want %s", k, err, tt.active)
			}
			st, err := Inspect(dir, at(tt.now))
			if err != nil || st.ActiveFingerprint != tt.active || st.PendingFingerprint != tt.pending || len(st.History) != tt.history {
				t.Fatalf("Inspect = %+v, %v; want active %s pending %q, %d history", st, err, tt.active, tt.pending, tt.history)
			}
		})
	}
}

func TestKeyFileTooOpen(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix mode bits")
	}
	dir := useFixture(t, "valid-pending.key")
	if err := os.Chmod(KeyFilePath(dir), 0o644); err != nil {
		t.Fatal(err)
	}
	now := at("2026-11-15T00:00:00Z")
	k, err := LoadKey(dir, now)
	if err != nil || !strings.Contains(k.PermissionNote, "chmod 600") {
		t.Fatalf("LoadKey on a 0644 file: note %q, %v; want a chmod hint", k.PermissionNote, err)
	}
	k, created, err := EnsureKey(dir, now)
	if err != nil || created || k.PermissionNote != "" {
		t.Fatalf("EnsureKey = %v created %v note %q, %v", k, created, k.PermissionNote, err)
	}
	assertOwnerOnly(t, dir)
}

func TestRotatePending(t *testing.T) {
	dir := t.TempDir()
	old, _, err := EnsureKey(dir, at("2026-10-03T09:00:00+02:00"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Rotate(dir, at("2026-11-20T15:00:00+01:00"), cet, false)
	if err != nil {
		t.Fatal(err)
	}
	assertOwnerOnly(t, dir)
	if res.Immediate || res.OldFingerprint != old.Fingerprint() || res.NewFingerprint == old.Fingerprint() ||
		!res.ActiveFrom.Equal(at("2026-12-01T00:00:00+01:00")) || res.CancelledFingerprint != "" {
		t.Fatalf("Rotate = %+v", res)
	}
	// The old key holds until the month ends in the given zone.
	for _, tt := range []struct{ now, want string }{
		{"2026-11-30T22:59:59Z", old.Fingerprint()},
		{"2026-11-30T23:00:00Z", res.NewFingerprint},
		{"2027-03-01T00:00:00Z", res.NewFingerprint},
	} {
		k, err := LoadKey(dir, at(tt.now))
		if err != nil || k.Fingerprint() != tt.want {
			t.Errorf("LoadKey(%s) = %v, %v; want %s", tt.now, k, err, tt.want)
		}
	}
	st, err := Inspect(dir, at("2026-11-25T00:00:00Z"))
	if err != nil || st.PendingFingerprint != res.NewFingerprint || !st.PendingFrom.Equal(res.ActiveFrom) || len(st.History) != 0 {
		t.Fatalf("Inspect before the switch = %+v, %v", st, err)
	}
	newKey, _ := LoadKey(dir, at("2026-12-02T00:00:00Z"))
	p1, _ := old.Scrambler().Pseudonym("alice@corp.example")
	p2, _ := newKey.Scrambler().Pseudonym("alice@corp.example")
	if p1 == p2 {
		t.Fatal("rotation did not change the pseudonym")
	}

	// After the switch, any write retires the old key: fingerprint kept,
	// bytes gone.
	if !strings.Contains(readKeyFileText(t, dir), secretHex(old)) {
		t.Fatal("the old key left the file before its month ended")
	}
	if _, created, err := EnsureKey(dir, at("2026-12-02T00:00:00Z")); err != nil || created {
		t.Fatalf("EnsureKey after the switch: created %v, %v", created, err)
	}
	text := readKeyFileText(t, dir)
	if strings.Contains(text, secretHex(old)) {
		t.Fatal("the retired key's bytes are still in the file")
	}
	want := "retired " + old.Fingerprint() + " 2026-10-03T09:00:00+02:00 2026-12-01T00:00:00+01:00\n"
	if !strings.Contains(text, want) {
		t.Fatalf("history line %q missing from:\n%s", want, text)
	}
	st, _ = Inspect(dir, at("2026-12-02T00:00:00Z"))
	if len(st.History) != 1 || st.History[0].Fingerprint != old.Fingerprint() || st.ActiveFingerprint != res.NewFingerprint {
		t.Fatalf("Inspect after compaction = %+v", st)
	}
}

func TestRotateTwiceReplacesPending(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := EnsureKey(dir, at("2026-10-03T09:00:00+02:00")); err != nil {
		t.Fatal(err)
	}
	first, err := Rotate(dir, at("2026-11-20T15:00:00+01:00"), cet, false)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Rotate(dir, at("2026-11-21T15:00:00+01:00"), cet, false)
	if err != nil {
		t.Fatal(err)
	}
	if second.CancelledFingerprint != first.NewFingerprint || second.OldFingerprint != first.OldFingerprint {
		t.Fatalf("second rotation = %+v, first %+v", second, first)
	}
	st, err := Inspect(dir, at("2026-11-22T00:00:00Z"))
	if err != nil || st.PendingFingerprint != second.NewFingerprint || len(st.History) != 1 ||
		!st.History[0].Cancelled || st.History[0].Fingerprint != first.NewFingerprint {
		t.Fatalf("Inspect = %+v, %v", st, err)
	}
}

func TestRotateImmediate(t *testing.T) {
	dir := t.TempDir()
	old, _, err := EnsureKey(dir, at("2026-10-03T09:00:00+02:00"))
	if err != nil {
		t.Fatal(err)
	}
	pending, err := Rotate(dir, at("2026-11-20T15:00:00+01:00"), cet, false)
	if err != nil {
		t.Fatal(err)
	}
	now := at("2026-11-21T08:00:00.75+01:00")
	res, err := Rotate(dir, now, cet, true)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Immediate || res.OldFingerprint != old.Fingerprint() || res.CancelledFingerprint != pending.NewFingerprint ||
		!res.ActiveFrom.Equal(now.Truncate(time.Second)) {
		t.Fatalf("Rotate immediate = %+v", res)
	}
	k, err := LoadKey(dir, now)
	if err != nil || k.Fingerprint() != res.NewFingerprint {
		t.Fatalf("LoadKey right after = %v, %v; want %s", k, err, res.NewFingerprint)
	}
	text := readKeyFileText(t, dir)
	if strings.Contains(text, secretHex(old)) || strings.Count(text, "\nkey ") != 1 {
		t.Fatalf("immediate rotation kept old key bytes:\n%s", text)
	}
	st, _ := Inspect(dir, now)
	if len(st.History) != 2 || st.PendingFingerprint != "" {
		t.Fatalf("history = %+v, pending %q", st.History, st.PendingFingerprint)
	}
}

func TestRotateMonthBoundaries(t *testing.T) {
	tests := []struct {
		now  string
		loc  *time.Location
		want string
	}{
		{"2026-12-31T23:30:00+01:00", cet, "2027-01-01T00:00:00+01:00"},
		// 23:30 UTC on the 31st is already January in CET.
		{"2026-12-31T23:30:00Z", cet, "2027-02-01T00:00:00+01:00"},
		{"2026-12-31T23:30:00Z", time.UTC, "2027-01-01T00:00:00Z"},
		{"2027-01-31T12:00:00Z", time.UTC, "2027-02-01T00:00:00Z"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if _, _, err := EnsureKey(dir, at("2026-10-01T00:00:00Z")); err != nil {
			t.Fatal(err)
		}
		res, err := Rotate(dir, at(tt.now), tt.loc, false)
		if err != nil || !res.ActiveFrom.Equal(at(tt.want)) {
			t.Errorf("Rotate at %s in %s: from %v, %v; want %s", tt.now, tt.loc, res.ActiveFrom, err, tt.want)
		}
	}
}

func TestRotateRefusesClockBeforeKey(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := EnsureKey(dir, at("2026-10-03T09:00:00Z")); err != nil {
		t.Fatal(err)
	}
	before := readKeyFileText(t, dir)
	if _, err := Rotate(dir, at("2025-01-01T00:00:00Z"), cet, false); err == nil || !strings.Contains(err.Error(), "check the clock") {
		t.Fatalf("Rotate with the clock before the key: %v", err)
	}
	if readKeyFileText(t, dir) != before {
		t.Fatal("a refused rotation changed the file")
	}
}

func TestFormatRoundTrip(t *testing.T) {
	dir := useFixture(t, "valid-pending.key")
	f, _, err := readKeyFile(KeyFilePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	out := formatKeyFile(f)
	g, err := parseKeyFile("x", out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(formatKeyFile(g), out) || len(g.keys) != 2 || len(g.history) != 1 {
		t.Fatalf("format is not stable:\n%s", out)
	}
}

func FuzzParseKeyFile(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "keys"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "keys", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kf, err := parseKeyFile("fuzz.key", data)
		if err != nil {
			if !errors.Is(err, ErrCorruptKey) {
				t.Fatalf("error without ErrCorruptKey: %v", err)
			}
			return
		}
		// Whatever parses must survive our own write and read.
		if _, err := parseKeyFile("fuzz.key", formatKeyFile(kf)); err != nil {
			t.Fatalf("re-parse of formatted file: %v", err)
		}
	})
}
