package payload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/scramble"
)

// TestIdentityJSONIsEncoders: usage.json's record writer (newRecordWriter)
// writes, byte for byte, what json.Encoder (SetEscapeHTML(false)) writes
// for model.NewIdentityRecord, as the payload always has: names that need
// escaping or are not UTF-8, no features or hosts, zones with offsets,
// pseudonyms; so a field added to IdentityRecord, or a change in its
// encoding, fails here before a payload changes.
func TestIdentityJSONIsEncoders(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 11, 2, 8, 14, 51, 0, berlin)
	base := usage.Identity{Name: "alice", Key: "alice", Features: []string{"MPS_ADV_CCU", "XDT_PLT_UD"},
		Via: []string{"ddc01", "ddc02"}, FirstSeen: first, LastSeen: first.Add(30 * time.Hour)}
	with := func(f func(*usage.Identity)) usage.Identity {
		id := base
		f(&id)
		return id
	}
	for _, tc := range []struct {
		name      string
		id        usage.Identity
		pseudonym string // "" for the plain name
	}{
		{"plain", base, ""},
		{"device, no features or hosts", with(func(id *usage.Identity) {
			id.Name, id.Kind, id.Features, id.Via = "KIOSK-07", usage.Device, nil, nil
		}), ""},
		{"empty lists", with(func(id *usage.Identity) { id.Features, id.Via = []string{}, []string{} }), ""},
		{"quote, backslash, HTML", with(func(id *usage.Identity) { id.Name = `CORP\a"b <c>&d` }), ""},
		{"control characters", with(func(id *usage.Identity) { id.Name = "a\x00b\x01\b\f\n\r\t\x1f\x7fz" }), ""},
		{"not UTF-8", with(func(id *usage.Identity) { id.Name = "bad\xff\xfe\xc3" }), ""},
		{"line and paragraph separators", with(func(id *usage.Identity) { id.Name = "a\u2028b\u2029c" }), ""},
		{"non-ASCII", with(func(id *usage.Identity) { id.Name = "jürgen 山田 ａｌｉｃｅ 🙂" }), ""},
		{"non-ASCII, then not UTF-8", with(func(id *usage.Identity) { id.Name = "zoë\xe2\x80" }), ""},
		{"a surrogate's encoding", with(func(id *usage.Identity) { id.Name = "a\xed\xa0\x80b" }), ""},
		{"odd feature and host", with(func(id *usage.Identity) {
			id.Features, id.Via = []string{"X\"Y", "Z\u2028"}, []string{"host\n2", ""}
		}), ""},
		{"empty name", with(func(id *usage.Identity) { id.Name = "" }), ""},
		{"UTC, a minute before midnight", with(func(id *usage.Identity) {
			id.FirstSeen, id.LastSeen = time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC), time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
		}), ""},
		{"negative offset", with(func(id *usage.Identity) {
			id.FirstSeen = id.FirstSeen.In(time.FixedZone("", -(3*3600 + 30*60)))
		}), ""},
		{"pseudonym", base, "u-3f9a0c"},
		{"pseudonym that needs escaping", base, "u\"\\\x01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.id.Name
			if tc.pseudonym != "" {
				name = tc.pseudonym
			}
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(model.NewIdentityRecord(tc.id, name)); err != nil {
				t.Fatal(err)
			}
			got := appendRecord(newRecordWriter(), []byte("prefix"), tc.id, tc.pseudonym != "", []byte(tc.pseudonym))
			if w := "prefix" + string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))); string(got) != w {
				t.Errorf("got  %s\nwant %s", got, w)
			}
		})
	}
}

