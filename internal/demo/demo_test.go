package demo

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below must load on any machine
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// localWall is now's wall clock in loc, as the demo simulates it.
func localWall(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

func materialize(t *testing.T, now time.Time, loc *time.Location) *Root {
	t.Helper()
	root, err := Materialize(t.TempDir(), now, loc)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// readTree is every file under dir by its slash path, and every folder with
// a nil content.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			tree[rel+"/"] = nil
			return nil
		}
		data, err := os.ReadFile(p)
		tree[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestMaterializeIsDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		now  time.Time
		loc  *time.Location
	}{
		{"mid month Berlin", time.Date(2026, 11, 18, 14, 32, 5, 0, time.UTC), zone(t, "Europe/Berlin")},
		{"first of month UTC", time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC), time.UTC},
		{"nil zone uses now's", time.Date(2027, 1, 4, 10, 0, 0, 0, zone(t, "America/New_York")), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := readTree(t, materialize(t, tc.now, tc.loc).Dir)
			b := readTree(t, materialize(t, tc.now, tc.loc).Dir)
			if !slices.Equal(sortedKeys(a), sortedKeys(b)) {
				t.Fatalf("file lists differ:\n%v\n%v", sortedKeys(a), sortedKeys(b))
			}
			for _, k := range sortedKeys(a) {
				if !bytes.Equal(a[k], b[k]) {
					t.Errorf("%s differs between two runs with the same clock", k)
				}
			}
		})
	}
}

func TestMaterializeLayout(t *testing.T) {
	now := time.Date(2026, 11, 18, 14, 32, 5, 0, time.UTC)
	root := materialize(t, now, time.UTC)
	tree := readTree(t, root.Dir)
	want := []string{
		"LS/", "LS/lmgrd_debug.2026-08.log", "LS/lmgrd_debug.2026-09.log", "LS/lmgrd_debug.2026-10.log", "LS/lmgrd_debug.log",
		"LS/lmstat-a.txt", "LS/resource/", "LS/resource/usage/",
		"LS/resource/usage/lsui/", "LS/resource/usage/lsui/lsui-journal.json", "LS/resource/usage/lsui/upload_1794786420.zip",
		"LS/resource/usage/lsui/upload_1794872820.zip", "LS/resource/usage/lsui/upload_1794959220.zip",
		"LS/resource/usage/upload_1794796200.zip", "LS/resource/usage/upload_1794882600.zip", "LS/udadmin-list.txt",
		"MyFiles/", "MyFiles/CITRIX.opt",
		"MyFiles/FID_3f2a91c4_18c1d0e2a77__6b1e.lic", "MyFiles/FID_9b07e5d2_18c1d0e3b10__43a9.lic",
		"MyFiles/FID_c2e84a17_18c1d0e4c03__0d5f.lic", "MyFiles/FID_csp_7d41b0e9_18c1d0e5f21__a2c8.lic",
		"MyFiles/XDT_ADV_UD_evaluation.lic", "MyFiles/citrix_startup.lic", "MyFiles/nfr_lab.lic",
		"WebServicesForLicensing/", "WebServicesForLicensing/SimpleLicenseServiceConfig.xml",
		"WebServicesForLicensing/lsui.json",
	}
	got := slices.DeleteFunc(sortedKeys(tree), func(k string) bool { return k == "./" })
	if !slices.Equal(got, want) {
		t.Errorf("layout:\n got %q\nwant %q", got, want)
	}
	if root.UdadminFile != filepath.Join(root.Dir, "LS", "udadmin-list.txt") {
		t.Errorf("UdadminFile = %s", root.UdadminFile)
	}
	if root.LmstatFile != filepath.Join(root.Dir, "LS", "lmstat-a.txt") {
		t.Errorf("LmstatFile = %s", root.LmstatFile)
	}
	for _, k := range got {
		// A zip's compressed bytes may hold "{{" by chance: only text is checked.
		if strings.HasSuffix(k, ".tmpl") || (tree[k] != nil && !strings.HasSuffix(k, ".zip") && bytes.Contains(tree[k], []byte("{{"))) {
			t.Errorf("%s: template not expanded", k)
		}
	}
}

