package common

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/theme"
)

// Field is a one-line text field: the usage filter and the pseudonym
// preview. (bubbles' textinput would pull in a clipboard module this
// build does not carry; pasting works through the terminal either way.)
// What is typed or pasted is sanitized as it arrives, so the field never
// holds a control character to draw.
type Field struct {
	Prompt  string
	Limit   int // runes; 0 means 256
	value   []rune
	pos     int
	focused bool
}

// Value is the text in the field.
func (f *Field) Value() string { return string(f.value) }

// SetValue replaces the text and puts the cursor at its end.
func (f *Field) SetValue(s string) {
	f.value = []rune(sanitize.Line(s))
	f.clip()
	f.pos = len(f.value)
}

func (f *Field) Focus()        { f.focused = true }
func (f *Field) Blur()         { f.focused = false }
func (f *Field) Focused() bool { return f.focused }

func (f *Field) clip() {
	limit := f.Limit
	if limit <= 0 {
		limit = 256
	}
	if len(f.value) > limit {
		f.value = f.value[:limit]
	}
}

// Update edits the text and reports whether the key was the field's.
func (f *Field) Update(msg tea.KeyMsg) bool {
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace:
		ins := []rune(sanitize.Line(string(msg.Runes)))
		f.value = append(f.value[:f.pos], append(ins, f.value[f.pos:]...)...)
		f.pos += len(ins)
		f.clip()
		f.pos = min(f.pos, len(f.value))
	case tea.KeyBackspace:
		if f.pos > 0 {
			f.value = append(f.value[:f.pos-1], f.value[f.pos:]...)
			f.pos--
		}
	case tea.KeyDelete:
		if f.pos < len(f.value) {
			f.value = append(f.value[:f.pos], f.value[f.pos+1:]...)
		}
	case tea.KeyLeft:
		f.pos = max(f.pos-1, 0)
	case tea.KeyRight:
		f.pos = min(f.pos+1, len(f.value))
	case tea.KeyHome, tea.KeyCtrlA:
		f.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		f.pos = len(f.value)
	case tea.KeyCtrlU:
		f.value = append(f.value[:0], f.value[f.pos:]...)
		f.pos = 0
	case tea.KeyCtrlK:
		f.value = f.value[:f.pos]
	case tea.KeyCtrlW:
		i := f.pos
		for i > 0 && unicode.IsSpace(f.value[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(f.value[i-1]) {
			i--
		}
		f.value = append(f.value[:i], f.value[f.pos:]...)
		f.pos = i
	default:
		return false
	}
	return true
}

// View draws the prompt and the text in at most width cells, with the
// cursor as a highlighted cell (and "_" at the end, which shows without
// colour) while focused. A text wider than the room shows its end.
func (f *Field) View(t *theme.Theme, width int) string {
	text := string(f.value)
	room := width - ansi.StringWidth(f.Prompt) - 1
	if room < 1 {
		return ""
	}
	if !f.focused {
		return t.Info.Render(f.Prompt) + ansi.Truncate(text, room, "")
	}
	before, after := string(f.value[:f.pos]), string(f.value[f.pos:])
	cursor := "_"
	if after != "" {
		r := []rune(after)
		cursor, after = string(r[0]), string(r[1:])
	}
	for ansi.StringWidth(before)+ansi.StringWidth(cursor) > room && before != "" {
		_, size := firstRune(before)
		before = before[size:]
	}
	after = ansi.Truncate(after, max(room-ansi.StringWidth(before)-ansi.StringWidth(cursor), 0), "")
	return t.Info.Render(f.Prompt) + before + t.Selected.Render(cursor) + after
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
		_ = r
	}
	return 0, len(s)
}

// Trimmed is the value without surrounding white space.
func (f *Field) Trimmed() string { return strings.TrimSpace(f.Value()) }
