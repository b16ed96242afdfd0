//go:build windows

package atomicfile

// syncDir is a no-op: Windows cannot open a directory for fsync, and
// MoveFileEx (os.Rename) is already the durable step there.
func syncDir(string) {}

// isUnsupported: Chmod on Windows only toggles the read-only bit; a failure
// there must not lose the write.
func isUnsupported(err error) bool { return err != nil }
