//go:build unix

package config

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the replacement file the owner and group of the file it
// replaces: lsui usually runs as root, and a config suddenly owned by root
// can lock out the licensing service's own account. Errors are ignored: an
// ordinary user cannot give a file away, and the file is then theirs, with
// the original mode, which is what an edit by hand would leave too.
func keepOwner(f *os.File, fi fs.FileInfo) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		f.Chown(int(st.Uid), int(st.Gid))
	}
}

// probeFlags open the config for the write-permission probe without
// following a link and without waiting on a FIFO (ENXIO instead).
const probeFlags = os.O_WRONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK
