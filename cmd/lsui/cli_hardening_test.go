package main

// Terminal safety of the CLI (issue 7): every string that comes from disk
// (licence files, file names, debug logs, the udadmin listing, the journal)
// reaches the terminal only through internal/sanitize. The tests below plant
// hostile bytes in each of those places of a demo root and read what the
// commands print.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
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
	dir := filepath.Join(root, "LS", "resource", "usage")
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
	common := []string{"--root", root, "--now", fixedNow, "--tz", "UTC", "--udadmin-file", udadmin}
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
		{[]string{"usage"}, []string{clean + "@corp.example", "KIOSK" + clean, "XDT_" + clean + "_UD"}},
		{[]string{"check"}, []string{"XDT_" + clean + "_UD", "malformed licence line"}},
		{[]string{"payload", "list"}, []string{"Evil"}},
		{[]string{"config", "scramble"}, nil},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, code := lsui(t, nil, append(append([]string{}, c.args...), common...)...)
			if code != exitOK && !(c.args[0] == "check" && code == int(model.Critical)) {
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
	// The warning about the unreadable "log" names it, sanitized.
	_, errOut, _ := lsui(t, nil, append([]string{"usage"}, common...)...)
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
	common := []string{"--json", "--root", root, "--now", fixedNow, "--tz", "UTC", "--udadmin-file", udadmin}
	for _, cmd := range [][]string{{"licenses"}, {"entitlements"}, {"usage"}, {"payload", "list"}} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			out, errOut, code := lsui(t, nil, append(append([]string{}, cmd...), common...)...)
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
		seenAfter = seenAfter || id.Name == "after.long.line@corp.example"
	}
	if !seenAfter {
		t.Error("the line after the 1 MB line was lost")
	}
}
