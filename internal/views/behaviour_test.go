package views

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lsui/lsui/internal/model/config"
	modeluploads "github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/scramble"
	"github.com/lsui/lsui/internal/views/common"
)

func TestTabSwitching(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	steps := []struct {
		key  string
		want common.Tab
	}{
		{"tab", common.TabLicences},
		{"tab", common.TabExpirations},
		{"shift+tab", common.TabLicences},
		{"shift+tab", common.TabOverview},
		{"shift+tab", common.TabUploads},
		{"tab", common.TabOverview},
		{"5", common.TabUsage},
		{"7", common.TabUploads},
		{"1", common.TabOverview},
		{"8", common.TabOverview}, // not a tab
	}
	for i, s := range steps {
		press(a, s.key)
		if a.Active() != s.want {
			t.Fatalf("step %d (%s): tab %v, want %v", i, s.key, a.Active(), s.want)
		}
		if !strings.Contains(a.View(), "["+itoa(int(s.want)+1)+" "+s.want.String()+"]") {
			t.Errorf("step %d: the tab line does not mark %v", i, s.want)
		}
	}
}

func TestGlobalKeys(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	if _, cmd := a.Update(keyMsg("ctrl+l")); cmd == nil || cmd() != tea.ClearScreen() {
		t.Errorf("ctrl+l does not clear the screen")
	}
	if _, cmd := a.Update(keyMsg("q")); cmd == nil || cmd() != tea.Quit() {
		t.Errorf("q does not quit")
	}
	b := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	short := b.View()
	press(b, "?")
	if full := b.View(); !strings.Contains(full, "redraw") || strings.Contains(short, "redraw") {
		t.Errorf("? does not toggle the full help")
	}
	press(b, "?")
	if b.View() != short {
		t.Errorf("? twice does not return to the short help")
	}
}

// TestFilterTypingDoesNotTriggerKeys: while the filter has the keyboard,
// letters that are keys elsewhere (q, 1, s, d, o, ?) are text.
func TestFilterTypingDoesNotTriggerKeys(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	press(a, "5", "/", "q", "1", "s", "d", "o", "?")
	if a.Active() != common.TabUsage {
		t.Fatalf("typing switched to tab %v", a.Active())
	}
	if v := a.View(); !strings.Contains(v, "/q1sdo?") {
		t.Errorf("the filter does not hold what was typed:\n%s", v)
	}
	// Keys typed fast arrive as one message; each rune still counts.
	b := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	press(b, "5")
	b.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/aisha")})
	if v := b.View(); !strings.Contains(v, "/aisha") || !strings.Contains(v, "Users 1/5") {
		t.Errorf("a burst of keys is not split into a key and a filter:\n%s", v)
	}
}

func TestUsageScreen(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 100, 30)
	press(a, "5")
	if v := a.View(); !strings.Contains(v, "Users 1/301") || !strings.Contains(v, "sort: name") {
		t.Fatalf("usage tab:\n%s", v)
	}
	press(a, "d")
	if v := a.View(); !strings.Contains(v, "Devices 1/11") || !strings.Contains(v, "devices per day") {
		t.Errorf("d does not switch to devices:\n%s", v)
	}
	press(a, "d", "s")
	if v := a.View(); !strings.Contains(v, "sort: last seen") {
		t.Errorf("s does not sort by last seen:\n%s", v)
	}
	press(a, "s", "s", "s")
	if v := a.View(); !strings.Contains(v, "sort: name") {
		t.Errorf("s does not cycle back to name:\n%s", v)
	}
	press(a, "]")
	if v := a.View(); !strings.Contains(v, "no usage in the future") {
		t.Errorf("] on the current month:\n%s", v)
	}
	press(a, "[")
	v := a.View()
	if !strings.Contains(v, "2026-10 (UTC)") || !strings.Contains(v, "not this month") {
		t.Errorf("[ does not load October:\n%s", v)
	}
	press(a, "]")
	if v := a.View(); !strings.Contains(v, "2026-11 (UTC)") || strings.Contains(v, "not this month") {
		t.Errorf("] does not come back to November:\n%s", v)
	}
	press(a, "/", "z", "z", "z", "z", "enter")
	if v := a.View(); !strings.Contains(v, "0 of 301") {
		t.Errorf("a filter matching nothing:\n%s", v)
	}
	press(a, "esc")
	if v := a.View(); !strings.Contains(v, "Users 1/301") {
		t.Errorf("esc does not clear the filter:\n%s", v)
	}
}

