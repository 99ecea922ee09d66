package statusmap_test

import (
	"fmt"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func ExampleHTTPStatus() {
	fmt.Println(statusmap.HTTPStatus(codes.NotFound))
	fmt.Println(statusmap.HTTPStatus(codes.ResourceExhausted))
	fmt.Println(statusmap.HTTPStatus(codes.Canceled))
	// Output:
	// 404
	// 503
	// 408
}

func ExampleCode() {
	fmt.Println(statusmap.Code(409))
	fmt.Println(statusmap.Code(405))
	fmt.Println(statusmap.Code(201))
	// Output:
	// Aborted
	// Unimplemented
	// OK
}

// A status pinned with Error keeps its exact HTTP status, although its
// gRPC code maps back to another one.
func ExampleError() {
	err := statusmap.Error(405, "books are read-only")
	fmt.Println(status.Code(err))
	fmt.Println(statusmap.HTTPStatus(status.Code(err)))
	fmt.Println(statusmap.HTTPStatusOf(err))
	// Output:
	// Unimplemented
	// 501
	// 405
}

func ExampleHTTPStatusOf() {
	fmt.Println(statusmap.HTTPStatusOf(nil))
	fmt.Println(statusmap.HTTPStatusOf(status.Error(codes.PermissionDenied, "no")))
	fmt.Println(statusmap.HTTPStatusOf(fmt.Errorf("saving: %w", statusmap.Error(502, "upstream down"))))
	// Output:
	// 200
	// 403
	// 502
}

func ExampleNewMapper() {
	m, err := statusmap.NewMapper(
		statusmap.WithProfile(statusmap.ProfileGoogle),
		statusmap.WithHTTPStatus(codes.FailedPrecondition, 412),
	)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.HTTPStatus(codes.ResourceExhausted))
	fmt.Println(m.HTTPStatus(codes.FailedPrecondition))
	// Output:
	// 429
	// 412
}

func ExampleDocumented() {
	for _, e := range statusmap.Documented()[:4] {
		fmt.Println(e.HTTPStatus, e.Reason, e.Code)
	}
	// Output:
	// 200 OK OK
	// 201 Created OK
	// 204 No Content OK
	// 400 Bad Request InvalidArgument
}

// NewPinned carries what a 405 or a 401 response must say beside its
// status; a gateway writes it as Allow or WWW-Authenticate.
func ExampleNewPinned() {
	st := statusmap.NewPinned(&statusmapv1.HttpStatus{
		Code:           405,
		AllowedMethods: []string{"GET", "HEAD"},
	}, "books are read-only")
	pin := statusmap.PinOf(st.Err())
	fmt.Println(st.Code(), pin.GetCode(), pin.GetAllowedMethods())
	// Output:
	// Unimplemented 405 [GET HEAD]
}
