package main

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/pflag"

	"github.com/lsui/lsui/internal/views/prefs"
)

// column is one column of a CLI table.
type column struct {
	title string
	right bool // numbers: right-aligned
	// cut says the column may be shortened to fit a terminal: cutTail
	// ends it in an ellipsis (names, products), cutHead keeps its end
	// (a file:line, whose line number matters most).
	cut cutMode
	// drop is the order in which columns go when cutting is not enough:
	// 1 goes first; 0 never goes.
	drop int
}

type cutMode int

const (
	noCut cutMode = iota
	cutTail
	cutHead
)

// minCut is the narrowest a cut column becomes.
const minCut = 12

// colGap is the space between two columns.
const colGap = 2

// table collects rows and writes them aligned. Given a width (a terminal's)
// it fits the table into it: the cuttable columns shrink, widest first,
// then the droppable ones go; given 0 (a pipe, a file, --wide) every
// column is written whole, so a script never reads cut data.
type table struct {
	cols []column
	rows [][]string
}

func newTable(cols ...column) *table { return &table{cols: cols} }

// add appends a row; cells are plain text, already sanitized.
func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the table, fitted to width cells when width > 0.
func (t *table) write(w io.Writer, width int) error {
	n := len(t.cols)
	widths := make([]int, n)
	for i, c := range t.cols {
		widths[i] = ansi.StringWidth(c.title)
	}
	for _, r := range t.rows {
		for i := 0; i < n && i < len(r); i++ {
			widths[i] = max(widths[i], ansi.StringWidth(r[i]))
		}
	}
	shown := make([]bool, n)
	for i := range shown {
		shown[i] = true
	}
	if width > 0 {
		t.fit(widths, shown, width)
	}
	last := -1
	for i := range shown {
		if shown[i] {
			last = i
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	line := make([]byte, 0, 256)
	emit := func(cells []string) {
		line = line[:0]
		first := true
		for i, c := range t.cols {
			if !shown[i] {
				continue
			}
			if !first {
				line = append(line, "  "...)
			}
			first = false
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			if vw := ansi.StringWidth(v); vw > widths[i] {
				v = cutCell(v, widths[i], c.cut)
			}
			pad := widths[i] - ansi.StringWidth(v)
			switch {
			case c.right:
				line = append(line, strings.Repeat(" ", pad)...)
				line = append(line, v...)
			case i == last:
				line = append(line, v...) // no trailing blanks
			default:
				line = append(line, v...)
				line = append(line, strings.Repeat(" ", pad)...)
			}
		}
		line = append(line, '\n')
		bw.Write(line)
	}
	titles := make([]string, n)
	for i, c := range t.cols {
		titles[i] = c.title
	}
	emit(titles)
	for _, r := range t.rows {
		emit(r)
	}
	return bw.Flush()
}

// fit shrinks widths and clears shown until the table is at most width
// cells wide, or nothing more can go.
func (t *table) fit(widths []int, shown []bool, width int) {
	total := func() int {
		sum, k := 0, 0
		for i, w := range widths {
			if shown[i] {
				sum += w
				k++
			}
		}
		return sum + colGap*max(k-1, 0)
	}
	for total() > width {
		// The widest cuttable column still above its minimum loses a cell.
		widest := -1
		for i, c := range t.cols {
			floor := max(minCut, ansi.StringWidth(c.title))
			if shown[i] && c.cut != noCut && widths[i] > floor && (widest < 0 || widths[i] > widths[widest]) {
				widest = i
			}
		}
		if widest >= 0 {
			widths[widest]--
			continue
		}
		next := -1
		for i, c := range t.cols {
			if shown[i] && c.drop > 0 && (next < 0 || c.drop < t.cols[next].drop) {
				next = i
			}
		}
		if next < 0 {
			return // the terminal wraps what is left
		}
		shown[next] = false
	}
}

// cutCell shortens v to w cells the way its column is cut.
func cutCell(v string, w int, mode cutMode) string {
	tail := cutMark()
	if mode == cutHead {
		return ansi.TruncateLeft(v, ansi.StringWidth(v)-w+ansi.StringWidth(tail), tail)
	}
	return ansi.Truncate(v, w, tail)
}

// cutMark ends cut text: "…", or "..." on a console that cannot draw it
// (the dashboard's rule: LSUI_ASCII, TERM, the locale's codeset).
func cutMark() string {
	if plain, _ := prefs.PlainConsole(os.Getenv); plain {
		return "..."
	}
	return "…"
}

// tableOptions are the flags of a command that prints a table.
type tableOptions struct {
	wide bool
}

func (o *tableOptions) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.wide, "wide", false, "print every column whole even on a narrow terminal")
}

// width is what a table on stdout is fitted to: the terminal's width, or
// 0 (whole) with --wide or when stdout is not a terminal.
func (o tableOptions) width(e *env) int {
	if o.wide || !e.terminal(e.stdout) {
		return 0
	}
	if e.termWidth != nil {
		return e.termWidth(e.stdout)
	}
	if f, ok := e.stdout.(*os.File); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(e.getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}
