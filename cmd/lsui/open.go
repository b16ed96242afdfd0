package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/jsonstr"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/sanitize"
)

// demoRootLabel is how the demo's root is shown: its private copy lives in a
// fresh temporary folder, and output must not change from run to run.
const demoRootLabel = "DEMO"

// opened is a licensing root ready to load, with its clean-up.
type opened struct {
	opts    model.Options
	cleanup func()
}

// rootChoice is which licensing root a command opens.
type rootChoice struct {
	root string // "" for the demo
	demo bool
	// notice is what the dashboard shows when it opened the demo because
	// no server was found.
	notice string
}

// chooseRoot picks the root: --demo, else --root, LSUI_ROOT or the
// installed server. Without one, only the dashboard (demoWhenNone) opens
// the demo, saying so; every other command fails naming where it looked,
// so no script reads fictional licences.
func chooseRoot(e *env, g *globalOptions, demoWhenNone bool) (rootChoice, error) {
	if g.demo {
		return rootChoice{demo: true}, nil
	}
	root, err := model.ResolveRoot(g.root, e.getenv)
	if err == nil {
		return rootChoice{root: root}, nil
	}
	if !errors.Is(err, model.ErrNoServer) {
		return rootChoice{}, err
	}
	looked := strings.Join(model.DefaultRoots(), " and ")
	if demoWhenNone {
		return rootChoice{demo: true, notice: fmt.Sprintf("no licence server found (looked in %s); showing the demo server", looked)}, nil
	}
	return rootChoice{}, fmt.Errorf("no licence server found (looked in %s; LSUI_ROOT is not set): pass --root DIR, or --demo for the demo server", looked)
}

// resolve opens the root a command names; see chooseRoot.
func resolve(e *env, g *globalOptions) (*opened, error) {
	c, err := chooseRoot(e, g, false)
	if err != nil {
		return nil, err
	}
	return openRoot(e, g, c, false)
}

// openRoot makes the options to load c with and, for the demo, writes its
// private copy. A one-shot command loads as of g.Now(); the dashboard
// (freshClock) gets a zero Now unless --now was given, so its clock runs.
func openRoot(e *env, g *globalOptions, c rootChoice, freshClock bool) (*opened, error) {
	now := g.Now()
	if freshClock {
		now = g.clock
	}
	opts := model.Options{Now: now, Location: g.loc, UdadminFile: g.udadminFile, LmstatFile: g.lmstatFile, NoExec: g.noExec}
	if !c.demo {
		opts.Root = c.root
		return &opened{opts: opts, cleanup: func() {}}, nil
	}
	// The demo server is a fictional one: its zone is UTC unless --tz says
	// otherwise, so its output is the same on every machine.
	if g.tz == "" {
		opts.Location = time.UTC
	}
	dir, err := os.MkdirTemp("", "lsui-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	// The demo is written relative to a clock even when the dashboard
	// then reads it afresh.
	d, err := demo.Materialize(dir, g.Now(), opts.Location)
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("demo: %w", err)
	}
	opts.Root, opts.Demo = d.Dir, true
	e.demoDir = d.Dir
	if opts.UdadminFile == "" {
		opts.UdadminFile = d.UdadminFile
	}
	if opts.LmstatFile == "" {
		opts.LmstatFile = d.LmstatFile
	}
	return &opened{opts: opts, cleanup: cleanup}, nil
}

// noteDemoWrite tells the user that a change made to the demo does not last.
func noteDemoWrite(e *env, op *opened) {
	if op.opts.Demo {
		fmt.Fprintln(e.stderr, "note: this is the demo server's private copy; the change is discarded when lsui exits")
	}
}

// load resolves and loads the root; the caller must call cleanup.
func load(e *env, g *globalOptions, tweak func(*model.Options)) (*model.Snapshot, func(), error) {
	// A listing named on the command line must be there: falling back to
	// the logs would answer a different question than the one asked.
	for _, f := range []struct{ flag, path string }{{"--udadmin-file", g.udadminFile}, {"--lmstat-file", g.lmstatFile}} {
		if f.path == "" {
			continue
		}
		if st, err := os.Stat(f.path); err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", f.flag, f.path, plainReason(err))
		} else if !st.Mode().IsRegular() {
			return nil, nil, fmt.Errorf("%s %s: not a regular file", f.flag, f.path)
		}
	}
	op, err := resolve(e, g)
	if err != nil {
		return nil, nil, err
	}
	if tweak != nil {
		tweak(&op.opts)
	}
	s, err := model.Load(context.Background(), op.opts)
	if err != nil {
		op.cleanup()
		return nil, nil, err
	}
	return s, op.cleanup, nil
}

// rootLabel is the root as output shows it.
func rootLabel(s *model.Snapshot) string {
	if s.Demo {
		return demoRootLabel
	}
	return s.Layout.Root
}

