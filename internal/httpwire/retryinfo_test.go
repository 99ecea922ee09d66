package httpwire

import (
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// FuzzParseRetryDelay holds the wire-level reader against proto.Unmarshal.
func FuzzParseRetryDelay(f *testing.F) {
	for _, d := range []*durationpb.Duration{{Seconds: 30}, {Seconds: 1, Nanos: 500e6}, {Seconds: -5}, {Nanos: -1}, {}} {
		b, _ := proto.Marshal(&errdetails.RetryInfo{RetryDelay: d})
		f.Add(b)
	}
	f.Add([]byte{0x0a, 0x00, 0x0a, 0x02, 0x08, 0x07})
	f.Add([]byte{0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		seconds, nanos, ok := parseRetryDelay(b)
		var info errdetails.RetryInfo
		if err := proto.Unmarshal(b, &info); err != nil {
			// Bytes proto rejects are not a RetryInfo: Retry-After is then
			// a best effort, and either answer is acceptable.
			return
		}
		if ok != (info.GetRetryDelay() != nil) {
			t.Fatalf("ok = %v; proto says delay %v", ok, info.GetRetryDelay())
		}
		if ok && (seconds != info.GetRetryDelay().GetSeconds() || nanos != info.GetRetryDelay().GetNanos()) {
			t.Fatalf("got %d s %d ns; proto says %v", seconds, nanos, info.GetRetryDelay())
		}
	})
}
