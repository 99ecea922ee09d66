package reqerr

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	binlogpb "google.golang.org/grpc/binarylog/grpc_binarylog_v1"
	"google.golang.org/protobuf/types/descriptorpb"
)

// TestParsePathErrorRefusesLookalikes: texts near grpc-gateway's path
// formats are not taken for them.
func TestParsePathErrorRefusesLookalikes(t *testing.T) {
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

// Formats of the generated code's request errors: they exist only in
// protoc-gen-grpc-gateway's template, and are read from it.
type templateFormats struct {
	missing, mismatch string
}

// readTemplateFormats reads the generated code's InvalidArgument formats
// from the template of the plugin version pinned above, and checks that
// they are the ones the recogniser was written for: the two path formats,
// "%v" (ParseForm, PopulateQueryParameters and the body decoder, whose
// errors are the text), and the client-streaming decoder's "Failed to
// decode request: %v" (not recognised: it passes through).
func readTemplateFormats(t *testing.T) templateFormats {
	t.Helper()
	src := readSource(t, grpcGatewayModule, "protoc-gen-grpc-gateway/internal/gengateway/template.go")
	got := invalidArgumentFormats(t, src)
	want := []string{"%v", "Failed to decode request: %v", "missing parameter %s", "type mismatch, parameter: %s, error: %v"}
	if !slices.Equal(got, want) {
		t.Fatalf("template.go's InvalidArgument formats are %q, the recogniser knows %q: re-read them", got, want)
	}
	for _, call := range []string{
		"if err := req.ParseForm(); err != nil {\n\t\treturn nil, metadata, status.Errorf(codes.InvalidArgument, \"%v\", err)",
		"if err := runtime.PopulateQueryParameters(&protoReq, req.Form, filter_{{ .Method.Service.GetName }}_{{ .Method.GetName }}_{{ .Index }}); err != nil {\n\t\treturn nil, metadata, status.Errorf(codes.InvalidArgument, \"%v\", err)",
		"err = runtime.PopulateFieldFromPath(&protoReq, {{ $param | printf \"%q\" }}, val)",
	} {
		if !strings.Contains(src, call) {
			t.Fatalf("template.go no longer has %q", call)
		}
	}
	return templateFormats{missing: "missing parameter %s", mismatch: "type mismatch, parameter: %s, error: %v"}
}

// TestRequestErrorTemplateFormats: the example's generated handlers were
// made by the pinned template (the same InvalidArgument formats).
func TestRequestErrorTemplateFormats(t *testing.T) {
	readTemplateFormats(t)
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "proto", "bookshelf", "v1", "bookshelf.pb.gw.go"))
	if err != nil {
		t.Fatal(err)
	}
	got := invalidArgumentFormats(t, string(raw))
	want := []string{"%v", "missing parameter %s", "type mismatch, parameter: %s, error: %v"}
	if !slices.Equal(got, want) {
		t.Errorf("bookshelf.pb.gw.go's InvalidArgument formats are %q, want %q", got, want)
	}
}

// pathCase is a path parameter's bad value: the converter's error (named
// by the case's first word when a runtime converter makes it) and the
// sentence it must become.
type pathCase struct {
	name, param string
	err         error
	sentence    string
}

