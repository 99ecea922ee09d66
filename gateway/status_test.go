package gateway_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
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

// TestFormatStatusMatchesGrpcGateway holds FormatStatus against grpc-gateway's
// own DefaultHTTPErrorHandler, the same backend behind both muxes: the body
// is the same by meaning and the Content-Type the same.
func TestFormatStatusMatchesGrpcGateway(t *testing.T) {
	svc := &bookshelf{}
	addr := startBackend(t, svc)
	ours := startMux(t, addr, gateway.ServeMuxOptions()...)
	theirs := startMux(t, addr)
	client := &http.Client{}
	for _, id := range []string{"code-3", "code-5", "code-8", "code-13", "code-16", "retry-1500", "pin-405", "challenge", "debug", "md"} {
		a := doRequest(t, client, "GET", ours+"/v1/books/"+id, "")
		b := doRequest(t, client, "GET", theirs+"/v1/books/"+id, "")
		if a.Header.Get("Content-Type") != b.Header.Get("Content-Type") {
			t.Errorf("%s: Content-Type %q; grpc-gateway %q", id, a.Header.Get("Content-Type"), b.Header.Get("Content-Type"))
		}
		if got, want := jsonOf(t, a.Body), withoutPins(jsonOf(t, b.Body)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: body differs from grpc-gateway's\n got %s\nwant %s", id, a.Body, b.Body)
		}
		if got, want := a.Header.Get("Grpc-Metadata-X-Request-Id"), b.Header.Get("Grpc-Metadata-X-Request-Id"); got != want {
			t.Errorf("%s: metadata header %q; grpc-gateway %q", id, got, want)
		}
	}
}

func TestFormatGoogle(t *testing.T) {
	g := startGateway(t, gateway.WithFormat(gateway.FormatGoogle))
	r := g.do(t, "GET", "/v1/books/retry-1500", "")
	if r.Status != 503 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q", r.Status, r.Header.Get("Content-Type"))
	}
	var body statusmapv1.GoogleErrorBody
	if err := protojson.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body does not decode as GoogleErrorBody: %v\n%s", err, r.Body)
	}
	e := body.GetError()
	if e.GetCode() != 503 || e.GetStatus() != "RESOURCE_EXHAUSTED" || e.GetMessage() != "quota exceeded" || len(e.GetDetails()) != 2 {
		t.Errorf("error = %v", e)
	}
	if !strings.HasSuffix(e.GetDetails()[0].GetTypeUrl(), "google.rpc.ErrorInfo") {
		t.Errorf("first detail %v", e.GetDetails()[0].GetTypeUrl())
	}
}

func TestFormatProblem(t *testing.T) {
	g := startGateway(t, gateway.WithFormat(gateway.FormatProblem))
	r := g.do(t, "GET", "/v1/books/pin-405", "")
	if r.Status != 405 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, Content-Type %q", r.Status, r.Header.Get("Content-Type"))
	}
	var p statusmapv1.Problem
	if err := protojson.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("body does not decode as Problem: %v\n%s", err, r.Body)
	}
	if p.GetType() != "about:blank" || p.GetTitle() != "Method Not Allowed" || p.GetStatus() != 405 ||
		p.GetDetail() != "book pin-405" || p.GetGrpcCode() != "UNIMPLEMENTED" || len(p.GetDetails()) != 0 {
		t.Errorf("problem = %v", &p)
	}
	typed := startGateway(t, gateway.WithFormat(gateway.FormatProblem), gateway.WithProblemType(func(s int, c codes.Code) string {
		return "https://errors.example/" + strings.ToLower(c.String())
	}))
	r = typed.do(t, "GET", "/v1/books/code-5", "")
	if got := jsonOf(t, r.Body)["type"]; got != "https://errors.example/notfound" {
		t.Errorf("type = %v", got)
	}
}

