package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/demo"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/scramble"
)

// smokeWait is how long one step may take to show on screen.
const smokeWait = 10 * time.Second

// TestSmokeTmux drives the real binary in a real terminal (tmux) the way an
// admin would: every tab, the anonymization toggle, the last upload, an
// upload cycle against `lsui receive` on loopback, and quitting.
func TestSmokeTmux(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the smoke test drives the dashboard through tmux, which Windows does not have")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the smoke test of the real binary needs it (.ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("-short: the smoke test builds and runs the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "lsui")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	now, _ := time.Parse(time.RFC3339, fixedNow)
	d, err := demo.Materialize(t.TempDir(), now, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	layout := model.NewLayout(d.Dir)
	received := filepath.Join(tmp, "received")
	addr := startReceiver(t, bin, received)

	exitFile, pidFile := filepath.Join(tmp, "exit"), filepath.Join(tmp, "pid")
	// The inner sh becomes lsui (exec) after writing its pid, so the
	// clean-up can wait for the very process; the outer one keeps its
	// exit status.
	// The user's preferences (the last tab) go to a folder of the test's own.
	home := t.TempDir()
	dashboard := strings.Join([]string{"exec", "env", shellQuote("HOME=" + home), shellQuote("XDG_CONFIG_HOME=" + home), shellQuote(bin), "--root", shellQuote(d.Dir), "--udadmin-file", shellQuote(d.UdadminFile),
		"--no-exec", "--now", fixedNow, "--tz", "UTC", "--endpoint", "http://" + addr + "/"}, " ")
	t.Cleanup(func() { waitForExit(t, pidFile, exitFile) }) // runs after tmux is killed
	tm := startTmux(t, "sh -c "+shellQuote("echo $$ > "+shellQuote(pidFile)+"; "+dashboard)+"; echo EXIT:$? > "+shellQuote(exitFile))

	tm.waitFor("the overview", "Most urgent", "[1 Overview]")

	// Every tab, by number, then round again with tab and shift+tab.
	tabs := []struct {
		key  string
		want []string
	}{
		{"2", []string{"[2 Licences]", "LINE FEATURE"}},
		{"3", []string{"[3 Expirations]", "!! EXPIRED"}},
		{"4", []string{"[4 Entitlements]", "AVAIL"}},
		{"5", []string{"[5 Usage]", "users per day", "Users 1/301"}},
		{"6", []string{"[6 Privacy]", "Anonymization [ ] off"}},
		{"7", []string{"[7 Uploads]", "OUTCOME", "failed lingering"}},
		{"1", []string{"[1 Overview]", "Most urgent"}},
		{"Tab", []string{"[2 Licences]"}},
		{"BTab", []string{"[1 Overview]"}},
	}
	for _, tab := range tabs {
		tm.send(tab.key)
		tm.waitFor("tab after "+tab.key, tab.want...)
	}

	// Anonymization on: a dialog, then the file and the key on disk.
	tm.send("6")
	tm.waitFor("the Privacy tab", "[6 Privacy]")
	tm.send("Space")
	tm.waitFor("the confirm dialog", "Turn anonymization ON?", "once confirmed: pseudonyms")
	tm.send("y")
	screen := tm.waitFor("the setting written", "Anonymization [x] on", "created scramble key")
	if !regexp.MustCompile(`(?m)^. [a-z.]+ +user +(!! )?\S+( \*)? +[a-z2-7]{26}\b`).MatchString(screen) {
		t.Errorf("the preview does not show 26-character pseudonyms:\n%s", screen)
	}
	c, err := config.Read(layout.Config)
	if err != nil || !c.Scramble {
		t.Errorf("the config on disk is not on after the toggle: %v", err)
	}
	if _, err := os.Stat(scramble.KeyFilePath(layout.ConfigDir)); err != nil {
		t.Errorf("no scramble key on disk after turning anonymization on: %v", err)
	}

	// o opens the last upload from any screen, Citrix's when there is one.
	tm.send("o")
	tm.waitFor("the last upload opened", "[7 Uploads]", "VERDICT CITRIX: call-home bundle")
	tm.send("Escape")
	tm.waitFor("back to the list of uploads", "OUTCOME", "failed lingering")

	// u runs a cycle against the receiver.
	tm.send("u")
	tm.waitFor("the upload question", "y/n", "the prune deletes")
	tm.send("y")
	tm.waitFor("the cycle's end", "delivered (HTTP 201)", "deleted 3: upload_", "kept 1: upload_")
	waitUntil(t, "a payload in the receiver's folder", func() (bool, string) {
		got, _ := filepath.Glob(filepath.Join(received, "*", "upload_*.zip"))
		return len(got) == 1, fmt.Sprint(got)
	})

	// q quits: the pane closes and the program says 0.
	tm.send("q")
	waitUntil(t, "the program's exit status", func() (bool, string) {
		b, _ := os.ReadFile(exitFile)
		return strings.TrimSpace(string(b)) == "EXIT:0", string(b)
	})
	waitUntil(t, "the tmux session to end", func() (bool, string) {
		err := tm.cmd("has-session", "-t", tm.session).Run()
		return err != nil, "session still there"
	})
}