func TestMaterializeRefuses(t *testing.T) {
	now := time.Date(2026, 11, 18, 14, 32, 5, 0, time.UTC)
	notEmpty := t.TempDir()
	keep := filepath.Join(notEmpty, "keep.lic")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir string
		now       time.Time
		wantErr   string
	}{
		{"folder not empty", notEmpty, now, "not empty"},
		{"folder missing", filepath.Join(t.TempDir(), "absent"), now, "demo root"},
		{"year too early", t.TempDir(), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "year outside"},
		{"year too late", t.TempDir(), time.Date(12000, 5, 1, 0, 0, 0, 0, time.UTC), "year outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Materialize(tc.dir, tc.now, time.UTC)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if data, _ := os.ReadFile(keep); string(data) != "mine" {
		t.Errorf("existing file changed to %q", data)
	}
	if entries, _ := os.ReadDir(notEmpty); len(entries) != 1 {
		t.Errorf("non-empty folder got %d entries, want the 1 it had", len(entries))
	}
}

// ---- licence files ----

// licLine is one logical licence-file line: continuations joined.
type licLine struct {
	file   string
	lineNo int
	text   string
}

// logicalLines joins continuation lines (also inside quotes) after
// stripping a BOM and CRs, and drops comments and blank lines.
func logicalLines(file string, data []byte) []licLine {
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\uFEFF"), "\r\n", "\n")
	var out []licLine
	var cur strings.Builder
	start := 0
	for i, l := range strings.Split(text, "\n") {
		if cur.Len() == 0 {
			if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			start = i + 1
		}
		body, more := strings.CutSuffix(strings.TrimRight(l, " \t"), `\`)
		cur.WriteString(strings.TrimSpace(body) + " ")
		if !more {
			out = append(out, licLine{file, start, strings.TrimSpace(cur.String())})
			cur.Reset()
		}
	}
	return out
}

// licFields splits a logical line into words, keeping quoted values whole.
func licFields(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case (r == ' ' || r == '\t') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// licenceLine is the part of an INCREMENT/FEATURE line the tests look at.
type licenceLine struct {
	licLine
	keyword, feature, version, expiry string
	expires                           time.Time // zero when permanent
	count                             int
	fields                            map[string]string // VENDOR_STRING keys included
}

// parseLicence checks the positional fields as DOMAIN.md §2 describes them.
func parseLicence(l licLine) (licenceLine, error) {
	w := licFields(l.text)
	out := licenceLine{licLine: l, fields: map[string]string{}}
	if len(w) < 6 {
		return out, fmt.Errorf("%d words", len(w))
	}
	out.keyword, out.feature, out.version, out.expiry = w[0], w[1], w[3], w[4]
	if _, err := time.Parse("2006.0102", out.version); err != nil {
		return out, fmt.Errorf("version %q", out.version)
	}
	switch e := strings.ToLower(out.expiry); {
	case e == "permanent", strings.HasSuffix(e, "-0"), strings.HasSuffix(e, "-0000"):
	default:
		t, err := time.Parse("2-Jan-2006", out.expiry) // month names match in any case
		if err != nil {
			return out, fmt.Errorf("expiry %q: %v", out.expiry, err)
		}
		out.expires = t
	}
	if w[5] == "uncounted" {
		out.count = 0
	} else if n, err := strconv.Atoi(w[5]); err == nil {
		out.count = n
	} else {
		return out, fmt.Errorf("count %q", w[5])
	}
	for _, kv := range w[6:] {
		k, v, _ := strings.Cut(kv, "=")
		out.fields[strings.ToUpper(k)] = v
		if strings.EqualFold(k, "VENDOR_STRING") {
			for _, p := range strings.Split(strings.TrimPrefix(v, ";"), ";") {
				vk, vv, _ := strings.Cut(p, "=")
				out.fields[vk] = vv
			}
		}
	}
	return out, nil
}

func TestLicenceFiles(t *testing.T) {
	now := time.Date(2026, 11, 18, 14, 32, 5, 0, time.UTC)
	today := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	root := materialize(t, now, time.UTC)
	paths, _ := filepath.Glob(filepath.Join(root.Dir, "MyFiles", "*.lic"))
	if len(paths) != 7 {
		t.Fatalf("%d .lic files, want 7", len(paths))
	}
	raw := map[string][]byte{}
	var lines []licenceLine
	var malformed []licenceLine
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		raw[name] = data
		for _, l := range logicalLines(name, data) {
			kw := strings.ToUpper(strings.Fields(l.text)[0])
			if kw != "INCREMENT" && kw != "FEATURE" {
				continue
			}
			parsed, err := parseLicence(l)
			if err != nil {
				malformed = append(malformed, parsed)
				continue
			}
			lines = append(lines, parsed)
		}
	}
	find := func(pred func(licenceLine) bool) []licenceLine {
		var out []licenceLine
		for _, l := range lines {
			if pred(l) {
				out = append(out, l)
			}
		}
		return out
	}
	within := func(d time.Time, from, to int) bool {
		return !d.Before(today.AddDate(0, 0, from)) && !d.After(today.AddDate(0, 0, to))
	}
	css := func(l licenceLine) time.Time { v, _ := time.Parse("2006.0102", l.version); return v }

	for _, tc := range []struct {
		name string
		want int
		pred func(licenceLine) bool
	}{
		{"startup licence: CITRIX, LT=SYS, permanent, uncounted", 1, func(l licenceLine) bool {
			return l.file == "citrix_startup.lic" && l.feature == "CITRIX" && l.fields["LT"] == "SYS" && l.expiry == "permanent" && l.count == 0
		}},
		{"retail XDT_PLT_UD 250, permanent, CSS ~7 months ahead", 1, func(l licenceLine) bool {
			return l.feature == "XDT_PLT_UD" && l.fields["LT"] == "Retail" && l.count == 250 && l.expiry == "permanent" && within(css(l), 200, 230)
		}},
		{"its XDS_PLT_UD twin", 1, func(l licenceLine) bool {
			return l.feature == "XDS_PLT_UD" && l.count == 250 && l.fields["DUP_GROUP"] == "V"
		}},
		{"retail MPS_ENT_CCU 100 with CSS due within 30 days", 1, func(l licenceLine) bool {
			return l.feature == "MPS_ENT_CCU" && l.count == 100 && l.expiry == "permanent" && within(css(l), 1, 30)
		}},
		{"eval XDT_ADV_UD expired about two weeks ago", 1, func(l licenceLine) bool {
			return l.feature == "XDT_ADV_UD" && l.fields["LT"] == "Eval" && within(l.expires, -20, -7)
		}},
		{"RetailS CXS_STD_CCS 10 expiring within 30 days", 1, func(l licenceLine) bool {
			return l.feature == "CXS_STD_CCS" && l.fields["LT"] == "RetailS" && l.count == 10 && within(l.expires, 1, 30)
		}},
		{"CSP XDT_PLT_UD 50 expiring about 11 months ahead", 1, func(l licenceLine) bool {
			return l.feature == "XDT_PLT_UD" && l.fields["LT"] == "CSP" && l.count == 50 && within(l.expires, 300, 365)
		}},
		{"NFR CAG_PLT_CCU with a lower-case keyword", 1, func(l licenceLine) bool {
			return l.feature == "CAG_PLT_CCU" && l.fields["LT"] == "NFR" && l.keyword == "increment"
		}},
		{"year-0 expiry", 1, func(l licenceLine) bool { return strings.HasSuffix(l.expiry, "-0") }},
		{"every line: NOTICE, SN, ISSUED, START, SIGN, VENDOR_STRING with GP, LP, ODP", 9, func(l licenceLine) bool {
			for _, k := range []string{"NOTICE", "SN", "ISSUED", "START", "SIGN", "GP", "LP", "ODP", "SA", "CL", "LT"} {
				if l.fields[k] == "" {
					return false
				}
			}
			return l.fields["NOTICE"] == `"Demo Corp"` && strings.HasPrefix(l.fields["SIGN"], `"`)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := find(tc.pred); len(got) != tc.want {
				t.Errorf("%d matching lines, want %d", len(got), tc.want)
			}
		})
	}

	t.Run("exactly one malformed line, in the NFR file", func(t *testing.T) {
		if len(malformed) != 1 || malformed[0].file != "nfr_lab.lic" || malformed[0].feature != "PVS_STD_CCS" {
			t.Errorf("malformed lines: %+v", malformed)
		}
	})
	t.Run("line endings and BOM", func(t *testing.T) {
		for name, data := range raw {
			crlf := name == "nfr_lab.lic"
			lf := bytes.Count(data, []byte("\n"))
			if got := bytes.HasPrefix(data, []byte("\uFEFF")); got != crlf {
				t.Errorf("%s: BOM %v, want %v", name, got, crlf)
			}
			if got := bytes.Count(data, []byte("\r\n")); (crlf && got != lf) || (!crlf && got != 0) {
				t.Errorf("%s: %d CRLF of %d line ends", name, got, lf)
			}
		}
	})
	t.Run("every file: server, vendor, use_server", func(t *testing.T) {
		for name, data := range raw {
			for _, want := range []string{"SERVER this_host HOSTNAME=ctxlic01.demo.example", "VENDOR CITRIX", "USE_SERVER"} {
				if !bytes.Contains(data, []byte(want)) {
					t.Errorf("%s: no %q", name, want)
				}
			}
		}
	})
	t.Run("SIGN wraps inside its quotes", func(t *testing.T) {
		wrapped := regexp.MustCompile(`(?m)SIGN="[0-9A-F ]*\\\r?\n\t[0-9A-F ]`)
		for name, data := range raw {
			if !wrapped.Match(data) {
				t.Errorf("%s: SIGN does not continue inside its quotes", name)
			}
		}
	})
	t.Run("expiry month in lower, upper and title case", func(t *testing.T) {
		cases := map[string]bool{}
		for _, l := range lines {
			if l.expires.IsZero() {
				continue
			}
			switch mon := l.expiry[3:6]; mon {
			case strings.ToLower(mon):
				cases["lower"] = true
			case strings.ToUpper(mon):
				cases["upper"] = true
			default:
				cases["title"] = true
			}
		}
		if len(cases) != 3 {
			t.Errorf("expiry month cases: %v", cases)
		}
	})
	t.Run("options file", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(root.Dir, "MyFiles", "CITRIX.opt"))
		if err != nil || !bytes.Contains(data, []byte("HOST_GROUP ward3 WARD3-PC01 WARD3-PC02")) {
			t.Errorf("CITRIX.opt: %v %q", err, data)
		}
	})
}

