package gateway_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
	rules := []statusmap.Option{statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound)}
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
	err := statusmap.Translator(rules...)(context.Background(), fmt.Errorf("x: %w", sql.ErrNoRows))
	if got := statusmap.HTTPStatusOf(err); got != 404 {
		t.Errorf("interceptor side: %d; want 404", got)
	}
	for _, bad := range [][]statusmap.Option{{nil}, {statusmap.WithRule(nil)}} {
		if _, err := gateway.New(gateway.WithRules(bad...)); err == nil {
			t.Errorf("WithRules(%v) accepted", bad)
		}
	}
	// Options that clash across two WithRules are reported by New, not
	// found by a panic at the first request.
	if _, err := gateway.New(gateway.WithRules(statusmap.WithErrorText(true)), gateway.WithRules(statusmap.WithUnknownMessage("x", nil))); err == nil {
		t.Errorf("WithRules(WithErrorText(true)), WithRules(WithUnknownMessage) accepted")
	}
}

// plainShelf's GetBook returns a plain error whose text holds internals.
type plainShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	err error
}

func (s plainShelf) GetBook(context.Context, *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	return nil, s.err
}

// TestWithRulesSecureDefault: an in-process handler's plain error, and one
// a net/http handler gives WriteError, are answered as the interceptors
// answer them: with the status text, the original handed to the hook given
// to WithRules with the request's context. WithRules(WithErrorText(true))
// restores the text.
func TestWithRulesSecureDefault(t *testing.T) {
	secret := fmt.Errorf("load book: %w", errors.New("db: connection reset by peer 10.0.0.7:5432"))
	type hooked struct {
		err    error
		reqCtx bool
	}
	for _, tc := range []struct {
		name     string
		rules    []statusmap.Option
		msg      string
		wantHook bool
	}{
		{"default", nil, "Internal Server Error", false},
		{"hook", nil, "Internal Server Error", true},
		{"error text", []statusmap.Option{statusmap.WithErrorText(true)}, secret.Error(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []hooked
			rules := tc.rules
			if tc.wantHook {
				rules = []statusmap.Option{statusmap.WithErrorHook(func(ctx context.Context, err error) {
					mu.Lock()
					defer mu.Unlock()
					// net/http puts its server in every request's context.
					got = append(got, hooked{err, ctx.Value(http.ServerContextKey) != nil})
				})}
			}
			gw, err := gateway.New(gateway.WithRules(rules...))
			if err != nil {
				t.Fatal(err)
			}
			mux := runtime.NewServeMux(gw.ServeMuxOptions()...)
			if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(context.Background(), mux, plainShelf{err: secret}); err != nil {
				t.Fatal(err)
			}
			if err := mux.HandlePath("GET", "/plain", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
				_ = gw.WriteError(w, r, secret)
			}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			for _, path := range []string{"/v1/books/7", "/plain"} {
				r := doRequest(t, srv.Client(), "GET", srv.URL+path, "")
				var body struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				}
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("%s: body %s: %v", path, r.Body, err)
				}
				if r.Status != 500 || body.Code != int(codes.Unknown) || body.Message != tc.msg {
					t.Errorf("%s: %d %s; want 500, code 2, message %q", path, r.Status, r.Body, tc.msg)
				}
				if strings.Contains(string(r.Body), "10.0.0.7") != (tc.msg == secret.Error()) {
					t.Errorf("%s: body %s", path, r.Body)
				}
			}
			if !tc.wantHook {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 2 {
				t.Fatalf("hook called %d times for 2 requests; want 2: %v", len(got), got)
			}
			for i, h := range got {
				if h.err != secret || !h.reqCtx {
					t.Errorf("hook %d got %v (request context: %v); want the original with the request's context", i, h.err, h.reqCtx)
				}
			}
		})
	}
}
