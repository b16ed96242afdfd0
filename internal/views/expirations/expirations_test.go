package expirations

import (
	"testing"

	"github.com/lsui/lsui/internal/model"
)

func TestMarker(t *testing.T) {
	tests := []struct {
		x    model.Expiration
		want string
	}{
		{model.Expiration{Urgency: model.Expired, DaysLeft: -14}, "!! EXPIRED"},
		{model.Expiration{Urgency: model.Expiring, DaysLeft: 12}, "! 12d"},
		{model.Expiration{Urgency: model.Expiring, DaysLeft: 0}, "! 0d"},
		{model.Expiration{Urgency: model.Upcoming, DaysLeft: 45}, "~ 45d"},
		{model.Expiration{Urgency: model.Later, DaysLeft: 304}, "304d"},
		{model.Expiration{Urgency: model.Permanent, Permanent: true}, "permanent"},
	}
	for _, tt := range tests {
		if got := Marker(tt.x); got != tt.want {
			t.Errorf("Marker(%v, %d) = %q, want %q", tt.x.Urgency, tt.x.DaysLeft, got, tt.want)
		}
	}
}