// TestIdentityJSONRandomNames: the same on names drawn from the bytes
// that matter: ASCII, controls, quotes, UTF-8 leads and continuations.
func TestIdentityJSONRandomNames(t *testing.T) {
	alphabet := []byte("a\"\\\x00\x1f\x7f <>&\xc3\xa9\xe2\x80\xa8\xa9\xf0\x9f\x99\x82\xed\xa0\xff")
	rng := rand.New(rand.NewPCG(15, 3))
	first := time.Date(2026, 11, 2, 8, 14, 51, 0, time.UTC)
	ij := newRecordWriter()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	for range 5000 {
		name := make([]byte, rng.IntN(12))
		for i := range name {
			name[i] = alphabet[rng.IntN(len(alphabet))]
		}
		id := usage.Identity{Name: string(name), Features: []string{string(name)}, FirstSeen: first, LastSeen: first}
		want.Reset()
		if err := enc.Encode(model.NewIdentityRecord(id, id.Name)); err != nil {
			t.Fatal(err)
		}
		got := appendRecord(ij, nil, id, false, nil)
		if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
			t.Fatalf("name %q:\ngot  %s\nwant %s", name, got, w)
		}
	}
}

// TestIdentityJSONAllocations: a record costs no allocation once the
// buffer has grown, which is what keeps a million of them from piling up
// garbage while the report is live.
func TestIdentityJSONAllocations(t *testing.T) {
	first := time.Date(2026, 11, 2, 8, 14, 51, 0, time.UTC)
	id := usage.Identity{Name: "user000123", Key: "user000123", Features: []string{"XDT_PLT_UD"}, Via: []string{"ddc01"},
		FirstSeen: first, LastSeen: first.Add(time.Hour)}
	ij := newRecordWriter()
	buf := make([]byte, 0, 512)
	for _, name := range []string{"user000123", "Zoë.Müller"} {
		id.Name = name
		if n := testing.AllocsPerRun(100, func() { buf = appendRecord(ij, buf[:0], id, false, nil) }); n != 0 {
			t.Errorf("%s: %v allocations a record, want 0", name, n)
		}
	}
}

// TestBuildOnDemandEqualsHeld: the payload of a snapshot whose report
// makes its identities on demand (what payload build loads) is the
// payload of one that holds them, byte for byte, plain and scrambled.
func TestBuildOnDemandEqualsHeld(t *testing.T) {
	for _, scrambled := range []bool{false, true} {
		t.Run(fmt.Sprintf("scrambled=%v", scrambled), func(t *testing.T) {
			root := copyFixture(t)
			var key *scramble.Key
			if scrambled {
				setScramble(t, root, true)
				var err error
				if key, _, err = scramble.EnsureKey(filepath.Join(root, "WebServicesForLicensing"), fixtureNow); err != nil {
					t.Fatal(err)
				}
			}
			udadmin, _ := filepath.Abs("testdata/udadmin.txt")
			var sums []string
			// Held first: its build writes the server id the second load reads.
			for _, onDemand := range []bool{false, true} {
				s, err := model.Load(context.Background(), model.Options{
					Root: root, Now: fixtureNow, Location: time.UTC, UdadminFile: udadmin, NoExec: true,
					IdentitiesOnDemand: onDemand,
				})
				if err != nil {
					t.Fatal(err)
				}
				if n := s.Usage.IdentityCount(); n < 5 || (s.Usage.Identities == nil) != onDemand {
					t.Fatalf("on demand %v: %d identities, %d held", onDemand, n, len(s.Usage.Identities))
				}
				b, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow, Key: key,
					Out: filepath.Join(t.TempDir(), "p.zip")})
				if err != nil {
					t.Fatal(err)
				}
				sums = append(sums, b.SHA256)
			}
			if sums[0] != sums[1] {
				t.Errorf("held %s, on demand %s", sums[0], sums[1])
			}
		})
	}
}

// appendRecord is usageStream.identity's call: a pseudonym when scrambled.
func appendRecord(w *model.IdentityJSON, dst []byte, id usage.Identity, scrambled bool, name []byte) []byte {
	if scrambled {
		return w.AppendAs(dst, id, name)
	}
	return w.Append(dst, id)
}
