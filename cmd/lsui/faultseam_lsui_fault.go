//go:build lsui_fault

package main

import "os"

// With LSUI_FAULT=STEP, the process kills itself (SIGKILL on Unix,
// TerminateProcess on Windows) when the upload cycle reaches STEP: no
// deferred function runs and nothing is flushed, as in a power cut. Steps
// are payload.Steps (built, uploading, uploaded, journaled, pruning) and,
// when RunCycle passes the hook on to Build, written-temp and renamed.
func init() {
	step := os.Getenv("LSUI_FAULT")
	if step == "" {
		return
	}
	cycleFaultHook = func(s string) error {
		if s != step {
			return nil
		}
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Kill()
		}
		select {} // the signal is on its way; run nothing more
	}
}
