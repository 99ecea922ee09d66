package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// roundTripStatuses are written by the gateway and read back.
func roundTripStatuses(t *testing.T) map[string]*status.Status {
	t.Helper()
	withDetails, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
		&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"limit": "10"}},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)},
	)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*status.Status{
		"plain":        status.New(codes.NotFound, "no such book"),
		"details":      withDetails,
		"pinned-405":   statusmap.NewPinned(&statusmapv1.HttpStatus{Code: 405, AllowedMethods: []string{"GET", "PUT"}}, "read-only"),
		"pinned-502":   statusmap.New(502, "upstream sent garbage"),
		"unauth":       status.New(codes.Unauthenticated, "token expired"),
		"out-of-range": status.New(codes.Code(42), "odd code"), // read back as Internal (500)
		"unicode":      status.New(codes.InvalidArgument, "名前 must not be empty \"quoted\" \\ \n"),
	}
}

// passThrough reads responses back exactly, 401, 405 and 407 included.
var passThrough = newGateway(gateway.WithUpstreamPassThrough(true))

func TestRoundTripEveryFormat(t *testing.T) {
	statuses := roundTripStatuses(t)
	for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		writer := newGateway(gateway.WithFormat(format))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writer.WriteError(w, r, statuses[strings.TrimPrefix(r.URL.Path, "/")].Err())
		}))
		t.Cleanup(srv.Close)
		for name, want := range statuses {
			resp, err := http.Get(srv.URL + "/" + name)
			if err != nil {
				t.Fatal(err)
			}
			got := passThrough.ErrorFromResponse(resp)
			resp.Body.Close()
			if name == "out-of-range" {
				// A code gRPC does not define is not read as one: the HTTP
				// status decides.
				want = status.New(codes.Internal, want.Message())
			}
			if !proto.Equal(status.Convert(got).Proto(), want.Proto()) {
				t.Errorf("%v %s: read back\n %v\nwant\n %v", format, name, status.Convert(got).Proto(), want.Proto())
			}
			if statusmap.HTTPStatusOf(got) != resp.StatusCode {
				t.Errorf("%v %s: HTTPStatusOf = %d; response was %d", format, name, statusmap.HTTPStatusOf(got), resp.StatusCode)
			}
		}
	}
}

// TestRoundTripThroughGateway writes with the real mux over a real gRPC hop.
func TestRoundTripThroughGateway(t *testing.T) {
	for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		g := startGateway(t, gateway.WithFormat(format))
		for _, id := range []string{"code-5", "retry-1500", "pin-405", "pin-502", "challenge", "unknown"} {
			resp, err := g.Client.Get(g.URL + "/v1/books/" + id)
			if err != nil {
				t.Fatal(err)
			}
			got := passThrough.ErrorFromResponse(resp)
			resp.Body.Close()
			want := status.Convert(errorFor(context.Background(), id))
			if id == "pin-405" {
				// The gateway completes a 405's Allow with the methods the
				// mux routes, and the pin read back lists them.
				want = statusmap.NewPinned(&statusmapv1.HttpStatus{Code: 405, AllowedMethods: []string{"PUT", "PATCH", "DELETE"}}, want.Message())
			}
			if !proto.Equal(status.Convert(got).Proto(), want.Proto()) {
				t.Errorf("%v %s: read back\n %v\nwant\n %v", format, id, status.Convert(got).Proto(), want.Proto())
			}
		}
	}
}

