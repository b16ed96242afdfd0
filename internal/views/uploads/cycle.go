package uploads

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lsui/lsui/internal/model"
	modeluploads "github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
	"github.com/lsui/lsui/internal/views/common"
)

// cycleAvailable says whether this build can run upload cycles.
const cycleAvailable = true

// cycleLines is the height of the cycle's block under the backlog line.
const cycleLines = 3

// cycleState is a running or finished upload-and-prune cycle.
type cycleState struct {
	seq      int
	running  bool
	cancel   context.CancelFunc
	events   chan payload.Progress
	progress payload.Progress
	started  time.Time
	result   *payload.CycleResult
	err      error
	spinner  spinner.Model
	// finished is closed when the cycle's command has returned, whatever
	// the program did meanwhile.
	finished chan struct{}
}

// progressMsg is one report from the running cycle.
type progressMsg struct {
	seq int
	p   payload.Progress
}

func (progressMsg) TargetTab() common.Tab { return common.TabUploads }

// cycleDoneMsg is the cycle's end.
type cycleDoneMsg struct {
	seq    int
	result *payload.CycleResult
	err    error
}

func (cycleDoneMsg) TargetTab() common.Tab { return common.TabUploads }

// endpoint is where uploads go: the --endpoint flag, else the setting.
func (m *Model) endpoint() string {
	if m.ctx.Endpoint != "" {
		return m.ctx.Endpoint
	}
	if s := m.ctx.Snapshot.Settings; s != nil {
		return s.Endpoint
	}
	return ""
}

// startCycle runs one cycle in a command: the server is loaded afresh
// (the payload must carry today's numbers, not those of when the
// dashboard opened), then built, uploaded and pruned by payload.RunCycle.
// Progress comes back through a channel that a second command drains.
func (m *Model) startCycle() tea.Cmd {
	if m.cycle != nil && m.cycle.running {
		return common.Status("an upload cycle is already running", false)
	}
	endpoint := m.endpoint()
	if endpoint == "" {
		where := model.SettingsFileName
		if s := m.ctx.Snapshot.Settings; s != nil && s.Path() != "" {
			where = m.ctx.Snapshot.Layout.Rel(s.Path())
		}
		return common.Status("no upload endpoint: set \"endpoint\" in "+where+" or start lsui with --endpoint URL", true)
	}
	if _, err := payload.CheckEndpoint(endpoint); err != nil {
		return common.Status(err.Error(), true)
	}
	seq := 1
	if m.cycle != nil {
		seq = m.cycle.seq + 1
	}
	ctx, cancel := context.WithCancel(m.ctx.Ctx)
	sp := spinner.New()
	sp.Spinner = spinner.Line
	if !m.ctx.Theme.ASCII {
		sp.Spinner = spinner.Dot
	}
	c := &cycleState{seq: seq, running: true, cancel: cancel, events: make(chan payload.Progress, 64),
		started: time.Now(), spinner: sp, finished: make(chan struct{})}
	m.cycle = c
	m.keys.Upload.SetEnabled(false)
	m.keys.Cancel.SetEnabled(true)
	m.SetSize(m.width, m.height)

	opts := m.ctx.LoadOptions
	events, finished := c.events, c.finished
	run := func() tea.Msg {
		defer close(finished)
		defer close(events)
		now := opts.Now
		if now.IsZero() {
			now = time.Now()
		}
		s, err := model.Load(ctx, opts)
		if err != nil {
			return cycleDoneMsg{seq: seq, err: err}
		}
		res, err := payload.RunCycle(ctx, s, payload.CycleOptions{
			Endpoint: endpoint,
			Now:      now,
			Progress: func(p payload.Progress) {
				// Never hold the cycle up: when the screen falls behind,
				// a report is dropped; the next one says more.
				select {
				case events <- p:
				default:
				}
			},
		})
		return cycleDoneMsg{seq: seq, result: res, err: err}
	}
	return tea.Batch(run, listen(seq, events), c.spinner.Tick)
}

// listen waits for the cycle's next report.
func listen(seq int, events <-chan payload.Progress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-events
		if !ok {
			return nil
		}
		return progressMsg{seq: seq, p: p}
	}
}

// Wait waits up to timeout for a cycle's command to return, after the
// program ended (which cancelled it): the caller may remove the folder
// the cycle writes in only then. It reports whether nothing is left
// running.
func (m *Model) Wait(timeout time.Duration) bool {
	if m.cycle == nil {
		return true
	}
	select {
	case <-m.cycle.finished:
		return true
	case <-time.After(timeout):
		return false
	}
}

func (m *Model) cancelCycle() tea.Cmd {
	if m.cycle == nil || !m.cycle.running {
		return nil
	}
	m.cycle.cancel()
	return common.Status("cancelling the upload cycle…", false)
}

