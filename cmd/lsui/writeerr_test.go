package main

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteErrorNamesTheRealFile(t *testing.T) {
	target := filepath.Join("srv", "WebServicesForLicensing", "lsui-scramble.key")
	temp := filepath.Join("srv", "WebServicesForLicensing", ".lsui-scramble.key.tmp-174882305")
	for _, tt := range []struct {
		name string
		err  error
		want []string
	}{
		{"permission", fmt.Errorf("write scramble key: create temporary file for %s: %w", target,
			&fs.PathError{Op: "open", Path: temp, Err: syscall.EACCES}),
			[]string{"cannot write " + target + ": permission denied", "run lsui as an account that can write " + filepath.Dir(target)}},
		{"missing folder", &fs.PathError{Op: "open", Path: temp, Err: syscall.ENOENT},
			[]string{"cannot write " + target + ": the folder " + filepath.Dir(target) + " does not exist"}},
		{"disk full", &fs.PathError{Op: "write", Path: temp, Err: syscall.ENOSPC},
			[]string{"cannot write " + target + ": " + syscall.ENOSPC.Error()}},
	} {
		got := writeError(target, tt.err).Error()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.name, got, w)
			}
		}
		if strings.Contains(got, ".tmp-") || strings.Count(got, target) != 1 {
			t.Errorf("%s: %q names the temporary file or the target twice", tt.name, got)
		}
	}
}
