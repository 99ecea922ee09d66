package httpwire_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/statusmap/statusmap/internal/httpwire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// ExampleRetryAfterOf: a RetryInfo of 1.5 s among an error's details is a
// Retry-After of 2 seconds.
func ExampleRetryAfterOf() {
	info, _ := anypb.New(&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)})
	value, ok := httpwire.RetryAfterOf([]*anypb.Any{info})
	fmt.Println(value, ok)
	// Output: 2 true
}

// TestRetryAfterOf: the first RetryInfo that holds a delay wins, whatever
// its type URL's host; a RetryInfo without one, another type and bytes
// proto refuses are passed over.
func TestRetryAfterOf(t *testing.T) {
	mustAny := func(m proto.Message) *anypb.Any {
		a, err := anypb.New(m)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	noDelay := mustAny(&errdetails.RetryInfo{})
	other := mustAny(&errdetails.ErrorInfo{Reason: "R"})
	broken := &anypb.Any{TypeUrl: "type.googleapis.com/google.rpc.RetryInfo", Value: []byte{0xff}}
	thirty := mustAny(&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)})
	thirty.TypeUrl = "example.com/google.rpc.RetryInfo"
	five := mustAny(&errdetails.RetryInfo{RetryDelay: durationpb.New(5 * time.Second)})
	long := mustAny(&errdetails.RetryInfo{RetryDelay: durationpb.New(1000 * time.Hour)})
	for _, tc := range []struct {
		details []*anypb.Any
		want    string
		ok      bool
	}{
		{nil, "", false},
		{[]*anypb.Any{noDelay, other, broken, nil}, "", false},
		{[]*anypb.Any{noDelay, other, broken, thirty, five}, "30", true},
		{[]*anypb.Any{five, thirty}, "5", true},
		{[]*anypb.Any{long}, "86400", true},
	} {
		got, ok := httpwire.RetryAfterOf(tc.details)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RetryAfterOf(%v) = %q, %v; want %q, %v", tc.details, got, ok, tc.want, tc.ok)
		}
	}
}
