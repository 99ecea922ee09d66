package gateway_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
)

// inProcessShelf returns plain Go errors, as a service registered in
// process (RegisterBookshelfServiceHandlerServer) reaches the gateway with
// no gRPC interceptor in between.
type inProcessShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (inProcessShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	return nil, fmt.Errorf("loading book %s: %w", req.GetId(), sql.ErrNoRows)
}

// TestWithRulesInProcess: the interceptors' rules given to WithRules make
// an in-process handler's sentinel error the same 404 it is over gRPC.
func TestWithRulesInProcess(t *testing.T) {
	rules := []statusmap.Option{statusmap.WithErrorCode(sql.ErrNoRows, codes.NotFound)}
	for _, tc := range []struct {
		name string
		opts []gateway.Option
		want int
	}{
		{"without rules", nil, 500},
		{"with the interceptors' rules", []gateway.Option{gateway.WithRules(rules...)}, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := runtime.NewServeMux(gateway.ServeMuxOptions(tc.opts...)...)
			if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(context.Background(), mux, inProcessShelf{}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			r := doRequest(t, srv.Client(), "GET", srv.URL+"/v1/books/7", "")
			if r.Status != tc.want {
				t.Errorf("status %d; want %d (body %s)", r.Status, tc.want, r.Body)
			}
		})
	}
	// Over gRPC, the interceptor with the same rules gives the same status.
	err := statusmap.Translate(context.Background(), fmt.Errorf("x: %w", sql.ErrNoRows), rules...)
	if got := statusmap.HTTPStatusOf(err); got != 404 {
		t.Errorf("interceptor side: %d; want 404", got)
	}
	for _, bad := range [][]statusmap.Option{{nil}, {statusmap.WithRule(nil)}} {
		if _, err := gateway.New(gateway.WithRules(bad...)); err == nil {
			t.Errorf("WithRules(%v) accepted", bad)
		}
	}
}
