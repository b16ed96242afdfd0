package main

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestTableFitsAndAligns(t *testing.T) {
	tb := newTable(
		column{title: "FILE:LINE", cut: cutHead},
		column{title: "COUNT", right: true},
		column{title: "TYPE", drop: 1},
		column{title: "PRODUCT", cut: cutTail},
	)
	tb.add("MyFiles/FID_3f2a91c4_18c1d0e2a77__6b1e.lic:6", "250", "Retail", "Citrix Virtual Apps and Desktops Premium User/Device")
	tb.add("MyFiles/short.lic:12", "uncounted", "NFR", "Citrix Gateway")

	var whole strings.Builder
	tb.write(&whole, 0)
	lines := strings.Split(strings.TrimSuffix(whole.String(), "\n"), "\n")
	if !strings.Contains(lines[1], "Premium User/Device") || !strings.HasPrefix(lines[1], "MyFiles/FID_") {
		t.Errorf("width 0 must keep every cell whole:\n%s", whole.String())
	}
	// COUNT is right-aligned: "250" ends where "uncounted" ends.
	if strings.Index(lines[1], "250")+3 != strings.Index(lines[2], "uncounted")+len("uncounted") {
		t.Errorf("numbers are not right-aligned:\n%s", whole.String())
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blanks in %q", l)
		}
	}

	for _, width := range []int{80, 60, 40} {
		var fitted strings.Builder
		tb.write(&fitted, width)
		for _, l := range strings.Split(strings.TrimSuffix(fitted.String(), "\n"), "\n") {
			if w := ansi.StringWidth(l); w > width {
				t.Errorf("width %d: a %d-cell line: %q", width, w, l)
			}
		}
		out := fitted.String()
		// The file is cut at its head: the line number stays.
		if !strings.Contains(out, "6b1e.lic:6") && width >= 60 {
			t.Errorf("width %d: the file:line lost its end:\n%s", width, out)
		}
		if width == 40 && strings.Contains(out, "TYPE") {
			t.Errorf("width 40: TYPE should have been dropped:\n%s", out)
		}
	}
}

func TestTablesFitTheTerminalButNotAPipe(t *testing.T) {
	args := []string{"licenses", "--demo", "--now", fixedNow}
	pipe, _, _ := lsui(t, nil, args...)
	var out, errb strings.Builder
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" },
		isTerminal: func(any) bool { return true }, termWidth: func(any) int { return 80 }}
	if code := run(args, e); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if w := ansi.StringWidth(l); w > 80 && !strings.HasPrefix(l, "error: ") { // messages wrap; tables fit
			t.Errorf("on an 80-column terminal a %d-cell line: %q", w, l)
		}
	}
	if !strings.Contains(pipe, "Citrix Virtual Apps and Desktops Premium User/Device") {
		t.Errorf("in a pipe the table must be whole:\n%s", pipe)
	}
	out.Reset()
	run(append(args, "--wide"), e)
	if out.String() != pipe {
		t.Error("--wide on a terminal must print what a pipe gets")
	}
}
