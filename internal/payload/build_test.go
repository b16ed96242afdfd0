package payload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/scramble"
)

// fixtureNow is inside the fixture's month (November 2026, UTC).
var fixtureNow = time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)

// copyFixture copies testdata/root to a fresh folder: building writes the
// server id into lsui.json and the zip into LS/resource/usage.
func copyFixture(t testing.TB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "Licensing")
	if err := os.CopyFS(dst, os.DirFS("testdata/root")); err != nil {
		t.Fatal(err)
	}
	return dst
}

func loadFixture(t testing.TB, root string) *model.Snapshot {
	t.Helper()
	udadmin, err := filepath.Abs("testdata/udadmin.txt")
	if err != nil {
		t.Fatal(err)
	}
	s, err := model.Load(context.Background(), model.Options{
		Root: root, Now: fixtureNow, Location: time.UTC, UdadminFile: udadmin, NoExec: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// setScramble writes the anonymization setting as Citrix's config holds it.
func setScramble(t testing.TB, root string, on bool) {
	t.Helper()
	v := "0"
	if on {
		v = "1"
	}
	doc := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Configurations>\n  <UsageBasedBillingScramble>" + v +
		"</UsageBasedBillingScramble>\n</Configurations>\n"
	path := filepath.Join(root, "WebServicesForLicensing", model.ConfigFileName)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileSHA256(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestBuildRoundTrip(t *testing.T) {
	root := copyFixture(t)
	s := loadFixture(t, root)
	if len(s.Usage.Identities) < 5 || len(s.Lines) == 0 {
		t.Fatalf("fixture loaded %d identities and %d licence lines; problems %v",
			len(s.Usage.Identities), len(s.Lines), s.Problems)
	}
	b, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(uploads.Dir(s.Layout.UsageDir), uploads.FileName(fixtureNow))
	if b.Path != want {
		t.Errorf("path %s, want %s", b.Path, want)
	}
	st, err := os.Stat(b.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != b.Size {
		t.Errorf("Built.Size %d, file has %d bytes", b.Size, st.Size())
	}
	if got := fileSHA256(t, b.Path); got != b.SHA256 {
		t.Errorf("Built.SHA256 %s, file hashes to %s", b.SHA256, got)
	}

	rep := InspectFile(context.Background(), b.Path, DefaultLimits)
	if !rep.OK {
		t.Fatalf("own payload rejected: %s\n%v", rep.Verdict(), rep.Problems)
	}
	if !strings.HasPrefix(rep.Verdict(), "LSUI: ") {
		t.Errorf("verdict %q", rep.Verdict())
	}
	sum := rep.Summary
	if sum.Licenses != len(s.Lines) || sum.Features != len(s.Usage.Features) ||
		sum.Identities != len(s.Usage.Identities) || sum.LicenceFiles != 2 || sum.Scrambled {
		t.Errorf("summary %+v; snapshot has %d lines, %d features, %d identities",
			sum, len(s.Lines), len(s.Usage.Features), len(s.Usage.Identities))
	}
	if sum.PlaintextIdentitiesFound != sum.Identities {
		t.Errorf("plain payload: %d of %d identities counted as plain", sum.PlaintextIdentitiesFound, sum.Identities)
	}

	m := rep.Manifest
	if m == nil {
		t.Fatal("no manifest in the report")
	}
	settings, err := model.ReadSettings(filepath.Join(s.Layout.ConfigDir, model.SettingsFileName))
	if err != nil {
		t.Fatal(err)
	}
	if m.Server.ID == "" || m.Server.ID != settings.ServerID {
		t.Errorf("server id %q, lsui.json keeps %q", m.Server.ID, settings.ServerID)
	}
	if m.Server.Host != "ctxlic01.corp.example" || m.Server.Version == "" {
		t.Errorf("server %+v", m.Server)
	}
	if m.Schema != Schema || m.Month != "2026-11" || m.Timezone != "UTC" ||
		m.Generated != "2026-11-15T12:00:00Z" || m.Anonymization.Enabled || m.Anonymization.KeyFingerprint != "" {
		t.Errorf("manifest %+v", m)
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
	}
	wantNames := "licenses/Retail_CRLF.lic licenses/citrix_startup.lic inventory.json usage.json"
	if strings.Join(names, " ") != wantNames {
		t.Errorf("manifest files %v, want %s", names, wantNames)
	}
	if len(rep.Entries) != 5 || rep.Entries[4].Name != ManifestName {
		t.Errorf("entries %+v", rep.Entries)
	}
	for _, e := range rep.Entries {
		if e.Method != "deflate" {
			t.Errorf("%s stored with %s, want deflate", e.Name, e.Method)
		}
	}

	// Licence files go in byte for byte (BOM and CRLF included).
	for _, lic := range []string{"Retail_CRLF.lic", "citrix_startup.lic"} {
		got, err := ReadEntry(context.Background(), b.Path, LicenceDir+lic, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		disk, _ := os.ReadFile(filepath.Join(s.Layout.MyFiles, lic))
		if !bytes.Equal(got, disk) {
			t.Errorf("%s differs from the file on disk", lic)
		}
	}

	var u struct {
		model.UsageRecord
		Editions []EditionRecord `json:"editions"`
	}
	data, err := ReadEntry(context.Background(), b.Path, UsageName, 16<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &u); err != nil {
		t.Fatalf("usage.json: %v\n%s", err, data)
	}
	plain := model.NewUsageRecord(s.Usage, nil)
	if u.Month != plain.Month || len(u.Identities) != len(plain.Identities) || len(u.Days) != 30 ||
		len(u.Features) != len(plain.Features) {
		t.Errorf("usage.json %+v", u.UsageRecord)
	}
	for i := range plain.Identities {
		if g, w := u.Identities[i], plain.Identities[i]; g.Name != w.Name || g.Kind != w.Kind ||
			g.FirstSeen != w.FirstSeen || g.LastSeen != w.LastSeen || strings.Join(g.Features, ",") != strings.Join(w.Features, ",") {
			t.Errorf("identity %d: %+v, want %+v", i, g, w)
		}
	}
	editions := map[string]EditionRecord{}
	for _, e := range u.Editions {
		editions[e.ProductCode+"_"+e.EditionCode] = e
	}
	if e := editions["XDT_PLT"]; e.Edition != "Premium" || e.Users == 0 || e.Devices != 1 {
		t.Errorf("XDT_PLT edition %+v (all: %+v)", e, u.Editions)
	}

	var inv inventory
	data, err = ReadEntry(context.Background(), b.Path, InventoryName, 16<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &inv); err != nil {
		t.Fatal(err)
	}
	if len(inv.Licenses) != len(s.Lines) || len(inv.Entitlements) != len(s.Entitlements) ||
		len(inv.Expirations) != len(s.Expirations) || inv.Errors == nil {
		t.Errorf("inventory: %d licences, %d entitlements, %d expirations",
			len(inv.Licenses), len(inv.Entitlements), len(inv.Expirations))
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	root := copyFixture(t)
	s := loadFixture(t, root)
	dir := t.TempDir()
	var sums []string
	for _, name := range []string{"a.zip", "b.zip"} {
		b, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow, Out: filepath.Join(dir, name)})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, b.SHA256)
	}
	if sums[0] != sums[1] {
		t.Errorf("same snapshot and clock gave two zips: %s, %s", sums[0], sums[1])
	}
}

func TestBuildScrambled(t *testing.T) {
	root := copyFixture(t)
	setScramble(t, root, true)
	key, _, err := scramble.EnsureKey(filepath.Join(root, "WebServicesForLicensing"), fixtureNow)
	if err != nil {
		t.Fatal(err)
	}
	s := loadFixture(t, root)
	if s.Config == nil || !s.Config.Scramble {
		t.Fatalf("fixture config does not read as scrambled: %v", s.ConfigErr)
	}
	b, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	rep := InspectFile(context.Background(), b.Path, DefaultLimits)
	if !rep.OK {
		t.Fatalf("rejected: %v", rep.Problems)
	}
	if !rep.Summary.Scrambled || rep.Summary.PlaintextIdentitiesFound != 0 ||
		rep.Summary.Identities != len(s.Usage.Identities) {
		t.Errorf("summary %+v", rep.Summary)
	}
	if rep.Manifest.Anonymization.KeyFingerprint != key.Fingerprint() || !rep.Manifest.Anonymization.Enabled {
		t.Errorf("anonymization %+v, key %s", rep.Manifest.Anonymization, key.Fingerprint())
	}

	// No plain name in any entry, in any case. The names are the model's
	// first spellings; a case-insensitive search covers the others.
	var names []string
	for _, id := range s.Usage.Identities {
		names = append(names, id.Name)
	}
	names = append(names, `CORP\ken smith`, `CORP\frank`, "KIOSK-07", "Zoë.Müller")
	for _, e := range rep.Entries {
		data, err := ReadEntry(context.Background(), b.Path, e.Name, 64<<20)
		if err != nil {
			t.Fatal(err)
		}
		lower := strings.ToLower(string(data))
		for _, n := range names {
			for _, form := range []string{n, jsonString(n)} {
				if strings.Contains(lower, strings.ToLower(form)) {
					t.Errorf("entry %s contains the plain name %q", e.Name, n)
				}
			}
		}
	}

	// Each pseudonym is the key's HMAC of the name: the cloud can follow
	// an identity from month to month.
	data, _ := ReadEntry(context.Background(), b.Path, UsageName, 16<<20)
	var u model.UsageRecord
	if err := json.Unmarshal(data, &u); err != nil {
		t.Fatal(err)
	}
	scr := key.Scrambler()
	for i, id := range s.Usage.Identities {
		want, _ := scr.Pseudonym(id.Name)
		if u.Identities[i].Name != want {
			t.Errorf("identity %d uploaded as %q, want %q", i, u.Identities[i].Name, want)
		}
	}
}

// jsonString is name as encoding/json writes it inside quotes.
func jsonString(name string) string {
	b, _ := json.Marshal(name)
	return string(b[1 : len(b)-1])
}

func TestBuildRefusesWithoutKey(t *testing.T) {
	root := copyFixture(t)
	setScramble(t, root, true)
	s := loadFixture(t, root)
	for _, tc := range []struct {
		name string
		key  *scramble.Key
	}{
		{"no key", nil},
		{"preview key", scramble.PreviewKey()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow, Key: tc.key})
			if !errors.Is(err, ErrScrambleKey) {
				t.Errorf("err %v, want ErrScrambleKey", err)
			}
			if entries, _ := os.ReadDir(uploads.Dir(s.Layout.UsageDir)); len(entries) != 0 {
				t.Errorf("left files behind: %v", entries)
			}
		})
	}
}

func TestBuildRefusesUnreadableSetting(t *testing.T) {
	root := copyFixture(t)
	path := filepath.Join(root, "WebServicesForLicensing", model.ConfigFileName)
	if err := os.WriteFile(path, []byte("<Configurations><UsageBasedBillingScramble>maybe</UsageBasedBillingScramble></Configurations>"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := loadFixture(t, root)
	if s.ConfigErr == nil {
		t.Fatal("fixture: the config should not read")
	}
	if _, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow}); err == nil ||
		!strings.Contains(err.Error(), "cannot tell whether anonymization is on") {
		t.Errorf("err %v", err)
	}
}

func TestBuildWithoutConfigFileIsPlain(t *testing.T) {
	root := copyFixture(t)
	if err := os.Remove(filepath.Join(root, "WebServicesForLicensing", model.ConfigFileName)); err != nil {
		t.Fatal(err)
	}
	s := loadFixture(t, root)
	b, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	if b.Manifest.Anonymization.Enabled {
		t.Error("a missing config means anonymization off")
	}
}

// uploadNames lists what a listing of payloads would see in dir.
func uploadNames(t *testing.T, dir string) (finals, others []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := uploads.ParseName(e.Name()); ok {
			finals = append(finals, e.Name())
		} else {
			others = append(others, e.Name())
		}
	}
	return finals, others
}

func TestBuildHook(t *testing.T) {
	crash := errors.New("simulated crash")
	for _, tc := range []struct {
		step       string
		wantFinal  bool
		wantLeftTm bool
	}{
		{StepWrittenTemp, false, true},
		{StepRenamed, true, false},
	} {
		t.Run(tc.step, func(t *testing.T) {
			root := copyFixture(t)
			s := loadFixture(t, root)
			var steps []string
			_, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow, Hook: func(step string) error {
				steps = append(steps, step)
				if step == tc.step {
					return crash
				}
				return nil
			}})
			if !errors.Is(err, crash) {
				t.Fatalf("err %v", err)
			}
			if steps[len(steps)-1] != tc.step {
				t.Errorf("steps %v", steps)
			}
			finals, others := uploadNames(t, uploads.Dir(s.Layout.UsageDir))
			if (len(finals) == 1) != tc.wantFinal || len(finals) > 1 {
				t.Errorf("final zips %v", finals)
			}
			if (len(others) == 1) != tc.wantLeftTm || len(others) > 1 {
				t.Errorf("other files %v", others)
			}
			for _, f := range finals {
				if rep := InspectFile(context.Background(), filepath.Join(uploads.Dir(s.Layout.UsageDir), f), DefaultLimits); !rep.OK {
					t.Errorf("zip under a final name is not whole: %s", rep.Verdict())
				}
			}
		})
	}
}

