package statusmap

import (
	"context"
	"fmt"

	"github.com/statusmap/statusmap/internal/errchain"
	pins "github.com/statusmap/statusmap/internal/pin"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
)

// New returns a gRPC status for an HTTP status, with the exact HTTP status
// pinned on it.
//
//   - For 400 to 599 the code is Code(httpStatus) and the status carries a
//     statusmapv1.HttpStatus detail, so HTTPStatusOf returns httpStatus
//     after the status was sent over gRPC, rebuilt from its proto, or wrapped.
//   - For a 2xx the status is OK (its Err is nil).
//   - Anything else (1xx, 3xx, outside 100 to 599) is not an error status an
//     API can answer with: the status is Unknown with the message, unpinned,
//     and HTTPStatusOf reads it as 500.
func New(httpStatus int, msg string) *status.Status {
	return NewPinned(&statusmapv1.HttpStatus{Code: int32(clampStatus(httpStatus))}, msg)
}

// NewPinned is New with a complete pin: beside the status it may carry the
// methods a 405 response lists in Allow and the challenges of a 401 or 407.
// The code is Code(pin.Code). The pin is copied; a pin whose code is not 400
// to 599 is treated as New treats such a status.
func NewPinned(pin *statusmapv1.HttpStatus, msg string) *status.Status {
	return pinned(pin, Code(int(pin.GetCode())), msg)
}

// pinned is NewPinned with the code chosen by the caller (a Mapper's).
func pinned(pin *statusmapv1.HttpStatus, code codes.Code, msg string) *status.Status {
	httpStatus := int(pin.GetCode())
	switch {
	case wire.IsSuccessStatus(httpStatus):
		return status.New(codes.OK, msg)
	case !wire.IsErrorStatus(httpStatus):
		return status.New(codes.Unknown, msg)
	}
	detail, err := anypb.New(pin)
	if err != nil {
		// Marshalling a message of known type with valid fields cannot fail;
		// should it ever, keep the code and message rather than lose them.
		return status.New(code, msg)
	}
	return status.FromProto(&spb.Status{
		Code:    int32(code),
		Message: msg,
		Details: []*anypb.Any{detail},
	})
}

// Error is New(httpStatus, msg).Err(): nil for a 2xx status.
func Error(httpStatus int, msg string) error {
	return New(httpStatus, msg).Err()
}

// Errorf is Error with a formatted message.
func Errorf(httpStatus int, format string, args ...any) error {
	return New(httpStatus, fmt.Sprintf(format, args...)).Err()
}

// clampStatus keeps an int that does not fit in an int32 from wrapping
// around into a valid status.
func clampStatus(httpStatus int) int {
	if httpStatus < 0 || httpStatus > 999 {
		return 0
	}
	return httpStatus
}

// HTTPStatusOf returns the HTTP status an error should be answered with.
//
// In order:
//   - nil is 200;
//   - a gRPC status (found anywhere in the chain) with a pinned 4xx or 5xx
//     status is that status; a pin with any other value is ignored, so a pin
//     never turns an error into a success;
//   - another gRPC status is HTTPStatus(code), and a non-nil error whose
//     status claims OK is 500;
//   - context.Canceled is 408 and context.DeadlineExceeded 504;
//   - an error in the chain with an HTTPStatus() int or StatusCode() int
//     method returning 400 to 599 is that status;
//   - anything else is 500.
//
// On an unpinned status error without details it does not allocate.
func HTTPStatusOf(err error) int {
	return httpStatusOf(err, nil)
}

func httpStatusOf(err error, m *Mapper) int {
	if err == nil {
		return 200
	}
	if st := errchain.Status(err); st != nil {
		if pin := pinOfStatus(st); pin != nil {
			return int(pin.GetCode())
		}
		if st.Code() == codes.OK {
			return 500
		}
		return m.HTTPStatus(st.Code())
	}
	switch {
	case errchain.Is(err, context.Canceled):
		return m.HTTPStatus(codes.Canceled)
	case errchain.Is(err, context.DeadlineExceeded):
		return m.HTTPStatus(codes.DeadlineExceeded)
	}
	if httpStatus, ok := statusCodeInChain(err); ok {
		return httpStatus
	}
	return 500
}

// PinOf returns the valid pin carried by the gRPC status in err's chain, or
// nil when there is none. The result is the caller's to keep.
func PinOf(err error) *statusmapv1.HttpStatus {
	if st := errchain.Status(err); st != nil {
		return pinOfStatus(st)
	}
	return nil
}

// pinOfStatus reads the pin through Details, which costs nothing for a
// status without details: the common case stays allocation-free. Which
// pin counts is internal/pin's rule, the gateway's too.
func pinOfStatus(st *status.Status) *statusmapv1.HttpStatus {
	return pins.FromDetails(st.Details())
}

// statusCodeInChain returns the HTTP status reported by the first error in
// err's chain with an HTTPStatus() int or StatusCode() int method that
// returns 400 to 599. HTTP client libraries' error types commonly have one
// of the two.
func statusCodeInChain(err error) (int, bool) {
	httpStatus := 0
	errchain.Walk(err, func(e error) bool {
		switch s := e.(type) {
		case interface{ HTTPStatus() int }:
			httpStatus = s.HTTPStatus()
		case interface{ StatusCode() int }:
			httpStatus = s.StatusCode()
		default:
			return false
		}
		return wire.IsErrorStatus(httpStatus)
	})
	return httpStatus, wire.IsErrorStatus(httpStatus)
}
