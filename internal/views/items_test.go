package views

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/prefs"
)

// flat is the screen with its white space runs made one space, so a
// wrapped line reads as one.
func flat(v string) string { return strings.Join(strings.Fields(v), " ") }

// TestFilterEveryList: / filters every list on any column, esc clears,
// and a filter that leaves nothing says "0 of N".
func TestFilterEveryList(t *testing.T) {
	load := demoLoader(t)
	tests := []struct {
		name       string
		keys       []string
		want, none []string
	}{
		{"usage by feature", []string{"5", "/", "X", "D", "T", "_", "A", "D", "V"}, []string{"Users 1/12 of 301", "/XDT_ADV"}, nil},
		{"usage nothing", []string{"5", "/", "z", "z", "q"}, []string{"Users 0 of 301", `no users match "zzq": 0 of 301`}, nil},
		{"licences by type", []string{"2", "/", "e", "v", "a", "l"}, []string{"Licence lines 1/1 of 10", "XDT_ADV_UD_evaluation.lic", ":6 XDT_ADV_UD"},
			[]string{"MPS_ENT_CCU"}},
		{"expirations by file", []string{"3", "/", "n", "f", "r", "_"}, []string{"Dates 1/", "CAG_PLT_CCU"}, []string{"XDT_ADV_UD"}},
		{"entitlements nothing", []string{"4", "/", "q", "q"}, []string{"Entitlements 0 of 7"}, nil},
		{"overview by place", []string{"/", "n", "f", "r", "_"}, []string{"Most urgent 1/1 of 8", "malformed licence line"}, []string{"CRITICAL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := readyApp(t, Options{Load: load}, 80, 24)
			press(a, tt.keys...)
			v := a.View()
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("want %q on screen:\n%s", w, v)
				}
			}
			press(a, "enter") // keep the filter; the list has the keys again
			for _, w := range tt.none {
				if strings.Contains(a.View(), w) {
					t.Errorf("%q is still listed:\n%s", w, a.View())
				}
			}
			press(a, "esc")
			if v := a.View(); strings.Contains(v, " of ") && strings.Contains(v, "/"+tt.keys[len(tt.keys)-1]) {
				t.Errorf("esc does not clear the filter:\n%s", v)
			}
		})
	}
}

func TestSortShowsAndReverses(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	press(a, "4")
	if v := a.View(); !strings.Contains(v, "sort: feature ↑") || !strings.Contains(v, "FEATURE ↑") {
		t.Fatalf("the natural sort is not shown:\n%s", v)
	}
	press(a, "s")
	if v := a.View(); !strings.Contains(v, "sort: css date ↑") {
		t.Fatalf("s: the next visible column (CSS DATE shows at 80):\n%s", v)
	}
	press(a, "s")
	if v := a.View(); !strings.Contains(v, "sort: inst ↓") {
		t.Fatalf("s: the next visible column, descending first:\n%s", v)
	}
	press(a, "s") // in use (OVER gives way at 80)
	if v := a.View(); !strings.Contains(v, "sort: in use ↓") || !strings.Contains(v, "↓IN USE") {
		t.Fatalf("sorted by in use:\n%s", v)
	}
	e := a.screens[common.TabEntitlements].(interface {
		Table() *common.Table[model.Entitlement]
	}).Table()
	if first, _ := e.Selected(); first.Feature != "XDT_PLT_UD" || first.InUse != 218 {
		t.Errorf("most in use first: %s %d", first.Feature, first.InUse)
	}
	press(a, "S")
	if v := a.View(); !strings.Contains(v, "sort: in use ↑") {
		t.Errorf("S does not reverse:\n%s", v)
	}
	if first, _ := e.Selected(); first.InUse != 0 {
		t.Errorf("least in use first after S: %d", first.InUse)
	}
}

