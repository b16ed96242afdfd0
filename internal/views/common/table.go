package common

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

// Col is one column of a Table over rows of type T. Everything about a
// column is here, so a column is added in one place: its title, its room,
// from which width it shows, the text it draws (which the filter also
// matches), its style and how it sorts.
type Col[T any] struct {
	Title string
	// Width is the column's cells; with Grow it is the least it gets.
	Width int
	// Grow is the column's share of the width the fixed columns leave;
	// 0 keeps it at Width.
	Grow  int
	Right bool
	// KeepEnd cuts a long cell at its start, keeping its end (file:line).
	KeepEnd bool
	// MinScreen shows the column only when the table is at least this
	// wide; 0 always shows it.
	MinScreen int
	// Text is the cell's plain text: what is drawn and what `/` matches.
	Text func(T) string
	// Style colours the cell; nil or a nil result draws it plain. Colour
	// never carries meaning alone: Text says it too.
	Style func(T) *lipgloss.Style
	// Draw draws the cell itself (a bar) in exactly width cells; Text is
	// still what the filter matches and what sorts.
	Draw func(t *theme.Theme, row T, width int) (plain, styled string)
	// Compare sorts the column; nil compares Text, case-folded.
	Compare func(a, b T) int
	// Key, when set, orders rows as Compare does, coarser allowed (rows
	// with equal keys go to Compare): the sort then compares numbers
	// computed once per row instead of reaching into two rows per
	// comparison (see sortRows).
	Key    func(T) int64
	NoSort bool
	// Desc makes the first sort on this column descending (newest, most).
	Desc bool
	// Natural says the rows as given are already in this column's
	// ascending order, so sorting by it keeps them (and their headings).
	Natural bool
	// SortName names the column in the sort line; "" is the title in
	// lower case.
	SortName string
}

func (c Col[T]) sortName() string {
	if c.SortName != "" {
		return c.SortName
	}
	return strings.ToLower(c.Title)
}

// TableKeys are the keys every list shares beyond moving: filter, clear,
// keep the filter, sort and reverse.
type TableKeys struct {
	Filter  key.Binding
	Clear   key.Binding
	Apply   key.Binding
	Sort    key.Binding
	Reverse key.Binding
}

// NewTableKeys returns the list keys.
func NewTableKeys() TableKeys {
	return TableKeys{
		Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Clear:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Apply:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort")),
	}
}

// Table is a list of rows of type T drawn as columns, with an incremental
// `/` filter over the text of every visible cell, a sort that shows its
// column and direction, and the cursor and window of List. Only the rows
// in the window are drawn, so 100k rows cost what the visible ones cost;
// the filter's text per row is built once and kept.
type Table[T any] struct {
	Cols []Col[T]
	// Label names the rows in the status line and messages ("licences").
	Label string
	// NaturalName names the order the rows come in when no column holds
	// it ("file order", "date"); "" when a Natural column holds it.
	NaturalName string
	// Keep narrows the rows before the filter (Usage's users or devices);
	// nil keeps every row. Call Refilter after changing what it keeps.
	Keep func(T) bool
	// Heading marks a row that heads a group (a licence file): in the
	// natural order it stays while any of its group matches; sorted by a
	// column, headings are left out.
	Heading func(T) bool
	// DrawRow draws a row whole instead of as cells (a heading, a
	// malformed line), plain and styled, each width cells; ok false
	// draws it as cells.
	DrawRow func(t *theme.Theme, row T, width int) (plain, styled string, ok bool)
	// RowStyle colours a whole row drawn as cells (over-use); nil: none.
	RowStyle func(T) *lipgloss.Style
	// Search is text beyond the visible cells the filter matches (a
	// heading's file name).
	Search func(T) string
	// SortCycle is the order `s` steps through the columns (indexes into
	// Cols), starting over after the last; nil: the sortable columns in
	// order, after the natural order.
	SortCycle []int

	Keys  TableKeys
	List  List
	Input Field

	items   []T
	rows    []int32 // items shown, in order
	total   int     // items kept, headings aside
	matched int     // rows shown, headings aside

	sortCol int // index into Cols; -1 is the natural order
	desc    bool
	query   string // lower-cased

	width  int
	vis    []int // visible columns
	widths []int // their widths
	hay    []string
	hayKey string
	id     int64           // tells this table's HaystackMsg from another's
	gen    int             // counts SetItems, so a haystack built for old rows is dropped
	orders map[int][]int32 // ascending order per column, built on first use
}

