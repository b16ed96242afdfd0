package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// copyFixture puts a fixture in a fresh folder under the real file name.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "SimpleLicenseServiceConfig.xml")
	if err := os.WriteFile(path, fixture(t, name), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRead(t *testing.T) {
	tests := []struct {
		file     string
		present  bool
		shape    Shape
		scramble bool
		where    string
	}{
		{"element.xml", true, ShapeElement, true, "SimpleLicenseServiceConfig.xml:6"},
		{"element_crlf_bom.xml", true, ShapeElement, true, "SimpleLicenseServiceConfig.xml:5"},
		{"addkey.xml", true, ShapeAddKey, false, "SimpleLicenseServiceConfig.xml:9"},
		{"commented_out.xml", false, ShapeNone, false, "SimpleLicenseServiceConfig.xml"},
		{"trailing_comment.xml", false, ShapeNone, false, "SimpleLicenseServiceConfig.xml"},
		{"absent_tabs_crlf.xml", false, ShapeNone, false, "SimpleLicenseServiceConfig.xml"},
		{"appsettings_absent.xml", false, ShapeNone, false, "SimpleLicenseServiceConfig.xml"},
		{"no_configurations.xml", false, ShapeNone, false, "SimpleLicenseServiceConfig.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := copyFixture(t, tt.file)
			c, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.Present != tt.present || c.Shape != tt.shape || c.Scramble != tt.scramble {
				t.Errorf("got present=%v shape=%v scramble=%v, want %v %v %v",
					c.Present, c.Shape, c.Scramble, tt.present, tt.shape, tt.scramble)
			}
			if got := c.Location().String(); got != tt.where {
				t.Errorf("Location() = %q, want %q", got, tt.where)
			}
			if c.Path != path || !bytes.Equal(c.Raw, fixture(t, tt.file)) {
				t.Error("Path or Raw not as read")
			}
		})
	}
}

func TestReadValues(t *testing.T) {
	tests := []struct {
		value string
		on    bool
	}{
		{"1", true}, {"0", false}, {"true", true}, {"false", false}, {"TRUE", true},
		{"False", false}, {"tRuE", true}, {" \r\n\t1\n  ", true}, {"\tfalse ", false},
	}
	for _, tt := range tests {
		for _, doc := range []string{
			"<Configurations><UsageBasedBillingScramble>" + tt.value + "</UsageBasedBillingScramble></Configurations>",
			`<configuration><add key="UsageBasedBillingScramble" value="` + tt.value + `"/></configuration>`,
		} {
			c, err := parse("x.xml", []byte(doc))
			if err != nil {
				t.Errorf("%q: %v", doc, err)
				continue
			}
			if !c.Present || c.Scramble != tt.on {
				t.Errorf("%q: present=%v scramble=%v, want on=%v", doc, c.Present, c.Scramble, tt.on)
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want error
		text string // in the message
	}{
		{"mismatched end tag", fixtureText(t, "malformed.xml"), ErrMalformed, "x.xml:5: "},
		{"unclosed element", "<Configurations>\n<A>", ErrMalformed, "x.xml:2: "},
		{"empty file", "", ErrMalformed, "no root element"},
		{"only a declaration", `<?xml version="1.0"?>`, ErrMalformed, "no root element"},
		{"two roots", "<a/>\n<b/>", ErrMalformed, "x.xml:2: "},
		{"text after root", "<a/>junk", ErrMalformed, "text outside the root element"},
		{"repeated attribute", `<a><add key="k" key="UsageBasedBillingScramble" value="1"/></a>`, ErrMalformed, "repeated"},
		{"bad entity", "<a>&nbsp;</a>", ErrMalformed, "x.xml:1: "},
		{"invalid UTF-8", "<a>\xff</a>", ErrMalformed, ""},
		{"UTF-16 without a BOM", "<\x00a\x00/\x00>\x00", ErrMalformed, "UTF-16 without a byte order mark"},
		{"UTF-16 odd length", "\xff\xfe<\x00a\x00/\x00>", ErrMalformed, "odd number of bytes"},
		{"UTF-16 unpaired surrogate", "\xff\xfe<\x00a\x00\x00\xd8/\x00>\x00", ErrMalformed, "unpaired surrogate"},
		{"UTF-16 declared in a UTF-8 file", `<?xml version="1.0" encoding="utf-16"?><a/>`, ErrMalformed, "utf-16"},
		{"other encoding", `<?xml version="1.0" encoding="windows-1252"?><a/>`, ErrMalformed, "windows-1252"},
		{"unknown word", fixtureText(t, "unknown_value.xml"), ErrInvalidSetting, `x.xml:3: invalid UsageBasedBillingScramble setting: value "yes"`},
		{"unknown digit", "<Configurations><UsageBasedBillingScramble>2</UsageBasedBillingScramble></Configurations>", ErrInvalidSetting, `"2"`},
		{"unknown add value", `<c><add key="UsageBasedBillingScramble" value="on"/></c>`, ErrInvalidSetting, `"on"`},
		{"empty element", "<Configurations><UsageBasedBillingScramble/></Configurations>", ErrInvalidSetting, `""`},
		{"no value attribute", `<c><add key="UsageBasedBillingScramble"/></c>`, ErrInvalidSetting, "no value attribute"},
		{"character reference", "<Configurations><UsageBasedBillingScramble>&#49;</UsageBasedBillingScramble></Configurations>", ErrInvalidSetting, "plain text"},
		{"CDATA value", "<Configurations><UsageBasedBillingScramble><![CDATA[1]]></UsageBasedBillingScramble></Configurations>", ErrInvalidSetting, "plain text"},
		{"comment in value", "<Configurations><UsageBasedBillingScramble>1<!-- on --></UsageBasedBillingScramble></Configurations>", ErrInvalidSetting, "plain text"},
		{"child element in value", "<Configurations><UsageBasedBillingScramble><v>1</v></UsageBasedBillingScramble></Configurations>", ErrInvalidSetting, "holds an element"},
		{"element outside Configurations", "<Settings><UsageBasedBillingScramble>1</UsageBasedBillingScramble></Settings>", ErrInvalidSetting, "outside <Configurations>"},
		{"set twice", fixtureText(t, "duplicate.xml"), ErrInvalidSetting, "x.xml:5: invalid UsageBasedBillingScramble setting: UsageBasedBillingScramble is set twice (also on line 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse("x.xml", []byte(tt.doc))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if c != nil {
				t.Error("a Config came with the error")
			}
			if !strings.Contains(err.Error(), tt.text) || !strings.HasPrefix(err.Error(), "x.xml:") {
				t.Errorf("err = %q, want it to name the file and contain %q", err, tt.text)
			}
		})
	}
}

