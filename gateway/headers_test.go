package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestMetadataForwarding(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/md", "")
	if got := r.Header.Get("Grpc-Metadata-X-Request-Id"); got != "req-7" {
		t.Errorf("Grpc-Metadata-X-Request-Id = %q; want req-7", got)
	}
	// Binary metadata goes out in base64 without padding, as gRPC's HTTP/2
	// mapping writes it.
	if got := r.Header.Get("Grpc-Metadata-X-Raw-Bin"); got != "DQpJbmplY3RlZDogMQ" {
		t.Errorf("Grpc-Metadata-X-Raw-Bin = %q", got)
	}
	if r.Header.Get("Injected") != "" {
		t.Error("metadata injected a header")
	}
	if len(r.Trailer) != 0 {
		t.Errorf("trailers without TE: trailers: %v", r.Trailer)
	}
	r = g.do(t, "GET", "/v1/books/md", "", "TE", "trailers")
	if got := r.Trailer.Get("Grpc-Trailer-X-Trailer"); got != "t-1" {
		t.Errorf("trailer = %q; want t-1 (trailers %v)", got, r.Trailer)
	}

	// A matcher given to the mux after statusmap's options, the
	// grpc-gateway way, applies to errors as to successes.
	custom := startGatewayMux(t, nil, runtime.WithOutgoingHeaderMatcher(func(key string) (string, bool) {
		if key == "x-request-id" {
			return "X-Request-Id", true
		}
		return "", false
	}))
	r = custom.do(t, "GET", "/v1/books/md", "")
	if r.Header.Get("X-Request-Id") != "req-7" || r.Header.Get("Grpc-Metadata-X-Request-Id") != "" || r.Header.Get("Grpc-Metadata-X-Raw-Bin") != "" {
		t.Errorf("custom matcher not honoured: %v", r.Header)
	}
	// The same matcher applies to successes, which the mux forwards.
	r = custom.do(t, "GET", "/v1/books/ok", "")
	if r.Status != 200 {
		t.Errorf("success status %d", r.Status)
	}
}

func TestAuthChallenges(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/code-16", "")
	if r.Status != 401 || r.Header.Get("WWW-Authenticate") != `Bearer realm="api"` {
		t.Errorf("401: status %d, WWW-Authenticate %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
	r = g.do(t, "GET", "/v1/books/crlf", "")
	if got := r.Header.Get("WWW-Authenticate"); strings.Contains(got, "bad token") || got != `Bearer realm="api"` {
		t.Errorf("the status message reached WWW-Authenticate: %q", got)
	}
	if r.Header.Get("Set-Cookie") != "" {
		t.Error("the status message injected a header")
	}
	r = g.do(t, "GET", "/v1/books/challenge", "")
	if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="books", error="invalid_token"` {
		t.Errorf("pinned challenge: %q", got)
	}
	r = g.do(t, "GET", "/v1/books/pin-407", "")
	if r.Status != 407 || r.Header.Get("Proxy-Authenticate") != `Basic realm="proxy"` {
		t.Errorf("407: status %d, Proxy-Authenticate %q", r.Status, r.Header.Get("Proxy-Authenticate"))
	}

	// A challenge that is not valid RFC 9110 syntax is an error, never
	// trimmed or dropped.
	for _, bad := range []*statusmapv1.AuthChallenge{
		{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "bad name", Value: "x"}}},
		{Scheme: "bad scheme"},
		{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "a\r\nb"}}},
		{Scheme: "Negotiate", Token68: "a b"},
	} {
		if _, err := gateway.New(gateway.WithAuthChallenges(bad)); err == nil {
			t.Errorf("WithAuthChallenges(%v) accepted", bad)
		}
	}
	if _, err := gateway.New(gateway.WithProxyAuthChallenges()); err == nil {
		t.Error("WithProxyAuthChallenges() with no challenge accepted")
	}
	configured := startGateway(t, gateway.WithAuthChallenges(
		&statusmapv1.AuthChallenge{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: `say "hi"`}}},
		&statusmapv1.AuthChallenge{Scheme: "Negotiate", Token68: "abc=="},
	))
	r = configured.do(t, "GET", "/v1/books/code-16", "")
	if got := r.Header.Get("WWW-Authenticate"); got != `Basic realm="say \"hi\"", Negotiate abc==` {
		t.Errorf("configured challenge: %q", got)
	}
}

func TestAllowFromPin(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/allow", "")
	if r.Status != 405 || r.Header.Get("Allow") != "GET, PUT" {
		t.Errorf("status %d, Allow %q; want 405 with GET, PUT", r.Status, r.Header.Get("Allow"))
	}
}

func TestRetryAfter(t *testing.T) {
	g := startGateway(t)
	testCases := []struct {
		id   string
		want string
	}{
		{"retry-1500", "2"},
		{"retry-30000", "30"},
		{"retry-1", "1"},
		{"retry-0", "0"},
		{"retry--5000", "0"},
	}
	for _, tc := range testCases {
		r := g.do(t, "GET", "/v1/books/"+tc.id, "")
		if got := r.Header.Get("Retry-After"); got != tc.want {
			t.Errorf("%s: Retry-After %q; want %q", tc.id, got, tc.want)
		}
		if r.Status != 503 {
			t.Errorf("%s: status %d; want 503", tc.id, r.Status)
		}
	}
	if r := g.do(t, "GET", "/v1/books/code-5", ""); r.Header.Get("Retry-After") != "" {
		t.Errorf("Retry-After without RetryInfo: %q", r.Header.Get("Retry-After"))
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
