package payload

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	kzip "github.com/klauspost/compress/zip"
)

// Citrix's own call-home bundle (DOMAIN.md §6). Citrix documents the data
// elements, not the file names, the manifest's encoding, the children of
// Users, Devices and Pool, nor what each UI hash covers. So documents are
// recognised by what they hold, every element found is kept (documented
// ones labelled), a hash is called "matches" only when it is the SHA-256 of
// the file and "scheme unknown" otherwise, and nothing unexpected makes a
// bundle rejected: only what makes any zip hostile does.

// Format is what kind of zip an inspection found.
type Format string

const (
	FormatLSUI    Format = "lsui"    // lsui's own payload: manifest.json, inventory.json, usage.json
	FormatCitrix  Format = "citrix"  // Citrix's call-home bundle
	FormatUnknown Format = "unknown" // a zip that is neither
)

// Citrix document kinds, CitrixDocument.Kind.
const (
	DocManifest = "bundle-manifest"
	DocReport   = "licence-server-report"
	DocEvents   = "events"
	DocOther    = "other"
)

// Identity forms, CitrixIdentity.Form.
const (
	FormPlain        = "plain"
	FormSHA256Base64 = "sha256-base64" // 24 characters of base64 of 16 bytes: Citrix's documented scramble
	FormHex16        = "hex16"         // 16 hex digits: the other form Citrix pages show
)

// UI hash checks, CitrixFile.Check.
const (
	UIMatches       = "matches"        // the UI is the SHA-256 of the file
	UISchemeUnknown = "scheme unknown" // it is not; Citrix does not say what it covers
	UINoFile        = "no such file"   // the manifest names a file the bundle lacks
)

// CitrixSummary is what a Citrix bundle carries. Every string is as found:
// sanitize before drawing.
type CitrixSummary struct {
	// Shapes names the documents' schemas found: "LicenseServer.OnPremUsage
	// 1.0", "LicenseServerCompliance 2.0".
	Shapes     []string         `json:"shapes"`
	Server     CitrixServer     `json:"server"`
	UploadType string           `json:"upload_type"`
	UTCDate    string           `json:"utc_date"` // the manifest's UTCDate (or the report's)
	Date       string           `json:"date"`     // the manifest's local Date
	DeployUTC  string           `json:"product_deploy_utc_date,omitempty"`
	Ccid       string           `json:"ccid,omitempty"`
	OrgID      string           `json:"org_id,omitempty"`
	TotalFiles string           `json:"total_files,omitempty"`
	FilesUI    string           `json:"files_ui,omitempty"`
	ManifestUI string           `json:"manifest_ui,omitempty"`
	Serials    []CitrixSerial   `json:"serials"`
	Features   []CitrixFeature  `json:"features"`
	Identities []CitrixIdentity `json:"identities"`
	// Plain, Scrambled count Identities by form (Scrambled: either
	// documented scramble form).
	Plain     int          `json:"plain"`
	Scrambled int          `json:"scrambled"`
	Files     []CitrixFile `json:"files"`
	Events    int          `json:"events"` // JSON product events, nested bundles included
	// Documents are every XML or JSON document found, as trees.
	Documents []CitrixDocument `json:"documents"`
	Nested    []NestedZip      `json:"nested"`
	Notes     []string         `json:"notes"`
}

// CitrixServer is the licence server as the report names it.
type CitrixServer struct {
	GUID              string `json:"guid"`
	HardwareID        string `json:"hardware_id"`
	FQDN              string `json:"fqdn"`
	Version           string `json:"version"`
	InstallUTC        string `json:"install_utc"`
	SGPClockErrorCode string `json:"sgp_clock_error_code"`
	SGPMaxDays        string `json:"sgp_max_days"`
	// Grace is lsui's reading of the two SGP values (supplemental grace,
	// the "burst" past the installed count); Citrix documents the names,
	// not the values, so it says what it assumed.
	Grace string `json:"grace"`
}

// CitrixSerial is one SerialNumbers/Serial.
type CitrixSerial struct {
	ID     string `json:"id"`
	SADate string `json:"sa_date"` // the CSS date, YYYY.MMDD
	SN     string `json:"sn"`
}

