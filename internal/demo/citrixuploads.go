package demo

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/payload/citrixgen"
	"github.com/lsui/lsui/internal/scramble"
)

// The demo server's own past call-home uploads, as Citrix's server keeps
// them in LS/resource/usage beside lsui's folder: built from the data
// elements Citrix documents (DOMAIN.md §6) with the demo's invented values.
// The older carries Citrix's documented scramble, from when anonymization
// was on; the admin has since turned it off (the demo's setting is off), so
// the newest carries plain names: the Privacy tab's story holds together
// (setting off, latest upload plain) and the Uploads tab and the payload
// viewer have both forms to show. They are Citrix's: lsui never modifies or deletes them.

// The demo server as Citrix's report names it (invented).
const (
	demoCitrixGUID     = "7d3c1e52-9a4b-4f60-b8e2-d3m0c17r1x01"
	demoCitrixHardware = "HWID-00155DDE0001"
	demoCitrixVersion  = "11.19.8.0 build 312456"
)

// citrixCallHome is when the demo's Citrix service calls home: a day after
// its start, which the demo puts early in the morning.
const citrixCallHomeHour, citrixCallHomeMinute = 2, 30

var demoCitrixUploads = []struct {
	daysAgo   int
	scrambled bool
}{
	{daysAgo: 2, scrambled: true},  // anonymization was on
	{daysAgo: 1, scrambled: false}, // turned off since: the setting the demo has now
}

// addCitrixUploads writes the demo's Citrix-format uploads, each from the
// demo as it stood at that time.
func addCitrixUploads(root *Root, now time.Time, loc *time.Location) error {
	dir := filepath.Join(root.Dir, filepath.FromSlash(usageDir))
	opt := model.Options{Root: root.Dir, Demo: true, Now: now, Location: loc, UdadminFile: root.UdadminFile, NoExec: true}
	s, err := model.Load(context.Background(), opt)
	if err != nil {
		return err
	}
	for _, u := range demoCitrixUploads {
		y, m, d := now.In(loc).AddDate(0, 0, -u.daysAgo).Date()
		at := time.Date(y, m, d, citrixCallHomeHour, citrixCallHomeMinute, 0, 0, loc)
		data, err := citrixBundleAt(s.At(context.Background(), at, opt), at, u.scrambled).Zip()
		if err != nil {
			return fmt.Errorf("Citrix upload %s: %w", at.Format(time.RFC3339), err)
		}
		if err := writeNew(filepath.Join(dir, uploads.FileName(at)), data); err != nil {
			return err
		}
	}
	return nil
}

// citrixBundleAt is what the demo's Citrix service would have sent at at.
func citrixBundleAt(s *model.Snapshot, at time.Time, scrambled bool) citrixgen.Bundle {
	name := func(n string) string {
		if scrambled {
			return scramble.CitrixBase64(n)
		}
		return n
	}
	b := citrixgen.Bundle{
		At: at, GUID: demoCitrixGUID, HardwareID: demoCitrixHardware, FQDN: s.Server.Host, Version: demoCitrixVersion,
		InstallUTC: time.Date(2024, 6, 29, 9, 12, 0, 0, time.UTC), SGPMaxDays: 15, UploadType: "Auto",
		Ccid: "demo-ccid-0001", OrgID: "demo-org-0001",
	}
	seen := map[string]bool{}
	for _, l := range s.Lines {
		if l.Serial == "" || seen[l.Serial] {
			continue
		}
		seen[l.Serial] = true
		b.Serials = append(b.Serials, citrixgen.Serial{ID: fmt.Sprint(len(b.Serials) + 1), SADate: l.CSSDate.String(), SN: l.Serial})
	}
	for _, e := range s.Entitlements {
		if e.Uncounted || e.Installed == 0 {
			continue
		}
		smp := citrixgen.Sample{SADate: e.CSSDate.String(), CountInstalled: e.Installed, CountUsedMax: e.InUse, Active: e.InUse}
		if s.Usage != nil {
			for _, id := range s.Usage.Identities {
				if !hasFeature(id.Features, e.Feature) {
					continue
				}
				if id.Kind == usage.User {
					smp.Users = append(smp.Users, name(id.Name))
				} else {
					smp.Devices = append(smp.Devices, name(id.Name))
				}
			}
		}
		b.Features = append(b.Features, citrixgen.Feature{ID: e.Feature, Samples: []citrixgen.Sample{smp}})
	}
	if s.Usage != nil {
		for i, id := range s.Usage.Identities {
			if i == 3 {
				break
			}
			b.Events = append(b.Events, citrixgen.Event{At: at.Add(-time.Duration(3-i) * time.Hour), User: name(id.Name), Device: name(fmt.Sprintf("CLIENT-%04d", 40+i))})
		}
	}
	return b
}

func hasFeature(list []string, f string) bool {
	for _, x := range list {
		if x == f {
			return true
		}
	}
	return false
}
