//go:build !unix && !windows

package regularfile

import "os"

// openNoFollow falls back to a plain open where the OS has neither
// O_NOFOLLOW nor reparse-point flags (plan9, wasm); Check and the fstat in
// Open still refuse what is not a regular file.
func openNoFollow(name string) (*os.File, error) { return os.Open(name) }

func settle(*os.File) error { return nil }
