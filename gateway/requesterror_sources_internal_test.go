package gateway

// The request-error texts, pinned to their sources. Every text the
// recogniser is checked against here is made by the upstream function that
// makes it in a real gateway (grpc-gateway's runtime converters and query
// parser as the generated code calls them, the mux's body decoder,
// protojson, net/http, net/url), or read from the upstream file in the
// module cache where no function makes it (the generated code's template,
// grpc-go's size errors). A dependency upgrade that changes a text fails
// here instead of silently sending Go internals to clients.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	binlogpb "google.golang.org/grpc/binarylog/grpc_binarylog_v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	grpcGatewayModule = "github.com/grpc-ecosystem/grpc-gateway/v2"
	grpcModule        = "google.golang.org/grpc"
	listShelfBooks    = "/bookshelf.v1.BookshelfService/ListShelfBooks"
	createReview      = "/bookshelf.v1.BookshelfService/CreateReview"
)

// requiredVersion returns the version of module that the go.mod file at
// path requires, read from its require lines ("require m v" or a line of a
// require block), or "".
func requiredVersion(t *testing.T, path, module string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inBlock := false
	for line := range strings.Lines(string(raw)) {
		line, _, _ = strings.Cut(line, "//")
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			continue
		case inBlock && fields[0] == ")":
			inBlock = false
			continue
		case fields[0] == "require" && len(fields) == 2 && fields[1] == "(":
			inBlock = true
			continue
		case fields[0] == "require":
			fields = fields[1:]
		case !inBlock:
			continue
		}
		if len(fields) == 2 && fields[0] == module {
			return fields[1]
		}
	}
	return ""
}

// TestRequestErrorsReadFromPinnedVersion ties the texts to the grpc-gateway
// version they were read from: the library's (runtime) and the protoc
// plugin's that generates the handlers (template). An upgrade of either
// fails here until the texts are re-read and requestErrorsReadFrom changed.
func TestRequestErrorsReadFromPinnedVersion(t *testing.T) {
	for _, path := range []string{filepath.Join("..", "go.mod"), filepath.Join("..", ".ci", "tools", "go.mod")} {
		if got := requiredVersion(t, path, grpcGatewayModule); got != requestErrorsReadFrom {
			t.Errorf("%s requires %s %q; the request-error texts were read from %s: re-read them "+
				"(runtime/convert.go, runtime/query.go, protoc-gen-grpc-gateway/internal/gengateway/template.go) "+
				"and update requestErrorsReadFrom", path, grpcGatewayModule, got, requestErrorsReadFrom)
		}
	}
}

// TestRequiredVersionParsesRequireLines: the go.mod reader of the pin test
// finds a module in a block and on its own line, and nothing elsewhere.
func TestRequiredVersionParsesRequireLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "go.mod")
	content := "module x\n\nrequire a/b v1.0.0 // indirect\n\nrequire (\n\tc/d v2.0.0\n\te/f v3.0.0 // indirect\n)\n\nreplace g/h => g/h v9.9.9\ntool g/h\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for module, want := range map[string]string{"a/b": "v1.0.0", "c/d": "v2.0.0", "e/f": "v3.0.0", "g/h": "", "x": ""} {
		if got := requiredVersion(t, path, module); got != want {
			t.Errorf("%s: %q, want %q", module, got, want)
		}
	}
}

// moduleDir returns the module cache directory of module at the version
// the main module builds with.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", module, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		t.Fatalf("module %s has no directory (vendored?)", module)
	}
	return dir
}

