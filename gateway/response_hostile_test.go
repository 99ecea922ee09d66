package gateway_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// relay is a service that calls a REST upstream and returns what
// ErrorFromResponse makes of its errors, as a service in front of another
// team's API does. The book id is the upstream's path.
type relay struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	upstream string
	read     func(*http.Response) error
}

func (s *relay) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	r, err := http.NewRequestWithContext(ctx, "GET", s.upstream+"/"+req.GetId(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := s.read(resp); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

// startRelay runs upstream, a relay service reading it with read, and a
// real gateway mux with opts in front of the service; it returns the
// mux's URL.
func startRelay(t *testing.T, upstream http.HandlerFunc, read func(*http.Response) error, opts ...gateway.Option) string {
	t.Helper()
	up := httptest.NewServer(upstream)
	t.Cleanup(up.Close)
	svc := &relay{upstream: up.URL, read: read}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	bookshelfv1.RegisterBookshelfServiceServer(srv, svc)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return startMux(t, lis.Addr().String(), gateway.ServeMuxOptions(opts...)...)
}

// pinnedBody is a statusmap status body whose details carry a pin of 401
// with an upstream's own challenge: what a hostile upstream sends to make
// a browser ask its user for a password.
func pinnedBody(t *testing.T, pinCode int32) string {
	pin, err := anypb.New(&statusmapv1.HttpStatus{Code: pinCode, Challenges: []*statusmapv1.AuthChallenge{
		{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "enter your bank password"}}},
	}, AllowedMethods: []string{"DELETE"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := protojson.Marshal(pin)
	if err != nil {
		t.Fatal(err)
	}
	return `{"code":16,"message":"log in","details":[` + string(b) + `]}`
}

// TestUpstreamStatusLineCannotUnfold answers through a real gateway an
// upstream's response whose status line is not an error status (or is one
// other than the pin's) and whose body carries a pin of 401, 405 or 407:
// the client never gets the pinned status nor its challenge or Allow.
func TestUpstreamStatusLineCannotUnfold(t *testing.T) {
	for _, line := range []int{300, 399, 600, 999, 400, 500} {
		for _, pinCode := range []int32{401, 405, 407} {
			t.Run(fmt.Sprintf("%d with a %d pin", line, pinCode), func(t *testing.T) {
				body := pinnedBody(t, pinCode)
				url := startRelay(t, func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(line)
					fmt.Fprint(w, body)
				}, gateway.ErrorFromResponse)
				resp := doRequest(t, http.DefaultClient, "GET", url+"/v1/books/x", "")
				if resp.Status == int(pinCode) || resp.Header.Get("Www-Authenticate") != "" || resp.Header.Get("Proxy-Authenticate") != "" ||
					resp.Header.Get("Allow") != "" {
					t.Fatalf("upstream %d with a %d pin answered %d %v %s", line, pinCode, resp.Status, resp.Header, resp.Body)
				}
			})
		}
	}
}

// TestUpstreamNonErrorStatusKeepsNoPin reads the same bodies directly: a
// status line outside 400 to 599 yields no pin, and a pin of 401, 405 or
// 407 in the body is folded into a 502 like the status line would be,
// unless WithUpstreamPassThrough.
func TestUpstreamNonErrorStatusKeepsNoPin(t *testing.T) {
	passThrough := newGateway(gateway.WithUpstreamPassThrough(true))
	for _, line := range []int{100, 300, 399, 600, 999} {
		for _, pinCode := range []int32{401, 405, 407, 404} {
			body := pinnedBody(t, pinCode)
			err := gateway.ErrorFromResponse(fakeResponse(line, "application/json", body))
			got := statusmap.HTTPStatusOf(err)
			folded := pinCode != 404
			if folded && (got != 502 || status.Code(err) != codes.Unavailable) || !folded && (got != 500 || status.Code(err) != codes.Unknown) {
				t.Errorf("%d with a %d pin: %d %v", line, pinCode, got, err)
			}
			if pin := statusmap.PinOf(err); pin != nil && (pin.GetCode() != 502 || len(pin.GetChallenges()) > 0 || len(pin.GetAllowedMethods()) > 0) {
				t.Errorf("%d with a %d pin: pinned %v", line, pinCode, pin)
			}
			err = passThrough.ErrorFromResponse(fakeResponse(line, "application/json", body))
			if pin := statusmap.PinOf(err); pin != nil || status.Code(err) != codes.Unknown {
				t.Errorf("pass-through %d with a %d pin: %v pinned %v", line, pinCode, err, pin)
			}
		}
	}
}

// TestUpstreamPinKeepsOnlyItsStatusHeaders reads an error status whose
// body pins another: the status line's pin replaces it, without the
// challenges or methods of a status it is not.
func TestUpstreamPinKeepsOnlyItsStatusHeaders(t *testing.T) {
	passThrough := newGateway(gateway.WithUpstreamPassThrough(true))
	for _, line := range []int{400, 404, 500} {
		err := passThrough.ErrorFromResponse(fakeResponse(line, "application/json", pinnedBody(t, 401)))
		if pin := statusmap.PinOf(err); pin.GetCode() != int32(line) || len(pin.GetChallenges()) > 0 || len(pin.GetAllowedMethods()) > 0 {
			t.Errorf("%d with a 401 pin: pinned %v", line, pin)
		}
	}
}

// TestGoClientReadsOddStatusLines checks the premise of the tests above:
// Go's client accepts any three-digit status line.
func TestGoClientReadsOddStatusLines(t *testing.T) {
	for _, line := range []int{399, 600, 999} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(line) }))
		resp, err := srv.Client().Get(srv.URL)
		if err != nil || resp.StatusCode != line {
			t.Errorf("%d: %v %v", line, resp, err)
		} else {
			resp.Body.Close()
		}
		srv.Close()
	}
}

