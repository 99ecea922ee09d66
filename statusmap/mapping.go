package statusmap

import (
	"net/http"

	"github.com/statusmap/statusmap/internal/wire"

	"google.golang.org/grpc/codes"
)

// HTTPStatus returns the documented HTTP status for a gRPC code.
//
// Every code lands on a status of the documented table. Where the table has
// no exact match the nearest documented meaning is used: Canceled is 408
// (google/rpc/code.proto says 499, which is not documented) and
// ResourceExhausted is 503 (not 429; a 503 asks the client to retry with
// backoff, which is what a quota error wants). A code outside 0 to 16 is 500.
//
// Each case names net/http's constant with its number beside it, so that the
// function can be held against the table in the README line by line.
// HTTPStatus does not allocate.
func HTTPStatus(c codes.Code) int {
	switch c {
	case codes.OK:
		return http.StatusOK // 200
	case codes.Canceled:
		return http.StatusRequestTimeout // 408
	case codes.Unknown:
		return http.StatusInternalServerError // 500
	case codes.InvalidArgument:
		return http.StatusBadRequest // 400
	case codes.DeadlineExceeded:
		return http.StatusGatewayTimeout // 504
	case codes.NotFound:
		return http.StatusNotFound // 404
	case codes.AlreadyExists:
		return http.StatusConflict // 409
	case codes.PermissionDenied:
		return http.StatusForbidden // 403
	case codes.ResourceExhausted:
		return http.StatusServiceUnavailable // 503
	case codes.FailedPrecondition:
		return http.StatusBadRequest // 400
	case codes.Aborted:
		return http.StatusConflict // 409
	case codes.OutOfRange:
		return http.StatusBadRequest // 400
	case codes.Unimplemented:
		return http.StatusNotImplemented // 501
	case codes.Internal:
		return http.StatusInternalServerError // 500
	case codes.Unavailable:
		return http.StatusServiceUnavailable // 503
	case codes.DataLoss:
		return http.StatusInternalServerError // 500
	case codes.Unauthenticated:
		return http.StatusUnauthorized // 401
	default:
		return http.StatusInternalServerError // 500
	}
}

// Code returns the gRPC code that means what an HTTP status means.
//
// This is a semantic mapping for servers: a handler that decided on 409
// means Aborted. It is not the gRPC specification's table for clients that
// got a non-gRPC response from a proxy (which maps 400 to Internal and 404 to
// Unimplemented, and says itself that servers must not use it).
//
// Every 2xx is OK. Beside the documented statuses, a few well-known ones map
// to their obvious codes (410 NotFound, 412 FailedPrecondition, 415 and 422
// InvalidArgument, 416 OutOfRange, 429 ResourceExhausted, 499 Canceled).
// Everything else, 1xx and 3xx included, is Unknown. Code does not allocate.
//
// Code is not the inverse of HTTPStatus: HTTPStatus(Code(405)) is 501. Use
// New or Error to keep an exact status across a gRPC hop.
func Code(httpStatus int) codes.Code {
	switch httpStatus {
	case 400:
		return codes.InvalidArgument
	case 401:
		return codes.Unauthenticated
	case 403:
		return codes.PermissionDenied
	case 404:
		return codes.NotFound
	case 405:
		return codes.Unimplemented
	case 406:
		return codes.InvalidArgument
	case 407:
		return codes.Unauthenticated
	case 408:
		return codes.DeadlineExceeded
	case 409:
		return codes.Aborted
	case 410:
		return codes.NotFound
	case 412:
		return codes.FailedPrecondition
	case 415:
		return codes.InvalidArgument
	case 416:
		return codes.OutOfRange
	case 422:
		return codes.InvalidArgument
	case 429:
		return codes.ResourceExhausted
	case 499:
		return codes.Canceled
	case 500:
		return codes.Internal
	case 501:
		return codes.Unimplemented
	case 502:
		return codes.Unavailable
	case 503:
		return codes.Unavailable
	case 504:
		return codes.DeadlineExceeded
	}
	if wire.IsSuccessStatus(httpStatus) {
		return codes.OK
	}
	return codes.Unknown
}

// maxCode is the highest gRPC code the mapping has a row for.
const maxCode = codes.Code(wire.MaxCode)
