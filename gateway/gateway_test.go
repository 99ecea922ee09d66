package gateway_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// reuseShelf is the bookshelf, but book "bin" succeeds with binary header
// metadata whose bytes could be a header value as they are: only the
// metadata repair, which asks the mux, writes it in base64.
type reuseShelf struct {
	*bookshelf
}

func (s reuseShelf) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	if req.GetId() == "bin" {
		if err := grpc.SetHeader(ctx, metadata.Pairs("x-safe-bin", safeBin)); err != nil {
			return nil, err
		}
		return &bookshelfv1.Book{Id: "bin"}, nil
	}
	return s.bookshelf.GetBook(ctx, req)
}

const safeBin = "plain bytes"

// startReuseBackend starts a reuseShelf on loopback.
func startReuseBackend(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	bookshelfv1.RegisterBookshelfServiceServer(srv, reuseShelf{&bookshelf{}})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// startReuseMux is a mux built from opts in front of addr, with one route
// of its own (DELETE on the stream's path), so that a stream's 405 has a
// method to list in Allow that only the mux knows.
func startReuseMux(t *testing.T, addr string, opts []runtime.ServeMuxOption) string {
	t.Helper()
	mux := runtime.NewServeMux(opts...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	if err := mux.HandlePath("DELETE", "/v1/stream/books", func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.WriteHeader(http.StatusNoContent)
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestServeMuxOptionsReused: one slice of options given to two muxes, and
// two calls of one Gateway's ServeMuxOptions, make two muxes that each do
// everything statusmap does: the 405's Allow, WithNotAcceptable's 406, a
// stream's Allow, a form POST's 201, and the repair of binary metadata on
// a success. Once, reusing a slice silently turned the last four off on
// both muxes.
func TestServeMuxOptionsReused(t *testing.T) {
	addr := startReuseBackend(t)
	slice := gateway.ServeMuxOptions(gateway.WithNotAcceptable(true))
	g := newGateway(gateway.WithNotAcceptable(true))
	for _, tc := range []struct {
		name string
		a, b []runtime.ServeMuxOption
	}{
		{"one slice", slice, slice},
		{"one Gateway, two calls", g.ServeMuxOptions(), g.ServeMuxOptions()},
	} {
		urls := []string{startReuseMux(t, addr, tc.a), startReuseMux(t, addr, tc.b)}
		for i, url := range urls {
			t.Run(tc.name+"/mux "+string(rune('A'+i)), func(t *testing.T) {
				checkFullyInstalled(t, url)
			})
		}
	}
}

// checkFullyInstalled checks, through the mux at url, each behaviour that
// needs statusmap's binding to know its mux.
func checkFullyInstalled(t *testing.T, url string) {
	t.Helper()
	client := &http.Client{}
	t.Cleanup(client.CloseIdleConnections)
	if r := doRequest(t, client, "POST", url+"/v1/books/42", ""); r.Status != 405 || strings.Join(r.Header.Values("Allow"), ", ") != "GET, PUT, PATCH, DELETE" {
		t.Errorf("routing 405: %d, Allow %q", r.Status, r.Header.Values("Allow"))
	}
	if r := doRequest(t, client, "GET", url+"/v1/books/ok", "", "Accept", "text/xml"); r.Status != 406 {
		t.Errorf("Accept text/xml with WithNotAcceptable: %d; want 406 (%s)", r.Status, r.Body)
	}
	if r := doRequest(t, client, "GET", url+"/v1/stream/books?count=0&fail_with=pin-405", ""); r.Status != 405 || r.Header.Get("Allow") != "DELETE" {
		t.Errorf("stream pinned 405: %d, Allow %q; want 405, DELETE", r.Status, r.Header.Get("Allow"))
	}
	if r := doRequest(t, client, "POST", url+"/v1/books", "", "Content-Type", "application/x-www-form-urlencoded"); r.Status != 201 {
		t.Errorf("form POST to a POST binding: %d; want 201 (%s)", r.Status, r.Body)
	}
	if r := doRequest(t, client, "POST", url+"/v1/books/42", "", "Content-Type", "application/x-www-form-urlencoded"); r.Status != 200 {
		t.Errorf("form POST to a GET binding: %d; want 200 (%s)", r.Status, r.Body)
	}
	r := doRequest(t, client, "GET", url+"/v1/books/bin", "")
	if want := base64.RawStdEncoding.EncodeToString([]byte(safeBin)); r.Status != 200 || r.Header.Get("Grpc-Metadata-X-Safe-Bin") != want {
		t.Errorf("binary metadata on a success: %d, %q; want 200, %q", r.Status, r.Header.Get("Grpc-Metadata-X-Safe-Bin"), want)
	}
}

// TestServeMuxOptionsTwiceInOneMux: the same options given twice to one
// mux (a slice appended to itself, or two calls of ServeMuxOptions of one
// Gateway) install statusmap once in effect: a success's binary metadata
// goes out once, in base64, and a stream's error and a routing 405 are
// answered as with the options given once. Once, each installation
// repaired the metadata again and the header carried the value twice.
func TestServeMuxOptionsTwiceInOneMux(t *testing.T) {
	addr := startReuseBackend(t)
	slice := gateway.ServeMuxOptions(gateway.WithNotAcceptable(true))
	g := newGateway(gateway.WithNotAcceptable(true))
	for _, tc := range []struct {
		name string
		opts []runtime.ServeMuxOption
	}{
		{"one slice twice", append(append([]runtime.ServeMuxOption(nil), slice...), slice...)},
		{"one Gateway, two calls", append(g.ServeMuxOptions(), g.ServeMuxOptions()...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := startReuseMux(t, addr, tc.opts)
			checkFullyInstalled(t, url)
			client := &http.Client{}
			t.Cleanup(client.CloseIdleConnections)
			r := doRequest(t, client, "GET", url+"/v1/books/bin", "")
			want := []string{base64.RawStdEncoding.EncodeToString([]byte(safeBin))}
			if got := r.Header.Values("Grpc-Metadata-X-Safe-Bin"); r.Status != 200 || strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("binary metadata on a success: %d, %q; want 200, %q", r.Status, got, want)
			}
			r = doRequest(t, client, "POST", url+"/v1/books", `{"title":"t"}`)
			if r.Status != 201 {
				t.Errorf("POST: %d; want 201 (%s)", r.Status, r.Body)
			}
		})
	}
}

// TestServeMuxOptionsReusedInterleaved: two muxes built from one slice of
// options (and two from one Gateway), each with a route of its own on the
// stream's path, serve requests at the same time; every routing 405 and
// every stream error lists in Allow the methods of its own mux, never the
// other's.
func TestServeMuxOptionsReusedInterleaved(t *testing.T) {
	addr := startReuseBackend(t)
	slice := gateway.ServeMuxOptions()
	g := newGateway()
	for _, tc := range []struct {
		name string
		a, b []runtime.ServeMuxOption
	}{
		{"one slice", slice, slice},
		{"one Gateway", g.ServeMuxOptions(), g.ServeMuxOptions()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			muxes := []struct{ url, own string }{
				{startMuxWithRoute(t, addr, tc.a, "DELETE"), "DELETE"},
				{startMuxWithRoute(t, addr, tc.b, "PUT"), "PUT"},
			}
			client := &http.Client{}
			t.Cleanup(client.CloseIdleConnections)
			errs := make(chan string, 64)
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m := muxes[i%2]
					for range 4 {
						if status, allow, err := fetchAllow(client, "POST", m.url+"/v1/stream/books"); err != nil || status != 405 || allow != "GET, "+m.own {
							errs <- fmt.Sprintf("routing 405 through the %s mux: %d, Allow %q, %v", m.own, status, allow, err)
						}
						if status, allow, err := fetchAllow(client, "GET", m.url+"/v1/stream/books?count=0&fail_with=pin-405"); err != nil || status != 405 || allow != m.own {
							errs <- fmt.Sprintf("stream 405 through the %s mux: %d, Allow %q, %v", m.own, status, allow, err)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})
	}
}

// startMuxWithRoute is startReuseMux with a route of its own for method on
// the stream's path.
func startMuxWithRoute(t *testing.T, addr string, opts []runtime.ServeMuxOption, method string) string {
	t.Helper()
	mux := runtime.NewServeMux(opts...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	if err := mux.HandlePath(method, "/v1/stream/books", func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.WriteHeader(http.StatusNoContent)
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestWriteErrorNil: a nil error is not an error to answer. The method
// returns an error and writes nothing; so does the package shortcut.
// Once, both answered 500 Internal Server Error.
func TestWriteErrorNil(t *testing.T) {
	rec := httptest.NewRecorder()
	err := newGateway().WriteError(rec, httptest.NewRequest("GET", "/", nil), nil)
	if err == nil {
		t.Error("(*Gateway).WriteError(nil): no error")
	}
	if rec.Code != 200 || rec.Body.Len() != 0 || len(rec.Header()) != 0 || rec.Flushed {
		t.Errorf("(*Gateway).WriteError(nil) wrote: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	rec = httptest.NewRecorder()
	gateway.WriteError(rec, nil, nil)
	if rec.Code != 200 || rec.Body.Len() != 0 || len(rec.Header()) != 0 || rec.Flushed {
		t.Errorf("gateway.WriteError(nil) wrote: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	// Something written to w afterwards is what the client gets.
	rec = httptest.NewRecorder()
	gateway.WriteError(rec, nil, nil)
	rec.WriteHeader(204)
	if rec.Code != 204 {
		t.Errorf("status after WriteError(nil): %d; want the handler's 204", rec.Code)
	}
}

// brokenWriter is a client that went away: every write fails.
type brokenWriter struct{ header http.Header }

func (w *brokenWriter) Header() http.Header       { return w.header }
func (w *brokenWriter) WriteHeader(int)           {}
func (w *brokenWriter) Write([]byte) (int, error) { return 0, errGone }

var errGone = errors.New("client gone")

// TestPackageWriteErrorReturnsError: the package-level WriteError returns
// what (*Gateway).WriteError returns: the error of writing the body, and
// an error for a nil err. (It returned nothing; a plain net/http handler
// could not tell that its client never got the answer.)
func TestPackageWriteErrorReturnsError(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	fromMethod := newGateway().WriteError(&brokenWriter{header: http.Header{}}, r, errors.New("x"))
	fromPackage := gateway.WriteError(&brokenWriter{header: http.Header{}}, r, errors.New("x"))
	if !errors.Is(fromPackage, errGone) || !errors.Is(fromMethod, errGone) {
		t.Errorf("write failure: package %v, method %v; want both to wrap %v", fromPackage, fromMethod, errGone)
	}
	nilMethod := newGateway().WriteError(httptest.NewRecorder(), r, nil)
	nilPackage := gateway.WriteError(httptest.NewRecorder(), r, nil)
	if nilPackage == nil || nilMethod == nil || nilPackage.Error() != nilMethod.Error() {
		t.Errorf("nil error: package %v, method %v; want the same error", nilPackage, nilMethod)
	}
	if err := gateway.WriteError(httptest.NewRecorder(), r, errors.New("x")); err != nil {
		t.Errorf("a write that succeeds: %v", err)
	}
}

// TestZeroGatewayWritesError: a Gateway not made by New (its zero value)
// still writes an error with the default body, as it did before the body
// writer moved to its own package, rather than panicking.
func TestZeroGatewayWritesError(t *testing.T) {
	var g gateway.Gateway
	w := httptest.NewRecorder()
	err := g.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), status.Error(codes.NotFound, "no such book"))
	if err != nil || w.Code != http.StatusNotFound || w.Body.String() != `{"code":5,"message":"no such book","details":[]}` {
		t.Errorf("got %v, %d %s", err, w.Code, w.Body)
	}
}

// loadRequest is one kind of request of the load test, with what its
// response must be. tag makes every request's response its own.
type loadRequest struct {
	method, path, body string
	header             []string
	want               int
	// check inspects the body; tag is the request's unique mark.
	check func(body []byte, tag string) error
}

func wantMessage(body []byte, tag string) error {
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("body is not JSON: %v: %q", err, body)
	}
	if msg, _ := v["message"].(string); !strings.Contains(msg, tag) {
		return fmt.Errorf("message %q is not this request's (%s)", msg, tag)
	}
	return nil
}

func wantJSON(body []byte, _ string) error {
	if !json.Valid(body) {
		return fmt.Errorf("body is not JSON: %q", body)
	}
	return nil
}

func wantBookID(body []byte, tag string) error {
	var v struct{ ID string }
	if err := json.Unmarshal(body, &v); err != nil || !strings.HasSuffix(v.ID, tag) {
		return fmt.Errorf("book %q is not this request's (%s): %v", v.ID, tag, err)
	}
	return nil
}

func wantStreamLines(n int) func([]byte, string) error {
	return func(body []byte, _ string) error {
		lines := 0
		sc := bufio.NewScanner(strings.NewReader(string(body)))
		for sc.Scan() {
			if !json.Valid(sc.Bytes()) {
				return fmt.Errorf("stream line is not JSON: %q", sc.Text())
			}
			lines++
		}
		if lines != n {
			return fmt.Errorf("%d stream lines; want %d", lines, n)
		}
		return nil
	}
}

// loadMix is the mix: successes, errors, pins, streams, routing errors and
// hostile requests. %s in a path is replaced by the request's tag.
var loadMix = []loadRequest{
	{method: "GET", path: "/v1/books/ok-%s", want: 200, check: wantBookID},
	{method: "POST", path: "/v1/books", body: `{"id":"new-%s"}`, want: 201, check: wantBookID},
	{method: "DELETE", path: "/v1/books/gone-%s", want: 204, check: func(b []byte, _ string) error {
		if len(b) != 0 {
			return fmt.Errorf("204 with a body: %q", b)
		}
		return nil
	}},
	{method: "GET", path: "/v1/books/code-5~%s", want: 404, check: wantMessage},
	{method: "GET", path: "/v1/books/code-8~%s", want: 503, check: wantMessage},
	{method: "GET", path: "/v1/books/code-16~%s", want: 401, check: wantMessage},
	{method: "GET", path: "/v1/books/pin-405~%s", want: 405, check: wantMessage},
	{method: "GET", path: "/v1/books/pin-502~%s", want: 502, check: wantMessage},
	{method: "GET", path: "/v1/books/retry-1500", want: 503, check: wantJSON},
	{method: "POST", path: "/v1/books/x-%s", want: 405, check: wantJSON},
	{method: "GET", path: "/v1/nowhere/%s", want: 404, check: wantJSON},
	{method: "GET", path: "/v1/stream/books?count=3", want: 200, check: wantStreamLines(3)},
	{method: "GET", path: "/v1/stream/books?count=0&fail_with=pin-409", want: 409, check: wantStreamLines(1)},
	{method: "GET", path: "/v1/stream/books?count=2&fail_with=code-13", want: 200, check: wantStreamLines(3)},
	// Hostile: headers that try to choose the status or the format, bytes
	// that are not UTF-8, and a body that is not JSON.
	{method: "GET", path: "/v1/books/code-5~%s", header: []string{"Grpc-Metadata-Statusmap-Http-Status", "200", "Accept", "application/problem+json;q=7, */*;q=abc", "TE", "trailers, deflate"}, want: 404, check: wantJSON},
	// grpc-go refuses to marshal a string that is not UTF-8: Internal, 500.
	{method: "GET", path: "/v1/books/%%ff%%fe-%s", want: 500, check: wantJSON},
	{method: "POST", path: "/v1/books", body: `{"id": "%s", "title": `, want: 400, check: wantJSON},
	{method: "PUT", path: "/v1/books/b-%s", body: "\xff\xfe\x00", want: 400, check: wantJSON},
}

// TestLoad drives a real gateway and gRPC server on loopback with 64
// concurrent clients over the mix, checks every response, and then checks
// that no goroutine outlives the servers. It is bounded: a fixed number of
// requests, stopping by itself.
func TestLoad(t *testing.T) {
	// Goroutines already running (other tests' idle connections) are not
	// this test's; its own servers are stopped by the subtest's cleanups,
	// which run before the check.
	before := goleak.IgnoreCurrent()
	const clients = 64
	perClient := 150
	if testing.Short() {
		perClient = 30
	}

	var total, failures atomic.Int64
	t.Run("traffic", func(t *testing.T) {
		g := startGateway(t)
		transport := &http.Transport{MaxIdleConnsPerHost: clients}
		defer transport.CloseIdleConnections()
		client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
		start := time.Now()
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				for i := range perClient {
					tag := fmt.Sprintf("c%d-r%d", c, i)
					rq := loadMix[(c+i)%len(loadMix)]
					err := sendLoad(client, g.URL, rq, tag)
					total.Add(1)
					if err != nil {
						if failures.Add(1) <= 5 {
							t.Errorf("%s %s: %v", rq.method, rq.path, err)
						}
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		t.Logf("load: %d requests from %d clients in %v (%.0f req/s), %d failures",
			total.Load(), clients, elapsed.Round(time.Millisecond), float64(total.Load())/elapsed.Seconds(), failures.Load())
	})
	if failures.Load() != 0 {
		t.Fatalf("%d of %d responses were wrong", failures.Load(), total.Load())
	}
	goleak.VerifyNone(t, before)
}

func sendLoad(client *http.Client, base string, rq loadRequest, tag string) error {
	path := rq.path
	if strings.Contains(path, "%s") {
		path = fmt.Sprintf(path, tag)
	}
	var body io.Reader
	if rq.body != "" {
		b := rq.body
		if strings.Contains(b, "%s") {
			b = fmt.Sprintf(b, tag)
		}
		body = strings.NewReader(b)
	}
	req, err := http.NewRequest(rq.method, base+path, body)
	if err != nil {
		return err
	}
	if rq.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(rq.header); i += 2 {
		req.Header.Set(rq.header[i], rq.header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != rq.want {
		return fmt.Errorf("status %d; want %d (%s)", resp.StatusCode, rq.want, b)
	}
	if resp.StatusCode >= 400 && !isDocumented(resp.StatusCode) && resp.StatusCode != 502 && resp.StatusCode != 409 {
		return fmt.Errorf("status %d is not documented", resp.StatusCode)
	}
	for name, vs := range resp.Header {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				return fmt.Errorf("header %s holds a control byte: %q", name, v)
			}
		}
	}
	return rq.check(b, tag)
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

// BenchmarkEndToEndBlocks serves errors from a real gRPC backend through
// two real gateways on loopback (grpc-gateway's defaults, and statusmap),
// with keep-alive clients (1, or 4 at once), in blocks of 64 requests per
// client that alternate sides, and reports each side's error responses per
// second (requests over the wall time of its blocks) and its p50 and p99
// latency. Run it with a fixed count:
//
//	go test -run '^$' -bench EndToEndBlocks -benchtime 4000x -count 6 ./gateway
func BenchmarkEndToEndBlocks(b *testing.B) {
	for _, clients := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchEndToEnd(b, clients) })
	}
}

func benchEndToEnd(b *testing.B, clients int) {
	const block = 64
	addr := startBackend(b, &bookshelf{})
	type side struct {
		name      string
		url       string
		client    *http.Client
		wall      time.Duration
		done      int
		latencies []time.Duration
	}
	sides := []*side{
		{name: "grpc-gateway", url: startMux(b, addr) + "/v1/books/retry-1500"},
		{name: "statusmap", url: startMux(b, addr, gateway.ServeMuxOptions()...) + "/v1/books/retry-1500"},
	}
	// do sends one request and returns its latency, or an error.
	do := func(s *side, buf []byte) (time.Duration, error) {
		start := time.Now()
		resp, err := s.client.Get(s.url)
		if err != nil {
			return 0, err
		}
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			return 0, fmt.Errorf("%s answered %d", s.name, resp.StatusCode)
		}
		return time.Since(start), nil
	}
	// runBlock has each client send n requests to s at once.
	runBlock := func(s *side, n int) {
		lat := make([][]time.Duration, clients)
		errs := make([]error, clients)
		var wg sync.WaitGroup
		start := time.Now()
		for c := range clients {
			wg.Go(func() {
				buf := make([]byte, 4096)
				for range n {
					d, err := do(s, buf)
					if err != nil {
						errs[c] = err
						return
					}
					lat[c] = append(lat[c], d)
				}
			})
		}
		wg.Wait()
		s.wall += time.Since(start)
		for c := range clients {
			if errs[c] != nil {
				b.Fatal(errs[c])
			}
			s.latencies = append(s.latencies, lat[c]...)
			s.done += len(lat[c])
		}
	}
	for _, s := range sides {
		s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
		b.Cleanup(s.client.CloseIdleConnections)
		runBlock(s, block) // warm the connections and the handlers
		s.wall, s.done, s.latencies = 0, 0, make([]time.Duration, 0, b.N+block)
	}
	b.ResetTimer()
	// b.N requests per side in all, block*clients at a time.
	for i := 0; i < b.N; i += block * clients {
		n := max(1, min(block, (b.N-i)/clients))
		for k := range sides {
			// Each side goes first every other block.
			runBlock(sides[(k+i/(block*clients))%2], n)
		}
	}
	b.StopTimer()
	var rates [2]float64
	for k, s := range sides {
		rates[k] = float64(s.done) / s.wall.Seconds()
		slices.Sort(s.latencies)
		b.ReportMetric(rates[k], s.name+"-errors/s")
		b.ReportMetric(float64(percentile(s.latencies, 50).Microseconds()), s.name+"-p50-µs")
		b.ReportMetric(float64(percentile(s.latencies, 99).Microseconds()), s.name+"-p99-µs")
	}
	b.ReportMetric(rates[1]/rates[0], "statusmap/grpc-gateway-errors/s")
	// The same comparison from the medians, which a GC pause or a
	// preemption of a process sharing the machine moves far less.
	b.ReportMetric(float64(percentile(sides[0].latencies, 50))/float64(percentile(sides[1].latencies, 50)), "statusmap/grpc-gateway-p50-speed")
}

// percentile is the p-th percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}