func TestReadMissing(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "SimpleLicenseServiceConfig.xml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
}

// TestEditPresent: only the value bytes change, in the value's own style,
// and toggling back gives the original bytes.
func TestEditPresent(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		old, new string // the one substring that must change
	}{
		{"element digits", fixtureText(t, "element.xml"), ">1<", ">0<"},
		{"element CRLF BOM True", fixtureText(t, "element_crlf_bom.xml"), "\tTrue\r", "\tFalse\r"},
		{"add key single quotes", fixtureText(t, "addkey.xml"), "'false'", "'true'"},
		{"lower", "<Configurations><UsageBasedBillingScramble>true</UsageBasedBillingScramble></Configurations>", ">true<", ">false<"},
		{"upper", "<Configurations>\n<UsageBasedBillingScramble> FALSE </UsageBasedBillingScramble>\n</Configurations>", " FALSE ", " TRUE "},
		{"title", `<c><add key="UsageBasedBillingScramble" value="False" /></c>`, `"False"`, `"True"`},
		{"zero", `<c><add value="0" key="USAGEBASEDBILLINGSCRAMBLE"/></c>`, `"0"`, `"1"`},
		{"declared us-ascii", "<?xml version=\"1.0\" encoding=\"us-ascii\"?>\n<Configurations><UsageBasedBillingScramble>1</UsageBasedBillingScramble></Configurations>", ">1<", ">0<"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Count(tt.doc, tt.old) != 1 {
				t.Fatalf("test case: %q must occur once", tt.old)
			}
			c, err := parse("x.xml", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.Edit(!c.Scramble)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Replace(tt.doc, tt.old, tt.new, 1); string(out) != want {
				t.Fatalf("Edit(%v):\n got %q\nwant %q", !c.Scramble, out, want)
			}
			again, err := parse("x.xml", out)
			if err != nil {
				t.Fatal(err)
			}
			if again.Scramble == c.Scramble || again.Shape != c.Shape {
				t.Errorf("after Edit: scramble=%v shape=%v", again.Scramble, again.Shape)
			}
			back, err := again.Edit(c.Scramble)
			if err != nil {
				t.Fatal(err)
			}
			if string(back) != tt.doc {
				t.Errorf("toggling back:\n got %q\nwant %q", back, tt.doc)
			}
			same, _ := c.Edit(c.Scramble)
			if string(same) != tt.doc {
				t.Error("Edit to the current state changed the bytes")
			}
		})
	}
}

func TestEditMixedCaseWordBecomesLower(t *testing.T) {
	c, err := parse("x.xml", []byte("<Configurations><UsageBasedBillingScramble>tRuE</UsageBasedBillingScramble></Configurations>"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Edit(false)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<Configurations><UsageBasedBillingScramble>false</UsageBasedBillingScramble></Configurations>"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestEditInsert: an absent setting is inserted as the last real child,
// indented like its siblings; turning it off again leaves it present at 0.
func TestEditInsert(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"after last real child, comment and CDATA are not settings", fixtureText(t, "commented_out.xml"), fixtureText(t, "commented_out.on.xml")},
		{"before a trailing commented-out setting", fixtureText(t, "trailing_comment.xml"), fixtureText(t, "trailing_comment.on.xml")},
		{"tabs, CRLF and BOM", fixtureText(t, "absent_tabs_crlf.xml"), fixtureText(t, "absent_tabs_crlf.on.xml")},
		{"no children yet", fixtureText(t, "empty_configurations.xml"), fixtureText(t, "empty_configurations.on.xml")},
		{"appSettings add key", fixtureText(t, "appsettings_absent.xml"), fixtureText(t, "appsettings_absent.on.xml")},
		{"one line", "<Configurations><A/></Configurations>", "<Configurations><A/><UsageBasedBillingScramble>1</UsageBasedBillingScramble></Configurations>"},
		{"empty on one line", "<Configurations></Configurations>\n",
			"<Configurations>\n  <UsageBasedBillingScramble>1</UsageBasedBillingScramble>\n</Configurations>\n"},
		{"self-closing", "<?xml version=\"1.0\"?>\r\n<Configurations />\r\n",
			"<?xml version=\"1.0\"?>\r\n<Configurations >\r\n  <UsageBasedBillingScramble>1</UsageBasedBillingScramble>\r\n</Configurations>\r\n"},
		{"nested and tab indented", "<a>\n\t<Configurations/>\n</a>",
			"<a>\n\t<Configurations>\n\t\t<UsageBasedBillingScramble>1</UsageBasedBillingScramble>\n\t</Configurations>\n</a>"},
		{"appSettings non-self-closing add", "<c>\n  <appSettings>\n    <add key=\"a\" value=\"b\"></add>\n  </appSettings>\n</c>",
			"<c>\n  <appSettings>\n    <add key=\"a\" value=\"b\"></add>\n    <add key=\"UsageBasedBillingScramble\" value=\"1\"></add>\n  </appSettings>\n</c>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse("x.xml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if c.Present {
				t.Fatal("test case: setting must be absent")
			}
			if off, _ := c.Edit(false); string(off) != tt.in {
				t.Error("Edit(false) of an absent setting changed the file")
			}
			on, err := c.Edit(true)
			if err != nil {
				t.Fatal(err)
			}
			if string(on) != tt.want {
				t.Fatalf("Edit(true):\n got %q\nwant %q", on, tt.want)
			}
			c2, err := parse("x.xml", on)
			if err != nil {
				t.Fatal(err)
			}
			if !c2.Present || !c2.Scramble {
				t.Fatal("inserted setting not read back as on")
			}
			off, err := c2.Edit(false)
			if err != nil {
				t.Fatal(err)
			}
			c3, err := parse("x.xml", off)
			if err != nil {
				t.Fatal(err)
			}
			// Documented: on→off leaves the inserted setting at 0.
			if !c3.Present || c3.Scramble || c3.Shape != c2.Shape {
				t.Errorf("after on→off: present=%v scramble=%v shape=%v", c3.Present, c3.Scramble, c3.Shape)
			}
			if len(off) != len(on) {
				t.Errorf("on→off changed more than the value: %q", off)
			}
		})
	}
}

