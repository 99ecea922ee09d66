package gateway_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// FuzzErrorHandler sends arbitrary statuses and request headers through
// the error handler in every format and checks the response: a documented
// or validly pinned status, a JSON body, header values without control
// bytes, and no panic.
func FuzzErrorHandler(f *testing.F) {
	pin, _ := proto.Marshal(&statusmapv1.HttpStatus{Code: 401, Challenges: []*statusmapv1.AuthChallenge{{Scheme: "Bearer", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "a\r\nb"}}}}})
	retry, _ := proto.Marshal(&errdetails.RetryInfo{RetryDelay: durationpb.New(-3e9)})
	f.Add(int32(5), "not found", "type.googleapis.com/statusmap.v1.HttpStatus", pin, "application/problem+json", "trailers", uint8(0))
	f.Add(int32(8), "quota\r\nX: y", "type.googleapis.com/google.rpc.RetryInfo", retry, "*/*", "", uint8(1))
	f.Add(int32(99), "\xff\xfe", "type.googleapis.com/acme.Unknown", []byte{1, 2, 3}, "application/json;q=0.1, application/problem+json;q=abc", "gzip", uint8(2))
	f.Add(int32(0), "", "", []byte(nil), "", "", uint8(0))
	mux := runtime.NewServeMux()
	marshalers := []runtime.Marshaler{
		&runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{}},
		&runtime.JSONPb{},
	}
	handlers := []runtime.ErrorHandlerFunc{
		errorHandler(),
		errorHandler(gateway.WithFormat(gateway.FormatGoogle), gateway.WithRedaction(true)),
		errorHandler(gateway.WithFormat(gateway.FormatProblem)),
	}
	f.Fuzz(func(t *testing.T, code int32, msg, typeURL string, value []byte, accept, te string, which uint8) {
		details := []*anypb.Any{{TypeUrl: typeURL, Value: value}}
		err := status.FromProto(&spb.Status{Code: code, Message: msg, Details: details}).Err()
		handler := handlers[int(which)%len(handlers)]
		req := httptest.NewRequest("GET", "/v1/x", nil)
		req.Header["Accept"] = []string{accept}
		req.Header["Te"] = []string{te}
		rec := httptest.NewRecorder()
		handler(req.Context(), mux, marshalers[int(which)%len(marshalers)], rec, req, err)

		pinned := pinIn(details)
		switch {
		case pinned != nil && rec.Code != int(pinned.GetCode()):
			t.Fatalf("pinned %d, answered %d", pinned.GetCode(), rec.Code)
		case pinned == nil && !isDocumented(rec.Code):
			t.Fatalf("status %d is not documented", rec.Code)
		case rec.Code < 400 || rec.Code > 599:
			t.Fatalf("status %d for an error", rec.Code)
		}
		// The body is JSON of the promised format.
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("body is not a JSON object: %v: %q", err, rec.Body.Bytes())
		}
		// No detail of the body is a pin, by the pin's own rule (the type
		// URL's full name): a message, or a detail typed
		// "0statusmap.v1.HttpStatus", may name it and is no pin.
		if pinInBody(body) {
			t.Fatalf("the pin leaked into the body: %s", rec.Body)
		}
		switch inner, _ := body["error"].(map[string]any); {
		case rec.Header().Get("Content-Type") == "application/problem+json":
			if body["status"] != float64(rec.Code) || body["title"] == nil || body["grpcCode"] == nil {
				t.Fatalf("problem body %s for %d", rec.Body, rec.Code)
			}
		case inner != nil:
			if inner["code"] != float64(rec.Code) || inner["status"] == nil {
				t.Fatalf("google body %s for %d", rec.Body, rec.Code)
			}
		default:
			if c, ok := body["code"].(float64); !ok || c == 0 {
				t.Fatalf("status body %s", rec.Body)
			}
		}
		for name, values := range rec.Header() {
			for _, v := range values {
				for i := 0; i < len(v); i++ {
					if b := v[i]; (b < 0x20 && b != '\t') || b == 0x7f {
						t.Fatalf("header %s has control byte %#x: %q", name, b, v)
					}
				}
			}
		}
		if rec.Code == 401 && rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
		if codes.Code(code) == codes.Unauthenticated && rec.Header().Get("WWW-Authenticate") == msg && msg != "" && msg != `Bearer realm="api"` {
			t.Fatal("the message reached WWW-Authenticate")
		}
	})
}

// pinInBody reports whether any detail of an error body, in any of the
// three formats (details at the top, or under "error"), is a pin.
func pinInBody(body map[string]any) bool {
	for _, holder := range []any{body, body["error"]} {
		obj, _ := holder.(map[string]any)
		details, _ := obj["details"].([]any)
		for _, d := range details {
			detail, _ := d.(map[string]any)
			if typeURL, ok := detail["@type"].(string); ok && wire.HasFullName(typeURL, wire.PinFullName) {
				return true
			}
		}
	}
	return false
}
