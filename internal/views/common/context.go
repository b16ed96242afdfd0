// Package common is what every dashboard screen shares: the program
// context, the Screen contract, the tab identities, and the small layout
// pieces (a windowed list, fitted table cells, fixed-size blocks).
package common

import (
	"context"
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
	// line: "no licence server found (looked in …); showing the demo server".
	Notice string

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