// pathCases are the path texts of TestRequestErrorPathTexts, made by the
// converters the generated code calls for a path parameter
// (runtime/convert.go and runtime/proto2_convert.go, chosen by
// grpc-gateway's internal/descriptor/types.go; PopulateFieldFromPath for a
// nested path), each given a bad value.
func pathCases() []pathCase {
	genres := "genre must be one of GENRE_FICTION, GENRE_SCIENCE, GENRE_HISTORY"
	return []pathCase{
		{"Int64", "shelf_id", errOf(runtime.Int64("abc")), "shelf_id must be an integer"},
		{"Int64 out of range", "shelf_id", errOf(runtime.Int64("99999999999999999999")), "shelf_id is out of range"},
		{"Int32", "page_size", errOf(runtime.Int32("1.5")), "page_size must be an integer"},
		{"Int32 out of range", "page_size", errOf(runtime.Int32("3000000000")), "page_size is out of range"},
		{"Uint32", "n", errOf(runtime.Uint32("-1")), "n must be a non-negative integer"},
		{"Uint64", "n", errOf(runtime.Uint64("x")), "n must be a non-negative integer"},
		{"Uint64 out of range", "n", errOf(runtime.Uint64("99999999999999999999999")), "n is out of range"},
		{"Float32", "x", errOf(runtime.Float32("abc")), "x must be a number"},
		{"Float64 hexadecimal", "x", errOf(runtime.Float64("0x10")), "x must be a number"},
		{"Float64 spelled infinity", "x", errOf(runtime.Float64("inf")), "x must be a number"},
		{"Float64 out of range", "x", errOf(runtime.Float64("1e999")), "x is out of range"},
		{"Bool", "b", errOf(runtime.Bool("maybe")), "b must be true or false"},
		{"Bytes", "data", errOf(runtime.Bytes("!!")), "data must be base64"},
		{"Timestamp", "t", errOf(runtime.Timestamp("yesterday")), "t must be an RFC 3339 timestamp"},
		{"Duration", "d", errOf(runtime.Duration("soon")), "d must be a duration"},
		{"Enum name", "genre", errOf(runtime.Enum("POETRY", bookshelfv1.Genre_value)), genres},
		{"Enum number", "genre", errOf(runtime.Enum("42", bookshelfv1.Genre_value)), genres},
		{"Int32Value", "w", errOf(runtime.Int32Value("x")), "w must be an integer"},
		{"UInt64Value", "w", errOf(runtime.UInt64Value("-1")), "w must be a non-negative integer"},
		{"DoubleValue", "w", errOf(runtime.DoubleValue("x")), "w must be a number"},
		{"FloatValue", "w", errOf(runtime.FloatValue("1e99")), "w is out of range"},
		{"BoolValue", "w", errOf(runtime.BoolValue("x")), "w must be true or false"},
		{"BytesValue", "w", errOf(runtime.BytesValue("!!")), "w must be base64"},
		{"Int64Slice", "ids", errOf(runtime.Int64Slice("1,x", ",")), "ids must be an integer"},
		{"EnumSlice", "genre", errOf(runtime.EnumSlice("GENRE_FICTION,X", ",", bookshelfv1.Genre_value)), genres},
		// A nested path ("book.id") is set by PopulateFieldFromPath, whose
		// error is query.go's "parsing field %q: %w" around the converter's.
		{"PopulateFieldFromPath int", "retry_delay.seconds", runtime.PopulateFieldFromPath(&errdetails.RetryInfo{}, "retry_delay.seconds", "x"), "retry_delay.seconds must be an integer"},
		{"PopulateFieldFromPath duration", "retry_delay", runtime.PopulateFieldFromPath(&errdetails.RetryInfo{}, "retry_delay", "x"), "retry_delay must be a duration"},
		{"PopulateFieldFromPath timestamp", "timestamp", runtime.PopulateFieldFromPath(&binlogpb.GrpcLogEntry{}, "timestamp", "x"), "timestamp must be an RFC 3339 timestamp"},
		{"PopulateFieldFromPath enum", "genre", runtime.PopulateFieldFromPath(&bookshelfv1.ListShelfBooksRequest{}, "genre", "POETRY"), genres},
		// The converters the table above did not name (the Slice ones
		// make the text of the converter they call per element, the P ones
		// of the converter they wrap).
		{"Int32Slice", "ids", errOf(runtime.Int32Slice("1,3000000000", ",")), "ids is out of range"},
		{"Uint64Slice", "ids", errOf(runtime.Uint64Slice("1,-1", ",")), "ids must be a non-negative integer"},
		{"Uint32Slice", "ids", errOf(runtime.Uint32Slice("x", ",")), "ids must be a non-negative integer"},
		{"Float64Slice", "xs", errOf(runtime.Float64Slice("1,x", ",")), "xs must be a number"},
		{"Float32Slice", "xs", errOf(runtime.Float32Slice("1,1e99", ",")), "xs is out of range"},
		{"BoolSlice", "bs", errOf(runtime.BoolSlice("true,maybe", ",")), "bs must be true or false"},
		{"BytesSlice", "data", errOf(runtime.BytesSlice("AA==,!!", ",")), "data must be base64"},
		{"Int64P", "n", errOf(runtime.Int64P("abc")), "n must be an integer"},
		{"Int32P", "n", errOf(runtime.Int32P("3000000000")), "n is out of range"},
		{"Uint64P", "n", errOf(runtime.Uint64P("-1")), "n must be a non-negative integer"},
		{"Uint32P", "n", errOf(runtime.Uint32P("x")), "n must be a non-negative integer"},
		{"Float64P", "x", errOf(runtime.Float64P("x")), "x must be a number"},
		{"Float32P", "x", errOf(runtime.Float32P("1e99")), "x is out of range"},
		{"BoolP", "b", errOf(runtime.BoolP("maybe")), "b must be true or false"},
		{"Int64Value", "w", errOf(runtime.Int64Value("x")), "w must be an integer"},
		{"UInt32Value", "w", errOf(runtime.UInt32Value("-1")), "w must be a non-negative integer"},
		{"Timestamp before year 1", "t", errOf(runtime.Timestamp("0000-06-01T00:00:00Z")), "t must be an RFC 3339 timestamp"},
		{"Duration out of range", "d", errOf(runtime.Duration("315576000001s")), "d must be a duration"},
		{"PopulateFieldFromPath uint", "message.length", runtime.PopulateFieldFromPath(&binlogpb.GrpcLogEntry{}, "message.length", "-1"), "message.length must be a non-negative integer"},
		{"PopulateFieldFromPath double", "double_value", runtime.PopulateFieldFromPath(&descriptorpb.UninterpretedOption{}, "double_value", "0x10"), "double_value must be a number"},
		{"PopulateFieldFromPath bytes", "string_value", runtime.PopulateFieldFromPath(&descriptorpb.UninterpretedOption{}, "string_value", "!!"), "string_value must be base64"},
	}
}

