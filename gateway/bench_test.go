package gateway_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
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
// time as a multiple of grpc-gateway's (target: at most 0.5).
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

// uniqueDetailCases are the detail mixes of BenchmarkUniqueDetailsMix: each
// google.rpc error detail alone, then the pairs errors commonly carry.
var uniqueDetailCases = []string{
	"ErrorInfo", "RequestInfo", "RetryInfo", "ResourceInfo", "BadRequest", "PreconditionFailure",
	"QuotaFailure", "Help", "LocalizedMessage", "DebugInfo",
	"ErrorInfo+RequestInfo", "ErrorInfo+RetryInfo", "BadRequest+RequestInfo", "ResourceInfo+ErrorInfo",
	"QuotaFailure+RetryInfo", "PreconditionFailure+ErrorInfo", "ErrorInfo+Help", "BadRequest+LocalizedMessage",
}

// uniqueDetail is the detail of a type for the i-th error: every one holds
// something of its own (a request id, an index), so that no two errors
// share a rendered detail.
func uniqueDetail(kind string, i int) proto.Message {
	id := fmt.Sprintf("req-%08x", i)
	switch kind {
	case "ErrorInfo":
		return &errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"request_id": id, "limit": "10"}}
	case "RequestInfo":
		return &errdetails.RequestInfo{RequestId: id, ServingData: "pod-3"}
	case "RetryInfo":
		return &errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(i) * time.Millisecond)}
	case "ResourceInfo":
		return &errdetails.ResourceInfo{ResourceType: "book", ResourceName: "shelves/1/books/" + id, Owner: "user:reader", Description: "no such book"}
	case "BadRequest":
		return &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "book.title", Description: "too long: " + id, Reason: "TITLE_TOO_LONG"},
		}}
	case "PreconditionFailure":
		return &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
			{Type: "TOS", Subject: "user:" + id, Description: "terms of service not accepted"},
		}}
	case "QuotaFailure":
		return &errdetails.QuotaFailure{Violations: []*errdetails.QuotaFailure_Violation{
			{Subject: "project:" + id, Description: "daily limit", QuotaMetric: "books.example/reads", QuotaValue: int64(i)},
		}}
	case "Help":
		return &errdetails.Help{Links: []*errdetails.Help_Link{{Description: "quota", Url: "https://bookshelf.example/quota?id=" + id}}}
	case "LocalizedMessage":
		return &errdetails.LocalizedMessage{Locale: "fr-CH", Message: "Livre introuvable : " + id}
	case "DebugInfo":
		return &errdetails.DebugInfo{StackEntries: []string{"main.go:12", id}, Detail: "lookup failed"}
	}
	panic("unknown detail " + kind)
}

// uniqueDetailError is the i-th error of a detail mix, with details of its
// own.
func uniqueDetailError(tb testing.TB, mix string, i int) error {
	sp := &spb.Status{Code: int32(codes.ResourceExhausted), Message: "quota exceeded"}
	for kind := range strings.SplitSeq(mix, "+") {
		detail, err := anypb.New(uniqueDetail(kind, i))
		if err != nil {
			tb.Fatal(err)
		}
		sp.Details = append(sp.Details, detail)
	}
	return status.FromProto(sp).Err()
}

// uniqueDetailErrors makes errors from to from+n-1 of a detail mix, each
// with its own details.
func uniqueDetailErrors(tb testing.TB, mix string, from, n int) []error {
	tb.Helper()
	errs := make([]error, n)
	for i := range errs {
		errs[i] = uniqueDetailError(tb, mix, from+i)
	}
	return errs
}

// BenchmarkUniqueDetailsMix runs each side alone on errors whose details
// are all different (b.N of them, made before the timer starts), for each
// detail mix, so that allocs/op is each side's own;
// BenchmarkUniqueDetailsMixRatio gives the time ratio.
//
//	go test -run '^$' -bench 'UniqueDetailsMix$' -benchmem ./gateway
func BenchmarkUniqueDetailsMix(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	for _, mix := range uniqueDetailCases {
		for _, h := range []struct {
			name    string
			handler runtime.ErrorHandlerFunc
		}{{"grpc-gateway", runtime.DefaultHTTPErrorHandler}, {"statusmap", ours}} {
			b.Run("details="+mix+"/impl="+h.name, func(b *testing.B) {
				errs := uniqueDetailErrors(b, mix, 0, b.N)
				w := &discardWriter{h: http.Header{}}
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					clear(w.h)
					h.handler(ctx, mux, marshaler, w, req, errs[i])
				}
			})
		}
	}
}

// BenchmarkUniqueDetailsMixRatio alternates the two sides error by error,
// for each detail mix, each error's details its own, and reports
// statusmap's time as a multiple of grpc-gateway's (target: at most 0.5).
func BenchmarkUniqueDetailsMixRatio(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	for _, mix := range uniqueDetailCases {
		b.Run("details="+mix, func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			var tookTheirs, tookOurs time.Duration
			i := 0
			for b.Loop() {
				e := uniqueDetailError(b, mix, i)
				i++
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
		})
	}
}

// TestUniqueDetailsAllocs pins the allocations of an error whose details
// are its own, rendered from their bytes: at most 15 with two details, for
// every pair of BenchmarkUniqueDetailsMix (and 13 with one).
func TestUniqueDetailsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	w := &discardWriter{h: http.Header{}}
	// Warm the rendered-detail cache's admission list past its bound, as
	// a server's is after a few thousand errors: its first growth is not
	// a cost per error.
	for _, err := range uniqueDetailErrors(t, "ErrorInfo+RequestInfo", 1<<20, 2100) {
		ours(ctx, mux, marshaler, w, req, err)
	}
	for m, mix := range uniqueDetailCases {
		// Each mix its own ids: a detail seen before would be cached.
		errs := uniqueDetailErrors(t, mix, m<<16, 256)
		i := 0
		allocs := testing.AllocsPerRun(200, func() {
			clear(w.h)
			ours(ctx, mux, marshaler, w, req, errs[i%len(errs)])
			i++
		})
		limit := 13.0
		if strings.Contains(mix, "+") {
			limit = 15
		}
		t.Logf("%s: %v allocations", mix, allocs)
		if allocs > limit {
			t.Errorf("%s: %v allocations per error; want at most %v", mix, allocs, limit)
		}
	}
}
