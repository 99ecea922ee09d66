package gateway_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// FuzzErrorFromResponse reads arbitrary responses: no panic, nil exactly
// for 2xx, otherwise a gRPC code from 1 to 16, the exact status pinned for
// every 4xx and 5xx (a 401, 405 or 407 folded into a 502), and a status
// that the gateway writes again with that HTTP status.
func FuzzErrorFromResponse(f *testing.F) {
	f.Add(404, "application/json", []byte(`{"code":5,"message":"x","details":[{"@type":"type.googleapis.com/acme.X","value":"AQI="}]}`), "")
	f.Add(429, "application/json", []byte(`{"code":"resource_exhausted","message":"m","details":[{"type":"google.rpc.RetryInfo","value":"CgIIHg"}]}`), "3")
	f.Add(405, "application/problem+json", []byte(`{"type":"about:blank","title":"t","status":405,"grpcCode":"99","details":[1,"x",null]}`), "GET")
	f.Add(503, "application/json", []byte(`{"error":{"code":503,"message":"m","status":"UNAVAILABLE","details":[{}]}}`), "-1")
	f.Add(502, "text/html", []byte("<html>\x00\xff</html>"), "")
	f.Add(302, "", []byte(nil), "")
	f.Add(401, "application/json", []byte(`{"error":"invalid_token","error_description":"expired"}`), `Bearer realm="x"`)
	f.Add(404, "application/json", []byte(`{"kind":"Status","apiVersion":"v1","code":404,"reason":"NotFound","details":{"causes":[{"field":"a"}],"retryAfterSeconds":-3}}`), "Sun, 06 Nov 1994 08:49:37 GMT")
	f.Add(422, "application/problem+json", []byte(`{"title":"t","errors":{"a":["b"]},"invalid-params":[{"name":"c"}],"traceId":"\u0000"}`), "")
	f.Add(422, "application/json", []byte(`{"detail":[{"loc":["body",0,"x"],"msg":"m"}]}`), "")
	f.Add(400, "application/json", []byte(`{"errors":[{"source":{"pointer":"/data/attributes/a~1b"},"detail":"d"}],"message":""}`), "id")
	f.Add(409, "application/json", []byte(`{"error":{"code":"c","param":"p","innerError":{"request-id":"r"}}}`), "")
	f.Add(399, "application/json", []byte(`{"code":16,"message":"m","details":[{"@type":"type.googleapis.com/statusmap.v1.HttpStatus","code":401,"challenges":[{"scheme":"Basic"}]}]}`), "")
	f.Add(404, "application/json", []byte(`{"code":5,"message":"m","details":[{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]}`), "")
	// The conventions whose message is not a top-level string, XML and
	// HTML, request ids and codes of other names, and encoded bodies (the
	// header is the Content-Encoding when it names one).
	f.Add(404, "application/json", []byte(`{"error":{"root_cause":[{"type":"a","reason":"b","index":"i"}],"type":"t","reason":"r"},"status":404}`), "")
	f.Add(422, "application/json", []byte(`{"name":"N","debug_id":"d","message":"m","details":[{"field":"/a/0","issue":"I"},{"description":"x"}],"links":[{"rel":"information_link","href":"h"}]}`), "")
	f.Add(400, "application/json", []byte(`{"success":false,"errors":[{"code":7003,"message":"m","error_chain":[{"code":1,"message":"c"}]},{"code":"x"}],"messages":[]}`), "2.5")
	f.Add(404, "application/json", []byte(`{"odata.error":{"code":"C","message":{"lang":"en","value":"v"}}}`), "")
	f.Add(400, "application/json", []byte(`{"error":{"code":"-1, X","message":{"value":"v"}}}`), "")
	f.Add(400, "application/json", []byte(`["m",{"a":["b"]},[{"c":[{"message":"d","code":"e"},{"error":"f"}]}]]`), "")
	f.Add(400, "application/json", []byte(`{"errorMessage":"m","errorType":"Runtime.X","errorSummary":"s","description":"d"}`), "")
	f.Add(400, "application/json", []byte(`{"errorMessages":["a",1,null],"errors":{"f":"m","g":["n"],"h":{"i":["j"]}}}`), "")
	f.Add(422, "application/json", []byte(`{"errors":{"base":["b"],"title":["can't be blank"],"a":[{"b":[{"c":["d"]}]}]}}`), "")
	f.Add(422, "application/json", []byte(`{"errors":["Title can't be blank",""],"error_type":"invalid"}`), "")
	f.Add(400, "application/json", []byte(`{"statusCode":400,"message":["m",{"x":["y"]}],"error":"Bad Request"}`), "")
	f.Add(400, "application/json", []byte(`{"non_field_errors":["m"],"a":{"b":["c"]},"d":["e"]}`), "")
	f.Add(400, "application/json", []byte(`[{"message":"m","errorCode":"E","fields":["a","b"]},{"field":"f","message":"g"},"x"]`), "")
	f.Add(404, "application/json", []byte(`{"id":"not_found","name":"NotFound","type":"t","message":"m","debug_id":"d","traceId":"t"}`), "")
	f.Add(404, "application/xml", []byte(`<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>m</Message><RequestId>r</RequestId><Resource>/b/k</Resource></Error>`), "")
	f.Add(400, "text/xml", []byte(`<ErrorResponse><Error><Type>Sender</Type><Code>C</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`), "")
	f.Add(500, "text/xml", []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>m &amp; n</faultstring><faultactor>a</faultactor></s:Fault></s:Body></s:Envelope>`), "")
	f.Add(400, "application/soap+xml", []byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault><e:Code><e:Value>e:Sender</e:Value><e:Subcode><e:Value>m:T</e:Value></e:Subcode></e:Code><e:Reason><e:Text xml:lang="en">r</e:Text><e:Text>s</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>`), "")
	f.Add(500, "application/xml", []byte(`<!DOCTYPE a [<!ENTITY b "c">]><Error><Code>c</Code><Message>&b;<![CDATA[<x>]]><!-- = --></Message></Error>`), "")
	f.Add(500, "application/xml", []byte(`<Error a="1" b='2' c="=>"><Code><x><y><z><w><v><u><t><s><r><q><p><o><n><m><l><k>deep</k></l></m></n></o></p></q></r></s></t></u></v></w></z></y></x></Code></Error>`), "")
	f.Add(502, "text/html", []byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>"), "")
	f.Add(522, "", []byte(`<!DOCTYPE html><head><style>b{c:d}</style><TITLE lang=en>a &amp; b &#8212; c</TITLE>`), "8a1b-IAD")
	f.Add(404, "application/json", seedEncoded("gzip", `{"message":"no","code":"C"}`), "gzip")
	f.Add(500, "application/xml", seedEncoded("deflate", `<Error><Code>C</Code><Message>m</Message></Error>`), "deflate")
	f.Add(500, "application/json", []byte("\x1b\x03\x00\xf8\xa5\x90\xc1\x00"), "br")
	// html.UnescapeString builds its table of entities (110 KB) on first
	// use, once per process: not a cost of any one body.
	gateway.ErrorFromResponse(fakeResponse(502, "text/html", "<title>&amp;</title>"))
	limited := newGateway(gateway.WithMaxErrorBody(4096))
	f.Fuzz(func(t *testing.T, code int, contentType string, body []byte, header string) {
		resp := &http.Response{
			StatusCode: code,
			Header: http.Header{"Content-Type": {contentType}, "Retry-After": {header}, "Allow": {header}, "X-Request-Id": {header},
				"Www-Authenticate": {header}, "Proxy-Authenticate": {header}, "Date": {header}},
			Body: io.NopCloser(strings.NewReader(string(body))),
		}
		encoded := false
		switch header {
		case "gzip", "deflate", "br":
			resp.Header.Set("Content-Encoding", header)
			encoded = true
		}
		var err error
		allocated := allocatedOnce(func() { err = limited.ErrorFromResponse(resp) })
		// The cost of a body is linear in its size: a fixed part and a
		// small factor (see TestErrorFromResponseCostIsLinear for bodies
		// of a megabyte).
		limit := uint64(64<<10 + 64*len(body))
		if encoded {
			// A decoder's window and tables, and a body of the bound
			// (4096 bytes) once decoded.
			limit += 64<<10 + 64*4096
		}
		if !raceEnabled && allocated > limit {
			t.Fatalf("%d bytes allocated for a body of %d", allocated, len(body))
		}
		if st, _ := status.FromError(err); proto.Size(st.Proto()) > 136<<10 || len(st.Message()) > 4096+len("upstream answered 401 Unauthorized: …") {
			t.Fatalf("a status of %d bytes, a message of %d", proto.Size(st.Proto()), len(st.Message()))
		}
		if code >= 200 && code <= 299 {
			if err != nil {
				t.Fatalf("%d: %v", code, err)
			}
			return
		}
		st, ok := status.FromError(err)
		if err == nil || !ok || st.Code() == codes.OK || st.Code() > codes.Unauthenticated {
			t.Fatalf("%d: %v", code, err)
		}
		want := code
		if code == 401 || code == 405 || code == 407 {
			want = 502
			if st.Code() != codes.Unavailable {
				t.Fatalf("folded %d: %v", code, st.Code())
			}
		}
		got := statusmap.HTTPStatusOf(err)
		if code >= 400 && code <= 599 && got != want {
			t.Fatalf("HTTPStatusOf = %d; want %d", got, want)
		}
		if (code < 400 || code > 599) && got != 500 && !(got == 502 && st.Code() == codes.Unavailable) {
			t.Fatalf("status %d read as %d", code, got)
		}
		for _, d := range st.Proto().GetDetails() {
			if _, err := proto.Marshal(d); err != nil {
				t.Fatalf("detail %v does not marshal: %v", d, err)
			}
		}
		if !utf8.ValidString(st.Message()) && !utf8.Valid(body) {
			// A message taken from a body is as valid as the body's JSON
			// string; an excerpt of raw bytes is always made valid.
			if !strings.HasPrefix(st.Message(), "HTTP ") {
				return
			}
			t.Fatalf("excerpt is not valid UTF-8: %q", st.Message())
		}
		rec := httptest.NewRecorder()
		gateway.WriteError(rec, nil, err)
		if rec.Code != got {
			t.Fatalf("written again as %d; HTTPStatusOf %d", rec.Code, got)
		}
	})
}

