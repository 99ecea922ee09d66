package statusmap_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/statusmap"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

// The secure default: an error whose text was not made for a client (a
// plain Go error, an HTTPStatus/StatusCode error, a wrapped context error)
// reaches it as the status text of its HTTP status, and the original goes
// to WithErrorHook, with the call's context. These tests run over a real
// gRPC connection (bufconn), unary and streaming, before and after the
// first message.

// secShelf answers GetBook with errs[id] and StreamBooks with count books
// then errs[fail_with]; an id not in the map is a success.
type secShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	errs map[string]error
}

func (s secShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	if err := s.errs[req.GetId()]; err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

func (s secShelf) StreamBooks(req *bookshelfv1.StreamBooksRequest, stream grpc.ServerStreamingServer[bookshelfv1.Book]) error {
	for i := range req.GetCount() {
		if err := stream.Send(&bookshelfv1.Book{Id: strconv.Itoa(int(i))}); err != nil {
			return err
		}
	}
	return s.errs[req.GetFailWith()]
}

// secHook records what the hook receives: the error and the call id the
// client sent as metadata, read from the context the hook was given.
type secHook struct {
	mu    sync.Mutex
	errs  []error
	calls []string
}

func (h *secHook) hook(ctx context.Context, err error) {
	md, _ := metadata.FromIncomingContext(ctx)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errs = append(h.errs, err)
	h.calls = append(h.calls, md.Get("x-call-id")...)
}

func (h *secHook) take() ([]error, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	errs, calls := h.errs, h.calls
	h.errs, h.calls = nil, nil
	return errs, calls
}

// secStart serves secShelf over bufconn with the interceptors built from
// opts and returns a client of it.
func secStart(t *testing.T, errs map[string]error, opts ...statusmap.Option) bookshelfv1.BookshelfServiceClient {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor(opts...)),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor(opts...)),
	)
	bookshelfv1.RegisterBookshelfServiceServer(srv, secShelf{errs: errs})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return bookshelfv1.NewBookshelfServiceClient(conn)
}

var secCallID atomic.Int64

// secCalls makes the three calls (unary, stream failing before its first
// message, stream failing after two) that end in errs[id], each with its
// own call id, and returns their errors and ids.
func secCalls(t *testing.T, client bookshelfv1.BookshelfServiceClient, id string) (map[string]error, map[string]string) {
	t.Helper()
	errs := map[string]error{}
	ids := map[string]string{}
	ctxFor := func(kind string) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		t.Cleanup(cancel)
		ids[kind] = fmt.Sprintf("%s-%d", kind, secCallID.Add(1))
		return metadata.AppendToOutgoingContext(ctx, "x-call-id", ids[kind])
	}
	_, errs["unary"] = client.GetBook(ctxFor("unary"), &bookshelfv1.GetBookRequest{Id: id})
	for _, count := range []int32{0, 2} {
		kind := fmt.Sprintf("stream after %d", count)
		stream, err := client.StreamBooks(ctxFor(kind), &bookshelfv1.StreamBooksRequest{Count: count, FailWith: id})
		if err != nil {
			errs[kind] = err
			continue
		}
		n := int32(0)
		for {
			_, err := stream.Recv()
			if err == nil {
				n++
				continue
			}
			if err != io.EOF {
				errs[kind] = err
			}
			break
		}
		if n != count {
			t.Errorf("%s: %d books; want %d", kind, n, count)
		}
	}
	return errs, ids
}

// secWant is what a client reads; hooked is what the hook must get (nil:
// not called).
type secWant struct {
	code   codes.Code
	msg    string
	http   int
	hooked error
}

// secCheck makes the three calls and checks each client error and that the
// hook got the original error exactly once per call, with that call's
// context.
func secCheck(t *testing.T, client bookshelfv1.BookshelfServiceClient, h *secHook, id string, want secWant) {
	t.Helper()
	if h != nil {
		h.take()
	}
	errs, ids := secCalls(t, client, id)
	for kind, err := range errs {
		st := status.Convert(err)
		if st.Code() != want.code || st.Message() != want.msg {
			t.Errorf("%s: client got %v %q; want %v %q", kind, st.Code(), st.Message(), want.code, want.msg)
		}
		if got := statusmap.HTTPStatusOf(err); got != want.http {
			t.Errorf("%s: HTTPStatusOf = %d; want %d", kind, got, want.http)
		}
	}
	if len(errs) != 3 {
		t.Errorf("calls ended in %d errors; want 3: %v", len(errs), errs)
	}
	if h == nil {
		return
	}
	got, calls := h.take()
	if want.hooked == nil {
		if len(got) != 0 {
			t.Errorf("hook got %v; want no call (the client reads the error's own message)", got)
		}
		return
	}
	if len(got) != 3 {
		t.Fatalf("hook called %d times for 3 calls; want once per call: %v", len(got), got)
	}
	for i, err := range got {
		if err != want.hooked {
			t.Errorf("hook %d got %v (%T); want the original %v", i, err, err, want.hooked)
		}
	}
	seen := map[string]bool{}
	for _, c := range calls {
		seen[c] = true
	}
	for kind, id := range ids {
		if !seen[id] {
			t.Errorf("%s: hook not called with its context (call ids seen: %v)", kind, calls)
		}
	}
}