// waitForExit waits, after tmux is gone, for the dashboard to have ended
// (it ends on the hangup), so the folders it writes in can be removed.
func waitForExit(t *testing.T, pidFile, exitFile string) {
	if _, err := os.Stat(exitFile); err == nil {
		return
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return // it never started
	}
	var pid int
	if _, err := fmt.Sscan(string(b), &pid); err != nil || pid <= 0 {
		return
	}
	deadline := time.Now().Add(5 * time.Second)
	for processRunning(pid) {
		if time.Now().After(deadline) {
			t.Logf("the dashboard (pid %d) did not end on the hangup; killing it", pid)
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processRunning says whether pid is alive. Once tmux is gone the
// dashboard's parent is init, which in a container may never reap it, so
// an ended process can linger as a zombie that signal 0 still reaches:
// /proc tells the two apart where there is one.
func processRunning(pid int) bool {
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		_, rest, _ := strings.Cut(string(stat), ") ")
		return rest != "" && rest[0] != 'Z' && rest[0] != 'X'
	} else if _, err := os.Stat("/proc/self/stat"); err == nil {
		return false
	}
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}

// startReceiver runs `lsui receive` on a port the kernel picks and returns
// the address it prints.
func startReceiver(t *testing.T, bin, dir string) string {
	t.Helper()
	cmd := exec.Command(bin, "receive", "--listen", "127.0.0.1:0", "--dir", dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // later log lines nobody reads
			}
		}
		cmd.Wait()
		close(exited)
	}()
	listening := regexp.MustCompile(`listening on http://(127\.0\.0\.1:\d+)/`)
	deadline := time.After(smokeWait)
	for {
		select {
		case l := <-lines:
			if m := listening.FindStringSubmatch(l); m != nil {
				return m[1]
			}
		case <-exited:
			t.Fatal("lsui receive exited before listening")
		case <-deadline:
			t.Fatal("lsui receive did not say where it listens")
		}
	}
}

// tmuxSession is one detached session on a private tmux server.
type tmuxSession struct {
	t       *testing.T
	socket  string
	session string
	env     []string
}

// startTmux starts command in a 100×30 detached session on a server of
// its own, killed when the test ends.
func startTmux(t *testing.T, command string) *tmuxSession {
	t.Helper()
	tm := &tmuxSession{t: t, socket: fmt.Sprintf("lsui-smoke-%d", os.Getpid()), session: "smoke"}
	// The server's environment is the program's: a known shell and
	// terminal, no root or colour setting from whoever runs the tests, and
	// not nested in the tmux the tests may run in.
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "TMUX", "TMUX_PANE", "LSUI_ROOT", "NO_COLOR", "SHELL", "TERM":
		default:
			tm.env = append(tm.env, kv)
		}
	}
	tm.env = append(tm.env, "SHELL=/bin/sh", "TERM=xterm-256color")
	t.Cleanup(func() { tm.cmd("kill-server").Run() })
	out, err := tm.cmd("-f", "/dev/null", "new-session", "-d", "-s", tm.session, "-x", "100", "-y", "30", command).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return tm
}

func (tm *tmuxSession) cmd(args ...string) *exec.Cmd {
	c := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...)
	c.Env = tm.env
	return c
}

// send presses one key, named as tmux names them (Space, Escape, BTab).
func (tm *tmuxSession) send(key string) {
	tm.t.Helper()
	if out, err := tm.cmd("send-keys", "-t", tm.session, key).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux send-keys %s: %v\n%s", key, err, out)
	}
}

func (tm *tmuxSession) capture() string {
	out, err := tm.cmd("capture-pane", "-p", "-t", tm.session).Output()
	if err != nil {
		return "(capture-pane: " + err.Error() + ")"
	}
	return string(out)
}

// waitFor polls the screen until it shows every one of want, and returns it.
func (tm *tmuxSession) waitFor(what string, want ...string) string {
	tm.t.Helper()
	var screen string
	waitUntil(tm.t, what, func() (bool, string) {
		screen = tm.capture()
		for _, w := range want {
			if !strings.Contains(screen, w) {
				return false, fmt.Sprintf("no %q on screen:\n%s", w, screen)
			}
		}
		return true, ""
	})
	return screen
}

// waitUntil polls done until it holds, for smokeWait at most.
func waitUntil(t *testing.T, what string, done func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(smokeWait)
	for {
		ok, why := done()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %s", what, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shellQuote makes s one word for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
