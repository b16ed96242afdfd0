package scramble

import (
	"slices"
	"testing"
)

// The value Citrix's telemetry documentation gives (DOMAIN.md §7).
func TestCitrixDocumentedForm(t *testing.T) {
	if got := CitrixBase64("jsmith"); got != "R4nEvhlzbm3V+DSi/zTdiw==" {
		t.Errorf("CitrixBase64(jsmith) = %q, want the documented R4nEvhlzbm3V+DSi/zTdiw==", got)
	}
	// The hex form is the first 64 bits of the same hash: 47 89 c4 be … is
	// what the base64 above decodes to.
	if got := CitrixHex16("jsmith"); got != "4789C4BE19736E6D" {
		t.Errorf("CitrixHex16(jsmith) = %q", got)
	}
	if CitrixBase64("JSmith") == CitrixBase64("jsmith") {
		t.Error("Citrix's scramble is of the clear text as given; case must change it")
	}
	if got := CitrixCandidates("JSmith"); !slices.Equal(got, []string{"JSmith", "jsmith", "JSMITH"}) {
		t.Errorf("candidates %q", got)
	}
	if got := CitrixCandidates("jsmith"); !slices.Equal(got, []string{"jsmith", "JSMITH"}) {
		t.Errorf("candidates %q", got)
	}
}
