package gateway

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// FuzzRetryInfoJSON holds the hand-written RetryInfo renderer to protojson.
func FuzzRetryInfoJSON(f *testing.F) {
	for _, d := range []time.Duration{0, time.Second, 1500 * time.Millisecond, -1500 * time.Millisecond, time.Nanosecond, 1234 * time.Microsecond, -time.Nanosecond} {
		dp := durationpb.New(d)
		f.Add(dp.Seconds, dp.Nanos, false)
	}
	f.Add(int64(315576000001), int32(0), true)
	f.Add(int64(1), int32(-5), false)
	f.Fuzz(func(t *testing.T, seconds int64, nanos int32, protoNames bool) {
		detail, err := anypb.New(&errdetails.RetryInfo{RetryDelay: &durationpb.Duration{Seconds: seconds, Nanos: nanos}})
		if err != nil {
			t.Skip()
		}
		opts := protojson.MarshalOptions{UseProtoNames: protoNames, EmitUnpopulated: true}
		got, ok := appendRetryInfoJSON(nil, detail, opts)
		want, werr := opts.Marshal(detail)
		if !ok {
			if werr == nil {
				t.Fatalf("fast path refused %d %d that protojson writes: %s", seconds, nanos, want)
			}
			return
		}
		if werr != nil {
			t.Fatalf("fast path wrote %s where protojson fails: %v", got, werr)
		}
		var a, b any
		if json.Unmarshal(got, &a) != nil || json.Unmarshal(want, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("%d %d: got %s; protojson %s", seconds, nanos, got, want)
		}
	})
}
