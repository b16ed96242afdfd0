//go:build !unix

package config

import (
	"io/fs"
	"os"
)

// keepOwner does nothing here: on Windows the replacement inherits the
// folder's ACLs, as a file saved by an editor does.
func keepOwner(*os.File, fs.FileInfo) {}

// probeFlags open the config for the write-permission probe.
const probeFlags = os.O_WRONLY