func TestEditNowhereToInsert(t *testing.T) {
	tests := []struct {
		name, doc string
		want      error
	}{
		{"no Configurations", fixtureText(t, "no_configurations.xml"), ErrNoConfigurations},
		{"appSettings without add", "<c><appSettings></appSettings></c>", ErrNoConfigurations},
		{"two Configurations", "<r><Configurations/><Configurations/></r>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse("x.xml", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.Edit(true)
			if err == nil || out != nil {
				t.Fatalf("Edit(true) = %q, %v; want an error", out, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "x.xml: ") {
				t.Errorf("err = %q does not name the file", err)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	for _, name := range []string{"element.xml", "element_crlf_bom.xml", "addkey.xml", "absent_tabs_crlf.xml"} {
		t.Run(name, func(t *testing.T) {
			path := copyFixture(t, name)
			if err := os.Chmod(path, 0o640); err != nil {
				t.Fatal(err)
			}
			original := fixture(t, name)
			c, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			was := c.Scramble
			want, err := c.Edit(!was)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Write(!was); err != nil {
				t.Fatal(err)
			}
			assertFile(t, path, want)
			assertFile(t, path+".bak", original)
			if c.Scramble == was || !c.Present || !bytes.Equal(c.Raw, want) {
				t.Errorf("Config after Write: scramble=%v present=%v", c.Scramble, c.Present)
			}
			if runtime.GOOS != "windows" {
				for _, p := range []string{path, path + ".bak"} {
					if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o640 {
						t.Errorf("%s: mode %v, %v; want 0640", filepath.Base(p), fi.Mode().Perm(), err)
					}
				}
			}

			// A second Write works from the updated Config; the backup is one deep.
			if err := c.Write(was); err != nil {
				t.Fatal(err)
			}
			assertFile(t, path+".bak", want)
			if c.Scramble != was {
				t.Errorf("Config after second Write: scramble=%v, want %v", c.Scramble, was)
			}
			if fixtureHasSetting(original) {
				// Toggled twice: the original bytes exactly.
				assertFile(t, path, original)
			} else if !c.Present || c.Scramble {
				t.Errorf("absent setting after on→off: present=%v scramble=%v, want present at 0", c.Present, c.Scramble)
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
		})
	}
}

func fixtureHasSetting(b []byte) bool {
	c, err := parse("x", b)
	return err == nil && c.Present
}

func TestWriteSameStateWritesNothing(t *testing.T) {
	path := copyFixture(t, "element.xml")
	c, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".bak"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a backup was made for a write that changed nothing: %v", err)
	}
}

func TestWriteRefusesChangedFile(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
	}{
		{"content changed, same size and time", func(t *testing.T, path string) {
			fi, _ := os.Stat(path)
			b, _ := os.ReadFile(path)
			b = bytes.Replace(b, []byte("27000"), []byte("27001"), 1)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
		{"time changed", func(t *testing.T, path string) {
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
		}},
		{"replaced by malformed XML", func(t *testing.T, path string) {
			if err := os.WriteFile(path, fixture(t, "malformed.xml"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"deleted", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := copyFixture(t, "element.xml")
			c, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, path)
			before, _ := os.ReadFile(path)
			err = c.Write(false)
			if err == nil {
				t.Fatal("Write succeeded on a file changed since Read")
			}
			if _, statErr := os.Stat(path); statErr == nil {
				if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), "changed on disk since it was read; reload") {
					t.Errorf("err = %v, want ErrChanged", err)
				}
				assertFile(t, path, before)
			}
			if _, err := os.Stat(path + ".bak"); !errors.Is(err, fs.ErrNotExist) {
				t.Error("a backup was written by a refused Write")
			}
		})
	}
}

func TestMalformedIsNeverWritten(t *testing.T) {
	path := copyFixture(t, "malformed.xml")
	c, err := Read(path)
	if !errors.Is(err, ErrMalformed) || c != nil {
		t.Fatalf("Read = %v, %v; want ErrMalformed and no Config", c, err)
	}
	if !strings.Contains(err.Error(), path+":5: ") {
		t.Errorf("err = %q does not name file and line", err)
	}
	if _, err := Create(path, true); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create over a malformed file: %v, want fs.ErrExist", err)
	}
	assertFile(t, path, fixture(t, "malformed.xml"))
}

// TestWriteReadOnly: lsui refuses a file marked read-only even as root (who
// could replace it), because the mark is the admin's decision.
func TestWriteReadOnly(t *testing.T) {
	path := copyFixture(t, "element.xml")
	c, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(path, 0o644)
	// Chmod changes the ctime only; Read's snapshot (size, mtime, hash) still matches.
	err = c.Write(false)
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want ErrReadOnly naming the file", err)
	}
	assertFile(t, path, fixture(t, "element.xml"))
}

// TestWriteReadOnlyFolder needs a user the OS denies; root is never denied.
func TestWriteReadOnlyFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("folder permission bits do not apply on Windows")
	}
	if os.Geteuid() == 0 {
		t.Skip("running as root: the OS lets root write into a read-only folder, so the refusal cannot be observed")
	}
	path := copyFixture(t, "element.xml")
	c, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if err := c.Write(false); err == nil {
		t.Fatal("Write into a read-only folder succeeded")
	}
	assertFile(t, path, fixture(t, "element.xml"))
}

