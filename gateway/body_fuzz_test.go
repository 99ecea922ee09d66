package gateway_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	rpccode "google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// The body writers of package body (gateway/internal/body) write JSON by
// hand. These differential fuzz targets hold each format to
// protojson's output for the same message, by meaning (protojson varies its
// whitespace on purpose), for arbitrary codes, messages and details of every
// google.rpc error detail type, valid or not.
//
// Where protojson refuses an input, the writers keep it instead, and the
// targets hold them to that documented rule:
//   - a message with invalid UTF-8 is written with each invalid byte as
//     U+FFFD (internal/jsontext), so the expectation is protojson's output for that
//     repaired message;
//   - a detail protojson cannot write (invalid UTF-8 inside, an unknown
//     type, bytes that do not parse) is written as
//     {"@type": <type URL>, "@bytes": <base64 of its bytes>}, the others as
//     protojson writes each of them.
// Pins are left out of bodies by default (WithPinInBody), so no detail here
// is a statusmap.v1.HttpStatus, and the HTTP status of every error is the
// documented table's, statusmap.HTTPStatus(code).

// errorDetailTypes are the google.rpc error detail types, in the order
// a fuzzed kind byte picks them.
var errorDetailTypes = []string{
	"google.rpc.ErrorInfo", "google.rpc.RetryInfo", "google.rpc.DebugInfo", "google.rpc.QuotaFailure",
	"google.rpc.PreconditionFailure", "google.rpc.BadRequest", "google.rpc.RequestInfo",
	"google.rpc.ResourceInfo", "google.rpc.Help", "google.rpc.LocalizedMessage",
}

// fuzzedDetails makes one detail per kind byte (at most 8), its strings
// from s1 and s2 and its numbers from n. Kinds 0 to 9 are the google.rpc
// types, filled from valid UTF-8; when s1 is not valid UTF-8 it is also
// written into the type's first string field on the wire, which no
// proto.Marshal would do but a foreign server may. Kind 10 is a type no
// binary links; kind 11 is a google.rpc type URL over s1's raw bytes.
func fuzzedDetails(t *testing.T, kinds []byte, s1, s2 string, n int64) []*anypb.Any {
	if len(kinds) > 8 {
		kinds = kinds[:8]
	}
	v1, v2 := strings.ToValidUTF8(s1, "?"), strings.ToValidUTF8(s2, "?")
	details := make([]*anypb.Any, 0, len(kinds))
	for _, kind := range kinds {
		variant := kind / 12
		var m proto.Message
		switch kind % 12 {
		case 0:
			m = &errdetails.ErrorInfo{Reason: v1, Domain: v2, Metadata: map[string]string{v1: v2, "k": v1}}
		case 1:
			switch {
			case variant%3 == 0:
				m = &errdetails.RetryInfo{} // no delay
			case variant%3 == 1:
				// Always a valid Duration: seconds and nanos share n's sign.
				m = &errdetails.RetryInfo{RetryDelay: &durationpb.Duration{Seconds: n / 1e9, Nanos: int32(n % 1e9)}}
			default:
				// Any pair: out of Duration's range, or of mixed signs.
				m = &errdetails.RetryInfo{RetryDelay: &durationpb.Duration{Seconds: n, Nanos: int32(n >> 32)}}
			}
		case 2:
			m = &errdetails.DebugInfo{StackEntries: []string{v1, v2}, Detail: v1}
		case 3:
			future := n / 2
			m = &errdetails.QuotaFailure{Violations: []*errdetails.QuotaFailure_Violation{{
				Subject: v1, Description: v2, ApiService: v1, QuotaMetric: v2, QuotaId: v1,
				QuotaDimensions: map[string]string{v2: v1}, QuotaValue: n, FutureQuotaValue: &future,
			}}}
		case 4:
			m = &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{Type: v1, Subject: v2, Description: v1}}}
		case 5:
			m = &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{
				Field: v1, Description: v2, Reason: v1, LocalizedMessage: &errdetails.LocalizedMessage{Locale: v2, Message: v1},
			}}}
		case 6:
			m = &errdetails.RequestInfo{RequestId: v1, ServingData: v2}
		case 7:
			m = &errdetails.ResourceInfo{ResourceType: v1, ResourceName: v2, Owner: v1, Description: v2}
		case 8:
			m = &errdetails.Help{Links: []*errdetails.Help_Link{{Description: v1, Url: v2}}}
		case 9:
			m = &errdetails.LocalizedMessage{Locale: v1, Message: v2}
		case 10:
			details = append(details, &anypb.Any{TypeUrl: "type.googleapis.com/acme.v1.Secret", Value: []byte(s1)})
			continue
		case 11:
			name := errorDetailTypes[int(variant)%len(errorDetailTypes)]
			details = append(details, &anypb.Any{TypeUrl: "type.googleapis.com/" + name, Value: []byte(s1)})
			continue
		}
		value, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		if err != nil {
			t.Fatalf("marshal %T: %v", m, err)
		}
		if !utf8.ValidString(s1) {
			value = withInvalidString(value, kind%12, s1)
		}
		details = append(details, &anypb.Any{TypeUrl: "type.googleapis.com/" + string(m.ProtoReflect().Descriptor().FullName()), Value: value})
	}
	return details
}

