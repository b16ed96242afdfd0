package views

import (
	"context"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/vhs/lexer"
	"github.com/charmbracelet/vhs/parser"
	"github.com/charmbracelet/vhs/token"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/model"
)

// tapePath is the recorded demo at the repository's root.
var tapePath = filepath.Join("..", "..", "demo.tape")

// The bounds the recorded tour must fit in.
const (
	tapeMinDuration = 30 * time.Second
	tapeMaxDuration = 60 * time.Second
)

// TestDemoTape keeps demo.tape honest without VHS (which needs ttyd): the
// tape is parsed with VHS's own parser, its shell lines are mapped to the
// dashboard's options (the demo, the fixed clock, an httptest receiver for
// its `lsui receive`), its keys are replayed into the model, and each
// "# expect:" comment is checked against the screen at that point.
func TestDemoTape(t *testing.T) {
	src, err := os.ReadFile(tapePath)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := parseTape(string(src))
	if err != nil {
		t.Fatal(err)
	}
	r := &tapeReplay{t: t, geometry: defaultGeometry(), typingSpeed: 50 * time.Millisecond}
	for _, s := range steps {
		r.step(s)
	}
	r.finish()
	if r.visible < tapeMinDuration || r.visible > tapeMaxDuration {
		t.Errorf("the recording lasts %s (its Sleeps and typing while shown), want %s to %s",
			r.visible, tapeMinDuration, tapeMaxDuration)
	}
	t.Logf("demo.tape: %d steps, %d expectations, %s recorded, at %d×%d", len(steps), r.checked, r.visible, r.cols, r.rows)
}

// TestTapeParserRejects: the checks above can fail. A tape VHS would
// reject, a command the replay does not know, a shell line it cannot map,
// and an expectation that is not on screen each fail the replay.
func TestTapeParserRejects(t *testing.T) {
	const start = "Set Shell bash\nSet FontSize 16\nSet Width 1000\nSet Height 680\nSet Padding 20\nType \"go run ./cmd/lsui --demo --now 2026-11-27T10:00:00Z --tz UTC\"\nEnter\nSleep 1s\n"
	cases := []struct {
		name, tape, want string
	}{
		{"syntax", "Type 5\n", "Type expects string"},
		{"unknown setting", "Set Colour red\n", "Unknown setting"},
		{"unknown directive", "# expects: Overview\n", "unknown directive"},
		{"bad regexp", "# expect-re: (\n", "expect-re"},
		{"unsupported command", start + "Screenshot shot.png\n", "not replayed"},
		{"unknown shell line", "Type \"rm -rf /\"\nEnter\n", "does not know"},
		{"no fixed clock", "Type \"go run ./cmd/lsui --demo\"\nEnter\n", "--now"},
		{"not the demo", "Type \"go run ./cmd/lsui --now 2026-11-27T10:00:00Z\"\nEnter\n", "--demo"},
		{"receiver never checked", "Type \"go run ./cmd/lsui receive --listen 127.0.0.1:9 --dir /tmp/r 2>/tmp/r.log &\"\nEnter\n" +
			"Type \"go run ./cmd/lsui --demo --now 2026-11-27T10:00:00Z --endpoint http://127.0.0.1:9/\"\nEnter\n", "checked that its receiver listens"},
		{"receiver check that cannot fail", "Type \"go run ./cmd/lsui receive --listen 127.0.0.1:9 --dir /tmp/r 2>/tmp/r.log &\"\nEnter\n" +
			"Type \"until grep -q 'listening on' /tmp/r.log; do sleep 0.2; done; echo receiver ready\"\nEnter\n", "must contain"},
		{"endpoint without receiver", "Type \"go run ./cmd/lsui --demo --now 2026-11-27T10:00:00Z --endpoint http://127.0.0.1:9/\"\nEnter\n", "receive"},
		{"missing text", start + "# expect: no such text on any screen\n", "not on screen"},
		{"wait times out", start + "Wait+Screen /no such text/\n", "not on screen"},
		{"expect with nothing running", "# expect: Overview\n", "nothing on screen"},
		{"never quits", start, "still running"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := replayExpectingFailure(t, c.tape)
			if err == "" || !strings.Contains(err, c.want) {
				t.Errorf("got failure %q, want one mentioning %q", err, c.want)
			}
		})
	}
}