func TestExpirationOpensTheLineInItsFile(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	press(a, "3", "enter")
	if a.Active() != common.TabLicences {
		t.Fatalf("enter on an expiry: tab %v, want Licences", a.Active())
	}
	v := a.View()
	if !strings.Contains(v, "XDT_ADV_UD_evaluation.lic") || !strings.Contains(v, ">  6 INCREMENT XDT_ADV_UD") {
		t.Errorf("the expired line is not highlighted in its file:\n%s", v)
	}
	press(a, "esc")
	if a.Active() != common.TabExpirations {
		t.Errorf("esc after the jump: tab %v, want Expirations, where it came from", a.Active())
	}
	// Back on Licences by hand, the jump is forgotten: the list shows,
	// and esc stays.
	press(a, "2")
	if v := a.View(); !strings.Contains(v, "LINE FEATURE") {
		t.Errorf("the licence viewer is still open after going back:\n%s", v)
	}
	press(a, "esc")
	if a.Active() != common.TabLicences {
		t.Errorf("esc with no jump behind it moved to %v", a.Active())
	}
}

func TestOverviewJumpReturnsOnEsc(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	press(a, "1", "enter")
	if a.Active() != common.TabExpirations {
		t.Fatalf("enter on the most urgent item: tab %v, want Expirations", a.Active())
	}
	press(a, "?")
	if v := a.View(); !strings.Contains(v, "back to Overview") {
		t.Errorf("the help does not offer the way back:\n%s", v)
	}
	press(a, "esc", "esc")
	if a.Active() != common.TabOverview {
		t.Errorf("esc after the Overview's jump: tab %v, want Overview", a.Active())
	}
}

func TestPrivacyToggleWritesThroughTheSafeEditor(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), PreviewKey: fixedPreviewKey}, 100, 30)
	s := a.Context().Snapshot
	press(a, "6", "space")
	v := a.View()
	if !strings.Contains(v, "Turn anonymization ON?") || !strings.Contains(v, "once confirmed: pseudonyms") {
		t.Fatalf("space does not ask, with the preview flipped:\n%s", v)
	}
	if strings.Contains(v, "aaron.garcia@demo.example           user   aaron.garcia") {
		t.Errorf("the preview still shows plain names while asking:\n%s", v)
	}
	press(a, "n")
	if v := a.View(); strings.Contains(v, "Turn anonymization") || !strings.Contains(v, ": plain names") {
		t.Errorf("n does not cancel:\n%s", v)
	}
	if c, err := config.Read(s.Layout.Config); err != nil || c.Scramble {
		t.Fatalf("cancel wrote the file: %v %v", c, err)
	}
	press(a, "space", "y")
	c, err := config.Read(s.Layout.Config)
	if err != nil || !c.Scramble {
		t.Fatalf("y did not turn the setting on: %v", err)
	}
	key, err := scramble.LoadKey(s.Layout.ConfigDir, fixedNow)
	if err != nil {
		t.Fatalf("turning it on created no key: %v", err)
	}
	if _, err := os.Stat(s.Layout.Config + ".bak"); err != nil {
		t.Errorf("no backup kept: %v", err)
	}
	v = a.View()
	if !strings.Contains(v, "[x] on") || !strings.Contains(v, "fingerprint "+key.Fingerprint()) {
		t.Errorf("the screen does not show the new state and key:\n%s", v)
	}
	want, _ := key.Scrambler().Pseudonym("aaron.garcia") // identities lose their domain (issue 11)
	if !strings.Contains(v, want) {
		t.Errorf("the preview does not use the server's new key (want %s):\n%s", want, v)
	}
	press(a, "1")
	if v := a.View(); !strings.Contains(v, "Anonymization  on") || strings.Contains(v, "anonymization is off while a CSP") {
		t.Errorf("the overview does not follow the new setting:\n%s", v)
	}
	press(a, "6", "space", "y")
	if c, err := config.Read(s.Layout.Config); err != nil || c.Scramble {
		t.Errorf("turning it off again: %v %v", c, err)
	}
}

// TestPrivacyToggleRefusesAFileChangedSinceShown: the admin decided on the
// state the screen showed; a config edited on disk since then is not
// written over.
func TestPrivacyToggleRefusesAFileChangedSinceShown(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), PreviewKey: fixedPreviewKey}, 100, 30)
	s := a.Context().Snapshot
	edited := []byte(strings.Replace(string(s.Config.Raw), "</Configurations>", "  <Other>1</Other>\n</Configurations>", 1))
	if err := os.WriteFile(s.Layout.Config, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(s.Layout.Config, later, later)
	press(a, "6", "space", "y")
	if got, _ := os.ReadFile(s.Layout.Config); string(got) != string(edited) {
		t.Fatalf("the edited file was written over")
	}
	if v := a.View(); !strings.Contains(v, "not changed") {
		t.Errorf("the refusal is not shown:\n%s", v)
	}
}