// readSource reads a file of module's source.
func readSource(t *testing.T, module, path string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(moduleDir(t, module), filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// invalidArgumentFormats returns the format strings of the
// status.Errorf(codes.InvalidArgument, ...) calls in src, unquoted.
func invalidArgumentFormats(t *testing.T, src string) []string {
	t.Helper()
	re := regexp.MustCompile(`status\.Errorf\(codes\.InvalidArgument, ("(?:[^"\\]|\\.)*")`)
	var formats []string
	for _, m := range re.FindAllStringSubmatch(src, -1) {
		f, err := strconv.Unquote(m[1])
		if err != nil {
			t.Fatalf("%s: %v", m[1], err)
		}
		if !slices.Contains(formats, f) {
			formats = append(formats, f)
		}
	}
	slices.Sort(formats)
	return formats
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
	raw, err := os.ReadFile(filepath.Join("..", "examples", "proto", "bookshelf", "v1", "bookshelf.pb.gw.go"))
	if err != nil {
		t.Fatal(err)
	}
	got := invalidArgumentFormats(t, string(raw))
	want := []string{"%v", "missing parameter %s", "type mismatch, parameter: %s, error: %v"}
	if !slices.Equal(got, want) {
		t.Errorf("bookshelf.pb.gw.go's InvalidArgument formats are %q, want %q", got, want)
	}
}

// handlerContext is the context a generated handler gives its error
// handler when it returns before calling the service (noCall): annotated
// with the method (for enum names) and empty ServerMetadata.
func handlerContext(t *testing.T, method string) context.Context {
	t.Helper()
	ctx := context.Background()
	if method != "" {
		var err error
		ctx, err = runtime.AnnotateIncomingContext(ctx, runtime.NewServeMux(), httptest.NewRequest("GET", "/", nil), method)
		if err != nil {
			t.Fatal(err)
		}
	}
	return runtime.NewServerMetadataContext(ctx, runtime.ServerMetadata{})
}

// checkClean runs the recogniser on an InvalidArgument with text, as the
// generated code returns it before the call, and checks the clean answer.
func checkClean(t *testing.T, ctx context.Context, r *http.Request, text string, wantStatus int, field, sentence string) {
	t.Helper()
	sp := status.New(codes.InvalidArgument, text).Proto()
	clean, httpStatus, ok := requestError(ctx, r, sp)
	if !ok {
		t.Errorf("%q not recognised, want %d %q %q", text, wantStatus, field, sentence)
		return
	}
	if httpStatus != wantStatus || clean.GetCode() != int32(codes.InvalidArgument) || clean.GetMessage() != sentence {
		t.Errorf("%q: %d %v %q, want %d InvalidArgument %q", text, httpStatus, codes.Code(clean.GetCode()), clean.GetMessage(), wantStatus, sentence)
	}
	gotField, gotDescription := oneViolation(t, clean)
	if gotField != field || (field != "" && gotDescription != sentence) {
		t.Errorf("%q: violation %q %q, want %q %q", text, gotField, gotDescription, field, sentence)
	}
}

// oneViolation returns the one BadRequest field violation of sp, or "".
func oneViolation(t *testing.T, sp *spb.Status) (field, description string) {
	t.Helper()
	details := status.FromProto(sp).Details()
	if len(details) == 0 {
		return "", ""
	}
	br, ok := details[0].(*errdetails.BadRequest)
	if len(details) != 1 || !ok || len(br.GetFieldViolations()) != 1 {
		t.Fatalf("details %v, want one BadRequest with one violation", details)
	}
	v := br.GetFieldViolations()[0]
	return v.GetField(), v.GetDescription()
}

// errOf is the error of a converter's result.
func errOf[T any](_ T, err error) error { return err }

// TestRequestErrorPathTexts: each converter the generated code calls for a
// path parameter (runtime/convert.go, chosen by protoc-gen-grpc-gateway's
// internal/descriptor/types.go; PopulateFieldFromPath for a nested path),
// given a bad value, wrapped in the template's format.
func TestRequestErrorPathTexts(t *testing.T) {
	formats := readTemplateFormats(t)
	ctx := handlerContext(t, listShelfBooks)
	genres := "genre must be one of GENRE_FICTION, GENRE_SCIENCE, GENRE_HISTORY"
	for _, c := range []struct {
		name, param string
		err         error
		sentence    string
	}{
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
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("the converter accepted the bad value")
			}
			checkClean(t, ctx, nil, fmt.Sprintf(formats.mismatch, c.param, c.err), http.StatusBadRequest, c.param, c.sentence)
		})
	}
	checkClean(t, ctx, nil, fmt.Sprintf(formats.missing, "shelf_id"), http.StatusBadRequest, "shelf_id", "shelf_id is required")
}

