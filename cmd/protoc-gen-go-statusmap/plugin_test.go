package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// compileTestdata compiles every .proto under testdata, with
// proto/statusmap/v1/options.proto as the real compiler sees it, using buf
// (the compiler buf.gen.yaml runs). Errors then carry real source positions.
func compileTestdata(t *testing.T) *descriptorpb.FileDescriptorSet {
	t.Helper()
	buf, err := exec.LookPath("buf")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("buf is not on PATH; CI installs it (.ci/run)")
		}
		t.Skip("buf is not on PATH: go install github.com/bufbuild/buf/cmd/buf@v1.75.0")
	}
	dir := t.TempDir()
	copyFile(t, "../../proto/statusmap/v1/options.proto", filepath.Join(dir, "statusmap/v1/options.proto"))
	for _, sub := range []string{"good", "bad"} {
		files, err := filepath.Glob(filepath.Join("testdata", sub, "*.proto"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no testdata/%s/*.proto: %v", sub, err)
		}
		for _, f := range files {
			copyFile(t, f, filepath.Join(dir, sub, filepath.Base(f)))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "buf.yaml"), []byte("version: v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(dir, "image.binpb")
	cmd := exec.Command(buf, "build", "-o", image)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("buf build: %v\n%s", err, out)
	}
	b, err := os.ReadFile(image)
	if err != nil {
		t.Fatal(err)
	}
	// A buf image is wire-compatible with a FileDescriptorSet; buf's own
	// fields are kept as unknown fields, which protogen ignores.
	fds := new(descriptorpb.FileDescriptorSet)
	if err := proto.Unmarshal(b, fds); err != nil {
		t.Fatal(err)
	}
	return fds
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runPlugin runs the plugin, as protoc or buf would, on a request to
// generate files (paths=source_relative, with an M option for options.proto
// as a user's own mapping would give; the file's go_package says the same).
func runPlugin(t *testing.T, fds *descriptorpb.FileDescriptorSet, files ...string) *pluginpb.CodeGeneratorResponse {
	t.Helper()
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: files,
		Parameter:      proto.String("paths=source_relative,Mstatusmap/v1/options.proto=github.com/statusmap/statusmap/proto/statusmap/v1;statusmapv1"),
		ProtoFile:      fds.GetFile(),
	}
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := run(gen); err != nil {
		gen.Error(err)
	}
	return gen.Response()
}

func TestGoodCatalogsMatchGolden(t *testing.T) {
	fds := compileTestdata(t)
	resp := runPlugin(t, fds, "good/library.proto", "good/plain.proto")
	if resp.GetError() != "" {
		t.Fatalf("plugin error: %s", resp.GetError())
	}
	const wantFeatures = uint64(pluginpb.CodeGeneratorResponse_FEATURE_PROTO3_OPTIONAL | pluginpb.CodeGeneratorResponse_FEATURE_SUPPORTS_EDITIONS)
	if got := resp.GetSupportedFeatures(); got != wantFeatures {
		t.Errorf("supported features = %b; want %b", got, wantFeatures)
	}
	// plain.proto has no catalog: one file only.
	if len(resp.GetFile()) != 1 || resp.GetFile()[0].GetName() != "good/library_statusmap.pb.go" {
		var names []string
		for _, f := range resp.GetFile() {
			names = append(names, f.GetName())
		}
		t.Fatalf("generated %q; want only good/library_statusmap.pb.go", names)
	}
	got := []byte(resp.GetFile()[0].GetContent())
	golden := filepath.Join("testdata", "golden", "library_statusmap.pb.go.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("generated code differs from %s (go test -update rewrites it):\n%s", golden, got)
	}
	// What the golden file must say, so that -update cannot bless a
	// regression unnoticed.
	for _, s := range []string{
		`const LibraryErrorDomain = "library.example.com"`,
		`ReasonShelfNotFound = "SHELF_NOT_FOUND"`,
		`reason.Errorf(404, LibraryErrorDomain, ReasonShelfNotFound, format, args...)`,
		`reason.Errorf(400, LibraryErrorDomain, ReasonTitleTooLong, format, args...)`, // the default
		`reason.Has(err, LibraryErrorDomain, ReasonShelfNotFound)`,
		`ReasonHttp2Reset = "HTTP2_RESET"`,
		`ReasonQuotaExceeded = "QUOTA_EXCEEDED"`,
		"// Deprecated: LibraryError_LIBRARY_ERROR_NO_SHELF is deprecated.",
		"// No shelf has the requested name.",
		"//\ttry again in the morning.", // gofmt makes the indented line a code block
		`const Loan_LoanErrorDomain = "loans.library.example.com"`,
		"func IsAlreadyLent(err error) bool {",
		`const EmptyErrorDomain = "empty.example.com"`,
		// grpc_code: the code chosen, the status pinned.
		`reason.CodeErrorf(codes.AlreadyExists, 409, Loan_LoanErrorDomain, ReasonLoanExists, format, args...)`,
		`reason.CodeErrorf(codes.FailedPrecondition, 400, LibraryErrorDomain, ReasonShelfFull, format, args...)`,
		`reason.Errorf(409, Loan_LoanErrorDomain, ReasonAlreadyLent, format, args...)`,
		`codes "google.golang.org/grpc/codes"`,
	} {
		if !bytes.Contains(got, []byte(s)) {
			t.Errorf("generated code lacks %q", s)
		}
	}
	for _, s := range []string{"Unspecified", "GenreFiction", "Plain"} {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("generated code has %q, which is not an error of a catalog", s)
		}
	}
	// The golden file compiles and vets as a user's package would, and its
	// errors are what they say.
	vetGenerated(t, func(add func(path, src string)) {
		add("library", string(got))
		add("library/library_test.go", goldenTest)
	})
}

func TestBadCatalogsFailWithPositions(t *testing.T) {
	fds := compileTestdata(t)
	testCases := []struct {
		files []string
		want  []string // the error's lines, in order
	}{
		{[]string{"bad/status_out_of_range.proto"}, []string{
			"bad/status_out_of_range.proto:13:3: RANGE_ERROR_MOVED: (statusmap.v1.http_status) 302 is not an error status (400 to 599)",
			"bad/status_out_of_range.proto:14:3: RANGE_ERROR_TOO_HIGH: (statusmap.v1.http_status) 600 is not an error status (400 to 599)",
		}},
		{[]string{"bad/default_out_of_range.proto"}, []string{
			"bad/default_out_of_range.proto:9:1: enum bad.defaults.v1.DefaultError: (statusmap.v1.default_http_status) 200 is not an error status (400 to 599)",
		}},
		{[]string{"bad/no_status.proto"}, []string{
			"bad/no_status.proto:14:3: NO_STATUS_ERROR_FORGOTTEN has no (statusmap.v1.http_status) and enum NoStatusError has no (statusmap.v1.default_http_status)",
		}},
		{[]string{"bad/no_domain.proto"}, []string{
			`bad/no_domain.proto:9:1: enum bad.nodomain.v1.NoDomainError has statusmap options but no (statusmap.v1.domain): a catalog needs its error domain, such as "library.example.com"`,
		}},
		{[]string{"bad/empty_domain.proto"}, []string{
			`bad/empty_domain.proto:9:1: enum bad.emptydomain.v1.EmptyDomainError: (statusmap.v1.domain) "" is not a domain name: by AIP-193 it is a service name such as "library.example.com" (letters, digits, '-' and '.', at most 253 characters)`,
		}},
		// A domain that would end the generated comments and add an init
		// func to the user's package.
		{[]string{"bad/inject_domain.proto"}, []string{
			`bad/inject_domain.proto:9:1: enum bad.inject.v1.InjectError: (statusmap.v1.domain) "evil.example.com\nfunc init() { panic(\"pwned\") }\n//" is not a domain name: by AIP-193 it is a service name such as "library.example.com" (letters, digits, '-' and '.', at most 253 characters)`,
		}},
		// Generated names taken by a message, by protoc-gen-go-grpc's code
		// for a service, and by another generated name.
		{[]string{"bad/clash.proto"}, []string{
			`bad/clash.proto:13:3: Go name ErrorBoom, the constructor of bad.clash.v1.CLASH_ERROR_BOOM, is also message bad.clash.v1.ErrorBoom (bad/clash.proto:18:1) in Go package "example.com/bad/clash": rename one of them`,
			`bad/clash.proto:14:3: Go name IsLendingClient, the test of bad.clash.v1.CLASH_ERROR_LENDING_CLIENT, is also a gRPC declaration of service bad.clash.v1.IsLending (bad/clash.proto:22:1) in Go package "example.com/bad/clash": rename one of them`,
			`bad/clash.proto:33:3: Go name ErrorXDomain, the constructor of bad.clash.v1.ERROR_X_X_DOMAIN, is also the domain constant of catalog bad.clash.v1.ErrorX (bad/clash.proto:29:1) in Go package "example.com/bad/clash": rename one of them`,
		}},
		{[]string{"bad/duplicate_reason.proto"}, []string{
			`bad/duplicate_reason.proto:21:3: duplicate reason GONE in domain "duplicate.example.com": bad.duplicate.v1.SHELF_ERROR_GONE already declares it (bad/duplicate_reason.proto:14:3)`,
		}},
		// proto3 compilers reject two values that differ only by the enum's
		// prefix; proto2 allows them.
		{[]string{"bad/duplicate_reason_proto2.proto"}, []string{
			`bad/duplicate_reason_proto2.proto:16:3: duplicate reason GONE in domain "duplicate2.example.com": bad.duplicate2.v1.DUPLICATE_ERROR_GONE already declares it (bad/duplicate_reason_proto2.proto:15:3)`,
		}},
		{[]string{"bad/same_go_name.proto"}, []string{
			"bad/same_go_name.proto:20:3: reason NOT_FOUND gives the Go names ErrorNotFound and IsNotFound, which bad.gonames.v1.SHELF_ERROR_NOT_FOUND (bad/same_go_name.proto:13:3) already gives in package \"example.com/bad/gonames\"",
		}},
		{[]string{"bad/zero_value_status.proto"}, []string{
			"bad/zero_value_status.proto:12:3: ZERO_ERROR_UNSPECIFIED is the zero value, which is not an error: remove its (statusmap.v1.http_status)",
		}},
		{[]string{"bad/bad_reason.proto"}, []string{
			`bad/bad_reason.proto:13:3: REASON_ERROR_not_upper: reason "not_upper" is not an AIP-193 reason (UPPER_SNAKE_CASE, at most 63 characters)`,
		}},
		// grpc_code outside the status's family, OK, on the zero value, and
		// without a domain.
		{[]string{"bad/grpc_code.proto"}, []string{
			"bad/grpc_code.proto:13:3: CODE_ERROR_UNSPECIFIED is the zero value, which is not an error: remove its (statusmap.v1.grpc_code)",
			"bad/grpc_code.proto:14:3: CODE_ERROR_EXISTS: (statusmap.v1.grpc_code) NOT_FOUND does not fit HTTP 409: statusmap answers NOT_FOUND with 404; the codes of 409 are ALREADY_EXISTS, ABORTED",
			"bad/grpc_code.proto:18:3: CODE_ERROR_FINE: (statusmap.v1.grpc_code) OK is not an error's code; the codes of 400 are INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE",
			"bad/grpc_code.proto:19:3: CODE_ERROR_METHOD: (statusmap.v1.grpc_code) FAILED_PRECONDITION does not fit HTTP 405: statusmap answers FAILED_PRECONDITION with 400; the codes of 405 are UNIMPLEMENTED",
			"bad/grpc_code.proto:23:3: CODE_ERROR_DEFAULT: (statusmap.v1.grpc_code) ALREADY_EXISTS does not fit HTTP 400: statusmap answers ALREADY_EXISTS with 409; the codes of 400 are INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE",
			`bad/grpc_code.proto:32:1: enum bad.grpccode.v1.NoDomainError has statusmap options but no (statusmap.v1.domain): a catalog needs its error domain, such as "library.example.com"`,
		}},
		// Two files generated together, one domain: the same reason twice is
		// caught although each file alone is fine.
		{[]string{"bad/two_files_a.proto", "bad/two_files_b.proto"}, []string{
			`bad/two_files_b.proto:13:3: duplicate reason QUOTA in domain "shared.example.com": bad.twofiles.a.v1.A_ERROR_QUOTA already declares it (bad/two_files_a.proto:13:3)`,
		}},
	}
	for _, tc := range testCases {
		t.Run(strings.Join(tc.files, "+"), func(t *testing.T) {
			resp := runPlugin(t, fds, tc.files...)
			got := resp.GetError()
			want := strings.Join(tc.want, "\n")
			if got != want {
				t.Errorf("error:\n%s\nwant:\n%s", got, want)
			}
			if len(resp.GetFile()) != 0 {
				t.Errorf("generated %d files with an error; want none", len(resp.GetFile()))
			}
		})
	}
	// Each file of the pair alone is a good catalog.
	for _, f := range []string{"bad/two_files_a.proto", "bad/two_files_b.proto"} {
		if resp := runPlugin(t, fds, f); resp.GetError() != "" || len(resp.GetFile()) != 1 {
			t.Errorf("%s alone: error %q, %d files; want no error, 1 file", f, resp.GetError(), len(resp.GetFile()))
		}
	}
}

// TestNoOptionsNoOutput: a request whose files do not import options.proto
// (the shared statusmap protos, say) gets no files and no error.
func TestNoOptionsNoOutput(t *testing.T) {
	fds := compileTestdata(t)
	var only []*descriptorpb.FileDescriptorProto
	for _, f := range fds.GetFile() {
		if f.GetName() == "good/plain.proto" {
			only = append(only, f)
		}
	}
	resp := runPlugin(t, &descriptorpb.FileDescriptorSet{File: only}, "good/plain.proto")
	if resp.GetError() != "" || len(resp.GetFile()) != 0 {
		t.Errorf("error %q, %d files; want neither", resp.GetError(), len(resp.GetFile()))
	}
}

func TestEnumValuePrefix(t *testing.T) {
	testCases := []struct{ enum, want string }{
		{"LibraryError", "LIBRARY_ERROR_"},
		{"BookshelfError", "BOOKSHELF_ERROR_"},
		{"HTTPError", "HTTP_ERROR_"},
		{"Error", "ERROR_"},
		{"APIKeyError", "API_KEY_ERROR_"},
	}
	for _, tc := range testCases {
		if got := enumValuePrefix(tc.enum); got != tc.want {
			t.Errorf("enumValuePrefix(%q) = %q; want %q", tc.enum, got, tc.want)
		}
	}
}

func TestCamelCase(t *testing.T) {
	testCases := []struct{ reason, want string }{
		{"BOOK_NOT_FOUND", "BookNotFound"},
		{"HTTP2_RESET", "Http2Reset"},
		{"A", "A"},
		{"QUOTA", "Quota"},
	}
	for _, tc := range testCases {
		if got := camelCase(tc.reason); got != tc.want {
			t.Errorf("camelCase(%q) = %q; want %q", tc.reason, got, tc.want)
		}
	}
}

// goldenTest runs in the golden file's package, in a module of its own: the
// generated constructors give the code (statusmap.Code of the status, or the
// value's grpc_code), the pinned status and the reason that Is* recognises.
const goldenTest = `package libraryv1

import (
	"testing"

	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestGenerated(t *testing.T) {
	for _, tc := range []struct {
		err      error
		is       func(error) bool
		code     codes.Code
		httpCode int
	}{
		{ErrorShelfNotFound("x"), IsShelfNotFound, codes.NotFound, 404},
		{ErrorTitleTooLong("x"), IsTitleTooLong, codes.InvalidArgument, 400},
		{ErrorAlreadyLent("x"), IsAlreadyLent, codes.Aborted, 409},
		{ErrorLoanExists("x"), IsLoanExists, codes.AlreadyExists, 409},
		{ErrorShelfFull("x"), IsShelfFull, codes.FailedPrecondition, 400},
	} {
		if got := status.Code(tc.err); got != tc.code {
			t.Errorf("%v: code %v; want %v", tc.err, got, tc.code)
		}
		if got := statusmap.HTTPStatusOf(tc.err); got != tc.httpCode {
			t.Errorf("%v: HTTP %d; want %d", tc.err, got, tc.httpCode)
		}
		if !tc.is(tc.err) || IsClosed(tc.err) {
			t.Errorf("%v: its Is* is false, or IsClosed true", tc.err)
		}
	}
}
`