// replayExpectingFailure replays tape and returns the first failure.
func replayExpectingFailure(t *testing.T, tape string) (failure string) {
	steps, err := parseTape(tape)
	if err != nil {
		return err.Error()
	}
	r := &tapeReplay{t: t, geometry: defaultGeometry(), typingSpeed: 50 * time.Millisecond, fail: func(msg string) {
		panic(tapeFailure(msg))
	}}
	defer func() {
		if p := recover(); p != nil {
			f, ok := p.(tapeFailure)
			if !ok {
				panic(p)
			}
			failure = string(f)
		}
		if r.app != nil {
			r.app.Shutdown(5 * time.Second)
		}
	}()
	for _, s := range steps {
		r.step(s)
	}
	r.finish()
	return ""
}

type tapeFailure string

// tapeStep is one command of the tape, or one expectation about the
// screen after the commands before it.
type tapeStep struct {
	line   int
	cmd    parser.Command
	expect string         // "# expect: TEXT": TEXT is on screen
	re     *regexp.Regexp // "# expect-re: REGEXP": REGEXP matches the screen
}

func (s tapeStep) isExpectation() bool { return s.expect != "" || s.re != nil }

// parseTape reads a tape the way VHS does, and keeps each command's line
// and the expectation comments between them, which VHS's parser drops.
// The whole tape is parsed once, as VHS would, and then line by line (a
// command never spans lines); the two readings must agree.
func parseTape(src string) ([]tapeStep, error) {
	p := parser.New(lexer.New(src))
	whole := p.Parse()
	if errs := p.Errors(); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = "demo.tape:" + e.String()
		}
		return nil, fmt.Errorf("VHS rejects the tape:\n%s", strings.Join(msgs, "\n"))
	}
	var steps []tapeStep
	var commands []parser.Command
	for i, line := range strings.Split(src, "\n") {
		n := i + 1
		lp := parser.New(lexer.New(line))
		cmds := lp.Parse()
		if len(lp.Errors()) > 0 {
			return nil, fmt.Errorf("demo.tape:%d: %s", n, lp.Errors()[0].Msg)
		}
		for _, c := range cmds {
			steps = append(steps, tapeStep{line: n, cmd: c})
			commands = append(commands, c)
		}
		comment, ok := lineComment(line)
		if !ok {
			continue
		}
		s, err := parseDirective(comment)
		if err != nil {
			return nil, fmt.Errorf("demo.tape:%d: %w", n, err)
		}
		if s.isExpectation() {
			s.line = n
			steps = append(steps, s)
		}
	}
	if len(whole) != len(commands) || (len(whole) > 0 && !reflect.DeepEqual(whole, commands)) {
		return nil, fmt.Errorf("demo.tape: read line by line it gives %d commands, VHS reads %d: keep one command per line", len(commands), len(whole))
	}
	return steps, nil
}

// lineComment is the text of the comment on a line, as VHS's lexer finds
// it (a # outside a string).
func lineComment(line string) (string, bool) {
	l := lexer.New(line)
	for tok := l.NextToken(); tok.Type != token.EOF; tok = l.NextToken() {
		if tok.Type == token.COMMENT {
			return tok.Literal, true
		}
	}
	return "", false
}

// parseDirective reads "expect: TEXT" and "expect-re: REGEXP"; any other
// comment is prose, unless it starts like a directive and is not one.
func parseDirective(comment string) (tapeStep, error) {
	c := strings.TrimSpace(comment)
	switch {
	case strings.HasPrefix(c, "expect:"):
		text := strings.TrimSpace(strings.TrimPrefix(c, "expect:"))
		if text == "" {
			return tapeStep{}, fmt.Errorf("expect: with no text")
		}
		return tapeStep{expect: text}, nil
	case strings.HasPrefix(c, "expect-re:"):
		expr := strings.TrimSpace(strings.TrimPrefix(c, "expect-re:"))
		re, err := regexp.Compile(expr)
		if err != nil || expr == "" {
			return tapeStep{}, fmt.Errorf("expect-re: %q: %v", expr, err)
		}
		return tapeStep{re: re}, nil
	case strings.HasPrefix(strings.ToLower(c), "expect"):
		return tapeStep{}, fmt.Errorf("unknown directive %q: write \"# expect: TEXT\" or \"# expect-re: REGEXP\"", c)
	}
	return tapeStep{}, nil
}

// tapeGeometry is what VHS's Set commands say about the terminal's size.
type tapeGeometry struct {
	width, height, padding, fontSize int
	lineHeight                       float64
}

