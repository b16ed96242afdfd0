package common

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/views/keys"
)

// List is the cursor and scroll window over n rows. Screens draw only the
// rows between Window's bounds, so a list of 100k rows costs what the
// visible ones cost.
type List struct {
	Cursor int
	Offset int
	Height int // rows in view
	N      int // rows in all
}

// SetLen changes the number of rows, keeping the cursor in range.
func (l *List) SetLen(n int) {
	l.N = max(n, 0)
	l.clamp()
}

// SetHeight changes the rows in view.
func (l *List) SetHeight(h int) {
	l.Height = max(h, 1)
	l.clamp()
}

// Move moves the cursor by d rows.
func (l *List) Move(d int) {
	l.Cursor += d
	l.clamp()
}

// Select puts the cursor on row i.
func (l *List) Select(i int) {
	l.Cursor = i
	l.clamp()
}

func (l *List) clamp() {
	if l.Height < 1 {
		l.Height = 1
	}
	if l.Cursor >= l.N {
		l.Cursor = l.N - 1
	}
	if l.Cursor < 0 {
		l.Cursor = 0
	}
	if l.Cursor < l.Offset {
		l.Offset = l.Cursor
	}
	if l.Cursor >= l.Offset+l.Height {
		l.Offset = l.Cursor - l.Height + 1
	}
	if l.Offset > l.N-l.Height {
		l.Offset = l.N - l.Height
	}
	if l.Offset < 0 {
		l.Offset = 0
	}
}

// Window is the half-open range of rows in view.
func (l List) Window() (from, to int) {
	return l.Offset, min(l.Offset+l.Height, l.N)
}

// HandleKey applies a navigation key and reports whether it was one.
func (l *List) HandleKey(msg tea.KeyMsg, k *keys.KeyMap) bool {
	switch {
	case key.Matches(msg, k.Up):
		l.Move(-1)
	case key.Matches(msg, k.Down):
		l.Move(1)
	case key.Matches(msg, k.PageUp):
		l.Move(-l.Height)
	case key.Matches(msg, k.PageDown):
		l.Move(l.Height)
	case key.Matches(msg, k.Home):
		l.Select(0)
	case key.Matches(msg, k.End):
		l.Select(l.N - 1)
	default:
		return false
	}
	return true
}

// HandleMouse scrolls on the wheel and reports whether it did.
func (l *List) HandleMouse(msg tea.MouseMsg) bool {
	if msg.Action != tea.MouseActionPress {
		return false
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		l.Move(-3)
	case tea.MouseButtonWheelDown:
		l.Move(3)
	default:
		return false
	}
	return true
}

// Position is "12/300" for a list footer, "0/0" when empty.
func (l List) Position() string {
	if l.N == 0 {
		return "0/0"
	}
	return itoa(l.Cursor+1) + "/" + itoa(l.N)
}