// cycleUpdate handles the cycle's messages; ok is false for others.
func (m *Model) cycleUpdate(msg tea.Msg) (tea.Cmd, bool) {
	c := m.cycle
	switch msg := msg.(type) {
	case progressMsg:
		if c == nil || msg.seq != c.seq {
			return nil, true
		}
		c.progress = msg.p
		return listen(c.seq, c.events), true
	case cycleDoneMsg:
		if c == nil || msg.seq != c.seq {
			return nil, true
		}
		c.running = false
		c.cancel()
		c.result, c.err = msg.result, msg.err
		m.keys.Upload.SetEnabled(!m.ctx.ReadOnly)
		m.keys.Cancel.SetEnabled(false)
		return tea.Batch(m.refresh(), common.Status(c.summary(), c.err != nil || !c.result.OK())), true
	case spinner.TickMsg:
		if c == nil || !c.running || msg.ID != c.spinner.ID() {
			return nil, false
		}
		var cmd tea.Cmd
		c.spinner, cmd = c.spinner.Update(msg)
		return cmd, true
	}
	return nil, false
}

// summary is the cycle's outcome in one line.
func (c *cycleState) summary() string {
	switch {
	case errors.Is(c.err, context.Canceled):
		return "upload cycle cancelled; anything not delivered stays on disk for the next cycle"
	case c.err != nil:
		return "upload cycle stopped: " + c.err.Error()
	case c.result.OK():
		return "upload cycle done: delivered; O opens the payload just sent (o: Citrix's latest)"
	}
	return "upload cycle done: not delivered; the payload stays on disk for the next cycle"
}

func (m *Model) cycleView() string {
	t := m.ctx.Theme
	c := m.cycle
	w := m.width
	lines := make([]string, 0, cycleLines)
	if c.running {
		p := c.progress
		phase := string(p.Phase)
		if phase == "" {
			phase = "loading the server"
		}
		head := c.spinner.View() + " upload cycle: " + phase
		if p.File != "" {
			head += " " + p.File
		}
		if p.Phase == payload.PhaseUploading && p.MaxAttempts > 0 {
			head += fmt.Sprintf(", attempt %d/%d", p.Attempt, p.MaxAttempts)
		}
		lines = append(lines, t.Info.Render(common.Fit(head, w, false)))
		switch {
		case p.Phase == payload.PhaseUploading && p.Total > 0:
			lines = append(lines, m.bytesBar(p.Sent, p.Total))
		default:
			lines = append(lines, t.Dim.Render(common.Fit(phaseSteps(p.Phase), w, false)))
		}
		if p.LastError != "" || p.RetryIn > 0 {
			retry := "! " + p.LastError
			if p.Status != 0 {
				retry += fmt.Sprintf(" (HTTP %d)", p.Status)
			}
			if p.RetryIn > 0 {
				retry += fmt.Sprintf("; retrying in %s", p.RetryIn.Round(100*time.Millisecond))
			}
			lines = append(lines, t.Warn.Render(common.Fit(retry, w, false)))
		} else {
			lines = append(lines, t.Dim.Render(common.Fit("x cancels; what is not delivered stays on disk", w, false)))
		}
		return strings.Join(lines, "\n") + "\n"
	}
	style := t.OK
	if c.err != nil || !c.result.OK() {
		style = t.Crit
	}
	lines = append(lines, style.Render(common.Fit(c.outcomeLine(), w, false)))
	var deleted, kept []string
	if c.result != nil {
		deleted, kept = c.result.Deleted, c.result.Kept
	}
	lines = append(lines, common.Fit(listLine("deleted", deleted), w, false))
	lines = append(lines, common.Fit(listLine("kept", kept), w, false))
	return strings.Join(lines, "\n") + "\n"
}

// outcomeLine says what happened to each payload the cycle sent.
func (c *cycleState) outcomeLine() string {
	if c.result == nil || len(c.result.Uploaded) == 0 {
		return c.summary()
	}
	var parts []string
	for _, a := range c.result.Uploaded {
		switch {
		case a.Outcome == modeluploads.Success:
			parts = append(parts, fmt.Sprintf("%s delivered (HTTP %d)", a.File, a.Status))
		case a.Attempts == 0:
			parts = append(parts, fmt.Sprintf("!! %s not sent: %s", a.File, sanitize.Line(a.Err)))
		default:
			parts = append(parts, fmt.Sprintf("!! %s FAILED after %d attempts: %s", a.File, a.Attempts, sanitize.Line(a.Err)))
		}
	}
	if c.err != nil {
		parts = append(parts, "stopped: "+c.err.Error())
	}
	return strings.Join(parts, "; ")
}

func listLine(label string, names []string) string {
	if len(names) == 0 {
		return label + ": none"
	}
	return fmt.Sprintf("%s %d: %s", label, len(names), strings.Join(names, ", "))
}

func phaseSteps(p payload.Phase) string {
	steps := []payload.Phase{payload.PhaseBuilding, payload.PhaseUploading, payload.PhasePruning}
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = string(s)
		if s == p {
			parts[i] = "[" + parts[i] + "]"
		}
	}
	return strings.Join(parts, " > ")
}

// bytesBar is the upload's body sent, as a bar and in bytes.
func (m *Model) bytesBar(sent, total int64) string {
	t := m.ctx.Theme
	label := fmt.Sprintf(" %s of %s", common.Bytes(sent), common.Bytes(total))
	cells := max(min(m.width-len(label)-2, 40), 5)
	full := int(sent * int64(cells) / max(total, 1))
	full = min(max(full, 0), cells)
	return "[" + t.OK.Render(strings.Repeat(t.Glyphs.BarFull, full)) +
		t.Dim.Render(strings.Repeat(t.Glyphs.BarEmpty, cells-full)) + "]" + label
}
