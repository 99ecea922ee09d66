package gateway_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/durationpb"
)

// discardWriter is a response writer that keeps nothing: the benchmarks
// measure the handlers, not a network. Its header map is cleared, not
// replaced, between requests, as net/http reuses nothing either way.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// benchErrors are the errors of the comparison: one without details, one
// with the two details a quota error carries.
func benchErrors(b testing.TB) map[string]error {
	b.Helper()
	withDetails, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
		&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"limit": "10"}},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)},
	)
	if err != nil {
		b.Fatal(err)
	}
	return map[string]error{
		"no-details":  status.Error(codes.NotFound, "no such book"),
		"two-details": withDetails.Err(),
	}
}

// BenchmarkErrorHandler pairs statusmap's error handler (through a mux built
// with ServeMuxOptions) with grpc-gateway's
// runtime.DefaultHTTPErrorHandler on the same errors, with the mux's default
// marshaler and the server metadata a generated handler puts in the
// context. Compare the pairs with benchstat, or by eye:
//
//	go test -run '^$' -bench ErrorHandler -benchmem ./gateway
func BenchmarkErrorHandler(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: true},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: true},
	}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := runtime.NewServerMetadataContext(context.Background(), runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}})
	handlers := []struct {
		name    string
		handler runtime.ErrorHandlerFunc
	}{
		{"grpc-gateway", runtime.DefaultHTTPErrorHandler},
		{"statusmap", errorHandler()},
	}
	for _, name := range []string{"no-details", "two-details"} {
		err := benchErrors(b)[name]
		for _, h := range handlers {
			b.Run("err="+name+"/impl="+h.name, func(b *testing.B) {
				w := &discardWriter{h: http.Header{}}
				b.ReportAllocs()
				for range b.N {
					clear(w.h)
					h.handler(ctx, mux, marshaler, w, req, err)
				}
			})
		}
	}
}

// BenchmarkErrorHandlerUniqueDetails is the worst case for statusmap's
// rendered-detail cache: every error's ErrorInfo differs (a request id in
// its metadata), so no detail is ever served from the cache.
func BenchmarkErrorHandlerUniqueDetails(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	errs := make([]error, 4096)
	for i := range errs {
		st, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
			&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"request_id": fmt.Sprint(i)}},
			&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(i) * time.Millisecond)},
		)
		if err != nil {
			b.Fatal(err)
		}
		errs[i] = st.Err()
	}
	for _, h := range []struct {
		name    string
		handler runtime.ErrorHandlerFunc
	}{{"grpc-gateway", runtime.DefaultHTTPErrorHandler}, {"statusmap", errorHandler()}} {
		b.Run("impl="+h.name, func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for i := range b.N {
				clear(w.h)
				h.handler(ctx, mux, marshaler, w, req, errs[i%len(errs)])
			}
		})
	}
}

// TestErrorHandlerAllocatesLess pins the allocation side of the
// comparison: fewer allocations than grpc-gateway without details, no more
// with two.
func TestErrorHandlerAllocatesLess(t *testing.T) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := runtime.NewServerMetadataContext(context.Background(), runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}})
	ours := errorHandler()
	for name, err := range benchErrors(t) {
		measure := func(h runtime.ErrorHandlerFunc) float64 {
			w := &discardWriter{h: http.Header{}}
			return testing.AllocsPerRun(200, func() {
				clear(w.h)
				h(ctx, mux, marshaler, w, req, err)
			})
		}
		theirs, mine := measure(runtime.DefaultHTTPErrorHandler), measure(ours)
		t.Logf("%s: statusmap %v allocs, grpc-gateway %v", name, mine, theirs)
		if name == "no-details" && mine >= theirs || mine > theirs {
			t.Errorf("%s: statusmap allocates %v times; grpc-gateway %v", name, mine, theirs)
		}
	}
}

