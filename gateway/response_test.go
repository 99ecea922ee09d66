package gateway_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
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
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
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

// readingBodies are an example error body per convention ErrorFromResponse
// reads, grown to about size bytes by repeating the part of it that a
// large body repeats (details, violations, metadata, or the message).
// A convention added to the reader gets a row here: the table is all there
// is to change.
func readingBodies(size int) []struct {
	name, contentType string
	body              []byte
} {
	grow := func(prefix, item, suffix string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for i := 0; b.Len()+len(item)+1+len(suffix) <= size || i == 0; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.ReplaceAll(item, "#", itoa(i)))
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	const jsonType = "application/json"
	return []struct {
		name, contentType string
		body              []byte
	}{
		{"google.rpc.Status", jsonType, grow(`{"code":5,"message":"no such book","details":[`, `{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"R#","domain":"d","metadata":{"k":"v#"}}`, `]}`)},
		{"google envelope", jsonType, grow(`{"error":{"code":404,"message":"no such book","status":"NOT_FOUND","details":[`, `{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en","message":"m#"}`, `]}}`)},
		{"problem+json", "application/problem+json", grow(`{"type":"about:blank","title":"Bad Request","status":400,"errors":[`, `{"pointer":"/f#","detail":"must be set"}`, `]}`)},
		{"connect", jsonType, grow(`{"code":"not_found","message":"no such book","details":[`, `{"type":"google.rpc.ErrorInfo","value":"CgFSEgFk"}`, `]}`)},
		{"twirp", jsonType, grow(`{"code":"not_found","msg":"no such book","meta":{`, `"k#":"v#"`, `}}`)},
		{"kubernetes", jsonType, grow(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":"Invalid","code":422,"details":{"causes":[`, `{"reason":"FieldValueRequired","message":"required","field":"spec.f#"}`, `]}}`)},
		{"error object", jsonType, grow(`{"error":{"code":"BadArgument","message":"m","details":[`, `{"code":"NullValue","target":"f#","message":"must be set"}`, `]}}`)},
		{"fastapi", jsonType, grow(`{"detail":[`, `{"loc":["body","f#"],"msg":"field required","type":"value_error.missing"}`, `]}`)},
		{"message + errors", jsonType, grow(`{"message":"invalid","errors":[`, `{"field":"f#","message":"must be set","code":"missing"}`, `]}`)},
		{"elasticsearch", jsonType, grow(`{"status":400,"error":{"type":"illegal_argument_exception","reason":"bad","root_cause":[`, `{"type":"illegal_argument_exception","reason":"unknown field [f#]"}`, `]}}`)},
		{"paypal", jsonType, grow(`{"name":"UNPROCESSABLE_ENTITY","debug_id":"90957fca61718","message":"The requested action could not be performed.","details":[`, `{"field":"/purchase_units/#/amount","issue":"INVALID_PARAMETER","description":"bad"}`, `]}`)},
		{"cloudflare", jsonType, grow(`{"success":false,"messages":[],"result":null,"errors":[`, `{"code":1003,"message":"Invalid or missing zone id #"}`, `]}`)},
		{"odata", jsonType, grow(`{"odata.error":{"code":"InvalidInput","message":{"lang":"en-US","value":"bad"},"innererror":{"items":[`, `{"k":"v#"}`, `]}}}`)},
		{"jira", jsonType, grow(`{"errorMessages":[],"errors":{`, `"customfield_#":"Field is required."`, `}}`)},
		{"rails errors map", jsonType, grow(`{"errors":{`, `"f#":["can't be blank"]`, `}}`)},
		{"nestjs message list", jsonType, grow(`{"statusCode":400,"error":"Bad Request","message":[`, `"f# must be a string"`, `]}`)},
		{"drf field map", jsonType, grow(`{`, `"f#":["This field is required."]`, `}`)},
		{"error array", jsonType, grow(`[`, `{"message":"Required fields are missing: [f#]","errorCode":"REQUIRED_FIELD_MISSING","fields":["f#"]}`, `]`)},
		{"s3 xml", "application/xml", grow(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>r</RequestId><Extra>`, `<Item>v#</Item>`, `</Extra></Error>`)},
		{"soap 1.1", "text/xml", grow(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>bad request</faultstring><detail>`, `<item>v#</item>`, `</detail></soap:Fault></soap:Body></soap:Envelope>`)},
		{"soap 1.2", "application/soap+xml", grow(`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">bad request</env:Text></env:Reason><env:Detail>`, `<item>v#</item>`, `</env:Detail></env:Fault></env:Body></env:Envelope>`)},
		{"html page", "text/html", grow(`<html><head><title>502 Bad Gateway</title></head><body>`, `<p>line #</p>`, `</body></html>`)},
		{"long message", jsonType, []byte(`{"message":"` + strings.Repeat("a", max(1, size-15)) + `"}`)},
		{"plain text", "text/plain; charset=utf-8", bytes.Repeat([]byte("no such book. "), max(1, size/14))},
	}
}

// BenchmarkErrorFromResponseSize reads each convention's example body at
// 1 KiB, 16 KiB, 256 KiB and 1 MiB (just under DefaultMaxErrorBody). MB/s
// is the reading rate; ns/KiB the cost per KiB of body.
//
//	go test -run '^$' -bench ErrorFromResponseSize -count 6 ./gateway
func BenchmarkErrorFromResponseSize(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10, 256 << 10, 1<<20 - 64} {
		for _, tc := range readingBodies(size) {
			b.Run(fmt.Sprintf("%s/size=%dKiB", tc.name, (size+64)>>10), func(b *testing.B) {
				resp := &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {tc.contentType}}}
				rd := bytes.NewReader(tc.body)
				b.ReportAllocs()
				b.SetBytes(int64(len(tc.body)))
				for b.Loop() {
					rd.Reset(tc.body)
					resp.Body = io.NopCloser(rd)
					if gateway.ErrorFromResponse(resp) == nil {
						b.Fatal("no error")
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(float64(len(tc.body))/1024), "ns/KiB")
			})
		}
	}
}

// TestReadingBodiesAreRead checks that each example body of
// BenchmarkErrorFromResponseSize is read as an error of its convention
// (not as an unrecognised body), and is under the size limit.
func TestReadingBodiesAreRead(t *testing.T) {
	for _, tc := range readingBodies(1 << 10) {
		if len(tc.body) > gateway.DefaultMaxErrorBody {
			t.Errorf("%s: %d bytes", tc.name, len(tc.body))
		}
		resp := &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {tc.contentType}}, Body: io.NopCloser(bytes.NewReader(tc.body))}
		err := gateway.ErrorFromResponse(resp)
		if err == nil {
			t.Errorf("%s: %v", tc.name, err)
		}
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
