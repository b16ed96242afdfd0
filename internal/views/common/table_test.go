package common

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

type person struct {
	name   string
	team   string
	n      int
	device bool
	head   bool
}

func personCols() []Col[*person] {
	return []Col[*person]{
		{Title: "NAME", Width: 8, Grow: 1, Natural: true, Text: func(p *person) string { return p.name }},
		{Title: "TEAM", Width: 8, Text: func(p *person) string { return p.team }},
		{Title: "N", Width: 5, Right: true, Desc: true, Text: func(p *person) string { return strconv.Itoa(p.n) },
			Compare: func(a, b *person) int { return a.n - b.n }},
		{Title: "WIDE", Width: 6, MinScreen: 100, Text: func(p *person) string { return "w" + p.name }},
	}
}

func people(n int) []*person {
	out := make([]*person, n)
	teams := []string{"XDT_ADV", "MPS_ENT", "kiosk"}
	for i := range out {
		name := fmt.Sprintf("user%04d@corp.example", i)
		if i%7 == 0 {
			name = fmt.Sprintf("KIOSK-%03d", i)
		}
		out[i] = &person{name: name, team: teams[i%3], n: (i * 37) % 11, device: i%5 == 0}
	}
	return out
}

// fullScan is the filter done the obvious way, to check the incremental one.
func fullScan(tb *Table[*person], q string) []*person {
	var out []*person
	col, desc := tb.Sort()
	tmp := NewTable("x", tb.Cols)
	tmp.Keep = tb.Keep
	tmp.SetWidth(tb.width)
	tmp.SetItems(tb.Items())
	tmp.SortBy(col, desc)
	for i := 0; i < tmp.Len(); i++ {
		p := tmp.At(i)
		text := strings.ToLower(p.name + "\x00" + p.team + "\x00" + strconv.Itoa(p.n))
		if tmp.Visible(3) {
			text += "\x00w" + strings.ToLower(p.name)
		}
		if strings.Contains(text, strings.ToLower(q)) {
			out = append(out, p)
		}
	}
	return out
}

func shown(tb *Table[*person]) []*person {
	out := make([]*person, tb.Len())
	for i := range out {
		out[i] = tb.At(i)
	}
	return out
}

// TestTableIncrementalFilterMatchesFullScan types and deletes random
// queries, sorts and narrows, and checks after every step that what is
// shown is exactly what a scan of everything gives.
func TestTableIncrementalFilterMatchesFullScan(t *testing.T) {
	tb := NewTable("people", personCols())
	device := false
	tb.Keep = func(p *person) bool { return p.device == device }
	tb.SetWidth(80)
	tb.SetItems(people(500))
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "user0123KIOSK-.@_XDT"
	q := ""
	for step := 0; step < 2000; step++ {
		switch op := rng.IntN(12); {
		case op < 6:
			q += string(alphabet[rng.IntN(len(alphabet))])
		case op < 9 && q != "":
			q = q[:len(q)-1]
		case op == 9:
			tb.NextSort()
		case op == 10:
			tb.ReverseSort()
		case op == 11:
			device = !device
			tb.Refilter()
			if rng.IntN(2) == 0 {
				tb.SetWidth(60 + rng.IntN(2)*60) // shows or hides WIDE
			}
		}
		tb.SetQuery(q)
		if got, want := shown(tb), fullScan(tb, q); !slices.Equal(got, want) {
			t.Fatalf("step %d, query %q sort %v: %d rows, a full scan gives %d", step, q, tb.sortCol, len(got), len(want))
		}
	}
}

func TestTableMatchesAnyVisibleColumn(t *testing.T) {
	tb := NewTable("people", personCols())
	tb.SetWidth(80)
	tb.SetItems(people(30))
	tb.SetQuery("xdt_adv")
	if tb.Len() != 10 || tb.Position() != "1/10 of 30" {
		t.Errorf("a query on the TEAM column: %d rows, %s", tb.Len(), tb.Position())
	}
	tb.SetQuery("wuser") // only in the hidden WIDE column
	if tb.Len() != 0 || tb.Position() != "0 of 30" || !strings.Contains(tb.EmptyText(), "0 of 30") {
		t.Errorf("a hidden column matched: %d rows, %s, %q", tb.Len(), tb.Position(), tb.EmptyText())
	}
	tb.SetWidth(120)
	if tb.Len() == 0 {
		t.Errorf("WIDE shown, its text must match")
	}
}

func TestTableSortShowsColumnAndDirection(t *testing.T) {
	th := theme.New(nil, true)
	tb := NewTable("people", personCols())
	tb.SetWidth(80)
	tb.SetItems(people(20))
	if got := tb.SortText(th); got != "sort: name ^" {
		t.Errorf("initial sort %q", got)
	}
	tb.NextSort() // TEAM, ascending
	tb.NextSort() // N, descending first
	if got := tb.SortText(th); got != "sort: n v" {
		t.Errorf("after two steps %q", got)
	}
	for i := 1; i < tb.Len(); i++ {
		if tb.At(i-1).n < tb.At(i).n {
			t.Fatalf("N descending: rows %d and %d out of order", i-1, i)
		}
	}
	if h := tb.HeaderView(th); !strings.Contains(h, "v N") {
		t.Errorf("the header does not mark the sorted column: %q", h)
	}
	tb.ReverseSort()
	if tb.SortText(th) != "sort: n ^" || tb.At(0).n > tb.At(tb.Len()-1).n {
		t.Errorf("reverse: %q", tb.SortText(th))
	}
	tb.NextSort() // back to the natural order (WIDE is hidden at 80)
	if tb.SortText(th) != "sort: name ^" || tb.At(0).name != "KIOSK-000" {
		t.Errorf("the cycle does not come back to the natural order: %q %s", tb.SortText(th), tb.At(0).name)
	}
}