// response builds an *http.Response as a client would receive it.
func fakeResponse(code int, contentType, body string, header ...string) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func TestErrorFromResponsePeers(t *testing.T) {
	testCases := []struct {
		name     string
		resp     *http.Response
		code     codes.Code
		msg      string
		contains string // a detail's text, if any
	}{
		{"connect", fakeResponse(404, "application/json", `{"code":"not_found","message":"no book"}`), codes.NotFound, "no book", ""},
		{"connect details", fakeResponse(429, "application/json",
			`{"code":"resource_exhausted","message":"slow down","details":[{"type":"google.rpc.RetryInfo","value":"CgIIHg","debug":{"retryDelay":"30s"}}]}`),
			codes.ResourceExhausted, "slow down", "retry_delay"},
		{"twirp", fakeResponse(403, "application/json", `{"code":"permission_denied","msg":"nope","meta":{"user":"u1"}}`), codes.PermissionDenied, "nope", "u1"},
		{"twirp malformed", fakeResponse(400, "application/json", `{"code":"malformed","msg":"bad json"}`), codes.InvalidArgument, "bad json", ""},
		{"huawei", fakeResponse(403, "application/json", `{"error_code":"APIGW.0302","error_msg":"The IAM user is not authorized to access the API","request_id":"r-1"}`),
			codes.PermissionDenied, "The IAM user is not authorized to access the API", "APIGW.0302"},
		{"huawei request id header", fakeResponse(502, "application/json", `{"error_code":"APIGW.0201","error_msg":"bad"}`, "X-Request-Id", "hdr-9"),
			codes.Unavailable, "bad", "hdr-9"},
		{"huawei nested", fakeResponse(409, "application/json", `{"error":{"code":"SVC.1001","message":"conflict"}}`), codes.Aborted, "conflict", "SVC.1001"},
		{"html", fakeResponse(502, "text/html", "<html><body><h1>502 Bad Gateway</h1>\r\n<hr>nginx</body></html>"),
			codes.Unavailable, "HTTP 502 Bad Gateway", ""}, // no title: the status, never markup
		{"plain text", fakeResponse(503, "text/plain", "upstream connect error"), codes.Unavailable, "HTTP 503 Service Unavailable: upstream connect error", ""},
		{"unknown json", fakeResponse(500, "application/json", `{"foo":"bar","n":1}`), codes.Internal, `HTTP 500 Internal Server Error: {"foo":"bar","n":1}`, ""},
		{"truncated json", fakeResponse(500, "application/json", `{"code":13,"message":"boo`), codes.Internal, `HTTP 500 Internal Server Error: {"code":13,"message":"boo`, ""},
		{"empty", fakeResponse(504, "", ""), codes.DeadlineExceeded, "HTTP 504 Gateway Timeout", ""},
		{"generic problem", fakeResponse(422, "application/problem+json", `{"type":"https://e.x/v","title":"Invalid","status":422,"detail":"name missing"}`),
			codes.InvalidArgument, "name missing", ""},
		{"grpc-gateway stream chunk", fakeResponse(500, "application/json", `{"error":{"code":14,"message":"gone","details":[]}}`), codes.Unavailable, "gone", ""},
		{"redirect", fakeResponse(302, "text/html", "moved"), codes.Unknown, "HTTP 302 Found: moved", ""},
		{"binary", fakeResponse(500, "application/octet-stream", "\x00\x01\xff\xfe bytes"), codes.Internal, "HTTP 500 Internal Server Error", ""}, // no binary excerpt
	}
	for _, tc := range testCases {
		err := gateway.ErrorFromResponse(tc.resp)
		st := status.Convert(err)
		if st.Code() != tc.code || st.Message() != tc.msg {
			t.Errorf("%s: %v %q; want %v %q", tc.name, st.Code(), st.Message(), tc.code, tc.msg)
		}
		if tc.resp.StatusCode >= 400 && statusmap.HTTPStatusOf(err) != tc.resp.StatusCode {
			t.Errorf("%s: HTTPStatusOf = %d; want %d", tc.name, statusmap.HTTPStatusOf(err), tc.resp.StatusCode)
		}
		if tc.contains != "" && !strings.Contains(fmt.Sprint(st.Details()), tc.contains) {
			t.Errorf("%s: details %v lack %q", tc.name, st.Details(), tc.contains)
		}
	}
	if err := gateway.ErrorFromResponse(fakeResponse(201, "", "")); err != nil {
		t.Errorf("2xx: %v", err)
	}
	if err := gateway.ErrorFromResponse(nil); status.Code(err) != codes.Unknown {
		t.Errorf("nil response: %v", err)
	}
}