func TestPrivacyTryAName(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), PreviewKey: fixedPreviewKey}, 100, 30)
	press(a, "6", "t")
	for _, r := range "Alice@CORP.example" {
		press(a, string(r))
	}
	want, _ := fixedPreviewKey().Scrambler().Pseudonym("alice@corp.example")
	v := a.View()
	if !strings.Contains(v, want) || !strings.Contains(v, "as alice@corp.example") {
		t.Errorf("typing a name does not show its pseudonym %s:\n%s", want, v)
	}
	if a.Active() != common.TabPrivacy {
		t.Errorf("typing switched tabs")
	}
	press(a, "enter", "2")
	if a.Active() != common.TabLicences {
		t.Errorf("after enter the keys are the dashboard's again")
	}
}

func TestReadOnly(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t), ReadOnly: true}, 100, 30)
	s := a.Context().Snapshot
	if v := a.View(); !strings.Contains(v, "[READ-ONLY]") {
		t.Errorf("no read-only badge:\n%s", v)
	}
	press(a, "6", "space", "y")
	v := a.View()
	if strings.Contains(v, "Turn anonymization") || strings.Contains(v, "toggle anonymization") {
		t.Errorf("the toggle is offered in read-only mode:\n%s", v)
	}
	if c, err := config.Read(s.Layout.Config); err != nil || c.Scramble {
		t.Errorf("read-only mode wrote the setting")
	}
	before, _ := os.ReadDir(modeluploads.Dir(s.Layout.UsageDir))
	press(a, "7", "u")
	if v := a.View(); strings.Contains(v, "upload now") || !strings.Contains(v, "read-only") {
		t.Errorf("upload is offered in read-only mode:\n%s", v)
	}
	if after, _ := os.ReadDir(modeluploads.Dir(s.Layout.UsageDir)); len(after) != len(before) {
		t.Errorf("read-only mode changed the usage folder: %d files, was %d", len(after), len(before))
	}
}

// receiver is an `lsui receive` intake on loopback.
func receiver(t *testing.T) (url, dir string) {
	t.Helper()
	dir = t.TempDir()
	srv := httptest.NewServer(payload.NewReceiver(dir, payload.ReceiverOptions{}))
	t.Cleanup(srv.Close)
	return srv.URL, dir
}

func TestUploadCycle(t *testing.T) {
	url, received := receiver(t)
	a := readyApp(t, Options{Load: demoLoader(t), Endpoint: url}, 100, 30)
	s := a.Context().Snapshot
	press(a, "7", "u")
	if v := strings.Join(strings.Fields(a.View()), " "); !strings.Contains(v, "Upload to "+url+"? y/n") || !strings.Contains(v, "the prune deletes the 3 payloads on disk") {
		t.Fatalf("u does not say where it uploads and what the prune deletes:\n%s", v)
	}
	if stored, _ := filepath.Glob(filepath.Join(received, "*", "upload_*.zip")); len(stored) != 0 {
		t.Fatalf("u uploaded before y")
	}
	press(a, "y")
	v := a.View()
	if !strings.Contains(v, "delivered (HTTP 201)") || !strings.Contains(v, "kept 1: upload_") {
		t.Fatalf("the cycle's outcome is not shown:\n%s", v)
	}
	list, _, err := modeluploads.List(modeluploads.Dir(s.Layout.UsageDir))
	if err != nil || len(list) != 1 || list[0].Outcome != modeluploads.Success {
		t.Fatalf("after a cycle the folder holds %v (%v), want one success", list, err)
	}
	if !strings.Contains(v, list[0].Name) || !strings.Contains(v, "success") {
		t.Errorf("the list does not show the new upload:\n%s", v)
	}
	stored, _ := filepath.Glob(filepath.Join(received, "*", "upload_*.zip"))
	if len(stored) != 1 {
		t.Errorf("the receiver stored %d payloads, want 1", len(stored))
	}
	press(a, "1")
	if v := a.View(); !strings.Contains(v, "success, ") {
		t.Errorf("the overview does not show the last upload:\n%s", v)
	}
}

