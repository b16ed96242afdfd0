package viewer

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

func TestViewerHighlightsAndWraps(t *testing.T) {
	var lines []string
	for i := 1; i <= 60; i++ {
		lines = append(lines, "line "+strings.Repeat("x", i%7))
	}
	lines[39] = "INCREMENT " + strings.Repeat("LONG", 20) // line 40 wraps
	m := New(theme.New(nil, true), keys.New())
	m.SetSize(40, 12)
	m.SetContent("file.lic", strings.Join(lines, "\r\n")+"\x1b[2J", 40, 41)
	v := m.View()
	rows := strings.Split(v, "\n")
	if len(rows) != 12 {
		t.Fatalf("%d rows, want 12:\n%s", len(rows), v)
	}
	marked := 0
	for _, r := range rows {
		if w := ansi.StringWidth(r); w > 40 {
			t.Errorf("row %q is %d cells wide", r, w)
		}
		if strings.HasPrefix(r, "> ") {
			marked++
		}
	}
	// Line 40 wraps onto three rows and line 41 is one: all marked.
	if marked != 4 || !strings.Contains(v, "> 40 INCREMENT") || !strings.Contains(v, "> 41 line") {
		t.Errorf("highlight of lines 40-41 (%d rows marked):\n%s", marked, v)
	}
	if strings.Contains(v, "\x1b") || strings.Contains(v, "\r") {
		t.Errorf("control characters reached the view: %q", v)
	}
	m.SetSize(80, 30) // a resize keeps the highlight in view
	if v := m.View(); !strings.Contains(v, "> 40 INCREMENT") {
		t.Errorf("after a resize the highlight is out of view:\n%s", v)
	}
}
