package main

// Terminal safety of the CLI (issue 7): every string that comes from disk
// (licence files, file names, debug logs, the udadmin listing, the journal)
// reaches the terminal only through internal/sanitize. The tests below plant
// hostile bytes in each of those places of a demo root and read what the
// commands print.

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
)

// Sequences a terminal acts on. Each has no white space, so it survives
// as part of one licence-file or log token.
const (
	seqClear     = "\x1b[2J\x1b[H"                                         // clear the screen, cursor home
	seqOSC52     = "\x1b]52;c;cm0gLXJmIH4K\x07"                            // write the clipboard (no "=": a token with one is KEY=value)
	seqOSC8      = "\x1b]8;;https://evil.example/\x1b\\here\x1b]8;;\x1b\\" // plant a hyperlink
	seqC1CSI     = "\u009b31m"                                             // 8-bit CSI, as UTF-8 (C2 9B)
	seqC1OSC     = "\u009d0;pwned\u009c"                                   // 8-bit OSC retitling the window, ended by 8-bit ST
	seqRawC1     = "\x9b1;1H"                                              // 8-bit CSI as a raw byte (not UTF-8)
	seqBidi      = "\u202egnp.exe"                                         // right-to-left override
	seqIsolate   = "\u2067x\u2069"                                         // right-to-left isolate
	seqTitle     = "\x1b]0;owned\x1b\\"                                    // window title, ST-terminated
	hostileToken = "Evil" + seqClear + seqOSC52 + seqOSC8 + seqC1CSI + seqC1OSC + seqRawC1 + seqBidi + seqIsolate + seqTitle + "Corp"
)

// terminalHazards lists what a text-mode output must never contain: C0
// controls other than newline and tab, DEL, C1 controls, bytes that are not
// UTF-8 (a raw 0x9B is CSI to an 8-bit terminal) and format characters
// (bidi overrides and isolates, zero-width characters).
func terminalHazards(out string) []string {
	var found []string
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			found = append(found, fmt.Sprintf("byte %#x at %d (not UTF-8)", out[i], i))
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f:
			found = append(found, fmt.Sprintf("control %U at %d", r, i))
		case r >= 0x80 && r <= 0x9f:
			found = append(found, fmt.Sprintf("C1 control %U at %d", r, i))
		case unicode.Is(unicode.Cf, r):
			found = append(found, fmt.Sprintf("format character %U at %d", r, i))
		}
		i += size
	}
	return found
}

func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	if h := terminalHazards(out); len(h) > 0 {
		if len(h) > 5 {
			h = append(h[:5], fmt.Sprintf("and %d more", len(h)-5))
		}
		t.Errorf("%s carries terminal control: %s", what, strings.Join(h, "; "))
	}
}

func writeHardeningFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostileRoot is the demo root (fixed clock 2026-11-27) with hostile bytes
// planted wherever the CLI reads text: a licence file whose very name is
// hostile, with a hostile feature (expiring in 10 days, so `check` names
// it), licence type, NOTICE, serial and host id; a malformed line quoting
// hostile bytes; a debug log with a hostile user name and feature; a
// udadmin listing with a hostile user and device; and a "log" that cannot
// be read, whose hostile name comes back in a warning.
func hostileRoot(t *testing.T) (root, udadmin string) {
	t.Helper()
	root = demoRoot(t)
	lic := "SERVER this_host HOSTNAME=" + hostileToken + "\n" +
		"VENDOR CITRIX\n" +
		"INCREMENT XDT_" + hostileToken + "_UD CITRIX 2025.0630 07-dec-2026 10 \\\n" +
		"\tVENDOR_STRING=;LT=Retail" + hostileToken + ";GP=720;SA=1;LP=90;ODP=10 \\\n" +
		"\tNOTICE=\"" + hostileToken + " with spaces " + hostileToken + "\" SN=" + hostileToken + " HOSTID=" + hostileToken + "\n" +
		"INCRMENT" + hostileToken + " XDT_PLT_UD CITRIX\n" +
		"INCREMENT " + hostileToken + " CITRIX 2025.0630 07-dec-2026 " + hostileToken + "\n"
	writeHardeningFile(t, filepath.Join(root, "MyFiles", "evil"+seqClear+seqBidi+seqRawC1+".lic"), lic)

	log := " 8:00:00 (lmgrd) TIMESTAMP 11/20/2026\n" +
		" 8:14:51 (CITRIX) OUT: \"XDT_PLT_UD\" " + hostileToken + "@corp.example\n" +
		" 8:15:00 (CITRIX) OUT: \"XDT_" + hostileToken + "_UD\" mallory@corp.example\n" +
		" 8:16:00 (CITRIX) DENIED: \"" + hostileToken + "\" eve@corp.example  (" + hostileToken + ")\n"
	writeHardeningFile(t, filepath.Join(root, "LS", "hostile.log"), log)
	// A folder named like a log: opening works, reading fails, and the
	// warning names it.
	if err := os.MkdirAll(filepath.Join(root, "LS", "unreadable"+seqOSC52+seqBidi+".log"), 0o755); err != nil {
		t.Fatal(err)
	}

	// A journal record whose error text (from an endpoint's response) is
	// hostile: `payload list` shows it as the note.
	dir := filepath.Join(root, "LS", "resource", "usage", "lsui")
	j, err := uploads.ReadJournal(dir)
	if err != nil || len(j.Records) == 0 {
		t.Fatalf("demo journal: %v, %d records", err, len(j.Records))
	}
	r := j.Records[len(j.Records)-1]
	r.Error = hostileToken
	j.Set(r)
	if err := j.Save(); err != nil {
		t.Fatal(err)
	}

	udadmin = filepath.Join(t.TempDir(), "udadmin.txt")
	writeHardeningFile(t, udadmin, "Users:\n "+hostileToken+"@corp.example XDT_PLT_UD 2025.0630 (Mon Nov 23 08:14:51 2026)\n"+
		" broken row "+hostileToken+" (not a time)\n"+
		"Devices:\n KIOSK"+hostileToken+" XDT_PLT_UD 2025.0630 (Mon Nov 23 09:01:33 2026)\n")
	return root, udadmin
}

func TestHostileTextIsSanitizedInTextOutput(t *testing.T) {
	root, udadmin := hostileRoot(t)
	common := []string{"--root", root, "--now", fixedNow, "--tz", "UTC"}
	sources := []string{"--udadmin-file", udadmin}
	// The checker itself must see every planted hazard, or a pass below
	// would prove nothing.
	if h := strings.Join(terminalHazards(hostileToken), ";"); !strings.Contains(h, "U+001B") ||
		!strings.Contains(h, "U+0007") || !strings.Contains(h, "U+009B") || !strings.Contains(h, "0x9b") ||
		!strings.Contains(h, "U+202E") || !strings.Contains(h, "U+2067") {
		t.Fatalf("terminalHazards misses planted sequences: %s", h)
	}
	clean := sanitize.Line(hostileToken)
	if strings.ContainsAny(clean, "\x1b\x07") || !strings.HasPrefix(clean, "Evil") || !strings.HasSuffix(clean, "Corp") {
		t.Fatalf("sanitize.Line(hostile) = %q", clean)
	}
	cases := []struct {
		args []string
		// shows is what proves the hostile value was printed (sanitized),
		// not silently dropped.
		shows []string
	}{
		{[]string{"licenses"}, []string{"XDT_" + clean + "_UD", "RetailEvil", "MyFiles/evil"}},
		{[]string{"entitlements"}, []string{"XDT_" + clean + "_UD"}},
		{[]string{"usage"}, []string{clean, "KIOSK" + clean, "XDT_" + clean + "_UD"}}, // identities lose their domain (issue 11)
		{[]string{"check"}, []string{"XDT_" + clean + "_UD", "malformed licence line"}},
		{[]string{"payload", "list"}, []string{"Evil"}},
		{[]string{"config", "scramble"}, nil},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append(append([]string{}, c.args...), common...)
			if c.args[0] != "payload" && c.args[0] != "config" {
				args = append(args, sources...) // the commands that count use
			}
			out, errOut, code := lsui(t, nil, args...)
			if code != exitOK && !(c.args[0] == "check" && (code == int(model.Warning) || code == int(model.Critical))) {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			assertTerminalSafe(t, "stdout", out)
			assertTerminalSafe(t, "stderr", errOut)
			for _, s := range c.shows {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks the sanitized value %q:\n%s", s, out)
				}
			}
		})
	}
	// `lsui upload` refuses to put a licence file with control characters
	// in its name into a payload; the refusal names it, sanitized. (No
	// request is made: nothing listens on port 9.)
	out, errOut, code := lsui(t, nil, append(append([]string{"upload", "--endpoint", "http://127.0.0.1:9/"}, common...), sources...)...)
	if code != exitFail || !strings.Contains(errOut, "rename it") {
		t.Errorf("upload with a hostile licence file name: exit %d, stderr %q", code, errOut)
	}
	assertTerminalSafe(t, "upload stdout", out)
	assertTerminalSafe(t, "upload stderr", errOut)

	// The warning about the unreadable "log" names it, sanitized.
	_, errOut, _ = lsui(t, nil, append(append([]string{"usage"}, common...), sources...)...)
	if !strings.Contains(errOut, "LS/unreadable") || !strings.Contains(errOut, "udadmin") {
		t.Errorf("stderr lacks the warnings naming the hostile sources:\n%s", errOut)
	}
}