// seedEncoded is s in a Content-Encoding, gzip or deflate (zlib).
func seedEncoded(encoding, s string) []byte {
	var out bytes.Buffer
	var w io.WriteCloser = gzip.NewWriter(&out)
	if encoding == "deflate" {
		w = zlib.NewWriter(&out)
	}
	io.WriteString(w, s)
	w.Close()
	return out.Bytes()
}

// FuzzRoundTrip writes arbitrary statuses in every format and reads them
// back: what went in comes out, proto-equal, but for a code outside 0 to
// 16, which the HTTP status replaces.
func FuzzRoundTrip(f *testing.F) {
	f.Add(int32(5), "not found", "type.googleapis.com/acme.v1.Thing", []byte{1, 2, 3}, uint8(0))
	f.Add(int32(99), "\"quoted\" \\ \n", "example.com/x.Y", []byte(nil), uint8(1))
	f.Add(int32(14), "", "", []byte{0xff}, uint8(2))
	f.Fuzz(func(t *testing.T, code int32, msg, typeURL string, value []byte, which uint8) {
		if len(msg) > 4096 || len(value) > 32<<10 {
			return // past the bounds ErrorFromResponse keeps, by design
		}
		if code <= 0 || !utf8.ValidString(msg) || !utf8.ValidString(typeURL) || typeURL == "" {
			return // invalid UTF-8 is replaced on the way out, by design
		}
		if strings.Contains(typeURL, "google.") || strings.Contains(typeURL, "statusmap.") {
			return // known types are re-encoded by protojson: equal by meaning only
		}
		in := status.FromProto(&spb.Status{Code: code, Message: msg, Details: []*anypb.Any{{TypeUrl: typeURL, Value: value}}})
		formats := []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem}
		rec := httptest.NewRecorder()
		newGateway(gateway.WithFormat(formats[int(which)%len(formats)])).WriteError(rec, nil, in.Err())
		out := passThrough.ErrorFromResponse(rec.Result())
		want := proto.Clone(in.Proto()).(*spb.Status)
		if code > int32(codes.Unauthenticated) {
			// Not a gRPC code: read back, the HTTP status decides.
			want.Code = int32(statusmap.Code(rec.Code))
		}
		if !proto.Equal(status.Convert(out).Proto(), want) {
			t.Fatalf("round trip changed the status:\n got %v\nwant %v\nbody %s", status.Convert(out).Proto(), want, rec.Body)
		}
	})
}

// allocatedOnce is how many bytes f allocates.
func allocatedOnce(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