// defaultGeometry is VHS's.
func defaultGeometry() tapeGeometry {
	return tapeGeometry{width: 1200, height: 600, padding: 60, fontSize: 22, lineHeight: 1}
}

// cells estimates the terminal VHS records: xterm.js fits cells of VHS's
// default font, JetBrains Mono (0.6 em wide, 1.32 em tall), into the
// window less its padding.
func (g tapeGeometry) cells() (cols, rows int) {
	cellH := int(math.Floor(1.32 * float64(g.fontSize) * g.lineHeight))
	cols = (g.width - 2*g.padding) * 10 / (6 * g.fontSize)
	rows = (g.height - 2*g.padding) / max(cellH, 1)
	return cols, rows
}

// tapeReplay is the terminal VHS would drive: a shell until the tape
// starts the dashboard, then the dashboard until it quits.
type tapeReplay struct {
	t    *testing.T
	fail func(msg string) // nil: t.Fatal

	geometry    tapeGeometry
	cols, rows  int
	typingSpeed time.Duration
	hidden      bool
	visible     time.Duration // what the recording shows: Sleeps and typing while not hidden
	checked     int

	shellLine strings.Builder
	// receiverAddr is the address the tape's `lsui receive` listens on;
	// the replay serves an httptest receiver in its place.
	receiverAddr, receiverURL, receivedDir string
	receiverRunning                        bool
	// receiverChecked: the tape waited for the receiver to listen, with a
	// way to fail the recording when it cannot.
	receiverChecked bool
	receiverLog     string          // where the receiver's messages go
	shellOut        strings.Builder // what the shell printed since the last clear

	app     *App
	started bool // the dashboard ran
	quit    bool // and quit
	pending []tea.Cmd
	line    int
}

func (r *tapeReplay) failf(format string, args ...any) {
	r.t.Helper()
	msg := fmt.Sprintf("demo.tape:%d: ", r.line) + fmt.Sprintf(format, args...)
	if r.fail != nil {
		r.fail(msg)
		return
	}
	r.t.Fatal(msg)
}

func (r *tapeReplay) step(s tapeStep) {
	r.t.Helper()
	r.line = s.line
	if s.isExpectation() {
		r.check(s)
		return
	}
	c := s.cmd
	speed := r.typingSpeed
	// Type and the keys take a speed as Options ("Type@20ms", "Down@1s").
	if c.Options != "" && c.Type != token.SET && c.Type != token.WAIT && c.Type != token.OUTPUT {
		d, err := time.ParseDuration(c.Options)
		if err != nil {
			r.failf("%s@%s: %v", c.Type, c.Options, err)
		}
		speed = d
	}
	switch c.Type {
	case token.OUTPUT, token.REQUIRE:
	case token.SET:
		r.set(c)
	case token.HIDE:
		r.hidden = true
	case token.SHOW:
		r.hidden = false
	case token.SLEEP:
		d, err := time.ParseDuration(c.Args)
		if err != nil {
			r.failf("Sleep %s: %v", c.Args, err)
		}
		r.elapse(d)
		r.settle()
	case token.WAIT:
		r.wait(c)
	case token.TYPE:
		for _, ch := range c.Args {
			if r.app == nil {
				r.shellLine.WriteRune(ch)
			} else if ch == ' ' {
				r.send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			} else {
				r.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{ch}})
			}
			r.elapse(speed)
		}
	case token.CTRL, token.SHIFT, token.ENTER, token.ESCAPE, token.TAB, token.SPACE, token.BACKSPACE,
		token.DELETE, token.UP, token.DOWN, token.LEFT, token.RIGHT, token.PAGE_UP, token.PAGE_DOWN:
		repeat := 1
		if c.Type != token.CTRL && c.Type != token.SHIFT {
			n, err := strconv.Atoi(c.Args)
			if err != nil || n < 1 {
				r.failf("%s %s: want a repeat count", c.Type, c.Args)
			}
			repeat = n
		}
		for range repeat {
			r.press(c)
			r.elapse(speed)
		}
	default:
		r.failf("%s is not replayed by this test: teach tapeReplay what it does, or leave it out of the tape", c.Type)
	}
}

