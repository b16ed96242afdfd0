package payload

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// incompressible is n letters that deflate badly enough to pass the ratio
// cap, so that the value itself is what is refused.
func incompressible(n int) string {
	r := rand.New(rand.NewPCG(14, 3))
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(r.IntN(26))
	}
	return string(b)
}

func digits(n int) string {
	r := rand.New(rand.NewPCG(14, 4))
	b := make([]byte, n)
	for i := range b {
		b[i] = '0' + byte(r.IntN(10))
	}
	return string(b)
}

// The second round's content cases (issue 14, items 3 and 9): one JSON
// value the size of the entry, and a "scrambled" payload whose identities
// carry plain names outside name.

// withUsage replaces usage.json (files[2]) and recomputes the manifest.
func withUsage(scrambled bool, usage string) func([]zfile, *Manifest) []zfile {
	return func(files []zfile, m *Manifest) []zfile {
		files[2].data = []byte(usage)
		*m = manifestFor(files, scrambled)
		return files
	}
}

// usageWith is a usage.json whose identities are the given JSON objects.
func usageWith(identities ...string) string {
	return `{"month":"2026-11","timezone":"UTC","features":[{"feature":"XDT_PLT_UD","users":2,"devices":0}],` +
		`"editions":[],"days":[],"denied":0,"undated_lines":0,"identities":[` + strings.Join(identities, ",") + "]}\n"
}

const pseudo = "7kz2m4q5x6a7b2c3d4e5f6g7h2"

func identity(fields string) string {
	return `{` + fields + `}`
}

const goodFields = `"kind":"user","features":["XDT_PLT_UD"],"first_seen":"2026-11-02T08:00:00Z","last_seen":"2026-11-02T09:00:00Z"`

func TestHostileContent(t *testing.T) {
	big := incompressible(1 << 20)
	tests := []struct {
		name string
		zip  []byte
		want string
	}{
		// Item 3: no scalar over 64 KiB is buffered.
		{"1 MiB string in usage.json", payloadZip(t, false, withUsage(false, `{"x":"`+big+`"}`)), "usage.json: x: a JSON value over 64 KiB"},
		{"1 MiB number in inventory.json", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files[1].data = []byte(`{"licenses":[` + "1" + digits(1<<20) + `]}`)
			*m = manifestFor(files, false)
			return files
		}), "inventory.json: licenses: a JSON value over 64 KiB"},
		{"1 MiB name in usage.json", payloadZip(t, false, withUsage(false, usageWith(identity(`"name":"`+big+`",`+goodFields)))), "a JSON value over 64 KiB"},
		{"1 MiB value in the manifest", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			m.Server.Version = big
			return files
		}), "manifest.json does not parse: a JSON value over 64 KiB"},

		{"identities twice", payloadZip(t, false, withUsage(false, strings.Replace(usageWith(identity(`"name":"a@corp.example",`+goodFields)),
			`"identities":[`, `"identities":[],"identities":[`, 1))), `usage.json: identities: "identities" appears twice`},
		{"licenses twice", payloadZip(t, false, func(files []zfile, m *Manifest) []zfile {
			files[1].data = []byte(`{"licenses":[{}],"licenses":[{},{}]}`)
			*m = manifestFor(files, false)
			return files
		}), `"licenses" appears twice`},

		// Item 9: "scrambled" is judged on every identity field.
		{"no name", payloadZip(t, true, withUsage(true, usageWith(identity(goodFields)))), "1 identities in usage.json have no name"},
		{"unknown field", payloadZip(t, true, withUsage(true, usageWith(identity(`"name":"`+pseudo+`","email":"alice@corp.example",`+goodFields)))),
			"1 identities in usage.json carry fields other than name"},
		{"name twice", payloadZip(t, true, withUsage(true, usageWith(identity(`"name":"`+pseudo+`","name":"alice@corp.example",`+goodFields)))),
			"1 identities in usage.json look like plain names"},
		{"plain name in kind", payloadZip(t, true, withUsage(true, usageWith(identity(`"name":"`+pseudo+`","kind":"alice@corp.example","features":[],"first_seen":"2026-11-02T08:00:00Z","last_seen":"2026-11-02T09:00:00Z"`)))),
			"carry something other than lsui writes in kind"},
		{"plain name in first_seen", payloadZip(t, true, withUsage(true, usageWith(identity(`"name":"`+pseudo+`","kind":"user","features":[],"first_seen":"CORP\\alice","last_seen":"2026-11-02T09:00:00Z"`)))),
			"in first_seen"},
		{"plain name in features", payloadZip(t, true, withUsage(true, usageWith(identity(`"name":"`+pseudo+`","kind":"user","features":["alice@corp.example"],"first_seen":"2026-11-02T08:00:00Z","last_seen":"2026-11-02T09:00:00Z"`)))),
			"in features"},
		{"a user's name in via", payloadZip(t, true, withUsage(true, usageWith(identity(`"name":"`+pseudo+`",`+goodFields+`,"via":["CORP\\alice"]`)))),
			"in via"},
		{"name shaped like a feature", payloadZip(t, true, withUsage(true, usageWith(identity(`"name":"`+pseudo+`","kind":"user","features":["alice"],"first_seen":"2026-11-02T08:00:00Z","last_seen":"2026-11-02T09:00:00Z"`)))),
			"name features its features list does not"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := inspectBytes(tc.zip, DefaultLimits)
			t.Log(rep.Verdict())
			if rep.OK {
				t.Fatalf("accepted: %s", rep.Verdict())
			}
			joined := strings.Join(rep.Problems, "\n")
			if !strings.Contains(joined, tc.want) {
				t.Errorf("no problem mentions %q; got %q", tc.want, rep.Problems)
			}
			if strings.Contains(joined, "alice") {
				t.Errorf("a problem quotes the plain name: %q", rep.Problems)
			}
		})
	}
}

// TestContentThatStaysAccepted: values under the cap, and the same extra
// fields when the payload is not scrambled, are fine.
func TestContentThatStaysAccepted(t *testing.T) {
	for name, zip := range map[string][]byte{
		"60 KiB value":               payloadZip(t, false, withUsage(false, usageWith(identity(`"name":"`+strings.Repeat("b", 60<<10)+`",`+goodFields)))),
		"plain, with an extra field": payloadZip(t, false, withUsage(false, usageWith(identity(`"name":"alice@corp.example","email":"alice@corp.example",`+goodFields)))),
		"scrambled, two identities": payloadZip(t, true, withUsage(true, usageWith(
			identity(`"name":"`+pseudo+`",`+goodFields), identity(`"name":"abcdefghijklmnopqrstuvwxyz","kind":"device","features":[],"first_seen":"2026-11-02T08:00:00+01:00","last_seen":"2026-11-02T09:00:00Z"`)))),
	} {
		if rep := inspectBytes(zip, DefaultLimits); !rep.OK {
			t.Errorf("%s: %s", name, rep.Verdict())
		} else if name == "scrambled, two identities" && fmt.Sprint(rep.Summary.Identities) != "2" {
			t.Errorf("%s: %+v", name, rep.Summary)
		}
	}
}
