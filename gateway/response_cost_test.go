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
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// worstBodies are the most expensive bodies ErrorFromResponse can be given
// under DefaultMaxErrorBody, one per part of the reader that loops over what
// a body holds: every convention's lists and maps, the details, the
// top-level members, nesting, and a message as long as the body.
func worstBodies() map[string][]byte {
	const limit = gateway.DefaultMaxErrorBody - 64
	// repeat builds prefix + item, item, ... + suffix just under the limit.
	repeat := func(prefix, item, suffix string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for i := 0; b.Len()+len(item)+1+len(suffix) < limit; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(item)
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	// keys builds an object of distinct keys.
	keys := func(prefix, value, suffix string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for i := 0; b.Len()+len(value)+16+len(suffix) < limit; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"k`)
			b.WriteString(itoa(i))
			b.WriteString(`":`)
			b.WriteString(value)
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	nested := func(prefix string, depth int, suffix string) []byte {
		return []byte(prefix + strings.Repeat("[", depth) + strings.Repeat("]", depth) + suffix)
	}
	return map[string][]byte{
		"status details {}":            repeat(`{"code":5,"message":"m","details":[`, `{}`, `]}`),
		"status details 0":             repeat(`{"code":5,"message":"m","details":[`, `0`, `]}`),
		"status details typed":         repeat(`{"code":5,"message":"m","details":[`, `{"@type":"type.googleapis.com/google.rpc.ErrorInfo"}`, `]}`),
		"status details unknown":       repeat(`{"code":5,"message":"m","details":[`, `{"@type":"x/a.B"}`, `]}`),
		"google details":               repeat(`{"error":{"code":404,"message":"m","status":"NOT_FOUND","details":[`, `{}`, `]}}`),
		"google legacy errors":         repeat(`{"error":{"code":400,"message":"m","errors":[`, `{"location":"a"}`, `]}}`),
		"problem details":              repeat(`{"status":404,"title":"t","grpcCode":"NOT_FOUND","details":[`, `{}`, `]}`),
		"connect details":              repeat(`{"code":"not_found","message":"m","details":[`, `{"type":"a","value":""}`, `]}`),
		"twirp meta":                   keys(`{"code":"not_found","msg":"m","meta":{`, `"v"`, `}}`),
		"kubernetes causes":            repeat(`{"kind":"Status","apiVersion":"v1","message":"m","details":{"causes":[`, `{"field":"a"}`, `]}}`),
		"error object details":         repeat(`{"error":{"code":"c","message":"m","details":[`, `{"target":"a"}`, `]}}`),
		"problem errors map":           repeat(`{"status":400,"title":"t","errors":{"a":[`, `"m"`, `]}}`),
		"problem errors list":          repeat(`{"status":400,"title":"t","errors":[`, `{"pointer":"/a"}`, `]}`),
		"fastapi detail":               repeat(`{"detail":[`, `{"loc":["a"],"msg":"m"}`, `]}`),
		"fastapi loc":                  repeat(`{"detail":[{"msg":"m","loc":[`, `0`, `]}]}`),
		"spring errors":                repeat(`{"timestamp":1,"status":400,"error":"e","path":"/","errors":[`, `{"field":"a"}`, `]}`),
		"message errors list":          repeat(`{"message":"m","errors":[`, `{}`, `]}`),
		"many keys":                    keys(`{"message":"m",`, `0`, `}`),
		"many keys objects":            keys(`{"message":"m",`, `{}`, `}`),
		"nested 9000":                  nested(`{"message":"m","x":`, 9000, `}`),
		"nested 500000":                nested(`{"message":"m","x":`, 500000, `}`),
		"nested in details":            nested(`{"code":5,"message":"m","details":[{"@type":"x/a.B","a":`, 9000, `}]}`),
		"long message":                 []byte(`{"message":"` + strings.Repeat("a", limit-20) + `"}`),
		"long status message":          []byte(`{"code":5,"message":"` + strings.Repeat("a", limit-40) + `"}`),
		"big details":                  repeat(`{"code":5,"message":"m","details":[`, `{"@type":"x/a.B","s":"`+strings.Repeat("s", 15000)+`"}`, `]}`),
		"big violations":               repeat(`{"message":"m","errors":[`, `{"field":"`+strings.Repeat("f", 1000)+`","message":"`+strings.Repeat("m", 1000)+`","code":"`+strings.Repeat("c", 1000)+`"}`, `]}`),
		"big metadata":                 keys(`{"code":"x","msg":"m","meta":{`, `"`+strings.Repeat("v", 2000)+`"`, `}}`),
		"many keys in error":           keys(`{"error":{"message":"m",`, `0`, `}}`),
		"many keys in errors[0]":       keys(`{"message":"m","errors":[{`, `0`, `}]}`),
		"many keys in details":         keys(`{"kind":"Status","apiVersion":"v1","message":"m","details":{`, `0`, `}}`),
		"many keys in error.errors[0]": keys(`{"error":{"message":"m","errors":[{`, `0`, `}]}}`),
		"many keys in detail[0]":       keys(`{"detail":[{`, `0`, `}]}`),
		"html":                         []byte("<html>" + strings.Repeat("<p>", limit/3) + "</html>"),

		// The conventions whose message is not a top-level string.
		"elasticsearch root causes": repeat(`{"status":400,"error":{"type":"t","reason":"r","root_cause":[`, `{"type":"a","reason":"b"}`, `]}}`),
		"paypal details":            repeat(`{"name":"N","debug_id":"d","message":"m","details":[`, `{"field":"/a/0/b","issue":"I","description":"d"}`, `]}`),
		"paypal links":              repeat(`{"name":"N","debug_id":"d","message":"m","links":[`, `{"rel":"x","href":"h"}`, `]}`),
		"cloudflare errors":         repeat(`{"success":false,"errors":[`, `{"code":1,"message":"m","error_chain":[{"message":"c"}]}`, `]}`),
		"jira errorMessages":        repeat(`{"errorMessages":[`, `"m"`, `],"errors":{}}`),
		"jira errors map":           keys(`{"errorMessages":[],"errors":{`, `"m"`, `}}`),
		"rails errors list":         repeat(`{"errors":[`, `"m"`, `]}`),
		"rails errors map":          keys(`{"errors":{`, `["a","b"]`, `}}`),
		"rails errors nested":       keys(`{"errors":{`, `[{"a":[{"b":[{"c":["m"]}]}]}]`, `}}`),
		"nest message list":         repeat(`{"statusCode":400,"message":[`, `"m"`, `]}`),
		"drf fields":                keys(`{`, `["m"]`, `}`),
		"drf nested":                keys(`{"a":{"b":["m"]},`, `["m"]`, `}`),
		"error array":               repeat(`[`, `{"message":"m","errorCode":"E","fields":["a","b"]}`, `]`),
		"error array fields":        repeat(`[{"message":"m","errorCode":"E","fields":[`, `"f"`, `]}]`),
		"error array of strings":    repeat(`[{"message":"m"},`, `"x"`, `]`),
		"drf messages":              repeat(`[`, `"m"`, `]`),
		"drf list serializer":       repeat(`[`, `{"a":["m"],"b":{"c":["d"]}}`, `]`),
		"rails error objects":       keys(`{"errors":{`, `[{"message":"m","code":"c"},{"error":"e"}]`, `}}`),
		"json:api codes":            repeat(`{"errors":[{"code":"c","detail":"m"},`, `{"code":"c"}`, `]}`),

		// XML and HTML.
		"xml many elements":   repeat(`<Error><Code>c</Code><Message>m</Message><x>`, `<a/>`, `</x></Error>`),
		"xml many paths":      keysXML(`<Error><Code>c</Code>`, `</Error>`),
		"xml many attributes": attrsXML(`<Error><Code>c</Code><Message`, ` a`, `>m</Message></Error>`),
		"xml many namespaces": attrsXML(`<Error><Code>c</Code><Message`, ` xmlns:p`, `>m</Message></Error>`),
		"xml deep":            []byte(`<Error><Code>c</Code>` + strings.Repeat("<a>", limit/8) + strings.Repeat("</a>", limit/8) + `</Error>`),
		"xml long message":    []byte(`<Error><Code>c</Code><Message>` + strings.Repeat("m", limit-64) + `</Message></Error>`),
		"xml many texts":      repeat(`<Error><Code>c</Code><Message>`, `m<!---->`, `</Message></Error>`),
		"soap deep detail":    []byte(`<Envelope><Body><Fault><faultcode>c</faultcode><faultstring>s</faultstring><detail>` + strings.Repeat("<d>", limit/8) + strings.Repeat("</d>", limit/8) + `</detail></Fault></Body></Envelope>`),
		"xml entities":        []byte(`<!DOCTYPE Error [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Error><Code>c</Code><Message>` + strings.Repeat("&b;", (limit-200)/3) + `</Message></Error>`),
		"html long title":     []byte("<html><head><title>" + strings.Repeat("t ", (limit-64)/2) + "</title></head></html>"),
		"html many tags":      []byte("<html>" + strings.Repeat("<", limit-16) + "</html>"),
		"html titles":         []byte("<html>" + strings.Repeat("<title", limit/6-4) + "</html>"),

		// Content-Encoding the transport did not decode (see worstResponseNamed).
		// A gzip body may hold many members, read one after the other:
		// 64 of 1 MiB of zeros each is a bomb of 64 MiB in 64 KiB.
		"gzip bomb":           bytes.Join(append([][]byte{[]byte("gzip ")}, bytes.Repeat(compress("gzip", make([]byte, 1<<20))[len("gzip "):], 64)), nil),
		"gzip bomb of json":   compress("gzip", []byte(`{"message":"`+strings.Repeat("a", 8<<20)+`"}`)),
		"deflate bomb":        compress("deflate", bytes.Repeat([]byte("{"), 8<<20)),
		"gzip big violations": compress("gzip", repeat(`{"message":"m","errors":[`, `{"field":"`+strings.Repeat("f", 1000)+`","message":"`+strings.Repeat("m", 1000)+`"}`, `]}`)),
	}
}

// keysXML builds an XML document of distinct elements.
func keysXML(prefix, suffix string) []byte {
	const limit = gateway.DefaultMaxErrorBody - 64
	var b bytes.Buffer
	b.WriteString(prefix)
	for i := 0; b.Len()+32+len(suffix) < limit; i++ {
		b.WriteString("<k" + itoa(i) + ">v</k" + itoa(i) + ">")
	}
	b.WriteString(suffix)
	return b.Bytes()
}

// attrsXML builds an XML element of distinct attributes.
func attrsXML(prefix, name, suffix string) []byte {
	const limit = gateway.DefaultMaxErrorBody - 64
	var b bytes.Buffer
	b.WriteString(prefix)
	for i := 0; b.Len()+32+len(suffix) < limit; i++ {
		b.WriteString(name + itoa(i) + `="u"`)
	}
	b.WriteString(suffix)
	return b.Bytes()
}

// compress encodes b as a Content-Encoding of gzip or deflate (zlib), the
// encoding's name and a space before it, for worstResponseNamed.
func compress(encoding string, b []byte) []byte {
	var out bytes.Buffer
	out.WriteString(encoding + " ")
	var w io.WriteCloser
	if encoding == "gzip" {
		w, _ = gzip.NewWriterLevel(&out, gzip.DefaultCompression)
	} else {
		w, _ = zlib.NewWriterLevel(&out, zlib.DefaultCompression)
	}
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// encodedBody splits a body made by compress into its encoding and bytes.
func encodedBody(body []byte) (encoding string, encoded []byte) {
	for _, e := range []string{"gzip", "deflate"} {
		if bytes.HasPrefix(body, []byte(e+" ")) {
			return e, body[len(e)+1:]
		}
	}
	return "", body
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		if i /= 10; i == 0 {
			break
		}
	}
	return string(b[n:])
}

func worstResponse(body []byte) *http.Response {
	return &http.Response{
		StatusCode: 404,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
	}
}

// worstResponseNamed is worstResponse with the Content-Type of the body's
// syntax and, for a body made by compress, its Content-Encoding.
func worstResponseNamed(name string, body []byte) *http.Response {
	encoding, body := encodedBody(body)
	resp := worstResponse(body)
	switch {
	case encoding != "":
		resp.Header.Set("Content-Encoding", encoding)
	case strings.HasPrefix(name, "html"):
		resp.Header.Set("Content-Type", "text/html")
	case strings.HasPrefix(name, "xml") || strings.HasPrefix(name, "soap"):
		resp.Header.Set("Content-Type", "application/xml")
	}
	return resp
}

// BenchmarkErrorFromResponseWorst reads each worst body, and writes the
// error back through the gateway as a service would return it.
func BenchmarkErrorFromResponseWorst(b *testing.B) {
	for name, body := range worstBodies() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			_, encoded := encodedBody(body)
			b.SetBytes(int64(len(encoded)))
			for b.Loop() {
				if err := gateway.ErrorFromResponse(worstResponseNamed(name, body)); err == nil {
					b.Fatal("no error")
				}
			}
		})
	}
}

