package views

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model"
)

// TestUploadsSortLineMatchesItsColumn: every step of s names the column
// its arrow marks in the header.
func TestUploadsSortLineMatchesItsColumn(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), ASCII: true}, 120, 40)
	press(a, "7")
	sortRe := regexp.MustCompile(`sort: ([a-z ]+) ([\^v])`)
	for step := range 6 {
		press(a, "s")
		v := a.View()
		m := sortRe.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("step %d: no sort line:\n%s", step, v)
		}
		if m[1] == "newest first" {
			if strings.Contains(v, " ^ ") || strings.Contains(v, "^  ") {
				t.Errorf("step %d: natural order, yet a column carries the arrow:\n%s", step, v)
			}
			continue
		}
		head := ""
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(l, "FILE") && strings.Contains(l, "OUTCOME") {
				head = l
			}
		}
		col := strings.ToUpper(m[1])
		if !strings.Contains(head, col+" "+m[2]) && !strings.Contains(head, m[2]+" "+col) {
			t.Errorf("step %d: %q but the header marks another column: %q\n%s", step, m[0], head, v)
		}
	}
}

// TestOpenKeysSayWhichUpload: o opens the latest upload, Citrix's when
// there is one; O opens lsui's latest; the help says so.
func TestOpenKeysSayWhichUpload(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 120, 40)
	press(a, "o")
	if v := a.View(); !strings.Contains(v, "upload_1795660200.zip (Citrix's") {
		t.Errorf("o does not open Citrix's latest:\n%s", v)
	}
	press(a, "esc", "O")
	if v := a.View(); !strings.Contains(v, "upload_1795736820.zip") || strings.Contains(v, "(Citrix's") || !strings.Contains(v, "VERDICT LSUI") {
		t.Errorf("O does not open lsui's latest:\n%s", v)
	}
	press(a, "esc", "?")
	v := flat(a.View())
	for _, want := range []string{"o open the latest upload: Citrix's when there is one", "O open lsui's latest upload"} {
		if !strings.Contains(v, want) {
			t.Errorf("help lacks %q:\n%s", want, a.View())
		}
	}
}

// TestHelpSaysWhatQDoesHere: in a nested viewer q closes it, and the
// short help and the help page say so rather than "q quit".
func TestHelpSaysWhatQDoesHere(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 100, 30)
	press(a, "2", "enter")
	if v := a.View(); !strings.Contains(v, "q close this view") || strings.Contains(v, "q quit") {
		t.Errorf("the licence viewer's short help:\n%s", v)
	}
	press(a, "?")
	if v := flat(a.View()); !strings.Contains(v, "q close this view") || strings.Contains(v, "q quit") {
		t.Errorf("the help in the licence viewer:\n%s", a.View())
	}
	press(a, "esc", "q")
	if v := a.View(); !strings.Contains(v, "LINE FEATURE") {
		t.Errorf("q did not close the viewer:\n%s", v)
	}
	if v := a.View(); !strings.Contains(v, "q quit") {
		t.Errorf("at the list, q quits and the help should say so:\n%s", v)
	}
}

// TestOnlyLiveKeysOffered: an empty Uploads list offers no movement or
// enter, and enter there says why; in the Citrix summary, keys it does not
// answer say so.
func TestOnlyLiveKeysOffered(t *testing.T) {
	load := demoLoader(t)
	empty := t.TempDir()
	a := readyApp(t, Options{Load: func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		s, o, err := load(ctx)
		if s != nil {
			s.Uploads = nil
			s.Layout.UsageDir = empty
		}
		return s, o, err
	}}, 100, 30)
	press(a, "7")
	v := a.View()
	if strings.Contains(v, "enter open") || strings.Contains(v, "j down") || strings.Contains(v, "O open") {
		t.Errorf("an empty list offers keys that do nothing:\n%s", v)
	}
	press(a, "enter")
	if v := a.View(); !strings.Contains(v, "nothing to open") {
		t.Errorf("enter on an empty list says nothing:\n%s", v)
	}
	press(a, "O")
	if v := a.View(); !strings.Contains(v, "O does nothing here") {
		t.Errorf("O with no lsui upload says nothing:\n%s", v)
	}

	b := readyApp(t, Options{Load: load}, 100, 30)
	press(b, "o", "i")
	if v := b.View(); !strings.Contains(v, "Citrix bundle summary") {
		t.Fatalf("i does not show the summary:\n%s", v)
	}
	for _, k := range []string{"i", "enter"} {
		press(b, k)
		if v := b.View(); !strings.Contains(v, k+" does nothing here") {
			t.Errorf("%s in the summary says nothing:\n%s", k, v)
		}
	}
}

