package gateway_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// TestCustomMarshalersHonoured installs marshalers a user might: FormatStatus
// must write what grpc-gateway's default handler writes with each, by
// meaning (JSON) or exactly (protobuf binary).
func TestCustomMarshalersHonoured(t *testing.T) {
	mux := runtime.NewServeMux()
	jsonMarshalers := map[string]runtime.Marshaler{
		"proto names":          &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseProtoNames: true}},
		"emit unpopulated":     &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}},
		"emit default values":  &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitDefaultValues: true}},
		"indented":             &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{Multiline: true, Indent: "  "}},
		"enum numbers":         &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseEnumNumbers: true}},
		"http body of default": &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{}},
	}
	handlers := map[string]runtime.ErrorHandlerFunc{}
	for mname := range jsonMarshalers {
		handlers[mname] = errorHandler()
	}
	for name, err := range benchErrors(t) {
		for mname, m := range jsonMarshalers {
			want := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/x", nil)
			runtime.DefaultHTTPErrorHandler(context.Background(), mux, m, want, req, err)
			// The same handler three times: rendered, admitted to the
			// detail cache, then served from it. All three must match.
			var got *httptest.ResponseRecorder
			for round := range 3 {
				got = httptest.NewRecorder()
				handlers[mname](context.Background(), mux, m, got, req, err)
				var a, b any
				if json.Unmarshal(got.Body.Bytes(), &a) != nil || json.Unmarshal(want.Body.Bytes(), &b) != nil || !reflect.DeepEqual(a, b) {
					t.Errorf("%s with %s, round %d:\n got %s\nwant %s", name, mname, round, got.Body, want.Body)
				}
			}
			if got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("%s with %s: Content-Type %q; want %q", name, mname, got.Header().Get("Content-Type"), want.Header().Get("Content-Type"))
			}
		}
		// A non-JSON marshaler is used as it is.
		binary := &runtime.ProtoMarshaller{}
		got := httptest.NewRecorder()
		errorHandler()(context.Background(), mux, binary, got, httptest.NewRequest("GET", "/x", nil), err)
		var decoded spb.Status
		if err := proto.Unmarshal(got.Body.Bytes(), &decoded); err != nil {
			t.Fatalf("%s: binary body: %v", name, err)
		}
		want := httptest.NewRecorder()
		runtime.DefaultHTTPErrorHandler(context.Background(), mux, binary, want, httptest.NewRequest("GET", "/x", nil), err)
		var wantDecoded spb.Status
		if err := proto.Unmarshal(want.Body.Bytes(), &wantDecoded); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&decoded, &wantDecoded) || got.Header().Get("Content-Type") != "application/octet-stream" {
			t.Errorf("%s: binary body %v (%s); want %v", name, &decoded, got.Header().Get("Content-Type"), &wantDecoded)
		}
	}
}