// TestErrorFromResponseCostIsLinear reads each worst body and bounds what
// it allocates by a constant factor of the body's size, the status it
// builds, and the response a gateway answers with it; whatever the bounds
// left out is counted in an ErrorInfo.
func TestErrorFromResponseCostIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("reads megabytes")
	}
	const (
		perByte     = 24        // bytes allocated per byte of body, at most
		fixed       = 1 << 20   // and a fixed allowance (encoding/json's nesting stack)
		maxStatus   = 136 << 10 // a status read from a body, encoded
		maxResponse = 512 << 10 // the error body a gateway writes for it
	)
	for name, body := range worstBodies() {
		t.Run(name, func(t *testing.T) {
			var err error
			allocated := allocatedBy(func() { err = gateway.ErrorFromResponse(worstResponseNamed(name, body)) })
			// An encoded body is read up to DefaultMaxErrorBody bytes of
			// what it expands to: its cost is that of a body of that size.
			encoding, encoded := encodedBody(body)
			body := encoded
			size := len(body)
			if encoding != "" {
				size = max(size, gateway.DefaultMaxErrorBody)
			}
			st, _ := status.FromError(err)
			statusSize := proto.Size(st.Proto())
			rec := httptest.NewRecorder()
			gateway.WriteError(rec, httptest.NewRequest("GET", "/", nil), err)
			t.Logf("%-26s %7d bytes: %5.1f bytes allocated per byte, status of %6d bytes, response of %6d bytes",
				name, len(body), float64(allocated)/float64(size), proto.Size(st.Proto()), rec.Body.Len())
			if !raceEnabled && allocated > perByte*uint64(size)+fixed {
				t.Errorf("allocated %d bytes for a body of %d", allocated, len(body))
			}
			if encoding != "" && len(body) >= 1<<20 {
				t.Errorf("the %s body of %d bytes is not a bomb", encoding, len(body))
			}
			if statusSize > maxStatus || rec.Body.Len() > maxResponse {
				t.Errorf("status of %d bytes, response of %d", statusSize, rec.Body.Len())
			}
			if len(st.Message()) > 4096+len("…") {
				t.Errorf("message of %d bytes", len(st.Message()))
			}
		})
	}
}