// TestZeroNowShowsLoadedTime: without --now (a zero Now in the load
// options, as cmd/lsui passes) the header shows when the data was read,
// and R's reload moves it forward: the clock is not frozen.
func TestZeroNowShowsLoadedTime(t *testing.T) {
	d := demoLoader(t)
	calls := 0
	at := []time.Time{time.Date(2026, 11, 27, 9, 5, 0, 0, time.UTC), time.Date(2026, 11, 27, 9, 47, 0, 0, time.UTC)}
	load := func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		s, o, err := d(ctx)
		o.Now = time.Time{}
		if s != nil {
			s.Now = at[0]
		}
		return s, o, err
	}
	reload := func(ctx context.Context, o model.Options) (*model.Snapshot, error) {
		if !o.Now.IsZero() {
			t.Errorf("reload got a fixed clock %v; without --now it must read the clock afresh", o.Now)
		}
		s, _, err := d(ctx)
		calls++
		if s != nil {
			s.Now = at[1]
		}
		return s, err
	}
	a := readyApp(t, Options{Load: load, Reload: reload}, 100, 30)
	if v := a.View(); !strings.Contains(v, "loaded 09:05") || strings.Contains(v, "(--now)") {
		t.Errorf("header without --now:\n%s", v)
	}
	press(a, "R")
	if calls != 1 {
		t.Fatalf("R ran the reload %d times", calls)
	}
	if v := a.View(); !strings.Contains(v, "loaded 09:47") {
		t.Errorf("the header's clock did not advance on reload:\n%s", v)
	}
}

// TestMeaningSurvivesAt80x24: what tells rows apart and what a sentence
// is for stays on screen at 80x24, wrapped rather than cut.
func TestMeaningSurvivesAt80x24(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	press(a, "4")
	v := a.View()
	if !strings.Contains(v, "CSS DATE") || !strings.Contains(v, "2027-10-27") || !strings.Contains(v, "2027-06-27") {
		t.Errorf("the two XDT_PLT_UD rows are not told apart by their CSS dates:\n%s", v)
	}
	if !strings.Contains(flat(v), "(CSP unknown: set csp_features in lsui.json)") {
		t.Errorf("the CSP hint is cut:\n%s", v)
	}
	for range 4 {
		press(a, "down")
	}
	if v := flat(a.View()); !strings.Contains(v, "none installed") || !strings.Contains(v, "on expired lines not counted)") {
		t.Errorf("the expired row's cell or detail is cut:\n%s", a.View())
	}
	press(a, "7")
	if v := flat(a.View()); !strings.Contains(v, "kept until a later upload succeeds") || !strings.Contains(v, "oldest 34h ago)") {
		t.Errorf("the Uploads backlog or retention note is cut:\n%s", a.View())
	}
	b := readyApp(t, Options{Load: demoLoader(t), Notice: "no licence server found (looked in C:\\Program Files (x86)\\Citrix\\Licensing); showing the demo server"}, 80, 24)
	if v := flat(b.View()); !strings.Contains(v, "showing the demo server") {
		t.Errorf("the notice is cut:\n%s", b.View())
	}
}
