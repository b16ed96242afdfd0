package common

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/textfmt"
	"github.com/lsui/lsui/internal/views/theme"
)

func itoa(n int) string { return strconv.Itoa(n) }

// ellipsis ends text cut short, in the theme's glyphs: "…", or "..." under
// --ascii. It is set when an app is made; one process draws on one terminal,
// as lipgloss's default renderer assumes too.
var ellipsis = sanitize.Ellipsis

// UseGlyphs makes Fit and Truncate end cut text the theme's way.
func UseGlyphs(g theme.Glyphs) { ellipsis = g.Ellipsis }

// Truncate sanitizes s and cuts it to w cells, ending in the theme's ellipsis.
func Truncate(s string, w int) string { return sanitize.TruncateTail(s, w, ellipsis) }

// Fit sanitizes s, truncates it to w cells and pads it to exactly w cells,
// on the left when right is true (numbers). The result is plain text: style
// it afterwards, since sanitizing would strip styling.
func Fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	s = Truncate(s, w)
	pad := w - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// FitEnd is Fit for text whose end matters more than its start (a
// file:line): cut text keeps its last cells, after the ellipsis.
func FitEnd(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	s = sanitize.Line(s)
	if ansi.StringWidth(s) <= w {
		return Fit(s, w, right)
	}
	e := ansi.StringWidth(ellipsis)
	if w <= e {
		return Fit(s, w, right)
	}
	r := []rune(s)
	for len(r) > 0 && ansi.StringWidth(string(r))+e > w {
		r = r[1:]
	}
	return Fit(ellipsis+string(r), w, right)
}

// Column is one column of a table: its title, width and alignment.
type Column struct {
	Title string
	Width int
	Right bool
}

// Header renders the column titles with the marker column's room before them.
func Header(t *theme.Theme, cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = Fit(c.Title, c.Width, c.Right)
	}
	return t.ColumnHead.Render("  " + strings.Join(parts, " "))
}

// Cells fits each value to its column and joins them with one space. The
// values are plain text (sanitized here); use StyledCells to colour some.
func Cells(cols []Column, values ...string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := ""
		if i < len(values) {
			v = values[i]
		}
		b.WriteString(Fit(v, c.Width, c.Right))
	}
	return b.String()
}

// Cell is a value with an optional style, for StyledCells.
type Cell struct {
	Text  string
	Style *lipgloss.Style
}

// StyledCells is Cells where a cell may carry a style, applied after fitting.
func StyledCells(cols []Column, values ...Cell) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := Cell{}
		if i < len(values) {
			v = values[i]
		}
		text := Fit(v.Text, c.Width, c.Right)
		if v.Style != nil {
			text = v.Style.Render(text)
		}
		b.WriteString(text)
	}
	return b.String()
}

// Row draws one list row: the ">" marker column (visible without colour),
// then the content. The selected row is drawn from plain, highlighted as a
// whole (styles inside it would end the highlight early); other rows are
// drawn from styled. Both must already fit width-2 cells.
func Row(t *theme.Theme, selected bool, width int, plain, styled string) string {
	if selected {
		line := t.Glyphs.Cursor + " " + plain
		if pad := width - ansi.StringWidth(line); pad > 0 {
			line += strings.Repeat(" ", pad)
		}
		return t.Selected.Render(line)
	}
	return "  " + styled
}

// Flex shares out the width left after the fixed columns to the columns
// whose Width is 0, never less than min each, and returns cols with the
// widths filled in. One space separates columns and the marker column
// takes two cells.
func Flex(total int, min int, cols []Column) []Column {
	out := append([]Column(nil), cols...)
	used, flex := 2, 0
	for i, c := range out {
		if i > 0 {
			used++
		}
		if c.Width == 0 {
			flex++
		}
		used += c.Width
	}
	if flex == 0 {
		return out
	}
	room := total - used
	each := max(room/flex, min)
	extra := room - each*flex
	for i := range out {
		if out[i].Width == 0 {
			out[i].Width = each
			if extra > 0 {
				out[i].Width++
				extra--
			}
		}
	}
	return out
}

// Block makes s exactly h lines of at most w cells: long lines are cut,
// missing lines are blank. The root frames every screen with it, so no
// screen can push the help bar off or wrap the terminal.
func Block(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Rule is a horizontal line w cells wide.
func Rule(t *theme.Theme, w int) string {
	if w <= 0 {
		return ""
	}
	return t.Rule.Render(strings.Repeat(t.Glyphs.Rule, w))
}

// Age says how long before now t was, as the CLI says it (textfmt).
func Age(now, t time.Time) string { return textfmt.Age(now, t) }

// Bytes is n in IEC units, as the CLI says it (textfmt).
func Bytes(n int64) string { return textfmt.Bytes(n) }

// Plural is "1 day" or "3 days", as the CLI says it (textfmt).
func Plural(n int, unit string) string { return textfmt.Plural(n, unit) }