// BenchmarkEndToEnd drives a real gRPC server through two real gateways on
// loopback, one with statusmap and one with grpc-gateway's defaults, with a
// keep-alive HTTP client, alternating request by request so that both see
// the same machine. It reports each side's error responses per second.
//
//	go test -run '^$' -bench EndToEnd ./gateway
func BenchmarkEndToEnd(b *testing.B) {
	addr := startBackend(b, &bookshelf{})
	sides := []struct {
		name string
		url  string
		took time.Duration
	}{
		{name: "grpc-gateway", url: startMux(b, addr) + "/v1/books/retry-1500"},
		{name: "statusmap", url: startMux(b, addr, gateway.ServeMuxOptions()...) + "/v1/books/retry-1500"},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.Cleanup(client.CloseIdleConnections)
	buf := make([]byte, 4096)
	b.ResetTimer()
	for range b.N {
		for i := range sides {
			start := time.Now()
			resp, err := client.Get(sides[i].url)
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := resp.Body.Read(buf); err != nil {
					break
				}
			}
			resp.Body.Close()
			sides[i].took += time.Since(start)
			if resp.StatusCode < 400 {
				b.Fatalf("%s answered %d", sides[i].name, resp.StatusCode)
			}
		}
	}
	for _, s := range sides {
		b.ReportMetric(float64(b.N)/s.took.Seconds(), s.name+"-errors/s")
	}
	b.ReportMetric(sides[0].took.Seconds()/sides[1].took.Seconds(), "statusmap-speedup")
}

// benchMux returns a mux with the bookshelf's routes for one path, each
// answering at once as a generated handler does after its gRPC call, with
// no gRPC hop: what is measured is the mux and what statusmap adds to it.
func benchMux(tb testing.TB, opts ...runtime.ServeMuxOption) *runtime.ServeMux {
	tb.Helper()
	mux := runtime.NewServeMux(opts...)
	book := &bookshelfv1.Book{Id: "7", Title: "Dune", Author: "Frank Herbert"}
	for _, method := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		err := mux.HandlePath(method, "/v1/books/{id}", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
			ctx := runtime.NewServerMetadataContext(r.Context(), runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}})
			_, out := runtime.MarshalerForRequest(mux, r)
			runtime.ForwardResponseMessage(ctx, mux, out, w, r, book, mux.GetForwardResponseOptions()...)
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return mux
}

// serveBench serves one request on a reused writer and returns the status.
func serveBench(mux http.Handler, w *statusWriter, r *http.Request) int {
	clear(w.h)
	w.code = 0
	mux.ServeHTTP(w, r)
	return w.code
}

// statusWriter is discardWriter that keeps the status.
type statusWriter struct {
	h    http.Header
	code int
}

func (w *statusWriter) Header() http.Header         { return w.h }
func (w *statusWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *statusWriter) WriteHeader(code int)        { w.code = code }

