package gateway_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// requestBodyLimit is the http.MaxBytesReader bound of the request-error
// gateways, in bytes.
const requestBodyLimit = 1024

// Registrations of the generated handlers a request-error test runs on.
const (
	overGRPC  = "endpoint"   // RegisterBookshelfServiceHandlerFromEndpoint
	inProcess = "in-process" // RegisterBookshelfServiceHandlerServer
)

// startGeneratedGateway serves svc through a real generated gateway on loopback:
// over a real gRPC connection (overGRPC, with the server and dial options
// given) or in process, behind http.MaxBytesReader(bodyLimit) unless
// bodyLimit is 0. With plain set, the mux is grpc-gateway's own, without
// statusmap.
func startGeneratedGateway(t testing.TB, svc bookshelfv1.BookshelfServiceServer, registration string, plain bool, bodyLimit int64, srvOpts []grpc.ServerOption, dialOpts ...grpc.DialOption) string {
	t.Helper()
	var mux *runtime.ServeMux
	if plain {
		mux = runtime.NewServeMux()
	} else {
		mux = runtime.NewServeMux(gateway.ServeMuxOptions()...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	switch registration {
	case inProcess:
		if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(ctx, mux, svc); err != nil {
			t.Fatal(err)
		}
	default:
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := grpc.NewServer(srvOpts...)
		bookshelfv1.RegisterBookshelfServiceServer(srv, svc)
		go func() { _ = srv.Serve(lis) }()
		t.Cleanup(srv.Stop)
		dialOpts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dialOpts...)
		if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, lis.Addr().String(), dialOpts); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bodyLimit > 0 {
			r.Body = http.MaxBytesReader(w, r.Body, bodyLimit)
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// timeoutClient is the HTTP client of the request-error tests.
func timeoutClient(t testing.TB) *http.Client {
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	return client
}

// readErrorStatus decodes a FormatStatus error body.
func readErrorStatus(t testing.TB, body []byte) *spb.Status {
	t.Helper()
	sp := new(spb.Status)
	if err := protojson.Unmarshal(body, sp); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return sp
}

// violatedFields returns the fields of the BadRequest details of sp, and
// the descriptions of their violations.
func violatedFields(t testing.TB, sp *spb.Status) (fields, descriptions []string) {
	t.Helper()
	for _, d := range status.FromProto(sp).Details() {
		br, ok := d.(*errdetails.BadRequest)
		if !ok {
			t.Errorf("detail %T, want only BadRequest", d)
			continue
		}
		for _, v := range br.GetFieldViolations() {
			fields = append(fields, v.GetField())
			descriptions = append(descriptions, v.GetDescription())
		}
	}
	return fields, descriptions
}

// requestErrorCase is a bad request and the answer it must get.
type requestErrorCase struct {
	name, method, path, body string
	status                   int
	message, field           string
	// body says the error is the body decoder's: in process it cannot be
	// proven the gateway's, and keeps grpc-gateway's text.
	bodyError bool
	// streamOnly cases have no in-process handler (grpc-gateway does not
	// stream in process).
	streamOnly bool
	// passThrough cases are grpc-gateway's errors with texts the
	// recogniser does not know: they keep grpc-gateway's answer.
	passThrough bool
}

// requestErrorCases are grpc-gateway v2.33's request errors on the example service:
// an int64 and an enum in the path, an int32, an enum and a bool in the
// query (ListShelfBooks), and an int32, an enum and a bool in the body
// (CreateReview).
var requestErrorCases = []requestErrorCase{
	{name: "path int", method: "GET", path: "/v1/shelves/abc/genres/GENRE_FICTION/books",
		status: 400, message: "shelf_id must be an integer", field: "shelf_id"},
	{name: "path int out of range", method: "GET", path: "/v1/shelves/99999999999999999999/genres/GENRE_FICTION/books",
		status: 400, message: "shelf_id is out of range", field: "shelf_id"},
	{name: "path enum", method: "GET", path: "/v1/shelves/7/genres/POETRY/books",
		status: 400, message: "genre must be one of GENRE_FICTION, GENRE_SCIENCE, GENRE_HISTORY", field: "genre"},
	{name: "path enum number", method: "GET", path: "/v1/shelves/7/genres/42/books",
		status: 400, message: "genre must be one of GENRE_FICTION, GENRE_SCIENCE, GENRE_HISTORY", field: "genre"},
	{name: "query int", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=ten",
		status: 400, message: "page_size must be an integer", field: "page_size"},
	{name: "query int by JSON name", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?pageSize=ten",
		status: 400, message: "page_size must be an integer", field: "page_size"},
	{name: "query enum", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?format=SCROLL",
		status: 400, message: "format must be one of BOOK_FORMAT_HARDCOVER, BOOK_FORMAT_PAPERBACK, BOOK_FORMAT_EBOOK", field: "format"},
	{name: "query bool", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?include_archived=maybe",
		status: 400, message: "include_archived must be true or false", field: "include_archived"},
	{name: "query given twice", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1&page_size=2",
		status: 400, message: "page_size must be given once", field: "page_size"},
	{name: "query by both names", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1&pageSize=2",
		status: 400, message: "page_size must be given once", field: "page_size"},
	{name: "query bad escape", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=%zz",
		status: 400, message: "the query string is not valid"},
	{name: "query semicolon", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1;format=X",
		status: 400, message: "the query string is not valid"},
	// PopulateQueryParameters's "field %q is not a map": not known, kept.
	{name: "query unknown error", method: "GET", path: "/v1/shelves/7/genres/GENRE_FICTION/books?page_size%5Ba%5D=1",
		status: 400, passThrough: true},
	{name: "stream query int", method: "GET", path: "/v1/stream/books?count=many",
		status: 400, message: "count must be an integer", field: "count", streamOnly: true},
	{name: "body int", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": "five"}`,
		status: 400, message: "rating must be an integer", field: "rating", bodyError: true},
	{name: "body int fraction", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": 4.5}`,
		status: 400, message: "rating must be an integer", field: "rating", bodyError: true},
	// grpc-gateway's default marshaler discards unknown enum names (and
	// unknown fields): a value of the wrong JSON type is the error.
	{name: "body enum", method: "POST", path: "/v1/books/b1/reviews", body: `{"format": true}`,
		status: 400, message: "format must be one of BOOK_FORMAT_HARDCOVER, BOOK_FORMAT_PAPERBACK, BOOK_FORMAT_EBOOK", field: "format", bodyError: true},
	{name: "body bool", method: "POST", path: "/v1/books/b1/reviews", body: `{"recommended": "yes"}`,
		status: 400, message: "recommended must be true or false", field: "recommended", bodyError: true},
	{name: "body field twice", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": 1, "rating": 2}`,
		status: 400, message: "rating must be given once", field: "rating", bodyError: true},
	{name: "truncated body", method: "POST", path: "/v1/books/b1/reviews", body: `{"rating": 1`,
		status: 400, message: "request body is not valid JSON", bodyError: true},
	{name: "non-JSON body", method: "POST", path: "/v1/books/b1/reviews", body: `rating=5`,
		status: 400, message: "request body is not valid JSON", bodyError: true},
	{name: "body not an object", method: "POST", path: "/v1/books/b1/reviews", body: `[5]`,
		status: 400, message: "request body is not valid JSON", bodyError: true},
	// Over http.MaxBytesReader's bound: proven in process too, by the
	// reader's own sticky error.
	{name: "too-large body", method: "POST", path: "/v1/books/b1/reviews", body: `{"text": "` + strings.Repeat("y", 2*requestBodyLimit) + `"}`,
		status: 413, message: "request is too large"},
}

// TestRequestErrorsAreCleanBadRequests sends each bad request through a
// real generated gateway, over gRPC and in process, and checks the status,
// the code, the message and the BadRequest field. In process, a body
// decoder's error cannot be told from the service's own, and is checked to
// be exactly what grpc-gateway alone answers.
func TestRequestErrorsAreCleanBadRequests(t *testing.T) {
	for _, registration := range []string{overGRPC, inProcess} {
		t.Run(registration, func(t *testing.T) {
			url := startGeneratedGateway(t, &bookshelf{}, registration, false, requestBodyLimit, nil)
			plainURL := startGeneratedGateway(t, &bookshelf{}, registration, true, requestBodyLimit, nil)
			client := timeoutClient(t)
			for _, c := range requestErrorCases {
				if c.streamOnly && registration == inProcess {
					continue
				}
				t.Run(c.name, func(t *testing.T) {
					resp := doRequest(t, client, c.method, url+c.path, c.body)
					sp := readErrorStatus(t, resp.Body)
					if registration == inProcess && c.bodyError || c.passThrough {
						plain := doRequest(t, client, c.method, plainURL+c.path, c.body)
						want := readErrorStatus(t, plain.Body)
						if resp.Status != http.StatusBadRequest || sp.GetCode() != int32(codes.InvalidArgument) || sp.GetMessage() != want.GetMessage() || len(sp.GetDetails()) != 0 {
							t.Fatalf("got %d %v, want grpc-gateway's own 400 %q", resp.Status, sp, want.GetMessage())
						}
						return
					}
					if resp.Status != c.status {
						t.Errorf("HTTP status %d, want %d (%s)", resp.Status, c.status, resp.Body)
					}
					if got := resp.Header.Get("Content-Type"); got != "application/json" {
						t.Errorf("Content-Type %q", got)
					}
					if sp.GetCode() != int32(codes.InvalidArgument) {
						t.Errorf("code %v, want InvalidArgument", codes.Code(sp.GetCode()))
					}
					if sp.GetMessage() != c.message {
						t.Errorf("message %q, want %q", sp.GetMessage(), c.message)
					}
					fields, descriptions := violatedFields(t, sp)
					switch {
					case c.field == "" && len(fields) != 0:
						t.Errorf("field violations %q, want none", fields)
					case c.field != "" && (len(fields) != 1 || fields[0] != c.field || descriptions[0] != c.message):
						t.Errorf("field violations %q %q, want %q %q", fields, descriptions, c.field, c.message)
					}
				})
			}
		})
	}
}

// mimic is a service whose errors are the exact texts of grpc-gateway's
// request errors, for requests the gateway accepted.
type mimic struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (mimic) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	return nil, mimicTexts[req.GetId()].Err()
}

// ListShelfBooks answers a valid request with the text of a path error
// (page_size 1) or of a query error (any other).
func (mimic) ListShelfBooks(_ context.Context, req *bookshelfv1.ListShelfBooksRequest) (*bookshelfv1.ListBooksResponse, error) {
	if req.GetPageSize() == 1 {
		_, err := runtime.Int64("abc")
		// protoc-gen-grpc-gateway v2.33 template.go's format.
		return nil, status.Errorf(codes.InvalidArgument, "type mismatch, parameter: %s, error: %v", "shelf_id", err)
	}
	return nil, mimicTexts["query"].Err()
}

// CreateReview answers a valid body with the text of a body error.
func (mimic) CreateReview(_ context.Context, req *bookshelfv1.CreateReviewRequest) (*bookshelfv1.Review, error) {
	return nil, mimicTexts[req.GetReview().GetText()].Err()
}

// mimicTexts are the errors mimic answers GetBook with, by book id: the
// exact texts of grpc-gateway's request errors, each made by the function
// that makes it in a real gateway (or, for texts only a template or
// grpc-go's unexported code writes, quoted from the source that the
// internal TestRequestErrorTemplateFormats and TestRequestErrorGRPCSizeTexts
// pin).
var mimicTexts = func() map[string]*status.Status {
	invalid := func(err error) *status.Status { return status.New(codes.InvalidArgument, err.Error()) }
	_, intErr := runtime.Int64("abc")
	query := func(rawQuery string) error {
		r := httptest.NewRequest("GET", "/?"+rawQuery, nil)
		if err := r.ParseForm(); err != nil {
			return err
		}
		return runtime.PopulateQueryParameters(&bookshelfv1.ListShelfBooksRequest{}, r.Form, utilities.NewDoubleArray(nil))
	}
	body := func(s string) error {
		var review *bookshelfv1.Review
		return (&runtime.JSONPb{}).NewDecoder(strings.NewReader(s)).Decode(&review)
	}
	protoText := body(`{"rating": "five"}`).Error()
	// protojson writes one of two spaces after "proto:", per binary.
	otherSpace := "proto: " + strings.TrimPrefix(protoText, "proto:\u00a0")
	if rest, ok := strings.CutPrefix(protoText, "proto: "); ok {
		otherSpace = "proto:\u00a0" + rest
	}
	return map[string]*status.Status{
		// protoc-gen-grpc-gateway v2.33 template.go's path formats.
		"abc":      status.Newf(codes.InvalidArgument, "type mismatch, parameter: %s, error: %v", "id", intErr),
		"missing":  status.Newf(codes.InvalidArgument, "missing parameter %s", "id"),
		"query":    invalid(query("page_size=ten")),
		"twice":    invalid(query("page_size=1&page_size=2")),
		"dup":      invalid(query("page_size=1&pageSize=2")),
		"escape":   invalid(query("page_size=%zz")),
		"semi":     invalid(query("page_size=1;format=X")),
		"protojs":  status.New(codes.InvalidArgument, protoText),
		"protonb":  status.New(codes.InvalidArgument, otherSpace),
		"eof":      invalid(body(`{"rating": 1`)),
		"char":     invalid(body(`rating=5`)),
		"toolarge": invalid(&http.MaxBytesError{Limit: 1}),
		// grpc-go v1.85 rpc_util.go and stream.go.
		"recvmax": status.New(codes.ResourceExhausted, `grpc: received message larger than max (2006 vs. 1000)`),
		"sendmax": status.New(codes.ResourceExhausted, `trying to send message larger than max (2006 vs. 1000)`),
	}
}()

// TestRequestErrorLeavesBackendErrorsAlone: a service that answers with the
// exact text of a request error, as InvalidArgument (or ResourceExhausted
// for grpc-go's size errors), gets its status through unchanged, over gRPC
// and in process.
func TestRequestErrorLeavesBackendErrorsAlone(t *testing.T) {
	type call struct{ method, path, body string }
	calls := map[string]call{
		"path text, string path field": {"GET", "/v1/books/abc", ""},
		"missing parameter text":       {"GET", "/v1/books/missing", ""},
		"query text":                   {"GET", "/v1/books/query", ""},
		"query twice text":             {"GET", "/v1/books/twice", ""},
		"query duplicate text":         {"GET", "/v1/books/dup", ""},
		"query semicolon text":         {"GET", "/v1/books/semi", ""},
		"query escape text":            {"GET", "/v1/books/escape", ""},
		"protojson text":               {"GET", "/v1/books/protojs", ""},
		"protojson text, U+00A0":       {"GET", "/v1/books/protonb", ""},
		"unexpected EOF text":          {"GET", "/v1/books/eof", ""},
		"encoding/json text":           {"GET", "/v1/books/char", ""},
		"body too large text":          {"GET", "/v1/books/toolarge", ""},
		"server receive limit text":    {"GET", "/v1/books/recvmax", ""},
		"client send limit text":       {"GET", "/v1/books/sendmax", ""},
		"path text, valid int path":    {"GET", "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=1", ""},
		"query text, valid query":      {"GET", "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=5", ""},
		"body text, valid body":        {"POST", "/v1/books/b1/reviews", `{"rating": 5, "text": "protojs"}`},
		"body size text, valid body":   {"POST", "/v1/books/b1/reviews", `{"rating": 5, "text": "toolarge"}`},
	}
	for _, registration := range []string{overGRPC, inProcess} {
		t.Run(registration, func(t *testing.T) {
			url := startGeneratedGateway(t, mimic{}, registration, false, requestBodyLimit, nil)
			plainURL := startGeneratedGateway(t, mimic{}, registration, true, requestBodyLimit, nil)
			client := timeoutClient(t)
			for name, c := range calls {
				t.Run(name, func(t *testing.T) {
					plain := readErrorStatus(t, doRequest(t, client, c.method, plainURL+c.path, c.body).Body)
					resp := doRequest(t, client, c.method, url+c.path, c.body)
					sp := readErrorStatus(t, resp.Body)
					wantStatus := http.StatusBadRequest
					if plain.GetCode() == int32(codes.ResourceExhausted) {
						wantStatus = http.StatusServiceUnavailable
					}
					if resp.Status != wantStatus || sp.GetCode() != plain.GetCode() || sp.GetMessage() != plain.GetMessage() || len(sp.GetDetails()) != 0 {
						t.Fatalf("got %d %v, want %d and the service's own %v", resp.Status, sp, wantStatus, plain)
					}
					if !strings.Contains(c.path, "/books/") || c.method != "GET" {
						return
					}
					// The service did answer: the text it sent is the one that came back.
					if want := mimicTexts[strings.TrimPrefix(c.path, "/v1/books/")].Message(); sp.GetMessage() != want {
						t.Fatalf("message %q, want the service's %q", sp.GetMessage(), want)
					}
				})
			}
		})
	}
}

// TestRequestTooLargeForService: a request over the gRPC server's receive
// limit or the gateway client's send limit is a 413; a response over the
// gateway client's receive limit, or over the server's send limit, is not
// the client's fault and keeps its ResourceExhausted (503).
func TestRequestTooLargeForService(t *testing.T) {
	const limit = 1000
	bigTitle := `{"title": "` + strings.Repeat("t", limit/2) + `", "author": "` + strings.Repeat("a", limit/2) + `"}`
	bigID := "/v1/books/" + strings.Repeat("b", limit+100)
	cases := []struct {
		name       string
		srvOpts    []grpc.ServerOption
		dialOpts   []grpc.DialOption
		method     string
		path, body string
		status     int
		code       codes.Code
		message    string
	}{
		{"server receive limit", []grpc.ServerOption{grpc.MaxRecvMsgSize(limit)}, nil,
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		{"client send limit", nil, []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(limit))},
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		// grpc-go's gzip: the request fits compressed, not decompressed.
		{"server receive limit after decompression", []grpc.ServerOption{grpc.MaxRecvMsgSize(limit)},
			[]grpc.DialOption{grpc.WithDefaultCallOptions(grpc.UseCompressor(gzip.Name))},
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		// The same into the server's deprecated Decompressor, whose text
		// grpc-go keeps apart.
		{"server receive limit after legacy decompression",
			[]grpc.ServerOption{grpc.MaxRecvMsgSize(limit), grpc.RPCDecompressor(grpc.NewGZIPDecompressor())}, //lint:ignore SA1019 the deprecated path has its own text
			[]grpc.DialOption{grpc.WithDefaultCallOptions(grpc.UseCompressor(gzip.Name))},
			"POST", "/v1/books", bigTitle, 413, codes.InvalidArgument, "request is too large"},
		{"client receive limit", nil, []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(limit))},
			"GET", bigID, "", 503, codes.ResourceExhausted, "grpc: received message larger than max ("},
		{"server send limit", []grpc.ServerOption{grpc.MaxSendMsgSize(limit)}, nil,
			"GET", bigID, "", 503, codes.ResourceExhausted, "trying to send message larger than max ("},
	}
	client := timeoutClient(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// No MaxBytesReader here: the limits met are gRPC's alone.
			url := startGeneratedGateway(t, &bookshelf{}, overGRPC, false, 0, c.srvOpts, c.dialOpts...)
			resp := doRequest(t, client, c.method, url+c.path, c.body)
			sp := readErrorStatus(t, resp.Body)
			if resp.Status != c.status || codes.Code(sp.GetCode()) != c.code || !strings.HasPrefix(sp.GetMessage(), c.message) {
				t.Fatalf("got %d %v %q, want %d %v %q", resp.Status, codes.Code(sp.GetCode()), sp.GetMessage(), c.status, c.code, c.message)
			}
		})
	}
}

