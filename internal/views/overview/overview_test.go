package overview

import (
	"strings"
	"testing"

	"github.com/lsui/lsui/internal/model"
)

// TestMarkerSaysTheFindingsStatus: a root without MyFiles is UNKNOWN for
// `lsui check`, so the Overview must not draw it as a WARNING.
func TestMarkerSaysTheFindingsStatus(t *testing.T) {
	h := model.Health{Status: model.Unknown, Findings: []model.Finding{
		{Status: model.Unknown, Message: "no licence folder (MyFiles) in /x: is this a licensing root?", Target: model.Target{Kind: model.TargetRoot}},
		{Status: model.Critical, Message: "c"},
		{Status: model.Warning, Message: "w"},
	}}
	items := Urgent(h)
	for i, want := range []string{"UNKNOWN", "CRITICAL", "WARNING"} {
		if got := marker(items[i]); !strings.Contains(got, want) || !strings.Contains(got, h.Findings[i].Status.String()) {
			t.Errorf("item %d (%s): marker %q, want %s", i, h.Findings[i].Status, got, want)
		}
	}
}
