package payload

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lsui/lsui/internal/model/uploads"
)

// MigrateLegacy moves what an earlier lsui left in Citrix's folder
// (usageDir, LS/resource/usage) into lsui's own (uploads.Dir): its journal,
// and every upload_<unix>.zip that holds lsui's manifest. Earlier versions
// built, listed and pruned there, beside Citrix's own call-home zips; from
// now on lsui never touches a file it did not write, so its own files have
// to leave that folder once.
//
// A zip is lsui's only when its manifest.json decodes as lsui's manifest
// (schema, generated time and server id set), read through the same
// hostile-zip checks as an inspection; anything else — Citrix's bundles
// above all — is left exactly where and as it is. A name already taken in
// lsui's folder is left in place and said so. The caller holds the upload
// lock. Each move, and each move that failed, is one line in the result;
// a failure stops nothing, and the next cycle tries again.
func MigrateLegacy(ctx context.Context, usageDir string) ([]string, error) {
	dir := uploads.Dir(usageDir)
	var lines []string
	legacyJournal := filepath.Join(usageDir, uploads.JournalName)
	if st, err := os.Lstat(legacyJournal); err == nil && st.Mode().IsRegular() {
		target := filepath.Join(dir, uploads.JournalName)
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			if err := os.Rename(legacyJournal, target); err != nil {
				// Its payloads would lose their outcomes: move none of them.
				return append(lines, fmt.Sprintf("could not move %s (an earlier lsui's journal) into %s/ (tried again next cycle): %v", uploads.JournalName, uploads.Folder, err)), nil
			}
			lines = append(lines, fmt.Sprintf("moved %s (an earlier lsui's journal) into %s/", uploads.JournalName, uploads.Folder))
		}
	}
	files, err := payloadFiles(usageDir)
	if err != nil {
		return lines, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return lines, err
		}
		path := filepath.Join(usageDir, f.name)
		if !IsLSUIPayload(ctx, path) {
			continue
		}
		target := filepath.Join(dir, f.name)
		if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			lines = append(lines, fmt.Sprintf("left %s in %s: %s/ already holds a file of that name", f.name, filepath.Base(usageDir), uploads.Folder))
			continue
		}
		if err := os.Rename(path, target); err != nil {
			// Not fatal: lsui's own folder works without it, and the next
			// cycle tries again.
			lines = append(lines, fmt.Sprintf("could not move %s (an earlier lsui's payload) into %s/ (tried again next cycle): %v", f.name, uploads.Folder, err))
			continue
		}
		lines = append(lines, fmt.Sprintf("moved %s (an earlier lsui's payload) into %s/", f.name, uploads.Folder))
	}
	return lines, nil
}

// IsLSUIPayload says the zip at path carries lsui's manifest: the one test of
// "lsui wrote this zip" (the folder move, and `payload build --out` before it
// replaces a file).
func IsLSUIPayload(ctx context.Context, path string) bool {
	data, err := ReadEntry(ctx, path, ManifestName, maxManifest)
	if err != nil {
		return false
	}
	return isLsuiManifest(data)
}

// isLsuiManifest is manifest.json as lsui writes it, not merely any JSON
// of that name: a Citrix bundle may one day carry a JSON manifest too.
func isLsuiManifest(data []byte) bool {
	m, err := decodeManifest(data)
	return err == nil && m.Schema >= 1 && m.Generated != "" && m.Server.ID != ""
}
