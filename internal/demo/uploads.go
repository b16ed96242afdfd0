package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lsui/lsui/internal/model"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/payload"
)

// demoServerID is the demo's stable server id: a random one would make every
// run's payloads differ.
const demoServerID = "d3m0c7x11c01a5e7b2f04e91"

// callHome is when the demo server calls home each day (server time): late,
// so a payload's usage, cut at the end of its day, misses little.
const callHomeHour, callHomeMinute = 23, 47

// pastUpload is one call-home the demo server already made.
type pastUpload struct {
	daysAgo int
	outcome uploads.Outcome
	status  int
	err     string
}

// The demo ships the pile admins report (DOMAIN.md §8): a success, then two
// failures that linger until the next success.
var pastUploads = []pastUpload{
	{daysAgo: 3, outcome: uploads.Success, status: 201},
	{daysAgo: 2, outcome: uploads.Failed, status: 503, err: "503 Service Unavailable after 5 attempts"},
	{daysAgo: 1, outcome: uploads.Failed, err: "dial tcp: lookup callhome.demo.example: no such host (5 attempts)"},
}

// writeSettings gives the demo its lsui.json.
func writeSettings(dir string) error {
	path := filepath.Join(dir, "WebServicesForLicensing", model.SettingsFileName)
	return writeNew(path, []byte(fmt.Sprintf("{\n  \"server_id\": %q\n}\n", demoServerID)))
}

// addPastUploads builds each past payload from the demo as it stood at that
// day's end, so its numbers are what the server would have sent, and records
// the outcomes in the journal.
func addPastUploads(root *Root, now time.Time, loc *time.Location) error {
	usageDir := uploads.Dir(filepath.Join(root.Dir, filepath.FromSlash(usageDir))) // lsui's own folder
	if err := os.MkdirAll(usageDir, 0o755); err != nil {
		return err
	}
	j, err := uploads.ReadJournal(usageDir)
	if err != nil {
		return err
	}
	opt := model.Options{Root: root.Dir, Demo: true, Now: now, Location: loc, UdadminFile: root.UdadminFile, NoExec: true}
	s, err := model.Load(context.Background(), opt)
	if err != nil {
		return err
	}
	for _, p := range pastUploads {
		y, m, d := now.In(loc).AddDate(0, 0, -p.daysAgo).Date()
		at := time.Date(y, m, d, callHomeHour, callHomeMinute, 0, 0, loc)
		out := filepath.Join(usageDir, uploads.FileName(at))
		built, err := payload.Build(context.Background(), s.At(context.Background(), at, opt), payload.BuildOptions{Now: at, Out: out})
		if err != nil {
			return fmt.Errorf("past upload %s: %w", at.Format(time.RFC3339), err)
		}
		attempts := 1
		if p.outcome == uploads.Failed {
			attempts = 5
		}
		j.Set(uploads.Record{File: filepath.Base(built.Path), Outcome: p.outcome, At: at.UTC(), SHA256: built.SHA256,
			Attempts: attempts, Status: p.status, Error: p.err})
	}
	return j.Save()
}
