package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lsui/lsui/internal/model"
)

// TestUsageSummaryLine: one of a thing is singular, and unsupported
// requests are said like denied ones.
func TestUsageSummaryLine(t *testing.T) {
	for _, c := range []struct {
		rec  model.UsageRecord
		want string
	}{
		{model.UsageRecord{Month: "2026-11", Timezone: "UTC", Denied: 2, Unsupported: 1, UndatedLines: 1,
			Identities: []model.IdentityRecord{{Name: "a", Kind: "user"}, {Name: "b", Kind: "user"}, {Name: "D1", Kind: "device"}}},
			"Usage for 2026-11 (UTC): 2 users, 1 device, 2 denied, 1 unsupported, 1 undated log line\n"},
		{model.UsageRecord{Month: "2026-11", Timezone: "UTC", UndatedLines: 3,
			Identities: []model.IdentityRecord{{Name: "a", Kind: "user"}}},
			"Usage for 2026-11 (UTC): 1 user, 0 devices, 0 denied, 0 unsupported, 3 undated log lines\n"},
	} {
		var out bytes.Buffer
		printUsage(&env{stdout: &out}, c.rec, 0)
		if first, _, _ := strings.Cut(out.String(), "\n"); first+"\n" != c.want {
			t.Errorf("got  %q\nwant %q", first+"\n", c.want)
		}
	}
}
