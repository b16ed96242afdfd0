package payload

import (
	"strings"
	"testing"
)

// The hosts an identity came through (model.IdentityRecord's via) are
// controllers' machine names: a scrambled payload may carry them, but not
// anything shaped like a user's name.
func TestScrambledVia(t *testing.T) {
	withVia := func(via string) []byte {
		return payloadZip(t, true, func(files []zfile, m *Manifest) []zfile {
			files[2].data = []byte(strings.ReplaceAll(string(files[2].data), `"kind":"user",`, `"kind":"user","via":`+via+`,`))
			*m = manifestFor(files, true)
			return files
		})
	}
	if rep := inspectBytes(withVia(`["DDC01","ddc02.corp.example"]`), DefaultLimits); !rep.OK {
		t.Fatalf("controllers' names refused: %s", rep.Verdict())
	}
	for _, via := range []string{`["CORP\\jsmith"]`, `["j smith"]`, `["jsmith@corp.example"]`} {
		rep := inspectBytes(withVia(via), DefaultLimits)
		if rep.OK {
			t.Errorf("via %s accepted in a scrambled payload: %s", via, rep.Verdict())
		} else if !strings.Contains(rep.Verdict(), "via") {
			t.Errorf("via %s: verdict does not name the field: %s", via, rep.Verdict())
		}
	}
}
