package usage

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/views/theme"
)

func TestChart(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		th := theme.New(nil, ascii)
		values := []int{0, 1, 50, 100, 0, 3}
		rows := Chart(th, values, 4, 2, 100)
		if len(rows) != 4 {
			t.Fatalf("ascii=%v: %d rows, want 4", ascii, len(rows))
		}
		for i, r := range rows {
			if w := ansi.StringWidth(r); w != len(values)*2 {
				t.Errorf("ascii=%v row %d is %d cells, want %d", ascii, i, w, len(values)*2)
			}
		}
		bottom := []rune(ansi.Strip(rows[3]))
		if bottom[0] != ' ' || bottom[2] == ' ' || bottom[10] == ' ' {
			t.Errorf("ascii=%v: bottom row %q: a zero day must be blank, any use must show", ascii, string(bottom))
		}
		top := []rune(ansi.Strip(rows[0]))
		if string(top[6]) != th.Glyphs.ChartFull {
			t.Errorf("ascii=%v: the peak does not reach the top: %q", ascii, string(top))
		}
		if ascii {
			for _, r := range rows {
				if strings.Trim(ansi.Strip(r), " #") != "" {
					t.Errorf("ASCII chart row %q holds more than # and spaces", r)
				}
			}
		}
	}
}

func TestAxis(t *testing.T) {
	tests := []struct {
		days, colW int
		want       string
	}{
		{30, 1, "1   5    10   15   20   25  30"},
		{31, 2, "1       5         10        15        20        25        30  "},
		{28, 1, "1   5    10   15   20   25  "},
		{3, 1, "1  "},
	}
	for _, tt := range tests {
		if got := Axis(tt.days, tt.colW); got != tt.want {
			t.Errorf("Axis(%d, %d) = %q, want %q", tt.days, tt.colW, got, tt.want)
		}
	}
}