// withInvalidString appends s, not valid UTF-8, as the first string
// field of a detail's type: field 1 itself, or field 1 of the message in
// field 1. RetryInfo has no string field and is left as it is.
func withInvalidString(value []byte, kind byte, s string) []byte {
	str := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), s)
	switch kind {
	case 0, 2, 6, 7, 9: // ErrorInfo.reason, DebugInfo.stack_entries, RequestInfo.request_id, ResourceInfo.resource_type, LocalizedMessage.locale
		return append(value, str...)
	case 3, 4, 5, 8: // the first string of QuotaFailure's, PreconditionFailure's, BadRequest's or Help's first message
		value = protowire.AppendTag(value, 1, protowire.BytesType)
		return protowire.AppendBytes(value, str)
	}
	return value
}

// errorCodeOf is the code of a fuzzed error: any uint32 but OK, which is no
// error (status.Err returns nil for it).
func errorCodeOf(code uint32) codes.Code {
	if code == 0 {
		return codes.Unknown
	}
	return codes.Code(code)
}

// repairedUTF8 is internal/jsontext's rule for a message with invalid UTF-8: each
// invalid byte becomes U+FFFD.
func repairedUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// decodeExact decodes JSON generically, numbers kept exact.
func decodeExact(t *testing.T, what string, body []byte) any {
	t.Helper()
	if !utf8.Valid(body) {
		t.Fatalf("%s is not valid UTF-8: %q", what, body)
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil || d.More() {
		t.Fatalf("%s is not one JSON value (%v): %s", what, err, body)
	}
	return v
}

// expectedBody returns what a writer must write for envelope, a message
// whose details field holds details: protojson's output with opts, decoded.
// When protojson refuses a detail, the envelope is written without details
// and each detail is expected on its own, the refused ones as
// {"@type", "@bytes"}; detailsAt finds the decoded envelope's object that
// holds "details".
func expectedBody(t *testing.T, opts protojson.MarshalOptions, envelope proto.Message, details *[]*anypb.Any, detailsAt func(any) map[string]any) any {
	t.Helper()
	if out, err := opts.Marshal(envelope); err == nil {
		return decodeExact(t, "protojson's body", out)
	}
	all := *details
	*details = nil
	defer func() { *details = all }()
	out, err := opts.Marshal(envelope)
	if err != nil {
		t.Fatalf("protojson refuses the envelope without details: %v", err)
	}
	want := decodeExact(t, "protojson's body", out)
	each := make([]any, 0, len(all))
	for _, d := range all {
		if b, err := opts.Marshal(d); err == nil {
			each = append(each, decodeExact(t, "protojson's detail", b))
			continue
		}
		each = append(each, map[string]any{"@type": d.GetTypeUrl(), "@bytes": base64.StdEncoding.EncodeToString(d.GetValue())})
	}
	detailsAt(want)["details"] = each
	return want
}

// checkWrittenBody compares a written body with the expectation.
func checkWrittenBody(t *testing.T, rec *httptest.ResponseRecorder, wantStatus int, wantContentType string, want any) {
	t.Helper()
	if rec.Code != wantStatus {
		t.Errorf("status %d; want %d", rec.Code, wantStatus)
	}
	if got := rec.Header().Get("Content-Type"); got != wantContentType {
		t.Errorf("Content-Type %q; want %q", got, wantContentType)
	}
	got := decodeExact(t, "the body", rec.Body.Bytes())
	if !reflect.DeepEqual(got, want) {
		wantJSON, _ := json.Marshal(want)
		t.Errorf("body differs from protojson's by meaning\n got %s\nwant %s", rec.Body.Bytes(), wantJSON)
	}
}

// addBodySeeds seeds every target: each detail kind alone, with plain,
// escaped and invalid strings, and a few mixes.
func addBodySeeds(add func(code uint32, msg string, kinds []byte, s1, s2 string, n int64)) {
	for kind := byte(0); kind < 12; kind++ {
		add(5, "no book", []byte{kind}, "req-7", "example.com", 1_500_000_000)
	}
	add(3, "", nil, "", "", 0)
	add(8, "quota exceeded", []byte{0, 1 + 12}, "QUOTA", "example.com", 30_000_000_000)
	add(8, "quota exceeded", []byte{1, 1 + 24, 1 + 12}, "", "", -1_500_000_001)
	add(8, "quota exceeded", []byte{1 + 24}, "", "", 315576000001)
	add(8, "quota exceeded", []byte{1 + 24}, "", "", 1<<40|5)
	add(13, "bad \xff\xfe byte", []byte{0, 2, 3, 4, 5, 6, 7, 8}, "\xffbad", "ok", 7)
	add(16, "quote \" backslash \\ newline \n tab \t nul \x00 del \x7f", []byte{9, 10}, "<html>&'\u2028\u2029", "\U0001F600", -42)
	add(99, "unknown code", []byte{11, 11 + 12, 11 + 24}, "\x0a\x02\x08\x01", "", 0)
	add(0xFFFFFFFF, "negative as int32", []byte{6}, "x", "y", 1)
	add(2, strings.Repeat("long message ", 64), []byte{3, 3, 3}, strings.Repeat("s", 300), "", 1<<62)
}

// marshalOptionVariants are the marshal option sets FuzzStatusBody picks from; the
// first is grpc-gateway's default marshaler's.
var marshalOptionVariants = []protojson.MarshalOptions{
	{EmitUnpopulated: true},
	{},
	{UseProtoNames: true, EmitUnpopulated: true},
	{UseProtoNames: true},
	{EmitDefaultValues: true},
	{UseEnumNumbers: true, EmitUnpopulated: true},
	{Multiline: true, Indent: "  ", EmitUnpopulated: true},
}

// FuzzStatusBody holds FormatStatus, google.rpc.Status, to protojson with
// the request marshaler's options: grpc-gateway's default through
// Gateway.WriteError and through a mux's default marshaler, and other JSONPb
// option sets through a mux, picked by opt.
func FuzzStatusBody(f *testing.F) {
	addBodySeeds(func(code uint32, msg string, kinds []byte, s1, s2 string, n int64) {
		f.Add(code, msg, kinds, s1, s2, n, byte(0))
	})
	f.Add(uint32(5), "", []byte{1}, "", "", int64(0), byte(1))
	f.Add(uint32(5), "no book", []byte{0, 1 + 12, 5}, "a", "b", int64(1500), byte(3))
	f.Add(uint32(5), "no book", []byte{1 + 12, 3}, "a", "b", int64(2e9), byte(6))

	// One Gateway for the whole run, so that the rendered-detail cache
	// serves the details seen before.
	g, err := gateway.New(gateway.WithFormat(gateway.FormatStatus))
	if err != nil {
		f.Fatal(err)
	}
	mux := runtime.NewServeMux(g.ServeMuxOptions()...)
	muxDefault := newCustomTypeMarshaler()

	f.Fuzz(func(t *testing.T, code uint32, msg string, kinds []byte, s1, s2 string, n int64, opt byte) {
		c := errorCodeOf(code)
		details := fuzzedDetails(t, kinds, s1, s2, n)
		err := status.FromProto(&spb.Status{Code: int32(c), Message: msg, Details: details}).Err()

		choice := int(opt) % (len(marshalOptionVariants) + 1)
		opts := marshalOptionVariants[max(choice-1, 0)]
		expected := &spb.Status{Code: int32(c), Message: repairedUTF8(msg), Details: details}
		want := expectedBody(t, opts, expected, &expected.Details, func(v any) map[string]any { return v.(map[string]any) })

		// Twice: the second may be served by the cache.
		for range 2 {
			rec := httptest.NewRecorder()
			switch choice {
			case 0:
				if err := g.WriteError(rec, nil, err); err != nil {
					t.Fatal(err)
				}
			case 1:
				runtime.HTTPError(context.Background(), mux, muxDefault, rec, httptest.NewRequest("GET", "/", nil), err)
			default:
				runtime.HTTPError(context.Background(), mux, &runtime.JSONPb{MarshalOptions: opts}, rec, httptest.NewRequest("GET", "/", nil), err)
			}
			checkWrittenBody(t, rec, statusmap.HTTPStatus(c), "application/json", want)
		}
	})
}

// codeName is the code's name in AIP-193 bodies and problems: the
// google.rpc.Code enum's, or the decimal number of a code it lacks.
func codeName(c codes.Code) string {
	if name, ok := rpccode.Code_name[int32(c)]; ok && int32(c) >= 0 {
		return name
	}
	return strconv.FormatUint(uint64(c), 10)
}

// FuzzGoogleBody holds FormatGoogle to protojson of
// statusmapv1.GoogleErrorBody with grpc-gateway's default options.
func FuzzGoogleBody(f *testing.F) {
	addBodySeeds(func(code uint32, msg string, kinds []byte, s1, s2 string, n int64) {
		f.Add(code, msg, kinds, s1, s2, n)
	})
	g, err := gateway.New(gateway.WithFormat(gateway.FormatGoogle))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code uint32, msg string, kinds []byte, s1, s2 string, n int64) {
		c := errorCodeOf(code)
		details := fuzzedDetails(t, kinds, s1, s2, n)
		err := status.FromProto(&spb.Status{Code: int32(c), Message: msg, Details: details}).Err()
		httpStatus := statusmap.HTTPStatus(c)

		inner := &statusmapv1.GoogleError{Code: int32(httpStatus), Message: repairedUTF8(msg), Status: codeName(c), Details: details}
		want := expectedBody(t, protojson.MarshalOptions{EmitUnpopulated: true}, &statusmapv1.GoogleErrorBody{Error: inner}, &inner.Details,
			func(v any) map[string]any { return v.(map[string]any)["error"].(map[string]any) })
		for range 2 {
			rec := httptest.NewRecorder()
			if err := g.WriteError(rec, nil, err); err != nil {
				t.Fatal(err)
			}
			checkWrittenBody(t, rec, httpStatus, "application/json", want)
		}
	})
}

