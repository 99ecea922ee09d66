package gateway_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// withoutPins drops statusmap's pins from a grpc-gateway body's details:
// grpc-gateway copies every detail into the body, statusmap leaves its own
// out (the status line, Allow and the challenge headers say it).
func withoutPins(body map[string]any) map[string]any {
	details, ok := body["details"].([]any)
	if !ok {
		return body
	}
	kept := []any{}
	for _, d := range details {
		if m, ok := d.(map[string]any); ok && m["@type"] == "type.googleapis.com/statusmap.v1.HttpStatus" {
			continue
		}
		kept = append(kept, d)
	}
	body["details"] = kept
	return body
}

// jsonOf decodes a body as generic JSON, failing the test when it is not.
func jsonOf(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	return v
}

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

func TestAcceptProblemJSON(t *testing.T) {
	g := startGateway(t)
	testCases := []struct {
		accept  string
		problem bool
	}{
		{"application/problem+json", true},
		{"application/problem+json, application/json;q=0.9", true},
		{"application/json;q=0.5, application/problem+json", true},
		{"application/json", false},
		{"*/*", false},
		{"application/problem+json;q=0.5, application/json", false},
		{"application/problem+json;q=0", false},
		{"text/html, application/problem+json;q=0.8", true},
		{"", false},
	}
	// Whatever the configured format, Accept can ask for a problem.
	google := startGateway(t, gateway.WithFormat(gateway.FormatGoogle))
	if r := google.do(t, "GET", "/v1/books/code-5", "", "Accept", "application/problem+json"); r.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("FormatGoogle default with Accept problem+json: Content-Type %q", r.Header.Get("Content-Type"))
	}
	for _, tc := range testCases {
		r := g.do(t, "GET", "/v1/books/code-5", "", "Accept", tc.accept)
		isProblem := r.Header.Get("Content-Type") == "application/problem+json"
		if isProblem != tc.problem {
			t.Errorf("Accept %q: Content-Type %q; want problem=%v", tc.accept, r.Header.Get("Content-Type"), tc.problem)
		}
		if r.Status != 404 {
			t.Errorf("Accept %q: status %d", tc.accept, r.Status)
		}
		jsonOf(t, r.Body)
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

// findDetails returns the details array of any of the three formats.
func findDetails(body map[string]any) []any {
	if e, ok := body["error"].(map[string]any); ok {
		body = e
	}
	d, _ := body["details"].([]any)
	return d
}

// TestZeroGatewayWritesError: a Gateway not made by New (its zero value)
// still writes an error with the default body, as it did before the body
// writer moved to its own package, rather than panicking.
func TestZeroGatewayWritesError(t *testing.T) {
	var g gateway.Gateway
	w := httptest.NewRecorder()
	err := g.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), status.Error(codes.NotFound, "no such book"))
	if err != nil || w.Code != http.StatusNotFound || w.Body.String() != `{"code":5,"message":"no such book","details":[]}` {
		t.Errorf("got %v, %d %s", err, w.Code, w.Body)
	}
}