func TestCreate(t *testing.T) {
	for _, on := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "SimpleLicenseServiceConfig.xml")
		c, err := Create(path, on)
		if err != nil {
			t.Fatal(err)
		}
		want := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Configurations>\n  <UsageBasedBillingScramble>" +
			digit(on) + "</UsageBasedBillingScramble>\n</Configurations>\n"
		assertFile(t, path, []byte(want))
		if c.Scramble != on || !c.Present || c.Shape != ShapeElement || c.Location().Line != 3 {
			t.Errorf("created config reads as %+v", c)
		}
		if err := c.Write(!on); err != nil {
			t.Errorf("Write after Create: %v", err)
		}
		if _, err := Create(path, on); !errors.Is(err, fs.ErrExist) {
			t.Errorf("second Create: %v, want fs.ErrExist", err)
		}
	}
	if _, err := Create(filepath.Join(t.TempDir(), "missing", "x.xml"), true); err == nil {
		t.Error("Create in a missing folder succeeded")
	}
}

func TestLocationString(t *testing.T) {
	tests := []struct {
		loc  Location
		want string
	}{
		{Location{filepath.Join("a", "WebServicesForLicensing", "SimpleLicenseServiceConfig.xml"), 4}, "SimpleLicenseServiceConfig.xml:4"},
		{Location{"SimpleLicenseServiceConfig.xml", 0}, "SimpleLicenseServiceConfig.xml"},
	}
	for _, tt := range tests {
		if got := tt.loc.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.loc, got, tt.want)
		}
	}
}

func assertFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", filepath.Base(path), got, want)
	}
}

// FuzzEdit: any file that reads can be toggled, the toggle reads back as the
// new state, and a present setting toggled twice gives the original bytes
// (except for mixed-case words, which are written in lower case).
func FuzzEdit(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("<Configurations/>"))
	f.Add(toUTF16("<Configurations><UsageBasedBillingScramble>1</UsageBasedBillingScramble></Configurations>", false))
	f.Add(toUTF16("<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<Configurations>\r\n</Configurations>", true))
	f.Add([]byte("<c><appSettings><add key='a' value='b'/></appSettings></c>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := parse("x.xml", raw)
		if err != nil {
			return
		}
		// The same text in UTF-16 reads the same and edits to the same text.
		if c.enc == encUTF8 && !bytes.HasPrefix(raw, utf8BOM) && utf8.Valid(raw) {
			for _, be := range []bool{false, true} {
				c16, err := parse("x.xml", toUTF16(string(raw), be))
				if err != nil {
					t.Fatalf("UTF-16 (big endian %v) of %q: %v", be, raw, err)
				}
				if c16.Scramble != c.Scramble || c16.Present != c.Present {
					t.Fatalf("UTF-16 of %q reads %v, UTF-8 %v", raw, c16.Scramble, c.Scramble)
				}
				out8, err8 := c.Edit(!c.Scramble)
				out16, err16 := c16.Edit(!c.Scramble)
				if (err8 == nil) != (err16 == nil) || err8 == nil && !bytes.Equal(out16, toUTF16(string(out8), be)) {
					t.Fatalf("UTF-16 edit of %q differs: %q / %v vs %q / %v", raw, out16, err16, out8, err8)
				}
			}
		}
		out, err := c.Edit(!c.Scramble)
		if err != nil {
			if c.Present || !(errors.Is(err, ErrNoConfigurations) || strings.Contains(err.Error(), "<Configurations> elements")) {
				t.Fatalf("Edit(%v) of %q: %v", !c.Scramble, raw, err)
			}
			return
		}
		c2, err := parse("x.xml", out)
		if err != nil {
			t.Fatalf("Edit made %q unreadable: %v", out, err)
		}
		if c2.Scramble == c.Scramble || !c2.Present {
			t.Fatalf("Edit(%v) of %q reads back as %v", !c.Scramble, raw, c2.Scramble)
		}
		back, err := c2.Edit(c.Scramble)
		if err != nil {
			t.Fatalf("toggling %q back: %v", out, err)
		}
		if !c.Present {
			return
		}
		v := c.text[c.doc.value.start:c.doc.value.end]
		if valueIn(v, c.Scramble) == string(v) && !bytes.Equal(back, raw) {
			t.Fatalf("toggling twice:\n got %q\nwant %q", back, raw)
		}
	})
}

func fixtureText(t testing.TB, name string) string {
	t.Helper()
	return string(fixture(t, name))
}