func TestBuildCancelledLeavesNothing(t *testing.T) {
	root := copyFixture(t)
	s := loadFixture(t, root)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, s, BuildOptions{Now: fixtureNow}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	finals, others := uploadNames(t, uploads.Dir(s.Layout.UsageDir))
	if len(finals)+len(others) != 0 {
		t.Errorf("left %v %v", finals, others)
	}
}

func TestBuildRefusesToReplaceDefault(t *testing.T) {
	root := copyFixture(t)
	s := loadFixture(t, root)
	first, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	before := fileSHA256(t, first.Path)
	if _, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow}); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Errorf("second build in the same second: err %v", err)
	}
	if fileSHA256(t, first.Path) != before {
		t.Error("the first payload changed")
	}
}

func TestBuildRefusesUnsafeLicenceName(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows file names cannot hold a backslash or a control character")
	}
	for _, name := range []string{`evil\name.lic`, "esc\x1b[2J.lic"} {
		root := copyFixture(t)
		if err := os.WriteFile(filepath.Join(root, "MyFiles", name), []byte("# x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		s := loadFixture(t, root)
		if _, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow}); err == nil ||
			!strings.Contains(err.Error(), "rename it") {
			t.Errorf("%q: err %v", name, err)
		}
	}
}

func TestBuildWithoutLicenceFolder(t *testing.T) {
	root := copyFixture(t)
	if err := os.RemoveAll(filepath.Join(root, "MyFiles")); err != nil {
		t.Fatal(err)
	}
	s := loadFixture(t, root)
	b, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	rep := InspectFile(context.Background(), b.Path, DefaultLimits)
	if !rep.OK || rep.Summary.LicenceFiles != 0 || rep.Summary.Licenses != 0 {
		t.Errorf("%s %+v", rep.Verdict(), rep.Summary)
	}
}