// TestOverviewEnterGoesToItsTarget: enter on a "most urgent" item opens
// the screen that shows it, with it selected.
func TestOverviewEnterGoesToItsTarget(t *testing.T) {
	load := demoLoader(t)
	tests := []struct {
		moves []string
		tab   common.Tab
		want  string
	}{
		{nil, common.TabExpirations, "> !! EXPIRED 2026-11-13 licence XDT_ADV_UD"},
		{[]string{"down"}, common.TabEntitlements, "> !  CXS_STD_CCS"},
		{[]string{"down", "down"}, common.TabExpirations, "> ! 18d      2026-12-15 licence CXS_STD_CCS"},
		{[]string{"/", "m", "a", "l", "f", "enter"}, common.TabLicences, "> !! MyFiles/nfr_lab.lic:11"},
		{[]string{"/", "f", "a", "i", "l", "e", "d", "enter"}, common.TabUploads, "[7 Uploads]"},
		{[]string{"/", "c", "s", "p", "enter"}, common.TabPrivacy, "[6 Privacy]"},
	}
	for _, tt := range tests {
		a := readyApp(t, Options{Load: load}, 100, 30)
		press(a, tt.moves...)
		if !strings.Contains(a.View(), "enter: go to ") {
			t.Errorf("%v: no detail line saying where enter goes:\n%s", tt.moves, a.View())
		}
		press(a, "enter")
		if a.Active() != tt.tab {
			t.Errorf("%v then enter: tab %v, want %v", tt.moves, a.Active(), tt.tab)
			continue
		}
		if v := a.View(); !strings.Contains(v, tt.want) {
			t.Errorf("%v then enter: want %q:\n%s", tt.moves, tt.want, v)
		}
	}
}

// TestHelpShowsEveryKey: at the smallest size, the help pages together
// show every key the tab and the root answer to, and the short help
// always keeps ? and q.
func TestHelpShowsEveryKey(t *testing.T) {
	load := demoLoader(t)
	for _, sz := range []struct{ w, h int }{{60, 20}, {80, 24}} {
		for tab := common.Tab(0); tab < common.NumTabs; tab++ {
			a := readyApp(t, Options{Load: load, PreviewKey: fixedPreviewKey}, sz.w, sz.h)
			press(a, itoa(int(tab)+1))
			if v := a.View(); !strings.Contains(v, "? help") || !strings.Contains(v, "q quit") {
				t.Errorf("%v at %dx%d: the short help lost ? or q:\n%s", tab, sz.w, sz.h, v)
			}
			var want []string
			for _, s := range a.helpSections() {
				for _, b := range s.keys {
					if b.Enabled() && b.Help().Key != "" {
						want = append(want, b.Help().Key+"  "+b.Help().Desc)
					}
				}
			}
			press(a, "?")
			var seen strings.Builder
			for range 5 {
				seen.WriteString(flat(a.View()) + "\n")
				press(a, "pgdown")
			}
			for _, w := range want {
				k, d, _ := strings.Cut(w, "  ")
				if !strings.Contains(seen.String(), k+" "+d) {
					t.Errorf("%v at %dx%d: help never shows %q", tab, sz.w, sz.h, w)
				}
			}
			press(a, "esc")
			if a.frame.page != pageNone {
				t.Errorf("esc does not close the help")
			}
		}
	}
}

func TestStatusWrapsAndMessagesKeepIt(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	long := "upload failed: the endpoint https://callhome.example.invalid/ refused the connection; check the address in lsui.json or start lsui receive"
	a.Update(common.StatusMsg{Text: long, Error: true})
	v := a.View()
	if !strings.Contains(flat(v), "or start lsui receive") {
		t.Errorf("the end of a long message is lost at 80 columns:\n%s", v)
	}
	checkFrame(t, v, 80, 24)
	press(a, "2") // a tab switch clears the line, not the log
	press(a, "m")
	if v := flat(a.View()); !strings.Contains(v, "Messages") || !strings.Contains(v, "or start lsui receive") {
		t.Errorf("m does not show the message in full:\n%s", a.View())
	}
	press(a, "m")
	if a.frame.page != pageNone {
		t.Errorf("m again closes the messages")
	}
}

