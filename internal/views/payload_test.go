package views

import (
	"context"
	modeluploads "github.com/lsui/lsui/internal/model/uploads"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/payload"
)

// builtPayload builds a real payload of the demo server at a fixed clock,
// with a fixed server id so that its bytes are the same every run.
func builtPayload(t *testing.T) string {
	t.Helper()
	load := demoLoader(t)
	s, _, err := load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Settings.Path(), []byte(`{"server_id": "0123456789abcdef01234567"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Settings, err = model.ReadSettings(s.Settings.Path())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "upload_1795766400.zip")
	b, err := payload.Build(context.Background(), s, payload.BuildOptions{Now: fixedNow.Add(-2 * time.Hour), Out: out})
	if err != nil {
		t.Fatal(err)
	}
	return b.Path
}

// TestGoldenPayloadView is `lsui view FILE.zip` on a real payload: the
// verdict and entries, then one entry pretty-printed.
func TestGoldenPayloadView(t *testing.T) {
	zip := builtPayload(t)
	cases := []struct {
		name  string
		keys  []string
		ready string
	}{
		{"entries", nil, ""},
		{"licence", []string{"enter"}, "INCREMENT"},
		{"manifest", []string{"G", "enter"}, `"schema"`},
		{"usage_json", []string{"G", "up", "enter"}, `"features"`},
	}
	for _, c := range cases {
		for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
			t.Run(c.name+"_"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				app := NewPayloadApp(zip, "upload_1795766400.zip", Options{})
				tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(sz.w, sz.h))
				waitFor(t, tm.Output(), "VERDICT")
				for _, k := range c.keys {
					tm.Send(keyMsg(k))
				}
				if c.ready != "" {
					waitFor(t, tm.Output(), c.ready)
				}
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*PayloadApp)
				frame := final.View()
				checkFrame(t, frame, sz.w, sz.h)
				if !final.Model().Report().OK {
					t.Errorf("a payload lsui built is rejected: %s", final.Model().Report().Verdict())
				}
				golden.RequireEqual(t, []byte(frame+"\n"))
			})
		}
	}
}

// TestOpenLastUpload: `o` from any tab shows the newest upload's verdict,
// Citrix's when there is one (the demo has two), though lsui's is newer.
func TestOpenLastUpload(t *testing.T) {
	zip := builtPayload(t)
	load := demoLoader(t)
	withUpload := func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		s, opts, err := load(ctx)
		if err != nil {
			return nil, opts, err
		}
		// Place the payload among the server's uploads, then load again
		// so the list has it.
		data, err := os.ReadFile(zip)
		if err != nil {
			return nil, opts, err
		}
		if err := os.MkdirAll(modeluploads.Dir(s.Layout.UsageDir), 0o755); err != nil {
			return nil, opts, err
		}
		if err := os.WriteFile(filepath.Join(modeluploads.Dir(s.Layout.UsageDir), filepath.Base(zip)), data, 0o644); err != nil {
			return nil, opts, err
		}
		s, err = model.Load(ctx, opts)
		return s, opts, err
	}
	for _, from := range []string{"1", "3", "5"} {
		a := readyApp(t, Options{Load: withUpload}, 80, 24)
		press(a, from, "o")
		if a.Active() != 7-1 {
			t.Errorf("o from tab %s: active tab %d, want Uploads", from, a.Active()+1)
		}
		frame := a.View()
		if !strings.Contains(frame, "VERDICT CITRIX") || !strings.Contains(frame, "(Citrix's, read-only)") {
			t.Errorf("o from tab %s does not show the last upload's verdict:\n%s", from, frame)
		}
		press(a, "esc")
		if frame := a.View(); !strings.Contains(frame, "FILE") {
			t.Errorf("esc does not return to the upload list:\n%s", frame)
		}
	}
}

// batch is the commands a tea.Batch holds, or cmd alone.
func batch(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		return b
	}
	return []tea.Cmd{cmd}
}

// TestPayloadViewPhases: the listing is drawn before any content is read,
// progress while the entries are verified, then the verdict.
func TestPayloadViewPhases(t *testing.T) {
	zip := builtPayload(t)
	app := NewPayloadApp(zip, "upload_1795766400.zip", Options{ASCII: true})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	scan := batch(app.Init())[0] // the spinner's tick follows
	_, next := app.Update(scan())
	frame := app.View()
	for _, want := range []string{"VERIFYING 0/10 entries read (0%)", "directory and layout checked", "manifest not read yet", "licenses/", "not read yet"} {
		if !strings.Contains(frame, want) {
			t.Errorf("listing frame has no %q:\n%s", want, frame)
		}
	}
	if strings.Contains(frame, "VERDICT") || !app.Model().Verifying() {
		t.Errorf("a verdict before the entries were read:\n%s", frame)
	}
	cmds := batch(next) // Verify, then its progress listener
	if len(cmds) != 2 {
		t.Fatalf("after the listing: %d commands, want verify and listen", len(cmds))
	}
	verdict := cmds[0]()
	progress := cmds[1]()
	_, again := app.Update(progress)
	if frame := app.View(); !strings.Contains(frame, "entries read (") || strings.Contains(frame, "0/0 entries") {
		t.Errorf("progress not drawn:\n%s", frame)
	}
	if again == nil {
		t.Error("the progress listener was not armed again")
	} else if msg := again(); msg != nil {
		t.Errorf("after Verify closed its channel the listener returned %T", msg)
	}
	app.Update(verdict)
	frame = app.View()
	if !strings.Contains(frame, "VERDICT LSUI") || strings.Contains(frame, "VERIFYING") || app.Model().Verifying() {
		t.Errorf("final frame:\n%s", frame)
	}
	// A progress value that arrives after the verdict changes nothing.
	app.Update(progress)
	if app.View() != frame {
		t.Error("a late progress value redrew the verdict")
	}
}