// fail prints one clear line and returns the failure status. The demo's
// temporary folder is shown as DEMO: the user never sees a name that is
// gone when lsui exits.
func fail(e *env, cmd string, err error) int {
	msg := err.Error()
	if e.demoDir != "" {
		msg = strings.ReplaceAll(msg, e.demoDir+string(os.PathSeparator), demoRootLabel+"/")
		msg = strings.ReplaceAll(msg, e.demoDir, demoRootLabel)
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", strings.TrimSpace("lsui "+cmd), sanitize.Line(msg))
	return exitFail
}

// writeJSON prints v with its top two levels indented and every deeper value
// (one licence line, one identity) compact on its own line: readable, easy
// to grep, and several times faster than indenting 100k records fully.
func writeJSON(w io.Writer, v any) error {
	doc, err := shallowJSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(doc)
	return err
}

// shallowJSON is v as writeJSON prints it.
func shallowJSON(v any) ([]byte, error) {
	var out shallowDoc
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return out.doc, nil
}

// shallowDoc takes the encoder's one Write of the whole document and keeps
// it indented and escaped, so no second copy of it is buffered first.
type shallowDoc struct{ doc []byte }

func (s *shallowDoc) Write(doc []byte) (int, error) {
	s.doc = jsonstr.EscapeInvisible(indentShallow(doc, 2))
	return len(doc), nil
}

// usageFlushAt is how much of a streamed usage document is buffered before
// it is written: large enough that writes are few, small enough that 100k
// identities never sit in memory as one 18 MB document.
const usageFlushAt = 64 << 10

// writeUsageJSON prints r's usage record byte for byte as writeJSON(w,
// model.NewUsageRecord(r, nil)) would (TestWriteUsageJSONIsWriteJSON), but
// streams the identities through model.IdentityJSON: at 100k
// identities the reflecting encoder, the record per identity and the
// whole-document indenting cost more than the rest of the command after
// the log scan.
func writeUsageJSON(w io.Writer, r *usage.Report) error {
	head, err := shallowJSON(model.UsageHead(r))
	if err != nil {
		return err
	}
	// The head's identities are an empty list; the streamed ones go between
	// its brackets, laid out as indentShallow lays out a depth-2 list: each
	// on its own line, four spaces in, the closing bracket two.
	const field = "\n  \"identities\": []"
	at := bytes.Index(head, []byte(field))
	if at < 0 {
		return errors.New("usage record: no identities field")
	}
	at += len(field) - 1
	buf := append(make([]byte, 0, usageFlushAt+4<<10), head[:at]...)
	ids := model.NewIdentityJSON(jsonstr.Escape{Invisible: true})
	n := r.IdentityCount()
	for i := range n {
		if i > 0 {
			buf = append(buf, ',')
		}
		id := r.IdentityAt(i)
		buf = append(buf, "\n    "...)
		buf = ids.Append(buf, id)
		if len(buf) >= usageFlushAt {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if n > 0 {
		buf = append(buf, "\n  "...)
	}
	_, err = w.Write(append(buf, head[at:]...))
	return err
}

// indentShallow indents compact JSON (as encoding/json writes it, with no
// white space outside strings) down to the given depth; deeper values stay
// on one line.
func indentShallow(src []byte, levels int) []byte {
	out := make([]byte, 0, len(src)+len(src)/16)
	depth, inString, escaped := 0, false, false
	newline := func(d int) {
		out = append(out, '\n')
		for range d {
			out = append(out, ' ', ' ')
		}
	}
	for i, c := range src {
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			out = append(out, c)
		case '{', '[':
			out = append(out, c)
			depth++
			if depth <= levels && i+1 < len(src) && src[i+1] != '}' && src[i+1] != ']' {
				newline(depth)
			}
		case '}', ']':
			if depth <= levels && i > 0 && src[i-1] != '{' && src[i-1] != '[' {
				newline(depth - 1)
			}
			depth--
			out = append(out, c)
		case ',':
			out = append(out, c)
			if depth <= levels {
				newline(depth)
			}
		case ':':
			out = append(out, c)
			if depth <= levels {
				out = append(out, ' ')
			}
		default:
			out = append(out, c)
		}
	}
	return out
}

// noLicenceFolder fails cmd, with the model's reason, when the root has no
// MyFiles at all (or it cannot be listed): what lsui check calls UNKNOWN.
// A script reading the empty list must not take it for "no licences", so
// the output is still written but the run exits 1. It returns exitOK
// otherwise.
func noLicenceFolder(e *env, cmd string, s *model.Snapshot) int {
	st := s.Licensing()
	if st.Source != model.NoLicenceFolder {
		return exitOK
	}
	msg := st.Message
	if s.Demo {
		msg = strings.ReplaceAll(msg, s.Layout.Root, demoRootLabel)
	}
	return fail(e, cmd, errors.New(msg))
}

// noteLicensing says on stderr when the licence files cannot say what is
// installed (no MyFiles; only the start-up licence: the License
// Activation Service era), so an empty table is never read as "nothing".
func noteLicensing(e *env, s *model.Snapshot) {
	if st := s.Licensing(); st.Message != "" && st.Source != model.NoLicenceFolder {
		msg := st.Message
		if s.Demo {
			msg = strings.ReplaceAll(msg, s.Layout.Root, demoRootLabel)
		}
		fmt.Fprintf(e.stderr, "note: %s\n", sanitize.Line(msg))
	}
}

// warnProblems prints what did not load, one line each, to stderr.
func warnProblems(e *env, s *model.Snapshot) {
	for _, p := range s.Problems {
		fmt.Fprintf(e.stderr, "warning: %s\n", sanitize.Line(p.Error()))
	}
}
