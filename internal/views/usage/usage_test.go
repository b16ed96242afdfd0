package usage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	modelusage "github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/views/theme"
)

func TestContainsFold(t *testing.T) {
	tests := []struct {
		s, q string
		want bool
	}{
		{"Alice@CORP.example", "alice", true},
		{"Alice@CORP.example", "corp.ex", true},
		{"Alice@CORP.example", "bob", false},
		{"alice", "", true},
		{"al", "alice", false},
		{"STRASSE.müller@corp", "müller", true},
		{"ÅSA@corp", "åsa", true},
		{"KIOSK-07", "k-0", true},
	}
	for _, tt := range tests {
		if got := containsFold(tt.s, strings.ToLower(tt.q)); got != tt.want {
			t.Errorf("containsFold(%q, %q) = %v, want %v", tt.s, tt.q, got, tt.want)
		}
	}
}

func report(n int) *modelusage.Report {
	month := modelusage.MonthOf(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), time.UTC)
	b := modelusage.NewBuilder(month)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("user%04d@corp.example", i)
		if i%7 == 0 {
			name = fmt.Sprintf("KIOSK-%03d", i)
		}
		at := month.Start.Add(time.Duration(i%25)*24*time.Hour + time.Duration(i)*time.Minute)
		b.AddEvent(modelusage.Event{Time: at, Op: modelusage.Out, Feature: "XDT_PLT_UD", Identity: name})
		if i%3 == 0 {
			b.AddEvent(modelusage.Event{Time: at.Add(time.Hour), Op: modelusage.Out, Feature: "MPS_ENT_CCU", Identity: name})
		}
	}
	for i := 0; i < n; i += 7 {
		b.AddAssignment(modelusage.Assignment{Identity: fmt.Sprintf("KIOSK-%03d", i), Feature: "XDT_PLT_UD",
			LastUse: month.Start.Add(time.Hour), Kind: modelusage.Device})
	}
	return b.Report()
}

// fullScan is the filter done the obvious way, to check the incremental one.
func fullScan(r *modelusage.Report, order []int32, kind modelusage.Kind, q string) []int32 {
	var out []int32
	for _, i := range order {
		id := r.Identities[i]
		if id.Kind == kind && strings.Contains(strings.ToLower(id.Name), strings.ToLower(q)) {
			out = append(out, i)
		}
	}
	return out
}

// TestIncrementalFilterMatchesFullScan types and deletes random queries
// and checks after every keystroke that the narrowed result is exactly
// what a scan of everything gives.
func TestIncrementalFilterMatchesFullScan(t *testing.T) {
	r := report(500)
	x := newIndex(r)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "user0123KIOSK-.@"
	q := ""
	for step := 0; step < 2000; step++ {
		switch op := rng.IntN(10); {
		case op < 6:
			q += string(alphabet[rng.IntN(len(alphabet))])
		case op < 9 && q != "":
			q = q[:len(q)-1]
		case op == 9:
			x.SetSort(SortMode(rng.IntN(int(numSortModes))))
			if rng.IntN(2) == 0 {
				x.SetKind(1 - x.kind)
			}
		}
		x.SetQuery(q)
		want := fullScan(r, x.order(x.sort), x.kind, q)
		if !slices.Equal(x.rows, want) {
			t.Fatalf("step %d, query %q sort %v kind %v: %d rows, a full scan gives %d", step, q, x.sort, x.kind, len(x.rows), len(want))
		}
	}
}

func TestSortOrders(t *testing.T) {
	r := report(200)
	x := newIndex(r)
	ids := r.Identities
	checks := map[SortMode]func(a, b modelusage.Identity) bool{
		ByLastSeen:  func(a, b modelusage.Identity) bool { return !a.LastSeen.Before(b.LastSeen) },
		ByFirstSeen: func(a, b modelusage.Identity) bool { return !a.FirstSeen.After(b.FirstSeen) },
		ByFeatures:  func(a, b modelusage.Identity) bool { return len(a.Features) >= len(b.Features) },
	}
	for mode, ordered := range checks {
		x.SetSort(mode)
		if len(x.rows) == 0 {
			t.Fatalf("%v: no rows", mode)
		}
		for i := 1; i < len(x.rows); i++ {
			if !ordered(ids[x.rows[i-1]], ids[x.rows[i]]) {
				t.Fatalf("%v: rows %d and %d out of order", mode, i-1, i)
			}
		}
	}
	x.SetKind(modelusage.Device)
	for _, i := range x.rows {
		if ids[i].Kind != modelusage.Device {
			t.Fatalf("device view holds %s, a %v", ids[i].Name, ids[i].Kind)
		}
	}
	if x.counts[modelusage.Device] != len(x.rows) {
		t.Errorf("device count %d, rows %d", x.counts[modelusage.Device], len(x.rows))
	}
}

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