func TestPseudonymLenMatchesScramble(t *testing.T) {
	if pseudonymLen != scramble.PseudonymLen {
		t.Fatalf("pseudonymLen %d, scramble.PseudonymLen %d", pseudonymLen, scramble.PseudonymLen)
	}
	key, err := scramble.NewKey(bytes.Repeat([]byte{7}, scramble.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := key.Scrambler().Pseudonym("alice@corp.example")
	if !LooksPseudonymized(p) {
		t.Errorf("a real pseudonym %q does not look pseudonymized", p)
	}
}

func TestZoneLabel(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	local := time.FixedZone("Local", 0) // named like time.Local, which tests cannot change safely
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "UTC"},
		{time.Date(2026, 11, 1, 0, 0, 0, 0, paris), "Europe/Paris"},
		{time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("Local", -(5*3600+30*60))), "Local (Local, UTC-05:30)"},
		{time.Date(2026, 11, 1, 0, 0, 0, 0, local), "Local (Local, UTC+00:00)"},
	}
	for _, tc := range tests {
		if got := zoneLabel(tc.t); got != tc.want {
			t.Errorf("zoneLabel(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

// inventory.json streamed record by record is byte for byte what
// json.Encoder writes for the whole inventory, nil and empty lists alike.
func TestInventoryStreamEqualsEncoder(t *testing.T) {
	recs := make([]model.LicenceRecord, 1000)
	for i := range recs {
		recs[i].File = fmt.Sprintf("MyFiles/f%04d<&>.lic", i)
	}
	for _, inv := range []inventory{
		{},
		{Licenses: []model.LicenceRecord{}, Errors: []model.ErrorRecord{}},
		{Licenses: recs, Expirations: []model.ExpirationRecord{{}}, Entitlements: make([]model.EntitlementRecord, 3)},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(inv); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(iotest.OneByteReader(newInventoryStream(inv)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("streamed %d bytes, encoder %d:\n%.200s\n%.200s", len(got), want.Len(), got, want.Bytes())
		}
	}
}
