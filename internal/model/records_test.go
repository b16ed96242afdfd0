package model

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/usage"
)

// TestUsageHeadFieldsAreTheRecord: a payload's usage.json streams
// UsageHeadFields and then the identities; together they must be every
// field of UsageRecord, in its order, with the same values.
func TestUsageHeadFieldsAreTheRecord(t *testing.T) {
	m := usage.MonthOf(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), time.UTC)
	b := usage.NewBuilder(m)
	b.AddEvent(usage.Event{Time: time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC), Op: usage.Out, Feature: "MPS_ENT_CCU", Identity: `CORP\ann@XA01`, Licenses: 1})
	b.AddEvent(usage.Event{Time: time.Date(2026, 11, 5, 9, 1, 0, 0, time.UTC), Op: usage.Out, Feature: "CITRIX", Identity: `DDC01$@DDC01`, Licenses: 1})
	r := b.Report()

	var whole map[string]json.RawMessage
	data, _ := json.Marshal(NewUsageRecord(r, nil))
	if err := json.Unmarshal(data, &whole); err != nil {
		t.Fatal(err)
	}
	head := UsageHeadFields(r)
	if len(head) != len(whole)-1 {
		t.Fatalf("head has %d fields, the record %d besides identities", len(head), len(whole)-1)
	}
	for _, f := range head {
		got, _ := json.Marshal(f.Value)
		if !reflect.DeepEqual(json.RawMessage(got), whole[f.Key]) {
			t.Errorf("%s: head %s, record %s", f.Key, got, whole[f.Key])
		}
	}
	var ids []IdentityRecord
	json.Unmarshal(whole["identities"], &ids)
	if len(ids) != 1 || ids[0].Name != "ann" || !reflect.DeepEqual(ids[0].Via, []string{"XA01"}) {
		t.Errorf("identities %+v; want ann via XA01 (the controller's DDC01$ is a connection)", ids)
	}
	if string(whole["connections"]) != `[{"feature":"CITRIX","host":"DDC01","checkouts":1}]` {
		t.Errorf("connections %s", whole["connections"])
	}
}

// TestBadLinesNote: the usage summaries (lsui usage, the dashboard) name
// malformed and over-long log lines only when there are any.
func TestBadLinesNote(t *testing.T) {
	for _, tt := range []struct {
		malformed, skipped int
		want               string
	}{
		{0, 0, ""},
		{1, 0, ", 1 malformed log line"},
		{0, 2, ", 2 over-long log lines"},
		{3, 1, ", 3 malformed log lines, 1 over-long log line"},
	} {
		if got := BadLinesNote(tt.malformed, tt.skipped); got != tt.want {
			t.Errorf("BadLinesNote(%d, %d) = %q, want %q", tt.malformed, tt.skipped, got, tt.want)
		}
	}
}
