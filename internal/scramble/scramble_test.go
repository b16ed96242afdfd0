package scramble

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixedKey is bytes 0..31, the key of the known answers below.
func fixedScrambler(t testing.TB) *Scrambler {
	t.Helper()
	k, err := NewKey(benchKey)
	if err != nil {
		t.Fatal(err)
	}
	return k.Scrambler()
}

// independentPseudonym recomputes a pseudonym from already-canonical text
// with nothing but the standard library, to cross-check the Scrambler.
func independentPseudonym(key []byte, canonical string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(canonical))
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	return strings.ToLower(enc.EncodeToString(mac.Sum(nil)[:16]))
}

// The expected pseudonyms were computed once and cross-checked with
// Python (hmac, hashlib, base64.b32encode, str.casefold); they must never
// change, or every uploaded pseudonym changes with them.
func TestKnownAnswers(t *testing.T) {
	tests := []struct {
		name, canonical, pseudonym string
	}{
		{"alice@corp.example", "alice@corp.example", "a22a6w2x2qzw7tfvxayt5zcjkm"},
		{"Alice@CORP.example", "alice@corp.example", "a22a6w2x2qzw7tfvxayt5zcjkm"},
		{`CORP\John Smith`, `corp\john smith`, "jkaizk5n23unfssovn5ruahmrq"},
		{"Straße@corp.example", "strasse@corp.example", "iik4gyoxxrgcc4wrqeh4pyr4fy"},
		{"José.Núñez@corp.example", "josé.núñez@corp.example", "olgjhqnxsmxw3c3mxzlxrcphyy"},
		{"WKS-00042", "wks-00042", "j7tl2jivyavw42etwxgfww4avu"},
		{"ΣΑΣ", "σασ", "4bojndzbo5pxwznijghjh6dafu"},
		{"\u212Aarl", "karl", "j2n7bxpuy7rsug66c7qsutkibm"}, // KELVIN SIGN
	}
	s := fixedScrambler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Canonical(tt.name)
			if err != nil || c != tt.canonical {
				t.Fatalf("Canonical(%q) = %q, %v; want %q", tt.name, c, err, tt.canonical)
			}
			if ind := independentPseudonym(benchKey, tt.canonical); ind != tt.pseudonym {
				t.Fatalf("independent HMAC of %q = %s; table says %s", tt.canonical, ind, tt.pseudonym)
			}
			p, err := s.Pseudonym(tt.name)
			if err != nil || p != tt.pseudonym {
				t.Fatalf("Pseudonym(%q) = %q, %v; want %q", tt.name, p, err, tt.pseudonym)
			}
			b, err := s.AppendPseudonym([]byte("x:"), tt.name)
			if err != nil || string(b) != "x:"+tt.pseudonym {
				t.Fatalf("AppendPseudonym(%q) = %q, %v", tt.name, b, err)
			}
		})
	}
}

