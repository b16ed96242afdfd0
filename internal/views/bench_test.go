package views

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
)

// benchIdentities is the scale the dashboard must stay responsive at.
const benchIdentities = 100_000

// syntheticReport is a month with n identities, built through the model's
// own Builder so it has the shape a real month has.
func syntheticReport(n int) *usage.Report {
	month := usage.MonthOf(fixedNow, time.UTC)
	b := usage.NewBuilder(month)
	features := []string{"XDT_PLT_UD", "MPS_ENT_CCU", "XDT_ADV_UD", "CAG_PLT_CCU"}
	first := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s.%06d@corp.example", first[i%len(first)], i)
		at := month.Start.Add(time.Duration(i%26)*24*time.Hour + time.Duration(i%600)*time.Minute)
		b.AddEvent(usage.Event{Time: at, Op: usage.Out, Feature: features[i%len(features)], Identity: name})
		if i%3 == 0 {
			b.AddEvent(usage.Event{Time: at.Add(time.Hour), Op: usage.Out, Feature: features[(i+1)%len(features)], Identity: name})
		}
	}
	return b.Report()
}

// benchApp is the dashboard at 120×40 on the Usage tab of a server with
// n identities this month.
func benchApp(b testing.TB, n int) *App {
	b.Helper()
	root := b.TempDir()
	rep := syntheticReport(n)
	s := &model.Snapshot{
		Layout: model.NewLayout(root), Now: fixedNow, Location: time.UTC, WarnDays: model.DefaultWarnDays,
		Server: model.Server{Host: "bench.example"}, Usage: rep,
	}
	load := func(context.Context) (*model.Snapshot, model.Options, error) {
		return s, model.Options{Root: root, Now: fixedNow, Location: time.UTC, NoExec: true}, nil
	}
	a := readyApp(b, Options{Load: load, PreviewKey: fixedPreviewKey}, 120, 40)
	press(a, "5")
	if !strings.Contains(a.View(), fmt.Sprintf("Users 1/%d", n)) {
		b.Fatalf("the Usage tab is not showing the identities:\n%s", a.View())
	}
	return a
}

// BenchmarkView renders the Usage tab with 100k identities.
func BenchmarkView(b *testing.B) {
	a := benchApp(b, benchIdentities)
	b.ReportAllocs()
	for b.Loop() {
		_ = a.View()
	}
}

// BenchmarkKeyToFrame is one key press through Update and the frame after
// it, with 100k identities: moving the cursor, typing into the filter (a
// full scan each time: one key narrows, the next widens again), and
// cycling the sort order.
func BenchmarkKeyToFrame(b *testing.B) {
	cases := []struct {
		name  string
		setup []string
		keys  [2]string // alternated, so the state stays put
	}{
		{"move", []string{"pgdown"}, [2]string{"down", "up"}},
		{"filter", []string{"/"}, [2]string{"1", "backspace"}},
		{"sort", nil, [2]string{"s", "s"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			a := benchApp(b, benchIdentities)
			press(a, c.setup...)
			msgs := [2]tea.KeyMsg{keyMsg(c.keys[0]), keyMsg(c.keys[1])}
			// Warm the sort orders: each is built once, on first use.
			press(a, "s", "s", "s", "s")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				a.Update(msgs[i&1])
				_ = a.View()
				i++
			}
		})
	}
}

// BenchmarkBubblesTable is the baseline: bubbles' table.Model showing the
// same 100k rows at the same size, for View and for a key press → frame.
func BenchmarkBubblesTable(b *testing.B) {
	rep := syntheticReport(benchIdentities)
	rows := make([]table.Row, len(rep.Identities))
	for i, id := range rep.Identities {
		rows[i] = table.Row{id.Name, strings.Join(id.Features, ","), id.FirstSeen.Format("01-02 15:04"), id.LastSeen.Format("01-02 15:04")}
	}
	newTable := func() table.Model {
		return table.New(
			table.WithColumns([]table.Column{{Title: "NAME", Width: 45}, {Title: "FEATURES", Width: 45}, {Title: "FIRST SEEN", Width: 11}, {Title: "LAST SEEN", Width: 11}}),
			table.WithRows(rows), table.WithHeight(24), table.WithWidth(120), table.WithFocused(true))
	}
	b.Run("view", func(b *testing.B) {
		t := newTable()
		b.ReportAllocs()
		for b.Loop() {
			_ = t.View()
		}
	})
	b.Run("key_to_frame", func(b *testing.B) {
		t := newTable()
		t.MoveDown(24)
		msgs := [2]tea.KeyMsg{keyMsg("down"), keyMsg("up")}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			t, _ = t.Update(msgs[i&1])
			_ = t.View()
			i++
		}
	})
}
