package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

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

// A DELETE's 204 is decided by the response message, not by the bytes
// written for it: a forward-response rewriter that wraps an empty message
// does not turn it into a 200. WithSuccessStatus("DELETE", 200) keeps the
// rewritten body.
func TestDeleteDecidedByMessage(t *testing.T) {
	mux := serveOne(t, "DELETE", &emptypb.Empty{}, runtime.WithForwardResponseRewriter(func(_ context.Context, resp proto.Message) (any, error) {
		return map[string]any{"data": resp, "requestId": "abc"}, nil
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	r := doRequest(t, srv.Client(), "DELETE", srv.URL+"/v1/things", "")
	if r.Status != 204 || len(r.Body) != 0 {
		t.Errorf("status %d body %q; want 204 without a body", r.Status, r.Body)
	}
	kept := httptest.NewServer(serveOneWith(t, "DELETE", &emptypb.Empty{}, []gateway.Option{gateway.WithSuccessStatus("DELETE", 200)},
		runtime.WithForwardResponseRewriter(func(_ context.Context, resp proto.Message) (any, error) {
			return map[string]any{"data": resp, "requestId": "abc"}, nil
		})))
	t.Cleanup(kept.Close)
	if r := doRequest(t, kept.Client(), "DELETE", kept.URL+"/v1/things", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"requestId":"abc"`) {
		t.Errorf("with WithSuccessStatus(DELETE, 200): status %d body %q; want 200 with the envelope", r.Status, r.Body)
	}
	plain := httptest.NewServer(serveOne(t, "DELETE", &emptypb.Empty{}))
	t.Cleanup(plain.Close)
	if r := doRequest(t, plain.Client(), "DELETE", plain.URL+"/v1/things", ""); r.Status != 204 || len(r.Body) != 0 {
		t.Errorf("without a rewriter: %d %q; want 204 and no body", r.Status, r.Body)
	}
}

// grpc-gateway routes a form POST to a GET binding (its path-length
// fallback): a read must not answer 201.
func TestFormPostFallbackIsNotCreated(t *testing.T) {
	srv := httptest.NewServer(serveOne(t, "GET", wrapperspb.String("list")))
	t.Cleanup(srv.Close)
	r := doRequest(t, srv.Client(), "POST", srv.URL+"/v1/things", "", "Content-Type", "application/x-www-form-urlencoded")
	if r.Status != 200 {
		t.Errorf("form POST to a GET binding: %d; want 200", r.Status)
	}
}

// Flushing before the body (a user's forward-response option may) sends
// the success status, not an implicit 200, and logs nothing.
func TestFlushBeforeBodyKeepsSuccessStatus(t *testing.T) {
	flush := runtime.WithForwardResponseOption(func(_ context.Context, w http.ResponseWriter, _ proto.Message) error {
		return http.NewResponseController(w).Flush()
	})
	srv := httptest.NewUnstartedServer(serveOne(t, "POST", wrapperspb.String("x"), flush))
	var logged bytes.Buffer
	srv.Config.ErrorLog = log.New(&logged, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	if r := doRequest(t, srv.Client(), "POST", srv.URL+"/v1/things", "{}"); r.Status != 201 {
		t.Errorf("POST with an early flush: %d; want 201", r.Status)
	}
	if logged.Len() != 0 {
		t.Errorf("net/http logged: %s", logged.String())
	}
}

// With ServeMuxOptions first, a user's middleware never sees the probes.
func TestProbesStopBeforeLaterMiddlewares(t *testing.T) {
	var seen atomic.Int64
	count := runtime.WithMiddlewares(func(next runtime.HandlerFunc) runtime.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request, p map[string]string) {
			seen.Add(1)
			next(w, r, p)
		}
	})
	mux := serveOne(t, "GET", wrapperspb.String("x"), count)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("DELETE", "/v1/things", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET" || seen.Load() != 0 {
		t.Errorf("405 Allow %q, user middleware ran %d times; want GET and 0", rec.Header().Get("Allow"), seen.Load())
	}
}

func TestErrorFromResponseForeignCodes(t *testing.T) {
	testCases := []struct {
		status int
		body   string
		code   codes.Code
		reason string
	}{
		{404, `{"code":404,"message":"Not Found"}`, codes.NotFound, "404"},
		{409, `{"code":1001,"message":"book locked"}`, codes.Aborted, "1001"},
		{409, `{"code":"BOOK_LOCKED","message":"book is locked"}`, codes.Aborted, "BOOK_LOCKED"},
		{400, `{"code":"E_FORM","msg":"bad form"}`, codes.InvalidArgument, "E_FORM"},
		{404, `{"code":5,"message":"grpc-gateway shape"}`, codes.NotFound, ""},
	}
	for _, tc := range testCases {
		err := gateway.ErrorFromResponse(fakeResponse(tc.status, "application/json", tc.body))
		st := status.Convert(err)
		reason := ""
		for _, d := range st.Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				reason = info.GetReason()
			}
		}
		if st.Code() != tc.code || !strings.EqualFold(reason, tc.reason) {
			t.Errorf("%s: code %v reason %q; want %v %q", tc.body, st.Code(), reason, tc.code, tc.reason)
		}
	}
}

// A detail protojson cannot write, of a type whose JSON form has a "value"
// member, comes back byte for byte.
func TestRoundTripUnrenderableWellKnownType(t *testing.T) {
	// StringValue{value: "ok\xff"}, which proto.Marshal refuses to make.
	b := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "ok\xff")
	detail := &anypb.Any{TypeUrl: "type.googleapis.com/google.protobuf.StringValue", Value: b}
	in := status.FromProto(&spb.Status{Code: 5, Message: "m", Details: []*anypb.Any{detail}})
	for _, f := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		rec := httptest.NewRecorder()
		newGateway(gateway.WithFormat(f)).WriteError(rec, nil, in.Err())
		out := status.Convert(gateway.ErrorFromResponse(rec.Result()))
		if !proto.Equal(out.Proto(), in.Proto()) {
			t.Errorf("%v: read back %v; want %v (body %s)", f, out.Proto(), in.Proto(), rec.Body)
		}
	}
}

func TestErrorFromResponseHugeLimit(t *testing.T) {
	err := newGateway(gateway.WithMaxErrorBody(math.MaxInt64)).ErrorFromResponse(fakeResponse(404, "application/json", `{"code":5,"message":"book 1 not found"}`))
	if status.Convert(err).Message() != "book 1 not found" {
		t.Errorf("limit MaxInt64: %v", err)
	}
}

// Google's APIs answer AIP-193 bodies; their challenge is kept, while a
// statusmap gateway's default one is not read into a pin.
func TestErrorFromResponseAIP193Challenge(t *testing.T) {
	body := `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`
	r := fakeResponse(401, "application/json", body, "WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
	rec := httptest.NewRecorder()
	gateway.WriteError(rec, nil, passThrough.ErrorFromResponse(r))
	if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer realm="https://accounts.google.com/", error="invalid_token"` {
		t.Errorf("re-served challenge %q", got)
	}
	r = fakeResponse(401, "application/json", body, "WWW-Authenticate", `Bearer realm="api"`)
	if pin := statusmap.PinOf(passThrough.ErrorFromResponse(r)); pin != nil {
		t.Errorf("the default challenge became a pin: %v", pin)
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
		w := &discardWriter{h: http.Header{}}
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
		flooded.WriteError(&discardWriter{h: http.Header{}}, nil, st.Err())
		if i%2 == 0 {
			flooded.WriteError(&discardWriter{h: http.Header{}}, nil, st.Err()) // some recur once
		}
	}
	if got := allocs(flooded); got > fresh {
		t.Errorf("after a flood of unique details: %v allocs per error; fresh %v", got, fresh)
	}
}

// A stream error whose detail protojson cannot write travels in a stand-in
// ErrorInfo that ErrorFromResponse turns back into the detail.
func TestStreamUnknownDetailRestored(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/stream/books?count=1&fail_with=unknown", "")
	lines := strings.Split(strings.TrimSpace(string(r.Body)), "\n")
	if r.Status != 200 || len(lines) != 2 {
		t.Fatalf("status %d, %d lines: %s", r.Status, len(lines), r.Body)
	}
	got := status.Convert(gateway.ErrorFromResponse(fakeResponse(404, "application/json", lines[1])))
	want := status.Convert(errorFor(context.Background(), "unknown"))
	if !proto.Equal(got.Proto(), want.Proto()) {
		t.Errorf("read back %v; want %v (chunk %s)", got.Proto(), want.Proto(), lines[1])
	}
}

// Routes added by hand (HandlePath) get the same routing answers as
// generated ones: every 405 carries Allow, since no entry point of the
// package installs the routing handler without the middleware the probes
// need.
func TestRoutingHandPathsAllow(t *testing.T) {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	called := false
	if err := mux.HandlePath("GET", "/v1/things", func(http.ResponseWriter, *http.Request, map[string]string) { called = true }); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("DELETE", "/v1/things", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET" || called {
		t.Errorf("405 %d, Allow %q, handler called %v; want 405, Allow GET, not called", rec.Code, rec.Header().Get("Allow"), called)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/nothing", nil))
	if rec.Code != 404 {
		t.Errorf("unknown path: %d; want 404", rec.Code)
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
