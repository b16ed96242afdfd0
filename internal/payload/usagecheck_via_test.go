package payload

import (
	"strings"
	"testing"
)

// TestUsageAuditVia: the controllers an identity came through (via) are
// part of the record lsui writes; a user name hidden there is not.
func TestUsageAuditVia(t *testing.T) {
	const name = "yqpfeda6p34hecg4cht2ovbyny"
	tests := []struct {
		via   string
		plain bool
	}{
		{`null`, false},
		{`[]`, false},
		{`["DDC01.corp.example","ddc02"]`, false},
		{`["jsmith@DDC01"]`, true},
		{`["CORP\\jsmith"]`, true},
		{`["john smith"]`, true},
	}
	for _, tt := range tests {
		doc := `{"features":[{"feature":"XDT_PLT_UD"}],"identities":[{"name":"` + name + `","kind":"user","features":["XDT_PLT_UD"],` +
			`"first_seen":"2026-11-03T07:49:39Z","last_seen":"2026-11-26T17:18:35Z","via":` + tt.via + `}]}`
		var s Summary
		var a identityAudit
		if err := summarizeUsage(strings.NewReader(doc), &s, &a); err != nil {
			t.Fatalf("via %s: %v", tt.via, err)
		}
		if got := a.plain > 0; got != tt.plain || a.unknown != 0 {
			t.Errorf("via %s: plain %v (unknown %d), want %v; %v", tt.via, got, a.unknown, tt.plain, a.problems())
		}
	}
}