func TestUnhandledKeySaysSo(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	for _, tab := range []string{"1", "2", "3", "4", "5", "6", "7"} {
		press(a, tab, "z")
		if v := a.View(); !strings.Contains(v, "z does nothing here; ? lists the keys") {
			t.Errorf("tab %s: a key that does nothing is silent:\n%s", tab, v)
		}
	}
}

// TestNestedViewerClosesFirst: q and esc close the file viewer; only q
// at the list quits.
func TestNestedViewerClosesFirst(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	press(a, "2", "enter")
	if !strings.Contains(a.View(), "> 6 INCREMENT") && !strings.Contains(a.View(), ">  6 INCREMENT") {
		t.Fatalf("enter does not open the file:\n%s", a.View())
	}
	_, cmd := a.Update(keyMsg("q"))
	if cmd != nil {
		if msg := cmd(); msg == tea.Quit() {
			t.Fatalf("q in the viewer quits")
		}
	}
	if v := a.View(); !strings.Contains(v, "LINE FEATURE") {
		t.Errorf("q does not close the viewer:\n%s", v)
	}
	if _, cmd := a.Update(keyMsg("q")); cmd == nil || cmd() != tea.Quit() {
		t.Errorf("q at the list does not quit")
	}
}

func TestTooSmallShowsSizeAndPrompt(t *testing.T) {
	url, _ := receiver(t)
	a := readyApp(t, Options{Load: demoLoader(t), Endpoint: url}, 80, 24)
	press(a, "7", "u")
	a.Update(tea.WindowSizeMsg{Width: 50, Height: 15})
	v := flat(a.View())
	if !strings.Contains(v, "terminal too small: 50×15 (need 60×20)") || !strings.Contains(v, "y/n") {
		t.Errorf("the too-small screen hides the size or the question:\n%s", a.View())
	}
	press(a, "n")
	if strings.Contains(flat(a.View()), "y/n") {
		t.Errorf("n does not answer the question on the small screen")
	}
}