// NewTable returns a table over cols; give it rows with SetItems.
func NewTable[T any](label string, cols []Col[T]) *Table[T] {
	t := &Table[T]{Cols: cols, Label: label, Keys: NewTableKeys(), sortCol: -1,
		Input: Field{Prompt: "/", Limit: 128}, id: tableIDs.Add(1)}
	for i, c := range cols {
		if c.Natural {
			t.sortCol = i
		}
	}
	return t
}

// SetItems replaces the rows, keeping the filter, the sort and (as far as
// it can) the cursor's place.
func (t *Table[T]) SetItems(items []T) {
	t.items = items
	t.gen++
	t.hay, t.hayKey = nil, ""
	t.orders = nil
	t.Refilter()
}

// Items are the rows as given.
func (t *Table[T]) Items() []T { return t.items }

// Len is the number of rows shown.
func (t *Table[T]) Len() int { return len(t.rows) }

// At is the i-th row shown.
func (t *Table[T]) At(i int) T { return t.items[t.rows[i]] }

// Selected is the row under the cursor.
func (t *Table[T]) Selected() (T, bool) {
	if len(t.rows) == 0 {
		var zero T
		return zero, false
	}
	return t.items[t.rows[t.List.Cursor]], true
}

// SelectWhere moves the cursor to the first shown row for which match is
// true, clearing the filter first if it hides every such row.
func (t *Table[T]) SelectWhere(match func(T) bool) bool {
	for pass := 0; pass < 2; pass++ {
		for i, r := range t.rows {
			if match(t.items[r]) {
				t.List.Select(i)
				return true
			}
		}
		if t.query == "" {
			return false
		}
		t.ClearFilter()
	}
	return false
}

// SetWidth sets the table's width, which decides the visible columns and
// their widths.
func (t *Table[T]) SetWidth(w int) {
	t.width = w
	t.layout()
}

// SetHeight sets the rows in view.
func (t *Table[T]) SetHeight(h int) { t.List.SetHeight(h) }

func (t *Table[T]) layout() {
	t.vis, t.widths = t.vis[:0], t.widths[:0]
	used, grow := 2, 0 // the marker column
	for i, c := range t.Cols {
		if c.MinScreen > 0 && t.width < c.MinScreen {
			continue
		}
		if len(t.vis) > 0 {
			used++
		}
		t.vis = append(t.vis, i)
		t.widths = append(t.widths, c.Width)
		used += c.Width
		grow += c.Grow
	}
	if grow == 0 {
		return
	}
	room := max(t.width-used, 0)
	left := room
	last := -1
	for j, i := range t.vis {
		if g := t.Cols[i].Grow; g > 0 {
			add := room * g / grow
			t.widths[j] += add
			left -= add
			last = j
		}
	}
	if last >= 0 {
		t.widths[last] += left
	}
	// A change of the visible columns changes what the filter matches.
	if t.query != "" && t.hayKey != t.visKey() {
		t.rescan()
	}
}

func (t *Table[T]) visKey() string { return fmt.Sprint(t.vis) }

// Visible reports whether column i shows at the current width.
func (t *Table[T]) Visible(i int) bool { return slices.Contains(t.vis, i) }

// tableIDs numbers tables for their HaystackMsg.
var tableIDs atomic.Int64

// HaystackMsg is a table's filter text, built off the program's loop by
// Prepare's command; hand it back with Accept.
type HaystackMsg struct {
	table int64
	gen   int
	key   string
	hay   []string
}

// Prepare returns a command that builds the filter text of every row
// (the text of its visible cells) away from Update, so the first key
// typed into the filter of 100k rows does not wait for it; nil when it is
// built already. The columns' Text must only read the rows.
func (t *Table[T]) Prepare() tea.Cmd {
	k := t.visKey()
	if t.hay != nil && t.hayKey == k {
		return nil
	}
	items, vis, cols, search := t.items, slices.Clone(t.vis), t.Cols, t.Search
	id, gen := t.id, t.gen
	return func() tea.Msg {
		return HaystackMsg{table: id, gen: gen, key: k, hay: buildHaystack(items, vis, cols, search)}
	}
}

// Accept takes a HaystackMsg of this table's, if it still fits its rows
// and columns, and reports whether msg was one.
func (t *Table[T]) Accept(msg tea.Msg) bool {
	h, ok := msg.(HaystackMsg)
	if !ok || h.table != t.id {
		return false
	}
	if h.gen == t.gen && h.key == t.visKey() && (t.hay == nil || t.hayKey != h.key) {
		t.hay, t.hayKey = h.hay, h.key
	}
	return true
}

