package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// BenchmarkErrorThroughMux: a service's error answered through a mux
// serving the generated handlers in process (generatedMux), so that the
// middleware makes the request's exchange and the error handler finds it,
// beside the same error through a plain grpc-gateway mux.
//
//	go test -run '^$' -bench ErrorThroughMux -count 6 ./gateway | benchstat -col /impl -
func BenchmarkErrorThroughMux(b *testing.B) {
	for _, side := range []struct {
		name string
		mux  http.Handler
	}{
		{"grpc-gateway", generatedMux(b)},
		{"statusmap", generatedMux(b, gateway.ServeMuxOptions()...)},
	} {
		b.Run("impl="+side.name, func(b *testing.B) {
			w := &statusWriter{h: http.Header{}}
			r := httptest.NewRequest(http.MethodGet, "/v1/books/code-5", nil)
			if code := serveBench(side.mux, w, r); code != http.StatusNotFound {
				b.Fatalf("status %d; want 404", code)
			}
			b.ReportAllocs()
			for b.Loop() {
				serveBench(side.mux, w, r)
			}
		})
	}
}

// TestStreamContextSharedByTwoRequests: a stream handler of the user's own
// that forwards every stream with one context (against grpc-gateway's
// habit of one per request) cannot make one request's stream error change
// another's answer. Request a's stream opens, then b's with the same
// context; a fails with PermissionDenied and is answered; then b fails
// with ResourceExhausted, and is answered 429, not a's 403. Once, the
// stream error handler found streams by context in one table, where b's
// writer had replaced a's.
func TestStreamContextSharedByTwoRequests(t *testing.T) {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	shared := runtime.NewServerMetadataContext(context.Background(), runtime.ServerMetadata{})
	aOpened, bOpened, aDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if err := mux.HandlePath("GET", "/shared/{who}", func(w http.ResponseWriter, r *http.Request, p map[string]string) {
		who := p["who"]
		if who == "b" {
			<-aOpened
		}
		recv := func() (proto.Message, error) {
			// grpc-gateway opens the stream before it receives.
			if who == "a" {
				close(aOpened)
				<-bOpened
				return nil, status.Error(codes.PermissionDenied, "a")
			}
			close(bOpened)
			<-aDone
			return nil, status.Error(codes.ResourceExhausted, "b")
		}
		runtime.ForwardResponseStream(shared, mux, &runtime.JSONPb{}, w, r, recv, mux.GetForwardResponseOptions()...)
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	client := &http.Client{}
	t.Cleanup(client.CloseIdleConnections)
	bStatus := make(chan int, 1)
	go func() {
		status, _, err := fetchAllow(client, "GET", srv.URL+"/shared/b")
		if err != nil {
			t.Error(err)
		}
		bStatus <- status
	}()
	aStatus, _, err := fetchAllow(client, "GET", srv.URL+"/shared/a")
	close(aDone)
	if err != nil {
		t.Fatal(err)
	}
	if aStatus != http.StatusForbidden {
		t.Errorf("a: %d; want 403", aStatus)
	}
	if s := <-bStatus; s != http.StatusTooManyRequests {
		t.Errorf("b: %d; want 429 (403 is a's)", s)
	}
}

// TestRequestThroughTheSameMuxAgain: a handler that sends another request
// through its own mux (an alias) gets that request answered as its own: a
// POST behind a GET route is created, 201, not answered as the GET.
func TestRequestThroughTheSameMuxAgain(t *testing.T) {
	for _, opts := range [][]runtime.ServeMuxOption{
		gateway.ServeMuxOptions(),
		append(gateway.ServeMuxOptions(), gateway.ServeMuxOptions()...),
	} {
		mux := generatedMux(t, opts...)
		if err := mux.HandlePath("GET", "/v1/alias", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
			inner := httptest.NewRequest(http.MethodPost, "/v1/books", strings.NewReader(`{"title":"t"}`))
			inner.Header.Set("Content-Type", "application/json")
			mux.ServeHTTP(w, inner.WithContext(r.Context()))
		}); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/alias", nil))
		if rec.Code != http.StatusCreated {
			t.Errorf("%d options: POST through a GET alias: %d; want 201 (%s)", len(opts), rec.Code, rec.Body)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	g := startGateway(t, gateway.WithRedaction(true))
	type request struct {
		method, path, body string
		want               int
		calls              int64 // backend calls the request makes
		header, value      string
	}
	requests := []request{
		{"GET", "/v1/books/b1", "", 200, 1, "", ""},
		{"GET", "/v1/books/code-5", "", 404, 1, "", ""},
		{"GET", "/v1/books/code-8", "", 503, 1, "", ""},
		{"GET", "/v1/books/pin-418", "", 418, 1, "", ""},
		{"GET", "/v1/books/pin-405", "", 405, 1, "", ""},
		{"GET", "/v1/books/allow", "", 405, 1, "Allow", "GET, PUT"},
		{"GET", "/v1/books/challenge", "", 401, 1, "WWW-Authenticate", `Bearer realm="books", error="invalid_token"`},
		{"GET", "/v1/books/retry-2500", "", 503, 1, "Retry-After", "3"},
		{"GET", "/v1/books/debug", "", 500, 1, "", ""},
		{"POST", "/v1/books", `{"id":"c"}`, 201, 1, "", ""},
		{"DELETE", "/v1/books/c", "", 204, 1, "", ""},
		{"DELETE", "/v1/books/c:archive", "", 200, 1, "", ""},
		{"PUT", "/v1/books/c", `{"id":"c","title":"accepted"}`, 202, 1, "", ""},
		{"PATCH", "/v1/books/c", `{"id":"c"}`, 200, 1, "", ""},
		{"POST", "/v1/books/42", "", 405, 0, "Allow", "GET, PUT, PATCH, DELETE"},
		{"PUT", "/v1/books", "", 405, 0, "Allow", "GET, POST"},
		{"GET", "/v1/nope", "", 404, 0, "", ""},
		{"GET", "/v1/stream/books?count=0&fail_with=code-16", "", 401, 1, "WWW-Authenticate", `Bearer realm="api"`},
		{"GET", "/v1/stream/books?count=2&fail_with=code-5", "", 200, 1, "", ""},
		{"GET", "/v1/stream/books?count=0&fail_with=pin-409", "", 409, 1, "", ""},
	}
	const goroutines, perGoroutine = 16, 50
	var wantCalls int64
	for i := range goroutines * perGoroutine {
		wantCalls += requests[i%len(requests)].calls
	}
	before := g.Service.calls.Load()

	var wg sync.WaitGroup
	for w := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perGoroutine {
				rq := requests[(w*perGoroutine+i)%len(requests)]
				status, header, body, err := fetch(g.Client, rq.method, g.URL+rq.path, rq.body)
				if err != nil {
					t.Errorf("%s %s: %v", rq.method, rq.path, err)
					return
				}
				if status != rq.want {
					t.Errorf("%s %s: status = %d; want %d; body %s", rq.method, rq.path, status, rq.want, body)
				}
				if rq.header != "" && header.Get(rq.header) != rq.value {
					t.Errorf("%s %s: %s = %q; want %q", rq.method, rq.path, rq.header, header.Get(rq.header), rq.value)
				}
				if rq.want == 204 && len(body) != 0 {
					t.Errorf("%s %s: body = %q; want empty", rq.method, rq.path, body)
				}
				if bytes.Contains(body, []byte("10.0.0.3")) {
					t.Errorf("%s %s: body %s leaks a redacted message", rq.method, rq.path, body)
				}
			}
		}()
	}
	wg.Wait()
	if got := g.Service.calls.Load() - before; got != wantCalls {
		t.Errorf("backend calls = %d; want %d (routing errors and probes call nothing)", got, wantCalls)
	}
}