// JSON output keeps the data exact for scripts: encoding/json writes every
// C0 control as \u00XX, so no raw ESC or BEL reaches the terminal, and the
// decoded strings are the bytes from disk. C1 controls and format
// characters (U+009B CSI, U+202E) are legal in JSON strings and
// encoding/json writes them raw; writeJSON escapes them as well, since a
// terminal showing `lsui … --json` unpiped would act on them.
func TestHostileTextInJSONOutput(t *testing.T) {
	root, udadmin := hostileRoot(t)
	common := []string{"--json", "--root", root, "--now", fixedNow, "--tz", "UTC"}
	for _, cmd := range [][]string{{"licenses"}, {"entitlements"}, {"usage"}, {"payload", "list"}} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			args := append(append([]string{}, cmd...), common...)
			if cmd[0] != "payload" {
				args = append(args, "--udadmin-file", udadmin)
			}
			out, errOut, code := lsui(t, nil, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !json.Valid([]byte(out)) {
				t.Fatalf("not valid JSON:\n%s", out)
			}
			assertTerminalSafe(t, "JSON stdout", out)
			assertTerminalSafe(t, "stderr", errOut)
		})
	}
	// The data survive the escaping: the NOTICE decodes to the bytes on disk
	// (invalid UTF-8, the raw 0x9B, becomes U+FFFD as encoding/json does).
	out, _, _ := lsui(t, nil, append([]string{"licenses"}, common...)...)
	var doc struct {
		Licenses []struct{ Feature, Notice, Serial string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := strings.ToValidUTF8(hostileToken+" with spaces "+hostileToken, "\uFFFD")
	found := false
	for _, l := range doc.Licenses {
		if l.Notice == want {
			found = true
		}
	}
	if !found {
		for _, l := range doc.Licenses {
			if strings.HasPrefix(l.Notice, "Evil") {
				t.Logf("notice %q", l.Notice)
			}
		}
		t.Errorf("no licence carries the planted NOTICE exactly; JSON must keep data as on disk")
	}
}

// TestVeryLongLines: a 1 MB NOTICE (with escape sequences spread through
// it) and a 1 MB user name in a log line are handled: the licence loads
// and prints sanitized, the over-long log line is skipped and counted.
func TestVeryLongLines(t *testing.T) {
	root := demoRoot(t)
	var notice strings.Builder
	for notice.Len() < 1<<20 {
		notice.WriteString("Corp ")
		notice.WriteString(seqOSC52)
		notice.WriteString(seqC1CSI)
		notice.WriteString(seqBidi)
	}
	writeHardeningFile(t, filepath.Join(root, "MyFiles", "long.lic"),
		"INCREMENT LONG_PLT_UD CITRIX 2025.0630 permanent 5 NOTICE=\""+notice.String()+"\" SN=x\n")
	writeHardeningFile(t, filepath.Join(root, "LS", "long.log"),
		" 8:00:00 (lmgrd) TIMESTAMP 11/20/2026\n 8:14:51 (CITRIX) OUT: \"XDT_PLT_UD\" "+strings.Repeat("a\x1b", 1<<19)+"\n"+
			" 8:15:00 (CITRIX) OUT: \"XDT_PLT_UD\" after.long.line@corp.example\n")
	common := []string{"--root", root, "--now", fixedNow, "--tz", "UTC"}

	out, errOut, code := lsui(t, nil, append([]string{"licenses"}, common...)...)
	if code != exitOK || !strings.Contains(out, "LONG_PLT_UD") {
		t.Fatalf("licenses: exit %d, %s", code, errOut)
	}
	assertTerminalSafe(t, "licenses stdout", out)

	js, _, code := lsui(t, nil, append([]string{"licenses", "--json"}, common...)...)
	if code != exitOK || !json.Valid([]byte(js)) || bytes.IndexByte([]byte(js), 0x1b) >= 0 {
		t.Fatalf("licenses --json: exit %d, valid %v", code, json.Valid([]byte(js)))
	}
	assertTerminalSafe(t, "licenses --json stdout", js)
	if !strings.Contains(js, "Corp ") || len(js) < 1<<20 {
		t.Errorf("the 1 MB NOTICE did not come through (%d bytes of JSON)", len(js))
	}

	var rec struct {
		Identities []struct{ Name string }
	}
	js, _, _ = lsui(t, nil, append([]string{"usage", "--json"}, common...)...)
	if err := json.Unmarshal([]byte(js), &rec); err != nil {
		t.Fatal(err)
	}
	seenAfter := false
	for _, id := range rec.Identities {
		if len(id.Name) > 64<<10 {
			t.Errorf("a %d-byte identity was kept; lines over usage.MaxLineLen are skipped", len(id.Name))
		}
		seenAfter = seenAfter || id.Name == "after.long.line" // its domain removed (issue 11)
	}
	if !seenAfter {
		t.Error("the line after the 1 MB line was lost")
	}
}

// TestConfigSafety: the CLI side of the config guarantees (the package
// tests in internal/model/config cover the file changed between read and
// write, TestWriteRefusesChangedFile, and the read-only mark,
// TestWriteReadOnly). Here: the errors reach the admin as one clear line,
// nothing is written on a refusal, and the .bak restore documented in the
// README and docs/reliability.md gives the previous file back.
func TestConfigSafety(t *testing.T) {
	configOf := func(root string) string {
		return filepath.Join(root, "WebServicesForLicensing", "SimpleLicenseServiceConfig.xml")
	}

	t.Run("read-only file", func(t *testing.T) {
		root := demoRoot(t)
		cfg := configOf(root)
		before, _ := os.ReadFile(cfg)
		if err := os.Chmod(cfg, 0o444); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := lsui(t, nil, "config", "scramble", "on", "--root", root, "--now", fixedNow)
		if code != exitFail || !strings.Contains(errOut, "read-only") || !strings.Contains(errOut, cfg) ||
			strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
			t.Errorf("exit %d, stderr %q; want one line naming the file as read-only", code, errOut)
		}
		after, _ := os.ReadFile(cfg)
		if !bytes.Equal(before, after) {
			t.Error("a read-only config was changed")
		}
		if _, err := os.Stat(cfg + ".bak"); err == nil {
			t.Error("a refused write left a .bak")
		}
	})

	t.Run("backup cannot be written", func(t *testing.T) {
		root := demoRoot(t)
		cfg := configOf(root)
		before, _ := os.ReadFile(cfg)
		// A folder where the .bak goes: the backup fails, so the file is not touched.
		if err := os.Mkdir(cfg+".bak", 0o755); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := lsui(t, nil, "config", "scramble", "on", "--root", root, "--now", fixedNow)
		if code != exitFail || !strings.Contains(errOut, "back up the config") {
			t.Errorf("exit %d, stderr %q; want the backup failure", code, errOut)
		}
		if after, _ := os.ReadFile(cfg); !bytes.Equal(before, after) {
			t.Error("the config was changed although its backup failed")
		}
	})

	t.Run("restore from .bak", func(t *testing.T) {
		root := demoRoot(t)
		cfg := configOf(root)
		original, _ := os.ReadFile(cfg)
		if _, errOut, code := lsui(t, nil, "config", "scramble", "on", "--root", root, "--now", fixedNow); code != exitOK {
			t.Fatalf("on: exit %d %s", code, errOut)
		}
		// The documented procedure: copy the .bak back over the file.
		bak, err := os.ReadFile(cfg + ".bak")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cfg, bak, 0o644); err != nil {
			t.Fatal(err)
		}
		restored, _ := os.ReadFile(cfg)
		out, _, _ := lsui(t, nil, "config", "scramble", "--root", root)
		if !bytes.Equal(restored, original) || !strings.HasPrefix(out, "off (") {
			t.Errorf("after restoring the .bak: state %q, bytes equal %v", out, bytes.Equal(restored, original))
		}
		// The backup is one deep: a second change replaces it.
		lsui(t, nil, "config", "scramble", "on", "--root", root, "--now", fixedNow)
		lsui(t, nil, "config", "scramble", "off", "--root", root, "--now", fixedNow)
		bak, _ = os.ReadFile(cfg + ".bak")
		if bytes.Equal(bak, original) {
			t.Error("after on then off the .bak should hold the 'on' file (one deep), not the original")
		}
	})
}

