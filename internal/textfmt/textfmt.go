// Package textfmt is how lsui writes quantities as text: sizes, ages,
// counts of things and licence counts. The CLI and the dashboard both call
// it, so "26.3 KiB", "3d ago" or "uncounted" read the same on both.
package textfmt

import (
	"fmt"
	"strconv"
	"time"
)

// Bytes is n in B, KiB, MiB or GiB (IEC, powers of 1024) with one decimal.
func Bytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}

// Age says how long before now t was, in the largest whole unit: "just
// now", "12m ago", "5h ago" (up to two days), "3d ago"; a t after now is
// "… from now".
func Age(now, t time.Time) string {
	d := now.Sub(t)
	suffix := " ago"
	if d < 0 {
		d, suffix = -d, " from now"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm%s", int(d.Minutes()), suffix)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%s", int(d.Hours()), suffix)
	}
	return fmt.Sprintf("%dd%s", int(d.Hours()/24), suffix)
}

// Plural is "1 day" or "3 days": n and the unit, with an s unless n is 1.
func Plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// Uncounted is how a licence line without a count (FlexNet's 0 or
// "uncounted") shows its count.
const Uncounted = "uncounted"

// Count is a licence count, or Uncounted.
func Count(n int, uncounted bool) string {
	if uncounted {
		return Uncounted
	}
	return strconv.Itoa(n)
}
