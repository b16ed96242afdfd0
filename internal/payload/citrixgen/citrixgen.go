// Package citrixgen builds zips in the shape of Citrix's own call-home
// bundles (LS/resource/usage/upload_<unix>.zip) from the data elements
// Citrix documents (DOMAIN.md §6), filled with invented values. Tests and
// the demo server use it; no real bundle is committed.
//
// What Citrix does not document is invented here and marked as such: the
// inner file names, the element that wraps each document, and the children
// of Users and Devices. The reader must not depend on any of it, which is
// why the tests vary them.
package citrixgen

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// Bundle is one call-home upload.
type Bundle struct {
	// Compliance20 builds the older single-document shape: one
	// LicenseServerCompliance 2.0 report with its UI hash, no manifest.
	Compliance20 bool
	// JSONManifest writes the bundle manifest as JSON instead of XML.
	JSONManifest bool
	// Extra adds elements and an entry Citrix does not document, which a
	// reader must show raw and never reject for.
	Extra bool

	At                time.Time // the upload's time
	GUID, HardwareID  string
	FQDN, Version     string
	InstallUTC        time.Time
	SGPClockErrorCode int
	SGPMaxDays        int
	UploadType        string // Auto or Manual
	Ccid, OrgID       string
	Serials           []Serial
	Features          []Feature
	// Events go in a nested ue_lt_<unix>.zip (1.0 shape only).
	Events []Event
	// ManifestName, ReportName name the inner files; "" takes invented
	// defaults (Citrix does not document them).
	ManifestName, ReportName string
}

// Serial is one SerialNumbers/Serial.
type Serial struct{ ID, SADate, SN string }

// Feature is one Inventory/Feature with its per-CSS-date samples.
type Feature struct {
	ID      string
	Samples []Sample
}

// Sample is one SADate element.
type Sample struct {
	SADate         string // YYYY.MMDD
	CountUsedMax   int
	CountInstalled int
	Active         int
	Users          []string // as uploaded: plain or already scrambled
	Devices        []string
}

// Event is one JSON product event.
type Event struct {
	Type, Prod, ProdVer string
	At                  time.Time
	User                string // samName, as uploaded
	UPN                 string
	Device              string // dvcName, as uploaded
}