// firstRead closes got once a Read has returned bytes.
type firstRead struct {
	io.ReadCloser
	got  chan struct{}
	once sync.Once
}

func (r *firstRead) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if n > 0 {
		r.once.Do(func() { close(r.got) })
	}
	return n, err
}

// TestSlowBodyEndsWithTheRequestContext reads a body that never ends: the
// read returns once the request's context is cancelled, with what was read
// quoted as a body cut short.
func TestSlowBodyEndsWithTheRequestContext(t *testing.T) {
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(503)
		fmt.Fprint(w, "down for")
		w.(http.Flusher).Flush()
		<-release // never writes the rest
	}))
	defer up.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", up.URL, nil)
	resp, err := up.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// Cancel only once the reader has the first bytes: cancelling earlier
	// could leave it nothing to quote, on a slow machine.
	read := &firstRead{ReadCloser: resp.Body, got: make(chan struct{})}
	resp.Body = read
	done := make(chan error, 1)
	go func() { done <- gateway.ErrorFromResponse(resp) }()
	select {
	case <-read.got:
	case err := <-done:
		t.Fatalf("the read ended before the body did: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("the read ended before the body did: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if msg := status.Convert(err).Message(); msg != "HTTP 503 Service Unavailable: down for …" || statusmap.HTTPStatusOf(err) != 503 {
			t.Fatalf("%d %q", statusmap.HTTPStatusOf(err), msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the read did not end with the request's context")
	}
}

// TestRetryDelaysAreClamped reads absurd Retry-After headers and
// Kubernetes' retryAfterSeconds into RetryInfo, and writes absurd RetryInfo
// details into Retry-After through a real mux: both ways the delay is
// clamped to gateway.MaxRetryDelay, and never negative.
func TestRetryDelaysAreClamped(t *testing.T) {
	maxSeconds := int64(gateway.MaxRetryDelay / time.Second)
	for header, want := range map[string]time.Duration{
		"4611686018427387904":           gateway.MaxRetryDelay,
		"9223372036854775807":           gateway.MaxRetryDelay,
		"86401":                         gateway.MaxRetryDelay,
		"30":                            30 * time.Second,
		"Fri, 31 Dec 9999 23:59:59 GMT": gateway.MaxRetryDelay,
		"Sun, 06 Nov 1994 08:49:37 GMT": 0,
	} {
		err := gateway.ErrorFromResponse(fakeResponse(503, "text/plain", "busy", "Retry-After", header))
		if got := retryDelayOf(t, err); got != want {
			t.Errorf("Retry-After: %s read as %v; want %v", header, got, want)
		}
	}
	err := gateway.ErrorFromResponse(fakeResponse(429, "application/json",
		`{"kind":"Status","apiVersion":"v1","message":"m","details":{"retryAfterSeconds":4611686018427387904}}`))
	if got := retryDelayOf(t, err); got != gateway.MaxRetryDelay {
		t.Errorf("retryAfterSeconds 2^62 read as %v", got)
	}

	handler := errorHandler()
	for _, d := range []*durationpb.Duration{
		{Seconds: 1 << 62},
		{Seconds: math.MaxInt64, Nanos: 999999999},
		{Seconds: maxSeconds, Nanos: 1},
		{Seconds: -1 << 62},
		{Seconds: math.MinInt64, Nanos: -1},
	} {
		st, _ := status.New(codes.Unavailable, "busy").WithDetails(&errdetails.RetryInfo{RetryDelay: d})
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		handler(req.Context(), nil, &runtime.JSONPb{}, rec, req, st.Err())
		want := strconv.FormatInt(maxSeconds, 10)
		if d.GetSeconds() < 0 {
			want = "0"
		}
		if got := rec.Header().Get("Retry-After"); got != want {
			t.Errorf("RetryInfo %v written as Retry-After: %q; want %s", d, got, want)
		}
	}
}

// retryDelayOf is the delay of err's RetryInfo.
func retryDelayOf(t *testing.T, err error) time.Duration {
	t.Helper()
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.RetryInfo); ok {
			return info.GetRetryDelay().AsDuration()
		}
	}
	t.Fatalf("no RetryInfo in %v", err)
	return 0
}