// CitrixFeature is one Inventory/Feature.
type CitrixFeature struct {
	ID                     string         `json:"id"`
	UDBinFileCreatedUTC    string         `json:"ud_bin_file_created_utc,omitempty"`
	UDReportGenerationUTC  string         `json:"ud_report_generation_utc,omitempty"`
	UDAdminUsersReleased   string         `json:"ud_admin_users_released,omitempty"`
	UDAdminDevicesReleased string         `json:"ud_admin_devices_released,omitempty"`
	Samples                []CitrixSample `json:"samples"`
}

// CitrixSample is one feature's SADate element: a CSS date's sample.
type CitrixSample struct {
	SADate         string `json:"sa_date"`
	Start          string `json:"date_sample_start_utc,omitempty"`
	Stop           string `json:"date_sample_stop_utc,omitempty"`
	CountUsedMax   string `json:"count_used_max"`
	CountInstalled string `json:"count_installed"`
	Active         string `json:"active"`
	Licensees      string `json:"licensees_count_total"`
	Users          int    `json:"users"`
	Devices        int    `json:"devices"`
	Pool           string `json:"pool,omitempty"`
}

// CitrixIdentity is one user or device name found in the bundle.
type CitrixIdentity struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // "user" or "device"
	Form string `json:"form"` // FormPlain, FormSHA256Base64, FormHex16
	// Where is the first entry it was found in ("ue_lt_1.zip/events/0001.json").
	Where string `json:"where"`
}

// CitrixFile is one manifest File element, checked against the zip.
type CitrixFile struct {
	Name         string `json:"name"`
	UI           string `json:"ui"`
	Check        string `json:"check"` // UIMatches, UISchemeUnknown, UINoFile
	EventStartTS string `json:"event_start_ts,omitempty"`
	EventEndTS   string `json:"event_end_ts,omitempty"`
	Offering     string `json:"offering,omitempty"`
}

// CitrixDocument is one XML or JSON entry.
type CitrixDocument struct {
	Entry    string `json:"entry"` // the entry's name; nested ones as outer/inner
	Kind     string `json:"kind"`  // DocManifest, DocReport, DocEvents, DocOther
	Encoding string `json:"encoding"`
	Tree     *Node  `json:"tree,omitempty"` // nil for events (counted) and for what did not parse
	Error    string `json:"error,omitempty"`
}

// NestedZip is a zip inside the bundle (the ue_lt_<unix>.zip event
// bundles), inspected with the same checks and the outer zip's budget.
type NestedZip struct {
	Entry   string  `json:"entry"`
	Verdict string  `json:"verdict"`
	Entries []Entry `json:"entries"`
}

// maxNestDepth is how deep zips are opened: the bundle, and the zips it
// holds. A zip inside those is listed as an entry, never opened.
const maxNestDepth = 2

// Caps on what is kept to recognise documents: a real bundle's documents
// are far smaller. A document kept and parsed costs about three times its
// size at its peak, so 16 MiB in all (outer and nested zips together)
// keeps an inspection under 100 MB: 1,100 JSON entries of 60 KiB (a
// 0.2 MB zip) cost 232 MB at 64 MiB (docs/reliability.md §8).
const (
	maxDocBytes      = 8 << 20
	maxCapturedBytes = 16 << 20
)

// captureDocument reads an entry that may be a document or a nested zip
// into memory for recognition, through r (which hashes what it reads). It
// returns nil for anything else or anything over the caps; the caller reads
// what is left.
func captureDocument(r io.Reader, declared int64, captured *atomic.Int64) []byte {
	head := make([]byte, 512)
	n, _ := readFull(r, head)
	head = head[:n]
	if sniffEncoding(head) == "" || declared > maxDocBytes {
		return nil
	}
	// The bytes actually kept count, not the declared size, which a
	// hostile header may understate.
	if captured.Add(int64(len(head))) > maxCapturedBytes {
		return nil
	}
	var buf bytes.Buffer
	buf.Write(head)
	rest := make([]byte, 32<<10)
	for empty := 0; int64(buf.Len()) <= maxDocBytes && empty < 100; {
		k, err := r.Read(rest)
		buf.Write(rest[:k])
		if captured.Add(int64(k)) > maxCapturedBytes {
			return nil
		}
		if err != nil {
			break
		}
		if k == 0 {
			empty++
		}
	}
	if int64(buf.Len()) > maxDocBytes {
		return nil
	}
	return buf.Bytes()
}