func TestErrorFromResponseHeaders(t *testing.T) {
	err := gateway.ErrorFromResponse(fakeResponse(503, "text/plain", "busy", "Retry-After", "120"))
	var retry *errdetails.RetryInfo
	for _, d := range status.Convert(err).Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			retry = r
		}
	}
	if retry.GetRetryDelay().AsDuration() != 120*time.Second {
		t.Errorf("RetryInfo from Retry-After: %v", retry)
	}
	// Passed through, a foreign 401 or 407 keeps its challenges, and the
	// gateway in front writes them again; the gateway's own formats already
	// carry theirs.
	err = passThrough.ErrorFromResponse(fakeResponse(407, "text/html", "<p>proxy</p>", "Proxy-Authenticate", `Basic realm="upstream", Bearer`))
	rec := httptest.NewRecorder()
	gateway.WriteError(rec, nil, err)
	if got := rec.Header().Get("Proxy-Authenticate"); rec.Code != 407 || got != `Basic realm="upstream", Bearer` {
		t.Errorf("foreign 407 written again as %d with Proxy-Authenticate %q", rec.Code, got)
	}
	err = passThrough.ErrorFromResponse(fakeResponse(401, "application/json", `{"code":"unauthenticated","message":"who?"}`, "WWW-Authenticate", `Bearer realm="svc", error="invalid_token"`))
	if pin := statusmap.PinOf(err); pin.GetCode() != 401 || len(pin.GetChallenges()) != 1 || len(pin.GetChallenges()[0].GetParams()) != 2 {
		t.Errorf("foreign 401 pin: %v", pin)
	}
	err = passThrough.ErrorFromResponse(fakeResponse(405, "text/plain", "no", "Allow", "GET, HEAD", "Allow", "bad token!, POST"))
	if pin := statusmap.PinOf(err); pin.GetCode() != 405 || strings.Join(pin.GetAllowedMethods(), ",") != "GET,HEAD,POST" {
		t.Errorf("pin from Allow: %v", pin)
	}
}

// endless is a body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// counting counts what is read from a body.
type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestErrorFromResponseBounded(t *testing.T) {
	body := &counting{r: endless{}}
	err := newGateway(gateway.WithMaxErrorBody(64 << 10)).ErrorFromResponse(&http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(body)})
	if status.Code(err) != codes.Internal || len(status.Convert(err).Message()) > 300 || !strings.HasSuffix(status.Convert(err).Message(), "…") {
		t.Errorf("endless body: %v", err)
	}
	if body.n > 64<<10+1 {
		t.Errorf("read %d bytes with a limit of %d", body.n, 64<<10)
	}
	body = &counting{r: endless{}}
	err = gateway.ErrorFromResponse(&http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(body)})
	if status.Code(err) != codes.Internal || body.n > gateway.DefaultMaxErrorBody+1 {
		t.Errorf("endless body, default limit: %v after %d bytes", err, body.n)
	}
}

// TestErrorFromResponseSeedFamily checks the details of the documented API
// family's error body one by one.
func TestErrorFromResponseSeedFamily(t *testing.T) {
	for _, tc := range []struct {
		resp      *http.Response
		requestID string
	}{
		{fakeResponse(401, "application/json", `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"r-1"}`, "X-Request-Id", "hdr-1"), "r-1"},
		{fakeResponse(401, "application/json", `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`, "X-Request-Id", "hdr-1"), "hdr-1"},
	} {
		st := status.Convert(passThrough.ErrorFromResponse(tc.resp))
		var reason, requestID string
		for _, d := range st.Details() {
			switch d := d.(type) {
			case *errdetails.ErrorInfo:
				reason = d.GetReason()
			case *errdetails.RequestInfo:
				requestID = d.GetRequestId()
			}
		}
		if st.Code() != codes.Unauthenticated || st.Message() != "Incorrect IAM authentication information" || reason != "APIGW.0301" || requestID != tc.requestID {
			t.Errorf("%v %q reason %q request id %q; want Unauthenticated, APIGW.0301, %s", st.Code(), st.Message(), reason, requestID, tc.requestID)
		}
	}
}

