package httpwire_test

import (
	"testing"

	"github.com/statusmap/statusmap/internal/httpwire"
)

// TestFormatRetryAfter: whole seconds rounded up, no delay below zero, the
// bound (a day) above it.
func TestFormatRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		seconds int64
		nanos   int32
		want    string
	}{
		{0, 0, "0"}, {30, 0, "30"}, {1, 500e6, "2"}, {0, 1, "1"}, {-5, 0, "0"}, {-1, -5, "0"},
		{86399, 1, "86400"}, {86400, 1, "86400"}, {1 << 62, 0, "86400"},
	} {
		if got := httpwire.FormatRetryAfter(tc.seconds, tc.nanos); got != tc.want {
			t.Errorf("%d s %d ns: %q; want %q", tc.seconds, tc.nanos, got, tc.want)
		}
	}
}
