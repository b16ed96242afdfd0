package payload

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func utf16LE(t testing.TB, s string) []byte {
	t.Helper()
	out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The ugly corners of the documents: a UTF-16 report with a BOM and CRLF,
// odd casing, an events file of one JSON object a line, a JSON array of
// events, a document that does not parse whole, and one that nests too
// deep. None of them makes the bundle rejected.
func TestCitrixDocumentCorners(t *testing.T) {
	report := "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<Report xmlns=\"urn:x\">\r\n <hardwareID>HW-1</hardwareID>\r\n <FQDN>lic.example</FQDN>\r\n" +
		" <Inventory><Feature><ID>MPS_ENT_CCU</ID><SADate id=\"2024.0101\"><CountUsedMax>7</CountUsedMax>" +
		"<Licensees><Users><U><Name>CORP\\jdoe</Name></U></Users></Licensees></SADate></Feature></Inventory>\r\n</Report>\r\n"
	ndjson := `{"ver":"1","id":"a","type":"t","st":"s","prod":"OnPrem.Broker","user":{"samName":"amy"}}` + "\n" +
		`{"ver":"1","id":"b","type":"t","st":"s","prod":"OnPrem.Broker","dvc":{"dvcName":"KIOSK-1"}}` + "\n"
	array := `[{"ver":"1","id":"c","type":"t","st":"s","user":{"upn":"bob@corp.example"}}]`
	deep := strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40)
	rep := inspectBytes(zipOf(t, []zfile{
		{name: "r.bin", data: utf16LE(t, report)},
		{name: "events.log", data: []byte(ndjson)},
		{name: "more.json", data: []byte(array)},
		{name: "broken.xml", data: []byte("<Manifest><TotalFiles>2</TotalFiles><File><Name>x")},
		{name: "deep.xml", data: []byte(deep)},
	}), DefaultLimits)
	if rep.State != StateRead || rep.Format != FormatCitrix {
		t.Fatalf("%s %q", rep.Verdict(), rep.Problems)
	}
	c := rep.Citrix
	if c.Server.HardwareID != "HW-1" || c.Server.FQDN != "lic.example" || len(c.Features) != 1 || c.Features[0].Samples[0].CountUsedMax != "7" {
		t.Errorf("UTF-16 report: %+v %+v", c.Server, c.Features)
	}
	names := map[string]string{}
	for _, id := range c.Identities {
		names[id.Name] = id.Kind
	}
	for name, kind := range map[string]string{`CORP\jdoe`: "user", "amy": "user", "KIOSK-1": "device", "bob@corp.example": "user"} {
		if names[name] != kind {
			t.Errorf("identity %s: %q, want %s (all: %v)", name, names[name], kind, names)
		}
	}
	if c.Events != 3 {
		t.Errorf("%d events, want 3", c.Events)
	}
	errs := 0
	for _, d := range c.Documents {
		if d.Error != "" {
			errs++
		}
	}
	if errs != 2 {
		t.Errorf("%d documents with an error, want the broken and the deep one: %+v", errs, c.Documents)
	}
}

// A document's text may not reach the verdict unescaped: it is quoted or
// sanitized by every surface, but the summary keeps the bytes as found.
func TestCitrixSummaryKeepsBytes(t *testing.T) {
	rep := inspectBytes(zipOf(t, []zfile{{name: "r.xml", data: []byte("<R><HardwareId>H</HardwareId><FQDN>a\x1b[31mb</FQDN></R>")}}), DefaultLimits)
	// ESC is not allowed in XML 1.0: the document does not parse, and the
	// bundle is still read.
	if rep.State != StateRead {
		t.Fatalf("%s", rep.Verdict())
	}
}

func FuzzCitrixDocuments(f *testing.F) {
	for _, data := range citrixFixtures(f) {
		f.Add(data)
	}
	f.Add([]byte("<a><b>x</b></a>"))
	f.Add([]byte(`{"ver":1,"id":2,"type":3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// As an entry of a bundle, and as the bundle itself.
		rep := inspectBytes(zipOf(t, []zfile{{name: "doc", data: data}, {name: "r.xml", data: []byte("<R><HardwareId>H</HardwareId></R>")}}), DefaultLimits)
		if rep.State == StateRejected && !strings.Contains(strings.Join(rep.Problems, ";"), "nested zip") {
			t.Errorf("a document's content rejected the bundle: %q", rep.Problems)
		}
		_ = inspectBytes(data, DefaultLimits)
		_ = PrettyDocument(data)
		if n, err := parseXML(data); err == nil {
			TreeLines(n)
		}
		parseJSON(bytes.Clone(data))
	})
}
