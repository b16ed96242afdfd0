package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// toUTF16 encodes s as PowerShell 5.1's Out-File (LE) or Notepad's
// "Unicode big endian" (BE) write it: a BOM, then UTF-16 code units.
func toUTF16(s string, bigEndian bool) []byte {
	out := []byte{0xff, 0xfe}
	if bigEndian {
		out = []byte{0xfe, 0xff}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestUTF16 reads, edits and writes back UTF-16 configs in both byte
// orders, generated from the UTF-8 fixtures: the result must be exactly
// the UTF-8 edit, re-encoded, so every byte outside the value is kept.
func TestUTF16(t *testing.T) {
	fixtures := []string{"element.xml", "element_crlf_bom.xml", "addkey.xml", "absent_tabs_crlf.xml", "trailing_comment.xml", "empty_configurations.xml"}
	for _, name := range fixtures {
		for _, be := range []bool{false, true} {
			order := "LE"
			if be {
				order = "BE"
			}
			t.Run(name+"/"+order, func(t *testing.T) {
				utf8Text := strings.TrimPrefix(fixtureText(t, name), "\ufeff")
				// An astral character in a comment proves surrogate pairs survive.
				utf8Text = strings.Replace(utf8Text, "<Configurations", "<!-- 𝄞 licence server, Zürich -->\n<Configurations", 1)
				if !strings.Contains(utf8Text, "𝄞") {
					utf8Text = strings.Replace(utf8Text, "<configuration", "<!-- 𝄞 -->\n<configuration", 1)
				}
				u8, err := parse("u8.xml", []byte(utf8Text))
				if err != nil {
					t.Fatal(err)
				}
				file := toUTF16(utf8Text, be)
				path := filepath.Join(t.TempDir(), "SimpleLicenseServiceConfig.xml")
				if err := os.WriteFile(path, file, 0o644); err != nil {
					t.Fatal(err)
				}
				c, err := Read(path)
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				if c.Scramble != u8.Scramble || c.Present != u8.Present || c.Shape != u8.Shape || c.Location().Line != u8.Location().Line {
					t.Errorf("read %+v at %s, the UTF-8 file reads %+v at %s", c.Scramble, c.Location(), u8.Scramble, u8.Location())
				}
				if want := "UTF-16 " + order; c.Encoding() != want {
					t.Errorf("Encoding() = %q, want %q", c.Encoding(), want)
				}
				for _, on := range []bool{!c.Scramble, c.Scramble} {
					if err := c.Write(on); err != nil {
						t.Fatalf("Write(%v): %v", on, err)
					}
					want8, err := u8.Edit(on)
					if err != nil {
						t.Fatal(err)
					}
					u8, _ = parse("u8.xml", want8)
					got, _ := os.ReadFile(path)
					if want := toUTF16(string(want8), be); !bytes.Equal(got, want) {
						t.Fatalf("Write(%v) wrote\n%q\nwant\n%q", on, got, want)
					}
					back, err := Read(path)
					if err != nil || back.Scramble != on {
						t.Fatalf("read back: %v, %v", back, err)
					}
				}
				// The .bak of the last write is the UTF-16 file it replaced.
				bak, _ := os.ReadFile(path + ".bak")
				if !bytes.HasPrefix(bak, file[:2]) {
					t.Errorf(".bak lost the BOM: % x", bak[:min(4, len(bak))])
				}
			})
		}
	}
}

// A UTF-16 file declaring encoding="utf-16" (what .NET writes) or, as
// PowerShell leaves it, still "utf-8": both are read by their BOM.
func TestUTF16Declarations(t *testing.T) {
	for _, decl := range []string{"utf-16", "UTF-16", "utf-8", "unicode"} {
		doc := `<?xml version="1.0" encoding="` + decl + `"?>` + "\r\n<Configurations>\r\n  <UsageBasedBillingScramble>1</UsageBasedBillingScramble>\r\n</Configurations>\r\n"
		c, err := parse("x.xml", toUTF16(doc, false))
		if err != nil || !c.Scramble {
			t.Errorf("%s: %v, %v", decl, c, err)
		}
	}
}

// Every Read error but a missing file is ErrUnreadable, for `lsui check`.
func TestReadErrorsAreUnreadable(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("<Configurations>"), 0o644)
	if _, err := Read(bad); !errors.Is(err, ErrUnreadable) || !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed: %v, want ErrUnreadable and ErrMalformed", err)
	}
	if _, err := Read(filepath.Join(dir, "missing.xml")); err == nil || errors.Is(err, ErrUnreadable) {
		t.Errorf("missing: %v, want a not-exist error that is not ErrUnreadable", err)
	}
}
