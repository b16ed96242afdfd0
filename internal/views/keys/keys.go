// Package keys is the dashboard's global key map and the navigation keys
// every list shares. Screens add their own bindings beside these; a binding
// that must not be used (a write in --read-only) is disabled, which also
// takes it out of the help.
package keys

import "github.com/charmbracelet/bubbles/key"

// Global are the keys the root handles before any screen sees them.
type Global struct {
	NextTab   key.Binding
	PrevTab   key.Binding
	Tabs      key.Binding // 1–7, one binding for the help
	Help      key.Binding
	Quit      key.Binding
	Interrupt key.Binding
	Redraw    key.Binding
	OpenLast  key.Binding
	Reload    key.Binding
	Messages  key.Binding
}

// Nav are the list and viewer movements.
type Nav struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
	Open     key.Binding
	Back     key.Binding
	Left     key.Binding
	Right    key.Binding
}

// KeyMap is every shared binding.
type KeyMap struct {
	Global
	Nav
}

// New returns the default key map.
func New() *KeyMap {
	return &KeyMap{
		Global: Global{
			NextTab:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
			PrevTab:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
			Tabs:      key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"), key.WithHelp("1-7", "go to tab")),
			Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
			Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
			Redraw:    key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "redraw")),
			OpenLast:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the latest upload: Citrix's when there is one")),
			Reload:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reload from disk")),
			Messages:  key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "messages")),
		},
		Nav: Nav{
			Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
			PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
			Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
			End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
			Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
			Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
			Left:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left")),
			Right:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right")),
		},
	}
}

// ASCIIHelp rewrites the arrow glyphs in the help for --ascii consoles.
func (k *KeyMap) ASCIIHelp() {
	k.Up.SetHelp("up/k", "up")
	k.Down.SetHelp("down/j", "down")
	k.Left.SetHelp("left/h", "scroll left")
	k.Right.SetHelp("right/l", "scroll right")
}
