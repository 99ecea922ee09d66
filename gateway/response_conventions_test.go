package gateway_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// requestIDOf is the request id of err's RequestInfo, or "".
func requestIDOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if r, ok := d.(*errdetails.RequestInfo); ok {
			return r.GetRequestId()
		}
	}
	return ""
}

// TestRequestIDFromVendorHeaders reads a request id from each vendor's
// header, in any case, and from any other "-Request-Id" header; the named
// headers come first, and a body's member before any header.
func TestRequestIDFromVendorHeaders(t *testing.T) {
	for _, name := range []string{
		"X-Request-Id", "X-Amzn-RequestId", "x-amz-request-id", "x-ms-request-id", "Request-Id", "X-Correlation-Id",
		"Paypal-Debug-Id", "X-Slack-Req-Id", "X-AREQUESTID", "X-GitHub-Request-Id", "CF-Ray", "X-Acme-Request-Id", "Sforce-Request-Id",
	} {
		if got := requestIDOf(gateway.ErrorFromResponse(fakeResponse(500, "text/plain", "boom", name, "id-1"))); got != "id-1" {
			t.Errorf("%s: request id %q", name, got)
		}
	}
	// A non-canonical key, as a hand-built http.Header may hold.
	resp := fakeResponse(500, "text/plain", "boom")
	resp.Header["x-zeta-request-id"] = []string{"id-z"}
	if got := requestIDOf(gateway.ErrorFromResponse(resp)); got != "id-z" {
		t.Errorf("non-canonical -request-id header: %q", got)
	}
	if got := requestIDOf(gateway.ErrorFromResponse(fakeResponse(500, "text/plain", "boom", "CF-Ray", "ray", "X-B-Request-Id", "b", "X-A-Request-Id", "a"))); got != "a" {
		t.Errorf("generic headers are looked at after the named ones, by name, and before CF-Ray: %q", got)
	}
	if got := requestIDOf(gateway.ErrorFromResponse(fakeResponse(500, "text/plain", "boom", "CF-Ray", "ray", "X-Request-Id", "first"))); got != "first" {
		t.Errorf("X-Request-Id comes before CF-Ray: %q", got)
	}
	for _, member := range []string{"request_id", "requestId", "debug_id", "traceId"} {
		body := `{"message":"m","` + member + `":"from-body"}`
		if got := requestIDOf(gateway.ErrorFromResponse(fakeResponse(500, "application/json", body, "X-Request-Id", "from-header"))); got != "from-body" {
			t.Errorf("%s: request id %q", member, got)
		}
	}
	// Any convention's body: a Kubernetes Status with a requestId member.
	body := `{"kind":"Status","apiVersion":"v1","message":"m","requestId":"k-1"}`
	if got := requestIDOf(gateway.ErrorFromResponse(fakeResponse(500, "application/json", body))); got != "k-1" {
		t.Errorf("a convention's body: request id %q", got)
	}
}

// TestRetryAfterDecimalSeconds reads a Retry-After of a decimal number of
// seconds, clamped by MaxRetryDelay, and nothing that only looks like one.
func TestRetryAfterDecimalSeconds(t *testing.T) {
	for value, want := range map[string]time.Duration{
		"2.0":                          2 * time.Second,
		"0.5":                          500 * time.Millisecond,
		" 1.25 ":                       1250 * time.Millisecond,
		"99999999999.5":                gateway.MaxRetryDelay,
		"1e3":                          -1,
		"-1.0":                         -1,
		".5":                           -1,
		"2.":                           -1,
		"NaN":                          -1,
		"Inf":                          -1,
		"1.0.0":                        -1,
		"0x1p3":                        -1,
		"+2.0":                         -1,
		"99999999999999999999999999.5": -1, // more digits than any delay
	} {
		err := gateway.ErrorFromResponse(fakeResponse(503, "text/plain", "busy", "Retry-After", value))
		got := time.Duration(-1)
		for _, d := range status.Convert(err).Details() {
			if r, ok := d.(*errdetails.RetryInfo); ok {
				got = r.GetRetryDelay().AsDuration()
			}
		}
		if got != want {
			t.Errorf("Retry-After %q: %v; want %v", value, got, want)
		}
	}
}