// readFull is io.ReadFull that also stops at a reader returning nothing
// and no error, which a corrupt stream's decompressor may do.
func readFull(r io.Reader, p []byte) (int, error) {
	n := 0
	for empty := 0; n < len(p) && empty < 100; {
		k, err := r.Read(p[n:])
		n += k
		if err != nil {
			return n, err
		}
		if k == 0 {
			empty++
		}
	}
	return n, nil
}

// IdentityForm says which form a name from a bundle has: Citrix's
// documented scramble (24 base64 characters of 16 bytes), the 16-hex-digit
// form, or plain.
func IdentityForm(name string) string {
	if len(name) == 24 {
		if b, err := base64.StdEncoding.DecodeString(name); err == nil && len(b) == 16 {
			return FormSHA256Base64
		}
	}
	if len(name) == 16 {
		hex := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				hex = false
				break
			}
		}
		if hex {
			return FormHex16
		}
	}
	return FormPlain
}

// citrixReader gathers one bundle's summary, the outer zip and its nested
// ones.
type citrixReader struct {
	sum     *CitrixSummary
	seenID  map[string]bool
	entries map[string]string // entry name (lower case) → SHA-256, for the UI checks
}

func newCitrixSummary() *CitrixSummary {
	return &CitrixSummary{Shapes: []string{}, Serials: []CitrixSerial{}, Features: []CitrixFeature{},
		Identities: []CitrixIdentity{}, Files: []CitrixFile{}, Documents: []CitrixDocument{}, Nested: []NestedZip{}, Notes: []string{}}
}

// readCitrix recognises the documents an inspection captured and, when one
// of them is Citrix's, fills in rep.Citrix. Nested zips are inspected
// here, with what is left of the outer zip's budget. It reports whether
// the zip is a Citrix bundle.
func (in *inspection) readCitrix(ctx context.Context) bool {
	cr := &citrixReader{sum: newCitrixSummary(), seenID: map[string]bool{}, entries: map[string]string{}}
	found := in.collectCitrix(ctx, cr, "")
	if !found {
		return false
	}
	cr.checkFiles()
	s := cr.sum
	for _, id := range s.Identities {
		if id.Form == FormPlain {
			s.Plain++
		} else {
			s.Scrambled++
		}
	}
	s.Server.Grace = graceState(s.Server.SGPClockErrorCode, s.Server.SGPMaxDays)
	in.rep.Citrix = s
	return true
}

