package reqerr

// The request-error texts, pinned to their sources. Every text the
// recogniser is checked against in this package's tests is made by the
// upstream function that makes it in a real gateway (grpc-gateway's
// runtime converters and query parser as the generated code calls them, the
// mux's body decoder, protojson, net/http, net/url), or read from the
// upstream file in the module cache where no function makes it (the
// generated code's template, grpc-go's size errors). A dependency upgrade
// that changes a text fails here instead of silently sending Go internals to
// clients. This file holds the helpers the other test files share.

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
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	grpcGatewayModule = "github.com/grpc-ecosystem/grpc-gateway/v2"
	grpcModule        = "google.golang.org/grpc"
	listShelfBooks    = "/bookshelf.v1.BookshelfService/ListShelfBooks"
	createReview      = "/bookshelf.v1.BookshelfService/CreateReview"
)

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

// checkClean runs the recogniser on an InvalidArgument with text, as the
// generated code returns it before the call, and checks the clean answer.
func checkClean(t *testing.T, ctx context.Context, r *http.Request, text string, wantStatus int, field, sentence string) {
	t.Helper()
	sp := status.New(codes.InvalidArgument, text).Proto()
	clean, httpStatus, ok := Recognize(ctx, r, sp)
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
		if clean, httpStatus, ok := Recognize(ctx, nil, sp); ok {
			t.Errorf("%q recognised: %d %v", text, httpStatus, clean)
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
				Recognize(c.ctx, r, c.sp)
			}
		})
	}
}