// secUpstreamError is an HTTP client's error with StatusCode.
type secUpstreamError struct {
	code int
	msg  string
}

func (e *secUpstreamError) Error() string   { return e.msg }
func (e *secUpstreamError) StatusCode() int { return e.code }

// secHTTPStatusError reports its status through HTTPStatus.
type secHTTPStatusError struct{ code int }

func (e secHTTPStatusError) Error() string {
	return "upstream http://10.0.0.7/x answered " + strconv.Itoa(e.code)
}
func (e secHTTPStatusError) HTTPStatus() int { return e.code }

type secCase struct {
	id   string
	err  error
	want secWant
}

// secCases are the errors of every kind and what the default makes of them.
func secCases() []secCase {
	plain := errors.New("db: connection reset by peer 10.0.0.7:5432")
	wrappedPlain := fmt.Errorf("load shelf 7: %w", plain)
	up409 := &secUpstreamError{409, "inventory http://10.0.0.7: 409 Conflict"}
	wrapped502 := fmt.Errorf("reserve: %w", secHTTPStatusError{502})
	up499 := &secUpstreamError{499, "nginx 10.0.0.7: 499"}
	wrappedCanceled := fmt.Errorf("Get %q: %w", "http://10.0.3.7/internal", context.Canceled)
	wrappedDeadline := fmt.Errorf("Get %q: %w", "http://10.0.3.7/internal", context.DeadlineExceeded)
	return []secCase{
		{"plain", plain, secWant{codes.Unknown, "Internal Server Error", 500, plain}},
		{"wrapped-plain", wrappedPlain, secWant{codes.Unknown, "Internal Server Error", 500, wrappedPlain}},
		{"status", status.Error(codes.NotFound, "no book 7"), secWant{codes.NotFound, "no book 7", 404, nil}},
		// The wrapped-status rule: a wrapped status speaks with its own message.
		{"wrapped-status", fmt.Errorf("load 10.0.0.7: %w", status.Error(codes.NotFound, "no book 7")), secWant{codes.NotFound, "no book 7", 404, nil}},
		{"catalog", reason.Errorf(404, "bookshelf.example", "BOOK_MISSING", "book %s is missing", "7"), secWant{codes.NotFound, "book 7 is missing", 404, nil}},
		{"pinned", statusmap.Errorf(429, "slow down, %d per minute", 10), secWant{codes.ResourceExhausted, "slow down, 10 per minute", 429, nil}},
		{"wrapped-pinned", fmt.Errorf("quota: %w", statusmap.Error(405, "read only")), secWant{codes.Unimplemented, "read only", 405, nil}},
		// A rule maps an error on purpose: its status is sent as made.
		{"rule", fmt.Errorf("get book 7: %w", sql.ErrNoRows), secWant{codes.NotFound, "get book 7: sql: no rows in result set", 404, nil}},
		{"upstream-409", up409, secWant{codes.Aborted, "Conflict", 409, up409}},
		{"httpstatus-502", wrapped502, secWant{codes.Unavailable, "Bad Gateway", 502, wrapped502}},
		// net/http has no text for 499: the code's name stands in.
		{"upstream-499", up499, secWant{codes.Canceled, "Canceled", 499, up499}},
		{"canceled", context.Canceled, secWant{codes.Canceled, "context canceled", 408, nil}},
		{"wrapped-canceled", wrappedCanceled, secWant{codes.Canceled, "context canceled", 408, wrappedCanceled}},
		{"wrapped-deadline", wrappedDeadline, secWant{codes.DeadlineExceeded, "context deadline exceeded", 504, wrappedDeadline}},
	}
}

func secErrs(cases []secCase) map[string]error {
	m := map[string]error{}
	for _, c := range cases {
		m[c.id] = c.err
	}
	return m
}

var secRule = statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound)

// TestSecureDefault: with no option but the hook, no text the service did
// not make for a client reaches it; the hook gets each such error once per
// call, with the call's context.
func TestSecureDefault(t *testing.T) {
	cases := secCases()
	h := &secHook{}
	client := secStart(t, secErrs(cases), secRule, statusmap.WithErrorHook(h.hook))
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) { secCheck(t, client, h, c.id, c.want) })
	}
}