// Zip returns the bundle's bytes.
func (b Bundle) Zip() ([]byte, error) {
	if b.At.IsZero() {
		return nil, fmt.Errorf("citrixgen: no upload time")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: b.At.UTC()})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	report := b.report()
	reportName := or(b.ReportName, fmt.Sprintf("LicenseServerReport_%d.xml", b.At.Unix()))
	if b.Compliance20 {
		if err := add(reportName, report); err != nil {
			return nil, err
		}
	} else {
		type inner struct {
			name       string
			data       []byte
			start, end time.Time
		}
		files := []inner{{reportName, report, b.At.Add(-24 * time.Hour), b.At}}
		if len(b.Events) > 0 {
			nested, err := b.eventZip()
			if err != nil {
				return nil, err
			}
			files = append(files, inner{fmt.Sprintf("ue_lt_%d.zip", b.At.Unix()), nested, b.Events[0].At, b.Events[len(b.Events)-1].At})
		}
		if b.Extra {
			files = append(files, inner{"diagnostics/notes.txt", []byte("collected by the call-home agent\r\n"), b.At, b.At})
		}
		var entries []manifestFile
		for _, f := range files {
			if err := add(f.name, f.data); err != nil {
				return nil, err
			}
			entries = append(entries, manifestFile{Name: f.name, UI: sha(f.data), Start: f.start.UnixMilli(), End: f.end.UnixMilli()})
		}
		if err := add(or(b.ManifestName, "BundleManifest.xml"), b.manifest(entries)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

type manifestFile struct {
	Name       string
	UI         string
	Start, End int64
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (b Bundle) manifest(files []manifestFile) []byte {
	if b.JSONManifest {
		type file struct {
			Name         string `json:"Name"`
			UI           string `json:"UI"`
			EventStartTS int64  `json:"EventStartTS"`
			EventEndTS   int64  `json:"EventEndTS"`
			OfferingType struct {
				Name string `json:"Name"`
			} `json:"OfferingType"`
		}
		m := map[string]any{
			"UTCDate": b.At.UTC().Format(time.RFC3339), "Date": b.At.Format("2006-01-02T15:04:05-07:00"),
			"Product": "LicenseServer.OnPremUsage", "ProductVersion": "1.0",
			"ProductDeployUTCDate": b.InstallUTC.UTC().Format(time.RFC3339), "GUID": b.GUID,
			"UploadType": or(b.UploadType, "Auto"), "Ccid": b.Ccid, "OrgID": b.OrgID, "TotalFiles": len(files),
		}
		var serials []map[string]string
		for _, s := range b.Serials {
			serials = append(serials, map[string]string{"ID": s.ID, "SADate": s.SADate, "SN": s.SN})
		}
		m["SerialNumbers"] = map[string]any{"Serial": serials}
		var fs []file
		for _, f := range files {
			x := file{Name: f.Name, UI: f.UI, EventStartTS: f.Start, EventEndTS: f.End}
			x.OfferingType.Name = "OnPrem"
			fs = append(fs, x)
		}
		m["File"] = fs
		m["FilesUI"] = sha([]byte(fmt.Sprint(files)))
		m["ManifestUI"] = sha([]byte(b.GUID + b.At.String()))
		data, _ := json.MarshalIndent(m, "", "  ")
		return data
	}
	var w strings.Builder
	w.WriteString("\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<BundleManifest>\r\n")
	el := func(indent, name, value string) { fmt.Fprintf(&w, "%s<%s>%s</%s>\r\n", indent, name, esc(value), name) }
	el("  ", "UTCDate", b.At.UTC().Format(time.RFC3339))
	el("  ", "Date", b.At.Format("2006-01-02T15:04:05-07:00"))
	el("  ", "Product", "LicenseServer.OnPremUsage")
	el("  ", "ProductVersion", "1.0")
	el("  ", "ProductDeployUTCDate", b.InstallUTC.UTC().Format(time.RFC3339))
	el("  ", "GUID", b.GUID)
	el("  ", "UploadType", or(b.UploadType, "Auto"))
	el("  ", "Ccid", b.Ccid)
	el("  ", "OrgID", b.OrgID)
	el("  ", "TotalFiles", fmt.Sprint(len(files)))
	w.WriteString("  <SerialNumbers>\r\n")
	for _, s := range b.Serials {
		w.WriteString("    <Serial>\r\n")
		el("      ", "ID", s.ID)
		el("      ", "SADate", s.SADate)
		el("      ", "SN", s.SN)
		w.WriteString("    </Serial>\r\n")
	}
	w.WriteString("  </SerialNumbers>\r\n")
	for _, f := range files {
		w.WriteString("  <File>\r\n")
		el("    ", "Name", f.Name)
		el("    ", "UI", f.UI)
		el("    ", "EventStartTS", fmt.Sprint(f.Start))
		el("    ", "EventEndTS", fmt.Sprint(f.End))
		w.WriteString("    <OfferingType>\r\n")
		el("      ", "Name", "OnPrem")
		w.WriteString("    </OfferingType>\r\n  </File>\r\n")
	}
	if b.Extra {
		w.WriteString("  <TelemetryChannel region=\"eu\"><Endpoint>https://telemetry.example.invalid/</Endpoint></TelemetryChannel>\r\n")
	}
	el("  ", "FilesUI", sha([]byte(fmt.Sprint(files))))
	el("  ", "ManifestUI", sha([]byte(b.GUID+b.At.String())))
	w.WriteString("</BundleManifest>\r\n")
	return []byte(w.String())
}

func (b Bundle) report() []byte {
	var w strings.Builder
	el := func(indent, name, value string) { fmt.Fprintf(&w, "%s<%s>%s</%s>\n", indent, name, esc(value), name) }
	w.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<LicenseServerReport>\n")
	if b.Compliance20 {
		el("  ", "Product", "LicenseServerCompliance")
		el("  ", "Version", "2.0")
		el("  ", "UTCDate", b.At.UTC().Format(time.RFC3339))
		el("  ", "UploadType", or(b.UploadType, "Auto"))
	}
	el("  ", "GUID", b.GUID)
	el("  ", "HardwareId", b.HardwareID)
	el("  ", "FQDN", b.FQDN)
	el("  ", "InstallUTC", b.InstallUTC.UTC().Format(time.RFC3339))
	el("  ", "ProductVersion", b.Version)
	el("  ", "SGPClockErrorCode", fmt.Sprint(b.SGPClockErrorCode))
	el("  ", "SGPMaxDays", fmt.Sprint(b.SGPMaxDays))
	if b.Compliance20 {
		w.WriteString("  <SerialNumbers>\n")
		for _, s := range b.Serials {
			fmt.Fprintf(&w, "    <Serial><ID>%s</ID><SADate>%s</SADate><SN>%s</SN></Serial>\n", esc(s.ID), esc(s.SADate), esc(s.SN))
		}
		w.WriteString("  </SerialNumbers>\n")
	}
	w.WriteString("  <Inventory>\n")
	for _, f := range b.Features {
		w.WriteString("    <Feature>\n")
		el("      ", "ID", f.ID)
		el("      ", "UDBinFileCreatedUTC", b.InstallUTC.UTC().Format(time.RFC3339))
		el("      ", "UDReportGenerationUTC", b.At.UTC().Format(time.RFC3339))
		el("      ", "UDAdminUsersReleased", "0")
		el("      ", "UDAdminDevicesReleased", "0")
		for _, s := range f.Samples {
			fmt.Fprintf(&w, "      <SADate id=\"%s\">\n", esc(s.SADate))
			el("        ", "DateSampleStartUTC", b.At.Add(-24*time.Hour).UTC().Format(time.RFC3339))
			el("        ", "DateSampleStopUTC", b.At.UTC().Format(time.RFC3339))
			el("        ", "CountUsedMax", fmt.Sprint(s.CountUsedMax))
			w.WriteString("        <CCUDevices>\n")
			for _, d := range s.Devices {
				el("          ", "DevId", d)
			}
			w.WriteString("        </CCUDevices>\n")
			el("        ", "Active", fmt.Sprint(s.Active))
			el("        ", "CountInstalled", fmt.Sprint(s.CountInstalled))
			w.WriteString("        <Licensees>\n")
			el("          ", "CountTotal", fmt.Sprint(len(s.Users)+len(s.Devices)))
			w.WriteString("          <Users>\n") // children undocumented: invented
			for _, u := range s.Users {
				el("            ", "User", u)
			}
			w.WriteString("          </Users>\n          <Devices>\n")
			for _, d := range s.Devices {
				el("            ", "Device", d)
			}
			w.WriteString("          </Devices>\n        </Licensees>\n")
			el("        ", "Pool", "Default")
			if b.Extra {
				w.WriteString("        <OverdraftHint kind=\"experimental\">3</OverdraftHint>\n")
			}
			w.WriteString("      </SADate>\n")
		}
		w.WriteString("    </Feature>\n")
	}
	w.WriteString("  </Inventory>\n")
	if b.Compliance20 {
		el("  ", "UI", sha([]byte(b.GUID+b.HardwareID)))
	}
	w.WriteString("</LicenseServerReport>\n")
	return []byte(w.String())
}

func (b Bundle) eventZip() ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, e := range b.Events {
		ev := map[string]any{
			"ver": "1.0", "id": fmt.Sprintf("%08x-0000-4000-8000-%012d", b.At.Unix(), i), "type": or(e.Type, "session.logon"),
			"st": e.At.UTC().Format(time.RFC3339), "prod": or(e.Prod, "OnPrem.Broker"), "prodVer": or(e.ProdVer, "2411"),
			"user": map[string]string{"samName": e.User, "upn": e.UPN, "fullName": "", "userLicenseId": "", "userSid": fmt.Sprintf("S-1-5-21-1000-%d", 1100+i)},
			"dvc":  map[string]string{"dvcName": e.Device, "dvcId": fmt.Sprintf("dev-%04d", i)},
		}
		data, _ := json.Marshal(ev)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("events/%04d.json", i), Method: zip.Deflate, Modified: b.At.UTC()})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