// collectCitrix reads this inspection's documents into cr, prefixing entry
// names with prefix (for nested zips), and says whether any is Citrix's.
func (in *inspection) collectCitrix(ctx context.Context, cr *citrixReader, prefix string) bool {
	rep := in.rep
	found := false
	idx := make([]int, 0, len(in.docs))
	for i := range in.docs {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	// A manifest File names an entry by its path, or perhaps by its base
	// name (not documented): both find it, the path first.
	for _, e := range rep.Entries {
		if e.Read {
			cr.entries[strings.ToLower(prefix+e.Name)] = e.SHA256
			if _, dup := cr.entries[strings.ToLower(lastPart(e.Name))]; !dup {
				cr.entries[strings.ToLower(lastPart(e.Name))] = e.SHA256
			}
		}
	}
	for _, i := range idx {
		data := in.docs[i]
		name := prefix + rep.Entries[i].Name
		switch sniffEncoding(data) {
		case encZip:
			found = in.nested(ctx, cr, name, data) || found
		case encXML:
			tree, err := parseXML(data)
			found = cr.document(name, encXML, tree, err) || found
		case encJSON:
			tree, err := parseJSON(data)
			found = cr.document(name, encJSON, tree, err) || found
		}
	}
	return found
}

func lastPart(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// nested inspects a zip found inside the bundle through the same checks,
// with the entries and bytes the outer zip has left; its problems are the
// bundle's.
func (in *inspection) nested(ctx context.Context, cr *citrixReader, name string, data []byte) bool {
	rep := in.rep
	if in.depth >= maxNestDepth {
		cr.sum.Notes = append(cr.sum.Notes, fmt.Sprintf("%s: a zip nested deeper than %d levels; listed, not opened", name, maxNestDepth))
		return false
	}
	lim := in.lim
	lim.MaxEntries = in.budget.entries
	lim.MaxTotal = in.budget.bytes
	if lim.MaxEntries <= 0 || lim.MaxTotal <= 0 {
		rep.problem("nested zip %s: the bundle's entry or byte budget is used up", quoted(name))
		return false
	}
	sub := scanAt(ctx, bytes.NewReader(data), int64(len(data)), name, lim, in.depth+1, in.budget)
	nrep := sub.Verify(ctx, nil)
	in.budget.entries -= len(nrep.Entries)
	for _, e := range nrep.Entries {
		if e.Read {
			in.budget.bytes -= e.Size
		}
	}
	for _, p := range nrep.Problems {
		rep.problem("nested zip %s: %s", quoted(name), p)
	}
	verdict := nrep.Verdict()
	if nrep.State == StateRead && nrep.Citrix != nil {
		verdict = fmt.Sprintf("read, nothing hostile: %d entries, %d events, %d identities", len(nrep.Entries), nrep.Citrix.Events, len(nrep.Citrix.Identities))
	}
	cr.sum.Nested = append(cr.sum.Nested, NestedZip{Entry: name, Verdict: verdict, Entries: nrep.Entries})
	found := false
	if sub.in != nil {
		found = sub.in.collectCitrix(ctx, cr, name+"/")
	}
	return found
}

// document reads one parsed document into the summary and says whether it
// is Citrix's.
func (cr *citrixReader) document(entry string, enc docEncoding, tree *Node, err error) bool {
	d := CitrixDocument{Entry: entry, Kind: DocOther, Encoding: string(enc), Tree: tree}
	if err != nil {
		d.Error = err.Error()
		if tree == nil {
			cr.sum.Documents = append(cr.sum.Documents, d)
			return false
		}
	}
	citrix := false
	switch {
	case isEvents(tree):
		d.Kind, d.Tree = DocEvents, nil
		cr.events(entry, tree)
		citrix = true
	default:
		if isManifest(tree) {
			d.Kind = DocManifest
			cr.manifest(tree)
			citrix = true
		}
		if isReport(tree) {
			if d.Kind == DocOther {
				d.Kind = DocReport
			}
			cr.report(entry, tree)
			citrix = true
		}
		label(tree)
	}
	cr.sum.Documents = append(cr.sum.Documents, d)
	return citrix
}

func isManifest(n *Node) bool {
	if n.Find("FilesUI") != nil || n.Find("ManifestUI") != nil || n.Find("TotalFiles") != nil {
		return true
	}
	f := n.Find("File")
	return f != nil && f.Child("UI") != nil && f.Child("Name") != nil
}

func isReport(n *Node) bool {
	return n.Find("Inventory") != nil || n.Find("HardwareId") != nil || n.Find("SGPMaxDays") != nil ||
		strings.EqualFold(strings.TrimSpace(n.ChildText("Product")), "LicenseServerCompliance")
}

var eventKeys = []string{"ver", "id", "type", "st", "prod"}

func isEvent(n *Node) bool {
	k := 0
	for _, key := range eventKeys {
		if n.Child(key) != nil {
			k++
		}
	}
	return k >= 3
}

func isEvents(n *Node) bool {
	if n == nil {
		return false
	}
	if isEvent(n) {
		return true
	}
	return len(n.Children) > 0 && isEvent(n.Children[0])
}

func (cr *citrixReader) shape(product, version string) {
	product, version = strings.TrimSpace(product), strings.TrimSpace(version)
	if product == "" {
		return
	}
	s := strings.TrimSpace(product + " " + version)
	for _, x := range cr.sum.Shapes {
		if x == s {
			return
		}
	}
	cr.sum.Shapes = append(cr.sum.Shapes, s)
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = strings.TrimSpace(v)
	}
}

func (cr *citrixReader) manifest(n *Node) {
	s := cr.sum
	root := n
	if g := n.Find("GUID"); g != nil && g != n {
		// The manifest's elements sit beside its GUID, however deep the
		// wrapper (not documented) puts them.
		root = parentOf(n, g)
	}
	cr.shape(root.ChildText("Product"), root.ChildText("ProductVersion"))
	setIfEmpty(&s.UTCDate, root.ChildText("UTCDate"))
	setIfEmpty(&s.Date, root.ChildText("Date"))
	setIfEmpty(&s.DeployUTC, root.ChildText("ProductDeployUTCDate"))
	setIfEmpty(&s.Server.GUID, root.ChildText("GUID"))
	setIfEmpty(&s.UploadType, root.ChildText("UploadType"))
	setIfEmpty(&s.Ccid, root.ChildText("Ccid"))
	setIfEmpty(&s.OrgID, root.ChildText("OrgID"))
	setIfEmpty(&s.TotalFiles, root.ChildText("TotalFiles"))
	setIfEmpty(&s.FilesUI, root.ChildText("FilesUI"))
	setIfEmpty(&s.ManifestUI, root.ChildText("ManifestUI"))
	cr.serials(root)
	var files []*Node
	walk(n, func(x *Node) {
		if strings.EqualFold(x.Name, "File") && x.Child("Name") != nil {
			files = append(files, x)
		}
	})
	for _, f := range files {
		cf := CitrixFile{Name: f.ChildText("Name"), UI: f.ChildText("UI"),
			EventStartTS: f.ChildText("EventStartTS"), EventEndTS: f.ChildText("EventEndTS")}
		if o := f.Child("OfferingType"); o != nil {
			cf.Offering = o.ChildText("Name")
			if cf.Offering == "" {
				cf.Offering = strings.TrimSpace(o.Text)
			}
		}
		s.Files = append(s.Files, cf)
	}
}

func (cr *citrixReader) serials(n *Node) {
	sn := n.Find("SerialNumbers")
	if sn == nil {
		return
	}
	for _, x := range sn.All("Serial") {
		cr.sum.Serials = append(cr.sum.Serials, CitrixSerial{ID: x.ChildText("ID"), SADate: x.ChildText("SADate"), SN: x.ChildText("SN")})
	}
}

func (cr *citrixReader) report(entry string, n *Node) {
	s := cr.sum
	root := n
	if g := n.Find("HardwareId"); g != nil && g != n {
		root = parentOf(n, g)
	}
	product, version := root.ChildText("Product"), root.ChildText("Version")
	if version == "" && isSchemaVersion(root.ChildText("ProductVersion")) {
		version = root.ChildText("ProductVersion")
	}
	cr.shape(product, version)
	setIfEmpty(&s.Server.GUID, root.ChildText("GUID"))
	setIfEmpty(&s.Server.HardwareID, root.ChildText("HardwareId"))
	setIfEmpty(&s.Server.FQDN, root.ChildText("FQDN"))
	setIfEmpty(&s.Server.InstallUTC, root.ChildText("InstallUTC"))
	if v := root.ChildText("ProductVersion"); !isSchemaVersion(v) {
		setIfEmpty(&s.Server.Version, v)
	}
	setIfEmpty(&s.Server.SGPClockErrorCode, root.ChildText("SGPClockErrorCode"))
	setIfEmpty(&s.Server.SGPMaxDays, root.ChildText("SGPMaxDays"))
	setIfEmpty(&s.UTCDate, root.ChildText("UTCDate"))
	setIfEmpty(&s.UploadType, root.ChildText("UploadType"))
	if ui := root.ChildText("UI"); ui != "" {
		// The 2.0 report's own hash: it cannot be of the file that holds it.
		s.Files = append(s.Files, CitrixFile{Name: entry, UI: ui, Check: UISchemeUnknown})
	}
	if len(s.Serials) == 0 {
		cr.serials(root)
	}
	inv := n.Find("Inventory")
	if inv == nil {
		return
	}
	for _, f := range inv.All("Feature") {
		cf := CitrixFeature{ID: f.ChildText("ID"), UDBinFileCreatedUTC: f.ChildText("UDBinFileCreatedUTC"),
			UDReportGenerationUTC: f.ChildText("UDReportGenerationUTC"), UDAdminUsersReleased: f.ChildText("UDAdminUsersReleased"),
			UDAdminDevicesReleased: f.ChildText("UDAdminDevicesReleased"), Samples: []CitrixSample{}}
		for _, sa := range f.All("SADate") {
			smp := CitrixSample{SADate: sa.Attr("id"), Start: sa.ChildText("DateSampleStartUTC"), Stop: sa.ChildText("DateSampleStopUTC"),
				CountUsedMax: sa.ChildText("CountUsedMax"), CountInstalled: sa.ChildText("CountInstalled"), Active: sa.ChildText("Active"),
				Pool: sa.ChildText("Pool")}
			if smp.SADate == "" {
				smp.SADate = strings.TrimSpace(sa.ChildText("ID"))
			}
			if l := sa.Child("Licensees"); l != nil {
				smp.Licensees = l.ChildText("CountTotal")
				l.Child("Users").leaves(func(v string) { smp.Users++; cr.identity(v, "user", entry) })
				l.Child("Devices").leaves(func(v string) { smp.Devices++; cr.identity(v, "device", entry) })
			}
			if d := sa.Child("CCUDevices"); d != nil {
				for _, id := range d.All("DevId") {
					cr.identity(strings.TrimSpace(id.Text), "device", entry)
				}
			}
			cf.Samples = append(cf.Samples, smp)
		}
		s.Features = append(s.Features, cf)
	}
}

// isSchemaVersion tells a document's schema version ("1.0", "2.0") from a
// licence server's ("11.16.6.0. build 35000"): the report's ProductVersion
// is the server's, the manifest's is the schema's.
func isSchemaVersion(v string) bool {
	parts := strings.Split(strings.TrimSpace(v), ".")
	if len(parts) != 2 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return true
}

func (cr *citrixReader) events(entry string, n *Node) {
	list := []*Node{n}
	if !isEvent(n) {
		list = n.Children
	}
	for _, e := range list {
		if !isEvent(e) {
			continue
		}
		cr.sum.Events++
		if u := e.Child("user"); u != nil {
			for _, k := range []string{"samName", "upn", "fullName"} {
				cr.identity(u.ChildText(k), "user", entry)
			}
		}
		if d := e.Child("dvc"); d != nil {
			cr.identity(d.ChildText("dvcName"), "device", entry)
		}
	}
}

func (cr *citrixReader) identity(name, kind, where string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	key := kind + "\x00" + name
	if cr.seenID[key] {
		return
	}
	cr.seenID[key] = true
	cr.sum.Identities = append(cr.sum.Identities, CitrixIdentity{Name: name, Kind: kind, Form: IdentityForm(name), Where: where})
}

// checkFiles holds each manifest File's UI against the SHA-256 of the file
// it names.
func (cr *citrixReader) checkFiles() {
	for i := range cr.sum.Files {
		f := &cr.sum.Files[i]
		if f.Check != "" {
			continue
		}
		sum, ok := cr.entries[strings.ToLower(f.Name)]
		switch {
		case !ok:
			f.Check = UINoFile
		case strings.EqualFold(sum, f.UI):
			f.Check = UIMatches
		default:
			f.Check = UISchemeUnknown
		}
	}
}

// graceState reads the supplemental grace values. [rule] Citrix documents
// the element names only: lsui takes clock error code 0 as "no clock
// problem" and SGPMaxDays as the days of supplemental grace (burst) the
// server allows, and says the raw values beside its reading.
func graceState(clock, maxDays string) string {
	if clock == "" && maxDays == "" {
		return "not reported"
	}
	var parts []string
	switch clock {
	case "":
	case "0":
		parts = append(parts, "clock OK (SGPClockErrorCode 0)")
	default:
		parts = append(parts, "clock error "+clock+" (SGPClockErrorCode)")
	}
	switch d, err := strconv.Atoi(maxDays); {
	case maxDays == "":
	case err != nil:
		parts = append(parts, "SGPMaxDays "+maxDays)
	case d > 0:
		parts = append(parts, fmt.Sprintf("supplemental grace (burst) allowed, up to %d days (SGPMaxDays)", d))
	default:
		parts = append(parts, "no supplemental grace (SGPMaxDays 0)")
	}
	return strings.Join(parts, "; ")
}

func walk(n *Node, fn func(*Node)) {
	if n == nil {
		return
	}
	fn(n)
	for _, c := range n.Children {
		walk(c, fn)
	}
}

func parentOf(root, target *Node) *Node {
	var found *Node
	walk(root, func(x *Node) {
		if found != nil {
			return
		}
		for _, c := range x.Children {
			if c == target {
				found = x
				return
			}
		}
	})
	if found == nil {
		return root
	}
	return found
}

// citrixLabels are the documented elements (DOMAIN.md §6), with what each
// is; anything else in a tree stays unlabelled and is shown raw.
var citrixLabels = map[string]string{
	"utcdate": "upload time, UTC", "date": "upload time, local", "product": "document schema",
	"productversion": "schema version, or the licence server version", "productdeployutcdate": "product deployed, UTC",
	"guid": "licence server GUID", "uploadtype": "upload type (Auto or manual)", "ccid": "Citrix Cloud customer id",
	"orgid": "organisation id", "totalfiles": "files in the bundle", "serialnumbers": "serial numbers",
	"serial": "serial", "id": "id", "sadate": "CSS date (Subscription Advantage)", "sn": "serial number",
	"file": "inner file", "name": "name", "ui": "integrity hash (scheme not documented)",
	"eventstartts": "first event, epoch ms", "eventendts": "last event, epoch ms", "offeringtype": "offering",
	"filesui": "hash over the files (scheme not documented)", "manifestui": "hash of the manifest (scheme not documented)",
	"hardwareid": "hardware id", "fqdn": "server FQDN", "installutc": "installed, UTC",
	"sgpclockerrorcode": "supplemental grace: clock error code", "sgpmaxdays": "supplemental grace: maximum days",
	"inventory": "inventory", "feature": "feature", "udbinfilecreatedutc": "user/device store created, UTC",
	"udreportgenerationutc": "user/device report made, UTC", "udadminusersreleased": "users released by udadmin",
	"udadmindevicesreleased": "devices released by udadmin", "datesamplestartutc": "sample start, UTC",
	"datesamplestoputc": "sample stop, UTC", "countusedmax": "peak in use", "ccudevices": "concurrent devices",
	"devid": "device id", "active": "active", "countinstalled": "installed", "licensees": "licensees",
	"counttotal": "licensees in all", "users": "users (children not documented)", "devices": "devices (children not documented)",
	"pool": "pool (children not documented)", "version": "schema version",
}

// label marks the documented elements of a tree.
func label(n *Node) {
	walk(n, func(x *Node) {
		x.Label = citrixLabels[strings.ToLower(x.Name)]
	})
}

// CitrixTime reads a bundle's UTCDate (RFC 3339, or without a zone as
// UTC); ok is false when it is absent or in another shape.
func CitrixTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// describe is the verdict's text after "CITRIX: ".
func (c *CitrixSummary) describe(entries int) string {
	server := c.Server.FQDN
	if server == "" {
		server = "an unnamed server"
	}
	if c.Server.GUID != "" {
		server += " (GUID " + c.Server.GUID + ")"
	}
	when := c.UTCDate
	if when == "" {
		when = "no upload time"
	}
	upload := c.UploadType
	if upload == "" {
		upload = "upload type not given"
	}
	shape := "no schema named"
	if len(c.Shapes) > 0 {
		shape = strings.Join(c.Shapes, ", ")
	}
	return fmt.Sprintf("call-home bundle of %s, %s, %s (%s); %d features, %d identities (%d plain, %d scrambled), %d events, %d entries read",
		server, when, upload, shape, len(c.Features), len(c.Identities), c.Plain, c.Scrambled, c.Events, entries)
}

// Lines is the summary as text, one fact a line, for `lsui payload
// inspect` and the dashboard's payload viewer. Values are as found in the
// bundle: sanitize each line before printing.
func (c *CitrixSummary) Lines() []string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	sv := c.Server
	out := []string{
		fmt.Sprintf("server:        %s (GUID %s, HardwareId %s)", dash(sv.FQDN), dash(sv.GUID), dash(sv.HardwareID)),
		fmt.Sprintf("version:       %s, installed %s", dash(sv.Version), dash(sv.InstallUTC)),
		fmt.Sprintf("grace:         %s", sv.Grace),
		fmt.Sprintf("upload:        %s at %s (local %s)", dash(c.UploadType), dash(c.UTCDate), dash(c.Date)),
		fmt.Sprintf("schemas:       %s", dash(strings.Join(c.Shapes, ", "))),
	}
	if c.Ccid != "" || c.OrgID != "" {
		out = append(out, fmt.Sprintf("customer:      Ccid %s, OrgID %s", dash(c.Ccid), dash(c.OrgID)))
	}
	for _, s := range c.Serials {
		out = append(out, fmt.Sprintf("serial:        %s (CSS %s, id %s)", dash(s.SN), dash(s.SADate), dash(s.ID)))
	}
	for _, f := range c.Features {
		for _, s := range f.Samples {
			out = append(out, fmt.Sprintf("feature:       %s CSS %s: peak %s, installed %s, active %s, licensees %s (%d users, %d devices listed)",
				dash(f.ID), dash(s.SADate), dash(s.CountUsedMax), dash(s.CountInstalled), dash(s.Active), dash(s.Licensees), s.Users, s.Devices))
		}
	}
	form := "none"
	switch {
	case len(c.Identities) == 0:
	case c.Scrambled == 0:
		form = "plain names"
	case c.Plain == 0:
		form = "scrambled"
	default:
		form = "mixed: plain names beside scrambled ones"
	}
	out = append(out, fmt.Sprintf("identities:    %d (%d plain, %d scrambled): %s", len(c.Identities), c.Plain, c.Scrambled, form))
	if c.Events > 0 {
		out = append(out, fmt.Sprintf("events:        %d", c.Events))
	}
	for _, f := range c.Files {
		out = append(out, fmt.Sprintf("file:          %s UI %s: %s", dash(f.Name), shortHash(f.UI), f.Check))
	}
	for _, n := range c.Nested {
		out = append(out, fmt.Sprintf("nested:        %s: %s", n.Entry, n.Verdict))
	}
	for _, n := range c.Notes {
		out = append(out, "note:          "+n)
	}
	return out
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	if h == "" {
		return "-"
	}
	return h
}