func (r *tapeReplay) set(c parser.Command) {
	number := func() int {
		n, err := strconv.Atoi(c.Args)
		if err != nil {
			r.failf("Set %s %s: want a number", c.Options, c.Args)
		}
		return n
	}
	switch c.Options {
	case "Shell":
		if c.Args != "bash" {
			r.failf("Set Shell %s: the tape's shell lines are bash", c.Args)
		}
	case "Width":
		r.geometry.width = number()
	case "Height":
		r.geometry.height = number()
	case "Padding":
		r.geometry.padding = number()
	case "FontSize":
		r.geometry.fontSize = number()
	case "LineHeight":
		f, err := strconv.ParseFloat(c.Args, 64)
		if err != nil {
			r.failf("Set LineHeight %s: %v", c.Args, err)
		}
		r.geometry.lineHeight = f
	case "TypingSpeed":
		d, err := time.ParseDuration(c.Args)
		if err != nil {
			r.failf("Set TypingSpeed %s: %v", c.Args, err)
		}
		r.typingSpeed = d
	}
	// Themes, fonts, margins and the like change how it looks, not what.
}

func (r *tapeReplay) elapse(d time.Duration) {
	if !r.hidden {
		r.visible += d
	}
}

// press is one key: an edit of the shell's line, or a key for the
// dashboard.
func (r *tapeReplay) press(c parser.Command) {
	if r.app == nil {
		switch c.Type {
		case token.ENTER:
			line := r.shellLine.String()
			r.shellLine.Reset()
			r.runShell(line)
		case token.BACKSPACE:
			s := []rune(r.shellLine.String())
			r.shellLine.Reset()
			if len(s) > 0 {
				r.shellLine.WriteString(string(s[:len(s)-1]))
			}
		default:
			r.failf("%s at the shell prompt: not replayed", c.Type)
		}
		return
	}
	var k tea.KeyMsg
	switch c.Type {
	case token.ENTER:
		k.Type = tea.KeyEnter
	case token.ESCAPE:
		k.Type = tea.KeyEsc
	case token.TAB:
		k.Type = tea.KeyTab
	case token.SPACE:
		k = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case token.BACKSPACE:
		k.Type = tea.KeyBackspace
	case token.DELETE:
		k.Type = tea.KeyDelete
	case token.UP:
		k.Type = tea.KeyUp
	case token.DOWN:
		k.Type = tea.KeyDown
	case token.LEFT:
		k.Type = tea.KeyLeft
	case token.RIGHT:
		k.Type = tea.KeyRight
	case token.PAGE_UP:
		k.Type = tea.KeyPgUp
	case token.PAGE_DOWN:
		k.Type = tea.KeyPgDown
	case token.SHIFT:
		if c.Args != "Tab" {
			r.failf("Shift+%s: not replayed", c.Args)
		}
		k.Type = tea.KeyShiftTab
	case token.CTRL:
		// Ctrl+<letter> is ASCII's control code for it, as a terminal sends it.
		a := strings.ToLower(c.Args)
		if len(a) != 1 || a[0] < 'a' || a[0] > 'z' {
			r.failf("Ctrl+%s: not replayed", c.Args)
		}
		k.Type = tea.KeyType(a[0] - 'a' + 1)
	}
	r.send(k)
}

// send hands a key to the dashboard. Update runs at once, as in the
// program; the commands it returns run only when the tape lets time pass.
func (r *tapeReplay) send(k tea.KeyMsg) {
	_, cmd := r.app.Update(k)
	r.pending = append(r.pending, cmd)
}

// settle runs the pending commands and what they lead to, depth first,
// as the program would given the time: batches and sequences in order,
// spinner ticks dropped (they only animate).
func (r *tapeReplay) settle() {
	r.t.Helper()
	for len(r.pending) > 0 && r.app != nil {
		cmd := r.pending[0]
		r.pending = r.pending[1:]
		r.run(cmd, 0)
	}
	r.pending = nil
}

func (r *tapeReplay) run(cmd tea.Cmd, depth int) {
	r.t.Helper()
	if cmd == nil || r.app == nil {
		return
	}
	if depth > 500 {
		r.failf("the dashboard's commands never settle")
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil:
		return
	case tea.QuitMsg:
		r.exitApp()
		return
	case tea.BatchMsg:
		for _, c := range m {
			r.run(c, depth+1)
		}
		return
	}
	if isTick(msg) {
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		for i := 0; i < v.Len(); i++ {
			r.run(v.Index(i).Interface().(tea.Cmd), depth+1)
		}
		return
	}
	_, next := r.app.Update(msg)
	r.run(next, depth+1)
}