// TestSuccessIsNeverAnError: a 2xx is nil, whatever its body says.
func TestSuccessIsNeverAnError(t *testing.T) {
	for _, tc := range []struct {
		code              int
		contentType, body string
	}{
		{200, "application/json", `{"ok":false,"error":"channel_not_found"}`}, // Slack's Web API answers errors with 200
		{200, "application/json", `{"success":false,"errors":[{"code":7003,"message":"m"}]}`},
		{200, "application/xml", `<Error><Code>InternalError</Code><Message>m</Message></Error>`}, // S3 CopyObject can
		{200, "text/xml", `<Envelope><Body><Fault><faultcode>soap:Server</faultcode><faultstring>m</faultstring></Fault></Body></Envelope>`},
		{201, "application/json", `{"code":13,"message":"internal"}`},
		{204, "", ""},
		{299, "text/html", `<html><title>500 Internal Server Error</title></html>`},
	} {
		if err := gateway.ErrorFromResponse(fakeResponse(tc.code, tc.contentType, tc.body)); err != nil {
			t.Errorf("%d %s: %v", tc.code, tc.body, err)
		}
	}
}

// encode is b in a Content-Encoding.
func encode(t *testing.T, encoding string, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	var w io.WriteCloser
	switch encoding {
	case "gzip", "x-gzip":
		w = gzip.NewWriter(&out)
	case "deflate":
		w = zlib.NewWriter(&out)
	case "raw deflate":
		w, _ = flate.NewWriter(&out, flate.DefaultCompression)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestErrorFromResponseEncodedBodies reads bodies in a Content-Encoding
// the transport did not decode: gzip and deflate (zlib, and raw deflate as
// some servers send it) are read within the byte bound; anything else,
// or a broken encoding, is no excerpt of binary bytes.
func TestErrorFromResponseEncodedBodies(t *testing.T) {
	problem := []byte(`{"message":"no such book","code":"BOOK_MISSING"}`)
	for _, encoding := range []string{"gzip", "x-gzip", "deflate", "raw deflate"} {
		header := strings.TrimPrefix(encoding, "raw ")
		err := gateway.ErrorFromResponse(fakeResponse(404, "application/json", string(encode(t, encoding, problem)), "Content-Encoding", header))
		if st := status.Convert(err); st.Code() != codes.NotFound || st.Message() != "no such book" || !hasReason(err, "BOOK_MISSING") {
			t.Errorf("%s: %v", encoding, err)
		}
	}
	page := encode(t, "gzip", []byte("<html><head><title>502 Bad Gateway</title></head></html>"))
	if msg := status.Convert(gateway.ErrorFromResponse(fakeResponse(502, "text/html", string(page), "Content-Encoding", "gzip"))).Message(); msg != "502 Bad Gateway" {
		t.Errorf("gzip HTML page: %q", msg)
	}
	// A bomb expands to the bound and no further: the body is read as
	// one cut short.
	bomb := encode(t, "gzip", []byte(`{"message":"`+strings.Repeat("a", 8<<20)+`"}`))
	body := &counting{r: bytes.NewReader(bomb)}
	err := newGateway(gateway.WithMaxErrorBody(64 << 10)).ErrorFromResponse(&http.Response{StatusCode: 500, Header: http.Header{"Content-Encoding": {"gzip"}}, Body: io.NopCloser(body)})
	if msg := status.Convert(err).Message(); !strings.HasPrefix(msg, `HTTP 500 Internal Server Error: {"message":"aaa`) || !strings.HasSuffix(msg, "…") || len(msg) > 300 {
		t.Errorf("gzip bomb: %q", msg)
	}
	if body.n > 64<<10+1 {
		t.Errorf("read %d encoded bytes with a bound of %d", body.n, 64<<10)
	}
	for _, tc := range []struct{ encoding, body string }{
		{"br", "\x1b\x03\x00\xf8\xa5\x90\xc1\x00"},
		{"zstd", "\x28\xb5\x2f\xfd\x00\x58\x11\x00\x00"},
		{"gzip", "\x1f\x8b\x08\x00 broken"},
		{"gzip, br", string(encode(t, "gzip", []byte("secret")))},
		{"deflate", "\xff\xff\xff\xff"},
	} {
		err := gateway.ErrorFromResponse(fakeResponse(500, "application/json", tc.body, "Content-Encoding", tc.encoding))
		if msg := status.Convert(err).Message(); msg != "HTTP 500 Internal Server Error" {
			t.Errorf("%s: %q", tc.encoding, msg)
		}
	}
	// A header left behind by a client that decoded the body itself.
	if msg := status.Convert(gateway.ErrorFromResponse(fakeResponse(404, "application/json", `{"message":"plain"}`, "Content-Encoding", "gzip"))).Message(); msg != "plain" {
		t.Errorf("a body not in its Content-Encoding: %q", msg)
	}
	for _, raw := range []string{"\x00\x01\x02 bytes", "\x89PNG\r\n\x1a\n\x00\x00", "ok\xff\xfe text"} {
		if msg := status.Convert(gateway.ErrorFromResponse(fakeResponse(500, "application/octet-stream", raw))).Message(); msg != "HTTP 500 Internal Server Error" {
			t.Errorf("binary %q quoted: %q", raw, msg)
		}
	}
	// A cut character at the end of the excerpt is still text.
	if msg := status.Convert(gateway.ErrorFromResponse(fakeResponse(500, "text/plain", strings.Repeat("é", 150)))).Message(); !strings.HasSuffix(msg, "é …") || !utf8.ValidString(msg) {
		t.Errorf("text cut in a character: %q", msg)
	}
}

// TestEncodedBodyThroughHTTP reads a gzip body from a real server, asked
// for by the caller (so the transport leaves it encoded), and a body the
// server compressed unasked.
func TestEncodedBodyThroughHTTP(t *testing.T) {
	gz := encode(t, "gzip", []byte(`{"errors":{"title":["can't be blank"]}}`))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(422)
		w.Write(gz)
	}))
	t.Cleanup(srv.Close)
	for _, client := range []*http.Client{{}, {Transport: &http.Transport{DisableCompression: true}}} {
		req, _ := http.NewRequest("POST", srv.URL, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		err = gateway.ErrorFromResponse(resp)
		resp.Body.Close()
		if st := status.Convert(err); st.Code() != codes.InvalidArgument || st.Message() != "title: can't be blank" || len(fieldsOf(err)) != 1 {
			t.Errorf("uncompressed %v: %v", resp.Uncompressed, err)
		}
	}
}