// NestedFile is one entry of a zip inside a bundle, read for a viewer.
type NestedFile struct {
	Name string
	Data []byte
	Err  error
}

// ReadNested reads the entries of the zip stored as entry in the zip at
// path, for a viewer: the inner zip goes through the same hostile-zip
// checks first (a rejected one is an error with its verdict), then each
// entry is read through the caps, at most maxBytes each (then with
// ErrTruncated).
func ReadNested(ctx context.Context, path, entry string, maxBytes int64) ([]NestedFile, error) {
	data, err := ReadEntry(ctx, path, entry, DefaultLimits.MaxEntry)
	if err != nil {
		return nil, err
	}
	rep := Inspect(ctx, bytes.NewReader(data), int64(len(data)), entry, DefaultLimits)
	if rep.State == StateRejected {
		return nil, fmt.Errorf("%s: %s", entry, rep.Verdict())
	}
	zr, err := kzip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", entry, err)
	}
	var out []NestedFile
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		nf := NestedFile{Name: f.Name}
		rc, err := f.Open()
		if err != nil {
			nf.Err = err
			out = append(out, nf)
			continue
		}
		br := &boundedReader{ctx: ctx, r: rc, limit: maxBytes, csize: int64(f.CompressedSize64), maxRatio: DefaultLimits.MaxRatio}
		nf.Data, nf.Err = io.ReadAll(br)
		rc.Close()
		if errors.Is(nf.Err, errEntryTooLarge) {
			nf.Data, nf.Err = nf.Data[:min(int64(len(nf.Data)), maxBytes)], ErrTruncated
		}
		out = append(out, nf)
	}
	return out, nil
}