// upstreamLeaks are responses of an upstream that carry its text (the
// word "secret", and its host) by every path ErrorFromResponse reads: the
// body's message, an excerpt of a body in no convention, the challenges,
// Allow and request-id headers, an API's own error code and type (an
// ErrorInfo of the upstream's host), field violations, links, metadata,
// and a statusmap or AIP-193 body's own details.
var upstreamLeaks = map[string]struct {
	status int
	body   string
	header []string
}{
	"oauth 401": {401, `{"error":"invalid_token","error_description":"secret token expired"}`,
		[]string{"Www-Authenticate", `Bearer realm="secret", error_description="secret expired"`, "X-Request-Id", "secret-id"}},
	"proxy 407":   {407, `{"message":"secret proxy"}`, []string{"Proxy-Authenticate", `Basic realm="secret"`}},
	"allow 405":   {405, `{"message":"secret method"}`, []string{"Allow", "GET, SECRET"}},
	"html 502":    {502, `<html><head><title>secret stack trace</title></head><body>secret</body></html>`, nil},
	"message 503": {503, `{"message":"secret db at 10.0.0.7","request_id":"secret-id","documentation_url":"https://secret.example/doc"}`, nil},
	"stripe 500": {500, `{"error":{"code":"secret_code","type":"secret_type","message":"secret","param":"secret_field","decline_code":"secret","doc_url":"https://secret.example"}}`,
		[]string{"X-Request-Id", "secret-id"}},
	"twirp 503":      {503, `{"code":"unavailable","msg":"secret","meta":{"host":"secret"}}`, nil},
	"kubernetes 500": {500, `{"kind":"Status","apiVersion":"v1","message":"secret","reason":"SecretReason","details":{"name":"secret","causes":[{"field":"secret","message":"secret"}]}}`, nil},
	"aws 504":        {504, `{"message":"secret"}`, []string{"X-Amzn-Errortype", "SecretException"}},
	"statusmap 503": {503, `{"code":14,"message":"secret","details":[` +
		`{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en","message":"secret"},` +
		`{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SECRET","domain":"secret.example","metadata":{"k":"secret"}},` +
		`{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"UPSTREAM_TRUNCATED","domain":"statusmap.dev","metadata":{"messageBytes":"secret","secret":"1"}},` +
		`{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"secret","description":"secret"}]},` +
		`{"@type":"type.googleapis.com/google.rpc.Help","links":[{"url":"https://secret.example"}]},` +
		`{"@type":"type.googleapis.com/google.rpc.RequestInfo","requestId":"secret"},` +
		`{"@type":"type.googleapis.com/google.rpc.DebugInfo","detail":"secret"},` +
		`{"@type":"example.com/acme.Secret","secret":"secret"},"secret"]}`, nil},
	"aip-193 500": {500, `{"error":{"code":500,"message":"secret","status":"INTERNAL","details":[{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en","message":"secret"}]}}`, nil},
	"pinned 300":  {300, "", nil}, // a 401 pin with a challenge, filled in below

	// The conventions whose text is not a top-level message, XML, HTML,
	// and the vendors' request-id headers.
	"elasticsearch 500": {500, `{"error":{"root_cause":[{"type":"secret_type","reason":"secret cause","index":"secret"}],"type":"secret_exception","reason":"secret"},"status":500}`, nil},
	"paypal 500": {500, `{"name":"SECRET_NAME","message":"secret","debug_id":"secret-id","details":[{"field":"/secret","issue":"SECRET","description":"secret"}],"links":[{"rel":"information_link","href":"https://secret.example"}]}`,
		[]string{"Paypal-Debug-Id", "secret-id"}},
	"cloudflare 502": {502, `{"success":false,"errors":[{"code":"secret","message":"secret","error_chain":[{"message":"secret"}]}]}`, []string{"CF-Ray", "secret-ray"}},
	"jira 500":       {500, `{"errorMessages":["secret"],"errors":{"secret_field":"secret"}}`, []string{"X-AREQUESTID", "secret-id"}},
	"rails 503":      {503, `{"errors":{"secret_field":["secret"]},"error_type":"secret_type"}`, []string{"X-Slack-Req-Id", "secret-id"}},
	"nest 500":       {500, `{"statusCode":500,"message":["secret"],"error":"secret"}`, []string{"X-Acme-Request-Id", "secret-id"}},
	"drf 500":        {500, `{"secret_field":["secret"],"non_field_errors":["secret"]}`, nil},
	"array 500":      {500, `[{"message":"secret","errorCode":"SECRET","fields":["secret"]}]`, []string{"x-ms-request-id", "secret-id"}},
	"heroku 503":     {503, `{"id":"secret_id","name":"Secret","message":"secret","debug_id":"secret"}`, nil},
	"s3 503": {503, `<Error><Code>SecretCode</Code><Message>secret</Message><Resource>/secret</Resource><RequestId>secret-id</RequestId><HostId>secret</HostId></Error>`,
		[]string{"Content-Type", "application/xml", "x-amz-request-id", "secret-id"}},
	"soap 1.1 500": {500, `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Secret</faultcode><faultstring>secret</faultstring><faultactor>secret</faultactor></s:Fault></s:Body></s:Envelope>`,
		[]string{"Content-Type", "text/xml"}},
	"soap 1.2 500": {500, `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault><e:Code><e:Value>e:Receiver</e:Value><e:Subcode><e:Value>m:Secret</e:Value></e:Subcode></e:Code><e:Reason><e:Text>secret</e:Text></e:Reason><e:Node>secret</e:Node></e:Fault></e:Body></e:Envelope>`,
		[]string{"Content-Type", "application/soap+xml"}},
	"html title 504": {504, `<!DOCTYPE html><html><head><title>secret | 504: Gateway time-out</title></head></html>`, []string{"Content-Type", "text/html"}},
}

