package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
)

// bookshelf is the test service. Book ids choose what a call does:
//
//	"code-N"       status N, message "book code-N"
//	"pin-N"        statusmap.Error(N, ...): HTTP status N pinned
//	"retry-MS"     ResourceExhausted with an ErrorInfo and a RetryInfo of MS milliseconds
//	"challenge"    a pinned 401 with a challenge of its own
//	"allow"        a pinned 405 that lists GET and PUT
//	"badutf8"      NotFound whose message is not UTF-8
//	"unknown"      NotFound with a detail whose type is not linked in
//	"md"           NotFound after setting header and trailer metadata
//	"debug"        Internal with a DebugInfo
//	"crlf"         Unauthenticated whose message tries to inject a header
//	anything else  a book
//
// A suffix "~tag" after an error id is ignored by the choice but kept in the
// message, so a load test can tell every response apart.
type bookshelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	calls atomic.Int64
}

func (s *bookshelf) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	s.calls.Add(1)
	if err := errorFor(ctx, req.GetId()); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId(), Title: "Title " + req.GetId()}, nil
}

func (s *bookshelf) ListBooks(ctx context.Context, _ *bookshelfv1.ListBooksRequest) (*bookshelfv1.ListBooksResponse, error) {
	s.calls.Add(1)
	return &bookshelfv1.ListBooksResponse{Books: []*bookshelfv1.Book{{Id: "1"}}}, nil
}

func (s *bookshelf) CreateBook(ctx context.Context, req *bookshelfv1.CreateBookRequest) (*bookshelfv1.Book, error) {
	s.calls.Add(1)
	if err := errorFor(ctx, req.GetBook().GetId()); err != nil {
		return nil, err
	}
	return req.GetBook(), nil
}

func (s *bookshelf) UpdateBook(ctx context.Context, req *bookshelfv1.UpdateBookRequest) (*bookshelfv1.Book, error) {
	s.calls.Add(1)
	if req.GetBook().GetTitle() == "accepted" {
		if err := statusmap.SetHTTPStatus(ctx, http.StatusAccepted); err != nil {
			return nil, err
		}
	}
	if err := errorFor(ctx, req.GetBook().GetId()); err != nil {
		return nil, err
	}
	return req.GetBook(), nil
}

func (s *bookshelf) DeleteBook(ctx context.Context, req *bookshelfv1.DeleteBookRequest) (*emptypb.Empty, error) {
	s.calls.Add(1)
	if err := errorFor(ctx, req.GetId()); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

func (s *bookshelf) ArchiveBook(ctx context.Context, req *bookshelfv1.ArchiveBookRequest) (*bookshelfv1.Book, error) {
	s.calls.Add(1)
	if err := errorFor(ctx, req.GetId()); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId(), Title: "archived"}, nil
}

func (s *bookshelf) StreamBooks(req *bookshelfv1.StreamBooksRequest, stream grpc.ServerStreamingServer[bookshelfv1.Book]) error {
	s.calls.Add(1)
	for i := range req.GetCount() {
		if err := stream.Send(&bookshelfv1.Book{Id: fmt.Sprint(i)}); err != nil {
			return err
		}
	}
	if req.GetFailWith() != "" {
		return errorFor(stream.Context(), req.GetFailWith())
	}
	return nil
}

// unknownDetail is a detail whose type no one in this binary knows.
var unknownDetail = &anypb.Any{TypeUrl: "type.googleapis.com/acme.v1.Secret", Value: []byte{0x0a, 0x03, 'a', 'b', 'c'}}

func errorFor(ctx context.Context, id string) error {
	kind, _, _ := strings.Cut(id, "~")
	switch {
	case strings.HasPrefix(kind, "code-"):
		n, _ := strconv.Atoi(strings.TrimPrefix(kind, "code-"))
		return status.Error(codes.Code(n), "book "+id)
	case strings.HasPrefix(kind, "pin-"):
		n, _ := strconv.Atoi(strings.TrimPrefix(kind, "pin-"))
		return statusmap.Errorf(n, "book %s", id)
	case strings.HasPrefix(id, "retry-"):
		ms, _ := strconv.Atoi(strings.TrimPrefix(id, "retry-"))
		st, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
			&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"limit": "10"}},
			&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(ms) * time.Millisecond)},
		)
		if err != nil {
			return err
		}
		return st.Err()
	case id == "challenge":
		return statusmap.NewPinned(&statusmapv1.HttpStatus{Code: 401, Challenges: []*statusmapv1.AuthChallenge{
			{Scheme: "Bearer", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "books"}, {Name: "error", Value: "invalid_token"}}},
		}}, "token expired").Err()
	case id == "allow":
		return statusmap.NewPinned(&statusmapv1.HttpStatus{Code: 405, AllowedMethods: []string{"GET", "PUT", "bad method"}}, "read-only").Err()
	case id == "badutf8":
		return status.Error(codes.NotFound, "no book \xff\xfe here")
	case id == "unknown":
		return status.FromProto(&spb.Status{Code: int32(codes.NotFound), Message: "secret", Details: []*anypb.Any{unknownDetail}}).Err()
	case id == "md":
		_ = grpc.SetHeader(ctx, metadata.Pairs("x-request-id", "req-7", "x-raw-bin", "\r\nInjected: 1"))
		_ = grpc.SetTrailer(ctx, metadata.Pairs("x-trailer", "t-1"))
		return status.Error(codes.NotFound, "no book md")
	case id == "debug":
		st, _ := status.New(codes.Internal, "db password rejected at 10.0.0.3").WithDetails(
			&errdetails.DebugInfo{Detail: "stack trace"},
			&errdetails.ErrorInfo{Reason: "DB"},
		)
		return st.Err()
	case id == "crlf":
		return status.Error(codes.Unauthenticated, "bad token\r\nSet-Cookie: evil=1")
	}
	return nil
}

