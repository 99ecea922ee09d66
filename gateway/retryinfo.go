package gateway

import (
	"strconv"
	"time"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/types/known/anypb"
)

// MaxRetryDelay bounds every retry delay that crosses between HTTP and
// gRPC: a Retry-After header that Gateway.ErrorFromResponse reads into a
// google.rpc.RetryInfo, and a RetryInfo that the gateway writes as
// Retry-After. A longer delay (an upstream's Retry-After of 2^62 seconds,
// or an HTTP-date in the year 9999) is read or written as this one; a
// negative one as no delay. A day: a client told to wait longer is better
// told the service is down.
const MaxRetryDelay = wire.MaxRetryDelay

// retryAfter returns the Retry-After value for the first RetryInfo among the
// details: its delay in whole seconds, rounded up, from 0 to MaxRetryDelay.
func retryAfter(details []*anypb.Any) (string, bool) {
	const maxSeconds = int64(MaxRetryDelay / time.Second)
	for _, detail := range details {
		if !wire.HasFullName(detail.GetTypeUrl(), wire.RetryInfoFullName) {
			continue
		}
		if seconds, nanos, ok := parseRetryDelay(detail.GetValue()); ok {
			if nanos > 0 && seconds < maxSeconds {
				seconds++
			}
			return strconv.FormatInt(min(max(seconds, 0), maxSeconds), 10), true
		}
	}
	return "", false
}

// parseRetryDelay reads google.rpc.RetryInfo's retry_delay (field 1, a
// google.protobuf.Duration of seconds, field 1, and nanos, field 2) straight
// from the wire, without decoding into messages: it runs on every error
// that carries one. A RetryInfo without a delay is not ok.
func parseRetryDelay(b []byte) (seconds int64, nanos int32, ok bool) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return 0, 0, false
		}
		b = b[n:]
		if num != 1 || typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return 0, 0, false
			}
			b = b[n:]
			continue
		}
		duration, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return 0, 0, false
		}
		b = b[n:]
		// The last occurrence of a message field merges into the earlier
		// ones; fields inside it follow the same last-wins rule.
		if !mergeDuration(duration, protowire.ConsumeTag, &seconds, &nanos) {
			return 0, 0, false
		}
		ok = true
	}
	return seconds, nanos, ok
}

// mergeDuration reads a google.protobuf.Duration's seconds (field 1) and
// nanos (field 2) from d into seconds and nanos, last value winning, as
// protobuf merges a repeated message field, and skips other fields. The
// tag reader is the caller's: Retry-After follows proto.Unmarshal
// (protowire.ConsumeTag), the detail renderer refuses what protojson does
// (consumeTag).
func mergeDuration(d []byte, consumeTag func([]byte) (protowire.Number, protowire.Type, int), seconds *int64, nanos *int32) bool {
	for len(d) > 0 {
		num, typ, n := consumeTag(d)
		if n < 0 {
			return false
		}
		d = d[n:]
		if typ == protowire.VarintType && (num == 1 || num == 2) {
			v, n := protowire.ConsumeVarint(d)
			if n < 0 {
				return false
			}
			d = d[n:]
			if num == 1 {
				*seconds = int64(v)
			} else {
				*nanos = int32(v)
			}
			continue
		}
		if n = protowire.ConsumeFieldValue(num, typ, d); n < 0 {
			return false
		}
		d = d[n:]
	}
	return true
}

// maxDurationSeconds is google.protobuf.Duration's range, which protojson
// enforces: about 10,000 years.
const maxDurationSeconds = 315576000000
