package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// parseMetrics reads the text format back, so the test holds what a
// Prometheus server would see.
func parseMetrics(t *testing.T, text string) map[string]*dto.MetricFamily {
	t.Helper()
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("not the Prometheus text format: %v\n%s", err, text)
	}
	return fams
}

// gaugeValue is the value of the series of name whose labels include want.
func gaugeValue(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	for _, m := range f.Metric {
		match := true
		for k, v := range want {
			found := false
			for _, l := range m.Label {
				found = found || (l.GetName() == k && l.GetValue() == v)
			}
			match = match && found
		}
		if match {
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	root := demoRoot(t)
	args := []string{"metrics", "--root", root, "--now", fixedNow, "--tz", "UTC"}
	out, errOut, code := lsui(t, nil, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	again, _, _ := lsui(t, nil, args...)
	if again != out {
		t.Error("two runs at the same --now differ")
	}
	fams := parseMetrics(t, out)
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"lsui_entitlement_installed_licenses", map[string]string{"feature": "MPS_ENT_CCU", "css_date": "2026-12-17"}, 100},
		{"lsui_entitlement_overdraft_licenses", map[string]string{"feature": "MPS_ENT_CCU"}, 10},
		{"lsui_entitlement_in_use_licenses", map[string]string{"feature": "CXS_STD_CCS"}, 11},
		{"lsui_css_date_days", map[string]string{"feature": "CXS_STD_CCS"}, 18},
		{"lsui_css_date_days", map[string]string{"feature": "XDT_ADV_UD"}, -14},
		{"lsui_findings", map[string]string{"severity": "critical"}, 1},
		{"lsui_findings", map[string]string{"severity": "unknown"}, 0},
		{"lsui_status", nil, 2},
		{"lsui_generated_timestamp_seconds", nil, 1795773600},
	}
	for _, c := range checks {
		got, ok := gaugeValue(t, fams, c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	// Per entitlement, the metrics are the figures lsui entitlements gives.
	js, _, _ := lsui(t, nil, "entitlements", "--json", "--root", root, "--now", fixedNow, "--tz", "UTC")
	var doc struct {
		Entitlements []struct {
			Feature   string `json:"feature"`
			CSSDate   string `json:"css_date"`
			Installed int    `json:"installed"`
			InUse     int    `json:"in_use"`
			ThisMonth int    `json:"this_month"`
			PeakMonth int    `json:"peak_month"`
			Uncounted bool   `json:"uncounted"`
		} `json:"entitlements"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || len(doc.Entitlements) == 0 {
		t.Fatalf("entitlements --json: %v", err)
	}
	for _, r := range doc.Entitlements {
		labels := map[string]string{"feature": r.Feature, "css_date": r.CSSDate}
		for name, want := range map[string]int{
			"lsui_entitlement_in_use_licenses":       r.InUse,
			"lsui_entitlement_this_month_identities": r.ThisMonth,
			"lsui_entitlement_peak_month_licenses":   r.PeakMonth,
		} {
			if got, ok := gaugeValue(t, fams, name, labels); !ok || got != float64(want) {
				t.Errorf("%s%v = %v (found %v), entitlements says %d", name, labels, got, ok, want)
			}
		}
	}

	// The demo's last delivered payload and Citrix's newest zip both have an age.
	for _, stream := range []string{"lsui", "citrix"} {
		if age, ok := gaugeValue(t, fams, "lsui_last_upload_age_seconds", map[string]string{"stream": stream}); !ok || age <= 0 {
			t.Errorf("last upload age of stream %s: %v, %v", stream, age, ok)
		}
	}
	// An earlier lsui's payload left in Citrix's folder, newer than Citrix's
	// own, does not count as Citrix's last upload.
	citrixAge, _ := gaugeValue(t, fams, "lsui_last_upload_age_seconds", map[string]string{"stream": "citrix"})
	legacy := filepath.Join(root, "LS", "resource", "usage", "upload_1795773500.zip")
	if _, errOut, code := lsui(t, nil, "payload", "build", "--root", root, "--now", fixedNow, "--tz", "UTC", "--out", legacy); code != exitOK {
		t.Fatalf("payload build: %s", errOut)
	}
	out2, _, _ := lsui(t, nil, args...)
	if got, _ := gaugeValue(t, parseMetrics(t, out2), "lsui_last_upload_age_seconds", map[string]string{"stream": "citrix"}); got != citrixAge {
		t.Errorf("with an earlier lsui's payload beside Citrix's: citrix age %v, want %v", got, citrixAge)
	}
	os.Remove(legacy)

	// Permanent lines have no expiry series.
	if _, ok := gaugeValue(t, fams, "lsui_licence_expiry_days", map[string]string{"feature": "MPS_ENT_CCU"}); ok {
		t.Error("a permanent line has an expiry in days")
	}

	// --out replaces the file atomically: the same bytes, no temporary left.
	dir := t.TempDir()
	file := filepath.Join(dir, "lsui.prom")
	os.WriteFile(file, []byte("old\n"), 0o644)
	if _, errOut, code := lsui(t, nil, append(args, "--out", file)...); code != exitOK {
		t.Fatalf("--out: exit %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(file); string(b) != out {
		t.Error("--out wrote other bytes than stdout gets")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("--out left %d entries in its folder", len(entries))
	}
}

func TestMetricsOfAnUnreadableRootSayUnknown(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lsui.prom")
	_, errOut, code := lsui(t, nil, "metrics", "--root", filepath.Join(t.TempDir(), "gone"), "--now", fixedNow, "--out", file)
	if code != exitFail || !strings.Contains(errOut, "no such folder") {
		t.Errorf("exit %d, %q", code, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fams := parseMetrics(t, string(b))
	if v, _ := gaugeValue(t, fams, "lsui_status", nil); v != 3 {
		t.Errorf("lsui_status = %v, want 3 (UNKNOWN)", v)
	}
	if v, _ := gaugeValue(t, fams, "lsui_findings", map[string]string{"severity": "unknown"}); v != 1 {
		t.Errorf("unknown findings = %v, want 1", v)
	}
}