// fieldsOf are the fields of err's BadRequest.
func fieldsOf(err error) []string {
	var fields []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return fields
}

// hasReason reports whether err has an ErrorInfo of the reason.
func hasReason(err error, reason string) bool {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == reason {
			return true
		}
	}
	return false
}

// TestMachineCodeIsAsSentWithTheHost keeps an API's own code as it sent it
// (bounded, made valid text), with the host that answered as its domain,
// in every syntax.
func TestMachineCodeIsAsSentWithTheHost(t *testing.T) {
	for _, tc := range []struct {
		contentType, body, reason string
	}{
		{"application/json", `{"message":"m","name":"NotFound"}`, "NotFound"},
		{"application/json", `{"message":"m","type":"conflict"}`, "conflict"},
		{"application/json", `{"message":"m","id":"rate_limit"}`, "rate_limit"},
		{"application/json", `{"message":"m","errorCode":"E_1"}`, "E_1"},
		{"application/json", `{"message":"m","id":"4d9d8375-3c56"}`, ""}, // an instance's id, not a code
		{"application/json", `{"message":"m","type":"https://e.x/t"}`, ""},
		{"application/json", `[{"message":"m","errorCode":"` + strings.Repeat("E", 3000) + `"}]`, strings.Repeat("E", 1024)},
		{"application/xml", "<Error><Code>Bad\x01Code</Code><Message>m</Message></Error>", ""},
		{"application/xml", "<Error><Code> NoSuchKey </Code><Message>m</Message></Error>", "NoSuchKey"},
	} {
		resp := fakeResponse(404, tc.contentType, tc.body)
		resp.Request = httptest.NewRequest("GET", "https://books.example.com:8443/v1/books/7", nil)
		err := gateway.ErrorFromResponse(resp)
		var got, domain string
		for _, d := range status.Convert(err).Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() != gateway.UpstreamDomain {
				got, domain = info.GetReason(), info.GetDomain()
			}
		}
		if got != tc.reason || got != "" && domain != "books.example.com" {
			t.Errorf("%s: reason %q of %q; want %q of books.example.com", tc.body[:min(len(tc.body), 60)], got, domain, tc.reason)
		}
	}
}