func TestUploadWithoutEndpoint(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 100, 30)
	press(a, "7", "u")
	if v := a.View(); !strings.Contains(v, "no upload endpoint") {
		t.Errorf("u without an endpoint:\n%s", v)
	}
}

// hangingEndpoint accepts uploads and never answers until the test ends.
func hangingEndpoint(t *testing.T) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

// TestUploadCycleCancel runs the real program: the cycle runs while the
// screen keeps drawing, x cancels it, and the payload stays on disk.
func TestUploadCycleCancel(t *testing.T) {
	app := New(Options{Load: demoLoader(t), Endpoint: hangingEndpoint(t)})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm.Output(), "Most urgent")
	tm.Send(keyMsg("7"))
	tm.Send(keyMsg("u"))
	waitFor(t, tm.Output(), "y/n")
	tm.Send(keyMsg("y"))
	waitFor(t, tm.Output(), "attempt 1/5")
	tm.Send(keyMsg("x"))
	waitFor(t, tm.Output(), "cancelled")
	tm.Send(keyMsg("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	if !final.Shutdown(10 * time.Second) {
		t.Fatalf("the cancelled cycle did not stop")
	}
	list, _, err := modeluploads.List(modeluploads.Dir(final.Context().Snapshot.Layout.UsageDir))
	if err != nil || len(list) == 0 {
		t.Fatalf("after a cancelled cycle: %v (%v)", list, err)
	}
	if last := list[len(list)-1]; last.Name != modeluploads.FileName(fixedNow) || last.Outcome != modeluploads.Failed {
		t.Errorf("after a cancelled cycle the newest payload is %s (%s), want %s kept as failed",
			last.Name, last.Outcome, modeluploads.FileName(fixedNow))
	}
}

// TestInterruptAsksDuringCycle: ctrl+c while a cycle runs asks first.
func TestInterruptAsksDuringCycle(t *testing.T) {
	app := New(Options{Load: demoLoader(t), Endpoint: hangingEndpoint(t)})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm.Output(), "Most urgent")
	tm.Send(keyMsg("7"))
	tm.Send(keyMsg("u"))
	waitFor(t, tm.Output(), "y/n")
	tm.Send(keyMsg("y"))
	waitFor(t, tm.Output(), "attempt 1/5")
	tm.Send(keyMsg("ctrl+c"))
	waitFor(t, tm.Output(), "Quit anyway? y/n")
	tm.Send(keyMsg("n"))
	tm.Send(keyMsg("1")) // a change the renderer must draw, so the prompt is drawn anew
	waitFor(t, tm.Output(), "[1 Overview]")
	tm.Send(keyMsg("q"))
	waitFor(t, tm.Output(), "Quit anyway? y/n")
	tm.Send(keyMsg("y"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	if !final.Shutdown(10 * time.Second) {
		t.Errorf("the cancelled cycle did not stop")
	}
}

func TestMouse(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 80, 24)
	// A click on the tab line's "5 Usage" (ASCII, so bytes are cells).
	lines := strings.Split(a.View(), "\n")
	x := strings.Index(lines[1], "5 Usage")
	a.Update(tea.MouseMsg{X: x + 2, Y: 1, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
	if a.Active() != common.TabUsage {
		t.Fatalf("a click on 5 Usage: tab %v", a.Active())
	}
	a.Update(tea.MouseMsg{X: 10, Y: 15, Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if v := a.View(); !strings.Contains(v, "Users 4/301") {
		t.Errorf("the wheel does not scroll the list:\n%s", v)
	}
}

// TestUploadsListWithCorruptJournal: a journal that does not parse still
// lists the zips (without outcomes) and says what is wrong.
func TestUploadsListWithCorruptJournal(t *testing.T) {
	a := readyApp(t, Options{Load: demoLoader(t)}, 100, 30)
	dir := modeluploads.Dir(a.Context().Snapshot.Layout.UsageDir)
	if err := os.WriteFile(filepath.Join(dir, "lsui-journal.json"), []byte(`{"version":1,"records":[`), 0o644); err != nil {
		t.Fatal(err)
	}
	// A zip that appeared since the screen was loaded must show up.
	if err := os.WriteFile(filepath.Join(dir, "upload_1795800000.zip"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(a, "7", "r")
	v := a.View()
	if !strings.Contains(v, "listing uploads:") {
		t.Errorf("the journal error is not shown:\n%s", v)
	}
	if !strings.Contains(v, "upload_1795800000.zip") {
		t.Errorf("the zips on disk are not listed:\n%s", v)
	}
}