func buildHaystack[T any](items []T, vis []int, cols []Col[T], search func(T) string) []string {
	hay := make([]string, len(items))
	var b strings.Builder
	for r, it := range items {
		b.Reset()
		for _, i := range vis {
			b.WriteString(cols[i].Text(it))
			b.WriteByte(0)
		}
		if search != nil {
			b.WriteString(search(it))
		}
		hay[r] = strings.ToLower(b.String())
	}
	return hay
}

// haystack is each row's filter text: its visible cells and Search,
// lower-cased, with a separator no query holds, so a match never spans
// two cells.
func (t *Table[T]) haystack() []string {
	if k := t.visKey(); t.hay == nil || t.hayKey != k {
		// Not prepared (or the columns changed since): built here.
		t.hay, t.hayKey = buildHaystack(t.items, t.vis, t.Cols, t.Search), k
	}
	return t.hay
}

func (t *Table[T]) heading(it T) bool { return t.Heading != nil && t.Heading(it) }

// order is the rows in the current sort, Keep applied.
func (t *Table[T]) order() []int32 {
	var o []int32
	if t.sortCol < 0 || t.Cols[t.sortCol].Natural {
		o = make([]int32, len(t.items))
		for i := range o {
			o[i] = int32(i)
		}
	} else {
		if t.orders == nil {
			t.orders = map[int][]int32{}
		}
		asc, ok := t.orders[t.sortCol]
		if !ok {
			asc = t.sorted(t.sortCol)
			t.orders[t.sortCol] = asc
		}
		o = slices.Clone(asc)
	}
	if t.desc {
		slices.Reverse(o)
	}
	return o
}

func (t *Table[T]) sorted(col int) []int32 {
	o := make([]int32, 0, len(t.items))
	for i, it := range t.items {
		if !t.heading(it) {
			o = append(o, int32(i))
		}
	}
	sortRows(t.items, o, t.Cols[col])
	return o
}

// Refilter applies Keep, the sort and the filter again from all rows.
func (t *Table[T]) Refilter() {
	t.total = 0
	for _, it := range t.items {
		if !t.heading(it) && (t.Keep == nil || t.Keep(it)) {
			t.total++
		}
	}
	t.rescan()
}

func (t *Table[T]) rescan() {
	t.rows = t.filter(t.order(), make([]int32, 0, len(t.rows)))
	t.List.SetLen(len(t.rows))
}

// filter appends the rows of from that pass Keep and the query. A heading
// is kept while a row of its group is.
func (t *Table[T]) filter(from []int32, dst []int32) []int32 {
	var hay []string
	if t.query != "" {
		hay = t.haystack()
	}
	heading := -1 // index in dst of the pending heading, or -1
	pendingMatched := false
	t.matched = 0
	for _, i := range from {
		it := t.items[i]
		if t.heading(it) {
			if heading >= 0 && !pendingMatched {
				dst = dst[:heading]
			}
			// Unfiltered, a heading shows even over an empty group (an
			// empty licence file).
			heading, pendingMatched = len(dst), hay == nil || strings.Contains(hay[i], t.query)
			dst = append(dst, i)
			continue
		}
		if t.Keep != nil && !t.Keep(it) {
			continue
		}
		if hay != nil && !strings.Contains(hay[i], t.query) {
			continue
		}
		dst = append(dst, i)
		t.matched++
		pendingMatched = true
	}
	if heading >= 0 && !pendingMatched {
		dst = dst[:heading]
	}
	return dst
}

// SetQuery filters by a case-insensitive substring of any visible cell.
// A query that holds the previous one can only match fewer rows, so only
// those are scanned.
func (t *Table[T]) SetQuery(q string) {
	q = strings.ToLower(q)
	if q == t.query {
		return
	}
	narrower := t.Heading == nil && strings.Contains(q, t.query) && t.hayKey == t.visKey()
	t.query = q
	if narrower {
		// In place: the write index never passes the read one.
		t.rows = t.filter(t.rows, t.rows[:0])
		t.List.SetLen(len(t.rows))
		return
	}
	t.rescan()
}

// Query is the filter as typed.
func (t *Table[T]) Query() string { return t.Input.Value() }

// Filtered reports whether a filter narrows the rows.
func (t *Table[T]) Filtered() bool { return t.query != "" }

// ClearFilter empties the filter and shows every row again.
func (t *Table[T]) ClearFilter() {
	t.Input.Blur()
	t.Input.SetValue("")
	t.SetQuery("")
}

// Capturing reports that the filter has the keyboard.
func (t *Table[T]) Capturing() bool { return t.Input.Focused() }

// SortBy sorts by column col (-1: the natural order), descending if desc.
func (t *Table[T]) SortBy(col int, desc bool) {
	if col >= 0 && (col >= len(t.Cols) || t.Cols[col].NoSort) {
		return
	}
	t.sortCol, t.desc = col, desc
	t.rescan()
	t.List.Select(0)
}

