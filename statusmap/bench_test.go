package statusmap_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var sinkInt int

// BenchmarkHTTPStatus pairs the mapping with grpc-gateway's
// runtime.HTTPStatusFromCode, its baseline.
func BenchmarkHTTPStatus(b *testing.B) {
	b.Run("impl=statusmap", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			sinkInt += statusmap.HTTPStatus(codes.Code(i % 17))
		}
	})
	b.Run("impl=grpc-gateway", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			sinkInt += runtime.HTTPStatusFromCode(codes.Code(i % 17))
		}
	})
}

func BenchmarkCode(b *testing.B) {
	b.ReportAllocs()
	for i := range b.N {
		sinkInt += int(statusmap.Code(400 + i%200))
	}
}

// BenchmarkHTTPStatusOf measures the three kinds of error a gateway sees,
// each beside what grpc's own status.FromError costs on it.
func BenchmarkHTTPStatusOf(b *testing.B) {
	errs := []struct {
		name string
		err  error
	}{
		{"plain", errors.New("boom")},
		{"status", status.Error(codes.NotFound, "no such book")},
		{"wrapped-status", fmt.Errorf("lookup: %w", status.Error(codes.NotFound, "no such book"))},
		{"pinned", statusmap.Error(405, "use PUT")},
	}
	for _, e := range errs {
		b.Run("err="+e.name+"/impl=statusmap", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				sinkInt += statusmap.HTTPStatusOf(e.err)
			}
		})
		b.Run("err="+e.name+"/impl=status.FromError", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				st, _ := status.FromError(e.err)
				sinkInt += int(st.Code())
			}
		})
	}
}
