package demo

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
	"time"
)

// licDate is a calendar date as a licence file writes it. The templates pick
// the spelling, so that one demo root shows every month case FlexNet accepts
// (DOMAIN.md §2: 30-Dec-2029, 01-JAN-2026, 15-mar-2027).
type licDate struct{ t time.Time }

func (d licDate) Lower() string { return strings.ToLower(d.t.Format("02-Jan-2006")) }
func (d licDate) Upper() string { return strings.ToUpper(d.t.Format("02-Jan-2006")) }
func (d licDate) Title() string { return d.t.Format("02-Jan-2006") }

// Version is the YYYY.MMDD form Citrix uses for the CSS date in the version field.
func (d licDate) Version() string { return d.t.Format("2006.0102") }

// licenceTerms are the dates of one purchase.
type licenceTerms struct {
	Issued, Start licDate
	CSS           licDate // Subscription Advantage / CSS date, the version field
	Expires       licDate // unused for permanent lines
}

// licenceDates feeds the templates under files/MyFiles. Every date is an
// offset from the demo clock so that the warnings the demo exists to show
// (CSS renewal, expiring and expired lines) are always due.
type licenceDates struct {
	Startup licDate
	Retail  licenceTerms // XDT_PLT_UD + XDS_PLT_UD, permanent
	MPS     licenceTerms // MPS_ENT_CCU, permanent, CSS soon
	Eval    licenceTerms // XDT_ADV_UD, expired
	RetailS licenceTerms // CXS_STD_CCS, expiring soon
	CSP     licenceTerms // XDT_PLT_UD, LT=CSP
	NFR     licenceTerms // the lab file with the malformed line
}

func newLicenceDates(today time.Time) licenceDates {
	day := func(days int) licDate { return licDate{today.AddDate(0, 0, days)} }
	months := func(n int) licDate { return licDate{today.AddDate(0, n, 0)} }
	return licenceDates{
		Startup: day(-702),
		Retail: licenceTerms{
			Issued: day(-153), Start: day(-154),
			CSS: months(7),
		},
		MPS: licenceTerms{
			Issued: day(-345), Start: day(-346),
			CSS: day(20),
		},
		Eval: licenceTerms{
			Issued: day(-104), Start: day(-104),
			CSS: day(-14), Expires: day(-14),
		},
		RetailS: licenceTerms{
			Issued: day(-347), Start: day(-347),
			CSS: day(18), Expires: day(18),
		},
		CSP: licenceTerms{
			Issued: day(-30), Start: day(-30),
			CSS: months(11), Expires: months(11),
		},
		NFR: licenceTerms{
			Issued: day(-61), Start: day(-61),
			CSS: months(10), Expires: day(200),
		},
	}
}

// crlfWithBOM names the licence files written with Windows line endings and
// a UTF-8 BOM, as a file saved by Notepad arrives. The embedded templates
// stay LF so that no git or editor setting can change what the demo writes.
var crlfWithBOM = map[string]bool{"nfr_lab.lic": true}

// staticFile is one file of the demo root: its path relative to the root,
// with forward slashes, and its content.
type staticFile struct {
	rel  string
	data []byte
}

// renderStaticFiles expands the embedded tree under files/: *.tmpl files
// through text/template with the licence dates, everything else as it is.
// fs.WalkDir visits in lexical order, so the result order is fixed.
func renderStaticFiles(tree fs.FS, dates licenceDates) ([]staticFile, error) {
	var out []staticFile
	err := fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(tree, p)
		if err != nil {
			return err
		}
		rel, isTemplate := strings.CutSuffix(p, ".tmpl")
		data := raw
		if isTemplate {
			tmpl, err := template.New(p).Option("missingkey=error").Parse(string(raw))
			if err != nil {
				return fmt.Errorf("demo template %s: %w", p, err)
			}
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, dates); err != nil {
				return fmt.Errorf("demo template %s: %w", p, err)
			}
			data = buf.Bytes()
		}
		if crlfWithBOM[path.Base(rel)] {
			data = append([]byte("\uFEFF"), bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...)
		}
		out = append(out, staticFile{rel: rel, data: data})
		return nil
	})
	return out, err
}
