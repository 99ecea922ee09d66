package statusmap_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"testing"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestPinSurvivesRebuildAndWrap(t *testing.T) {
	for s := 400; s <= 599; s++ {
		err := statusmap.Errorf(s, "upstream said %d", s)
		if err == nil {
			t.Fatalf("Errorf(%d) = nil", s)
		}
		if got := status.Code(err); got != statusmap.Code(s) {
			t.Errorf("Errorf(%d) has code %v; want %v", s, got, statusmap.Code(s))
		}
		rebuilt := status.FromProto(status.Convert(err).Proto()).Err()
		wrapped := fmt.Errorf("calling upstream: %w", err)
		joined := errors.Join(errors.New("first"), wrapped)
		for name, e := range map[string]error{"direct": err, "rebuilt": rebuilt, "wrapped": wrapped, "joined": joined} {
			if got := statusmap.HTTPStatusOf(e); got != s {
				t.Errorf("%s: HTTPStatusOf(Errorf(%d)) = %d", name, s, got)
			}
		}
		if pin := statusmap.PinOf(wrapped); pin.GetCode() != int32(s) {
			t.Errorf("PinOf(wrapped Errorf(%d)) = %v", s, pin)
		}
	}
}

func TestNewBadStatuses(t *testing.T) {
	for _, s := range []int{math.MinInt, -1, 0, 99, 100, 101, 199, 300, 302, 399, 600, 999, 1000, 1 << 32, math.MaxInt} {
		st := statusmap.New(s, "odd status")
		if st.Code() != codes.Unknown || st.Message() != "odd status" {
			t.Errorf("New(%d) = %v %q; want Unknown with the message", s, st.Code(), st.Message())
		}
		if len(st.Details()) != 0 {
			t.Errorf("New(%d) is pinned: %v", s, st.Details())
		}
		if got := statusmap.HTTPStatusOf(st.Err()); got != 500 {
			t.Errorf("HTTPStatusOf(New(%d)) = %d; want 500", s, got)
		}
	}
	for _, s := range []int{200, 201, 204, 299} {
		if st := statusmap.New(s, "fine"); st.Code() != codes.OK {
			t.Errorf("New(%d).Code() = %v; want OK", s, st.Code())
		}
		if err := statusmap.Error(s, "fine"); err != nil {
			t.Errorf("Error(%d) = %v; want nil", s, err)
		}
	}
}

func TestNewPinnedCarriesTheWholePin(t *testing.T) {
	pin := &statusmapv1.HttpStatus{
		Code:           405,
		AllowedMethods: []string{"GET", "PUT"},
		Challenges:     []*statusmapv1.AuthChallenge{{Scheme: "Bearer"}},
	}
	err := statusmap.NewPinned(pin, "use PUT").Err()
	pin.AllowedMethods[0] = "CHANGED" // the status keeps its own copy
	got := statusmap.PinOf(err)
	if got.GetCode() != 405 || len(got.GetAllowedMethods()) != 2 || got.GetAllowedMethods()[0] != "GET" {
		t.Fatalf("PinOf = %v; want 405 with GET, PUT", got)
	}
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("code = %v; want Unimplemented", status.Code(err))
	}
	if statusmap.NewPinned(nil, "no pin").Code() != codes.Unknown {
		t.Errorf("NewPinned(nil) is not Unknown")
	}
}

// errWithStatusCode is an HTTP client library's error type.
type errWithStatusCode struct{ code int }

func (e errWithStatusCode) Error() string   { return fmt.Sprintf("upstream: %d", e.code) }
func (e errWithStatusCode) StatusCode() int { return e.code }

type errWithHTTPStatus struct{ code int }

func (e errWithHTTPStatus) Error() string   { return "http status" }
func (e errWithHTTPStatus) HTTPStatus() int { return e.code }

// okStatusError claims a status of OK while being a non-nil error.
type okStatusError struct{}

func (okStatusError) Error() string              { return "claims OK" }
func (okStatusError) GRPCStatus() *status.Status { return status.New(codes.OK, "") }

type nilStatusError struct{}

func (nilStatusError) Error() string              { return "nil status" }
func (nilStatusError) GRPCStatus() *status.Status { return nil }

