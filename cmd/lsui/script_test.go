package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/lsui/lsui/internal/model"
)

// TestMain lets the testscript scripts run this test binary as "lsui".
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"lsui": func() { os.Exit(mainStatus()) }})
}

// TestScripts runs the CLI behaviour scripts in testdata/script: each reads
// like a shell session (help, flags, errors and exit codes, completion,
// the demo only when asked).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NOW", fixedNow)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "server": // a licence server is installed where lsui looks by default
				for _, dir := range model.DefaultRoots() {
					if _, err := os.Stat(dir); err == nil {
						return true, nil
					}
				}
				return false, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// status CODE PROGRAM [ARGS...] runs PROGRAM like exec and
			// wants exactly exit status CODE (exec only tells zero from
			// non-zero; lsui's codes mean different things).
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: status CODE PROGRAM [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("status %s: not a number", args[0])
				}
				got := 0
				var exitErr *exec.ExitError
				if err := ts.Exec(args[1], args[2:]...); errors.As(err, &exitErr) {
					got = exitErr.ExitCode()
				} else if err != nil {
					ts.Fatalf("%v", err)
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
	})
}
