// Package viewer shows a text file in a scrollable viewport: a raw licence
// file with the selected line highlighted, or a payload entry. The text is
// sanitized before anything else touches it, long lines wrap (a gutter
// keeps the original line numbers), and the highlight carries a ">" marker
// so it reads without colour.
package viewer

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

// Model is a titled, scrollable text.
type Model struct {
	theme *theme.Theme
	keys  *keys.KeyMap
	vp    viewport.Model

	title  string
	lines  []string // sanitized, one per physical line
	hlFrom int      // 1-based first highlighted line; 0 for none
	hlTo   int
	// first is, per source line, the first wrapped row it starts, so the
	// highlight can be scrolled into view after a resize.
	first []int
	width int
}

// New returns an empty viewer.
func New(t *theme.Theme, k *keys.KeyMap) Model {
	vp := viewport.New(0, 0)
	vp.KeyMap = viewport.KeyMap{
		PageDown:     k.PageDown,
		PageUp:       k.PageUp,
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d")),
		Up:           k.Up,
		Down:         k.Down,
	}
	vp.MouseWheelEnabled = true
	return Model{theme: t, keys: k, vp: vp}
}

// SetContent shows text (sanitized here) under title, highlighting the
// 1-based lines from..to (0 for none) and scrolling them into view.
func (m *Model) SetContent(title, text string, from, to int) {
	m.title = sanitize.Line(title)
	text = strings.TrimSuffix(sanitize.Text(text), "\n")
	m.lines = strings.Split(text, "\n")
	m.hlFrom, m.hlTo = from, to
	m.render()
	m.scrollToHighlight()
}

// SetSize gives the viewer w×h cells, its title line included.
func (m *Model) SetSize(w, h int) {
	m.width = w
	m.vp.Width = w
	m.vp.Height = max(h-1, 1)
	if m.lines != nil {
		m.render()
		m.scrollToHighlight()
	}
}

func (m *Model) render() {
	digits := len(strconv.Itoa(len(m.lines)))
	gutter := digits + 3 // marker, space, number, space
	textWidth := max(m.width-gutter, 8)
	var b strings.Builder
	m.first = m.first[:0]
	row := 0
	for i, line := range m.lines {
		n := i + 1
		hl := m.hlFrom > 0 && n >= m.hlFrom && n <= m.hlTo
		m.first = append(m.first, row)
		parts := []string{line}
		if ansi.StringWidth(line) > textWidth {
			parts = strings.Split(ansi.Hardwrap(line, textWidth, true), "\n")
		}
		for j, p := range parts {
			marker := "  "
			if hl {
				marker = m.theme.Glyphs.Cursor + " "
			}
			num := strings.Repeat(" ", digits)
			if j == 0 {
				num = strconv.Itoa(n)
				num = strings.Repeat(" ", digits-len(num)) + num
			}
			if row > 0 {
				b.WriteByte('\n')
			}
			if hl {
				text := p + strings.Repeat(" ", max(textWidth-ansi.StringWidth(p), 0))
				b.WriteString(m.theme.Highlight.Render(marker + num + " " + text))
			} else {
				b.WriteString(marker + m.theme.Dim.Render(num) + " " + p)
			}
			row++
		}
	}
	m.vp.SetContent(b.String())
}

func (m *Model) scrollToHighlight() {
	if m.hlFrom < 1 || m.hlFrom > len(m.first) {
		m.vp.GotoTop()
		return
	}
	// A few lines of context above the highlight.
	m.vp.SetYOffset(max(m.first[m.hlFrom-1]-m.vp.Height/4, 0))
}

// Update scrolls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.keys.Home):
			m.vp.GotoTop()
			return nil
		case key.Matches(k, m.keys.End):
			m.vp.GotoBottom()
			return nil
		}
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return cmd
}

// View is the title line and the viewport.
func (m *Model) View() string {
	pos := strconv.Itoa(int(m.vp.ScrollPercent()*100+0.5)) + "%"
	var head string
	if m.width > len(pos)+1 {
		title := sanitize.TruncateTail(m.title, m.width-len(pos)-1, m.theme.Glyphs.Ellipsis)
		pad := m.width - ansi.StringWidth(title) - len(pos)
		head = m.theme.Heading.Render(title) + strings.Repeat(" ", pad) + m.theme.Dim.Render(pos)
	} else {
		head = m.theme.Heading.Render(sanitize.TruncateTail(m.title, m.width, m.theme.Glyphs.Ellipsis))
	}
	return head + "\n" + m.vp.View()
}

// Help lists the viewer's keys.
// Handles reports whether the viewer (or its owner's esc) answers k: the
// owner says so in the status line when it does not.
func (m *Model) Handles(k tea.KeyMsg) bool {
	vk := m.vp.KeyMap
	for _, b := range []key.Binding{m.keys.Home, m.keys.End, m.keys.Back, vk.Up, vk.Down, vk.Left, vk.Right,
		vk.PageUp, vk.PageDown, vk.HalfPageUp, vk.HalfPageDown} {
		if key.Matches(k, b) {
			return true
		}
	}
	return false
}

func (m *Model) Help() []key.Binding {
	return []key.Binding{m.keys.Up, m.keys.Down, m.keys.PageDown, m.keys.Back}
}
