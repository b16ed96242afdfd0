package scramble

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// TestKeyPastedIntoAnyFieldNeverInAnError pastes a key (the whole 64 hex
// digits, and a 20-digit piece of it) into every field of every kind of
// line of a key file, in place of the field and beside it; whatever the
// parser says, its error holds no 8 consecutive digits of that key (issue
// 14 item 10: the header's version field was quoted, 20 digits of it).
func TestKeyPastedIntoAnyFieldNeverInAnError(t *testing.T) {
	good := newRandomKey()
	pasted := make([]byte, KeySize)
	for i := range pasted {
		pasted[i] = byte(0x5a ^ (i * 37)) // no zero bytes, no runs
	}
	pastedHex := hex.EncodeToString(pasted)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	until := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	lines := []string{
		keyFileHeader,
		"key " + good.Fingerprint() + " " + from + " " + hex.EncodeToString(good.secret.b[:]),
		"retired 0123456789abcdef " + from + " " + until,
		"cancelled fedcba9876543210 " + from + " " + until,
	}
	forms := map[string]string{"whole key": pastedHex, "20 digits": pastedHex[7:27], "key and more": pastedHex + "zz"}
	tried, refused := 0, 0
	for li, line := range lines {
		fields := strings.Fields(line)
		for fi := range fields {
			for formName, form := range forms {
				for _, mode := range []string{"replace", "insert"} {
					f := append([]string(nil), fields...)
					if mode == "replace" {
						f[fi] = form
					} else {
						f = append(f[:fi], append([]string{form}, f[fi:]...)...)
					}
					doc := append([]string(nil), lines...)
					doc[li] = strings.Join(f, " ")
					_, err := parseKeyFile("/srv/ctx/WebServicesForLicensing/lsui-scramble.key", []byte(strings.Join(doc, "\n")+"\n"))
					tried++
					if err == nil {
						continue
					}
					refused++
					msg := err.Error()
					for i := 0; i+8 <= len(pastedHex); i++ {
						if strings.Contains(msg, pastedHex[i:i+8]) {
							t.Fatalf("line %d field %d (%s, %s): the error quotes the key: %q", li+1, fi+1, formName, mode, msg)
						}
					}
				}
			}
		}
	}
	// Also a key on a line of its own, and as the whole file.
	for _, doc := range []string{keyFileHeader + "\n" + pastedHex + "\n", pastedHex + "\n", pastedHex + " " + keyFileHeader + "\n"} {
		_, err := parseKeyFile("k", []byte(doc))
		if err == nil {
			t.Fatalf("accepted %q", doc)
		}
		for i := 0; i+8 <= len(pastedHex); i++ {
			if strings.Contains(err.Error(), pastedHex[i:i+8]) {
				t.Fatalf("the error quotes the key: %q", err)
			}
		}
	}
	if refused == 0 {
		t.Fatal("no paste was refused; the test checks nothing")
	}
	t.Logf("%d pastes, %d refused, none quoted", tried, refused)
}