// TestCustomMarshalersHonoured installs marshalers a user might: FormatStatus
// must write what grpc-gateway's default handler writes with each, by
// meaning (JSON) or exactly (protobuf binary).
func TestCustomMarshalersHonoured(t *testing.T) {
	mux := runtime.NewServeMux()
	jsonMarshalers := map[string]runtime.Marshaler{
		"proto names":          &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseProtoNames: true}},
		"emit unpopulated":     &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}},
		"emit default values":  &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitDefaultValues: true}},
		"indented":             &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{Multiline: true, Indent: "  "}},
		"enum numbers":         &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseEnumNumbers: true}},
		"http body of default": &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{}},
	}
	handlers := map[string]runtime.ErrorHandlerFunc{}
	for mname := range jsonMarshalers {
		handlers[mname] = errorHandler()
	}
	for name, err := range benchErrors(t) {
		for mname, m := range jsonMarshalers {
			want := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/x", nil)
			runtime.DefaultHTTPErrorHandler(context.Background(), mux, m, want, req, err)
			// The same handler three times: rendered, admitted to the
			// detail cache, then served from it. All three must match.
			var got *httptest.ResponseRecorder
			for round := range 3 {
				got = httptest.NewRecorder()
				handlers[mname](context.Background(), mux, m, got, req, err)
				var a, b any
				if json.Unmarshal(got.Body.Bytes(), &a) != nil || json.Unmarshal(want.Body.Bytes(), &b) != nil || !reflect.DeepEqual(a, b) {
					t.Errorf("%s with %s, round %d:\n got %s\nwant %s", name, mname, round, got.Body, want.Body)
				}
			}
			if got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("%s with %s: Content-Type %q; want %q", name, mname, got.Header().Get("Content-Type"), want.Header().Get("Content-Type"))
			}
		}
		// A non-JSON marshaler is used as it is.
		binary := &runtime.ProtoMarshaller{}
		got := httptest.NewRecorder()
		errorHandler()(context.Background(), mux, binary, got, httptest.NewRequest("GET", "/x", nil), err)
		var decoded spb.Status
		if err := proto.Unmarshal(got.Body.Bytes(), &decoded); err != nil {
			t.Fatalf("%s: binary body: %v", name, err)
		}
		want := httptest.NewRecorder()
		runtime.DefaultHTTPErrorHandler(context.Background(), mux, binary, want, httptest.NewRequest("GET", "/x", nil), err)
		var wantDecoded spb.Status
		if err := proto.Unmarshal(want.Body.Bytes(), &wantDecoded); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&decoded, &wantDecoded) || got.Header().Get("Content-Type") != "application/octet-stream" {
			t.Errorf("%s: binary body %v (%s); want %v", name, &decoded, got.Header().Get("Content-Type"), &wantDecoded)
		}
	}
}

// TestLosslessWhereGrpcGatewayFails gives the handler the two inputs
// protojson cannot marshal: a message with invalid UTF-8 and a detail whose
// type is not linked in. grpc-gateway's default answers both with a bare
// 500; statusmap keeps the status, the message and the detail, in every
// format. (Over a real gRPC hop grpc-go already replaces invalid UTF-8 in
// messages, so that case is called directly, as an in-process handler
// registered with RegisterXHandlerServer would see it.)
func TestLosslessWhereGrpcGatewayFails(t *testing.T) {
	badUTF8 := status.Error(codes.NotFound, "no book \xff\xfe here")
	unknown := status.FromProto(&spb.Status{Code: int32(codes.NotFound), Message: "secret", Details: []*anypb.Any{unknownDetail}}).Err()
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	for _, err := range []error{badUTF8, unknown} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/v1/books/x", nil)
		runtime.DefaultHTTPErrorHandler(req.Context(), mux, marshaler, rec, req, err)
		if rec.Code != 500 || !strings.Contains(rec.Body.String(), "failed to marshal error message") {
			t.Errorf("grpc-gateway's default handler answers %d %s; the comparison assumes its bare 500", rec.Code, rec.Body)
		}
	}
	for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		handler := errorHandler(gateway.WithFormat(format))
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/v1/books/x", nil)
		handler(req.Context(), mux, marshaler, rec, req, badUTF8)
		if rec.Code != 404 {
			t.Errorf("%v badutf8: status %d; want 404", format, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), "no book \ufffd\ufffd here") {
			t.Errorf("%v badutf8: message lost: %s", format, rec.Body)
		}
		jsonOf(t, rec.Body.Bytes())

		rec = httptest.NewRecorder()
		handler(req.Context(), mux, marshaler, rec, req, unknown)
		checkUnknownDetailKept(t, format.String(), rec.Code, rec.Body.Bytes())
	}

	// The same through a real gRPC hop and mux.
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/unknown", "")
	checkUnknownDetailKept(t, "end to end", r.Status, r.Body)
	r = g.do(t, "GET", "/v1/books/badutf8", "")
	if r.Status != 404 || !strings.Contains(string(r.Body), "no book") {
		t.Errorf("end to end badutf8: %d %s", r.Status, r.Body)
	}
}