// TestRequestErrorProblemFormat: a request error answers in the format the
// request prefers, like any error: a problem document with the clean
// status, sentence and field violation.
func TestRequestErrorProblemFormat(t *testing.T) {
	url := startGeneratedGateway(t, &bookshelf{}, overGRPC, false, requestBodyLimit, nil)
	client := timeoutClient(t)
	for _, c := range []struct {
		method, path, body string
		status             int
		detail, field      string
	}{
		{"GET", "/v1/shelves/abc/genres/GENRE_FICTION/books", "", 400, "shelf_id must be an integer", "shelf_id"},
		{"POST", "/v1/books/b1/reviews", `{"text": "` + strings.Repeat("y", 2*requestBodyLimit) + `"}`, 413, "request is too large", ""},
	} {
		resp := doRequest(t, client, c.method, url+c.path, c.body, "Accept", "application/problem+json")
		if resp.Status != c.status || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s: %d %q, want %d problem+json", c.path, resp.Status, resp.Header.Get("Content-Type"), c.status)
		}
		doc := jsonOf(t, resp.Body)
		if doc["status"] != float64(c.status) || doc["detail"] != c.detail || doc["title"] != http.StatusText(c.status) || doc["grpcCode"] != "INVALID_ARGUMENT" {
			t.Errorf("%s: problem %v", c.path, doc)
		}
		details, _ := doc["details"].([]any)
		if c.field == "" {
			if len(details) != 0 {
				t.Errorf("%s: details %v, want none", c.path, details)
			}
			continue
		}
		var field any
		if len(details) == 1 {
			d, _ := details[0].(map[string]any)
			violations, _ := d["fieldViolations"].([]any)
			if len(violations) == 1 && d["@type"] == "type.googleapis.com/google.rpc.BadRequest" {
				field = violations[0].(map[string]any)["field"]
			}
		}
		if field != c.field {
			t.Errorf("%s: details %v, want one BadRequest naming %s", c.path, details, c.field)
		}
	}
}

// TestServeMuxOptionsKeepTheBodyDecoder: ServeMuxOptions registers no
// marshaler, so a JSON request's body decoder is grpc-gateway's default, the
// one whose errors reqerr's TestRequestErrorBodyTexts makes its texts with.
func TestServeMuxOptionsKeepTheBodyDecoder(t *testing.T) {
	request := func() *http.Request {
		r := httptest.NewRequest("POST", "/v1/books/b1/reviews", strings.NewReader(`{}`))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	ours, _ := runtime.MarshalerForRequest(runtime.NewServeMux(gateway.ServeMuxOptions()...), request())
	theirs, _ := runtime.MarshalerForRequest(runtime.NewServeMux(), request())
	if !reflect.DeepEqual(ours, theirs) {
		t.Errorf("ServeMuxOptions' mux decodes a JSON body with %#v, grpc-gateway's default is %#v", ours, theirs)
	}
}
