package views

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

// frame is what the dashboard and `lsui view` share around their screens:
// the status lines and the message log, the short help that always keeps
// its way out, the help page, the messages page and the too-small screen.
type frame struct {
	theme *theme.Theme
	keys  *keys.KeyMap
	ascii bool

	width, height int

	status    string
	statusErr bool
	log       []logEntry // the last messages, oldest first

	page      framePage
	pageFrom  int // the first line shown of a page taller than the body
	pageTotal int // the lines of the page last drawn
	pageBody  int // and how many of them show at once
}

type logEntry struct {
	text string
	err  bool
}

type framePage int

const (
	pageNone framePage = iota
	pageHelp
	pageMessages
)

// maxLog is how many messages `m` keeps.
const maxLog = 50

// setStatus shows a message and keeps it in the log.
func (f *frame) setStatus(text string, isErr bool) {
	text = sanitize.Line(text)
	f.status, f.statusErr = text, isErr
	if text == "" {
		return
	}
	f.log = append(f.log, logEntry{text, isErr})
	if len(f.log) > maxLog {
		f.log = f.log[len(f.log)-maxLog:]
	}
}

// statusLines wraps text (the status or a prompt) to at most two lines of
// the width: a fix at the end of a long message stays on screen, and m
// shows it whole if even two lines are not enough.
func (f *frame) statusLines(text string) []string {
	return f.wrapLines(text, 2, " (m: in full)")
}

// promptLines wraps a question to at most three lines: it is read before
// it is answered, and m does not work until it is.
func (f *frame) promptLines(text string) []string {
	return f.wrapLines(text, 3, "")
}

func (f *frame) wrapLines(text string, n int, more string) []string {
	if text == "" {
		return []string{""}
	}
	lines := strings.Split(ansi.Wrap(text, max(f.width, 1), " "), "\n")
	if len(lines) > n {
		rest := strings.Join(lines[n-1:], " ")
		lines = append(lines[:n-1], common.Truncate(rest, max(f.width-len(more), 1))+more)
	}
	return lines
}

// statusView is the status (or prompt) in one or two lines.
func (f *frame) statusView(prompt string) string {
	t := f.theme
	var lines []string
	style := t.Status
	switch {
	case prompt != "":
		lines, style = f.promptLines(prompt), t.Warn
	case f.statusErr:
		lines, style = f.statusLines(f.status), t.Error
	default:
		lines = f.statusLines(f.status)
	}
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return strings.Join(lines, "\n")
}

func (f *frame) statusHeight(prompt string) int {
	if prompt != "" {
		return len(f.promptLines(prompt))
	}
	return len(f.statusLines(f.status))
}

// shortHelp draws the screen's keys in one line, always ending with the
// way to the help and out: "? help • q quit", or while a field has the
// keyboard (when ? and q are letters) "ctrl+c quit".
func (f *frame) shortHelp(screen []key.Binding, capturing, nested bool) string {
	t := f.theme
	sep := " • "
	if f.ascii {
		sep = " | "
	}
	item := func(b key.Binding) string {
		h := b.Help()
		return t.HelpKey.Render(h.Key) + " " + t.HelpDesc.Render(h.Desc)
	}
	var tail []key.Binding
	switch {
	case f.page != pageNone:
		// q closes a page, as esc does; ctrl+c is the way out.
		tail = []key.Binding{f.closeBinding(), f.keys.Interrupt}
		screen = nil
		if f.pageCount() > 1 {
			screen = []key.Binding{f.keys.PageDown, f.keys.PageUp}
		}
	case capturing:
		tail = []key.Binding{f.keys.Interrupt}
	default:
		tail = []key.Binding{f.keys.Help, quitBinding(f.keys, nested)}
	}
	var tailParts []string
	for _, b := range tail {
		tailParts = append(tailParts, item(b))
	}
	end := strings.Join(tailParts, t.HelpSep.Render(sep))
	room := f.width - ansi.StringWidth(end)
	var parts []string
	used := 0
	for _, b := range screen {
		if !b.Enabled() || b.Help().Key == "" {
			continue
		}
		p := item(b)
		w := ansi.StringWidth(p) + len(sep)
		if used+w > room {
			break
		}
		parts = append(parts, p)
		used += w
	}
	parts = append(parts, end)
	return common.Truncate(strings.Join(parts, t.HelpSep.Render(sep)), f.width)
}