func checkUnknownDetailKept(t *testing.T, name string, code int, body []byte) {
	t.Helper()
	if code != 404 {
		t.Errorf("%s unknown detail: status %d; want 404", name, code)
	}
	details := findDetails(jsonOf(t, body))
	if len(details) != 1 {
		t.Fatalf("%s unknown detail: details %v in %s", name, details, body)
	}
	d := details[0].(map[string]any)
	raw, _ := base64.StdEncoding.DecodeString(d["@bytes"].(string))
	if d["@type"] != unknownDetail.GetTypeUrl() || string(raw) != string(unknownDetail.GetValue()) {
		t.Errorf("%s unknown detail kept as %v", name, d)
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

// requestBodyLimit is the http.MaxBytesReader bound of the request-error
// gateways, in bytes.
const requestBodyLimit = 1024

// Registrations of the generated handlers a request-error test runs on.
const (
	overGRPC  = "endpoint"   // RegisterBookshelfServiceHandlerFromEndpoint
	inProcess = "in-process" // RegisterBookshelfServiceHandlerServer
)

// startGeneratedGateway serves svc through a real generated gateway on loopback:
// over a real gRPC connection (overGRPC, with the server and dial options
// given) or in process, behind http.MaxBytesReader(bodyLimit) unless
// bodyLimit is 0. With plain set, the mux is grpc-gateway's own, without
// statusmap.
func startGeneratedGateway(t testing.TB, svc bookshelfv1.BookshelfServiceServer, registration string, plain bool, bodyLimit int64, srvOpts []grpc.ServerOption, dialOpts ...grpc.DialOption) string {
	t.Helper()
	var mux *runtime.ServeMux
	if plain {
		mux = runtime.NewServeMux()
	} else {
		mux = runtime.NewServeMux(gateway.ServeMuxOptions()...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	switch registration {
	case inProcess:
		if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(ctx, mux, svc); err != nil {
			t.Fatal(err)
		}
	default:
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := grpc.NewServer(srvOpts...)
		bookshelfv1.RegisterBookshelfServiceServer(srv, svc)
		go func() { _ = srv.Serve(lis) }()
		t.Cleanup(srv.Stop)
		dialOpts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dialOpts...)
		if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, lis.Addr().String(), dialOpts); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bodyLimit > 0 {
			r.Body = http.MaxBytesReader(w, r.Body, bodyLimit)
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// timeoutClient is the HTTP client of the request-error tests.
func timeoutClient(t testing.TB) *http.Client {
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	return client
}

// readErrorStatus decodes a FormatStatus error body.
func readErrorStatus(t testing.TB, body []byte) *spb.Status {
	t.Helper()
	sp := new(spb.Status)
	if err := protojson.Unmarshal(body, sp); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return sp
}

// violatedFields returns the fields of the BadRequest details of sp, and
// the descriptions of their violations.
func violatedFields(t testing.TB, sp *spb.Status) (fields, descriptions []string) {
	t.Helper()
	for _, d := range status.FromProto(sp).Details() {
		br, ok := d.(*errdetails.BadRequest)
		if !ok {
			t.Errorf("detail %T, want only BadRequest", d)
			continue
		}
		for _, v := range br.GetFieldViolations() {
			fields = append(fields, v.GetField())
			descriptions = append(descriptions, v.GetDescription())
		}
	}
	return fields, descriptions
}

// requestErrorCase is a bad request and the answer it must get.
type requestErrorCase struct {
	name, method, path, body string
	status                   int
	message, field           string
	// body says the error is the body decoder's: in process it cannot be
	// proven the gateway's, and keeps grpc-gateway's text.
	bodyError bool
	// streamOnly cases have no in-process handler (grpc-gateway does not
	// stream in process).
	streamOnly bool
	// passThrough cases are grpc-gateway's errors with texts the
	// recogniser does not know: they keep grpc-gateway's answer.
	passThrough bool
}

// requestErrorCases are grpc-gateway v2.33's request errors on the example service:
// an int64 and an enum in the path, an int32, an enum and a bool in the
// query (ListShelfBooks), and an int32, an enum and a bool in the body
// (CreateReview).
var requestErrorCases = []requestErrorCase{
	{name: "path int", method: "GET", path: "/v1/shelves/abc/genres/GENRE_FICTION/books",
		status: 400, message: "shelf_id must be an integer", field: "shelf_id"},
	{name: "path int out of range", method: "GET", path: "/v1/shelves/99999999999999999999/genres/GENRE_FICTION/books",
		status: 400, message: "shelf_id is out of range", field: "shelf_id"},
	{name: "path enum", method: "GET", path: "/v1/shelves/7/genres/POETRY/books",
		status: 400, message: "genre must be one of GENRE_FICTION, GENRE_SCIENCE, GENRE_HISTORY", field: "genre"},
	{name: "path enum number", method: "GET", path: "/v1/shelves/7/genres/42/books",
		status: 400, message: "genre must be one of GENRE_FICTION, GENRE_SCIENCE, GENRE_HISTORY", field: "genre"},
	{name: "query int", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=ten",
		status: 400, message: "page_size must be an integer", field: "page_size"},
	{name: "query int by JSON name", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?pageSize=ten",
		status: 400, message: "page_size must be an integer", field: "page_size"},
	{name: "query enum", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?format=SCROLL",
		status: 400, message: "format must be one of BOOK_FORMAT_HARDCOVER, BOOK_FORMAT_PAPERBACK, BOOK_FORMAT_EBOOK", field: "format"},
	{name: "query bool", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?include_archived=maybe",
		status: 400, message: "include_archived must be true or false", field: "include_archived"},
	{name: "query given twice", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1&page_size=2",
		status: 400, message: "page_size must be given once", field: "page_size"},
	{name: "query by both names", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1&pageSize=2",
		status: 400, message: "page_size must be given once", field: "page_size"},
	{name: "query bad escape", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=%zz",
		status: 400, message: "the query string is not valid"},
	{name: "query semicolon", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1;format=X",
		status: 400, message: "the query string is not valid"},
	// PopulateQueryParameters's "field %q is not a map": not known, kept.
	{name: "query unknown error", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size%5Ba%5D=1",
		status: 400, passThrough: true},
	{name: "stream query int", method: "GET", path: "/v1/stream/books?count=many",
		status: 400, message: "count must be an integer", field: "count", streamOnly: true},
	{name: "body int", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": "five"}`,
		status: 400, message: "rating must be an integer", field: "rating", bodyError: true},
	{name: "body int fraction", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": 4.5}`,
		status: 400, message: "rating must be an integer", field: "rating", bodyError: true},
	// grpc-gateway's default marshaler discards unknown enum names (and
	// unknown fields): a value of the wrong JSON type is the error.
	{name: "body enum", method: "POST", path: "/v1/books/b1/reviews", body: `{"format": true}`,
		status: 400, message: "format must be one of BOOK_FORMAT_HARDCOVER, BOOK_FORMAT_PAPERBACK, BOOK_FORMAT_EBOOK", field: "format", bodyError: true},
	{name: "body bool", method: "POST", path: "/v1/books/b1/reviews", body: `{"recommended": "yes"}`,
		status: 400, message: "recommended must be true or false", field: "recommended", bodyError: true},
	{name: "body field twice", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": 1, "rating": 2}`,
		status: 400, message: "rating must be given once", field: "rating", bodyError: true},
	{name: "truncated body", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": 1`,
		status: 400, message: "request body is not valid JSON", bodyError: true},
	{name: "non-JSON body", method: "POST", path: "/v1/books/b1/reviews", body: `rating=5`,
		status: 400, message: "request body is not valid JSON", bodyError: true},
	{name: "body not an object", method: "POST", path: "/v1/books/b1/reviews", body: `[5]`,
		status: 400, message: "request body is not valid JSON", bodyError: true},
	// Over http.MaxBytesReader's bound: proven in process too, by the
	// reader's own sticky error.
	{name: "too-large body", method: "POST", path: "/v1/books/b1/reviews", body: `{"text": "` + strings.Repeat("y", 2*requestBodyLimit) + `"}`,
		status: 413, message: "request is too large"},
}

// TestRequestErrorsAreCleanBadRequests sends each bad request through a
// real generated gateway, over gRPC and in process, and checks the status,
// the code, the message and the BadRequest field. In process, a body
// decoder's error cannot be told from the service's own, and is checked to
// be exactly what grpc-gateway alone answers.
func TestRequestErrorsAreCleanBadRequests(t *testing.T) {
	for _, registration := range []string{overGRPC, inProcess} {
		t.Run(registration, func(t *testing.T) {
			url := startGeneratedGateway(t, &bookshelf{}, registration, false, requestBodyLimit, nil)
			plainURL := startGeneratedGateway(t, &bookshelf{}, registration, true, requestBodyLimit, nil)
			client := timeoutClient(t)
			for _, c := range requestErrorCases {
				if c.streamOnly && registration == inProcess {
					continue
				}
				t.Run(c.name, func(t *testing.T) {
					resp := doRequest(t, client, c.method, url+c.path, c.body)
					sp := readErrorStatus(t, resp.Body)
					if registration == inProcess && c.bodyError || c.passThrough {
						plain := doRequest(t, client, c.method, plainURL+c.path, c.body)
						want := readErrorStatus(t, plain.Body)
						if resp.Status != http.StatusBadRequest || sp.GetCode() != int32(codes.InvalidArgument) || sp.GetMessage() != want.GetMessage() || len(sp.GetDetails()) != 0 {
							t.Fatalf("got %d %v, want grpc-gateway's own 400 %q", resp.Status, sp, want.GetMessage())
						}
						return
					}
					if resp.Status != c.status {
						t.Errorf("HTTP status %d, want %d (%s)", resp.Status, c.status, resp.Body)
					}
					if got := resp.Header.Get("Content-Type"); got != "application/json" {
						t.Errorf("Content-Type %q", got)
					}
					if sp.GetCode() != int32(codes.InvalidArgument) {
						t.Errorf("code %v, want InvalidArgument", codes.Code(sp.GetCode()))
					}
					if sp.GetMessage() != c.message {
						t.Errorf("message %q, want %q", sp.GetMessage(), c.message)
					}
					fields, descriptions := violatedFields(t, sp)
					switch {
					case c.field == "" && len(fields) != 0:
						t.Errorf("field violations %q, want none", fields)
					case c.field != "" && (len(fields) != 1 || fields[0] != c.field || descriptions[0] != c.message):
						t.Errorf("field violations %q %q, want %q %q", fields, descriptions, c.field, c.message)
					}
				})
			}
		})
	}
}

// mimic is a service whose errors are the exact texts of grpc-gateway's
// request errors, for requests the gateway accepted.
type mimic struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (mimic) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	return nil, mimicTexts[req.GetId()].Err()
}

// ListShelfBooks answers a valid request with the text of a path error
// (page_size 1) or of a query error (any other).
func (mimic) ListShelfBooks(_ context.Context, req *bookshelfv1.ListShelfBooksRequest) (*bookshelfv1.ListBooksResponse, error) {
	if req.GetPageSize() == 1 {
		_, err := runtime.Int64("abc")
		// protoc-gen-grpc-gateway v2.33 template.go's format.
		return nil, status.Errorf(codes.InvalidArgument, "type mismatch, parameter: %s, error: %v", "shelf_id", err)
	}
	return nil, mimicTexts["query"].Err()
}

// CreateReview answers a valid body with the text of a body error.
func (mimic) CreateReview(_ context.Context, req *bookshelfv1.CreateReviewRequest) (*bookshelfv1.Review, error) {
	return nil, mimicTexts[req.GetReview().GetText()].Err()
}

// mimicTexts are the errors mimic answers GetBook with, by book id: the
// exact texts of grpc-gateway's request errors, each made by the function
// that makes it in a real gateway (or, for texts only a template or
// grpc-go's unexported code writes, quoted from the source that the
// internal TestRequestErrorTemplateFormats and TestRequestErrorGRPCSizeTexts
// pin).
var mimicTexts = func() map[string]*status.Status {
	invalid := func(err error) *status.Status { return status.New(codes.InvalidArgument, err.Error()) }
	_, intErr := runtime.Int64("abc")
	query := func(rawQuery string) error {
		r := httptest.NewRequest("GET", "/?"+rawQuery, nil)
		if err := r.ParseForm(); err != nil {
			return err
		}
		return runtime.PopulateQueryParameters(&bookshelfv1.ListShelfBooksRequest{}, r.Form, utilities.NewDoubleArray(nil))
	}
	body := func(s string) error {
		var review *bookshelfv1.Review
		return (&runtime.JSONPb{}).NewDecoder(strings.NewReader(s)).Decode(&review)
	}
	protoText := body(`{"rating": "five"}`).Error()
	// protojson writes one of two spaces after "proto:", per binary.
	otherSpace := "proto: " + strings.TrimPrefix(protoText, "proto:\u00a0")
	if rest, ok := strings.CutPrefix(protoText, "proto: "); ok {
		otherSpace = "proto:\u00a0" + rest
	}
	return map[string]*status.Status{
		// protoc-gen-grpc-gateway v2.33 template.go's path formats.
		"abc":      status.Newf(codes.InvalidArgument, "type mismatch, parameter: %s, error: %v", "id", intErr),
		"missing":  status.Newf(codes.InvalidArgument, "missing parameter %s", "id"),
		"query":    invalid(query("page_size=ten")),
		"twice":    invalid(query("page_size=1&page_size=2")),
		"dup":      invalid(query("page_size=1&pageSize=2")),
		"escape":   invalid(query("page_size=%zz")),
		"semi":     invalid(query("page_size=1;format=X")),
		"protojs":  status.New(codes.InvalidArgument, protoText),
		"protonb":  status.New(codes.InvalidArgument, otherSpace),
		"eof":      invalid(body(`{"rating": 1`)),
		"char":     invalid(body(`rating=5`)),
		"toolarge": invalid(&http.MaxBytesError{Limit: 1}),
		// grpc-go v1.85 rpc_util.go and stream.go.
		"recvmax": status.New(codes.ResourceExhausted, `grpc: received message larger than max (2006 vs. 1000)`),
		"sendmax": status.New(codes.ResourceExhausted, `trying to send message larger than max (2006 vs. 1000)`),
	}
}()

// TestRequestErrorLeavesBackendErrorsAlone: a service that answers with the
// exact text of a request error, as InvalidArgument (or ResourceExhausted
// for grpc-go's size errors), gets its status through unchanged, over gRPC
// and in process.
func TestRequestErrorLeavesBackendErrorsAlone(t *testing.T) {
	type call struct{ method, path, body string }
	calls := map[string]call{
		"path text, string path field": {"GET", "/v1/books/abc", ""},
		"missing parameter text":       {"GET", "/v1/books/missing", ""},
		"query text":                   {"GET", "/v1/books/query", ""},
		"query twice text":             {"GET", "/v1/books/twice", ""},
		"query duplicate text":         {"GET", "/v1/books/dup", ""},
		"query semicolon text":         {"GET", "/v1/books/semi", ""},
		"query escape text":            {"GET", "/v1/books/escape", ""},
		"protojson text":               {"GET", "/v1/books/protojs", ""},
		"protojson text, U+00A0":       {"GET", "/v1/books/protonb", ""},
		"unexpected EOF text":          {"GET", "/v1/books/eof", ""},
		"encoding/json text":           {"GET", "/v1/books/char", ""},
		"body too large text":          {"GET", "/v1/books/toolarge", ""},
		"server receive limit text":    {"GET", "/v1/books/recvmax", ""},
		"client send limit text":       {"GET", "/v1/books/sendmax", ""},
		"path text, valid int path":    {"GET", "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1", ""},
		"query text, valid query":      {"GET", "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=5", ""},
		"body text, valid body":        {"POST", "/v1/books/b1/reviews", `{"rating": 5, "text": "protojs"}`},
		"body size text, valid body":   {"POST", "/v1/books/b1/reviews", `{"rating": 5, "text": "toolarge"}`},
	}
	for _, registration := range []string{overGRPC, inProcess} {
		t.Run(registration, func(t *testing.T) {
			url := startGeneratedGateway(t, mimic{}, registration, false, requestBodyLimit, nil)
			plainURL := startGeneratedGateway(t, mimic{}, registration, true, requestBodyLimit, nil)
			client := timeoutClient(t)
			for name, c := range calls {
				t.Run(name, func(t *testing.T) {
					plain := readErrorStatus(t, doRequest(t, client, c.method, plainURL+c.path, c.body).Body)
					resp := doRequest(t, client, c.method, url+c.path, c.body)
					sp := readErrorStatus(t, resp.Body)
					wantStatus := http.StatusBadRequest
					if plain.GetCode() == int32(codes.ResourceExhausted) {
						wantStatus = http.StatusServiceUnavailable
					}
					if resp.Status != wantStatus || sp.GetCode() != plain.GetCode() || sp.GetMessage() != plain.GetMessage() || len(sp.GetDetails()) != 0 {
						t.Fatalf("got %d %v, want %d and the service's own %v", resp.Status, sp, wantStatus, plain)
					}
					if !strings.Contains(c.path, "/books/") || c.method != "GET" {
						return
					}
					// The service did answer: the text it sent is the one that came back.
					if want := mimicTexts[strings.TrimPrefix(c.path, "/v1/books/")].Message(); sp.GetMessage() != want {
						t.Fatalf("message %q, want the service's %q", sp.GetMessage(), want)
					}
				})
			}
		})
	}
}

// TestRequestTooLargeForService: a request over the gRPC server's receive
// limit or the gateway client's send limit is a 413; a response over the
// gateway client's receive limit, or over the server's send limit, is not
// the client's fault and keeps its ResourceExhausted (503).
func TestRequestTooLargeForService(t *testing.T) {
	const limit = 1000
	bigTitle := `{"title": "` + strings.Repeat("t", limit/2) + `", "author": "` + strings.Repeat("a", limit/2) + `"}`
	bigID := "/v1/books/" + strings.Repeat("b", limit+100)
	cases := []struct {
		name       string
		srvOpts    []grpc.ServerOption
		dialOpts   []grpc.DialOption
		method     string
		path, body string
		status     int
		code       codes.Code
		message    string
	}{
		{"server receive limit", []grpc.ServerOption{grpc.MaxRecvMsgSize(limit)}, nil,
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		{"client send limit", nil, []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(limit))},
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		// grpc-go's gzip: the request fits compressed, not decompressed.
		{"server receive limit after decompression", []grpc.ServerOption{grpc.MaxRecvMsgSize(limit)},
			[]grpc.DialOption{grpc.WithDefaultCallOptions(grpc.UseCompressor(gzip.Name))},
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		// The same into the server's deprecated Decompressor, whose text
		// grpc-go keeps apart.
		{"server receive limit after legacy decompression",
			[]grpc.ServerOption{grpc.MaxRecvMsgSize(limit), grpc.RPCDecompressor(grpc.NewGZIPDecompressor())}, //lint:ignore SA1019 the deprecated path has its own text
			[]grpc.DialOption{grpc.WithDefaultCallOptions(grpc.UseCompressor(gzip.Name))},
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		{"client receive limit", nil, []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(limit))},
			"GET", bigID, "", 503, codes.ResourceExhausted, "grpc: received message larger than max ("},
		{"server send limit", []grpc.ServerOption{grpc.MaxSendMsgSize(limit)}, nil,
			"GET", bigID, "", 503, codes.ResourceExhausted, "trying to send message larger than max ("},
	}
	client := timeoutClient(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// No MaxBytesReader here: the limits met are gRPC's alone.
			url := startGeneratedGateway(t, &bookshelf{}, overGRPC, false, 0, c.srvOpts, c.dialOpts...)
			resp := doRequest(t, client, c.method, url+c.path, c.body)
			sp := readErrorStatus(t, resp.Body)
			if resp.Status != c.status || codes.Code(sp.GetCode()) != c.code || !strings.HasPrefix(sp.GetMessage(), c.message) {
				t.Fatalf("got %d %v %q, want %d %v %q", resp.Status, codes.Code(sp.GetCode()), sp.GetMessage(), c.status, c.code, c.message)
			}
		})
	}
}

// TestRequestErrorProblemFormat: a request error answers in the format the
// request prefers, like any error: a problem document with the clean
// status, sentence and field violation.
func TestRequestErrorProblemFormat(t *testing.T) {
	url := startGeneratedGateway(t, &bookshelf{}, overGRPC, false, requestBodyLimit, nil)
	client := timeoutClient(t)
	for _, c := range []struct {
		method, path, body string
		status             int
		detail, field      string
	}{
		{"GET", "/v1/shelves/abc/genres/GENRE_FICTION/books", "", 400, "shelf_id must be an integer", "shelf_id"},
		{"POST", "/v1/books/b1/reviews", `{"text": "` + strings.Repeat("y", 2*requestBodyLimit) + `"}`, 413, "request is too large", ""},
	} {
		resp := doRequest(t, client, c.method, url+c.path, c.body, "Accept", "application/problem+json")
		if resp.Status != c.status || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s: %d %q, want %d problem+json", c.path, resp.Status, resp.Header.Get("Content-Type"), c.status)
		}
		doc := jsonOf(t, resp.Body)
		if doc["status"] != float64(c.status) || doc["detail"] != c.detail || doc["title"] != http.StatusText(c.status) || doc["grpcCode"] != "INVALID_ARGUMENT" {
			t.Errorf("%s: problem %v", c.path, doc)
		}
		details, _ := doc["details"].([]any)
		if c.field == "" {
			if len(details) != 0 {
				t.Errorf("%s: details %v, want none", c.path, details)
			}
			continue
		}
		var field any
		if len(details) == 1 {
			d, _ := details[0].(map[string]any)
			violations, _ := d["fieldViolations"].([]any)
			if len(violations) == 1 && d["@type"] == "type.googleapis.com/google.rpc.BadRequest" {
				field = violations[0].(map[string]any)["field"]
			}
		}
		if field != c.field {
			t.Errorf("%s: details %v, want one BadRequest naming %s", c.path, details, c.field)
		}
	}
}

// TestServeMuxOptionsKeepTheBodyDecoder: ServeMuxOptions registers no
// marshaler, so a JSON request's body decoder is grpc-gateway's default, the
// one whose errors reqerr's TestRequestErrorBodyTexts makes its texts with.
func TestServeMuxOptionsKeepTheBodyDecoder(t *testing.T) {
	request := func() *http.Request {
		r := httptest.NewRequest("POST", "/v1/books/b1/reviews", strings.NewReader(`{}`))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	ours, _ := runtime.MarshalerForRequest(runtime.NewServeMux(gateway.ServeMuxOptions()...), request())
	theirs, _ := runtime.MarshalerForRequest(runtime.NewServeMux(), request())
	if !reflect.DeepEqual(ours, theirs) {
		t.Errorf("ServeMuxOptions' mux decodes a JSON body with %#v, grpc-gateway's default is %#v", ours, theirs)
	}
}

// TestHugeInputs gives the handler a 10 MiB message and 10,000 details:
// every byte and every detail is written, and nothing reaches a header.
func TestHugeInputs(t *testing.T) {
	msg := strings.Repeat("m\r\n", 10<<20/3)
	details := make([]*anypb.Any, 10000)
	for i := range details {
		a, err := anypb.New(&errdetails.ErrorInfo{Reason: "R", Metadata: map[string]string{"i": strings.Repeat("x", i%7)}})
		if err != nil {
			t.Fatal(err)
		}
		details[i] = a
	}
	methods := make([]string, 5000)
	for i := range methods {
		methods[i] = fmt.Sprintf("M%d", i)
	}
	pin, _ := anypb.New(&statusmapv1.HttpStatus{Code: 405, AllowedMethods: methods})
	details = append(details, pin)
	err := status.FromProto(&spb.Status{Code: int32(codes.Unimplemented), Message: msg, Details: details}).Err()
	for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x", nil)
		errorHandler(gateway.WithFormat(format))(req.Context(), runtime.NewServeMux(), &runtime.JSONPb{}, rec, req, err)
		if rec.Code != 405 {
			t.Errorf("%v: status %d", format, rec.Code)
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: %v", format, err)
		}
		// Every detail but the pin, which the status line and Allow carry.
		if got := len(findDetails(body)); got != len(details)-1 {
			t.Errorf("%v: %d details; want %d", format, got, len(details)-1)
		}
		if allow := strings.Split(rec.Header().Get("Allow"), ", "); len(allow) != 16 || allow[0] != "M0" {
			t.Errorf("%v: Allow lists %d methods starting %q; want the first 16", format, len(allow), allow[0])
		}
		for name, vs := range rec.Header() {
			for _, v := range vs {
				if len(v) > 4096 {
					t.Errorf("%v: header %s is %d bytes", format, name, len(v))
				}
			}
		}
	}

	// A 401 pinning a thousand challenges of a hundred long parameters:
	// the header stays within 16 challenges and 4 KiB.
	challenges := make([]*statusmapv1.AuthChallenge, 1000)
	for i := range challenges {
		params := make([]*statusmapv1.AuthParam, 100)
		for j := range params {
			params[j] = &statusmapv1.AuthParam{Name: fmt.Sprintf("p%d", j), Value: strings.Repeat("v", 40)}
		}
		challenges[i] = &statusmapv1.AuthChallenge{Scheme: fmt.Sprintf("S%d", i), Params: params}
	}
	rec := httptest.NewRecorder()
	gateway.WriteError(rec, nil, statusmap.NewPinned(&statusmapv1.HttpStatus{Code: 401, Challenges: challenges}, "who?").Err())
	got := rec.Header().Get("WWW-Authenticate")
	if len(got) == 0 || len(got) > 4096 || strings.Count(got, "p0=") > 16 || !strings.HasPrefix(got, "S0 p0=") {
		t.Errorf("WWW-Authenticate is %d bytes with %d challenges: %.80q...", len(got), strings.Count(got, "p0="), got)
	}
}

// TestDetailsScaleLinearly: ten times the details cost about ten times the
// allocations, not a hundred.
func TestDetailsScaleLinearly(t *testing.T) {
	withDetails := func(n int) error {
		details := make([]*anypb.Any, n)
		for i := range details {
			a, err := anypb.New(&errdetails.ErrorInfo{Reason: fmt.Sprint("R", i)})
			if err != nil {
				t.Fatal(err)
			}
			details[i] = a
		}
		return status.FromProto(&spb.Status{Code: int32(codes.Internal), Message: "m", Details: details}).Err()
	}
	ew := newGateway()
	allocs := func(err error) float64 {
		w := httptest.NewRecorder()
		return testing.AllocsPerRun(3, func() {
			w.Body.Reset()
			ew.WriteError(w, nil, err)
		})
	}
	small, large := allocs(withDetails(1000)), allocs(withDetails(10000))
	if ratio := large / small; ratio > 12 {
		t.Errorf("10x the details cost %.1fx the allocations (%v vs %v)", ratio, large, small)
	}
}

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
				w := &statusWriter{h: http.Header{}}
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
			w := &statusWriter{h: http.Header{}}
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
			w := &statusWriter{h: http.Header{}}
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

// One-off details must not keep the recurring ones out of the cache: after
// hundreds of unique details, a recurring error costs what it cost fresh.
func TestDetailCacheRecovers(t *testing.T) {
	common, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
		&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"limit": "10"}},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)},
	)
	if err != nil {
		t.Fatal(err)
	}
	allocs := func(ew *gateway.Gateway) float64 {
		w := &statusWriter{h: http.Header{}}
		ew.WriteError(w, nil, common.Err()) // seen once
		ew.WriteError(w, nil, common.Err()) // admitted
		return testing.AllocsPerRun(50, func() {
			clear(w.h)
			ew.WriteError(w, nil, common.Err())
		})
	}
	fresh := allocs(newGateway())
	flooded := newGateway()
	for i := range 3000 {
		st, _ := status.New(codes.NotFound, "x").WithDetails(&errdetails.RequestInfo{RequestId: fmt.Sprint("req-", i)})
		flooded.WriteError(&statusWriter{h: http.Header{}}, nil, st.Err())
		if i%2 == 0 {
			flooded.WriteError(&statusWriter{h: http.Header{}}, nil, st.Err()) // some recur once
		}
	}
	if got := allocs(flooded); got > fresh {
		t.Errorf("after a flood of unique details: %v allocs per error; fresh %v", got, fresh)
	}
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
	w := &statusWriter{h: http.Header{}}
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
				w := &statusWriter{h: http.Header{}}
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
			w := &statusWriter{h: http.Header{}}
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
	w := &statusWriter{h: http.Header{}}
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