// exitApp is the program returning, as cmd/lsui's dashboard does it.
func (r *tapeReplay) exitApp() {
	if !r.app.Shutdown(10 * time.Second) {
		r.failf("the dashboard's background work did not stop after quitting")
	}
	r.app, r.quit = nil, true
}

func (r *tapeReplay) screen() string {
	if r.app == nil {
		r.failf("nothing on screen to check: the dashboard is not running")
	}
	return r.app.View()
}

func (r *tapeReplay) check(s tapeStep) {
	r.t.Helper()
	v := r.screen()
	switch {
	case s.re != nil && !s.re.MatchString(v):
		r.failf("expect-re %s: not on screen:\n%s", s.re, v)
	case s.re == nil && !strings.Contains(v, s.expect):
		r.failf("expect %q: not on screen:\n%s", s.expect, v)
	}
	r.checked++
}

// wait is VHS's Wait: the screen (or its last line) must come to match.
// Time passes meanwhile; how much is not known, so none is counted.
func (r *tapeReplay) wait(c parser.Command) {
	r.settle()
	scope, expr, _ := strings.Cut(c.Args, " ")
	if expr == "" {
		r.failf("Wait without a /regexp/: the replay has no prompt to wait for")
	}
	re := regexp.MustCompile(expr) // VHS's parser has compiled it already
	var v string
	if r.app == nil {
		v = r.shellOut.String()
	} else {
		v = r.screen()
	}
	if scope == "Line" {
		lines := strings.Split(strings.TrimRight(v, " \n"), "\n")
		v = lines[len(lines)-1]
	}
	if !re.MatchString(v) {
		r.failf("Wait+%s /%s/: not on screen:\n%s", scope, expr, v)
	}
	r.checked++
}

// runShell maps a line typed at the prompt to what it starts. Only the
// lines a demo needs are known; anything else fails, so the tape cannot
// grow a step this test silently skips.
func (r *tapeReplay) runShell(line string) {
	r.t.Helper()
	fields := strings.Fields(line)
	if len(fields) >= 2 && fields[0] == "clear" && fields[1] == "&&" {
		fields = fields[2:]
	}
	const goRun = "go run ./cmd/lsui"
	cmdline := strings.Join(fields, " ")
	if len(line) >= 5 && strings.HasPrefix(strings.TrimSpace(line), "clear") {
		r.shellOut.Reset()
	}
	switch {
	case len(fields) == 0, cmdline == "clear":
	case strings.HasPrefix(cmdline, "until grep -q 'listening on' "):
		r.checkReceiver(cmdline)
	case strings.HasPrefix(cmdline, goRun+" receive "):
		r.startReceiver(fields[4:])
	case cmdline == goRun || strings.HasPrefix(cmdline, goRun+" -"):
		r.startDashboard(fields[3:])
	case cmdline == "kill %1":
		if !r.receiverRunning {
			r.failf("kill %%1: no background job")
		}
		r.receiverRunning = false
	default:
		r.failf("shell line %q: the test does not know what it does", line)
	}
}

func (r *tapeReplay) startReceiver(args []string) {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	listen := fs.String("listen", "", "")
	dir := fs.String("dir", "", "")
	if err := fs.Parse(args); err != nil {
		r.failf("lsui receive: %v", err)
	}
	rest := fs.Args()
	if len(rest) == 0 || rest[len(rest)-1] != "&" {
		r.failf("lsui receive must run in the background (end the line with &), or the dashboard never starts")
	}
	for _, a := range rest[:len(rest)-1] {
		switch {
		case strings.HasPrefix(a, "2>"):
			r.receiverLog = strings.TrimPrefix(a, "2>")
		case strings.HasPrefix(a, ">"):
		default:
			r.failf("lsui receive: unexpected argument %q", a)
		}
	}
	if *dir == "" || *listen == "" {
		r.failf("lsui receive: the tape must give --listen and --dir")
	}
	r.receiverAddr = *listen
	r.receiverURL, r.receivedDir = receiver(r.t)
	r.receiverRunning = true
}

