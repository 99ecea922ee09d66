package reqerr

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	binlogpb "google.golang.org/grpc/binarylog/grpc_binarylog_v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// TestParseBodyErrorBothPrefixes: protojson writes "proto:" followed by a
// space or a no-break space, chosen per binary; TestRequestErrorBodyTexts
// checks its real texts with both. Nothing else is taken for its prefix.
func TestParseBodyErrorBothPrefixes(t *testing.T) {
	for _, msg := range []string{"proto:x(line 1:1): y", "protobuf: (line 1:1): y", "EOF", "invalid characters", "proto: (line 1:1 no end"} {
		if _, _, ok := parseBodyError(context.Background(), msg); ok {
			t.Errorf("%q recognised as a body error", msg)
		}
	}
}

// swapProtoSpace returns text with the other of protojson's two spaces
// after "proto:": protojson picks U+0020 or U+00A0 per binary, on purpose,
// so a test binary makes only one of them.
func swapProtoSpace(t *testing.T, text string) string {
	t.Helper()
	if rest, ok := strings.CutPrefix(text, "proto: "); ok {
		return "proto:\u00a0" + rest
	}
	if rest, ok := strings.CutPrefix(text, "proto:\u00a0"); ok {
		return "proto: " + rest
	}
	t.Fatalf("%q is not a protojson error", text)
	return ""
}

// TestRequestErrorBodyTexts: the body decoder's errors, made by the
// decoder a mux gives a JSON request (JSONPb: encoding/json, then
// protojson; a mux with gateway.ServeMuxOptions registers no marshaler and
// gives the same one, as gateway's TestServeMuxOptionsKeepTheBodyDecoder
// checks, and gateway's TestRequestErrorsAreCleanBadRequests sends these
// bodies through such a mux), decoding as the generated code does
// (Decode(&protoReq.Review)), and by protojson.Unmarshal with its default
// options for what that decoder discards (unknown fields). protojson's
// texts are checked with both of its spaces.
func TestRequestErrorBodyTexts(t *testing.T) {
	ctx := handlerContext(t, createReview)
	mux := runtime.NewServeMux()
	decode := func(body string, into func() any) string {
		r := httptest.NewRequest("POST", "/v1/books/b1/reviews", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		in, _ := runtime.MarshalerForRequest(mux, r)
		err := in.NewDecoder(r.Body).Decode(into())
		if err == nil {
			t.Fatalf("%s decoded", body)
		}
		return fmt.Sprintf("%v", err)
	}
	review := func() any {
		var protoReq bookshelfv1.CreateReviewRequest
		return &protoReq.Review
	}
	option := func() any { return &descriptorpb.UninterpretedOption{} }
	unmarshal := func(body string, msg proto.Message) string {
		err := protojson.Unmarshal([]byte(body), msg)
		if err == nil {
			t.Fatalf("%s unmarshalled", body)
		}
		return err.Error()
	}
	formats := "format must be one of BOOK_FORMAT_HARDCOVER, BOOK_FORMAT_PAPERBACK, BOOK_FORMAT_EBOOK"
	for _, c := range []struct {
		name, text, field, sentence string
	}{
		{"int32", decode(`{"rating": "five"}`, review), "rating", "rating must be an integer"},
		{"int32 fraction", decode(`{"rating": 4.5}`, review), "rating", "rating must be an integer"},
		{"enum", decode(`{"format": true}`, review), "format", formats},
		{"bool", decode(`{"recommended": "yes"}`, review), "recommended", "recommended must be true or false"},
		{"string", decode(`{"text": 5}`, review), "text", "text must be a string"},
		{"uint64", decode(`{"positiveIntValue": -1}`, option), "positiveIntValue", "positiveIntValue must be a non-negative integer"},
		{"double", decode(`{"doubleValue": "x"}`, option), "doubleValue", "doubleValue must be a number"},
		{"bytes", decode(`{"stringValue": "!!"}`, option), "stringValue", "stringValue must be base64"},
		{"duplicate field", decode(`{"rating": 1, "rating": 2}`, review), "rating", "rating must be given once"},
		{"unknown field", unmarshal(`{"nope": 1}`, &bookshelfv1.Review{}), "nope", "nope is not a field of this request"},
		{"not an object", decode(`[5]`, review), "", "request body is not valid JSON"},
		{"timestamp", decode(`{"timestamp": "x"}`, func() any { return &binlogpb.GrpcLogEntry{} }), "", "request body is not valid"},
		{"duration", decode(`{"timeout": "soon"}`, func() any { return &binlogpb.ClientHeader{} }), "", "request body is not valid"},
		{"cut short", decode(`{"rating": 1`, review), "", "request body is not valid JSON"},
		{"not JSON", decode(`rating=5`, review), "", "request body is not valid JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkClean(t, ctx, nil, c.text, http.StatusBadRequest, c.field, c.sentence)
			if strings.HasPrefix(c.text, "proto:") {
				checkClean(t, ctx, nil, swapProtoSpace(t, c.text), http.StatusBadRequest, c.field, c.sentence)
			}
		})
	}

	// Over http.MaxBytesReader's bound, the decoder's error is net/http's.
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/v1/books/b1/reviews", strings.NewReader(`{"text": "`+strings.Repeat("y", 100)+`"}`))
	r.Body = http.MaxBytesReader(w, r.Body, 10)
	in, _ := runtime.MarshalerForRequest(mux, r)
	err := in.NewDecoder(r.Body).Decode(review())
	if err == nil || err.Error() != bodyTooLargeText {
		t.Fatalf("decoder's error %v, want bodyTooLargeText %q", err, bodyTooLargeText)
	}
	checkClean(t, ctx, r, err.Error(), http.StatusRequestEntityTooLarge, "", "request is too large")
}

// decodeErrorText is encoding/json's error for body, as JSONPb's decoder
// returns it.
func decodeErrorText(t *testing.T, body string) string {
	t.Helper()
	var review *bookshelfv1.Review
	err := (&runtime.JSONPb{}).NewDecoder(strings.NewReader(body)).Decode(&review)
	if err == nil {
		t.Fatalf("%s decoded", body)
	}
	return err.Error()
}