// Sort is the column sorted by (-1: the natural order) and its direction.
func (t *Table[T]) Sort() (col int, desc bool) { return t.sortCol, t.desc }

// cycle is the order `s` steps through.
func (t *Table[T]) cycle() []int {
	if t.SortCycle != nil {
		return t.SortCycle
	}
	var out []int
	natural := false
	for i, c := range t.Cols {
		natural = natural || c.Natural
		if !c.NoSort && (t.width == 0 || t.Visible(i)) {
			out = append(out, i)
		}
	}
	if !natural {
		out = append([]int{-1}, out...)
	}
	return out
}

// NextSort steps to the next column of the cycle, in its first direction.
func (t *Table[T]) NextSort() {
	c := t.cycle()
	if len(c) == 0 {
		return
	}
	next := c[0]
	if j := slices.Index(c, t.sortCol); j >= 0 {
		next = c[(j+1)%len(c)]
	}
	t.SortBy(next, next >= 0 && t.Cols[next].Desc)
}

// ReverseSort flips the direction.
func (t *Table[T]) ReverseSort() { t.SortBy(t.sortCol, !t.desc) }

// SortText is "sort: last seen ↓", the column and its direction; the
// natural order shows its own name.
func (t *Table[T]) SortText(th *theme.Theme) string {
	name := t.NaturalName
	if t.sortCol >= 0 {
		name = t.Cols[t.sortCol].sortName()
	}
	return "sort: " + name + " " + t.arrow(th)
}

func (t *Table[T]) arrow(th *theme.Theme) string {
	if t.desc {
		return th.Glyphs.SortDesc
	}
	return th.Glyphs.SortAsc
}

// Position is "12/300", "3/8 of 300" while filtered, and "0 of 300" when
// the filter leaves nothing.
//
// Headings are not counted: the cursor is the row it is on or the first
// row after it.
func (t *Table[T]) Position() string {
	n, at := len(t.rows), t.List.Cursor+1
	if t.Heading != nil {
		n, at = 0, 0
		for i, r := range t.rows {
			if t.heading(t.items[r]) {
				continue
			}
			n++
			if i <= t.List.Cursor || at == 0 {
				at = n
			}
		}
	}
	switch {
	case n == 0 && t.query != "":
		return fmt.Sprintf("0 of %d", t.total)
	case n == 0:
		return "0/0"
	case t.query != "":
		return fmt.Sprintf("%d/%d of %d", at, n, t.total)
	}
	return fmt.Sprintf("%d/%d", at, n)
}

// Update handles the list's keys: moving, and while the filter has the
// keyboard, editing it. It reports whether the key was the table's.
func (t *Table[T]) Update(msg tea.KeyMsg, k *keys.KeyMap) bool {
	if t.Input.Focused() {
		switch {
		case key.Matches(msg, t.Keys.Apply):
			t.Input.Blur()
		case key.Matches(msg, t.Keys.Clear):
			t.ClearFilter()
		case msg.Type == tea.KeyUp || msg.Type == tea.KeyDown || msg.Type == tea.KeyPgUp || msg.Type == tea.KeyPgDown:
			// Arrows move the list while typing; j and k are letters.
			t.List.HandleKey(msg, k)
		default:
			if t.Input.Update(msg) {
				t.SetQuery(t.Input.Value())
			}
		}
		return true
	}
	switch {
	case key.Matches(msg, t.Keys.Filter):
		t.Input.Focus()
	case key.Matches(msg, t.Keys.Clear):
		if t.Input.Value() == "" {
			return false
		}
		t.ClearFilter()
	case key.Matches(msg, t.Keys.Sort):
		t.NextSort()
	case key.Matches(msg, t.Keys.Reverse):
		t.ReverseSort()
	default:
		return t.List.HandleKey(msg, k)
	}
	return true
}

// HandleMouse scrolls the list on the wheel.
func (t *Table[T]) HandleMouse(msg tea.MouseMsg) bool { return t.List.HandleMouse(msg) }

// ShortHelp is the table's keys for the short help: the filter's while
// typing, else filter and sort.
func (t *Table[T]) ShortHelp() []key.Binding {
	if t.Input.Focused() {
		return []key.Binding{t.Keys.Apply, t.Keys.Clear}
	}
	return []key.Binding{t.Keys.Filter, t.Keys.Sort}
}

