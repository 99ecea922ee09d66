package reason_test

import (
	"errors"
	"fmt"
	"testing"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

const (
	testDomain = "library.example.com"
	testReason = "SHELF_NOT_FOUND"
)

func TestNew(t *testing.T) {
	testCases := []struct {
		httpStatus int
		wantCode   codes.Code
		wantHTTP   int
		wantPin    bool
	}{
		{404, codes.NotFound, 404, true},
		{409, codes.Aborted, 409, true},
		{405, codes.Unimplemented, 405, true}, // the pin keeps what the code cannot
		{429, codes.ResourceExhausted, 429, true},
		{502, codes.Unavailable, 502, true},
		// Not an error status: still an error, never nil, unpinned.
		{200, codes.Unknown, 500, false},
		{302, codes.Unknown, 500, false},
		{0, codes.Unknown, 500, false},
		{1 << 40, codes.Unknown, 500, false},
	}
	for _, tc := range testCases {
		st := reason.New(tc.httpStatus, testDomain, testReason, "no shelf 7")
		if st.Code() != tc.wantCode || st.Message() != "no shelf 7" {
			t.Errorf("New(%d): code %v, message %q; want %v, %q", tc.httpStatus, st.Code(), st.Message(), tc.wantCode, "no shelf 7")
		}
		err := st.Err()
		if err == nil {
			t.Fatalf("New(%d).Err() = nil", tc.httpStatus)
		}
		if got := statusmap.HTTPStatusOf(err); got != tc.wantHTTP {
			t.Errorf("HTTPStatusOf(New(%d)) = %d; want %d", tc.httpStatus, got, tc.wantHTTP)
		}
		var infos, pins int
		for _, d := range st.Details() {
			switch d := d.(type) {
			case *errdetails.ErrorInfo:
				infos++
				if d.GetReason() != testReason || d.GetDomain() != testDomain || len(d.GetMetadata()) != 0 {
					t.Errorf("New(%d): ErrorInfo %v", tc.httpStatus, d)
				}
			case *statusmapv1.HttpStatus:
				pins++
			default:
				t.Errorf("New(%d): unexpected detail %T", tc.httpStatus, d)
			}
		}
		if infos != 1 || (pins == 1) != tc.wantPin || pins > 1 {
			t.Errorf("New(%d): %d ErrorInfo, %d pins; want 1, pinned %v", tc.httpStatus, infos, pins, tc.wantPin)
		}
		if !reason.Has(err, testDomain, testReason) {
			t.Errorf("Has(New(%d)) = false", tc.httpStatus)
		}
	}
}

func TestErrorfFormats(t *testing.T) {
	err := reason.Errorf(404, testDomain, testReason, "no shelf %q of %d", "fiction", 3)
	if got, want := status.Convert(err).Message(), `no shelf "fiction" of 3`; got != want {
		t.Errorf("message %q; want %q", got, want)
	}
}

// catalogLoop wraps itself: a chain walk must stop anyway.
type catalogLoop struct{}

func (e *catalogLoop) Error() string { return "loop" }
func (e *catalogLoop) Unwrap() error { return e }

func TestHas(t *testing.T) {
	catalogErr := reason.Errorf(404, testDomain, testReason, "no shelf")
	// A gRPC hop: the status is rebuilt from its wire form.
	wire, err := proto.Marshal(status.Convert(catalogErr).Proto())
	if err != nil {
		t.Fatal(err)
	}
	p := new(spb.Status)
	if err := proto.Unmarshal(wire, p); err != nil {
		t.Fatal(err)
	}
	afterHop := status.FromProto(p).Err()

	// A status that carries a detail no one here knows, then the ErrorInfo.
	withUnknown := status.FromProto(&spb.Status{Code: int32(codes.NotFound), Message: "x", Details: []*anypb.Any{
		{TypeUrl: "type.googleapis.com/acme.v1.Secret", Value: []byte{0x0a, 0x01, 'a'}},
		mustAny(t, &errdetails.ErrorInfo{Reason: testReason, Domain: testDomain}),
	}}).Err()
	// An ErrorInfo under a type URL with another host part is still one.
	otherHost := status.FromProto(&spb.Status{Code: int32(codes.NotFound), Details: []*anypb.Any{
		{TypeUrl: "example.com/google.rpc.ErrorInfo", Value: mustAny(t, &errdetails.ErrorInfo{Reason: testReason, Domain: testDomain}).GetValue()},
	}}).Err()
	// A corrupt ErrorInfo is skipped, not trusted.
	corrupt := status.FromProto(&spb.Status{Code: int32(codes.NotFound), Details: []*anypb.Any{
		{TypeUrl: "type.googleapis.com/google.rpc.ErrorInfo", Value: []byte{0xff}},
	}}).Err()

	testCases := []struct {
		name string
		err  error
		want bool
	}{
		{"itself", catalogErr, true},
		{"after a gRPC hop", afterHop, true},
		{"wrapped", fmt.Errorf("load shelf: %w", catalogErr), true},
		{"second status of a join", errors.Join(status.Error(codes.Internal, "other"), catalogErr), true},
		{"beside an unknown detail", withUnknown, true},
		{"type URL with another host", otherHost, true},
		{"nil", nil, false},
		{"plain error", errors.New(testReason), false},
		{"status without details", status.Error(codes.NotFound, testReason), false},
		{"other domain", reason.Errorf(404, "other.example.com", testReason, "x"), false},
		{"other reason", reason.Errorf(404, testDomain, "BOOK_NOT_FOUND", "x"), false},
		{"pinned, no ErrorInfo", statusmap.Error(404, testReason), false},
		{"corrupt ErrorInfo", corrupt, false},
		{"chain that wraps itself", &catalogLoop{}, false},
	}
	for _, tc := range testCases {
		if got := reason.Has(tc.err, testDomain, testReason); got != tc.want {
			t.Errorf("%s: Has = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func mustAny(t *testing.T, m proto.Message) *anypb.Any {
	t.Helper()
	a, err := anypb.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ExampleErrorf shows what the code generated for an error catalog
// does: ErrorShelfNotFound and IsShelfNotFound are these two calls.
func ExampleErrorf() {
	err := reason.Errorf(404, "library.example.com", "SHELF_NOT_FOUND", "no shelf %q", "fiction")
	err = fmt.Errorf("lend book: %w", err)

	fmt.Println(status.Code(errors.Unwrap(err)), statusmap.HTTPStatusOf(err))
	fmt.Println(reason.Has(err, "library.example.com", "SHELF_NOT_FOUND"))
	fmt.Println(reason.Has(err, "library.example.com", "BOOK_NOT_FOUND"))
	// Output:
	// NotFound 404
	// true
	// false
}

func TestNewCode(t *testing.T) {
	testCases := []struct {
		code       codes.Code
		httpStatus int
		wantCode   codes.Code
		wantHTTP   int
		wantPin    bool
	}{
		{codes.AlreadyExists, 409, codes.AlreadyExists, 409, true},
		{codes.Aborted, 409, codes.Aborted, 409, true},
		{codes.FailedPrecondition, 400, codes.FailedPrecondition, 400, true},
		{codes.DataLoss, 500, codes.DataLoss, 500, true},
		// The pin keeps the status whatever the code says.
		{codes.Unimplemented, 405, codes.Unimplemented, 405, true},
		// OK would make a nil error: the status's own code instead.
		{codes.OK, 409, codes.Aborted, 409, true},
		// Not an error status: Unknown, unpinned, as New.
		{codes.AlreadyExists, 200, codes.Unknown, 500, false},
		{codes.AlreadyExists, 302, codes.Unknown, 500, false},
		{codes.OK, 204, codes.Unknown, 500, false},
	}
	for _, tc := range testCases {
		st := reason.NewCode(tc.code, tc.httpStatus, testDomain, testReason, "exists")
		if st.Code() != tc.wantCode || st.Message() != "exists" {
			t.Errorf("NewCode(%v, %d): code %v, message %q; want %v", tc.code, tc.httpStatus, st.Code(), st.Message(), tc.wantCode)
		}
		err := st.Err()
		if err == nil {
			t.Fatalf("NewCode(%v, %d).Err() = nil", tc.code, tc.httpStatus)
		}
		if got := statusmap.HTTPStatusOf(err); got != tc.wantHTTP {
			t.Errorf("HTTPStatusOf(NewCode(%v, %d)) = %d; want %d", tc.code, tc.httpStatus, got, tc.wantHTTP)
		}
		if got := statusmap.PinOf(err) != nil; got != tc.wantPin {
			t.Errorf("NewCode(%v, %d): pinned %v; want %v", tc.code, tc.httpStatus, got, tc.wantPin)
		}
		if !reason.Has(err, testDomain, testReason) {
			t.Errorf("Has(NewCode(%v, %d)) = false", tc.code, tc.httpStatus)
		}
	}
	err := reason.CodeErrorf(codes.AlreadyExists, 409, testDomain, testReason, "book %q exists", "dune")
	if st := status.Convert(err); st.Code() != codes.AlreadyExists || st.Message() != `book "dune" exists` {
		t.Errorf("CodeErrorf: %v %q", st.Code(), st.Message())
	}
}

// ExampleCodeErrorf shows the code generated for a catalog value with
// (statusmap.v1.grpc_code) = ALREADY_EXISTS: a 409 whose code says
// "already exists" instead of Aborted's "retry the transaction".
func ExampleCodeErrorf() {
	err := reason.CodeErrorf(codes.AlreadyExists, 409, "library.example.com", "BOOK_EXISTS", "book %q exists", "dune")

	fmt.Println(status.Code(err), statusmap.HTTPStatusOf(err))
	fmt.Println(reason.Has(err, "library.example.com", "BOOK_EXISTS"))
	// Output:
	// AlreadyExists 409
	// true
}
