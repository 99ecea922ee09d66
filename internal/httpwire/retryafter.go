package httpwire

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/statusmap/statusmap/internal/wire"
)

// ParseRetryAfter reads Retry-After (RFC 9110, section 10.2.3) as a delay:
// delay-seconds, decimal seconds (see decimalSeconds), or an HTTP-date
// counted from the response's Date header (from now when there is none). A
// date in the past is no delay, and no delay is longer than
// wire.MaxRetryDelay.
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(v, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return SecondsDelay(seconds), true
	}
	if delay, ok := decimalSeconds(v); ok {
		return delay, true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	return min(max(when.Sub(now), 0), wire.MaxRetryDelay), true
}

// SecondsDelay is a delay in whole seconds, from 0 to wire.MaxRetryDelay.
func SecondsDelay(seconds int64) time.Duration {
	return time.Duration(min(max(seconds, 0), int64(wire.MaxRetryDelay/time.Second))) * time.Second
}

// decimalSeconds reads a Retry-After of a decimal number of seconds,
// "2.0" or "0.5", which RFC 9110 does not allow but servers send: digits,
// a dot and digits, nothing else (no sign, exponent, NaN or Inf), clamped
// to wire.MaxRetryDelay.
func decimalSeconds(v string) (time.Duration, bool) {
	whole, frac, ok := strings.Cut(v, ".")
	if !ok || whole == "" || frac == "" || !IsDigits(whole) || !IsDigits(frac) {
		return 0, false
	}
	seconds, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, false
	}
	if seconds >= wire.MaxRetryDelay.Seconds() {
		return wire.MaxRetryDelay, true
	}
	return time.Duration(seconds * float64(time.Second)), true
}

// IsDigits reports whether s is 1 to 20 ASCII digits: a decimal number
// short enough to be a uint64's text.
func IsDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != "" && len(s) <= 20
}