// TestErrorFromResponseFoldsUpstreamAuth: an upstream's 401, 405 and 407
// come back as a 502 that keeps what the upstream said, and the gateway in
// front answers 502 with no challenge and no Allow; with
// WithUpstreamPassThrough they travel exactly.
func TestErrorFromResponseFoldsUpstreamAuth(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/401":
			w.Header().Set("WWW-Authenticate", `Bearer realm="upstream", error="invalid_token"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_token","error_description":"The access token expired"}`)
		case "/405":
			w.Header().Set("Allow", "GET, HEAD")
			w.WriteHeader(405)
			io.WriteString(w, "method not allowed")
		case "/407":
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp-proxy"`)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(407)
			io.WriteString(w, "<h1>Proxy Authentication Required</h1>")
		}
	}))
	t.Cleanup(upstream.Close)
	testCases := []struct {
		path, reason, message string
		meta                  map[string]string
		header                string // the challenge or Allow header
	}{
		{"/401", gateway.ReasonUpstreamUnauthenticated, "upstream answered 401 Unauthorized: The access token expired", map[string]string{
			"httpStatus": "401", "grpcCode": "UNAUTHENTICATED", "message": "The access token expired",
			"wwwAuthenticate": `Bearer realm="upstream", error="invalid_token"`,
		}, "Www-Authenticate"},
		{"/405", gateway.ReasonUpstreamMethodNotAllowed, "upstream answered 405 Method Not Allowed: method not allowed", map[string]string{
			"httpStatus": "405", "grpcCode": "UNIMPLEMENTED", "message": "HTTP 405 Method Not Allowed: method not allowed", "allow": "GET, HEAD",
		}, "Allow"},
		{"/407", gateway.ReasonUpstreamProxyAuthRequired, "upstream answered 407 Proxy Authentication Required", map[string]string{
			"httpStatus": "407", "grpcCode": "UNAUTHENTICATED", "message": "HTTP 407 Proxy Authentication Required", // an HTML page without a title
			"proxyAuthenticate": `Basic realm="corp-proxy"`,
		}, "Proxy-Authenticate"},
	}
	get := func(path string) *http.Response {
		resp, err := http.Get(upstream.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for _, tc := range testCases {
		resp := get(tc.path)
		err := gateway.ErrorFromResponse(resp)
		st := status.Convert(err)
		if st.Code() != codes.Unavailable || st.Message() != tc.message || statusmap.HTTPStatusOf(err) != 502 {
			t.Errorf("%s: %v %q, HTTP %d; want Unavailable %q, 502", tc.path, st.Code(), st.Message(), statusmap.HTTPStatusOf(err), tc.message)
		}
		if !reason.Has(err, gateway.UpstreamDomain, tc.reason) {
			t.Errorf("%s: no ErrorInfo %s: %v", tc.path, tc.reason, st.Details())
		}
		for _, d := range st.Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == gateway.UpstreamDomain {
				if fmt.Sprint(info.GetMetadata()) != fmt.Sprint(tc.meta) {
					t.Errorf("%s: metadata %v; want %v", tc.path, info.GetMetadata(), tc.meta)
				}
			}
		}
		// The gateway in front: a 502, with nothing a client would act on
		// as its own.
		rec := httptest.NewRecorder()
		gateway.WriteError(rec, nil, err)
		if rec.Code != 502 || rec.Header().Get(tc.header) != "" || rec.Header().Get("Www-Authenticate") != "" {
			t.Errorf("%s: written again as %d with %s %q", tc.path, rec.Code, tc.header, rec.Header().Get(tc.header))
		}

		// Passed through: the exact status, and its header written again.
		resp = get(tc.path)
		err = passThrough.ErrorFromResponse(resp)
		rec = httptest.NewRecorder()
		gateway.WriteError(rec, nil, err)
		if rec.Code != resp.StatusCode || rec.Header().Get(tc.header) != resp.Header.Get(tc.header) {
			t.Errorf("%s passed through: written again as %d with %s %q; want %d %q", tc.path, rec.Code, tc.header, rec.Header().Get(tc.header), resp.StatusCode, resp.Header.Get(tc.header))
		}
	}
	// Every other status travels exactly.
	for _, code := range []int{400, 403, 404, 406, 409, 429, 502, 503} {
		err := gateway.ErrorFromResponse(fakeResponse(code, "text/plain", "x"))
		if statusmap.HTTPStatusOf(err) != code {
			t.Errorf("%d read as %d", code, statusmap.HTTPStatusOf(err))
		}
	}
}