// TestRequestErrorPathTexts: each of pathCases, wrapped in the template's
// format, and the template's missing-parameter text.
func TestRequestErrorPathTexts(t *testing.T) {
	formats := readTemplateFormats(t)
	ctx := handlerContext(t, listShelfBooks)
	for _, c := range pathCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("the converter accepted the bad value")
			}
			checkClean(t, ctx, nil, fmt.Sprintf(formats.mismatch, c.param, c.err), http.StatusBadRequest, c.param, c.sentence)
		})
	}
	checkClean(t, ctx, nil, fmt.Sprintf(formats.missing, "shelf_id"), http.StatusBadRequest, "shelf_id", "shelf_id is required")
}

// TestPathCasesCoverEveryConverter: every converter grpc-gateway's
// internal/descriptor/types.go names for a path parameter, and the runtime
// defines, has a case in pathCases, but for the four that take any string
// (String, StringP, StringSlice, StringValue, checked here to accept odd
// text). An upgrade that adds a converter fails here until its text is
// made and checked. types.go also names EnumP (proto2 enums) and, by
// appending "P", BytesP (proto3 optional bytes): the runtime defines
// neither, so generated code naming them does not compile, and there is no
// text to read.
func TestPathCasesCoverEveryConverter(t *testing.T) {
	types := readSource(t, grpcGatewayModule, "internal/descriptor/types.go")
	const optional = "result[typ] = converter + \"P\""
	if !strings.Contains(types, optional) {
		t.Fatalf("types.go no longer derives the proto3 optional converters by %s: re-read it", optional)
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`"runtime\.(\w+)"`).FindAllStringSubmatch(types, -1) {
		named[m[1]] = true
	}
	block := types[strings.Index(types, "proto3ConvertFuncs = map"):]
	block = block[:strings.Index(block, "}")]
	for _, m := range regexp.MustCompile(`"runtime\.(\w+)"`).FindAllStringSubmatch(block, -1) {
		named[m[1]+"P"] = true
	}
	defined := map[string]bool{}
	for _, file := range []string{"runtime/convert.go", "runtime/proto2_convert.go"} {
		for _, m := range regexp.MustCompile(`(?m)^func (\w+)\(val[ ,]`).FindAllStringSubmatch(readSource(t, grpcGatewayModule, file), -1) {
			defined[m[1]] = true
		}
	}
	covered := map[string]bool{}
	for _, c := range pathCases() {
		covered[strings.Fields(c.name)[0]] = true
	}
	anyString := map[string]bool{"String": true, "StringP": true, "StringSlice": true, "StringValue": true}
	for _, odd := range []string{"", "\xff", "%zz", "a,b"} {
		if errOf(runtime.String(odd)) != nil || errOf(runtime.StringP(odd)) != nil ||
			errOf(runtime.StringSlice(odd, ",")) != nil || errOf(runtime.StringValue(odd)) != nil {
			t.Errorf("a string converter refuses %q: it needs a case", odd)
		}
	}
	for name := range named {
		switch {
		case !defined[name] && name != "EnumP" && name != "BytesP":
			t.Errorf("types.go names runtime.%s, which the runtime does not define: re-read it", name)
		case defined[name] && !covered[name] && !anyString[name]:
			t.Errorf("runtime.%s has no case in pathCases: add one made by calling it", name)
		}
	}
	if len(named) < 30 || len(defined) < 30 {
		t.Fatalf("read %d converter names and %d definitions: the patterns no longer match", len(named), len(defined))
	}
}
