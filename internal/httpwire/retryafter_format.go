package httpwire

import (
	"strconv"
	"time"

	"github.com/statusmap/statusmap/internal/wire"
)

// FormatRetryAfter writes a delay of seconds and nanos (a
// google.protobuf.Duration's fields) as a Retry-After value in
// delay-seconds (RFC 9110, section 10.2.3): whole seconds, rounded up, from
// 0 to wire.MaxRetryDelay. A negative delay is no delay; a longer one is
// the bound.
func FormatRetryAfter(seconds int64, nanos int32) string {
	const maxSeconds = int64(wire.MaxRetryDelay / time.Second)
	if nanos > 0 && seconds < maxSeconds {
		seconds++
	}
	return strconv.FormatInt(min(max(seconds, 0), maxSeconds), 10)
}
