//go:build !windows

package payload

import "syscall"

var errNoSpace, errReadOnly error = syscall.ENOSPC, syscall.EROFS