func (f *frame) closeBinding() key.Binding {
	return key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/q", "close"))
}

// pageKey handles a key while a page (help, messages) is shown: esc, q,
// ? or m close it, the page keys scroll, and every other key is ignored
// so nothing happens behind the page.
func (f *frame) pageKey(msg tea.KeyMsg, bodyH int) {
	k := f.keys
	if f.pageBody > 0 {
		bodyH = f.pageBody // the lines a page shows, its footer aside
	}
	switch {
	case msg.String() == "esc", key.Matches(msg, k.Quit), key.Matches(msg, k.Help) && f.page == pageHelp,
		key.Matches(msg, k.Messages) && f.page == pageMessages:
		f.page, f.pageFrom = pageNone, 0
	case key.Matches(msg, k.PageDown), msg.Type == tea.KeySpace, key.Matches(msg, k.Down):
		if f.pageFrom+bodyH < f.pageTotal {
			f.pageFrom += bodyH
		}
	case key.Matches(msg, k.PageUp), key.Matches(msg, k.Up):
		f.pageFrom = max(f.pageFrom-bodyH, 0)
	case key.Matches(msg, k.Home):
		f.pageFrom = 0
	}
}

// pageCount is the pages of the page last drawn.
func (f *frame) pageCount() int {
	if f.pageBody <= 0 {
		return 1
	}
	return (f.pageTotal + f.pageBody - 1) / f.pageBody
}

// helpSection is one group of the help page.
type helpSection struct {
	title string
	keys  []key.Binding
}

// helpPage lays out every key in columns as wide as the longest entry,
// as many columns as fit, and pages when even that is too tall.
func (f *frame) helpPage(sections []helpSection, h int) string {
	t := f.theme
	type entry struct {
		heading    bool
		key, desc  string
		plainWidth int
	}
	var entries []entry
	keyW := 0
	for _, s := range sections {
		n := 0
		for _, b := range s.keys {
			if b.Enabled() && b.Help().Key != "" {
				n++
				keyW = max(keyW, ansi.StringWidth(b.Help().Key))
			}
		}
		if n == 0 {
			continue
		}
		entries = append(entries, entry{heading: true, key: s.title})
		seen := map[string]bool{}
		for _, b := range s.keys {
			hk := b.Help()
			if !b.Enabled() || hk.Key == "" || seen[hk.Key] {
				continue
			}
			seen[hk.Key] = true
			entries = append(entries, entry{key: hk.Key, desc: hk.Desc})
		}
	}
	widths := make([]int, 0, len(entries))
	for i, e := range entries {
		w := ansi.StringWidth(e.key)
		if !e.heading {
			w = keyW + 2 + ansi.StringWidth(e.desc)
		}
		entries[i].plainWidth = w
		widths = append(widths, w)
	}
	// The columns are as wide as the widest entry that still lets two
	// fit side by side, so one long description does not make every
	// column (and the page count) follow it.
	const gap = 3
	half := (f.width - gap) / 2
	colW := keyW + 2 + 12
	for _, w := range widths {
		if w <= half {
			colW = max(colW, w)
		}
	}
	colW = min(colW, f.width)
	// A key whose description is wider gets a line of its own, the
	// width of the page, after the columns.
	var fitted, wide []entry
	for _, e := range entries {
		if e.heading || e.plainWidth <= colW {
			fitted = append(fitted, e)
		} else {
			wide = append(wide, e)
		}
	}
	entries = fitted
	cols := max((f.width+gap)/(colW+gap), 1)
	rowsPerCol := max(h, 1)
	// Fewer rows per column when the entries fit in fewer, so the columns
	// come out even.
	if need := (len(entries) + cols - 1) / cols; need < rowsPerCol {
		rowsPerCol = need
	}
	cell := func(e entry) string {
		if e.heading {
			return t.Heading.Render(common.Fit(e.key, colW, false))
		}
		k := common.Fit(e.key, keyW, false)
		d := common.Fit(e.desc, max(colW-keyW-2, 0), false)
		return t.HelpKey.Render(k) + "  " + t.HelpDesc.Render(d)
	}
	var lines []string
	perPage := rowsPerCol * cols
	for start := 0; start < len(entries); start += perPage {
		page := entries[start:min(start+perPage, len(entries))]
		for r := 0; r < rowsPerCol; r++ {
			var parts []string
			for c := 0; c < cols; c++ {
				i := c*rowsPerCol + r
				if i >= len(page) {
					break
				}
				parts = append(parts, cell(page[i]))
			}
			lines = append(lines, strings.Join(parts, strings.Repeat(" ", gap)))
		}
	}
	for _, e := range wide {
		k := common.Fit(e.key, keyW, false)
		for _, d := range strings.Split(ansi.Wrap(e.desc, max(f.width-keyW-2, 1), " "), "\n") {
			lines = append(lines, t.HelpKey.Render(k)+"  "+t.HelpDesc.Render(d))
			k = strings.Repeat(" ", keyW)
		}
	}
	return f.pageView(lines, h)
}

