package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// TestDocumentedStatusesEndToEnd sends, through the real gateway, an error
// for every gRPC code and a pin for every documented error status.
func TestDocumentedStatusesEndToEnd(t *testing.T) {
	g := startGateway(t)
	for c := codes.Code(1); c <= codes.Unauthenticated; c++ {
		r := g.do(t, "GET", "/v1/books/code-"+strconv.Itoa(int(c)), "")
		if want := statusmap.HTTPStatus(c); r.Status != want {
			t.Errorf("code %v: status %d; want %d", c, r.Status, want)
		}
		if !isDocumented(r.Status) {
			t.Errorf("code %v: status %d is not documented", c, r.Status)
		}
		if got := jsonOf(t, r.Body)["code"]; got != float64(c) {
			t.Errorf("code %v: body code %v", c, got)
		}
	}
	for _, e := range statusmap.Documented() {
		if e.HTTPStatus < 400 {
			continue
		}
		r := g.do(t, "GET", "/v1/books/pin-"+strconv.Itoa(e.HTTPStatus), "")
		if r.Status != e.HTTPStatus {
			t.Errorf("pinned %d: status %d", e.HTTPStatus, r.Status)
		}
		body := jsonOf(t, r.Body)
		if body["code"] != float64(e.Code) || body["message"] != "book pin-"+strconv.Itoa(e.HTTPStatus) {
			t.Errorf("pinned %d: body %s", e.HTTPStatus, r.Body)
		}
	}
}

// selfWrapping and selfJoining are broken errors that wrap themselves.
type selfWrapping struct{}

func (e *selfWrapping) Error() string { return "wraps itself" }
func (e *selfWrapping) Unwrap() error { return e }

type selfJoining struct{}

func (e *selfJoining) Error() string   { return "joins itself" }
func (e *selfJoining) Unwrap() []error { return []error{e, e} }

