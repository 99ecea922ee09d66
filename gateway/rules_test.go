package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// --- Error types a handler might return ---------------------------------

// upstreamStatusError is an HTTP client library's error: it reports the status
// the upstream answered with through StatusCode.
type upstreamStatusError struct {
	code int
	msg  string
}

func (e *upstreamStatusError) Error() string   { return e.msg }
func (e *upstreamStatusError) StatusCode() int { return e.code }

// httpStatusError reports its status through HTTPStatus.
type httpStatusError struct{ code int }

func (e httpStatusError) Error() string   { return fmt.Sprintf("http status %d", e.code) }
func (e httpStatusError) HTTPStatus() int { return e.code }

// fieldValidationError is a domain error that a rule turns into
// InvalidArgument with a BadRequest detail.
type fieldValidationError struct{ field, reason string }

func (e *fieldValidationError) Error() string { return "invalid " + e.field + ": " + e.reason }

// --- The service ---------------------------------------------------------

// failingShelf answers GetBook and StreamBooks with the error its map holds
// for the id (GetBook) or fail_with (StreamBooks); an id that is not in
// the map is a success. The map is not written after the server starts.
type failingShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	errs map[string]error
}

func (s *failingShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	if err := s.errs[req.GetId()]; err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId(), Title: "Title " + req.GetId()}, nil
}

func (s *failingShelf) StreamBooks(req *bookshelfv1.StreamBooksRequest, stream grpc.ServerStreamingServer[bookshelfv1.Book]) error {
	for i := range req.GetCount() {
		if err := stream.Send(&bookshelfv1.Book{Id: fmt.Sprint(i)}); err != nil {
			return err
		}
	}
	return s.errs[req.GetFailWith()]
}

// interceptedGateway is a gRPC server with the interceptors, a gRPC client of it, and a
// statusmap grpc-gateway mux in front of it, all on loopback.
type interceptedGateway struct {
	grpc    bookshelfv1.BookshelfServiceClient
	httpURL string
	http    *http.Client
}

func startInterceptedGateway(t *testing.T, errs map[string]error, opts ...statusmap.Option) *interceptedGateway {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor(opts...)),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor(opts...)),
	)
	bookshelfv1.RegisterBookshelfServiceServer(srv, &failingShelf{errs: errs})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	addr := lis.Addr().String()

	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })

	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	err = bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)

	return &interceptedGateway{grpc: bookshelfv1.NewBookshelfServiceClient(conn), httpURL: hs.URL, http: client}
}

// --- What the clients get ------------------------------------------------

// wantError is what both clients must see for an error.
type wantError struct {
	code    codes.Code
	msg     string
	http    int
	details []proto.Message // in order; a pinned status lists its pin
}

// pinDetail is the pin detail a status pinned to httpStatus carries.
func pinDetail(httpStatus int) proto.Message {
	return &statusmapv1.HttpStatus{Code: int32(httpStatus)}
}

func checkGRPCError(t *testing.T, err error, want wantError) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil; want %v %q", want.code, want.msg)
	}
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("err = %v (%T); want a gRPC status", err, err)
	}
	if got := st.Code(); got != want.code {
		t.Errorf("code = %v; want %v", got, want.code)
	}
	if got := st.Message(); got != want.msg {
		t.Errorf("message = %q; want %q", got, want.msg)
	}
	if got := statusmap.HTTPStatusOf(err); got != want.http {
		t.Errorf("HTTPStatusOf = %d; want %d", got, want.http)
	}
	got := st.Details()
	if len(got) != len(want.details) {
		t.Fatalf("details = %v; want %v", got, want.details)
	}
	for i, d := range got {
		m, ok := d.(proto.Message)
		if !ok {
			t.Errorf("detail %d = %v; want %v", i, d, want.details[i])
			continue
		}
		if !proto.Equal(m, want.details[i]) {
			t.Errorf("detail %d = %v; want %v", i, m, want.details[i])
		}
	}
}

