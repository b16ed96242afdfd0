package textfmt

import (
	"testing"
	"time"
)

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {26931, "26.3 KiB"},
		{5 << 20, "5.0 MiB"}, {3<<30 + 1<<29, "3.5 GiB"},
	} {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"}, {59 * time.Second, "just now"}, {12 * time.Minute, "12m ago"},
		{5 * time.Hour, "5h ago"}, {47 * time.Hour, "47h ago"}, {76 * time.Hour, "3d ago"},
		{-2 * time.Hour, "2h from now"},
	} {
		if got := Age(now, now.Add(-tt.d)); got != tt.want {
			t.Errorf("Age(%v before) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestPluralAndCount(t *testing.T) {
	if got := Plural(1, "user"); got != "1 user" {
		t.Errorf("Plural(1) = %q", got)
	}
	if got := Plural(0, "user"); got != "0 users" {
		t.Errorf("Plural(0) = %q", got)
	}
	if Count(5, false) != "5" || Count(0, true) != "uncounted" {
		t.Errorf("Count: %q %q", Count(5, false), Count(0, true))
	}
}