// FuzzProblemBody holds FormatProblem to protojson of statusmapv1.Problem
// with grpc-gateway's default options.
func FuzzProblemBody(f *testing.F) {
	addBodySeeds(func(code uint32, msg string, kinds []byte, s1, s2 string, n int64) {
		f.Add(code, msg, kinds, s1, s2, n)
	})
	g, err := gateway.New(gateway.WithFormat(gateway.FormatProblem))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code uint32, msg string, kinds []byte, s1, s2 string, n int64) {
		c := errorCodeOf(code)
		details := fuzzedDetails(t, kinds, s1, s2, n)
		err := status.FromProto(&spb.Status{Code: int32(c), Message: msg, Details: details}).Err()
		httpStatus := statusmap.HTTPStatus(c)

		problem := &statusmapv1.Problem{
			Type: "about:blank", Title: http.StatusText(httpStatus), Status: int32(httpStatus),
			Detail: repairedUTF8(msg), GrpcCode: codeName(c), Details: details,
		}
		want := expectedBody(t, protojson.MarshalOptions{EmitUnpopulated: true}, problem, &problem.Details,
			func(v any) map[string]any { return v.(map[string]any) })
		// "instance" identifies one occurrence; the gateway writes none, and
		// RFC 9457 reads an absent member as protojson's empty one.
		delete(want.(map[string]any), "instance")
		for range 2 {
			rec := httptest.NewRecorder()
			if err := g.WriteError(rec, nil, err); err != nil {
				t.Fatal(err)
			}
			checkWrittenBody(t, rec, httpStatus, "application/problem+json", want)
		}
	})
}

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

		// A code of 0 makes no error (status.Err is nil), so its details,
		// a pin among them, never reach the handler, which answers a nil
		// error with 500.
		var pinned *statusmapv1.HttpStatus
		if err != nil {
			pinned = pinIn(details)
		}
		switch {
		case err == nil && rec.Code != http.StatusInternalServerError:
			t.Fatalf("no error, answered %d; want 500", rec.Code)
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

// pinIn returns the first valid pin among details, as the gateway finds
// it, or nil.
func pinIn(details []*anypb.Any) *statusmapv1.HttpStatus {
	for _, d := range details {
		if !strings.HasSuffix(d.GetTypeUrl(), "/statusmap.v1.HttpStatus") && d.GetTypeUrl() != "statusmap.v1.HttpStatus" {
			continue
		}
		pin := new(statusmapv1.HttpStatus)
		if proto.Unmarshal(d.GetValue(), pin) == nil && pin.GetCode() >= 400 && pin.GetCode() <= 599 {
			return pin
		}
	}
	return nil
}
