package httpwire

import (
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/types/known/anypb"
)

// RetryAfterOf returns the Retry-After value for the first RetryInfo among
// the details that holds a delay: the delay in whole seconds, rounded up,
// from 0 to wire.MaxRetryDelay (FormatRetryAfter). The writer sets the
// header from it; the reader (gateway/internal/upstream) asks it whether a
// body's details already say what a Retry-After header would add.
func RetryAfterOf(details []*anypb.Any) (string, bool) {
	for _, detail := range details {
		if !wire.HasFullName(detail.GetTypeUrl(), wire.RetryInfoFullName) {
			continue
		}
		if seconds, nanos, ok := parseRetryDelay(detail.GetValue()); ok {
			return FormatRetryAfter(seconds, nanos), true
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
		if !MergeDuration(duration, protowire.ConsumeTag, &seconds, &nanos) {
			return 0, 0, false
		}
		ok = true
	}
	return seconds, nanos, ok
}

// MergeDuration reads a google.protobuf.Duration's seconds (field 1) and
// nanos (field 2) from d into seconds and nanos, last value winning, as
// protobuf merges a repeated message field, and skips other fields. It is
// the one reader of a Duration's wire bytes: Retry-After reads RetryInfo's
// delay with it, and the body writer (gateway/internal/body) renders every
// Duration field with it. The tag reader is the caller's: Retry-After
// follows proto.Unmarshal (protowire.ConsumeTag), the detail renderer
// refuses what protojson does.
func MergeDuration(d []byte, consumeTag func([]byte) (protowire.Number, protowire.Type, int), seconds *int64, nanos *int32) bool {
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
