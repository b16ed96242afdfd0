package scramble

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// secretForms are the ways key bytes could show up in text, including the
// HMAC inner and outer pads (key XOR 0x36, 0x5c) a Scrambler holds.
func secretForms(secret []byte) []string {
	ipad, opad := make([]byte, len(secret)), make([]byte, len(secret))
	for i, b := range secret {
		ipad[i], opad[i] = b^0x36, b^0x5c
	}
	return []string{
		fmt.Sprint(ipad[:8]), fmt.Sprint(opad[:8]), hex.EncodeToString(ipad[:8]), hex.EncodeToString(opad[:8]),
		hex.EncodeToString(secret), strings.ToUpper(hex.EncodeToString(secret)),
		hex.EncodeToString(secret[:8]), // even a fragment is a leak
		base64.StdEncoding.EncodeToString(secret), base64.RawStdEncoding.EncodeToString(secret),
		base64.URLEncoding.EncodeToString(secret), base64.RawURLEncoding.EncodeToString(secret),
		base32.StdEncoding.EncodeToString(secret),
		string(secret),
		fmt.Sprint(secret),              // [0 1 2 ...]
		fmt.Sprintf("%v", secret[4:12]), // a fragment in Go syntax
	}
}

func assertNoSecret(t *testing.T, what, text string, secret []byte) {
	t.Helper()
	for _, form := range secretForms(secret) {
		if strings.Contains(text, form) {
			t.Errorf("%s leaks the key (%q) in %q", what, form, text)
		}
	}
}

func TestKeyNeverPrintedOrEncoded(t *testing.T) {
	// A key with no zero bytes, so a fragment match means a real leak.
	secret := make([]byte, KeySize)
	for i := range secret {
		secret[i] = byte(0xa0 + i)
	}
	k, err := NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	k.ActiveFrom = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	type wrapper struct {
		Exported Key
		hidden   Key
		ptr      *Key
		scr      *Scrambler
		scrVal   Scrambler
	}
	s := k.Scrambler()
	s.Pseudonym("warm up the HMAC state")
	w := wrapper{Exported: *k, hidden: *k, ptr: k, scr: s, scrVal: *s}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d", "%T %p"} {
		outputs = append(outputs,
			fmt.Sprintf(verb, k), fmt.Sprintf(verb, *k), fmt.Sprintf(verb, w), fmt.Sprintf(verb, &w),
			fmt.Sprintf(verb, s), fmt.Sprintf(verb, *s), fmt.Sprintf(verb, []*Key{k}))
	}
	for _, v := range []any{k, *k, w, []Key{*k}, map[string]*Key{"k": k}} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(j))
	}
	type manifest struct{ K Key }
	x, err := xml.Marshal(manifest{*k})
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(x))
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("key", "k", k, "s", s)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("key", "k", *k)
	outputs = append(outputs, logs.String())

	for _, out := range outputs {
		assertNoSecret(t, "output", out, secret)
	}
	// The outputs must still be useful: they name the key.
	for _, out := range []string{fmt.Sprint(k), fmt.Sprintf("%+v", *k), fmt.Sprint(s)} {
		if !strings.Contains(out, k.Fingerprint()) {
			t.Errorf("%q does not show the fingerprint %s", out, k.Fingerprint())
		}
	}
	j, _ := json.Marshal(k)
	if string(j) != `{"fingerprint":"`+k.Fingerprint()+`","active_from":"2026-12-01T00:00:00Z"}` {
		t.Errorf("json.Marshal(key) = %s", j)
	}
}

func TestFingerprint(t *testing.T) {
	k, _ := NewKey(benchKey)
	sum := sha256.Sum256(append([]byte("lsui-scramble-fp"), benchKey...))
	if want := hex.EncodeToString(sum[:8]); k.Fingerprint() != want || want != "f4884ce0e332e941" {
		t.Fatalf("Fingerprint = %s, independent %s, known answer f4884ce0e332e941", k.Fingerprint(), want)
	}
	if k.Scrambler().Fingerprint() != k.Fingerprint() {
		t.Fatal("Scrambler reports a different fingerprint from its key")
	}
	if p1, p2 := PreviewKey(), PreviewKey(); p1.Fingerprint() == p2.Fingerprint() || p1.Fingerprint() == k.Fingerprint() {
		t.Fatal("preview keys are not fresh random keys")
	}
}

func TestNewKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewKey(make([]byte, n)); err == nil {
			t.Errorf("NewKey accepted %d bytes", n)
		}
	}
}

func TestPreviewKey(t *testing.T) {
	k := PreviewKey()
	s := k.Scrambler()
	if !k.Preview || !s.IsPreview() || k.Path != "" {
		t.Fatalf("PreviewKey: Preview=%v IsPreview=%v Path=%q", k.Preview, s.IsPreview(), k.Path)
	}
	if !strings.Contains(k.String(), "preview") {
		t.Errorf("String() = %q does not say preview", k.String())
	}
	p, err := s.Pseudonym("alice@corp.example")
	if err != nil || !isPseudonymShaped(p) || p == "a22a6w2x2qzw7tfvxayt5zcjkm" {
		t.Errorf("preview pseudonym = %q, %v", p, err)
	}
}

func TestZeroKeyScramblerPanicsClearly(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "zero Key") {
			t.Fatalf("recover() = %v, want a zero Key panic", r)
		}
	}()
	var k Key
	k.Scrambler()
}
