package entitlements

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/views/theme"
)

func TestBar(t *testing.T) {
	tests := []struct {
		name              string
		e                 model.Entitlement
		width             int
		full, over, empty int // ASCII cells: # ! -
		text              string
	}{
		{"half used", model.Entitlement{Installed: 100, Overdraft: 0, InUse: 50}, 15, 5, 0, 5, "50%"},
		{"none used", model.Entitlement{Installed: 10, Overdraft: 1, InUse: 0}, 15, 0, 0, 10, "0%"},
		{"exactly installed", model.Entitlement{Installed: 50, Overdraft: 5, InUse: 50}, 45, 37, 0, 3, "90%"},
		{"into overdraft", model.Entitlement{Installed: 10, Overdraft: 1, InUse: 11}, 16, 10, 1, 0, "100%"},
		{"over the limit", model.Entitlement{Installed: 10, Overdraft: 1, InUse: 30}, 16, 10, 1, 0, "272%"},
		{"one user shows", model.Entitlement{Installed: 1000, InUse: 1}, 15, 1, 0, 9, "0%"},
		{"uncounted", model.Entitlement{Uncounted: true, InUse: 4}, 15, 0, 0, 0, "uncounted"},
		{"nothing installed", model.Entitlement{Expired: 25, InUse: 12}, 30, 0, 0, 0, "12 in use, none installed"},
		{"too narrow for a bar", model.Entitlement{Installed: 10, InUse: 5}, 6, 0, 0, 0, "50%"},
	}
	th := theme.New(nil, true)
	for _, tt := range tests {
		plain, styled := Bar(th, tt.e, tt.width)
		if w := ansi.StringWidth(plain); w != tt.width {
			t.Errorf("%s: plain bar is %d cells, want %d: %q", tt.name, w, tt.width, plain)
		}
		if ansi.Strip(styled) != plain {
			t.Errorf("%s: styled %q differs from plain %q", tt.name, ansi.Strip(styled), plain)
		}
		if !strings.Contains(plain, tt.text) {
			t.Errorf("%s: %q lacks %q", tt.name, plain, tt.text)
		}
		got := [3]int{strings.Count(plain, "#"), strings.Count(plain, "!"), strings.Count(plain, "-")}
		if got != [3]int{tt.full, tt.over, tt.empty} {
			t.Errorf("%s: %q has #,!,- = %v, want %v", tt.name, plain, got, [3]int{tt.full, tt.over, tt.empty})
		}
	}
}
