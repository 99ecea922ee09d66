package statusmap_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
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

// BenchmarkTranslator translates a plain error with two rules, a hook and
// a mapper: with the function made once (Translator, as the gateway keeps
// it), and with the options applied for every error, as the former
// Translate(ctx, err, opts...) did.
func BenchmarkTranslator(b *testing.B) {
	m, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		b.Fatal(err)
	}
	opts := []statusmap.Option{
		statusmap.WithCodeMapper(m),
		statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound),
		statusmap.WithErrorAs(func(*net.OpError) *status.Status { return status.New(codes.Unavailable, "network") }),
		statusmap.WithErrorHook(func(context.Context, error) {}),
	}
	plain := errors.New("db: connection reset")
	ctx := context.Background()
	b.Run("made=once", func(b *testing.B) {
		translate := statusmap.Translator(opts...)
		b.ReportAllocs()
		for range b.N {
			sinkErr = translate(ctx, plain)
		}
	})
	b.Run("made=per-error", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			sinkErr = statusmap.Translator(opts...)(ctx, plain)
		}
	})
}