// testGateway is a real gRPC server and a real grpc-gateway mux in front of
// it, both on loopback.
type testGateway struct {
	URL     string
	Service *bookshelf
	Client  *http.Client
}

// do sends a request and reads the whole response.
func (g *testGateway) do(t testing.TB, method, path, body string, header ...string) response {
	t.Helper()
	return doRequest(t, g.Client, method, g.URL+path, body, header...)
}

// startBackend starts the gRPC server and returns its address.
func startBackend(t testing.TB, svc *bookshelf, opts ...grpc.ServerOption) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(opts...)
	bookshelfv1.RegisterBookshelfServiceServer(srv, svc)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// startMux fronts the backend at addr with a mux built from muxOpts.
func startMux(t testing.TB, addr string, muxOpts ...runtime.ServeMuxOption) string {
	t.Helper()
	mux := runtime.NewServeMux(muxOpts...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// startGateway runs the service behind a mux with statusmap installed.
func startGateway(t testing.TB, opts ...gateway.Option) *testGateway {
	t.Helper()
	return startGatewayMux(t, opts)
}

// startGatewayMux is startGateway with mux options of the user's own,
// given to runtime.NewServeMux after statusmap's.
func startGatewayMux(t testing.TB, opts []gateway.Option, muxOpts ...runtime.ServeMuxOption) *testGateway {
	t.Helper()
	svc := &bookshelf{}
	addr := startBackend(t, svc)
	url := startMux(t, addr, append(gateway.ServeMuxOptions(opts...), muxOpts...)...)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	return &testGateway{URL: url, Service: svc, Client: client}
}

// serveOne runs a mux with one route whose handler forwards msg the way
// generated code does.
func serveOne(t *testing.T, method string, msg proto.Message, extra ...runtime.ServeMuxOption) *runtime.ServeMux {
	t.Helper()
	return serveOneWith(t, method, msg, nil, extra...)
}

// serveOneWith is serveOne with statusmap options.
func serveOneWith(t *testing.T, method string, msg proto.Message, opts []gateway.Option, extra ...runtime.ServeMuxOption) *runtime.ServeMux {
	t.Helper()
	mux := runtime.NewServeMux(append(gateway.ServeMuxOptions(opts...), extra...)...)
	err := mux.HandlePath(method, "/v1/things", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		_, out := runtime.MarshalerForRequest(mux, r)
		runtime.ForwardResponseMessage(r.Context(), mux, out, w, r, msg, mux.GetForwardResponseOptions()...)
	})
	if err != nil {
		t.Fatal(err)
	}
	return mux
}

// generatedMux returns a mux serving the bookshelf through its generated
// handlers (RegisterBookshelfServiceHandlerServer: AnnotateContext, the
// call, then ForwardResponseMessage), with the service in process: what is
// measured is the mux, the generated code and what statusmap adds, not a
// network.
func generatedMux(tb testing.TB, opts ...runtime.ServeMuxOption) *runtime.ServeMux {
	tb.Helper()
	mux := runtime.NewServeMux(opts...)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(context.Background(), mux, &bookshelf{}); err != nil {
		tb.Fatal(err)
	}
	return mux
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

// customTypeMarshaler is runtime/handler_test.go's CustomMarshaler: a JSONPb with
// its own Content-Type, which no handler can recognise as JSONPb.
type customTypeMarshaler struct{ m *runtime.JSONPb }

func (c *customTypeMarshaler) Marshal(v any) ([]byte, error)      { return c.m.Marshal(v) }
func (c *customTypeMarshaler) Unmarshal(data []byte, v any) error { return c.m.Unmarshal(data, v) }

func (c *customTypeMarshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return c.m.NewDecoder(r)
}

func (c *customTypeMarshaler) NewEncoder(w io.Writer) runtime.Encoder { return c.m.NewEncoder(w) }
func (c *customTypeMarshaler) ContentType(any) string                 { return "Custom-Content-Type" }

// newCustomTypeMarshaler is the marshaler a mux uses by default.
func newCustomTypeMarshaler() runtime.Marshaler {
	_, m := runtime.MarshalerForRequest(runtime.NewServeMux(), httptest.NewRequest("GET", "/", nil))
	return m
}

// newGateway is gateway.New for tests, whose options are always valid.
func newGateway(opts ...gateway.Option) *gateway.Gateway {
	g, err := gateway.New(opts...)
	if err != nil {
		panic(err)
	}
	return g
}

// errorHandler answers an error through a real mux configured by opts, as
// grpc-gateway's generated code does (runtime.HTTPError calls the mux's
// error handler). The mux argument is ignored: the handler has its own.
func errorHandler(opts ...gateway.Option) runtime.ErrorHandlerFunc {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions(opts...)...)
	return func(ctx context.Context, _ *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
		runtime.HTTPError(ctx, mux, m, w, r, err)
	}
}

// response is what a test reads of an HTTP response.
type response struct {
	Status  int
	Header  http.Header
	Trailer http.Header
	Body    []byte
}

func doRequest(t testing.TB, client *http.Client, method, url, body string, header ...string) response {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Trailer: resp.Trailer, Body: b}
}

