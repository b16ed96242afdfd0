package usage

import (
	"strconv"
	"strings"

	"github.com/lsui/lsui/internal/views/theme"
)

// Chart draws one column per value, rows high and colW cells wide, scaled
// to peak. Unicode terminals get eighth-block tops; ASCII rounds to whole
// cells. Any non-zero value shows at least a sliver, so a quiet day is not
// mistaken for a day without use.
func Chart(t *theme.Theme, values []int, rows, colW, peak int) []string {
	out := make([]string, rows)
	if rows <= 0 {
		return out
	}
	g := t.Glyphs
	parts := len(g.ChartParts) + 1 // steps per cell
	levels := make([]int, len(values))
	for i, v := range values {
		if v <= 0 || peak <= 0 {
			continue
		}
		levels[i] = max(v*rows*parts/peak, 1)
	}
	var b strings.Builder
	for r := rows - 1; r >= 0; r-- {
		b.Reset()
		for _, lv := range levels {
			cell := " "
			switch in := lv - r*parts; {
			case in >= parts:
				cell = g.ChartFull
			case in > 0:
				cell = g.ChartParts[in-1]
			}
			for c := 0; c < colW; c++ {
				b.WriteString(cell)
			}
		}
		out[rows-1-r] = t.Info.Render(b.String())
	}
	return out
}

// Axis labels days 1, 5, 10, … under a chart of n days, colW cells each.
func Axis(n, colW int) string {
	line := []byte(strings.Repeat(" ", n*colW))
	for d := 1; d <= n; d++ {
		if d != 1 && d%5 != 0 {
			continue
		}
		label := strconv.Itoa(d)
		at := (d - 1) * colW
		if at+len(label) > len(line) {
			// The last day's label ends under the chart's right edge.
			at = len(line) - len(label)
		}
		// Skip a label that would run into the previous one.
		if at < 0 || (at > 0 && line[at-1] != ' ') || line[at] != ' ' {
			continue
		}
		copy(line[at:], label)
	}
	return string(line)
}
