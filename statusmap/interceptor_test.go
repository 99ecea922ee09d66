package statusmap_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ruleOptions are rules of every kind, for the tests that the success path
// costs nothing with rules installed.
func ruleOptions() []statusmap.Option {
	return []statusmap.Option{
		statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound),
		statusmap.WithErrorAs(func(e *validationError) *status.Status { return status.New(codes.InvalidArgument, e.Error()) }),
		statusmap.WithRule(func(err error) (*status.Status, bool) { return nil, false }),
	}
}

type validationError struct{ field string }

func (e *validationError) Error() string { return "invalid " + e.field }

// cyclicError wraps itself.
type cyclicError struct{}

func (e *cyclicError) Error() string { return "cyclic" }
func (e *cyclicError) Unwrap() error { return e }

func TestUnaryInterceptorPassesResponseThrough(t *testing.T) {
	resp := &bookshelfv1.Book{Id: "7"}
	ic := statusmap.UnaryServerInterceptor()
	got, err := ic(context.Background(), "req", nil, func(_ context.Context, req any) (any, error) {
		if req != "req" {
			t.Errorf("handler got req %v; want %q", req, "req")
		}
		return resp, nil
	})
	if got != resp || err != nil {
		t.Errorf("got %v, %v; want %v, nil", got, err, resp)
	}
	// The response is passed on with the error too, as the handler made it.
	got, err = ic(context.Background(), "req", nil, func(context.Context, any) (any, error) { return resp, errors.New("boom") })
	if got != resp || status.Code(err) != codes.Unknown {
		t.Errorf("got %v, %v; want %v, Unknown", got, err, resp)
	}
}

func TestUnaryInterceptorSuccessDoesNotAllocate(t *testing.T) {
	ic := statusmap.UnaryServerInterceptor(ruleOptions()...)
	ctx := context.Background()
	var resp any = &bookshelfv1.Book{Id: "7"}
	var req any = &bookshelfv1.GetBookRequest{Id: "7"}
	info := &grpc.UnaryServerInfo{FullMethod: bookshelfv1.BookshelfService_GetBook_FullMethodName}
	handler := func(context.Context, any) (any, error) { return resp, nil }
	allocs := testing.AllocsPerRun(1000, func() {
		out, err := ic(ctx, req, info, handler)
		if out != resp || err != nil {
			panic("unexpected result")
		}
	})
	if allocs != 0 {
		t.Errorf("allocations per successful call = %v; want 0", allocs)
	}
}

func TestStreamInterceptorSuccessDoesNotAllocate(t *testing.T) {
	ic := statusmap.StreamServerInterceptor(ruleOptions()...)
	info := &grpc.StreamServerInfo{FullMethod: bookshelfv1.BookshelfService_StreamBooks_FullMethodName, IsServerStream: true}
	handler := func(any, grpc.ServerStream) error { return nil }
	allocs := testing.AllocsPerRun(1000, func() {
		if err := ic(nil, nil, info, handler); err != nil {
			panic(err)
		}
	})
	if allocs != 0 {
		t.Errorf("allocations per successful stream = %v; want 0", allocs)
	}
}

// TestTranslateRuleOnCyclicChain: the package walks error chains with a
// bound because errors.Is never returns on a chain that wraps itself; the
// rules of WithErrorIs and WithErrorAs must not hang on one either. The
// walk runs in a child process so that a hang cannot spin on in this one.
func TestTranslateRuleOnCyclicChain(t *testing.T) {
	if which := os.Getenv("STATUSMAP_IC_CYCLIC_CHILD"); which != "" {
		// WithErrorText(true): the text shows that the error itself was
		// answered, not a stand-in.
		opts := []statusmap.Option{statusmap.WithErrorText(true)}
		switch which {
		case "WithErrorIs":
			opts = append(opts, statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound))
		case "WithErrorAs":
			opts = append(opts, statusmap.WithErrorAs(func(*validationError) *status.Status { return status.New(codes.InvalidArgument, "x") }))
		}
		err := statusmap.Translator(opts...)(context.Background(), &cyclicError{})
		fmt.Printf("result: %v %q\n", status.Code(err), status.Convert(err).Message())
		return
	}
	for _, which := range []string{"none", "WithErrorIs", "WithErrorAs"} {
		t.Run(which, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestTranslateRuleOnCyclicChain$", "-test.count=1")
			cmd.Env = append(os.Environ(), "STATUSMAP_IC_CYCLIC_CHILD="+which)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("Translator(cyclic error) with %s did not return within 10s; want Unknown %q", which, "cyclic")
			}
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if want := `result: Unknown "cyclic"`; !strings.Contains(string(out), want) {
				t.Errorf("child printed %q; want %q", out, want)
			}
		})
	}
}

// --- Benchmarks ------------------------------------------------------------

var (
	sinkResp any
	sinkErr  error
)

