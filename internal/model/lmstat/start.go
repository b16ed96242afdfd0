package lmstat

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// StartTime dates a checkout's start as lmstat prints it, "Fri 10/20 16:44",
// in the zone loc (the server's; nil means now's). lmstat prints no year: it
// is now's year, or the year before when that would put the start more than
// a day after now (a listing taken in January showing December's
// checkouts). now is the listing's own time when known (TakenTime), else
// the clock. The weekday is not checked against the date: real listings
// carry weekdays no nearby year fits, and the date is what counts.
func StartTime(start string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = now.Location()
	}
	w := strings.Fields(start)
	if len(w) == 3 {
		w = w[1:] // drop the weekday
	}
	if len(w) != 2 {
		return time.Time{}, fmt.Errorf("start %q: want \"Day M/D H:MM\"", start)
	}
	mon, day, ok := pair(w[0], "/")
	hh, mm, ok2 := pair(w[1], ":")
	if !ok || !ok2 || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 {
		return time.Time{}, fmt.Errorf("start %q: want \"Day M/D H:MM\"", start)
	}
	now = now.In(loc)
	for _, y := range []int{now.Year(), now.Year() - 1} {
		t := time.Date(y, time.Month(mon), day, hh, mm, 0, 0, loc)
		if t.Day() != day { // 2/29 in a year without one
			continue
		}
		if !t.After(now.Add(24 * time.Hour)) {
			return t, nil
		}
	}
	// Later than now in both years (a clock set back): keep now's year.
	return time.Date(now.Year(), time.Month(mon), day, hh, mm, 0, 0, loc), nil
}

// TakenTime is when the listing was made ("Flexible License Manager status
// on Tue 4/22/2025 11:08"), in the zone loc (the server's).
func (l *Listing) TakenTime(loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	w := strings.Fields(l.Taken)
	if len(w) == 3 {
		w = w[1:]
	}
	if len(w) != 2 {
		return time.Time{}, fmt.Errorf("%s: listing time %q not understood", l.Name, l.Taken)
	}
	t, err := time.ParseInLocation("1/2/2006 15:04", w[0]+" "+w[1], loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: listing time %q: %w", l.Name, l.Taken, err)
	}
	return t, nil
}

func pair(s, sep string) (int, int, bool) {
	a, b, ok := strings.Cut(s, sep)
	if !ok {
		return 0, 0, false
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || x < 0 || y < 0 {
		return 0, 0, false
	}
	return x, y, true
}