// TestQuitPromptGoesWithItsCause: the question about quitting during a
// cycle disappears once the cycle has ended by itself.
func TestQuitPromptGoesWithItsCause(t *testing.T) {
	release := make(chan struct{})
	dir := t.TempDir()
	intake := payload.NewReceiver(dir, payload.ReceiverOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		intake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	app := New(Options{Load: demoLoader(t), Endpoint: srv.URL})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm.Output(), "Most urgent")
	tm.Send(keyMsg("7"))
	tm.Send(keyMsg("u"))
	waitFor(t, tm.Output(), "y/n")
	tm.Send(keyMsg("y"))
	waitFor(t, tm.Output(), "attempt 1/5")
	tm.Send(keyMsg("q"))
	waitFor(t, tm.Output(), "Quit anyway? y/n")
	close(release) // the upload is answered; the cycle ends
	waitFor(t, tm.Output(), "upload cycle done")
	// No question left: q quits at once.
	tm.Send(keyMsg("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	if final.prompt != "" {
		t.Errorf("the quit question outlived the cycle: %q", final.prompt)
	}
}

func TestFailedLoadIsAnError(t *testing.T) {
	boom := errors.New("licensing root /nowhere: no such file or directory")
	a := New(Options{Load: func(context.Context) (*model.Snapshot, model.Options, error) { return nil, model.Options{}, boom }})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	runCmd(a, a.Init())
	if !errors.Is(a.Err(), boom) || a.State() != StateError {
		t.Errorf("a failed load: Err %v, state %v", a.Err(), a.State())
	}
	b := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	if b.Err() != nil {
		t.Errorf("a good load reports %v", b.Err())
	}
}

// TestReloadReadsTheDiskAgain: R reloads in a command; a licence file
// added since shows, and the header says when the data was read.
func TestReloadReadsTheDiskAgain(t *testing.T) {
	load := demoLoader(t)
	a := readyApp(t, Options{Load: load}, 100, 30)
	if v := a.View(); !strings.Contains(v, "at 2026-11-27 10:00 (--now)") {
		t.Errorf("the header does not show the fixed clock:\n%s", v)
	}
	s := a.Context().Snapshot
	src, err := os.ReadFile(filepath.Join(s.Layout.Root, filepath.FromSlash(s.Files[0].Name)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Layout.MyFiles, "added.lic"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	press(a, "2")
	_, cmd := a.Update(keyMsg("R"))
	if strings.Contains(a.View(), "added.lic") {
		t.Fatalf("R read the disk inside Update")
	}
	runCmd(a, cmd)
	v := a.View()
	if !strings.Contains(v, "added.lic") || !strings.Contains(v, "reloaded from disk") {
		t.Errorf("R does not show the new file:\n%s", v)
	}
	if a.Active() != common.TabLicences {
		t.Errorf("R changed the tab to %v", a.Active())
	}
	// Without a fixed clock the header says when it loaded.
	c := readyApp(t, Options{Load: func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		snap, o, err := load(ctx)
		o.Now = time.Time{}
		return snap, o, err
	}}, 100, 30)
	if v := c.View(); !strings.Contains(v, "loaded 10:00") {
		t.Errorf("the header does not say when the data was loaded:\n%s", v)
	}
}

func TestNoticeInHeader(t *testing.T) {
	n := "no licence server found (looked in /opt/citrix/licensing); showing the demo server"
	a := readyApp(t, Options{Load: demoLoader(t), Notice: n}, 100, 30)
	if v := a.View(); !strings.Contains(v, "! "+n) {
		t.Errorf("the notice is not in the header:\n%s", v)
	}
	checkFrame(t, a.View(), 100, 30)
	press(a, "5")
	if v := a.View(); !strings.Contains(v, n) {
		t.Errorf("the notice goes with a tab switch:\n%s", v)
	}
}

// TestPreferencesLastTab: the dashboard opens the tab it was closed on,
// and a malformed preferences file is reported and left alone.
func TestPreferencesLastTab(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsui", prefs.FileName)
	f := prefs.Load(path)
	a := readyApp(t, Options{Load: demoLoader(t), Prefs: f}, 80, 24)
	press(a, "5")
	runCmd(a, a.quit())
	g := prefs.Load(path)
	if g.Err != nil || g.Prefs.LastTab != "Usage" {
		t.Fatalf("the last tab was not saved: %+v", g)
	}
	b := readyApp(t, Options{Load: demoLoader(t), Prefs: g}, 80, 24)
	if b.Active() != common.TabUsage {
		t.Errorf("the next start opens %v, want Usage", b.Active())
	}
	bad := []byte(`{"last_tab": "Usage",`)
	os.WriteFile(path, bad, 0o600)
	c := readyApp(t, Options{Load: demoLoader(t), Prefs: prefs.Load(path)}, 80, 24)
	if v := a.View(); c.Active() != common.TabOverview || !strings.Contains(flat(c.View()), "preferences ignored") {
		t.Errorf("a malformed file: tab %v\n%s", c.Active(), v)
	}
	runCmd(c, c.quit())
	if got, _ := os.ReadFile(path); string(got) != string(bad) {
		t.Errorf("the malformed file was overwritten: %q", got)
	}
}

// TestTicksGoToTheirScreen: a spinner tick a screen's command brings back
// is addressed to that screen, inside batches too; other messages pass.
func TestTicksGoToTheirScreen(t *testing.T) {
	tick := spinner.TickMsg{ID: 42}
	cmd := routeTicks(common.TabUploads, tea.Batch(func() tea.Msg { return tick }, func() tea.Msg { return common.StatusMsg{Text: "x"} }))
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("a batch stays a batch: %T", cmd())
	}
	if e, ok := batch[0]().(common.Envelope); !ok || e.Tab != common.TabUploads || e.Msg != tick {
		t.Errorf("the tick is not addressed to Uploads: %#v", batch[0]())
	}
	if _, ok := batch[1]().(common.StatusMsg); !ok {
		t.Errorf("a status message was wrapped: %#v", batch[1]())
	}
	// A bare tick that is not the root's goes nowhere.
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	if _, cmd := a.Update(tick); cmd != nil {
		t.Errorf("a stray tick was handed on")
	}
}

// TestLicenceActivationEra: a root whose MyFiles holds only the start-up
// licence says so on the Licences and Entitlements tabs.
func TestLicenceActivationEra(t *testing.T) {
	load := demoLoader(t)
	a := readyApp(t, Options{Load: load}, 100, 30)
	s := a.Context().Snapshot
	for _, f := range s.Files {
		if !strings.HasSuffix(f.Name, "citrix_startup.lic") {
			os.Remove(filepath.Join(s.Layout.Root, filepath.FromSlash(f.Name)))
		}
	}
	b := readyApp(t, Options{Load: load}, 100, 30)
	for _, tab := range []string{"2", "4"} {
		press(b, tab)
		if v := b.View(); !strings.Contains(flat(v), "License Activation Service") {
			t.Errorf("tab %s does not say the licence files cannot tell what is installed:\n%s", tab, v)
		}
		checkFrame(t, b.View(), 100, 30)
	}
}

// TestEntitlementsInUseBesideThisMonth: in use now (and from what) and
// this month's identities are two columns and spelled out apart.
func TestEntitlementsInUseBesideThisMonth(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 100, 30)
	press(a, "4")
	v := a.View()
	e, _ := a.screens[common.TabEntitlements].(interface {
		Table() *common.Table[model.Entitlement]
	}).Table().Selected()
	for _, want := range []string{"IN USE FROM    MONTH PEAK",
		fmt.Sprintf("in use %d now, checked out per the logs | this month %d (call-home) | peak %d", e.InUse, e.ThisMonth, e.PeakMonth)} {
		if !strings.Contains(v, want) {
			t.Errorf("want %q:\n%s", want, v)
		}
	}
	press(a, "/", "x", "d", "t", "_", "p", "l", "t", "enter")
	if v := a.View(); !strings.Contains(v, "assigned per udadmin | this month") || strings.Contains(v, "| peak") {
		t.Errorf("a user/device entitlement: assigned, and no peak:\n%s", v)
	}
	press(a, "esc", "5")
	if v := a.View(); !strings.Contains(v, "logs cover 2026-08-01 onwards") {
		t.Errorf("Usage does not say how far back the logs reach:\n%s", v)
	}
}

// TestUsageConnectionsAndVia: the controllers' connections are a line of
// their own, never usage, and an identity's detail names its hosts.
func TestUsageConnectionsAndVia(t *testing.T) {
	load := demoLoader(t)
	a := readyApp(t, Options{Load: func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		s, o, err := load(ctx)
		if err == nil {
			s.Usage.Connections = []usage.Connection{{Feature: "CITRIX", Host: "DDC01", Checkouts: 7}, {Feature: "CITRIX", Host: "DDC02", Checkouts: 5}}
			s.Usage.Identities[0].Via = []string{"DDC01", "DDC02"}
		}
		return s, o, err
	}}, 100, 30)
	press(a, "5")
	v := a.View()
	if !strings.Contains(v, "connections (not usage): 12 checkouts from 2 hosts") {
		t.Errorf("no connections line:\n%s", v)
	}
	if !strings.Contains(v, "via DDC01, DDC02") {
		t.Errorf("the identity's hosts are not in its detail:\n%s", v)
	}
}
