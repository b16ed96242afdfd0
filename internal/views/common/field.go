package common

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/theme"
)

// defaultFieldLimit is the longest text a field takes when Limit is 0.
const defaultFieldLimit = 256

// Field is a one-line text field: the usage filter and the pseudonym
// preview. The editing is bubbles' textinput (arrows, home/end, ctrl+a/e,
// ctrl+k/u/w, alt+b/f/d and ctrl+←/→ by words, delete, the character
// limit). What is typed or pasted is sanitized before textinput sees it,
// so the field never holds a control character, an escape sequence or a
// bidi override to draw. The zero value, with Prompt and Limit set, is
// ready to use.
//
// The drawing is Field's own, for two reasons. textinput shows its cursor
// only as reverse video, which a terminal without colour (NO_COLOR, the
// Ascii profile) does not draw, so the admin would not see where typing
// goes; Field ends the text with "_". And textinput scrolls against a
// width fixed before each key, while the room these fields get changes
// from frame to frame (the usage filter shares its line with the list's
// position).
type Field struct {
	Prompt string
	Limit  int // runes; 0 means 256

	input textinput.Model
	ready bool
}

// editor is the textinput, set up on first use.
func (f *Field) editor() *textinput.Model {
	if !f.ready {
		ti := textinput.New()
		ti.Prompt = ""
		// The cursor is drawn by View; a blinking one would only send
		// ticks (and frames over a slow link) twice a second.
		ti.Cursor.SetMode(cursor.CursorStatic)
		// ctrl+v would read the clipboard of the machine lsui runs on, by
		// starting xclip or pbpaste there: on an RDP or SSH server that is
		// not the admin's clipboard. The terminal's own paste arrives as
		// keys and works.
		ti.KeyMap.Paste.SetEnabled(false)
		// There are no suggestions; tab and the arrows are the screen's.
		ti.KeyMap.AcceptSuggestion.SetEnabled(false)
		ti.KeyMap.NextSuggestion.SetEnabled(false)
		ti.KeyMap.PrevSuggestion.SetEnabled(false)
		f.input, f.ready = ti, true
	}
	f.input.CharLimit = f.Limit
	if f.Limit <= 0 {
		f.input.CharLimit = defaultFieldLimit
	}
	return &f.input
}

// Value is the text in the field.
func (f *Field) Value() string { return f.editor().Value() }

// SetValue replaces the text and puts the cursor at its end.
func (f *Field) SetValue(s string) {
	ti := f.editor()
	ti.SetValue(sanitize.Line(s))
	ti.CursorEnd()
}

func (f *Field) Focus()        { f.editor().Focus() }
func (f *Field) Blur()         { f.editor().Blur() }
func (f *Field) Focused() bool { return f.editor().Focused() }

// Update edits the text with a key and reports whether the text changed
// (a cursor move does not change it).
func (f *Field) Update(msg tea.KeyMsg) bool {
	ti := f.editor()
	switch msg.Type {
	case tea.KeySpace:
		msg.Runes = []rune{' '}
	case tea.KeyRunes:
		// A paste arrives here whole: hostile bytes are dropped before
		// they are text.
		msg.Runes = []rune(sanitize.Line(string(msg.Runes)))
		if len(msg.Runes) == 0 {
			return false
		}
	}
	before := ti.Value()
	*ti, _ = ti.Update(msg)
	return ti.Value() != before
}

// View draws the prompt and the text in at most width cells, with the
// cursor as a highlighted cell (and "_" at the end, which shows without
// colour) while focused. A text wider than the room shows its end.
func (f *Field) View(t *theme.Theme, width int) string {
	ti := f.editor()
	value := []rune(ti.Value())
	room := width - ansi.StringWidth(f.Prompt) - 1
	if room < 1 {
		return ""
	}
	if !ti.Focused() {
		return t.Info.Render(f.Prompt) + ansi.Truncate(string(value), room, "")
	}
	pos := min(ti.Position(), len(value))
	before, after := string(value[:pos]), string(value[pos:])
	cursor := "_"
	if after != "" {
		r := []rune(after)
		cursor, after = string(r[0]), string(r[1:])
	}
	for ansi.StringWidth(before)+ansi.StringWidth(cursor) > room && before != "" {
		_, size := utf8.DecodeRuneInString(before)
		before = before[size:]
	}
	after = ansi.Truncate(after, max(room-ansi.StringWidth(before)-ansi.StringWidth(cursor), 0), "")
	return t.Info.Render(f.Prompt) + before + t.Selected.Render(cursor) + after
}

// Trimmed is the value without surrounding white space.
func (f *Field) Trimmed() string { return strings.TrimSpace(f.Value()) }
