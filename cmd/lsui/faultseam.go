package main

// cycleFaultHook is handed to payload.RunCycle as CycleOptions.Hook. It is
// nil in every normal build. The crash-consistency harness
// (crash_hardening_test.go) builds lsui with -tags lsui_fault, whose
// faultseam_lsui_fault.go sets it from LSUI_FAULT so that the child process
// kills itself at an exact step of the cycle.
var cycleFaultHook func(step string) error
