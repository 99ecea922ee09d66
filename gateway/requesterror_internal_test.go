package gateway

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
)

// TestEvidenceOf pins the metadata shapes measured on grpc-gateway v2.33
// and grpc-go v1.85 (see the constants' comments).
func TestEvidenceOf(t *testing.T) {
	ct := metadata.Pairs("content-type", "application/grpc")
	for _, c := range []struct {
		name string
		md   runtime.ServerMetadata
		want evidence
	}{
		{"generated code returned before the call", runtime.ServerMetadata{}, noCall},
		{"client refused to send", runtime.ServerMetadata{TrailerMD: metadata.MD{}}, clientOnly},
		{"server answered with trailers only", runtime.ServerMetadata{TrailerMD: ct}, trailersOnly},
		{"in process", runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}}, inProcess},
		{"server sent headers", runtime.ServerMetadata{HeaderMD: ct, TrailerMD: metadata.MD{}}, answered},
		{"in process with metadata", runtime.ServerMetadata{HeaderMD: metadata.Pairs("x", "1"), TrailerMD: metadata.MD{}}, answered},
		{"headers but no trailers", runtime.ServerMetadata{HeaderMD: metadata.MD{}}, answered},
	} {
		if got := evidenceOf(c.md); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestParseBodyErrorBothPrefixes: protojson writes "proto:" followed by a
// space or a no-break space, chosen per binary; a test run sees only one
// through the real decoder, so both are checked here.
func TestParseBodyErrorBothPrefixes(t *testing.T) {
	for _, sep := range []string{" ", "\u00a0"} {
		for msg, want := range map[string][2]string{
			"proto:" + sep + `(line 1:13): invalid value for int32 field rating: "five"`: {"rating", "rating must be an integer"},
			"proto:" + sep + `(line 1:2): invalid value for uint64 field count: -1`:      {"count", "count must be a non-negative integer"},
			"proto:" + sep + `(line 1:2): invalid value for double field price: "x"`:     {"price", "price must be a number"},
			"proto:" + sep + `(line 1:2): invalid value for string field text: 5`:        {"text", "text must be a string"},
			"proto:" + sep + `(line 1:2): unknown field "nope"`:                          {"nope", "nope is not a field of this request"},
			"proto:" + sep + `(line 1:2): duplicate field "rating"`:                      {"rating", "rating must be given once"},
			"proto:" + sep + `syntax error (line 1:1): unexpected token [`:               {"", "request body is not valid JSON"},
			"proto:" + sep + `(line 1:9): invalid google.protobuf.Timestamp value "x"`:   {"", "request body is not valid"},
		} {
			field, sentence, ok := parseBodyError(context.Background(), msg)
			if !ok || field != want[0] || sentence != want[1] {
				t.Errorf("%q: %q %q %v, want %q %q", msg, field, sentence, ok, want[0], want[1])
			}
		}
	}
	for _, msg := range []string{"proto:x(line 1:1): y", "protobuf: (line 1:1): y", "EOF", "invalid characters", "proto: (line 1:1 no end"} {
		if _, _, ok := parseBodyError(context.Background(), msg); ok {
			t.Errorf("%q recognised as a body error", msg)
		}
	}
}

// TestParseFormatsRefuseLookalikes: texts near grpc-gateway's formats are
// not taken for them.
func TestParseFormatsRefuseLookalikes(t *testing.T) {
	for _, msg := range []string{
		"type mismatch, parameter: shelf id, error: x",
		"type mismatch, parameter: shelf_id",
		"missing parameter ",
		"missing parameter the id",
	} {
		if _, _, ok := parsePathError(msg); ok {
			t.Errorf("%q recognised as a path error", msg)
		}
	}
	for _, msg := range []string{
		`parsing field page_size: x`,
		`parsing field "page size": x`,
		`duplicate field "a" and more`,
		`too many values for field "a"`,
	} {
		if _, _, ok := parseQueryError(context.Background(), msg); ok {
			t.Errorf("%q recognised as a query error", msg)
		}
	}
	for _, c := range []struct {
		ev   evidence
		msg  string
		want bool
	}{
		{clientOnly, "trying to send message larger than max (2006 vs. 1000)", true},
		{clientOnly, "grpc: received message larger than max (2006 vs. 1000)", false},
		{trailersOnly, "grpc: received message larger than max (2006 vs. 1000)", true},
		{trailersOnly, "grpc: received message after decompression larger than max 1000", true},
		{trailersOnly, "trying to send message larger than max (2006 vs. 1000)", false},
		{trailersOnly, "grpc: received message larger than max (2006 vs. 1000", false},
		{trailersOnly, "grpc: received message larger than max (big vs. 1000)", false},
		{answered, "grpc: received message larger than max (2006 vs. 1000)", false},
		{noCall, "trying to send message larger than max (2006 vs. 1000)", false},
	} {
		if got := tooLargeForService(c.ev, c.msg, nil); got != c.want {
			t.Errorf("%v %q: %v, want %v", c.ev, c.msg, got, c.want)
		}
	}
}

// TestPathValue reads a parameter's segment from simple templates and
// refuses the rest.
func TestPathValue(t *testing.T) {
	for _, c := range []struct {
		template, path, param, want string
		ok                          bool
	}{
		{"/v1/shelves/{shelf_id}/genres/{genre}/books", "/v1/shelves/abc/genres/X/books", "shelf_id", "abc", true},
		{"/v1/shelves/{shelf_id}/genres/{genre}/books", "/v1/shelves/abc/genres/X/books", "genre", "X", true},
		{"/v1/books/{id}:archive", "/v1/books/7:archive", "id", "7", true},
		{"/v1/books/{id}:archive", "/v1/books/7", "id", "", false},
		{"/v1/books/{book.id}", "/v1/books/7", "book.id", "7", true},
		{"/v1/books/{id=*}", "/v1/books/7", "id", "7", true},
		{"/v1/{name=shelves/*}", "/v1/shelves/7", "name", "", false},
		{"/v1/books/{id}", "/v2/books/7", "id", "", false},
		{"/v1/books/{id}", "/v1/books/7/x", "id", "", false},
	} {
		got, ok := pathValue(c.template, c.path, c.param)
		if got != c.want || ok != c.ok {
			t.Errorf("%s %s %s: %q %v, want %q %v", c.template, c.path, c.param, got, ok, c.want, c.ok)
		}
	}
}

// BenchmarkRequestError measures the check on the errors it leaves alone
// (every backend error pays for it) and on one it answers.
func BenchmarkRequestError(b *testing.B) {
	r := httptest.NewRequest("GET", "/v1/books/1", nil)
	backend := runtime.NewServerMetadataContext(context.Background(),
		runtime.ServerMetadata{TrailerMD: metadata.Pairs("content-type", "application/grpc")})
	before := runtime.NewServerMetadataContext(context.Background(), runtime.ServerMetadata{})
	for _, c := range []struct {
		name string
		ctx  context.Context
		sp   *spb.Status
	}{
		{"NotFound", backend, &spb.Status{Code: int32(codes.NotFound), Message: "no book"}},
		{"backend InvalidArgument", backend, &spb.Status{Code: int32(codes.InvalidArgument), Message: `parsing field "page_size": strconv.ParseInt: parsing "x": invalid syntax`}},
		{"query int", before, &spb.Status{Code: int32(codes.InvalidArgument), Message: `parsing field "page_size": strconv.ParseInt: parsing "x": invalid syntax`}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				requestError(c.ctx, r, c.sp)
			}
		})
	}
}