// TestErrorFromResponseSaysWhatItDropped reads bodies beyond each bound and
// finds the count of what was left out in the status.
func TestErrorFromResponseSaysWhatItDropped(t *testing.T) {
	many := func(prefix, item, suffix string, n int) []byte {
		items := make([]string, n)
		for i := range items {
			items[i] = strings.ReplaceAll(item, "#", itoa(i))
		}
		return []byte(prefix + strings.Join(items, ",") + suffix)
	}
	for _, tc := range []struct {
		name       string
		body       []byte
		key, count string
	}{
		{"details", many(`{"code":5,"message":"m","details":[`, `{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en","message":"#"}`, `]}`, 1000), "droppedDetails", "936"},
		{"connect details", many(`{"code":"not_found","message":"m","details":[`, `{"type":"a","value":""}`, `]}`, 100), "droppedDetails", "36"},
		{"violations", many(`{"message":"m","errors":[`, `{"field":"f#","message":"bad"}`, `]}`, 250), "droppedFieldViolations", "150"},
		{"violations map", many(`{"status":400,"title":"t","errors":{`, `"f#":["a","b"]`, `}}`, 60), "droppedFieldViolations", "20"},
		{"twirp meta", many(`{"code":"not_found","msg":"m","meta":{`, `"k#":"v"`, `}}`, 40), "droppedMetadata", "8"},
		{"message", []byte(`{"message":"` + strings.Repeat("é", 3000) + `"}`), "messageBytes", "6000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := gateway.ErrorFromResponse(worstResponse(tc.body))
			info := errorInfo(err, gateway.ReasonUpstreamTruncated)
			if info == nil || info.GetDomain() != gateway.UpstreamDomain || info.GetMetadata()[tc.key] != tc.count {
				t.Fatalf("ErrorInfo %v; want %s=%s", info, tc.key, tc.count)
			}
			if msg := status.Convert(err).Message(); !utf8.ValidString(msg) || tc.key == "messageBytes" && !strings.HasSuffix(msg, "é…") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

// errorInfo is the ErrorInfo of the reason among err's details, or nil.
func errorInfo(err error, reason string) *errdetails.ErrorInfo {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == reason {
			return info
		}
	}
	return nil
}

// allocatedBy is how many bytes f allocates (the least of three runs, so
// that an allocation of the runtime's own does not count; one run under
// the race detector, whose counts are not asserted).
func allocatedBy(f func()) uint64 {
	least, runs := ^uint64(0), 3
	if raceEnabled {
		runs = 1 // nothing is asserted of the counts
	}
	for range runs {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}
