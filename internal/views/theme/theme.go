// Package theme holds the dashboard's colours, styles and glyphs. Colours are
// adaptive (light and dark terminals) and drawn from the 16 ANSI colours,
// which every console lsui meets can show: conhost, PuTTY, tmux, Windows
// Terminal. The ASCII variant replaces every box-drawing and block glyph for
// consoles and fonts that have none. Nothing here may carry meaning by
// colour alone: every state also has a text marker.
package theme

import (
	"github.com/charmbracelet/lipgloss"
)

// Glyphs are the characters the screens draw with.
type Glyphs struct {
	Cursor    string // the selection marker column
	Rule      string // horizontal rule, repeated
	VRule     string // column separator
	BarFull   string // usage within the installed count
	BarOver   string // usage eating into the overdraft or beyond
	BarEmpty  string // free capacity
	ChartFull string // a full cell of the per-day chart
	// ChartParts are the partial cells of the per-day chart, lowest first;
	// empty in ASCII, where the chart rounds to whole cells.
	ChartParts []string
	Ellipsis   string
	Check      string // a passing check
	Cross      string // a failing check
	LE         string // "less than or equal", for legends
	Arrow      string
	SortAsc    string // the sorted column's direction
	SortDesc   string
	Border     lipgloss.Border
}

var unicodeGlyphs = Glyphs{
	Cursor: ">", Rule: "─", VRule: "│",
	BarFull: "█", BarOver: "▓", BarEmpty: "░",
	ChartFull: "█", ChartParts: []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇"},
	Ellipsis: "…", Check: "ok", Cross: "FAIL", LE: "≤", Arrow: "→", SortAsc: "↑", SortDesc: "↓",
	Border: lipgloss.NormalBorder(),
}

var asciiGlyphs = Glyphs{
	Cursor: ">", Rule: "-", VRule: "|",
	BarFull: "#", BarOver: "!", BarEmpty: "-",
	ChartFull: "#",
	Ellipsis:  "...", Check: "ok", Cross: "FAIL", LE: "<=", Arrow: "->", SortAsc: "^", SortDesc: "v",
	Border: lipgloss.Border{
		Top: "-", Bottom: "-", Left: "|", Right: "|",
		TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+",
		MiddleLeft: "+", MiddleRight: "+", Middle: "+", MiddleTop: "+", MiddleBottom: "+",
	},
}

// Theme is the glyphs and styles of one program run.
type Theme struct {
	ASCII  bool
	Glyphs Glyphs

	App         lipgloss.Style // the server name in the header
	Badge       lipgloss.Style // DEMO, READ-ONLY
	TabActive   lipgloss.Style
	TabInactive lipgloss.Style
	Rule        lipgloss.Style
	Heading     lipgloss.Style // a section's title
	ColumnHead  lipgloss.Style // a table's header row
	Selected    lipgloss.Style // the selected row (beside the ">" marker)
	Dim         lipgloss.Style
	Label       lipgloss.Style
	OK          lipgloss.Style
	Warn        lipgloss.Style
	Crit        lipgloss.Style
	Info        lipgloss.Style
	Highlight   lipgloss.Style // the highlighted line in a file viewer
	Dialog      lipgloss.Style
	Status      lipgloss.Style // the status line above the help
	Error       lipgloss.Style

	// Urgency styles, indexed like model.Urgency: expired, expiring,
	// upcoming, later, permanent.
	Urgency [5]lipgloss.Style

	HelpKey, HelpDesc, HelpSep lipgloss.Style
}

// Colours from the 16-colour palette; the bright variants read better on
// dark backgrounds, the normal ones on light.
var (
	red    = lipgloss.AdaptiveColor{Light: "1", Dark: "9"}
	green  = lipgloss.AdaptiveColor{Light: "2", Dark: "10"}
	yellow = lipgloss.AdaptiveColor{Light: "3", Dark: "11"}
	blue   = lipgloss.AdaptiveColor{Light: "4", Dark: "12"}
	cyan   = lipgloss.AdaptiveColor{Light: "6", Dark: "14"}
	grey   = lipgloss.AdaptiveColor{Light: "8", Dark: "7"}
	fg     = lipgloss.AdaptiveColor{Light: "0", Dark: "15"}
)

// New builds the theme on r. The renderer decides the colour profile (set
// termenv.Ascii on it for NO_COLOR) and must know the background already:
// call r.SetHasDarkBackground before the program starts, so no terminal
// query happens while the program owns the input.
func New(r *lipgloss.Renderer, ascii bool) *Theme {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	g := unicodeGlyphs
	if ascii {
		g = asciiGlyphs
	}
	s := r.NewStyle
	t := &Theme{ASCII: ascii, Glyphs: g}
	t.App = s().Bold(true)
	t.Badge = s().Bold(true).Foreground(yellow)
	t.TabActive = s().Bold(true).Underline(true).Foreground(cyan)
	t.TabInactive = s().Foreground(grey)
	t.Rule = s().Foreground(grey)
	t.Heading = s().Bold(true)
	t.ColumnHead = s().Bold(true).Foreground(grey)
	t.Selected = s().Reverse(true)
	t.Dim = s().Foreground(grey)
	t.Label = s().Foreground(grey)
	t.OK = s().Foreground(green)
	t.Warn = s().Foreground(yellow).Bold(true)
	t.Crit = s().Foreground(red).Bold(true)
	t.Info = s().Foreground(blue)
	t.Highlight = s().Reverse(true)
	t.Dialog = s().Border(g.Border).BorderForeground(yellow).Padding(0, 1)
	t.Status = s().Foreground(fg)
	t.Error = s().Foreground(red).Bold(true)
	t.Urgency = [5]lipgloss.Style{
		s().Foreground(red).Bold(true),
		s().Foreground(yellow).Bold(true),
		s().Foreground(cyan),
		s(),
		s().Foreground(grey),
	}
	t.HelpKey = s().Foreground(fg).Bold(true)
	t.HelpDesc = s().Foreground(grey)
	t.HelpSep = s().Foreground(grey)
	return t
}
