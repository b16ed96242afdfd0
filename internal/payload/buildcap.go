package payload

import "fmt"

// A payload that Build writes must pass Inspect: the receiver and a support
// engineer's lsui inspect it with DefaultLimits. So Build checks the same
// caps, the entry count before anything is written and the entries' sizes
// before the zip gets its final name, and says what to do rather than
// leaving a zip that is rejected later.

// records is the entries Build writes besides licence files: inventory.json,
// usage.json and manifest.json.
const records = 3

func checkEntryCount(licences int) error {
	if n := licences + records; n > MaxEntries {
		return fmt.Errorf("%d licence files in MyFiles make %d entries, over the payload's cap of %d entries "+
			"(payload inspect and the receiver refuse a larger zip); move expired or superseded licence files out of MyFiles",
			licences, n, MaxEntries)
	}
	return nil
}

// checkEntrySizes checks what was written against DefaultLimits' size
// caps. usage.json is the one that grows with the server: about 200 bytes
// an identity.
func checkEntrySizes(files []ManifestFile, identities int) error {
	var total int64
	for _, f := range files {
		total += f.Size
		if f.Size <= DefaultLimits.MaxEntry {
			continue
		}
		if f.Name == UsageName {
			return fmt.Errorf("%s for %d identities is %d bytes, over the payload's cap of %d bytes an entry "+
				"(payload inspect and the receiver refuse a larger one)", f.Name, identities, f.Size, DefaultLimits.MaxEntry)
		}
		return fmt.Errorf("%s is %d bytes, over the payload's cap of %d bytes an entry "+
			"(payload inspect and the receiver refuse a larger one)", f.Name, f.Size, DefaultLimits.MaxEntry)
	}
	if total > DefaultLimits.MaxTotal {
		return fmt.Errorf("the payload's %d entries hold %d bytes, over its cap of %d bytes "+
			"(payload inspect and the receiver refuse a larger one)", len(files), total, DefaultLimits.MaxTotal)
	}
	return nil
}
