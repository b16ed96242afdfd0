package scramble

import (
	"time"

	"github.com/lsui/lsui/internal/model/config"
)

// SettingChange is what SetAnonymization did.
type SettingChange struct {
	Key        *Key // the key in effect when turned on; nil when off
	KeyCreated bool // the key file was created (with the pre-made key, when one was given)
	// Config is the setting as now on disk.
	Config    *config.Config
	Created   bool // the configuration file did not exist and was created
	Unchanged bool // the file already said so; nothing was written
}

// SettingError is a SetAnonymization step that failed, with the file it
// was writing (the key file or the configuration), so a caller can name it.
type SettingError struct {
	Path string
	Err  error
}

func (e *SettingError) Error() string { return e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }

// SetAnonymization turns UsageBasedBillingScramble on or off: the one
// sequence `lsui config scramble` and the dashboard's Privacy tab both
// run. Turning it on makes sure the key exists first — names must never be
// scrambled with a key that is not kept, and uploads refuse to run without
// one — writing premade when it is given and no key file exists yet, so the
// pseudonyms a screen previewed are the ones uploaded afterwards. Then the
// setting is written through config's safe editor from shown, the copy the
// user decided on (a file changed on disk since is refused with
// config.ErrChanged); shown nil means the file does not exist and is
// created.
func SetAnonymization(keyDir, cfgPath string, shown *config.Config, on bool, now time.Time, premade *Key) (SettingChange, error) {
	var out SettingChange
	if on {
		k, created, err := EnsureKeyWith(keyDir, now, premade)
		if err != nil {
			return out, &SettingError{KeyFilePath(keyDir), err}
		}
		out.Key, out.KeyCreated = k, created
	}
	if shown == nil {
		c, err := config.Create(cfgPath, on)
		if err != nil {
			return out, &SettingError{cfgPath, err}
		}
		out.Config, out.Created = c, true
		return out, nil
	}
	out.Config = shown
	if shown.Scramble == on && (shown.Present || !on) {
		out.Unchanged = true
		return out, nil
	}
	if err := shown.Write(on); err != nil {
		return out, &SettingError{cfgPath, err}
	}
	return out, nil
}

// NewPendingKey makes a random key in memory for a screen to preview with
// before the user confirms; SetAnonymization writes that same key. Unlike
// PreviewKey it is not marked as a throwaway.
func NewPendingKey() *Key { return newRandomKey() }
