package synth

import (
	"bufio"
	"fmt"
	"github.com/lsui/lsui/internal/demo"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// LongLog says what WriteLongLog writes: the lmgrd_debug.log of a server
// that was never rotated, years of it, in the shape a real one has.
type LongLog struct {
	End   time.Time // the last event is just before End (UTC)
	Years float64   // span, back from End
	// PerDay checkout attempts a day; 16,667 gives the density of the
	// suite's 1M-event log (about 2 MB a day: 2.35 GB for 3.3 years).
	PerDay int
	Users  int // distinct people; each comes through one of the controllers
	// WindowFrom is where the window-only log starts: the server restarts
	// there (a monthly patch reboot), so the long log's bytes from that
	// restart on are, byte for byte, a log holding only the window.
	WindowFrom time.Time
	// RestartDays is the days between restarts (patch reboots); 0 means 30.
	RestartDays int
}

var (
	longFeatures = []string{"XDT_PLT_UD", "XDT_PLT_UD", "XDT_PLT_UD", "XDS_PLT_UD", "XDT_ENT_UD", "MPS_ENT_CCU"}
	controllers  = []string{"DDC01", "DDC02", "XA-PRD-01", "XA-PRD-02"}
)

// LongLogUser is person u as the log names them, without the controller:
// mostly a bare name, some with the domain prefix or as a UPN, as Citrix
// writes them depending on how the controller passes the user.
func LongLogUser(u int) string {
	switch u % 20 {
	case 3:
		return `CORP\u` + strconv.Itoa(100000+u)
	case 7:
		return "u" + strconv.Itoa(100000+u) + "@corp.example"
	case 11:
		return "U" + strconv.Itoa(100000+u)
	}
	return "u" + strconv.Itoa(100000+u)
}

// WriteLongLog writes the log and returns the offset of the restart at
// WindowFrom, where the window-only log's bytes begin (the suffix from
// there is that log). Each segment between restarts opens with lmgrd's
// banner ("Server's System Date and Time:", the SLOG block, the start line,
// the vendor daemon's start and its SLOG "Start-Date:"), then the
// controllers' start-up checkouts of CITRIX (product connections, not
// users), then checkouts: OUT and its IN, a checkout handle on some, a
// licence count on the concurrent feature, 2% DENIED and 1% UNSUPPORTED,
// and TIMESTAMP lines every six hours. No line is malformed or undated, so
// a report from the window-only log and from the long one can be held equal.
// Deterministic: the same LongLog gives the same bytes.
func WriteLongLog(w io.Writer, l LongLog) (windowAt int64, err error) {
	if l.PerDay <= 0 || l.Users <= 0 || l.Years <= 0 {
		return 0, fmt.Errorf("long log: want per-day, users and years > 0, got %d, %d, %g", l.PerDay, l.Users, l.Years)
	}
	end := l.End.UTC()
	start := end.Add(-time.Duration(l.Years * 365.25 * 24 * float64(time.Hour))).Truncate(24 * time.Hour).Add(7*time.Hour + 57*time.Minute)
	window := l.WindowFrom.UTC()
	if !window.After(start) || !window.Before(end) {
		return 0, fmt.Errorf("long log: window start %s is not inside the log (%s to %s)", window.Format(time.DateOnly), start.Format(time.DateOnly), end.Format(time.DateOnly))
	}
	restartEvery := l.RestartDays
	if restartEvery <= 0 {
		restartEvery = 30
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	rng := rand.New(rand.NewPCG(5, 6))
	names := make([]string, l.Users)
	via := make([]string, l.Users)
	for u := range names {
		names[u] = LongLogUser(u)
		via[u] = controllers[u%len(controllers)]
	}
	step := 24 * time.Hour / time.Duration(l.PerDay)
	var line []byte
	put := func(t time.Time, daemon, msg string) {
		line = appendClock(line[:0], t)
		line = append(line, " ("...)
		line = append(line, daemon...)
		line = append(line, ") "...)
		line = append(line, msg...)
		line = append(line, '\n')
		bw.Write(line)
	}
	windowAt = -1
	t := start
	nextRestart := start
	nextStamp := start
	for t.Before(end) {
		if !t.Before(nextRestart) || (windowAt < 0 && !t.Before(window)) {
			if windowAt < 0 && !t.Before(window) {
				t = window.Add(7*time.Hour + 57*time.Minute)
				bw.Flush()
				windowAt = cw.n
			}
			writeBanner(put, t)
			nextRestart = t.AddDate(0, 0, restartEvery)
			nextStamp = t.Truncate(6 * time.Hour).Add(6 * time.Hour)
			t = t.Add(2 * time.Second)
		}
		if !t.Before(nextStamp) {
			daemon := "lmgrd"
			if nextStamp.Hour()%12 == 6 {
				daemon = "CITRIX"
			}
			put(nextStamp, daemon, "TIMESTAMP "+mdy(nextStamp))
			nextStamp = nextStamp.Add(6 * time.Hour)
		}
		u := rng.IntN(l.Users)
		feature := longFeatures[rng.IntN(len(longFeatures))]
		line = appendClock(line[:0], t)
		n := len(line)
		entry := func(op, tail string) {
			line = append(line[:n], " (CITRIX) "...)
			line = append(line, op...)
			line = append(line, " \""...)
			line = append(line, feature...)
			line = append(line, "\" "...)
			line = append(line, names[u]...)
			line = append(line, '@')
			line = append(line, via[u]...)
			line = append(line, tail...)
			line = append(line, '\n')
			bw.Write(line)
		}
		switch r := rng.IntN(100); {
		case r < 2:
			entry("DENIED:", "  (Licensed number of users already reached. (-4,342))")
		case r < 3:
			entry("UNSUPPORTED:", "  (License server system does not support this feature. (-18,327:10054 \"\"))")
		case feature == "MPS_ENT_CCU":
			entry("OUT:", "  (1 licenses)")
			entry("IN:", "  (1 licenses)")
		case r < 40:
			handle := " [" + strconv.FormatUint(uint64(rng.Uint32()), 16) + "]"
			entry("OUT:", handle)
			entry("IN:", handle)
		default:
			entry("OUT:", "")
			entry("IN:", "")
		}
		t = t.Add(step)
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	return windowAt, nil
}

// writeBanner writes a server start as lmgrd 11.19 writes it.
func writeBanner(put func(time.Time, string, string), t time.Time) {
	for _, s := range append(demo.LmgrdNotice[:len(demo.LmgrdNotice):len(demo.LmgrdNotice)],
		"Server's System Date and Time: "+t.Format("Mon Jan 02 2006 15:04:05")+" Coordinated Universal Time",
		"SLOG: Summary LOG statistics is enabled.",
		"FlexNet Licensing (v11.19.8.0 build 310455 x64_n6) started on ctxlic01 (IBM PC) ("+mdy(t)+")",
		"Copyright (c) 1988-2026 Flexera Software LLC. All Rights Reserved.",
		"World Wide Web:  http://www.flexerasoftware.com",
		"License file(s): C:\\Program Files (x86)\\Citrix\\Licensing\\MyFiles\\citrix_startup.lic",
		"lmgrd tcp-port 27000",
		"Starting vendor daemons ... ",
		"Using vendor daemon port 7279 specified in license file",
		"Started CITRIX (pid 4242)",
	) {
		put(t, "lmgrd", s)
	}
	t = t.Add(time.Second)
	for _, s := range []string{
		"FlexNet Licensing version v11.19.8.0 build 310455 x64_n6",
		"Server started on ctxlic01 for:\tCITRIX\t\tXDT_PLT_UD\tXDS_PLT_UD\tXDT_ENT_UD\tMPS_ENT_CCU",
		"EXTERNAL FILTERS are OFF",
		"(@CITRIX-SLOG@) ===============================================",
		"(@CITRIX-SLOG@) === Vendor Daemon ===",
		"(@CITRIX-SLOG@) Vendor daemon: CITRIX",
		"(@CITRIX-SLOG@) Start-Date: " + t.Format("Mon Jan 02 2006 15:04:05") + " Coordinated Universal Time",
		"(@CITRIX-SLOG@) PID: 4242",
		"(@CITRIX-SLOG@) VD Version: v11.19.8.0 build 310455 x64_n6",
		"(@CITRIX-SLOG@) ===============================================",
	} {
		put(t, "CITRIX", s)
	}
	t = t.Add(time.Second)
	for i, c := range controllers[:2] {
		put(t, "CITRIX", `OUT: "CITRIX" `+c+`$@`+c+` [`+strconv.Itoa(0x1f00+i)+`]`)
	}
}

func mdy(t time.Time) string {
	return strconv.Itoa(int(t.Month())) + "/" + strconv.Itoa(t.Day()) + "/" + strconv.Itoa(t.Year())
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