func TestHTTPStatusOf(t *testing.T) {
	withPin := func(code codes.Code, pin int32) error {
		a, err := anypb.New(&statusmapv1.HttpStatus{Code: pin})
		if err != nil {
			t.Fatal(err)
		}
		return status.FromProto(&spb.Status{Code: int32(code), Message: "m", Details: []*anypb.Any{a}}).Err()
	}
	testCases := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 200},
		{"plain", errors.New("boom"), 500},
		{"status", status.Error(codes.NotFound, "x"), 404},
		{"wrapped status", fmt.Errorf("ctx: %w", status.Error(codes.PermissionDenied, "x")), 403},
		{"out of range code", status.Error(codes.Code(99), "x"), 500},
		{"pinned", statusmap.Error(502, "bad gateway"), 502},
		{"pin 200 ignored", withPin(codes.NotFound, 200), 404},
		{"pin 302 ignored", withPin(codes.NotFound, 302), 404},
		{"pin 600 ignored", withPin(codes.Internal, 600), 500},
		{"pin negative ignored", withPin(codes.Unavailable, -404), 503},
		{"canceled", context.Canceled, 408},
		{"deadline", context.DeadlineExceeded, 504},
		{"wrapped deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), 504},
		{"StatusCode", errWithStatusCode{409}, 409},
		{"wrapped StatusCode", fmt.Errorf("x: %w", errWithStatusCode{502}), 502},
		{"HTTPStatus method", errWithHTTPStatus{406}, 406},
		{"StatusCode 302 ignored", errWithStatusCode{302}, 500},
		{"StatusCode 200 ignored", errWithStatusCode{200}, 500},
		{"StatusCode 999 ignored", errWithStatusCode{999}, 500},
		{"joined: second has status", errors.Join(errors.New("a"), errWithStatusCode{404}), 404},
		{"status beats StatusCode", errors.Join(errWithStatusCode{409}, status.Error(codes.NotFound, "x")), 404},
		{"non-nil error claiming OK", okStatusError{}, 500},
		{"nil GRPCStatus", nilStatusError{}, 500},
	}
	for _, tc := range testCases {
		if got := statusmap.HTTPStatusOf(tc.err); got != tc.want {
			t.Errorf("%s: HTTPStatusOf = %d; want %d", tc.name, got, tc.want)
		}
	}
}

// selfWrapping wraps itself: a broken error type must not hang HTTPStatusOf.
type selfWrapping struct{}

func (e *selfWrapping) Error() string { return "loop" }
func (e *selfWrapping) Unwrap() error { return e }

func TestHTTPStatusOfCyclicChain(t *testing.T) {
	if got := statusmap.HTTPStatusOf(&selfWrapping{}); got != 500 {
		t.Errorf("HTTPStatusOf(cyclic) = %d; want 500", got)
	}
}

func TestHTTPStatusOfUnpinnedStatusDoesNotAllocate(t *testing.T) {
	err := status.Error(codes.NotFound, "no such book")
	wrapped := fmt.Errorf("lookup: %w", err)
	allocs := testing.AllocsPerRun(100, func() {
		_ = statusmap.HTTPStatusOf(err)
		_ = statusmap.HTTPStatusOf(wrapped)
	})
	if allocs != 0 {
		t.Errorf("HTTPStatusOf(unpinned status) allocates %v times; want 0", allocs)
	}
}

// healthServer answers Check with the error its fail function returns: a
// real generated gRPC service, used here as a hop.
type healthServer struct {
	healthpb.UnimplementedHealthServer
	fail func(context.Context) error
}

func (h healthServer) Check(ctx context.Context, _ *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	return nil, h.fail(ctx)
}

func serveHealth(t *testing.T, fail func(context.Context) error) healthpb.HealthClient {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, healthServer{fail: fail})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return healthpb.NewHealthClient(conn)
}

func TestPinSurvivesGRPCHops(t *testing.T) {
	retry := &errdetails.RetryInfo{RetryDelay: durationpb.New(30e9)}
	for _, s := range []int{400, 405, 406, 407, 408, 409, 429, 502, 504, 599} {
		st, err := statusmap.New(s, fmt.Sprintf("status %d", s)).WithDetails(retry)
		if err != nil {
			t.Fatal(err)
		}
		// The far service returns the pinned status; the near one passes
		// on whatever error its client call returned, as a gRPC service
		// that proxies does; the caller is two hops away.
		far := serveHealth(t, func(context.Context) error { return st.Err() })
		near := serveHealth(t, func(ctx context.Context) error {
			_, err := far.Check(ctx, &healthpb.HealthCheckRequest{})
			return err
		})
		_, got := near.Check(context.Background(), &healthpb.HealthCheckRequest{})
		if statusmap.HTTPStatusOf(got) != s {
			t.Errorf("after two hops HTTPStatusOf = %d; want %d", statusmap.HTTPStatusOf(got), s)
		}
		gotStatus := status.Convert(got)
		if gotStatus.Code() != statusmap.Code(s) || gotStatus.Message() != st.Message() {
			t.Errorf("after two hops: %v %q; want %v %q", gotStatus.Code(), gotStatus.Message(), statusmap.Code(s), st.Message())
		}
		if !proto.Equal(gotStatus.Proto(), st.Proto()) {
			t.Errorf("after two hops the status differs:\n got %v\nwant %v", gotStatus.Proto(), st.Proto())
		}
	}
}