func TestTableKeys(t *testing.T) {
	k := keys.New()
	tb := NewTable("people", personCols())
	tb.SetWidth(80)
	tb.SetHeight(5)
	tb.SetItems(people(30))
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	for _, m := range []tea.KeyMsg{runes("/"), runes("K"), runes("I"), runes("O"), runes("S"), runes("K"), runes("-"), runes("j")} {
		if !tb.Update(m, k) {
			t.Fatalf("%v not handled while filtering", m)
		}
	}
	if tb.Query() != "KIOSK-j" || !tb.Capturing() {
		t.Errorf("j is a letter while typing: %q", tb.Query())
	}
	tb.Update(tea.KeyMsg{Type: tea.KeyBackspace}, k)
	tb.Update(tea.KeyMsg{Type: tea.KeyEnter}, k)
	if tb.Capturing() || tb.Len() != 5 {
		t.Errorf("enter keeps the filter: capturing %v, %d rows", tb.Capturing(), tb.Len())
	}
	tb.Update(runes("j"), k)
	if tb.List.Cursor != 1 {
		t.Errorf("j moves after enter: cursor %d", tb.List.Cursor)
	}
	if !tb.Update(tea.KeyMsg{Type: tea.KeyEsc}, k) || tb.Filtered() || tb.Len() != 30 {
		t.Errorf("esc clears: %d rows", tb.Len())
	}
	if tb.Update(tea.KeyMsg{Type: tea.KeyEsc}, k) {
		t.Errorf("esc with no filter is not the table's: the screen may go back")
	}
	if tb.Update(runes("x"), k) {
		t.Errorf("x is not a table key")
	}
}

func TestTableHeadingsKeepTheirGroup(t *testing.T) {
	items := []*person{
		{name: "a.lic", head: true}, {name: "one", team: "XDT"}, {name: "two", team: "MPS"},
		{name: "b.lic", head: true}, {name: "three", team: "MPS"},
		{name: "c.lic", head: true},
	}
	tb := NewTable("lines", personCols())
	tb.Heading = func(p *person) bool { return p.head }
	tb.NaturalName = "file order"
	tb.Cols[0].Natural = false
	tb.sortCol = -1
	tb.SetWidth(80)
	tb.SetItems(items)
	names := func() string {
		var out []string
		for _, p := range shown(tb) {
			out = append(out, p.name)
		}
		return strings.Join(out, " ")
	}
	if tb.Position() != "1/3" {
		t.Errorf("position on a heading counts the rows, not the headings: %s", tb.Position())
	}
	tb.List.Select(4) // "three", under b.lic
	if tb.Position() != "3/3" {
		t.Errorf("position %s, want 3/3", tb.Position())
	}
	tb.SetQuery("mps")
	if got := names(); got != "a.lic two b.lic three" {
		t.Errorf("filtered: %q", got)
	}
	tb.SetQuery("b.lic") // a heading's own name keeps its group's heading
	if got := names(); got != "b.lic" {
		t.Errorf("heading match: %q", got)
	}
	tb.SetQuery("")
	tb.SortBy(0, true)
	if got := names(); got != "two three one" {
		t.Errorf("sorted, headings are left out: %q", got)
	}
}

func TestTableRowsFitAndMarkSelection(t *testing.T) {
	th := theme.New(nil, true)
	tb := NewTable("people", personCols())
	for _, w := range []int{40, 60, 80, 120} {
		tb.SetWidth(w)
		tb.SetHeight(4)
		tb.SetItems(people(3))
		lines := strings.Split(tb.RowsView(th), "\n")
		if len(lines) != 4 {
			t.Fatalf("width %d: %d lines, want the height 4", w, len(lines))
		}
		for i, l := range lines[:3] {
			if ansi.StringWidth(l) != w {
				t.Errorf("width %d: row %d is %d cells: %q", w, i, ansi.StringWidth(l), l)
			}
		}
		if !strings.HasPrefix(lines[0], "> KIOSK-000") {
			t.Errorf("the selected row has no marker: %q", lines[0])
		}
		if ansi.StringWidth(tb.HeaderView(th)) > w {
			t.Errorf("width %d: header too wide", w)
		}
	}
}

// TestTablePrepare: the haystack built by Prepare's command is the one
// the filter uses, and one built for rows since replaced is dropped.
func TestTablePrepare(t *testing.T) {
	tb := NewTable("people", personCols())
	tb.SetWidth(80)
	tb.SetItems(people(50))
	cmd := tb.Prepare()
	if cmd == nil {
		t.Fatal("nothing to prepare")
	}
	msg := cmd()
	other := NewTable("others", personCols())
	if other.Accept(msg) {
		t.Errorf("another table took the haystack")
	}
	if !tb.Accept(msg) || tb.Prepare() != nil {
		t.Fatalf("the haystack was not taken")
	}
	tb.SetQuery("kiosk-0")
	if tb.Len() != 8 {
		t.Errorf("filtered on the prepared haystack: %d rows", tb.Len())
	}
	// A haystack built for rows replaced before it came back is dropped.
	tb.SetQuery("")
	tb.SetItems(people(50))
	cmd = tb.Prepare()
	tb.SetItems(people(10))
	tb.Accept(cmd())
	tb.SetQuery("user00")
	if got, want := shown(tb), fullScan(tb, "user00"); !slices.Equal(got, want) {
		t.Errorf("a haystack of replaced rows was used: %d rows, want %d", len(got), len(want))
	}
}