// fetch is doRequest for goroutines other than the test's: it returns
// errors rather than calling t.Fatal.
func fetch(client *http.Client, method, url, body string) (int, http.Header, []byte, error) {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// fetchAllow sends a request without a body from any goroutine and returns its
// status and Allow.
func fetchAllow(client *http.Client, method, url string) (int, string, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, "", err
	}
	return resp.StatusCode, strings.Join(resp.Header.Values("Allow"), ", "), nil
}

// serveBench serves one request on a reused writer and returns the status.
func serveBench(mux http.Handler, w *statusWriter, r *http.Request) int {
	clear(w.h)
	w.code = 0
	mux.ServeHTTP(w, r)
	return w.code
}

// statusWriter is a ResponseWriter that discards the body and keeps the
// header and the status.
type statusWriter struct {
	h    http.Header
	code int
}

func (w *statusWriter) Header() http.Header         { return w.h }
func (w *statusWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *statusWriter) WriteHeader(code int)        { w.code = code }

// syncBuffer is a log sink the server's goroutines write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonOf decodes a body as generic JSON, failing the test when it is not.
func jsonOf(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	return v
}

// bodyCode returns the "code" member of a FormatStatus body, or -1.
func bodyCode(m map[string]any) int {
	if c, ok := m["code"].(float64); ok {
		return int(c)
	}
	return -1
}

// streamObjects splits a newline-delimited stream body into JSON objects.
func streamObjects(t testing.TB, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		out = append(out, jsonOf(t, line))
	}
	return out
}

// withoutPins drops statusmap's pins from a grpc-gateway body's details:
// grpc-gateway copies every detail into the body, statusmap leaves its own
// out (the status line, Allow and the challenge headers say it).
func withoutPins(body map[string]any) map[string]any {
	details, ok := body["details"].([]any)
	if !ok {
		return body
	}
	kept := []any{}
	for _, d := range details {
		if m, ok := d.(map[string]any); ok && m["@type"] == "type.googleapis.com/statusmap.v1.HttpStatus" {
			continue
		}
		kept = append(kept, d)
	}
	body["details"] = kept
	return body
}

// findDetails returns the details array of any of the three formats.
func findDetails(body map[string]any) []any {
	if e, ok := body["error"].(map[string]any); ok {
		body = e
	}
	d, _ := body["details"].([]any)
	return d
}

// isDocumented reports whether an HTTP status is in statusmap's table.
func isDocumented(httpStatus int) bool {
	for _, e := range statusmap.Documented() {
		if e.HTTPStatus == httpStatus {
			return true
		}
	}
	return false
}

// The benchmarks of issue 20, second round (BenchmarkRoutingRatio,
// BenchmarkRouting404And405, BenchmarkSuccessTax, BenchmarkEndToEndBlocks,
// BenchmarkErrorFromResponseSize). Every ratio is measured with both sides
// interleaved in one loop, so that both see the same machine (the machine
// these figures come from is shared). BENCHMARKS.md has the commands and
// the figures.

// samples are the durations of one side of an interleaved benchmark. The
// ratio of medians is the figure reported: on a shared machine a GC pause
// or a preemption lands on whichever side is running, and shifts a mean
// far more than a median. The ratio of means is reported beside it.
type samples []time.Duration

func (s *samples) add(d time.Duration) { *s = append(*s, d) }

func (s samples) median() float64 {
	if len(s) == 0 {
		return 0
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	return float64(sorted[len(sorted)/2])
}

func (s samples) total() float64 {
	var t time.Duration
	for _, d := range s {
		t += d
	}
	return float64(t)
}
