package body

import (
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/wire"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/anypb"
)

// TestNilWriter: a nil Writer (a zero gateway.Gateway's) writes the same
// body as a Writer without a cache, and does not panic.
func TestNilWriter(t *testing.T) {
	sp := &spb.Status{Code: int32(codes.NotFound), Message: "no such book",
		Details: []*anypb.Any{{TypeUrl: "type.googleapis.com/" + wire.RetryInfoFullName, Value: []byte{0x0a, 0x02, 0x08, 0x07}}}}
	marshaler := &runtime.JSONPb{MarshalOptions: DefaultJSONOptions()}
	for _, format := range []wire.Format{wire.FormatStatus, wire.FormatGoogle, wire.FormatProblem} {
		var nilWriter *Writer
		gotType, got := nilWriter.Render(format, marshaler, sp, 404)
		wantType, want := NewWriter(Options{NoCache: true}).Render(format, marshaler, sp, 404)
		if gotType != wantType || string(*got) != string(*want) {
			t.Errorf("format %d: nil writer %s %s; writer %s %s", format, gotType, *got, wantType, *want)
		}
		nilWriter.Release(got)
	}
}