// TestErrorFromResponseRetryAfter reads both forms of Retry-After.
func TestErrorFromResponseRetryAfter(t *testing.T) {
	date := "Sun, 06 Nov 1994 08:49:37 GMT"
	testCases := []struct {
		header []string
		want   time.Duration
		ok     bool
	}{
		{[]string{"Retry-After", "120"}, 120 * time.Second, true},
		{[]string{"Retry-After", " 0 "}, 0, true},
		{[]string{"Retry-After", "Sun, 06 Nov 1994 08:51:37 GMT", "Date", date}, 2 * time.Minute, true},
		{[]string{"Retry-After", "Sunday, 06-Nov-94 08:50:37 GMT", "Date", date}, time.Minute, true}, // RFC 850 form
		{[]string{"Retry-After", "Sun Nov  6 08:50:07 1994", "Date", date}, 30 * time.Second, true},  // asctime form
		{[]string{"Retry-After", "Sun, 06 Nov 1994 08:00:00 GMT", "Date", date}, 0, true},            // in the past: no delay
		{[]string{"Retry-After", "-5"}, 0, false},
		{[]string{"Retry-After", "soon"}, 0, false},
	}
	for _, tc := range testCases {
		st := status.Convert(gateway.ErrorFromResponse(fakeResponse(503, "text/plain", "busy", tc.header...)))
		var got *errdetails.RetryInfo
		for _, d := range st.Details() {
			if r, ok := d.(*errdetails.RetryInfo); ok {
				got = r
			}
		}
		if (got != nil) != tc.ok || got.GetRetryDelay().AsDuration() != tc.want {
			t.Errorf("%q: RetryInfo %v; want %v (%v)", tc.header, got, tc.want, tc.ok)
		}
	}
	// Without a Date header an HTTP-date counts from now.
	in := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	st := status.Convert(gateway.ErrorFromResponse(fakeResponse(503, "text/plain", "busy", "Retry-After", in)))
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			if got := r.GetRetryDelay().AsDuration(); got < 59*time.Minute || got > time.Hour {
				t.Errorf("Retry-After %s read as %v; want about an hour", in, got)
			}
			return
		}
	}
	t.Errorf("Retry-After %s: no RetryInfo in %v", in, st.Details())
}

// TestErrorFromResponseRequestIDHeaders reads a request id from each of the
// usual headers, and keeps the body's own over a header's.
func TestErrorFromResponseRequestIDHeaders(t *testing.T) {
	requestID := func(resp *http.Response) string {
		for _, d := range status.Convert(gateway.ErrorFromResponse(resp)).Details() {
			if r, ok := d.(*errdetails.RequestInfo); ok {
				return r.GetRequestId()
			}
		}
		return ""
	}
	for _, name := range []string{"X-Request-Id", "X-Amzn-RequestId", "Request-Id", "X-Correlation-Id"} {
		if got := requestID(fakeResponse(500, "text/plain", "boom", name, "id-1")); got != "id-1" {
			t.Errorf("%s: request id %q", name, got)
		}
	}
	if got := requestID(fakeResponse(500, "text/plain", "boom", "X-Request-Id", "bad\x00\x7fid\xff")); got != "badid\ufffd" {
		t.Errorf("a header with controls and invalid UTF-8 became %q", got)
	}
	withInfo, _ := status.New(codes.NotFound, "x").WithDetails(&errdetails.RequestInfo{RequestId: "from-body"})
	rec := httptest.NewRecorder()
	gateway.WriteError(rec, nil, withInfo.Err())
	resp := rec.Result()
	resp.Header.Set("X-Request-Id", "from-header")
	if got := requestID(resp); got != "from-body" {
		t.Errorf("the body's RequestInfo gave way to a header: %q", got)
	}
}

// TestUpstreamOptions: bad options are errors; WithMaxErrorBody bounds
// what the Gateway reads.
func TestUpstreamOptions(t *testing.T) {
	for _, n := range []int64{0, -1} {
		if _, err := gateway.New(gateway.WithMaxErrorBody(n)); err == nil {
			t.Errorf("WithMaxErrorBody(%d) accepted", n)
		}
	}
	g, err := gateway.New(gateway.WithMaxErrorBody(16))
	if err != nil {
		t.Fatal(err)
	}
	body := &counting{r: endless{}}
	err = g.ErrorFromResponse(&http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(body)})
	if body.n > 17 || !strings.HasSuffix(status.Convert(err).Message(), "…") {
		t.Errorf("read %d bytes with WithMaxErrorBody(16): %v", body.n, err)
	}
	// WithStatusMapper decides the code of a body that states none.
	m, err := statusmap.NewMapper(statusmap.WithCode(400, codes.FailedPrecondition))
	if err != nil {
		t.Fatal(err)
	}
	err = newGateway(gateway.WithStatusMapper(m)).ErrorFromResponse(fakeResponse(400, "application/json", `{"message":"not yet"}`))
	if status.Code(err) != codes.FailedPrecondition || statusmap.HTTPStatusOf(err) != 400 {
		t.Errorf("with a mapper: %v, HTTP %d", err, statusmap.HTTPStatusOf(err))
	}
}