// TestRedactionCoversUpstreamText reads each leaking response with the
// ErrorFromResponse of a Gateway made WithRedaction(true), behind that
// Gateway's own mux: no text of the upstream's, nor its host, reaches the
// client. The same Gateway without redaction shows that each path does
// carry the text.
func TestRedactionCoversUpstreamText(t *testing.T) {
	for name, leak := range upstreamLeaks {
		if name == "pinned 300" {
			leak.body = strings.ReplaceAll(pinnedBody(t, 401), "bank password", "secret")
		}
		upstream := func(w http.ResponseWriter, _ *http.Request) {
			for i := 0; i+1 < len(leak.header); i += 2 {
				w.Header().Add(leak.header[i], leak.header[i+1])
			}
			if w.Header().Get("Content-Type") == "" {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(leak.status)
			fmt.Fprint(w, leak.body)
		}
		t.Run(name, func(t *testing.T) {
			for _, redact := range []bool{false, true} {
				g := newGateway(gateway.WithRedaction(redact))
				url := startRelay(t, upstream, g.ErrorFromResponse, gateway.WithRedaction(redact))
				resp := doRequest(t, http.DefaultClient, "GET", url+"/v1/books/x", "")
				seen := strings.ToLower(fmt.Sprint(resp.Header) + string(resp.Body))
				leaked := strings.Contains(seen, "secret") || strings.Contains(seen, "127.0.0.1")
				if resp.Status < 500 {
					t.Fatalf("answered %d", resp.Status)
				}
				if redact && leaked {
					t.Errorf("redacted, the client read %d %v %s", resp.Status, resp.Header, resp.Body)
				}
				if !redact && !leaked {
					t.Errorf("without redaction, the upstream's text is lost: %d %v %s", resp.Status, resp.Header, resp.Body)
				}
			}
		})
	}
}

// TestRedactionOfFoldedUpstreamInWriter reads an upstream's 401 with the
// package's ErrorFromResponse, which knows of no redaction: a gateway made
// WithRedaction(true) still writes none of the upstream's message or
// challenge that the fold kept, and keeps the fold's numbers.
func TestRedactionOfFoldedUpstreamInWriter(t *testing.T) {
	err := gateway.ErrorFromResponse(fakeResponse(401, "application/json", `{"message":"secret"}`,
		"Www-Authenticate", `Bearer error_description="secret"`))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	errorHandler(gateway.WithRedaction(true))(req.Context(), nil, &runtime.JSONPb{}, rec, req, err)
	if body := rec.Body.String(); rec.Code != 502 || strings.Contains(body, "secret") || !strings.Contains(strings.ReplaceAll(body, " ", ""), `"httpStatus":"401"`) {
		t.Fatalf("%d %s", rec.Code, body)
	}
}

// TestHostileContentTypeCostsLittle: an upstream's Content-Type or
// Content-Encoding of a megabyte of invalid bytes names nothing; reading the
// response costs what a one-byte body costs, not about 11 bytes for each of
// the header's (mime.ParseMediaType and strings.ToLower lower-case a whole
// value). The status and its HTTP status are kept.
func TestHostileContentTypeCostsLittle(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's allocations are not the reader's")
	}
	for _, ct := range []string{
		strings.Repeat("\x8d", 1<<20),
		"application/problem+json; a=\"" + strings.Repeat("\x8d", 1<<20) + "\"",
		"text/html; a=\"" + strings.Repeat("\x8d", 1<<20) + "\"",
	} {
		var err error
		resp := fakeResponse(503, ct, "[", "Content-Encoding", "gzip"+ct)
		allocated := allocatedOnce(func() { err = gateway.ErrorFromResponse(resp) })
		if allocated > 64<<10 {
			t.Errorf("%d bytes allocated for a Content-Type of %d bytes", allocated, len(ct))
		}
		if status.Code(err) != codes.Unavailable || statusmap.HTTPStatusOf(err) != 503 {
			t.Errorf("%v, HTTP %d; want Unavailable, 503", err, statusmap.HTTPStatusOf(err))
		}
	}
}
