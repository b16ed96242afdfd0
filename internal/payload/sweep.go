package payload

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/atomicfile"
	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/scramble"
)

// sweepLeftovers removes what killed runs of lsui left in its own folders,
// and only files named as lsui names its temporary files (see
// atomicfile.RemoveStale): in the payload folder the temporary payloads
// and journals (dir, lsui's own payload folder), at once (the caller holds the upload lock, which every
// writer there takes); beside the config, its backup, lsui.json and the
// scramble key, only those untouched for config.StaleTempAge, because
// `lsui config` and `lsui scramble rotate` write there without that lock.
// A temporary key file holds keys a rotation retired: it must not linger.
func sweepLeftovers(l model.Layout, dir string) []string {
	var swept []string
	add := func(dir string, names []string) {
		for _, n := range names {
			swept = append(swept, filepath.Join(dir, n))
		}
	}
	add(dir, atomicfile.RemoveStale(filepath.Join(dir, uploads.JournalName), 0))
	add(dir, removeTempPayloads(dir))
	for _, target := range []string{
		l.Config, l.Config + ".bak",
		filepath.Join(l.ConfigDir, model.SettingsFileName),
		scramble.KeyFilePath(l.ConfigDir),
	} {
		add(filepath.Dir(target), atomicfile.RemoveStale(target, config.StaleTempAge))
	}
	return swept
}

// removeTempPayloads removes atomicfile's temporary files of payloads,
// ".upload_<digits>.zip.tmp-<digits>", regular files only.
func removeTempPayloads(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), ".")
		if !ok {
			continue
		}
		final, _, ok := strings.Cut(name, ".tmp-")
		if !ok || !isPayloadName(final) || !e.Type().IsRegular() {
			continue
		}
		if got := atomicfile.RemoveStale(filepath.Join(dir, final), 0); len(got) > 0 {
			removed = append(removed, got...)
		}
	}
	return removed
}

// spoolPrefix and spoolSuffix are how the receiver names a request body
// being spooled: ".spool-" + digits + ".part" (os.CreateTemp's pattern).
const spoolPrefix, spoolSuffix = ".spool-", ".part"

// SpoolStaleAge is how long a spool file must be untouched before
// SweepSpool takes it for a killed receiver's: a request still being read
// writes to its spool continuously.
const SpoolStaleAge = 10 * time.Minute

// SweepSpool removes the spool files a killed receiver left in dir: regular
// files named exactly ".spool-<digits>.part", untouched for SpoolStaleAge.
// It touches nothing else in dir (stored payloads, the index, other
// files). It returns the names removed.
func SweepSpool(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		mid, ok := strings.CutPrefix(e.Name(), spoolPrefix)
		if !ok {
			continue
		}
		digits, ok := strings.CutSuffix(mid, spoolSuffix)
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() || time.Since(fi.ModTime()) < SpoolStaleAge {
			continue
		}
		if err := os.Remove(path); err == nil || errors.Is(err, fs.ErrNotExist) {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
