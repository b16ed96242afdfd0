// Package common is what every dashboard screen shares: the program
// context, the Screen contract, the tab identities, and the small layout
// pieces (a windowed list, fitted table cells, fixed-size blocks).
package common

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/scramble"
	"github.com/lsui/lsui/internal/views/keys"
	"github.com/lsui/lsui/internal/views/theme"
)

// Context is the program context handed to every screen. Screens read it;
// only the root changes it.
type Context struct {
	// Ctx is cancelled when the program ends; long operations run under it.
	Ctx context.Context

	Snapshot *model.Snapshot
	// LoadOptions are the options the snapshot was loaded with, so a screen
	// can load another month of usage the same way.
	LoadOptions model.Options
	// RootLabel is the root as shown: "DEMO" for the demo's temporary copy.
	RootLabel string

	Theme    *theme.Theme
	Keys     *keys.KeyMap
	ReadOnly bool
	// Endpoint overrides the upload endpoint in lsui's settings.
	Endpoint string
	// Notice is why the screen shows what it shows, set by the command
	// line: "no licence server found (looked in …); showing the demo
	// server". The header shows it for the whole run.
	Notice string
	// LoadedAt is when the snapshot on screen was read from disk.
	LoadedAt time.Time

	// PreviewKey makes the throwaway key the Privacy screen previews with
	// while the server has none; nil means scramble.PreviewKey (random).
	// Tests fix it so their output is stable.
	PreviewKey func() *scramble.Key
}

// Now is the snapshot's clock (the fixed --now when given).
func (c *Context) Now() time.Time {
	if c.Snapshot != nil {
		return c.Snapshot.Now
	}
	return time.Now()
}

// FixedClock reports whether the snapshot runs on a fixed clock (--now):
// the header then shows that clock, not when the data was read.
func (c *Context) FixedClock() bool { return !c.LoadOptions.Now.IsZero() }

// Tab identifies a screen.
type Tab int

const (
	TabOverview Tab = iota
	TabLicences
	TabExpirations
	TabEntitlements
	TabUsage
	TabPrivacy
	TabUploads
	NumTabs
)

var tabNames = [NumTabs]string{"Overview", "Licences", "Expirations", "Entitlements", "Usage", "Privacy", "Uploads"}

func (t Tab) String() string {
	if t < 0 || t >= NumTabs {
		return "?"
	}
	return tabNames[t]
}

// TabNamed is the tab called name ("Usage"), as the preferences keep it.
func TabNamed(name string) (Tab, bool) {
	for t, n := range tabNames {
		if strings.EqualFold(n, name) {
			return Tab(t), true
		}
	}
	return 0, false
}

// Screen is one tab. The root calls SetSize before the first View, sends
// key and mouse messages only to the active screen, and sends a Targeted
// message only to the screen it names.
type Screen interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Capturing reports that the screen owns the keyboard (a text field or
	// a dialog has focus): the root then passes it every key but ctrl+c.
	Capturing() bool
}

// Targeted is an asynchronous result that belongs to one screen.
type Targeted interface {
	TargetTab() Tab
}

// QuitGuard is a screen that must be asked before the program quits, e.g.
// while an upload cycle runs. QuitPrompt returns "" when quitting is safe.
type QuitGuard interface {
	QuitPrompt() string
}

// StatusMsg puts a line in the status bar: the outcome of an action.
type StatusMsg struct {
	Text  string
	Error bool
}

// Status returns a command that shows text in the status bar.
func Status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Error: isErr} }
}

// SwitchTabMsg asks the root to show a tab.
type SwitchTabMsg struct{ Tab Tab }

// OpenLastUploadMsg asks the Uploads screen to open the newest upload; the
// root switches to it first.
type OpenLastUploadMsg struct{}

// TargetTab sends OpenLastUploadMsg to the Uploads screen.
func (OpenLastUploadMsg) TargetTab() Tab { return TabUploads }

// ShowLineMsg asks the Licences screen to select a licence line and show
// it in its file.
type ShowLineMsg struct {
	File string
	Line int
}

// TargetTab sends ShowLineMsg to the Licences screen.
func (ShowLineMsg) TargetTab() Tab { return TabLicences }

// ShowLine switches to the Licences tab and shows file:line there.
func ShowLine(file string, line int) tea.Cmd {
	return tea.Sequence(
		func() tea.Msg { return SwitchTabMsg{TabLicences} },
		func() tea.Msg { return ShowLineMsg{file, line} },
	)
}

// SnapshotChangedMsg tells every screen that the root's snapshot changed
// in place (the anonymization setting was written), so derived views are
// rebuilt.
type SnapshotChangedMsg struct{}

// Unhandled says in the status line that a key does nothing where it was
// pressed, instead of nothing happening.
func Unhandled(msg tea.KeyMsg) tea.Cmd {
	return Status(msg.String()+" does nothing here; ? lists the keys", false)
}

// SelectMsg asks a screen to select what stands for a licence line (its
// date, its entitlement) without opening anything; the Overview's enter
// sends it after switching tabs.
type SelectMsg struct {
	Tab  Tab
	File string
	Line int
	// Feature selects an entitlement by feature name when File is "",
	// of CSSDate (YYYY-MM-DD) when not "".
	Feature string
	CSSDate string
	// Upload names an upload's zip.
	Upload string
}

// TargetTab sends SelectMsg to the screen it names.
func (m SelectMsg) TargetTab() Tab { return m.Tab }

// Select switches to tab and selects there what m names.
func Select(m SelectMsg) tea.Cmd {
	return tea.Sequence(
		func() tea.Msg { return SwitchTabMsg{m.Tab} },
		func() tea.Msg { return m },
	)
}

// Envelope carries an asynchronous result (a file read, a month loaded,
// a spinner tick) back to the screen that asked for it: the root hands
// Msg to that screen only.
type Envelope struct {
	Tab Tab
	Msg tea.Msg
}

// TargetTab is the screen the envelope is for.
func (e Envelope) TargetTab() Tab { return e.Tab }

// Send runs cmd and returns its result in an envelope for tab; a batch's
// commands are each wrapped. The root hands the result to the screen and
// does not wrap what the screen returns: a screen wraps its own results
// (never a tea.Sequence, whose message the program must see).
func Send(tab Tab, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(b))
			for i, c := range b {
				out[i] = Send(tab, c)
			}
			return out
		}
		return Envelope{tab, msg}
	}
}

// ChangeSnapshotMsg asks the root to change the snapshot: screens read the
// shared context and never write it. The root applies Apply, then tells
// every screen with SnapshotChangedMsg.
type ChangeSnapshotMsg struct {
	Apply func(*model.Snapshot)
}

// ChangeSnapshot returns the command that asks the root to apply f.
func ChangeSnapshot(f func(*model.Snapshot)) tea.Cmd {
	return func() tea.Msg { return ChangeSnapshotMsg{f} }
}

// Nested is a screen that can show something inside itself (a file, a
// payload): the root's q and esc close that first.
type Nested interface {
	// CloseNested closes what is open and reports whether anything was.
	CloseNested() bool
	// NestedOpen reports whether anything is open, so the help says
	// what q does now.
	NestedOpen() bool
}

// Asking is a screen that can hold an open question (a confirm dialog).
// Where the dialog cannot be drawn (the too-small screen) the root shows
// Question and still hands the screen the keys that answer it.
type Asking interface {
	// Question is the open question in one line, "" when none is open.
	Question() string
}
