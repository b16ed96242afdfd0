package scramble

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Citrix's own scramble, as its telemetry documentation states it
// (DOMAIN.md §7): SHA-256 of the clear text, the first 128 bits, base64 —
// 24 characters, "R4nEvhlzbm3V+DSi/zTdiw==" for "jsmith". Other Citrix
// pages show 16 upper-case hex digits (the first 64 bits). It is unkeyed:
// anyone with a list of candidate names hashes the list and matches, which
// is why lsui's own uploads use a keyed HMAC instead. These functions exist
// to show what Citrix's call-home sends and to recognise it in a payload,
// never to scramble lsui's uploads.
//
// Which form UsageBasedBillingScramble uses, and on which spelling of the
// name, is not documented: the name is hashed exactly as given here, and
// CitrixCandidates lists the spellings worth trying.

// CitrixBase64 is Citrix's documented form of name: base64 of the first 16
// bytes of SHA-256(name).
func CitrixBase64(name string) string {
	sum := sha256.Sum256([]byte(name))
	return base64.StdEncoding.EncodeToString(sum[:16])
}

// CitrixHex16 is the 16-upper-case-hex-digit form: the first 8 bytes of
// SHA-256(name).
func CitrixHex16(name string) string {
	sum := sha256.Sum256([]byte(name))
	return strings.ToUpper(hex.EncodeToString(sum[:8]))
}

// CitrixCandidates are the spellings of name whose Citrix scramble a
// payload might carry: as written, lower case and upper case, without
// duplicates. Citrix does not say which one it hashes.
func CitrixCandidates(name string) []string {
	out := []string{name}
	for _, v := range []string{strings.ToLower(name), strings.ToUpper(name)} {
		dup := false
		for _, o := range out {
			dup = dup || o == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}
