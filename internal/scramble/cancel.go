package scramble

import (
	"errors"
	"fmt"
	"time"
)

// ErrNoPendingRotation means there is no rotation waiting to take effect.
var ErrNoPendingRotation = errors.New("no rotation is pending")

// CancelResult tells the CLI what withdrawing a rotation did. Fingerprints only.
type CancelResult struct {
	Path string
	// ActiveFingerprint is the key that stays in effect.
	ActiveFingerprint string
	// CancelledFingerprint is the pending key withdrawn, never used, and
	// DueFrom when it would have taken effect.
	CancelledFingerprint string
	DueFrom              time.Time
	PermissionNote       string
}

// CancelRotation withdraws a rotation that has not taken effect yet: the
// pending key's bytes leave the file, its fingerprint stays in the
// history as cancelled, and the current key stays in effect, so no
// pseudonym changes. A rotation already in effect cannot be undone (its
// predecessor's bytes are gone): that is ErrNoPendingRotation too.
func CancelRotation(dir string, now time.Time) (CancelResult, error) {
	path := KeyFilePath(dir)
	f, _, err := readKeyFile(path)
	if err != nil {
		return CancelResult{}, err
	}
	now = now.Truncate(time.Second)
	f.compact(now)
	if len(f.keys) < 2 {
		return CancelResult{Path: path}, fmt.Errorf("%s: %w", path, ErrNoPendingRotation)
	}
	res := CancelResult{Path: path, ActiveFingerprint: f.keys[0].key.Fingerprint()}
	for _, pending := range f.keys[1:] {
		f.history = append(f.history, HistoryEntry{
			Fingerprint: pending.key.Fingerprint(),
			ActiveFrom:  pending.from,
			Until:       now,
			Cancelled:   true,
		})
		res.CancelledFingerprint, res.DueFrom = pending.key.Fingerprint(), pending.from
	}
	f.keys = f.keys[:1]
	note, err := writeKeyFile(path, f)
	if err != nil {
		return CancelResult{}, err
	}
	res.PermissionNote = note
	return res, nil
}
