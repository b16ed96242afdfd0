//go:build !windows

package atomicfile

import "os"

// syncDir makes the rename itself durable. Errors are ignored: some file
// systems cannot fsync a directory, and the data is already safe.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func isUnsupported(error) bool { return false }