// messagesPage is the log in full, wrapped, newest last.
func (f *frame) messagesPage(h int) string {
	t := f.theme
	lines := []string{t.Heading.Render(fmt.Sprintf("Messages (the last %d, newest last)", maxLog))}
	if len(f.log) == 0 {
		lines = append(lines, t.Dim.Render("no messages yet"))
	}
	for _, e := range f.log {
		style := t.Status
		if e.err {
			style = t.Error
		}
		for _, l := range strings.Split(ansi.Wrap(e.text, max(f.width-2, 1), " "), "\n") {
			lines = append(lines, style.Render(l))
		}
		lines = append(lines, "")
	}
	return f.pageView(lines, h)
}

// pageView shows h lines of lines from pageFrom, with a page count on the
// last line when they do not fit.
func (f *frame) pageView(lines []string, h int) string {
	f.pageTotal, f.pageBody = len(lines), h
	if len(lines) <= h {
		f.pageFrom = 0
		return strings.Join(lines, "\n")
	}
	body := max(h-1, 1)
	f.pageBody = body
	f.pageFrom = min(f.pageFrom, max(len(lines)-1, 0))
	end := min(f.pageFrom+body, len(lines))
	out := append([]string(nil), lines[f.pageFrom:end]...)
	for len(out) < body {
		out = append(out, "")
	}
	page := f.pageFrom/body + 1
	out = append(out, f.theme.Dim.Render(fmt.Sprintf("page %d/%d: pgdn, pgup", page, f.pageCount())))
	return strings.Join(out, "\n")
}

// tooSmall is the screen below the minimum: the size it has, the size it
// needs, whatever it is asking (cut to fit, never dropped) and the keys
// that answer it.
func (f *frame) tooSmall(prompt, answer string) string {
	x := "×"
	if f.ascii {
		x = "x"
	}
	w, h := max(f.width, 1), max(f.height, 1)
	wrapped := func(s string) []string { return strings.Split(ansi.Wrap(s, w, " "), "\n") }
	head := wrapped(fmt.Sprintf("terminal too small: %d%s%d (need %d%s%d)", f.width, x, f.height, MinWidth, x, MinHeight))
	tail := "press q to quit"
	if answer != "" {
		tail = answer
	}
	foot := wrapped(tail)
	body := prompt
	if body == "" {
		body = f.status
	}
	var mid []string
	if body != "" {
		mid = wrapped(body)
		// The question keeps what room is left between the size and the
		// keys; its last line shown ends with an ellipsis when cut.
		room := h - len(head) - len(foot) - 2
		if room < 1 {
			head, room = head[:1], max(h-len(foot)-2, 1)
		}
		if len(mid) > room {
			mid = append(mid[:room-1:room-1], common.Truncate(strings.Join(mid[room-1:], " "), w))
		}
	}
	lines := append([]string(nil), head...)
	if len(mid) > 0 {
		lines = append(append(append(lines, ""), mid...), "")
	} else {
		lines = append(lines, "")
	}
	lines = append(lines, foot...)
	return common.Block(strings.Join(lines, "\n"), f.width, f.height)
}
