//go:build !linux

package atomicfile

// exchange: no atomic swap of two names is used here; CommitIfUnchanged
// falls back to a rename after its last look at the target.
func exchange(string, string) (bool, error) { return false, nil }
