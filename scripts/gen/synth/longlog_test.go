package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/usage"
)

// The long log must be what the long-log figure claims: years of dated
// lines whose last bytes, from the restart at the window, are a log of
// their own giving the same month's answer; and the same bytes every time.
func TestLongLog(t *testing.T) {
	l := LongLog{End: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Years: 1.2, PerDay: 150, Users: 400,
		WindowFrom: time.Date(2026, 8, 29, 0, 0, 0, 0, time.UTC)}
	var a, b bytes.Buffer
	at, err := WriteLongLog(&a, l)
	if err != nil {
		t.Fatal(err)
	}
	if at2, err := WriteLongLog(&b, l); err != nil || at2 != at || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("two writes differ (window at %d and %d, err %v)", at, at2, err)
	}
	data := a.Bytes()
	if at <= 0 || at >= int64(len(data)) || data[at-1] != '\n' {
		t.Fatalf("window at %d of %d, not at a line start", at, len(data))
	}
	window := data[at:]
	if !bytes.Contains(window[:4096], []byte("Server's System Date and Time: Sat Aug 29 2026 07:57:00")) {
		t.Errorf("the window-only log does not open with the restart's banner:\n%s", window[:2048])
	}
	for _, want := range []string{"TIMESTAMP 11/27/2026", "(@CITRIX-SLOG@) Start-Date:", `OUT: "CITRIX" DDC01$@DDC01`, `CORP\u`, "@corp.example@", "(1 licenses)", "UNSUPPORTED:", "DENIED:"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("no %q in the long log", want)
		}
	}
	restarts := bytes.Count(data, []byte(") started on ctxlic01"))
	if restarts < 14 || restarts > 17 {
		t.Errorf("%d restarts in 1.2 years, want one a month and one at the window", restarts)
	}

	// Same month, same answer, from either log.
	dir := t.TempDir()
	longPath, windowPath := filepath.Join(dir, "long.log"), filepath.Join(dir, "window.log")
	os.WriteFile(longPath, data, 0o644)
	os.WriteFile(windowPath, window, 0o644)
	// Same month, same answer, from either log, asked as lsui asks it: with
	// the lease look-back (90 days) that the window-only log starts at.
	// Only how far back the logs reach differs.
	nov := usage.MonthOf(l.End, time.UTC)
	read := func(path string) *usage.Report {
		r, problems, err := usage.Read(usage.ReadOptions{Month: nov, Logs: []string{path}, Location: time.UTC,
			Now: l.End, Since: l.End.AddDate(0, 0, -90)})
		if err != nil || len(problems) > 0 {
			t.Fatal(err, problems)
		}
		r.Sources, r.LogsFrom = nil, time.Time{}
		return r
	}
	long, short := read(longPath), read(windowPath)
	if !reflect.DeepEqual(long, short) {
		t.Errorf("November differs between the long log and the window-only one")
	}
	if len(long.Identities) < 300 || long.Malformed != 0 || long.Skipped != 0 {
		t.Errorf("%d identities, %d malformed, %d skipped", len(long.Identities), long.Malformed, long.Skipped)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if !strings.Contains(string(first), "(lmgrd) ----") {
		t.Errorf("the log starts with %q, not lmgrd's banner", first)
	}
}

func TestLongLogRefuses(t *testing.T) {
	end := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, l := range []LongLog{
		{End: end, Years: 1, PerDay: 0, Users: 1, WindowFrom: end.AddDate(0, -1, 0)},
		{End: end, Years: 1, PerDay: 10, Users: 1, WindowFrom: end.AddDate(-2, 0, 0)},
		{End: end, Years: 1, PerDay: 10, Users: 1, WindowFrom: end.AddDate(0, 0, 1)},
	} {
		if _, err := WriteLongLog(&bytes.Buffer{}, l); err == nil {
			t.Errorf("%+v: no error", l)
		}
	}
}