// checkReceiver is the tape's wait for its receiver: it must look for
// the receiver's "listening on" line in the log the receiver writes, and
// end the shell (failing the recording) when the receiver has exited.
func (r *tapeReplay) checkReceiver(cmdline string) {
	if !r.receiverRunning {
		r.failf("the tape waits for a receiver it did not start")
	}
	for _, want := range []string{"kill -0 $!", "exit 1", "echo receiver ready", r.receiverLog} {
		if !strings.Contains(cmdline, want) {
			r.failf("the receiver check %q must contain %q: a receiver that cannot start has to fail the recording", cmdline, want)
		}
	}
	r.receiverChecked = true
	r.shellOut.WriteString("receiver ready\n")
}

func (r *tapeReplay) startDashboard(args []string) {
	if r.started {
		r.failf("the dashboard is started twice")
	}
	if r.receiverRunning && !r.receiverChecked {
		r.failf("the dashboard starts before the tape has checked that its receiver listens")
	}
	fs := flag.NewFlagSet("lsui", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	isDemo := fs.Bool("demo", false, "")
	now := fs.String("now", "", "")
	tz := fs.String("tz", "", "")
	endpoint := fs.String("endpoint", "", "")
	readOnly := fs.Bool("read-only", false, "")
	ascii := fs.Bool("ascii", false, "")
	fs.Bool("mouse", false, "") // the tape sends no mouse events
	fs.Bool("no-color", false, "")
	if err := fs.Parse(args); err != nil {
		r.failf("lsui: %v", err)
	}
	if fs.NArg() > 0 {
		r.failf("lsui %s: the tape runs the dashboard, not a command", fs.Arg(0))
	}
	if !*isDemo {
		r.failf("the tour runs on the demo server: pass --demo")
	}
	clock, err := time.Parse(time.RFC3339, *now)
	if err != nil {
		r.failf("the tour needs a fixed clock: --now %q: %v", *now, err)
	}
	loc := time.UTC // the demo's zone unless --tz says otherwise
	if *tz != "" {
		if loc, err = time.LoadLocation(*tz); err != nil {
			r.failf("--tz %s: %v", *tz, err)
		}
	}
	if *endpoint != "" {
		u, err := url.Parse(*endpoint)
		if err != nil || r.receiverAddr == "" || u.Host != r.receiverAddr {
			r.failf("--endpoint %s: the tape must start `lsui receive --listen %s` before it", *endpoint, hostOf(u))
		}
		*endpoint = r.receiverURL + u.Path
	}
	r.cols, r.rows = r.geometry.cells()
	if r.cols < 80 || r.rows < 24 || r.cols > 200 || r.rows > 60 {
		r.failf("the recorded terminal is about %d×%d cells; the tour wants 80×24 to 200×60 (check Set Width/Height/FontSize/Padding)", r.cols, r.rows)
	}
	r.app = New(Options{Load: tapeDemoLoader(r.t, clock, loc), Endpoint: *endpoint, ReadOnly: *readOnly, ASCII: *ascii})
	r.started = true
	r.pending = append(r.pending, r.app.Init())
	r.app.Update(tea.WindowSizeMsg{Width: r.cols, Height: r.rows})
}

func hostOf(u *url.URL) string {
	if u == nil {
		return "HOST:PORT"
	}
	return u.Host
}

// tapeDemoLoader is the demo as `lsui --demo` opens it, at the tape's clock.
func tapeDemoLoader(t *testing.T, now time.Time, loc *time.Location) func(context.Context) (*model.Snapshot, model.Options, error) {
	d, err := demo.Materialize(t.TempDir(), now, loc)
	if err != nil {
		t.Fatal(err)
	}
	opts := model.Options{Root: d.Dir, Demo: true, Now: now, Location: loc, UdadminFile: d.UdadminFile, NoExec: true}
	return func(ctx context.Context) (*model.Snapshot, model.Options, error) {
		s, err := model.Load(ctx, opts)
		return s, opts, err
	}
}

// finish checks how the tape leaves things: the dashboard started and quit
// cleanly, and the receiver it started took a payload and was stopped.
func (r *tapeReplay) finish() {
	r.t.Helper()
	r.settle()
	switch {
	case !r.started:
		r.failf("the tape never starts the dashboard")
	case !r.quit:
		r.failf("the dashboard is still running at the end of the tape: quit it (q)")
	case r.receiverRunning:
		r.failf("the receiver started in the background is left running: end with kill %%1")
	}
	if r.receivedDir != "" {
		got, _ := filepath.Glob(filepath.Join(r.receivedDir, "*", "upload_*.zip"))
		if len(got) == 0 {
			r.failf("the tape starts a receiver but it received no payload")
		}
	}
}