func BenchmarkUnaryInterceptorSuccess(b *testing.B) {
	ctx := context.Background()
	var resp any = &bookshelfv1.Book{Id: "7"}
	var req any = &bookshelfv1.GetBookRequest{Id: "7"}
	info := &grpc.UnaryServerInfo{FullMethod: bookshelfv1.BookshelfService_GetBook_FullMethodName}
	handler := func(context.Context, any) (any, error) { return resp, nil }
	b.Run("impl=bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkResp, sinkErr = handler(ctx, req)
		}
	})
	b.Run("impl=statusmap", func(b *testing.B) {
		ic := statusmap.UnaryServerInterceptor(ruleOptions()...)
		b.ReportAllocs()
		for b.Loop() {
			sinkResp, sinkErr = ic(ctx, req, info, handler)
		}
	})
}

func BenchmarkUnaryInterceptorError(b *testing.B) {
	ctx := context.Background()
	var req any = &bookshelfv1.GetBookRequest{Id: "7"}
	info := &grpc.UnaryServerInfo{FullMethod: bookshelfv1.BookshelfService_GetBook_FullMethodName}
	plain := errors.New("boom")
	handler := func(context.Context, any) (any, error) { return nil, plain }
	b.Run("impl=bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkResp, sinkErr = handler(ctx, req)
		}
	})
	b.Run("impl=statusmap", func(b *testing.B) {
		ic := statusmap.UnaryServerInterceptor()
		b.ReportAllocs()
		for b.Loop() {
			sinkResp, sinkErr = ic(ctx, req, info, handler)
		}
	})
}

// TestUnknownMessageCoversContextErrors: a wrapped context error keeps its
// code, but (with WithUnknownMessage, and by default) only the context's
// own text reaches the client; the wrapper's (here an internal URL) goes to
// the report.
func TestUnknownMessageCoversContextErrors(t *testing.T) {
	for _, tc := range []struct {
		base error
		code codes.Code
	}{
		{context.DeadlineExceeded, codes.DeadlineExceeded},
		{context.Canceled, codes.Canceled},
	} {
		wrapped := fmt.Errorf("Get %q: %w", "http://10.0.3.7/internal", tc.base)
		var reported []error
		err := statusmap.Translator(statusmap.WithUnknownMessage("internal error", func(_ context.Context, err error) {
			reported = append(reported, err)
		}))(context.Background(), wrapped)
		st := status.Convert(err)
		if st.Code() != tc.code || st.Message() != tc.base.Error() {
			t.Errorf("%v: got %v %q; want %v %q", tc.base, st.Code(), st.Message(), tc.code, tc.base.Error())
		}
		if len(reported) != 1 || reported[0] != wrapped {
			t.Errorf("%v: reported %v; want the wrapped error", tc.base, reported)
		}
		// By default too only the context's text is sent: the hook gets the
		// original.
		reported = nil
		hook := statusmap.WithErrorHook(func(_ context.Context, err error) { reported = append(reported, err) })
		if got := status.Convert(statusmap.Translator(hook)(context.Background(), wrapped)).Message(); got != tc.base.Error() {
			t.Errorf("%v by default: message %q; want %q", tc.base, got, tc.base.Error())
		}
		if len(reported) != 1 || reported[0] != wrapped {
			t.Errorf("%v by default: hook got %v; want the wrapped error", tc.base, reported)
		}
		// WithErrorText(true) sends the wrapper's text, as grpc-go would.
		if got := status.Convert(statusmap.Translator(statusmap.WithErrorText(true))(context.Background(), wrapped)).Message(); got != wrapped.Error() {
			t.Errorf("%v with WithErrorText(true): message %q; want %q", tc.base, got, wrapped.Error())
		}
	}
}

// TestBadOptionsPanic: a nil Option or WithRule(nil) is a programming error
// the constructors name, never an option silently dropped.
func TestBadOptionsPanic(t *testing.T) {
	for name, build := range map[string]func(){
		"unary WithRule(nil)":      func() { statusmap.UnaryServerInterceptor(statusmap.WithRule(nil)) },
		"stream nil option":        func() { statusmap.StreamServerInterceptor(nil) },
		"Translator WithRule(nil)": func() { _ = statusmap.Translator(statusmap.WithRule(nil))(context.Background(), errors.New("x")) },
		// One shows the errors' text, the other hides it: which was meant?
		"WithErrorText(true) and WithUnknownMessage": func() {
			statusmap.UnaryServerInterceptor(statusmap.WithErrorText(true), statusmap.WithUnknownMessage("x", nil))
		},
	} {
		func() {
			defer func() {
				p := recover()
				if p == nil {
					t.Errorf("%s: no panic", name)
					return
				}
				if !strings.Contains(fmt.Sprint(p), "statusmap:") {
					t.Errorf("%s: panic %v does not name the package", name, p)
				}
			}()
			build()
		}()
	}
}