// errorBody is google.rpc.Status as JSON.
type errorBody struct {
	Code    *int   `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Type string `json:"@type"`
	} `json:"details"`
}

func checkErrorBody(t *testing.T, body errorBody, want wantError) {
	t.Helper()
	if body.Code == nil || *body.Code != int(want.code) {
		got := "none"
		if body.Code != nil {
			got = fmt.Sprint(*body.Code)
		}
		t.Errorf("body code = %s; want %d", got, int(want.code))
	}
	if body.Message != want.msg {
		t.Errorf("body message = %q; want %q", body.Message, want.msg)
	}
	var gotTypes, wantTypes []string
	for _, d := range body.Details {
		gotTypes = append(gotTypes, d.Type)
	}
	for _, d := range want.details {
		if _, pin := d.(*statusmapv1.HttpStatus); pin {
			continue // the status line says it; bodies leave the pin out
		}
		wantTypes = append(wantTypes, "type.googleapis.com/"+string(proto.MessageName(d)))
	}
	if strings.Join(gotTypes, ",") != strings.Join(wantTypes, ",") {
		t.Errorf("body details = %v; want %v", gotTypes, wantTypes)
	}
}

func (e *interceptedGateway) get(t *testing.T, path string) (int, []byte) {
	t.Helper()
	resp, err := e.http.Get(e.httpURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func streamMessages(t *testing.T, body []byte) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			out = append(out, json.RawMessage(bytes.Clone(line)))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func callContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (e *interceptedGateway) grpcUnary(t *testing.T, id string) error {
	t.Helper()
	book, err := e.grpc.GetBook(callContext(t), &bookshelfv1.GetBookRequest{Id: id})
	if err == nil && book.GetId() != id {
		t.Errorf("book id = %q; want %q", book.GetId(), id)
	}
	return err
}

// grpcStream calls StreamBooks and returns the books received and the
// stream's final error (nil for a clean end).
func (e *interceptedGateway) grpcStream(t *testing.T, count int32, failWith string) (int, error) {
	t.Helper()
	stream, err := e.grpc.StreamBooks(callContext(t), &bookshelfv1.StreamBooksRequest{Count: count, FailWith: failWith})
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, err := stream.Recv()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// checkInterceptedError asserts what a gRPC and an HTTP client get, unary and
// streaming (failing before and, over gRPC, after the first message), when
// the handler returns errs[id].
func checkInterceptedError(t *testing.T, env *interceptedGateway, id string, want wantError) {
	t.Helper()
	t.Run("grpc unary", func(t *testing.T) {
		checkGRPCError(t, env.grpcUnary(t, id), want)
	})
	t.Run("grpc stream", func(t *testing.T) {
		n, err := env.grpcStream(t, 0, id)
		if n != 0 {
			t.Errorf("books = %d; want 0", n)
		}
		checkGRPCError(t, err, want)
	})
	t.Run("grpc stream after 2 books", func(t *testing.T) {
		n, err := env.grpcStream(t, 2, id)
		if n != 2 {
			t.Errorf("books = %d; want 2", n)
		}
		checkGRPCError(t, err, want)
	})
	t.Run("http unary", func(t *testing.T) {
		code, b := env.get(t, "/v1/books/"+url.PathEscape(id))
		if code != want.http {
			t.Errorf("HTTP status = %d; want %d; body %s", code, want.http, b)
		}
		var body errorBody
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("body %s: %v", b, err)
		}
		checkErrorBody(t, body, want)
	})
	t.Run("http stream", func(t *testing.T) {
		code, b := env.get(t, "/v1/stream/books?count=0&fail_with="+url.QueryEscape(id))
		if code != want.http {
			t.Errorf("HTTP status = %d; want %d; body %s", code, want.http, b)
		}
		lines := streamMessages(t, b)
		if len(lines) != 1 {
			t.Fatalf("body has %d lines; want 1 error line: %s", len(lines), b)
		}
		var line struct {
			Error *errorBody `json:"error"`
		}
		if err := json.Unmarshal(lines[0], &line); err != nil || line.Error == nil {
			t.Fatalf("line %s: want {\"error\": ...} (%v)", lines[0], err)
		}
		checkErrorBody(t, *line.Error, want)
	})
}

// --- Fixtures --------------------------------------------------------------

var (
	lockedInfo        = &errdetails.ErrorInfo{Reason: "LOCKED", Domain: "bookshelf.example", Metadata: map[string]string{"shelf": "7"}}
	bookMissingInfo   = &errdetails.ErrorInfo{Reason: "BOOK_MISSING", Domain: "bookshelf.example"}
	errSharedSentinel = errors.New("shared sentinel")
	errSkipSentinel   = errors.New("skip sentinel")
)

func lockedStatus(t testing.TB) *status.Status {
	t.Helper()
	st, err := status.New(codes.FailedPrecondition, "shelf is locked").WithDetails(lockedInfo)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

type interceptorCase struct {
	id   string
	err  error
	want wantError
}

// builtInRuleCases are the built-in rules, with no options: the text of an
// error not made for a client is withheld (withheldByDefault lists those cases;
// WithErrorText(true) sends their own text instead).
func builtInRuleCases(t testing.TB) []interceptorCase {
	locked := lockedStatus(t).Err()
	up409 := &upstreamStatusError{409, "inventory: 409 Conflict"}
	return []interceptorCase{
		{"status", locked, wantError{codes.FailedPrecondition, "shelf is locked", 400, []proto.Message{lockedInfo}}},
		{"wrapped-status", fmt.Errorf("load shelf 7: %w", locked), wantError{codes.FailedPrecondition, "shelf is locked", 400, []proto.Message{lockedInfo}}},
		{"twice-wrapped-status", fmt.Errorf("handler: %w", fmt.Errorf("load shelf 7: %w", locked)), wantError{codes.FailedPrecondition, "shelf is locked", 400, []proto.Message{lockedInfo}}},
		{"pinned-status", fmt.Errorf("quota: %w", statusmap.Error(429, "slow down")), wantError{codes.ResourceExhausted, "slow down", 429, []proto.Message{pinDetail(429)}}},
		{"catalog", fmt.Errorf("get book 7: %w", reason.Errorf(404, "bookshelf.example", "BOOK_MISSING", "book %d is missing", 7)), wantError{codes.NotFound, "book 7 is missing", 404, []proto.Message{pinDetail(404), bookMissingInfo}}},
		{"canceled", context.Canceled, wantError{codes.Canceled, "context canceled", 408, nil}},
		{"wrapped-canceled", fmt.Errorf("fetch cover: %w", context.Canceled), wantError{codes.Canceled, "context canceled", 408, nil}},
		{"deadline", context.DeadlineExceeded, wantError{codes.DeadlineExceeded, "context deadline exceeded", 504, nil}},
		{"wrapped-deadline", fmt.Errorf("fetch cover: %w", context.DeadlineExceeded), wantError{codes.DeadlineExceeded, "context deadline exceeded", 504, nil}},
		{"upstream-409", up409, wantError{codes.Aborted, "Conflict", 409, []proto.Message{pinDetail(409)}}},
		{"wrapped-upstream-409", fmt.Errorf("reserve: %w", up409), wantError{codes.Aborted, "Conflict", 409, []proto.Message{pinDetail(409)}}},
		{"upstream-502", &upstreamStatusError{502, "inventory: 502 Bad Gateway"}, wantError{codes.Unavailable, "Bad Gateway", 502, []proto.Message{pinDetail(502)}}},
		{"upstream-405", &upstreamStatusError{405, "inventory: 405 Method Not Allowed"}, wantError{codes.Unimplemented, "Method Not Allowed", 405, []proto.Message{pinDetail(405)}}},
		{"upstream-200", &upstreamStatusError{200, "inventory: 200 OK"}, wantError{codes.Unknown, "Internal Server Error", 500, nil}},
		{"upstream-302", &upstreamStatusError{302, "inventory: 302 Found"}, wantError{codes.Unknown, "Internal Server Error", 500, nil}},
		{"httpstatus-422", fmt.Errorf("parse: %w", httpStatusError{422}), wantError{codes.InvalidArgument, "Unprocessable Entity", 422, []proto.Message{pinDetail(422)}}},
		{"plain", errors.New("open /var/lib/books/7: permission denied"), wantError{codes.Unknown, "Internal Server Error", 500, nil}},
		{"wrapped-plain", fmt.Errorf("get book: %w", errors.New("boom")), wantError{codes.Unknown, "Internal Server Error", 500, nil}},
		{"no-rows-without-rule", sql.ErrNoRows, wantError{codes.Unknown, "Internal Server Error", 500, nil}},
	}
}

// userRuleOptions are user rules; userRuleCases what they make of errors.
func userRuleOptions() []statusmap.Option {
	return []statusmap.Option{
		// A rule that answers OK is skipped: the next rule decides.
		statusmap.WithRule(func(err error) (*status.Status, bool) {
			if errors.Is(err, errSkipSentinel) {
				return status.New(codes.OK, "not an error"), true
			}
			return nil, false
		}),
		statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound),
		statusmap.WithErrorAs(func(e *fieldValidationError) *status.Status {
			st, err := status.New(codes.InvalidArgument, e.Error()).WithDetails(&errdetails.BadRequest{
				FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: e.field, Description: e.reason}},
			})
			if err != nil {
				return status.New(codes.InvalidArgument, e.Error())
			}
			return st
		}),
		// Two rules for the same error: the first wins.
		statusmap.WithErrorIs(errSharedSentinel, codes.PermissionDenied),
		statusmap.WithErrorIs(errSharedSentinel, codes.NotFound),
		statusmap.WithErrorIs(errSkipSentinel, codes.FailedPrecondition),
	}
}

func userRuleCases(t testing.TB) []interceptorCase {
	badRequest := &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "id", Description: "must be numeric"}}}
	invalid := &fieldValidationError{field: "id", reason: "must be numeric"}
	return []interceptorCase{
		{"no-rows", sql.ErrNoRows, wantError{codes.NotFound, "sql: no rows in result set", 404, nil}},
		{"wrapped-no-rows", fmt.Errorf("get book 7: %w", sql.ErrNoRows), wantError{codes.NotFound, "get book 7: sql: no rows in result set", 404, nil}},
		{"invalid", invalid, wantError{codes.InvalidArgument, "invalid id: must be numeric", 400, []proto.Message{badRequest}}},
		{"wrapped-invalid", fmt.Errorf("get book: %w", invalid), wantError{codes.InvalidArgument, "invalid id: must be numeric", 400, []proto.Message{badRequest}}},
		{"shared", fmt.Errorf("policy: %w", errSharedSentinel), wantError{codes.PermissionDenied, "policy: shared sentinel", 403, nil}},
		{"skip", errSkipSentinel, wantError{codes.FailedPrecondition, "skip sentinel", 400, nil}},
		// A status is a status: rules are not asked about it.
		{"status-and-no-rows", fmt.Errorf("%w: %w", status.Error(codes.Aborted, "conflict"), sql.ErrNoRows), wantError{codes.Aborted, "conflict", 409, nil}},
		{"plain", errors.New("boom"), wantError{codes.Unknown, "Internal Server Error", 500, nil}},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), wantError{codes.Canceled, "context canceled", 408, nil}},
	}
}

// withheldByDefault are the cases of builtInRuleCases whose text is withheld by
// default and handed to WithErrorHook: errors not made for a client.
var withheldByDefault = map[string]bool{
	"wrapped-canceled": true, "wrapped-deadline": true,
	"upstream-409": true, "wrapped-upstream-409": true, "upstream-502": true, "upstream-405": true,
	"upstream-200": true, "upstream-302": true, "httpstatus-422": true,
	"plain": true, "wrapped-plain": true, "no-rows-without-rule": true,
}

func errorsByID(cases []interceptorCase) map[string]error {
	m := make(map[string]error, len(cases))
	for _, c := range cases {
		m[c.id] = c.err
	}
	return m
}

// --- Tests -----------------------------------------------------------------

func TestInterceptorSuccess(t *testing.T) {
	env := startInterceptedGateway(t, nil)
	t.Run("grpc unary", func(t *testing.T) {
		if err := env.grpcUnary(t, "7"); err != nil {
			t.Errorf("err = %v; want nil", err)
		}
	})
	t.Run("grpc stream", func(t *testing.T) {
		n, err := env.grpcStream(t, 3, "")
		if err != nil || n != 3 {
			t.Errorf("got %d books, %v; want 3 books, nil", n, err)
		}
	})
	t.Run("http unary", func(t *testing.T) {
		code, b := env.get(t, "/v1/books/7")
		if code != http.StatusOK {
			t.Errorf("HTTP status = %d; want 200; body %s", code, b)
		}
		var book struct{ ID, Title string }
		if err := json.Unmarshal(b, &book); err != nil || book.ID != "7" || book.Title != "Title 7" {
			t.Errorf("body = %s (%v); want book 7", b, err)
		}
	})
	t.Run("http stream", func(t *testing.T) {
		code, b := env.get(t, "/v1/stream/books?count=3")
		if code != http.StatusOK {
			t.Errorf("HTTP status = %d; want 200; body %s", code, b)
		}
		lines := streamMessages(t, b)
		if len(lines) != 3 {
			t.Fatalf("body has %d lines; want 3: %s", len(lines), b)
		}
		for i, l := range lines {
			var line struct {
				Result *struct{ ID string } `json:"result"`
			}
			if err := json.Unmarshal(l, &line); err != nil || line.Result == nil || line.Result.ID != fmt.Sprint(i) {
				t.Errorf("line %d = %s (%v); want {\"result\": {\"id\": %q}}", i, l, err, fmt.Sprint(i))
			}
		}
	})
}

func TestInterceptorBuiltInRules(t *testing.T) {
	cases := builtInRuleCases(t)
	env := startInterceptedGateway(t, errorsByID(cases))
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) { checkInterceptedError(t, env, c.id, c.want) })
	}
}

func TestInterceptorUserRules(t *testing.T) {
	cases := userRuleCases(t)
	env := startInterceptedGateway(t, errorsByID(cases), userRuleOptions()...)
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) { checkInterceptedError(t, env, c.id, c.want) })
	}
}

// hookReports collects what WithUnknownMessage's report receives.
type hookReports struct {
	mu   sync.Mutex
	errs []error
	ctxs []context.Context
}

func (r *hookReports) report(ctx context.Context, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
	r.ctxs = append(r.ctxs, ctx)
}

func (r *hookReports) take() ([]error, []context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	errs, ctxs := r.errs, r.ctxs
	r.errs, r.ctxs = nil, nil
	return errs, ctxs
}

func TestInterceptorUnknownMessage(t *testing.T) {
	plain := errors.New("open /var/lib/books/7: permission denied")
	wrapped := fmt.Errorf("get book: %w", plain)
	up409 := &upstreamStatusError{409, "inventory: 409 Conflict"}
	up200 := &upstreamStatusError{200, "inventory: 200 OK"}
	wrappedCanceled := fmt.Errorf("fetch cover: %w", context.Canceled)
	locked := lockedStatus(t).Err()
	cases := []struct {
		interceptorCase
		reported error // nil: nothing is reported
	}{
		{interceptorCase{"plain", plain, wantError{codes.Unknown, "internal error", 500, nil}}, plain},
		{interceptorCase{"wrapped-plain", wrapped, wantError{codes.Unknown, "internal error", 500, nil}}, wrapped},
		// An error with a StatusCode method keeps its code and pin, but its
		// text is withheld and reported like any other's: msg is for
		// errors answered as Unknown, it is sent with its status's text.
		{interceptorCase{"upstream-409", up409, wantError{codes.Aborted, "Conflict", 409, []proto.Message{pinDetail(409)}}}, up409},
		{interceptorCase{"upstream-200", up200, wantError{codes.Unknown, "internal error", 500, nil}}, up200},
		{interceptorCase{"wrapped-canceled", wrappedCanceled, wantError{codes.Canceled, "context canceled", 408, nil}}, wrappedCanceled},
		// Statuses and the rules' results keep their text and are not
		// reported.
		{interceptorCase{"status", locked, wantError{codes.FailedPrecondition, "shelf is locked", 400, []proto.Message{lockedInfo}}}, nil},
		{interceptorCase{"canceled", context.Canceled, wantError{codes.Canceled, "context canceled", 408, nil}}, nil},
		{interceptorCase{"no-rows", sql.ErrNoRows, wantError{codes.NotFound, "sql: no rows in result set", 404, nil}}, nil},
	}
	errs := make(map[string]error)
	for _, c := range cases {
		errs[c.id] = c.err
	}
	reports := &hookReports{}
	env := startInterceptedGateway(t, errs,
		statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound),
		statusmap.WithUnknownMessage("internal error", reports.report))

	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			reports.take()
			checkInterceptedError(t, env, c.id, c.want)
			got, ctxs := reports.take()
			// checkInterceptedError makes 5 calls: each must report once.
			want := 0
			if c.reported != nil {
				want = 5
			}
			if len(got) != want {
				t.Fatalf("report called %d times; want %d (%v)", len(got), want, got)
			}
			for i, err := range got {
				if err != c.reported {
					t.Errorf("report %d got %v; want %v (the original error)", i, err, c.reported)
				}
				if ctxs[i] == nil {
					t.Errorf("report %d got a nil context; want the call's", i)
				}
			}
		})
	}

	t.Run("nil report", func(t *testing.T) {
		err := statusmap.Translator(statusmap.WithUnknownMessage("internal error", nil))(context.Background(), plain)
		if got := status.Convert(err); got.Code() != codes.Unknown || got.Message() != "internal error" {
			t.Errorf("got %v %q; want Unknown %q", got.Code(), got.Message(), "internal error")
		}
	})
}

// TestInterceptorErrorHook: by default, through gRPC and through the
// gateway, unary and streaming, a client reads no text of an error not
// made for it (a plain error, an upstream's, a wrapped context error) and
// WithErrorHook receives the original once per call, with the call's
// context. Statuses made on purpose (status.Error, a catalog's, a pin,
// wrapped or not) keep their message and are not handed to the hook.
func TestInterceptorErrorHook(t *testing.T) {
	cases := builtInRuleCases(t)
	reports := &hookReports{}
	env := startInterceptedGateway(t, errorsByID(cases), statusmap.WithErrorHook(reports.report))
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			reports.take()
			checkInterceptedError(t, env, c.id, c.want)
			got, ctxs := reports.take()
			want := 0
			if withheldByDefault[c.id] {
				want = 5 // checkInterceptedError's five calls
			}
			if len(got) != want {
				t.Fatalf("hook called %d times; want %d (%v)", len(got), want, got)
			}
			for i, err := range got {
				if err != c.err {
					t.Errorf("hook %d got %v; want the original %v", i, err, c.err)
				}
				// The call's context: the server's, with the request's metadata.
				if md, ok := metadata.FromIncomingContext(ctxs[i]); !ok || len(md.Get("content-type")) == 0 {
					t.Errorf("hook %d got a context without the call's metadata", i)
				}
			}
		})
	}
}

// TestInterceptorErrorText: WithErrorText(true) restores grpc-go's answer,
// the error's own text, for every case whose text is withheld by default.
func TestInterceptorErrorText(t *testing.T) {
	cases := builtInRuleCases(t)
	for i, c := range cases {
		if withheldByDefault[c.id] {
			cases[i].want.msg = c.err.Error()
		}
	}
	env := startInterceptedGateway(t, errorsByID(cases), statusmap.WithErrorText(true))
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) { checkInterceptedError(t, env, c.id, c.want) })
	}
}

// okStatusError is a non-nil error whose status claims OK.
type okStatusError struct{ msg string }

func (e okStatusError) Error() string              { return e.msg }
func (e okStatusError) GRPCStatus() *status.Status { return status.New(codes.OK, "") }

// TestInterceptorUnknownMessageHidesOKStatusText: an error whose status
// claims OK is answered as Unknown; with WithUnknownMessage it is an
// unknown error like any other, whose text (which may hold internals) is
// hidden and reported.
func TestInterceptorUnknownMessageHidesOKStatusText(t *testing.T) {
	reports := &hookReports{}
	orig := fmt.Errorf("query SELECT * FROM secrets failed: %w", okStatusError{"ok?"})
	err := statusmap.Translator(statusmap.WithUnknownMessage("internal error", reports.report))(context.Background(), orig)
	st := status.Convert(err)
	if st.Code() != codes.Unknown {
		t.Errorf("code = %v; want Unknown", st.Code())
	}
	if st.Message() != "internal error" {
		t.Errorf("message = %q; want %q (WithUnknownMessage hides the text of errors answered as Unknown)", st.Message(), "internal error")
	}
	if got, _ := reports.take(); len(got) != 1 || got[0] != orig {
		t.Errorf("reported %v; want [%v]", got, orig)
	}
}

func TestInterceptorWithCodeMapper(t *testing.T) {
	m, err := statusmap.NewMapper(statusmap.WithCode(409, codes.AlreadyExists))
	if err != nil {
		t.Fatal(err)
	}
	cases := []interceptorCase{
		{"upstream-409", &upstreamStatusError{409, "inventory: 409 Conflict"}, wantError{codes.AlreadyExists, "Conflict", 409, []proto.Message{pinDetail(409)}}},
		{"upstream-502", &upstreamStatusError{502, "inventory: 502 Bad Gateway"}, wantError{codes.Unavailable, "Bad Gateway", 502, []proto.Message{pinDetail(502)}}},
		// The mapper does not touch a status made elsewhere.
		{"aborted", status.Error(codes.Aborted, "conflict"), wantError{codes.Aborted, "conflict", 409, nil}},
	}
	env := startInterceptedGateway(t, errorsByID(cases), statusmap.WithCodeMapper(m))
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) { checkInterceptedError(t, env, c.id, c.want) })
	}
}

// fakeServerStream is the part of a grpc.ServerStream the stream interceptor
// uses.
type fakeServerStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s fakeServerStream) Context() context.Context { return s.ctx }

func sameStatusError(t *testing.T, what string, got, want error) {
	t.Helper()
	if (got == nil) != (want == nil) {
		t.Errorf("%s = %v; want %v", what, got, want)
		return
	}
	if got == nil {
		return
	}
	gs, ok1 := got.(interface{ GRPCStatus() *status.Status })
	ws, ok2 := want.(interface{ GRPCStatus() *status.Status })
	if !ok1 || !ok2 {
		t.Errorf("%s = %v (%T); want a status error like %v (%T)", what, got, got, want, want)
		return
	}
	if !proto.Equal(gs.GRPCStatus().Proto(), ws.GRPCStatus().Proto()) {
		t.Errorf("%s = %v; want %v", what, gs.GRPCStatus().Proto(), ws.GRPCStatus().Proto())
	}
}

func TestTranslator(t *testing.T) {
	ctx := context.Background()
	if err := statusmap.Translator()(ctx, nil); err != nil {
		t.Errorf("Translator()(ctx, nil) = %v; want nil", err)
	}
	if err := statusmap.Translator(userRuleOptions()...)(ctx, nil); err != nil {
		t.Errorf("Translator(rules...)(ctx, nil) = %v; want nil", err)
	}
	m, err := statusmap.NewMapper(statusmap.WithCode(409, codes.AlreadyExists))
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []struct {
		name  string
		cases []interceptorCase
		opts  []statusmap.Option
	}{
		{"default", builtInRuleCases(t), nil},
		{"rules", userRuleCases(t), userRuleOptions()},
		{"mapper", builtInRuleCases(t), []statusmap.Option{statusmap.WithCodeMapper(m)}},
		{"unknown message", builtInRuleCases(t), []statusmap.Option{statusmap.WithUnknownMessage("internal error", func(context.Context, error) {})}},
		{"error text", builtInRuleCases(t), []statusmap.Option{statusmap.WithErrorText(true)}},
	} {
		unary := statusmap.UnaryServerInterceptor(set.opts...)
		stream := statusmap.StreamServerInterceptor(set.opts...)
		translate := statusmap.Translator(set.opts...)
		for _, c := range set.cases {
			t.Run(set.name+"/"+c.id, func(t *testing.T) {
				got := translate(ctx, c.err)
				_, fromUnary := unary(ctx, "req", &grpc.UnaryServerInfo{FullMethod: "/x/Y"}, func(context.Context, any) (any, error) { return nil, c.err })
				fromStream := stream(nil, fakeServerStream{ctx: ctx}, &grpc.StreamServerInfo{FullMethod: "/x/Z"}, func(any, grpc.ServerStream) error { return c.err })
				sameStatusError(t, "Translator", got, fromUnary)
				sameStatusError(t, "stream interceptor", fromStream, fromUnary)
				if set.name == "default" || set.name == "rules" {
					// The table's expectations hold for Translator too.
					st := status.Convert(got)
					if st.Code() != c.want.code || st.Message() != c.want.msg {
						t.Errorf("Translator = %v %q; want %v %q", st.Code(), st.Message(), c.want.code, c.want.msg)
					}
					if h := statusmap.HTTPStatusOf(got); h != c.want.http {
						t.Errorf("HTTPStatusOf(Translator) = %d; want %d", h, c.want.http)
					}
				}
			})
		}
	}
}

// inProcessShelf returns plain Go errors, as a service registered in
// process (RegisterBookshelfServiceHandlerServer) reaches the gateway with
// no gRPC interceptor in between.
type inProcessShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (inProcessShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	return nil, fmt.Errorf("loading book %s: %w", req.GetId(), sql.ErrNoRows)
}

// TestWithRulesInProcess: the interceptors' rules given to WithRules make
// an in-process handler's sentinel error the same 404 it is over gRPC.
func TestWithRulesInProcess(t *testing.T) {
	rules := []statusmap.Option{statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound)}
	for _, tc := range []struct {
		name string
		opts []gateway.Option
		want int
	}{
		{"without rules", nil, 500},
		{"with the interceptors' rules", []gateway.Option{gateway.WithRules(rules...)}, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := runtime.NewServeMux(gateway.ServeMuxOptions(tc.opts...)...)
			if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(context.Background(), mux, inProcessShelf{}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			r := doRequest(t, srv.Client(), "GET", srv.URL+"/v1/books/7", "")
			if r.Status != tc.want {
				t.Errorf("status %d; want %d (body %s)", r.Status, tc.want, r.Body)
			}
		})
	}
	// Over gRPC, the interceptor with the same rules gives the same status.
	err := statusmap.Translator(rules...)(context.Background(), fmt.Errorf("x: %w", sql.ErrNoRows))
	if got := statusmap.HTTPStatusOf(err); got != 404 {
		t.Errorf("interceptor side: %d; want 404", got)
	}
	for _, bad := range [][]statusmap.Option{{nil}, {statusmap.WithRule(nil)}} {
		if _, err := gateway.New(gateway.WithRules(bad...)); err == nil {
			t.Errorf("WithRules(%v) accepted", bad)
		}
	}
	// Options that clash across two WithRules are reported by New, not
	// found by a panic at the first request.
	if _, err := gateway.New(gateway.WithRules(statusmap.WithErrorText(true)), gateway.WithRules(statusmap.WithUnknownMessage("x", nil))); err == nil {
		t.Errorf("WithRules(WithErrorText(true)), WithRules(WithUnknownMessage) accepted")
	}
}

// plainShelf's GetBook returns a plain error whose text holds internals.
type plainShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	err error
}

func (s plainShelf) GetBook(context.Context, *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	return nil, s.err
}

// TestWithRulesSecureDefault: an in-process handler's plain error, and one
// a net/http handler gives WriteError, are answered as the interceptors
// answer them: with the status text, the original handed to the hook given
// to WithRules with the request's context. WithRules(WithErrorText(true))
// restores the text.
func TestWithRulesSecureDefault(t *testing.T) {
	secret := fmt.Errorf("load book: %w", errors.New("db: connection reset by peer 10.0.0.7:5432"))
	type hooked struct {
		err    error
		reqCtx bool
	}
	for _, tc := range []struct {
		name     string
		rules    []statusmap.Option
		msg      string
		wantHook bool
	}{
		{"default", nil, "Internal Server Error", false},
		{"hook", nil, "Internal Server Error", true},
		{"error text", []statusmap.Option{statusmap.WithErrorText(true)}, secret.Error(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []hooked
			rules := tc.rules
			if tc.wantHook {
				rules = []statusmap.Option{statusmap.WithErrorHook(func(ctx context.Context, err error) {
					mu.Lock()
					defer mu.Unlock()
					// net/http puts its server in every request's context.
					got = append(got, hooked{err, ctx.Value(http.ServerContextKey) != nil})
				})}
			}
			gw, err := gateway.New(gateway.WithRules(rules...))
			if err != nil {
				t.Fatal(err)
			}
			mux := runtime.NewServeMux(gw.ServeMuxOptions()...)
			if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(context.Background(), mux, plainShelf{err: secret}); err != nil {
				t.Fatal(err)
			}
			if err := mux.HandlePath("GET", "/plain", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
				_ = gw.WriteError(w, r, secret)
			}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			for _, path := range []string{"/v1/books/7", "/plain"} {
				r := doRequest(t, srv.Client(), "GET", srv.URL+path, "")
				var body struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				}
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("%s: body %s: %v", path, r.Body, err)
				}
				if r.Status != 500 || body.Code != int(codes.Unknown) || body.Message != tc.msg {
					t.Errorf("%s: %d %s; want 500, code 2, message %q", path, r.Status, r.Body, tc.msg)
				}
				if strings.Contains(string(r.Body), "10.0.0.7") != (tc.msg == secret.Error()) {
					t.Errorf("%s: body %s", path, r.Body)
				}
			}
			if !tc.wantHook {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 2 {
				t.Fatalf("hook called %d times for 2 requests; want 2: %v", len(got), got)
			}
			for i, h := range got {
				if h.err != secret || !h.reqCtx {
					t.Errorf("hook %d got %v (request context: %v); want the original with the request's context", i, h.err, h.reqCtx)
				}
			}
		})
	}
}
