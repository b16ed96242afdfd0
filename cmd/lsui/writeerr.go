package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
)

// writeError says why target could not be written, in one line naming
// target itself (never the temporary file an atomic write goes through)
// and what to do about it.
func writeError(target string, err error) error {
	var pe *fs.PathError
	reason := err
	if errors.As(err, &pe) {
		reason = pe.Err
	}
	dir := filepath.Dir(target)
	switch {
	case errors.Is(err, fs.ErrPermission):
		fix := "run lsui as an account that can write " + dir
		if runtime.GOOS == "windows" {
			fix += " (an elevated prompt, or the licence server's service account)"
		}
		return fmt.Errorf("cannot write %s: permission denied; %s", target, fix)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %s: the folder %s does not exist", target, dir)
	case pe != nil && strings.Contains(filepath.Base(pe.Path), ".tmp"):
		return fmt.Errorf("cannot write %s: %v", target, reason)
	}
	return err
}

// plainReason is the reason of a file error without the path it repeats
// ("no such file or directory"), for a message that names the path itself.
func plainReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