func TestConfig(t *testing.T) {
	root := materialize(t, time.Date(2026, 11, 18, 14, 32, 5, 0, time.UTC), time.UTC)
	data, err := os.ReadFile(filepath.Join(root.Dir, "WebServicesForLicensing", "SimpleLicenseServiceConfig.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("\r")) || bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Error("config must be LF without a BOM")
	}
	// Walk the elements: the setting is a child of Configurations, off,
	// among siblings, each child indented by two spaces.
	dec := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	children, comments := 0, 0
	scramble := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			path = append(path, tok.Name.Local)
			if len(path) == 2 {
				children++
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		case xml.CharData:
			if strings.Join(path, "/") == "Configurations/UsageBasedBillingScramble" {
				scramble = string(tok)
			}
		case xml.Comment:
			comments++
		}
	}
	if scramble != "0" || children < 4 || comments == 0 {
		t.Errorf("scramble %q, %d settings, %d comments; want \"0\", several, a comment", scramble, children, comments)
	}
	if !bytes.Contains(data, []byte("\n  <UsageBasedBillingScramble>0</UsageBasedBillingScramble>\n")) {
		t.Error("the setting is not indented by two spaces on its own line")
	}
}

// FuzzRender: no clock and zone may panic, and whatever renders is
// well-formed.
func FuzzRender(f *testing.F) {
	f.Add(int64(1795012325), 3600)  // 2026-11-18
	f.Add(int64(1798761599), 0)     // last second of 2026
	f.Add(int64(1835395200), 50400) // leap day 2028, UTC+14
	f.Add(int64(0), -43200)         // 1970 at UTC-12: out of range
	f.Add(int64(-62135596800), 0)   // year 1
	f.Add(int64(253402300799), 0)   // 9999-12-31
	f.Add(int64(1<<62), 7)          // far future
	f.Add(int64(315532800), -1)     // 1980-01-01 minus a second west of UTC
	f.Fuzz(func(t *testing.T, unix int64, offset int) {
		loc := time.FixedZone("fuzz", offset%(15*3600))
		// The raw clock mostly falls outside the years the demo accepts;
		// fold it into them as well, so the simulation itself is fuzzed.
		first := time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		span := time.Date(maxYear, 12, 31, 0, 0, 0, 0, time.UTC).Unix() - first
		folded := first + (unix%span+span)%span
		for _, now := range []time.Time{time.Unix(unix, 0), time.Unix(folded, 0)} {
			files, err := render(now, loc)
			if err != nil {
				if y := now.In(loc).Year(); y >= minYear && y <= maxYear {
					t.Fatalf("%s: %v", now, err)
				}
				continue
			}
			for _, file := range files {
				if strings.HasSuffix(file.rel, ".log") {
					parseLog(t, file.data)
				}
				if len(file.data) == 0 && file.rel != "LS/citrix.log" {
					t.Errorf("%s is empty", file.rel)
				}
			}
		}
	})
}