// TestSelfWrappingErrors: errors.Is/As and status.FromError never return on
// such errors (or overflow the stack); every path here must answer 500.
func TestSelfWrappingErrors(t *testing.T) {
	mux := runtime.NewServeMux()
	ours := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	for _, err := range []error{&selfWrapping{}, &selfJoining{}, fmt.Errorf("x: %w", &selfJoining{})} {
		rec := httptest.NewRecorder()
		gateway.WriteError(rec, httptest.NewRequest("GET", "/", nil), err)
		if rec.Code != 500 {
			t.Errorf("WriteError(%v) = %d; want 500", err, rec.Code)
		}
		rec = httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		errorHandler()(req.Context(), mux, &runtime.JSONPb{}, rec, req, &runtime.HTTPStatusError{HTTPStatus: 0, Err: err})
		if rec.Code != 500 {
			t.Errorf("ErrorHandler(HTTPStatusError{%v}) = %d; want 500", err, rec.Code)
		}
		rec = httptest.NewRecorder()
		runtime.HTTPStreamError(context.Background(), ours, &runtime.JSONPb{}, rec, req, err)
		var chunk struct {
			Error struct{ Code int } `json:"error"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &chunk) != nil || chunk.Error.Code != int(codes.Unknown) {
			t.Errorf("stream error handler(%v) = %s; want Unknown", err, rec.Body)
		}
	}
}

// TestWrappedStatusMessage: a wrapped status speaks with its own message on
// both sides, as the interceptors send it and as the gateway writes it; the
// wrapper's text (server-side context, often internal) reaches neither.
func TestWrappedStatusMessage(t *testing.T) {
	err := fmt.Errorf("loading shelf: %w", statusmap.Error(404, "no book"))
	fromInterceptor := status.Convert(statusmap.Translator()(context.Background(), err))
	rec := httptest.NewRecorder()
	if werr := newGateway().WriteError(rec, nil, err); werr != nil {
		t.Fatal(werr)
	}
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if e := json.Unmarshal(rec.Body.Bytes(), &body); e != nil {
		t.Fatal(e)
	}
	if fromInterceptor.Message() != "no book" || body.Message != "no book" || rec.Code != 404 || body.Code != int(codes.NotFound) {
		t.Errorf("interceptor %q, gateway %d %q; want 404 and %q on both sides", fromInterceptor.Message(), rec.Code, body.Message, "no book")
	}
}

func TestMapperAppliesToContextErrors(t *testing.T) {
	m, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		t.Fatal(err)
	}
	ew := newGateway(gateway.WithStatusMapper(m))
	for _, e := range []error{status.Error(codes.Canceled, "x"), context.Canceled, fmt.Errorf("call: %w", context.Canceled)} {
		rec := httptest.NewRecorder()
		ew.WriteError(rec, nil, e)
		if rec.Code != 499 {
			t.Errorf("%v: %d; want the Mapper's 499", e, rec.Code)
		}
	}
}

// TestHTTPStatusErrorHonoured calls the handler directly with grpc-gateway's
// own override type, as its mux does for a malformed path escape.
func TestHTTPStatusErrorHonoured(t *testing.T) {
	handler := errorHandler()
	mux := runtime.NewServeMux()
	marshaler := &runtime.JSONPb{}
	testCases := []struct {
		err  error
		want int
	}{
		{&runtime.HTTPStatusError{HTTPStatus: 400, Err: status.Error(codes.Internal, "bad escape")}, 400},
		{&runtime.HTTPStatusError{HTTPStatus: 418, Err: status.Error(codes.Internal, "teapot")}, 418},
		// An override that is not an error status is ignored: the status's
		// own mapping stands.
		{&runtime.HTTPStatusError{HTTPStatus: 200, Err: status.Error(codes.NotFound, "x")}, 404},
		{&runtime.HTTPStatusError{HTTPStatus: 302, Err: statusmap.Error(409, "x")}, 409},
		{&runtime.HTTPStatusError{HTTPStatus: 400, Err: nil}, 400},
	}
	for _, tc := range testCases {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x", nil)
		handler(req.Context(), mux, marshaler, rec, req, tc.err)
		if rec.Code != tc.want {
			t.Errorf("%v: status %d; want %d", tc.err, rec.Code, tc.want)
		}
		jsonOf(t, rec.Body.Bytes())
	}
}

func TestPlainErrors(t *testing.T) {
	req := httptest.NewRequest("GET", "/x", nil)
	// WriteError(nil) writes nothing: TestWriteErrorNil.
	st, _ := status.New(codes.Unavailable, "try later").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(2e9)})
	for _, tc := range []struct {
		err      error
		want     int
		wantCode float64
	}{
		{http.ErrHandlerTimeout, 500, 2},
		{st.Err(), 503, 14},
		{statusmap.Error(502, "upstream"), 502, 14},
	} {
		rec := httptest.NewRecorder()
		gateway.WriteError(rec, req, tc.err)
		if rec.Code != tc.want || jsonOf(t, rec.Body.Bytes())["code"] != tc.wantCode {
			t.Errorf("%v: %d %s; want %d code %v", tc.err, rec.Code, rec.Body, tc.want, tc.wantCode)
		}
	}
}

// TestClientCannotChooseStatus sends requests that try to pick their own
// status or headers; the response follows the error alone.
func TestClientCannotChooseStatus(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/code-5", "",
		"Grpc-Metadata-Statusmap-Http-Status", "200",
		"X-HTTP-Method-Override", "DELETE",
		"Accept", "application/problem+json; q=2",
		"TE", "trailers")
	if r.Status != 404 {
		t.Errorf("status %d; want 404", r.Status)
	}
	r = g.do(t, "PUT", "/v1/books/b2", `{"id":"b2","title":"x"}`, "Grpc-Metadata-Statusmap-Http-Status", "202")
	if r.Status != 200 {
		t.Errorf("a client header chose the success status: %d", r.Status)
	}
	if got := statusmap.HTTPStatusOf(status.Error(codes.NotFound, "x")); got != 404 {
		t.Fatal(got)
	}
}

// catalogShelf answers GetBook with the example catalog's generated errors:
//
//	"missing"  bookshelfv1.ErrorBookNotFound (404)
//	"dup"      bookshelfv1.ErrorBookAlreadyExists (409, code AlreadyExists)
//	"foreign"  the reason BOOK_NOT_FOUND in another domain
type catalogShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (catalogShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	switch req.GetId() {
	case "missing":
		return nil, bookshelfv1.ErrorBookNotFound("no book %q", req.GetId())
	case "dup":
		return nil, bookshelfv1.ErrorBookAlreadyExists("book %q already exists", req.GetId())
	case "foreign":
		return nil, reason.Errorf(404, "other.example.com", bookshelfv1.ReasonBookNotFound, "not ours")
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

// catalogRelay is a gRPC service on the far side of an HTTP hop: it reads
// its books from a gateway's REST API and returns the REST error read back
// with ErrorFromResponse, as a service calling another team's API does.
type catalogRelay struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	baseURL string
	client  *http.Client
}

func (r *catalogRelay) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, r.baseURL+"/v1/books/"+req.GetId(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.client.Do(httpReq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := gateway.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

// startCatalogServer serves svc over gRPC on loopback, with statusmap's
// interceptors as a real deployment has them, and returns a client.
func startCatalogServer(t *testing.T, svc bookshelfv1.BookshelfServiceServer) (string, bookshelfv1.BookshelfServiceClient) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor()),
	)
	bookshelfv1.RegisterBookshelfServiceServer(srv, svc)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return lis.Addr().String(), bookshelfv1.NewBookshelfServiceClient(conn)
}

// startCatalogGateway fronts the gRPC server at addr with a real
// grpc-gateway mux, statusmap installed with opts.
func startCatalogGateway(t *testing.T, addr string, opts ...gateway.Option) string {
	t.Helper()
	mux := runtime.NewServeMux(gateway.ServeMuxOptions(opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// catalogCase is one generated error and how it must look everywhere.
type catalogCase struct {
	id         string
	is         func(error) bool // the generated Is function that must hold
	isNot      func(error) bool // a generated Is function that must not
	code       codes.Code
	httpStatus int
}

var catalogCases = []catalogCase{
	{"missing", bookshelfv1.IsBookNotFound, bookshelfv1.IsBookAlreadyExists, codes.NotFound, 404},
	// Code(409) is Aborted; the pin keeps the 409 exact.
	{"dup", bookshelfv1.IsBookAlreadyExists, bookshelfv1.IsBookNotFound, codes.AlreadyExists, 409},
}

// checkCatalogError checks an error received after some hops.
func checkCatalogError(t *testing.T, where string, c catalogCase, err error) {
	t.Helper()
	if !c.is(err) {
		t.Errorf("%s %s: generated Is function false on %v", where, c.id, err)
	}
	if c.isNot(err) {
		t.Errorf("%s %s: another reason's Is function true on %v", where, c.id, err)
	}
	if got := status.Code(err); got != c.code {
		t.Errorf("%s %s: code %v; want %v", where, c.id, got, c.code)
	}
	if got := statusmap.HTTPStatusOf(err); got != c.httpStatus {
		t.Errorf("%s %s: HTTPStatusOf %d; want %d", where, c.id, got, c.httpStatus)
	}
}

// TestCatalogErrorOverGRPC: a generated error keeps its reason, domain,
// code and exact status across a real gRPC hop, through the interceptors.
func TestCatalogErrorOverGRPC(t *testing.T) {
	_, client := startCatalogServer(t, catalogShelf{})
	ctx := context.Background()
	for _, c := range catalogCases {
		_, err := client.GetBook(ctx, &bookshelfv1.GetBookRequest{Id: c.id})
		checkCatalogError(t, "gRPC", c, err)
	}
	_, err := client.GetBook(ctx, &bookshelfv1.GetBookRequest{Id: "foreign"})
	if status.Code(err) != codes.NotFound || bookshelfv1.IsBookNotFound(err) {
		t.Errorf("another domain's BOOK_NOT_FOUND: code %v, IsBookNotFound %v; want NotFound, false", status.Code(err), bookshelfv1.IsBookNotFound(err))
	}
	if _, err := client.GetBook(ctx, &bookshelfv1.GetBookRequest{Id: "1"}); bookshelfv1.IsBookNotFound(err) || err != nil {
		t.Errorf("a success: err %v", err)
	}
}

// TestCatalogErrorOverHTTP: through a real gateway, in each body format, a
// REST client's ErrorFromResponse result satisfies the generated Is
// function, and so does a gRPC client of a service that relays it.
func TestCatalogErrorOverHTTP(t *testing.T) {
	addr, _ := startCatalogServer(t, catalogShelf{})
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	formats := []struct {
		name        string
		format      gateway.Format
		contentType string
	}{
		{"FormatStatus", gateway.FormatStatus, "application/json"},
		{"FormatGoogle", gateway.FormatGoogle, "application/json"},
		{"FormatProblem", gateway.FormatProblem, "application/problem+json"},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			base := startCatalogGateway(t, addr, gateway.WithFormat(f.format))
			for _, c := range catalogCases {
				resp, body := catalogGet(t, client, base+"/v1/books/"+c.id)
				if resp.StatusCode != c.httpStatus || resp.Header.Get("Content-Type") != f.contentType {
					t.Errorf("%s: %d %q; want %d %q", c.id, resp.StatusCode, resp.Header.Get("Content-Type"), c.httpStatus, f.contentType)
				}
				if !bytes.Contains(body, []byte(bookshelfv1.ReasonBookNotFound)) && c.id == "missing" {
					t.Errorf("%s: the body does not name the reason: %s", c.id, body)
				}
				checkCatalogError(t, "ErrorFromResponse", c, gateway.ErrorFromResponse(resp))
			}
			resp, _ := catalogGet(t, client, base+"/v1/books/foreign")
			if err := gateway.ErrorFromResponse(resp); bookshelfv1.IsBookNotFound(err) || status.Code(err) != codes.NotFound {
				t.Errorf("another domain's BOOK_NOT_FOUND after HTTP: IsBookNotFound %v, code %v; want false, NotFound", bookshelfv1.IsBookNotFound(err), status.Code(err))
			}

			// gRPC, then HTTP, then gRPC again.
			_, relay := startCatalogServer(t, &catalogRelay{baseURL: base, client: client})
			for _, c := range catalogCases {
				_, err := relay.GetBook(context.Background(), &bookshelfv1.GetBookRequest{Id: c.id})
				checkCatalogError(t, "gRPC after HTTP", c, err)
			}
		})
	}
}

// catalogGet sends a GET and returns the response with its body read, and
// still readable once more from resp.Body.
func catalogGet(t *testing.T, client *http.Client, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, body
}

func TestRedaction(t *testing.T) {
	const leaked = "db password rejected at 10.0.0.3"
	for _, tc := range []struct {
		name        string
		redact      bool
		path        string
		header      []string
		wantStatus  int
		wantMessage string
		wantDebug   bool
	}{
		{"redacted 500", true, "/v1/books/debug", nil, 500, "Internal Server Error", false},
		{"redacted pinned 502", true, "/v1/books/pin-502", nil, 502, "Bad Gateway", false},
		{"redacted 503", true, "/v1/books/code-14", nil, 503, "Service Unavailable", false},
		{"404 kept", true, "/v1/books/code-5", nil, 404, "book code-5", false},
		{"pinned 422 kept", true, "/v1/books/pin-422", nil, 422, "book pin-422", false},
		{"not redacting", false, "/v1/books/debug", nil, 500, leaked, true},
		{"explicitly off", false, "/v1/books/code-13", nil, 500, "book code-13", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGateway(t, gateway.WithRedaction(tc.redact))
			resp := g.do(t, "GET", tc.path, "", tc.header...)
			if resp.Status != tc.wantStatus {
				t.Errorf("status = %d; want %d", resp.Status, tc.wantStatus)
			}
			body := jsonOf(t, resp.Body)
			if got := body["message"]; got != tc.wantMessage {
				t.Errorf("message = %v; want %q", got, tc.wantMessage)
			}
			if tc.redact && bytes.Contains(resp.Body, []byte("10.0.0.3")) {
				t.Errorf("body %s leaks the message", resp.Body)
			}
			if got := detailNamed(body, "google.rpc.DebugInfo") != nil; got != tc.wantDebug {
				t.Errorf("DebugInfo present = %v; want %v; details %v", got, tc.wantDebug, detailTypes(body))
			}
			if tc.path == "/v1/books/debug" {
				info := detailNamed(body, "google.rpc.ErrorInfo")
				if info == nil || info["reason"] != "DB" {
					t.Errorf("ErrorInfo = %v; want one with reason DB; details %v", info, detailTypes(body))
				}
			}
		})
	}
}

// TestRedactionOtherFormats: every format and the stream path redact.
func TestRedactionOtherFormats(t *testing.T) {
	g := startGateway(t, gateway.WithRedaction(true))
	for _, tc := range []struct {
		name   string
		path   string
		header []string
		// message digs the message out of the body.
		message func(t testing.TB, body []byte) any
	}{
		{"problem by Accept", "/v1/books/debug", []string{"Accept", "application/problem+json"},
			func(t testing.TB, b []byte) any { return jsonOf(t, b)["detail"] }},
		{"stream before first message", "/v1/stream/books?count=0&fail_with=debug", nil,
			func(t testing.TB, b []byte) any {
				lines := streamObjects(t, b)
				if len(lines) == 0 {
					return nil
				}
				e, _ := lines[len(lines)-1]["error"].(map[string]any)
				return e["message"]
			}},
		{"stream after first message", "/v1/stream/books?count=1&fail_with=debug", nil,
			func(t testing.TB, b []byte) any {
				lines := streamObjects(t, b)
				if len(lines) == 0 {
					return nil
				}
				e, _ := lines[len(lines)-1]["error"].(map[string]any)
				return e["message"]
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := g.do(t, "GET", tc.path, "", tc.header...)
			if got := tc.message(t, resp.Body); got != "Internal Server Error" {
				t.Errorf("message = %v; want %q; body %s", got, "Internal Server Error", resp.Body)
			}
			if bytes.Contains(resp.Body, []byte("10.0.0.3")) || bytes.Contains(resp.Body, []byte("DebugInfo")) {
				t.Errorf("body %s leaks the message or DebugInfo", resp.Body)
			}
		})
	}

	// The same status written twice must be redacted twice: redaction must
	// not have changed a status that is shared.
	w := newGateway(gateway.WithRedaction(true))
	for i := range 2 {
		rec := httptest.NewRecorder()
		w.WriteError(rec, nil, debugError())
		body := jsonOf(t, rec.Body.Bytes())
		if got := body["message"]; got != "Internal Server Error" {
			t.Errorf("write %d: message = %v; want redacted", i, got)
		}
		if detailNamed(body, "google.rpc.DebugInfo") != nil {
			t.Errorf("write %d: DebugInfo present; want dropped", i)
		}
	}
}

// debugErr is one error value, reused across writes.
var debugErr = errorFor(context.Background(), "debug")

func debugError() error { return debugErr }

// TestRedactionDoesNotMutateError: writing a redacted response must leave
// the caller's error as it was.
func TestRedactionDoesNotMutateError(t *testing.T) {
	err := errorFor(context.Background(), "debug")
	before := err.Error()
	newGateway(gateway.WithRedaction(true)).WriteError(httptest.NewRecorder(), nil, err)
	if got := err.Error(); got != before {
		t.Errorf("err.Error() = %q after a redacted write; want %q", got, before)
	}
	rec := httptest.NewRecorder()
	gateway.WriteError(rec, nil, err)
	body := jsonOf(t, rec.Body.Bytes())
	if got := body["message"]; got != "db password rejected at 10.0.0.3" {
		t.Errorf("unredacted message after a redacted write = %v; want the original", got)
	}
	if detailNamed(body, "google.rpc.DebugInfo") == nil {
		t.Errorf("DebugInfo lost from the error after a redacted write; details %v", detailTypes(body))
	}
}

// detailTypes returns the @type of each detail of a status object.
func detailTypes(m map[string]any) []string {
	var types []string
	details, _ := m["details"].([]any)
	for _, d := range details {
		obj, _ := d.(map[string]any)
		typ, _ := obj["@type"].(string)
		types = append(types, typ)
	}
	return types
}

// detailNamed returns the first detail of a status object whose @type ends in
// name, or nil.
func detailNamed(m map[string]any, name string) map[string]any {
	details, _ := m["details"].([]any)
	for _, d := range details {
		obj, _ := d.(map[string]any)
		if typ, _ := obj["@type"].(string); strings.HasSuffix(typ, "/"+name) {
			return obj
		}
	}
	return nil
}