// TestXMLAndHTMLAreNeverQuotedAsMarkup: XML error documents and HTML pages
// give their text, never their markup, and hostile documents (entities,
// depth) are not expanded.
func TestXMLAndHTMLAreNeverQuotedAsMarkup(t *testing.T) {
	for _, tc := range []struct {
		code              int
		contentType, body string
		message           string
	}{
		{502, "text/html", "<HTML><HEAD><TITLE>Bad\n  Gateway &#8212; try later</TITLE></HEAD></HTML>", "Bad Gateway — try later"},
		{502, "", "<!doctype html><html><head><style>h1{color:red}</style><title>Oops</title>", "Oops"},
		{502, "text/html", "<html><head><title>cut short", "HTTP 502 Bad Gateway"},
		{502, "text/html", "<html><script>document.title='x'</script><body>no title</body></html>", "HTTP 502 Bad Gateway"},
		{500, "application/xml", `<!DOCTYPE Error [<!ENTITY a "aaaaaaaaaa">]><Error><Code>c</Code><Message>&a;&a;</Message></Error>`, `HTTP 500 Internal Server Error: <!DOCTYPE Error [<!ENTITY a "aaaaaaaaaa">]><Error><Code>c</Code><Message>&a;&a;</Message></Error>`},
		{500, "application/xml", `<Error><Code>c</Code><Message>a &lt;b&gt; &amp; c</Message></Error>`, "a <b> & c"},
		{502, "", `<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Bad&nbsp;Gateway</title></head></html>`, "Bad Gateway"}, // &nbsp; is white space
		{502, "", `<!-- proxy --><HTML><TITLE>Down</TITLE></HTML>`, "Down"},
		{500, "application/xml", `<Error><Code>c</Code><Message><![CDATA[x < y]]></Message></Error>`, "x < y"},
		{500, "application/xml", `<?xml version="1.0" encoding="ISO-8859-1"?><Error><Code>c</Code><Message>m</Message></Error>`, `HTTP 500 Internal Server Error: <?xml version="1.0" encoding="ISO-8859-1"?><Error><Code>c</Code><Message>m</Message></Error>`},
	} {
		msg := status.Convert(gateway.ErrorFromResponse(fakeResponse(tc.code, tc.contentType, tc.body))).Message()
		if msg != tc.message {
			t.Errorf("%q: %q; want %q", tc.body, msg, tc.message)
		}
	}
}

// TestRedactionCoversEncodedBodies: a body the transport left encoded is
// read, and redacted, as any other (TestRedactionCoversUpstreamText reads
// the rest through a relay, whose transport decodes gzip itself).
func TestRedactionCoversEncodedBodies(t *testing.T) {
	for _, redact := range []bool{false, true} {
		g := newGateway(gateway.WithRedaction(redact))
		for _, encoding := range []string{"gzip", "deflate"} {
			body := encode(t, encoding, []byte(`{"message":"secret","code":"SECRET","request_id":"secret"}`))
			err := g.ErrorFromResponse(fakeResponse(503, "application/json", string(body), "Content-Encoding", encoding))
			rec := httptest.NewRecorder()
			g.WriteError(rec, httptest.NewRequest("GET", "/", nil), err)
			if leaked := strings.Contains(rec.Body.String(), "secret"); leaked == redact {
				t.Errorf("%s, redaction %v: %d %s", encoding, redact, rec.Code, rec.Body)
			}
		}
	}
}