func BenchmarkMaterialize(b *testing.B) {
	now := time.Date(2026, 11, 18, 14, 32, 5, 0, time.UTC)
	base := b.TempDir()
	n := 0
	for b.Loop() {
		n++
		dir := filepath.Join(base, strconv.Itoa(n))
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if _, err := Materialize(dir, now, time.UTC); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPastUploads checks the pile the demo ships: one success and two later
// failures, every zip a valid payload that the inspector accepts.
func TestPastUploads(t *testing.T) {
	now := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC) // the first two past uploads fall in October
	root := materialize(t, now, time.UTC)
	list, _, err := uploads.List(filepath.Join(root.Dir, "LS", "resource", "usage", "lsui"))
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []uploads.Outcome
	for _, u := range list {
		outcomes = append(outcomes, u.Outcome)
		rep := payload.InspectFile(context.Background(), u.Path, payload.DefaultLimits)
		if !rep.OK {
			t.Errorf("%s: %s", u.Name, rep.Verdict())
		}
		if rep.Manifest == nil || rep.Manifest.Generated != u.Time.Format(time.RFC3339) {
			t.Errorf("%s: manifest time does not match the name: %+v", u.Name, rep.Manifest)
		}
		if rep.Summary.Identities == 0 {
			t.Errorf("%s: no identities", u.Name)
		}
	}
	want := []uploads.Outcome{uploads.Success, uploads.Failed, uploads.Failed}
	if !slices.Equal(outcomes, want) {
		t.Errorf("outcomes %v, want %v", outcomes, want)
	}
	if list[0].Time.Month() != time.October {
		t.Errorf("oldest upload at %v, want October (built from that month's logs)", list[0].Time)
	}
}
