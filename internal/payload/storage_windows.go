package payload

import (
	"errors"
	"syscall"
)

// Windows' own codes: ERROR_HANDLE_DISK_FULL (39), ERROR_DISK_FULL (112),
// ERROR_DISK_QUOTA_EXCEEDED (1295); ERROR_WRITE_PROTECT (19).
const (
	errorHandleDiskFull    = syscall.Errno(39)
	errorDiskFull          = syscall.Errno(112)
	errorDiskQuotaExceeded = syscall.Errno(1295)
	errorWriteProtect      = syscall.Errno(19)
)

func isNoSpace(err error) bool {
	return errors.Is(err, errorHandleDiskFull) || errors.Is(err, errorDiskFull) || errors.Is(err, errorDiskQuotaExceeded)
}

func isReadOnly(err error) bool { return errors.Is(err, errorWriteProtect) }
