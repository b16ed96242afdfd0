package payload

import (
	"testing"
	"time"

	"github.com/lsui/lsui/internal/payload/citrixgen"
	"github.com/lsui/lsui/internal/scramble"
)

// The Citrix-format fixtures: generated from the documented elements with
// invented values, never committed as zips.

var citrixAt = time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)

var citrixNames = []string{"jsmith", "mlopez", "kpatel"}

func citrixBundle(scrambled bool) citrixgen.Bundle {
	users, devices := citrixNames, []string{"CLIENT-0042"}
	if scrambled {
		users = nil
		for _, n := range citrixNames {
			users = append(users, scramble.CitrixBase64(n))
		}
		devices = []string{scramble.CitrixHex16("CLIENT-0042")}
	}
	return citrixgen.Bundle{
		At: citrixAt, GUID: "6f1c2a9e-4b7d-4e21-9a0b-3c5d7e9f1a2b", HardwareID: "HWID-00155D0A1B2C",
		FQDN: "ctxlic01.corp.example", Version: "11.16.6.0. build 35000", InstallUTC: time.Date(2024, 6, 29, 9, 0, 0, 0, time.UTC),
		SGPClockErrorCode: 0, SGPMaxDays: 15, UploadType: "Auto", Ccid: "ccid-example", OrgID: "org-example",
		Serials: []citrixgen.Serial{{ID: "1", SADate: "2025.0630", SN: "LA-0012345678-12345"}},
		Features: []citrixgen.Feature{{ID: "XDT_PLT_UD", Samples: []citrixgen.Sample{
			{SADate: "2025.0630", CountUsedMax: 3, CountInstalled: 500, Active: 3, Users: users, Devices: devices}}}},
	}
}

// citrixFixtures are the five shapes: plain, scrambled, the older
// LicenseServerCompliance 2.0 document, one with a nested ue_lt event zip,
// and one with elements and an entry Citrix does not document.
func citrixFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	plain := citrixBundle(false)
	scrambled := citrixBundle(true)
	old := citrixBundle(false)
	old.Compliance20 = true
	nested := citrixBundle(false)
	nested.Events = []citrixgen.Event{
		{At: citrixAt.Add(-3 * time.Hour), User: "jsmith", UPN: "jsmith@corp.example", Device: "CLIENT-0042"},
		{At: citrixAt.Add(-2 * time.Hour), User: "mlopez", Device: "CLIENT-0043"},
	}
	extra := citrixBundle(true)
	extra.Extra, extra.JSONManifest, extra.ManifestName, extra.ReportName = true, true, "m.json", "r.dat"
	out := map[string][]byte{}
	for name, b := range map[string]citrixgen.Bundle{"plain": plain, "scrambled": scrambled, "compliance20": old, "nested": nested, "extra": extra} {
		data, err := b.Zip()
		if err != nil {
			t.Fatal(err)
		}
		out[name] = data
	}
	return out
}