// queryError is the generated code's error for a request's query string:
// req.ParseForm's, else PopulateQueryParameters's (both with the
// template's "%v", so the text is the error's).
func queryError(t *testing.T, msg proto.Message, rawQuery string) string {
	t.Helper()
	r := httptest.NewRequest("GET", "/?"+rawQuery, nil)
	if err := r.ParseForm(); err != nil {
		return fmt.Sprintf("%v", err)
	}
	err := runtime.PopulateQueryParameters(msg, r.Form, utilities.NewDoubleArray(nil))
	if err == nil {
		t.Fatalf("%q accepted", rawQuery)
	}
	return fmt.Sprintf("%v", err)
}

// TestRequestErrorQueryTexts: each error of req.ParseForm (net/url) and
// runtime.PopulateQueryParameters (runtime/query.go) the recogniser knows,
// made by the real functions on generated messages with the field kinds
// they convert.
func TestRequestErrorQueryTexts(t *testing.T) {
	ctx := handlerContext(t, listShelfBooks)
	list := func() proto.Message { return &bookshelfv1.ListShelfBooksRequest{} }
	logEntry := func() proto.Message { return &binlogpb.GrpcLogEntry{} }
	option := func() proto.Message { return &descriptorpb.UninterpretedOption{} }
	for _, c := range []struct {
		name            string
		msg             func() proto.Message
		query           string
		field, sentence string
	}{
		{"int", list, "page_size=ten", "page_size", "page_size must be an integer"},
		{"int by JSON name", list, "pageSize=ten", "page_size", "page_size must be an integer"},
		{"int out of range", list, "page_size=3000000000", "page_size", "page_size is out of range"},
		{"enum", list, "format=SCROLL", "format", "format must be one of BOOK_FORMAT_HARDCOVER, BOOK_FORMAT_PAPERBACK, BOOK_FORMAT_EBOOK"},
		{"bool", list, "include_archived=maybe", "include_archived", "include_archived must be true or false"},
		{"uint64", logEntry, "call_id=-1", "call_id", "call_id must be a non-negative integer"},
		{"uint64 out of range", logEntry, "call_id=99999999999999999999999", "call_id", "call_id is out of range"},
		{"uint32 nested", logEntry, "message.length=x", "length", "length must be a non-negative integer"},
		{"double", option, "double_value=abc", "double_value", "double_value must be a number"},
		{"double hexadecimal", option, "double_value=0x10", "double_value", "double_value must be a number"},
		{"double out of range", option, "double_value=1e999", "double_value", "double_value is out of range"},
		{"bytes", option, "string_value=!!", "string_value", "string_value must be base64"},
		{"timestamp", logEntry, "timestamp=yesterday", "timestamp", "timestamp must be an RFC 3339 timestamp"},
		{"duration", logEntry, "client_header.timeout=soon", "timeout", "timeout must be a duration"},
		{"parsing list", func() proto.Message { return &descriptorpb.SourceCodeInfo_Location{} }, "path=1&path=x", "path", "each path must be an integer"},
		{"too many values", list, "page_size=1&page_size=2", "page_size", "page_size must be given once"},
		{"duplicate field", list, "page_size=1&pageSize=2", "page_size", "page_size must be given once"},
		{"field already set for oneof", logEntry, "message.length=1&trailer.status_code=2", "payload", "only one field of payload may be given"},
		{"field already set for oneof, scalars", func() proto.Message { return &structpb.Value{} }, "number_value=1&string_value=x", "kind", "only one field of kind may be given"},
		{"invalid URL escape", list, "page_size=%zz", "", "the query string is not valid"},
		{"semicolon separator", list, "page_size=1;format=X", "", "the query string is not valid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkClean(t, ctx, nil, queryError(t, c.msg(), c.query), http.StatusBadRequest, c.field, c.sentence)
		})
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
// decoder a mux with ServeMuxOptions gives a JSON request (JSONPb:
// encoding/json, then protojson), decoding as the generated code does
// (Decode(&protoReq.Review)), and by protojson.Unmarshal with its default
// options for what that decoder discards (unknown fields). protojson's
// texts are checked with both of its spaces.
func TestRequestErrorBodyTexts(t *testing.T) {
	ctx := handlerContext(t, createReview)
	mux := runtime.NewServeMux(ServeMuxOptions()...)
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

// TestRequestErrorGRPCSizeTexts: grpc-go's size errors the recogniser
// knows are in grpc-go's source, with the formats sizePair parses. The
// external TestRequestTooLargeForService makes the reachable ones over a
// real connection; "max length allowed on current machine" is reachable
// only where int is 32 bits.
func TestRequestErrorGRPCSizeTexts(t *testing.T) {
	src := readSource(t, grpcModule, "stream.go") + readSource(t, grpcModule, "rpc_util.go")
	for _, format := range []string{
		grpcSendTooLarge + "%d vs. %d)",
		grpcRecvTooLarge + "%d vs. %d)",
		grpcRecvTooLargeForMachine + "%d vs. %d)",
		grpcDecompressedTooLarge + "%d vs. %d)",
		grpcRecvDecompressedTooLarge + "%d",
	} {
		if call := "status.Errorf(codes.ResourceExhausted, " + strconv.Quote(format); !strings.Contains(src, call) {
			t.Errorf("grpc-go's source has no %s", call)
		}
	}
}

// TestUnknownRequestErrorTextsPassThrough: the recognition fails safe. A
// real text changed in the way an upgrade could change it is not
// recognised, and its status passes through unchanged.
func TestUnknownRequestErrorTextsPassThrough(t *testing.T) {
	formats := readTemplateFormats(t)
	ctx := handlerContext(t, listShelfBooks)
	pathText := fmt.Sprintf(formats.mismatch, "shelf_id", errOf(runtime.Int64("abc")))
	bodyText := func() string {
		var review bookshelfv1.Review
		return protojson.Unmarshal([]byte(`{"rating": "five"}`), &review).Error()
	}()
	for _, text := range []string{
		// Real texts the recogniser does not know.
		queryError(t, &bookshelfv1.ListShelfBooksRequest{}, "page_size[a]=1"),
		queryError(t, &bookshelfv1.ListShelfBooksRequest{}, "page_size.x=1"),
		fmt.Sprintf("Failed to decode request: %v", errOf(runtime.Int64("abc"))),
		// Real texts, changed.
		strings.Replace(pathText, "type mismatch", "type mismatched", 1),
		strings.Replace(pathText, ", error: ", "; error: ", 1),
		strings.Replace(pathText, "shelf_id", "shelf id", 1),
		strings.Replace(queryError(t, &bookshelfv1.ListShelfBooksRequest{}, "page_size=ten"), "parsing field", "parsing the field", 1),
		strings.Replace(queryError(t, &bookshelfv1.ListShelfBooksRequest{}, "page_size=1&pageSize=2"), `"page_size"`, `page_size`, 1),
		queryError(t, &structpb.Value{}, "number_value=1&string_value=x") + " (kind)",
		strings.Replace(queryError(t, &bookshelfv1.ListShelfBooksRequest{}, "a=1;b=2"), "semicolon", "semi-colon", 1),
		strings.Replace(bodyText, "proto:", "protobuf:", 1),
		"proto:\t" + bodyText[len("proto: "):],
		strings.Replace(bodyText, "(line ", "(at line ", 1),
		strings.ToUpper(decodeErrorText(t, `{"rating": 1`)),
		bodyTooLargeText + ".",
	} {
		sp := status.New(codes.InvalidArgument, text).Proto()
		if clean, httpStatus, ok := requestError(ctx, nil, sp); ok {
			t.Errorf("%q recognised: %d %v", text, httpStatus, clean)
		}
	}
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

// inProcessHandlerContext is the context an in-process generated handler
// (RegisterXHandlerServer) gives its error handler: annotated with the
// method and its path template, and ServerMetadata that says nothing.
func inProcessHandlerContext(t testing.TB, method, template string) context.Context {
	t.Helper()
	ctx, err := runtime.AnnotateIncomingContext(context.Background(), runtime.NewServeMux(),
		httptest.NewRequest("GET", "/", nil), method, runtime.WithHTTPPathPattern(template))
	if err != nil {
		t.Fatal(err)
	}
	return runtime.NewServerMetadataContext(ctx, runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}})
}

// TestInProcessQueryProofSkipsPathParametersByJSONName: the gateway filters
// a path parameter out of the query by its field name, however the query
// spells it; so does the proof. A service that answers ?shelfId=x with the
// text the parser would make of it keeps its answer.
func TestInProcessQueryProofSkipsPathParametersByJSONName(t *testing.T) {
	ctx := inProcessHandlerContext(t, listShelfBooks, "/v1/shelves/{shelf_id}/genres/{genre}/books")
	for _, query := range []string{"shelfId=x", "shelf_id=x"} {
		text := queryError(t, &bookshelfv1.ListShelfBooksRequest{}, query)
		r := httptest.NewRequest("GET", "/v1/shelves/7/genres/GENRE_FICTION/books?"+query, nil)
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		if clean, _, ok := requestError(ctx, r, status.New(codes.InvalidArgument, text).Proto()); ok {
			t.Errorf("%q with ?%s rewritten: %v", text, query, clean)
		}
	}
}

// TestRequestErrorInProcessQueryProof: in process (RegisterXHandlerServer)
// the metadata proves nothing, and a query error is rewritten only when r's
// own query makes the gateway fail with it: for a duplicate field, two
// parameters naming the field; for a oneof, two parameters setting
// different fields of it. The texts are PopulateQueryParameters's on the
// request message of a real method (grpc-go's reflection service, whose
// request has a oneof).
func TestRequestErrorInProcessQueryProof(t *testing.T) {
	const method = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
	inProcessContext := func() context.Context {
		return inProcessHandlerContext(t, method, "/v1/reflect/{host}")
	}
	request := func(rawQuery string) *http.Request {
		r := httptest.NewRequest("GET", "/v1/reflect/h?"+rawQuery, nil)
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	text := func(rawQuery string) string {
		return queryError(t, &reflectionpb.ServerReflectionRequest{}, rawQuery)
	}
	oneof := text("file_by_filename=a&list_services=b")
	duplicate := text("list_services=a&listServices=b")
	for _, c := range []struct {
		name, query, text string
		proven            bool
		field, sentence   string
	}{
		{"oneof", "file_by_filename=a&list_services=b", oneof, true, "message_request", "only one field of message_request may be given"},
		{"oneof, nested", "file_containing_extension.extension_number=1&listServices=b", text("file_containing_extension.extension_number=1&listServices=b"), true, "message_request", "only one field of message_request may be given"},
		{"duplicate", "list_services=a&listServices=b", duplicate, true, "list_services", "list_services must be given once"},
		// The same texts from a service whose request did not cause them.
		{"oneof, one field", "host=h&list_services=b", oneof, false, "", ""},
		{"oneof, one message field twice", "file_containing_extension.containing_type=a&file_containing_extension.extension_number=1", oneof, false, "", ""},
		{"duplicate, once", "list_services=a", duplicate, false, "", ""},
		{"duplicate, other fields", "list_services=a&fileByFilename=b", duplicate, false, "", ""},
		// A parameter bound from the path is the gateway's to filter.
		{"path parameter given twice", "host=a&host=b", text("host=a&host=b"), false, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := request(c.query)
			if !c.proven {
				sp := status.New(codes.InvalidArgument, c.text).Proto()
				if clean, _, ok := requestError(inProcessContext(), r, sp); ok {
					t.Fatalf("%q with %q rewritten: %v", c.text, c.query, clean)
				}
				return
			}
			checkClean(t, inProcessContext(), r, c.text, http.StatusBadRequest, c.field, c.sentence)
		})
	}
}

// TestQueryFieldPathNamesAsTheRuntime: the field queryFieldPath reads a
// query key as is the one PopulateQueryParameters names in its duplicate
// field error, for keys spelt by field names and JSON names.
func TestQueryFieldPathNamesAsTheRuntime(t *testing.T) {
	in := (&reflectionpb.ServerReflectionRequest{}).ProtoReflect().Descriptor()
	for _, pair := range [][2]string{
		{"list_services", "listServices"},
		{"file_containing_extension.extension_number", "fileContainingExtension.extensionNumber"},
		{"file_containing_extension.extensionNumber", "fileContainingExtension.extension_number"},
	} {
		err := runtime.PopulateQueryParameters(&reflectionpb.ServerReflectionRequest{},
			map[string][]string{pair[0]: {"1"}, pair[1]: {"1"}}, utilities.NewDoubleArray(nil))
		for _, key := range pair {
			if _, field := queryFieldPath(in, key); err == nil || err.Error() != fmt.Sprintf("duplicate field %q", field) {
				t.Errorf("%s: %q, runtime's error %v", key, field, err)
			}
		}
	}
	for key, want := range map[string]string{
		"nope.x":                         "nope.x",
		"list_services.x":                "list_services.x",
		"fields[a]":                      "fields[a]",
		"fileContainingExtension[k]":     "file_containing_extension[k]",
		"host\n[k]":                      "host\n[k]",
		"file_containing_extension.nope": "file_containing_extension.nope",
	} {
		if _, got := queryFieldPath(in, key); got != want {
			t.Errorf("%q: %q, want %q", key, got, want)
		}
	}
}

// TestKindSentenceKnowsProtobufKindNames: protojson names a field's kind
// by protoreflect.Kind's String; every scalar kind is one kindSentence
// knows.
func TestKindSentenceKnowsProtobufKindNames(t *testing.T) {
	for k := protoreflect.DoubleKind; k <= protoreflect.Sint64Kind; k++ {
		switch k {
		case protoreflect.GroupKind, protoreflect.MessageKind:
			continue
		}
		if got := kindSentence(context.Background(), k.String(), "f"); got == " is not valid" {
			t.Errorf("kind %v (%d): %q", k, k, got)
		}
	}
}

// FuzzInProcessQueryProof: whatever the query, a query error proven in
// process is one the gateway's own parse of that query makes it refuse:
// PopulateQueryParameters, with the filter the generated code gives it
// for the path parameter, fails on it.
func FuzzInProcessQueryProof(f *testing.F) {
	f.Add("file_by_filename=a&list_services=b", `field already set for oneof "message_request"`)
	f.Add("file_containing_extension.extension_number=1&listServices=b", `field already set for oneof "message_request"`)
	f.Add("list_services=a&listServices=b", `duplicate field "list_services"`)
	f.Add("host=a&host=b", `too many values for field "host": a, b`)
	f.Add("fileContainingExtension.extensionNumber=x", `parsing field "extension_number": strconv.ParseInt: parsing "x": invalid syntax`)
	f.Add("a[b]=1&a[b]]=2&[x]=3", `duplicate field "a"`)
	const method = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
	ctx := inProcessHandlerContext(f, method, "/v1/reflect/{host}")
	filter := utilities.NewDoubleArray([][]string{{"host"}})
	f.Fuzz(func(t *testing.T, rawQuery, text string) {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/v1/reflect/h", RawQuery: rawQuery}}
		if r.ParseForm() != nil {
			return
		}
		if _, _, ok := requestError(ctx, r, status.New(codes.InvalidArgument, text).Proto()); !ok {
			return
		}
		if err := runtime.PopulateQueryParameters(&reflectionpb.ServerReflectionRequest{}, r.Form, filter); err == nil {
			t.Fatalf("%q proven for ?%s, which the gateway accepts", text, rawQuery)
		}
	})
}
