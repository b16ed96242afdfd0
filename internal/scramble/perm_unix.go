//go:build !windows

package scramble

import (
	"fmt"
	"io/fs"
	"os"
)

// permissionNote warns when group or others can read the key: they could
// then test candidate names against uploaded pseudonyms. It is a note, not
// an error, so an upload still runs; EnsureKey repairs the mode.
func permissionNote(path string, mode fs.FileMode) string {
	if mode.Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("%s has mode %04o, so other users can read the scramble key; run: chmod 600 %s", path, mode.Perm(), path)
}

// tightenMode removes group and other access from an existing key file.
func tightenMode(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("scramble key: %w", err)
	}
	if st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("scramble key: restrict to owner: %w", err)
	}
	return nil
}

// verifyMode checks that a freshly written key file is owner-only.
func verifyMode(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("scramble key: %w", err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		return "", fmt.Errorf("%s: written with mode %04o instead of 0600; the key may be readable by others", path, perm)
	}
	return "", nil
}