// Each class is a set of spellings that must share one pseudonym; names in
// different classes must not.
func TestCanonicalEquivalenceClasses(t *testing.T) {
	classes := [][]string{
		{"Alice@CORP.example", " alice@corp.example ", "ａｌｉｃｅ@corp.example", "\talice@corp.example\r\n",
			"\u00a0ALICE@corp.example\u3000", "ＡＬＩＣＥ＠ＣＯＲＰ．ＥＸＡＭＰＬＥ"},
		// Full case folding maps ß and ẞ to "ss": the real x/text behaviour.
		{"Straße@corp.example", "STRASSE@corp.example", "strasse@corp.example", "STRAẞE@corp.example"},
		// A space inside the name is part of it (PRECIS would reject it).
		{`CORP\John Smith`, `corp\john smith`, ` CORP\JOHN SMITH`},
		{`CORP\JohnSmith`},
		{`CORP\John  Smith`},
		// Precomposed and decomposed accents, and the ligature ﬁ.
		{"José", "Jose\u0301", "JOSÉ", "JOSE\u0301"},
		{"Jose"},
		{"ﬁona", "FIONA", "Fiona"},
		// Final sigma folds to σ.
		{"ΣΑΣ", "σας", "σασ"},
		// Dotted capital I folds to i + COMBINING DOT ABOVE, not to i.
		{"İris"},
		{"iris", "IRIS"},
		{"\u212Aarl", "Karl", "KARL"},
	}
	s := fixedScrambler(t)
	seen := map[string]int{}
	for ci, class := range classes {
		want, err := s.Pseudonym(class[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range class[1:] {
			if got, err := s.Pseudonym(name); err != nil || got != want {
				c0, _ := Canonical(class[0])
				c, _ := Canonical(name)
				t.Errorf("%q → %s (canonical %q), want %s like %q (canonical %q)", name, got, c, want, class[0], c0)
			}
		}
		if other, dup := seen[want]; dup {
			t.Errorf("class %v shares a pseudonym with class %v", class, classes[other])
		}
		seen[want] = ci
	}
}

func TestEmptyNames(t *testing.T) {
	s := fixedScrambler(t)
	for _, name := range []string{"", " ", "\t\r\n", "\u00a0", "\u3000 \u2003", "\u0085"} {
		if _, err := Canonical(name); !errors.Is(err, ErrEmptyName) {
			t.Errorf("Canonical(%q) error = %v, want ErrEmptyName", name, err)
		}
		if p, err := s.Pseudonym(name); !errors.Is(err, ErrEmptyName) || p != "" {
			t.Errorf("Pseudonym(%q) = %q, %v; want ErrEmptyName", name, p, err)
		}
		dst, err := s.AppendPseudonym([]byte("keep"), name)
		if !errors.Is(err, ErrEmptyName) || string(dst) != "keep" {
			t.Errorf("AppendPseudonym(%q) = %q, %v; want dst untouched and ErrEmptyName", name, dst, err)
		}
	}
}

func isPseudonymShaped(p string) bool {
	if len(p) != PseudonymLen {
		return false
	}
	for _, c := range p {
		if !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

func TestPseudonymShapeAndInvalidUTF8(t *testing.T) {
	s := fixedScrambler(t)
	// Two Latin-1 spellings (ü, é as single bytes) must stay two users.
	a, errA := s.Pseudonym("m\xfcller")
	b, errB := s.Pseudonym("m\xe9ller")
	if errA != nil || errB != nil || a == b {
		t.Fatalf("invalid UTF-8 names collapsed: %q %v, %q %v", a, errA, b, errB)
	}
	for _, name := range append(benchNames()[:50], "m\xfcller", "名前@corp.example", "x", "\x00") {
		p, err := s.Pseudonym(name)
		if err != nil || !isPseudonymShaped(p) {
			t.Errorf("Pseudonym(%q) = %q, %v; want 26 chars of [a-z2-7]", name, p, err)
		}
	}
}

func TestKeyDependence(t *testing.T) {
	other := make([]byte, KeySize)
	copy(other, benchKey)
	other[31] ^= 1 // one bit apart
	k2, _ := NewKey(other)
	s1, s2 := fixedScrambler(t), k2.Scrambler()
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("user%04d@corp.example", i)
	}
	byKey1 := map[string]bool{}
	for _, name := range names {
		p1, _ := s1.Pseudonym(name)
		p2, _ := s2.Pseudonym(name)
		if p1 == p2 {
			t.Fatalf("%q has the same pseudonym under two keys", name)
		}
		if byKey1[p1] {
			t.Fatalf("pseudonym collision within one key at %q", name)
		}
		byKey1[p1] = true
	}
}

// unkeyedForms lists what Citrix-style unkeyed hashing of text produces, in
// every encoding an attacker might try.
func unkeyedForms(text string) []string {
	sum := sha256.Sum256([]byte(text))
	var forms []string
	for _, b := range [][]byte{sum[:16], sum[:]} {
		forms = append(forms,
			base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
			base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			hex.EncodeToString(b),
			strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)))
	}
	return forms
}

func TestPseudonymIsNotUnkeyedHashOrName(t *testing.T) {
	s := fixedScrambler(t)
	names := append(benchNames(), "alice", "Alice@CORP.example", "bob.smith")
	for _, name := range names {
		p, err := s.Pseudonym(name)
		if err != nil {
			t.Fatal(err)
		}
		canon, _ := Canonical(name)
		for _, text := range []string{name, canon} {
			for _, form := range unkeyedForms(text) {
				if strings.EqualFold(p, form) || strings.Contains(strings.ToLower(form), p) {
					t.Errorf("pseudonym of %q equals the unkeyed form %s", name, form)
				}
			}
			if strings.Contains(p, strings.ToLower(text)) {
				t.Errorf("pseudonym %s contains the name %q", p, text)
			}
		}
	}
}

func TestScramblerStateReuse(t *testing.T) {
	// Interleave fast and slow paths and errors on one Scrambler; each
	// answer must equal a fresh Scrambler's.
	names := []string{"Alice@CORP.example", "Straße", "", "WKS-1", "ａｌｉｃｅ@corp.example", " ", "José", "alice@corp.example"}
	shared := fixedScrambler(t)
	for round := 0; round < 2; round++ {
		for _, name := range names {
			got, gotErr := shared.Pseudonym(name)
			want, wantErr := fixedScrambler(t).Pseudonym(name)
			if got != want || (gotErr == nil) != (wantErr == nil) {
				t.Errorf("round %d %q: reused %q %v, fresh %q %v", round, name, got, gotErr, want, wantErr)
			}
		}
	}
}

func TestAppendPseudonymAllocationFree(t *testing.T) {
	s := fixedScrambler(t)
	names := benchNames()
	dst := make([]byte, 0, PseudonymLen)
	i := 0
	allocs := testing.AllocsPerRun(500, func() {
		dst, _ = s.AppendPseudonym(dst[:0], names[i%len(names)])
		i++
	})
	if allocs != 0 {
		t.Fatalf("AppendPseudonym allocates %.1f times per ASCII name, want 0", allocs)
	}
}

func TestPreviewRows(t *testing.T) {
	s := fixedScrambler(t)
	names := []string{"Alice@CORP.example", "bob", "", "carol"}
	tests := []struct {
		from, to int
		want     []string // names of the rows returned
	}{
		{0, 2, []string{"Alice@CORP.example", "bob"}},
		{1, 4, []string{"bob", "", "carol"}},
		{-5, 1, []string{"Alice@CORP.example"}},
		{3, 99, []string{"carol"}},
		{3, 1, nil},
		{9, 12, nil},
	}
	for _, tt := range tests {
		rows := s.PreviewRows(names, tt.from, tt.to)
		if len(rows) != len(tt.want) {
			t.Fatalf("PreviewRows(%d, %d) gave %d rows, want %d", tt.from, tt.to, len(rows), len(tt.want))
		}
		for i, r := range rows {
			want, wantErr := s.Preview(tt.want[i])
			if r.Name != tt.want[i] || r.Pseudonym != want || (r.Err == nil) != (wantErr == nil) {
				t.Errorf("PreviewRows(%d, %d)[%d] = %+v, want %q → %q", tt.from, tt.to, i, r, tt.want[i], want)
			}
			if r.Name == "" && !errors.Is(r.Err, ErrEmptyName) {
				t.Errorf("empty name row has error %v, want ErrEmptyName", r.Err)
			}
		}
	}
}

func TestUploadedAs(t *testing.T) {
	s := fixedScrambler(t)
	if got, err := UploadedAs(s, false, "Alice@CORP.example"); err != nil || got != "Alice@CORP.example" {
		t.Errorf("off: got %q, %v; want the plain name", got, err)
	}
	if got, err := UploadedAs(nil, false, "Alice@CORP.example"); err != nil || got != "Alice@CORP.example" {
		t.Errorf("off without key: got %q, %v; want the plain name", got, err)
	}
	if got, err := UploadedAs(s, true, "Alice@CORP.example"); err != nil || got != "a22a6w2x2qzw7tfvxayt5zcjkm" {
		t.Errorf("on: got %q, %v; want the pseudonym", got, err)
	}
	if got, err := UploadedAs(nil, true, "Alice@CORP.example"); !errors.Is(err, ErrNoKey) || got != "" {
		t.Errorf("on without key: got %q, %v; want ErrNoKey and no name", got, err)
	}
}

func FuzzCanonical(f *testing.F) {
	for _, seed := range []string{
		"Alice@CORP.example", " alice@corp.example ", "ａｌｉｃｅ@corp.example", "Straße", "ẞ", "İstanbul",
		"ΣΑΣ", "ﬁ", "\u212A", "‾x", " \u0301a", "ᾼ", "ǅ", "ΐ", "\u0390\u0345", "\xff\xfeA", "a\xc3", "",
		"\u3000", "CORP\\John Smith", "\u1E9E\u0301", "ﬃ\u0307",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		var c canonicalizer
		got, err := Canonical(name)
		if err != nil {
			if !errors.Is(err, ErrEmptyName) {
				t.Fatalf("Canonical(%q): unexpected error %v", name, err)
			}
			if strings.TrimSpace(name) != "" && isASCII(name) {
				t.Fatalf("Canonical(%q): ErrEmptyName for a non-blank ASCII name", name)
			}
			return
		}
		if got == "" {
			t.Fatalf("Canonical(%q) is empty without an error", name)
		}
		if isASCII(name) {
			slow, err := c.appendSlow(nil, name)
			if err != nil || string(slow) != got {
				t.Fatalf("ASCII fast path %q != slow path %q (%v) for %q", got, slow, err, name)
			}
		}
		if utf8.ValidString(name) {
			again, err := Canonical(got)
			if err != nil || again != got {
				t.Fatalf("not idempotent: %q → %q → %q (%v)", name, got, again, err)
			}
		}
		s := fixedScrambler(t)
		p, err := s.Pseudonym(name)
		if err != nil || p != independentPseudonym(benchKey, got) {
			t.Fatalf("Pseudonym(%q) = %q, %v; want HMAC of canonical %q", name, p, err, got)
		}
	})
}