// TestRootUnderProgramFilesX86: the demo server written under a folder
// named as on Windows ("Program Files (x86)/Citrix/Licensing") is found from
// --root and from LSUI_ROOT, and every command sees the same server.
func TestRootUnderProgramFilesX86(t *testing.T) {
	root := filepath.Join(t.TempDir(), "Program Files (x86)", "Citrix", "Licensing")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	now, _ := time.Parse(time.RFC3339, fixedNow)
	if _, err := demo.Materialize(root, now, time.UTC); err != nil {
		t.Fatal(err)
	}
	want, _, _ := lsui(t, nil, "licenses", "--json", "--demo", "--now", fixedNow)
	want = strings.Replace(want, `"root": "DEMO"`, `"root": `+string(mustJSON(t, root)), 1)
	byFlag, errOut, code := lsui(t, nil, "licenses", "--json", "--root", root, "--now", fixedNow, "--tz", "UTC")
	if code != exitOK || byFlag != want {
		t.Errorf("--root: exit %d %s\n%s", code, errOut, byFlag)
	}
	byEnv, _, code := lsui(t, map[string]string{"LSUI_ROOT": root}, "licenses", "--json", "--now", fixedNow, "--tz", "UTC")
	if code != exitOK || byEnv != want {
		t.Errorf("LSUI_ROOT: exit %d", code)
	}
	for _, args := range [][]string{{"usage"}, {"payload", "list"}, {"config", "scramble"}} {
		out, errOut, code := lsui(t, nil, append(args, "--root", root, "--now", fixedNow, "--tz", "UTC")...)
		if code != exitOK || out == "" {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostileZipInspection: `lsui payload inspect` of a zip whose entry
// names and manifest values are hostile prints them sanitized (or
// Go-quoted), in text and in JSON.
func TestHostileZipInspection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "upload_1795773600.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hostile := strings.ToValidUTF8(hostileToken, "?")
	manifest := string(mustJSON(t, map[string]any{"schema": payload.Schema, "generated": hostile,
		"server": map[string]string{"host": hostile, "id": hostile, "version": hostile},
		"month":  hostile, "timezone": hostile, "files": []any{}}))
	for name, body := range map[string]string{
		"manifest.json":                       strings.ToValidUTF8(manifest, "?"),
		"usage.json":                          `{"identities":[{"name":"` + seqC1CSI + seqBidi + `"}]}`,
		"evil" + seqClear + seqBidi + ".json": "{}",
		"licenses/" + seqOSC52 + ".lic":       "INCREMENT " + hostileToken + " CITRIX 1 permanent 1\n",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeHardeningFile(t, path, buf.String())
	for _, args := range [][]string{{"payload", "inspect", path}, {"payload", "inspect", "--json", path}} {
		out, errOut, code := lsui(t, nil, args...)
		if code == exitUsage || out == "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		assertTerminalSafe(t, strings.Join(args[:len(args)-1], " ")+" stdout", out)
		if args[2] != "--json" && !strings.Contains(out, "server:        "+sanitize.Line(hostile)) {
			t.Errorf("the manifest's hostile host is not shown sanitized:\n%s", out)
		}
		assertTerminalSafe(t, "stderr", errOut)
	}
}