// TestSecureDefaultNilHook: with no hook at all (the default) the text is
// withheld just the same, and nothing panics.
func TestSecureDefaultNilHook(t *testing.T) {
	cases := secCases()
	for name, opts := range map[string][]statusmap.Option{
		"no hook":  {secRule},
		"nil hook": {secRule, statusmap.WithErrorHook(nil)},
	} {
		client := secStart(t, secErrs(cases), opts...)
		for _, c := range cases {
			t.Run(name+"/"+c.id, func(t *testing.T) { secCheck(t, client, nil, c.id, c.want) })
		}
	}
}

// TestErrorTextRestores: WithErrorText(true) sends every error's own text,
// as grpc-go does, and the hook is not called: nothing was withheld.
func TestErrorTextRestores(t *testing.T) {
	cases := secCases()
	h := &secHook{}
	client := secStart(t, secErrs(cases), secRule, statusmap.WithErrorHook(h.hook), statusmap.WithErrorText(true))
	for _, c := range cases {
		want := c.want
		if want.hooked != nil {
			want.msg, want.hooked = c.err.Error(), nil
		}
		t.Run(c.id, func(t *testing.T) { secCheck(t, client, h, c.id, want) })
	}
	// WithErrorText(false) is the default.
	err := statusmap.Translator(statusmap.WithErrorText(true), statusmap.WithErrorText(false))(context.Background(), errors.New("secret"))
	if got := status.Convert(err).Message(); got != "Internal Server Error" {
		t.Errorf("WithErrorText(false) after true: message %q; want %q", got, "Internal Server Error")
	}
}

// TestUnknownMessageCoversHTTPStatusErrors: an error with an HTTPStatus or
// StatusCode method goes through WithUnknownMessage's rule like any other
// error: its text (here an internal address) is withheld and reported.
// Its code and pin stay, and it is sent with its status's text; msg is for
// errors answered as Unknown.
func TestUnknownMessageCoversHTTPStatusErrors(t *testing.T) {
	cases := secCases()
	h := &secHook{}
	client := secStart(t, secErrs(cases), secRule, statusmap.WithUnknownMessage("internal error", h.hook))
	for _, c := range cases {
		want := c.want
		if want.code == codes.Unknown {
			want.msg = "internal error"
		}
		t.Run(c.id, func(t *testing.T) { secCheck(t, client, h, c.id, want) })
	}
}

// TestUnknownMessageAndHook: WithUnknownMessage's report and WithErrorHook
// set one hook; a nil report keeps the hook already set.
func TestUnknownMessageAndHook(t *testing.T) {
	plain := errors.New("secret")
	for name, tc := range map[string]struct {
		opts func(a, b func(context.Context, error)) []statusmap.Option
		a, b int
	}{
		"hook then nil report": {func(a, _ func(context.Context, error)) []statusmap.Option {
			return []statusmap.Option{statusmap.WithErrorHook(a), statusmap.WithUnknownMessage("x", nil)}
		}, 1, 0},
		"hook then report": {func(a, b func(context.Context, error)) []statusmap.Option {
			return []statusmap.Option{statusmap.WithErrorHook(a), statusmap.WithUnknownMessage("x", b)}
		}, 0, 1},
		"report then hook": {func(a, b func(context.Context, error)) []statusmap.Option {
			return []statusmap.Option{statusmap.WithUnknownMessage("x", b), statusmap.WithErrorHook(a)}
		}, 1, 0},
	} {
		var a, b int
		opts := tc.opts(func(context.Context, error) { a++ }, func(context.Context, error) { b++ })
		err := statusmap.Translator(opts...)(context.Background(), plain)
		if got := status.Convert(err).Message(); got != "x" {
			t.Errorf("%s: message %q; want %q", name, got, "x")
		}
		if a != tc.a || b != tc.b {
			t.Errorf("%s: hook called %d times, report %d; want %d, %d", name, a, b, tc.a, tc.b)
		}
	}
}

// TestErrorHookSynchronous: the hook has run, once, when the interceptor
// returns: it is called on the call's goroutine, not from one the
// interceptor starts (a goroutine could still be running here, and -race
// would see the unsynchronised counter).
func TestErrorHookSynchronous(t *testing.T) {
	calls := 0
	var gotCtx context.Context
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "call 1")
	ic := statusmap.UnaryServerInterceptor(statusmap.WithErrorHook(func(ctx context.Context, _ error) {
		calls++
		gotCtx = ctx
	}))
	_, err := ic(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/x/Y"}, func(context.Context, any) (any, error) {
		return nil, errors.New("secret")
	})
	if status.Convert(err).Message() != "Internal Server Error" {
		t.Errorf("message %q", status.Convert(err).Message())
	}
	if calls != 1 {
		t.Fatalf("hook called %d times by the time the interceptor returned; want 1", calls)
	}
	if gotCtx.Value(key{}) != "call 1" {
		t.Errorf("hook got a context without the call's values")
	}
}
