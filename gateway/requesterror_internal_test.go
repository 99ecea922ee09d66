package gateway

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
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
// space or a no-break space, chosen per binary; TestRequestErrorBodyTexts
// checks its real texts with both. Nothing else is taken for its prefix.
func TestParseBodyErrorBothPrefixes(t *testing.T) {
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
		{clientOnly, grpcSendTooLarge + "2006 vs. 1000)", true},
		{clientOnly, grpcRecvTooLarge + "2006 vs. 1000)", false},
		{trailersOnly, grpcRecvTooLarge + "2006 vs. 1000)", true},
		{trailersOnly, grpcRecvDecompressedTooLarge + "1000", true},
		{trailersOnly, grpcDecompressedTooLarge + "2006 vs. 1000)", true},
		{trailersOnly, grpcRecvTooLargeForMachine + "2006 vs. 1000)", true},
		{trailersOnly, grpcRecvDecompressedTooLarge + "many", false},
		{trailersOnly, grpcSendTooLarge + "2006 vs. 1000)", false},
		{trailersOnly, grpcRecvTooLarge + "2006 vs. 1000", false},
		{trailersOnly, grpcRecvTooLarge + "big vs. 1000)", false},
		{answered, grpcRecvTooLarge + "2006 vs. 1000)", false},
		{noCall, grpcSendTooLarge + "2006 vs. 1000)", false},
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
	// The text PopulateQueryParameters makes of page_size=x.
	queryText := runtime.PopulateQueryParameters(&bookshelfv1.ListShelfBooksRequest{},
		url.Values{"page_size": {"x"}}, utilities.NewDoubleArray(nil)).Error()
	for _, c := range []struct {
		name string
		ctx  context.Context
		sp   *spb.Status
	}{
		{"NotFound", backend, &spb.Status{Code: int32(codes.NotFound), Message: "no book"}},
		{"backend InvalidArgument", backend, &spb.Status{Code: int32(codes.InvalidArgument), Message: queryText}},
		{"query int", before, &spb.Status{Code: int32(codes.InvalidArgument), Message: queryText}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				requestError(c.ctx, r, c.sp)
			}
		})
	}
}
