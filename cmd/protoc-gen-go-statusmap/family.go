package main

import (
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/statusmap/statusmap/internal/wire"
)

// The plugin cannot import package statusmap, which links the Go code
// generated from proto/statusmap/v1 (.ci/proto-check deletes that code and
// runs this plugin with "go run" in the same buf run that writes it again).
// So it holds a copy of the two functions of statusmap's mapping that the
// grpc_code option is checked against; TestMappingCopy holds the copy
// against statusmap.HTTPStatus and statusmap.Code, code by code and status
// by status.

// grpcCode is a gRPC code, as google.rpc.Code and statusmap.v1.Code number
// it.
type grpcCode int32

// maxGRPCCode is Unauthenticated, the highest code.
const maxGRPCCode = grpcCode(wire.MaxCode)

// String is the code's proto name, as in statusmap.v1.Code and
// google.rpc.Code: ALREADY_EXISTS.
func (c grpcCode) String() string { return wire.CodeNames[c] }

// goName is the code's constant in grpc-go's package codes, AlreadyExists,
// as that package spells it.
func (c grpcCode) goName() string { return codes.Code(c).String() }

// httpStatusOfCode is statusmap.HTTPStatus, by code.
var httpStatusOfCode = [maxGRPCCode + 1]int{200, 408, 500, 400, 504, 404, 409, 403, 503, 400, 409, 400, 501, 500, 503, 500, 401}

// codeOfStatus is statusmap.Code for the error statuses with a row of their
// own; every other error status is Unknown.
var codeOfStatus = map[int]grpcCode{
	400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 406: 3, 407: 16, 408: 4, 409: 10, 410: 5,
	412: 9, 415: 3, 416: 11, 422: 3, 429: 8, 499: 1, 500: 13, 501: 12, 502: 14, 503: 14, 504: 4,
}

// defaultCode is statusmap.Code(httpStatus) for an error status: the code
// of an error without grpc_code.
func defaultCode(httpStatus int) grpcCode {
	if c, ok := codeOfStatus[httpStatus]; ok {
		return c
	}
	return 2 // Unknown
}

// inFamily reports whether code may be the code of an error answered with
// httpStatus. A client that does not read the pinned status (a gRPC client,
// another gateway) answers or reports HTTPStatus(code): the family of a
// status is the codes for which that is the status itself or what the
// default code gives. Choosing the code then never makes such a client see
// a status that neither the catalog nor the default would give: for 409
// ABORTED or ALREADY_EXISTS, for 400 and 412 INVALID_ARGUMENT,
// FAILED_PRECONDITION or OUT_OF_RANGE, for 405 only UNIMPLEMENTED (its 501
// is what an unpinned 405 becomes anyway). OK is in no family.
func inFamily(code grpcCode, httpStatus int) bool {
	if code <= 0 || code > maxGRPCCode {
		return false
	}
	s := httpStatusOfCode[code]
	return s == httpStatus || s == httpStatusOfCode[defaultCode(httpStatus)]
}

// family lists the codes of a status's family, for error messages.
func family(httpStatus int) string {
	var names []string
	for c := grpcCode(1); c <= maxGRPCCode; c++ {
		if inFamily(c, httpStatus) {
			names = append(names, c.String())
		}
	}
	return strings.Join(names, ", ")
}
