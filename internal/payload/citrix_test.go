package payload

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestCitrixBundlesAreRead(t *testing.T) {
	fx := citrixFixtures(t)
	for _, tc := range []struct {
		name            string
		plain, scramble int
		shapes          string
		events          int
		nested          int
	}{
		{"plain", 4, 0, "LicenseServer.OnPremUsage 1.0", 0, 0},
		{"scrambled", 0, 4, "LicenseServer.OnPremUsage 1.0", 0, 0},
		{"compliance20", 4, 0, "LicenseServerCompliance 2.0", 0, 0},
		{"nested", 6, 0, "LicenseServer.OnPremUsage 1.0", 2, 1},
		{"extra", 0, 4, "LicenseServer.OnPremUsage 1.0", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := inspectBytes(fx[tc.name], DefaultLimits)
			if rep.State != StateRead || rep.Format != FormatCitrix || rep.Citrix == nil || rep.OK {
				t.Fatalf("state %s format %s ok %v: %s %q", rep.State, rep.Format, rep.OK, rep.Verdict(), rep.Problems)
			}
			c := rep.Citrix
			if !strings.HasPrefix(rep.Verdict(), "CITRIX: call-home bundle of ctxlic01.corp.example") {
				t.Errorf("verdict %q", rep.Verdict())
			}
			if strings.Join(c.Shapes, ",") != tc.shapes {
				t.Errorf("shapes %q, want %q", c.Shapes, tc.shapes)
			}
			if c.Server.GUID != "6f1c2a9e-4b7d-4e21-9a0b-3c5d7e9f1a2b" || c.Server.HardwareID != "HWID-00155D0A1B2C" ||
				c.Server.Version != "11.16.6.0. build 35000" || c.Server.InstallUTC != "2024-06-29T09:00:00Z" {
				t.Errorf("server %+v", c.Server)
			}
			if !strings.Contains(c.Server.Grace, "up to 15 days") || !strings.Contains(c.Server.Grace, "clock OK") {
				t.Errorf("grace %q", c.Server.Grace)
			}
			if c.UploadType != "Auto" || c.UTCDate != "2026-11-20T02:30:00Z" {
				t.Errorf("upload %q at %q", c.UploadType, c.UTCDate)
			}
			if len(c.Serials) != 1 || c.Serials[0].SADate != "2025.0630" || c.Serials[0].SN != "LA-0012345678-12345" {
				t.Errorf("serials %+v", c.Serials)
			}
			if len(c.Features) != 1 || len(c.Features[0].Samples) != 1 {
				t.Fatalf("features %+v", c.Features)
			}
			s := c.Features[0].Samples[0]
			if c.Features[0].ID != "XDT_PLT_UD" || s.SADate != "2025.0630" || s.CountUsedMax != "3" || s.CountInstalled != "500" ||
				s.Active != "3" || s.Users != 3 || s.Devices != 1 || s.Licensees != "4" {
				t.Errorf("sample %+v", s)
			}
			if c.Plain != tc.plain || c.Scrambled != tc.scramble {
				t.Errorf("%d plain, %d scrambled: %+v", c.Plain, c.Scrambled, c.Identities)
			}
			if c.Events != tc.events || len(c.Nested) != tc.nested {
				t.Errorf("%d events, %d nested", c.Events, len(c.Nested))
			}
			for _, f := range c.Files {
				want := UIMatches
				if tc.name == "compliance20" {
					want = UISchemeUnknown // the report's own UI cannot be its file's hash
				}
				if f.Check != want {
					t.Errorf("file %s: UI %s, want %s", f.Name, f.Check, want)
				}
			}
			if tc.name != "compliance20" && len(c.Files) < 1 {
				t.Errorf("no manifest files")
			}
			for _, e := range rep.Entries {
				if e.Check != CheckRead {
					t.Errorf("entry %s check %s", e.Name, e.Check)
				}
			}
			if _, err := json.Marshal(rep); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCitrixUnknownElementsAreKeptRaw(t *testing.T) {
	rep := inspectBytes(citrixFixtures(t)["extra"], DefaultLimits)
	var raw, labelled int
	for _, d := range rep.Citrix.Documents {
		walk(d.Tree, func(n *Node) {
			switch n.Name {
			case "OverdraftHint":
				if n.Label == "" && n.Attr("kind") == "experimental" {
					raw++
				}
			case "CountUsedMax":
				if n.Label != "" {
					labelled++
				}
			}
		})
	}
	if raw == 0 || labelled == 0 {
		t.Errorf("unknown element raw %d times, documented one labelled %d times", raw, labelled)
	}
	if i := entryIndex(rep.Entries, "diagnostics/notes.txt"); i < 0 || rep.Entries[i].Check != CheckRead {
		t.Errorf("the unexpected entry is not listed as read: %+v", rep.Entries)
	}
}

func TestIdentityForm(t *testing.T) {
	for name, want := range map[string]string{
		"R4nEvhlzbm3V+DSi/zTdiw==": FormSHA256Base64, "4789C4BE19736E6D": FormHex16, "jsmith": FormPlain,
		"CORP\\jsmith": FormPlain, "R4nEvhlzbm3V+DSi/zTdiw=": FormPlain, "4789C4BE19736E6G": FormPlain,
		"abcdefghijklmnopqrstuvwx": FormPlain, // 24 characters that decode to 18 bytes
	} {
		if got := IdentityForm(name); got != want {
			t.Errorf("IdentityForm(%q) = %s, want %s", name, got, want)
		}
	}
}

// nestedBundle is a Citrix bundle whose inner zip is inner.
func nestedBundle(t *testing.T, inner []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range map[string][]byte{"report.xml": []byte("<R><HardwareId>H</HardwareId><FQDN>x.example</FQDN></R>"), "ue_lt_1.zip": inner} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	return buf.Bytes()
}

func TestNestedZipsAreHostileToo(t *testing.T) {
	bad := zipOf(t, []zfile{{name: "../escape.json", data: []byte(`{"ver":"1"}`)}})
	rep := inspectBytes(nestedBundle(t, bad), DefaultLimits)
	if rep.State != StateRejected || !strings.Contains(rep.Verdict(), `nested zip "ue_lt_1.zip": entry "../escape.json"`) {
		t.Errorf("nested hostile zip: %s", rep.Verdict())
	}

	// A zip inside the nested zip is listed, never opened.
	deep := nestedBundle(t, zipOf(t, []zfile{{name: "deeper.zip", data: zipOf(t, []zfile{{name: "../x", data: []byte("x")}})}}))
	rep = inspectBytes(deep, DefaultLimits)
	if rep.State != StateRead || rep.Citrix == nil || !strings.Contains(strings.Join(rep.Citrix.Notes, ";"), "deeper than 2") {
		t.Errorf("depth cap: %s %v", rep.Verdict(), rep.Citrix)
	}

	// One entry budget for the bundle and its nested zips.
	var many []zfile
	for i := 0; i < 30; i++ {
		many = append(many, zfile{name: strings.Repeat("a", i+1), data: []byte("x")})
	}
	lim := DefaultLimits
	lim.MaxEntries = 20
	rep = inspectBytes(nestedBundle(t, zipOf(t, many)), lim)
	if rep.State != StateRejected || !strings.Contains(rep.Verdict(), "nested zip") {
		t.Errorf("shared entry budget: %s", rep.Verdict())
	}
	// The byte budget too.
	lim = DefaultLimits
	lim.MaxTotal = 4000
	rep = inspectBytes(nestedBundle(t, zipOf(t, []zfile{{name: "big.json", data: bytes.Repeat([]byte(" "), 3900)}})), lim)
	if rep.State != StateRejected {
		t.Errorf("shared byte budget: %s", rep.Verdict())
	}
}

func TestUnknownZip(t *testing.T) {
	rep := inspectBytes(zipOf(t, []zfile{{name: "readme.txt", data: []byte("hello")}}), DefaultLimits)
	if rep.State != StateRead || rep.Format != FormatUnknown || !strings.HasPrefix(rep.Verdict(), "UNKNOWN: ") || rep.Citrix != nil {
		t.Errorf("%s %s %s", rep.State, rep.Format, rep.Verdict())
	}
}