// BenchmarkSuccessThroughMux: a success through a plain grpc-gateway mux
// and through one with statusmap installed (target: at most 1.05x the time
// and one allocation more).
//
//	go test -run '^$' -bench SuccessThroughMux -count 6 ./gateway | benchstat -col /impl -
func BenchmarkSuccessThroughMux(b *testing.B) {
	for _, side := range []struct {
		name string
		mux  *runtime.ServeMux
	}{
		{"grpc-gateway", benchMux(b)},
		{"statusmap", benchMux(b, gateway.ServeMuxOptions()...)},
	} {
		b.Run("impl="+side.name, func(b *testing.B) {
			w := &statusWriter{h: http.Header{}}
			r := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
			b.ReportAllocs()
			for b.Loop() {
				if serveBench(side.mux, w, r) != 0 && w.code != 200 {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}

// BenchmarkRouting405: a wrong method on a known path. grpc-gateway answers
// 501 without Allow; statusmap 405 with Allow, found by probing the mux
// (target: at most twice grpc-gateway's allocations).
func BenchmarkRouting405(b *testing.B) {
	for _, side := range []struct {
		name string
		mux  *runtime.ServeMux
		want int
	}{
		{"grpc-gateway", benchMux(b), 501},
		{"statusmap", benchMux(b, gateway.ServeMuxOptions()...), 405},
	} {
		b.Run("impl="+side.name, func(b *testing.B) {
			w := &statusWriter{h: http.Header{}}
			r := httptest.NewRequest(http.MethodPost, "/v1/books/7", nil)
			b.ReportAllocs()
			for b.Loop() {
				if code := serveBench(side.mux, w, r); code != side.want {
					b.Fatalf("status %d; want %d", code, side.want)
				}
			}
		})
	}
}

// TestMuxAllocations pins the allocation targets of the two benchmarks
// above: a success costs no allocation more than a plain mux, and
// a routing 405 with Allow at most twice grpc-gateway's 501.
func TestMuxAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	plain, ours := benchMux(t), benchMux(t, gateway.ServeMuxOptions()...)
	measure := func(mux http.Handler, method string) float64 {
		w := &statusWriter{h: http.Header{}}
		r := httptest.NewRequest(method, "/v1/books/7", nil)
		return testing.AllocsPerRun(200, func() { serveBench(mux, w, r) })
	}
	if p, o := measure(plain, "GET"), measure(ours, "GET"); o > p {
		t.Errorf("success: statusmap %v allocations, plain mux %v; want no more", o, p)
	} else {
		t.Logf("success: statusmap %v allocations, plain mux %v", o, p)
	}
	if p, o := measure(plain, "POST"), measure(ours, "POST"); o > 2*p {
		t.Errorf("routing 405: statusmap %v allocations, grpc-gateway's 501 %v; want at most twice", o, p)
	} else {
		t.Logf("routing 405: statusmap %v allocations, grpc-gateway's 501 %v", o, p)
	}
}

// BenchmarkSuccessRatio alternates the two sides of
// BenchmarkSuccessThroughMux request by request, so that both see the same
// machine, and reports statusmap's time as a multiple of the plain mux's
// (target: at most 1.05).
func BenchmarkSuccessRatio(b *testing.B) {
	plain, ours := benchMux(b), benchMux(b, gateway.ServeMuxOptions()...)
	w := &statusWriter{h: http.Header{}}
	r := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	var tookPlain, tookOurs time.Duration
	first := true
	for b.Loop() {
		// Each side goes first every other time, so that neither gains
		// from the caches the other warmed.
		first = !first
		if first {
			start := time.Now()
			serveBench(plain, w, r)
			tookPlain += time.Since(start)
		}
		start := time.Now()
		serveBench(ours, w, r)
		tookOurs += time.Since(start)
		if !first {
			start := time.Now()
			serveBench(plain, w, r)
			tookPlain += time.Since(start)
		}
	}
	b.ReportMetric(tookOurs.Seconds()/tookPlain.Seconds(), "statusmap/grpc-gateway")
}

// BenchmarkUniqueDetailsRatio alternates the two sides of
// BenchmarkErrorHandlerUniqueDetails error by error and reports statusmap's
// time as a multiple of grpc-gateway's (target: at most 0.8).
func BenchmarkUniqueDetailsRatio(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	w := &discardWriter{h: http.Header{}}
	var tookTheirs, tookOurs time.Duration
	i := 0
	for b.Loop() {
		st, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
			&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"request_id": fmt.Sprint(i)}},
			&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(i) * time.Millisecond)},
		)
		if err != nil {
			b.Fatal(err)
		}
		i++
		e := st.Err()
		clear(w.h)
		start := time.Now()
		runtime.DefaultHTTPErrorHandler(ctx, mux, marshaler, w, req, e)
		mid := time.Now()
		clear(w.h)
		ours(ctx, mux, marshaler, w, req, e)
		tookOurs += time.Since(mid)
		tookTheirs += mid.Sub(start)
	}
	b.ReportMetric(tookOurs.Seconds()/tookTheirs.Seconds(), "statusmap/grpc-gateway")
}