// FullHelp is every key of the table, in groups.
func (t *Table[T]) FullHelp(k *keys.KeyMap) [][]key.Binding {
	if t.Input.Focused() {
		return [][]key.Binding{{t.Keys.Apply, t.Keys.Clear, k.Up, k.Down}}
	}
	// esc is offered only when there is a filter for it to clear.
	clear := t.Keys.Clear
	clear.SetEnabled(t.Input.Value() != "")
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{t.Keys.Filter, clear, t.Keys.Sort, t.Keys.Reverse},
	}
}

// StatusView is the list's line: "Label 3/8 of 300  sort: name ↑" and the
// filter as typed, in width cells.
func (t *Table[T]) StatusView(th *theme.Theme, label string, width int) string {
	if label == "" {
		label = t.Label
	}
	status := label + " " + t.Position() + "  " + t.SortText(th)
	if !t.Input.Focused() && t.Input.Value() == "" {
		return th.Heading.Render(Truncate(status, width))
	}
	status = Truncate(status, max(width-12, 1))
	return th.Heading.Render(status) + "  " + t.Input.View(th, max(width-ansi.StringWidth(status)-2, 1))
}

// HeaderView is the column titles, the sorted one with its direction.
func (t *Table[T]) HeaderView(th *theme.Theme) string {
	parts := make([]string, len(t.vis))
	for j, i := range t.vis {
		c, w := t.Cols[i], t.widths[j]
		if i == t.sortCol && w >= 2 {
			parts[j] = sortedTitle(c.Title, t.arrow(th), w, c.Right)
			continue
		}
		parts[j] = Fit(c.Title, w, c.Right)
	}
	return th.ColumnHead.Render(Truncate("  "+strings.Join(parts, " "), max(t.width, 1)))
}

// sortedTitle is a title with the sort's arrow, on the side away from the
// column's edge, exactly w cells: "NAME ↑", "↓ USED", "↓USED" when the
// space does not fit, the title cut before the arrow is.
func sortedTitle(title, arrow string, w int, right bool) string {
	tw := ansi.StringWidth(title)
	sep := " "
	if tw+2 > w {
		sep = ""
	}
	title = Truncate(title, max(w-1-len(sep), 1))
	if right {
		return Fit(arrow+sep+title, w, true)
	}
	return Fit(title+sep+arrow, w, false)
}

// EmptyText is what stands for no rows: the filter's "0 of N" when it
// hides them all, else none (the screen says why its list is empty).
func (t *Table[T]) EmptyText() string {
	if t.query == "" {
		return ""
	}
	return fmt.Sprintf("no %s match %q: 0 of %d (esc clears)", t.Label, t.Input.Value(), t.total)
}

// BodyView is the list's body, exactly List.Height lines: the rows, else
// the filter's "0 of N", else empty (the screen's reason its list is empty,
// already styled).
func (t *Table[T]) BodyView(th *theme.Theme, empty string) string {
	switch {
	case t.Len() > 0:
		return t.RowsView(th)
	case t.Filtered():
		empty = t.EmptyText()
	}
	return "  " + empty + strings.Repeat("\n", max(t.List.Height-1, 0))
}

// RowsView draws the rows in the window, exactly List.Height lines (blank
// ones below the last row), each the table's width.
func (t *Table[T]) RowsView(th *theme.Theme) string {
	from, to := t.List.Window()
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte('\n')
		}
		b.WriteString(t.row(th, t.items[t.rows[i]], i == t.List.Cursor))
	}
	for i := to - from; i < t.List.Height; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func (t *Table[T]) row(th *theme.Theme, it T, selected bool) string {
	inner := max(t.width-2, 1)
	if t.DrawRow != nil {
		if plain, styled, ok := t.DrawRow(th, it, inner); ok {
			return Row(th, selected, t.width, plain, styled)
		}
	}
	var plain, styled strings.Builder
	var rowStyle *lipgloss.Style
	if t.RowStyle != nil {
		rowStyle = t.RowStyle(it)
	}
	for j, i := range t.vis {
		c, w := t.Cols[i], t.widths[j]
		if j > 0 {
			plain.WriteByte(' ')
			styled.WriteByte(' ')
		}
		var p, s string
		if c.Draw != nil {
			p, s = c.Draw(th, it, w)
		} else {
			if c.KeepEnd {
				p = FitEnd(c.Text(it), w, c.Right)
			} else {
				p = Fit(c.Text(it), w, c.Right)
			}
			s = p
			var st *lipgloss.Style
			if c.Style != nil {
				st = c.Style(it)
			}
			if st == nil {
				st = rowStyle
			}
			if st != nil {
				s = st.Render(p)
			}
		}
		plain.WriteString(p)
		styled.WriteString(s)
	}
	return Row(th, selected, t.width, plain.String(), styled.String())
}
