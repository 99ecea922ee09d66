package statusmap

import (
	"fmt"

	"github.com/statusmap/statusmap/internal/errchain"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// This file is the runtime of error catalogs: the code that
// protoc-gen-go-statusmap generates for an enum with the statusmap.v1.domain
// option calls these functions and nothing else, so that what an error of a
// catalog is stays in one place.

// NewReason returns the gRPC status of an error identified, as AIP-193 asks,
// by a reason and a domain: New(httpStatus, msg) with a
// google.rpc.ErrorInfo{Reason: reason, Domain: domain} detail after the pin.
//
// The error stays an error whatever httpStatus is: a status that is not 400
// to 599 gives Unknown, unpinned (HTTPStatusOf reads it as 500), with the
// ErrorInfo still on it. Generated catalogs only pass 400 to 599.
func NewReason(httpStatus int, domain, reason, msg string) *status.Status {
	return NewReasonCode(Code(httpStatus), httpStatus, domain, reason, msg)
}

// NewReasonCode is NewReason with the gRPC code chosen by the caller
// instead of Code(httpStatus): a 409 that means "already exists" is
// AlreadyExists, not Aborted. The exact status is pinned beside the code,
// so HTTPStatusOf and the gateway answer httpStatus whatever the code.
//
// The code is taken as given, but OK, which would make the error nil, is
// replaced by Code(httpStatus). A status that is not 400 to 599 gives
// Unknown, unpinned, as in NewReason. Generated catalogs pass only a code
// whose HTTPStatus is httpStatus or HTTPStatus(Code(httpStatus)), which
// protoc-gen-go-statusmap checks (the statusmap.v1.grpc_code option), so
// that a client that ignores the pin still sees a status of the same kind.
func NewReasonCode(code codes.Code, httpStatus int, domain, reason, msg string) *status.Status {
	if code == codes.OK {
		code = Code(httpStatus)
	}
	st := pinned(&statusmapv1.HttpStatus{Code: int32(clampStatus(httpStatus))}, code, msg)
	if st.Code() == codes.OK {
		// A 2xx would make a nil error; the caller asked for an error.
		st = status.New(codes.Unknown, msg)
	}
	info, err := anypb.New(&errdetails.ErrorInfo{Reason: reason, Domain: domain})
	if err != nil {
		// Marshalling a message of known type with valid fields cannot fail;
		// should it ever, keep the code, message and pin.
		return st
	}
	p := st.Proto()
	p.Details = append(p.Details, info)
	return status.FromProto(p)
}

// ReasonErrorf is NewReason(httpStatus, domain, reason,
// fmt.Sprintf(format, args...)).Err(). It never returns nil.
func ReasonErrorf(httpStatus int, domain, reason, format string, args ...any) error {
	return NewReason(httpStatus, domain, reason, fmt.Sprintf(format, args...)).Err()
}

// ReasonCodeErrorf is NewReasonCode(code, httpStatus, domain, reason,
// fmt.Sprintf(format, args...)).Err(). It never returns nil. The code
// generated for a catalog value with a statusmap.v1.grpc_code calls it.
func ReasonCodeErrorf(code codes.Code, httpStatus int, domain, reason, format string, args ...any) error {
	return NewReasonCode(code, httpStatus, domain, reason, fmt.Sprintf(format, args...)).Err()
}

// HasReason reports whether a gRPC status in err's chain carries a
// google.rpc.ErrorInfo with this reason and domain. Every status in the
// chain is looked at, not only the first, so an error that wraps a
// catalog error inside another status is still recognised.
//
// It holds after gRPC hops (the ErrorInfo is a detail of the status) and
// after an HTTP hop through a statusmap gateway, in every body format, once
// the response is read back with gateway.ErrorFromResponse. A reason without
// its domain means nothing (two services may both say NOT_FOUND), so both
// must match.
func HasReason(err error, domain, reason string) bool {
	return errchain.Walk(err, func(e error) bool {
		s, ok := e.(interface{ GRPCStatus() *status.Status })
		if !ok {
			return false
		}
		st := s.GRPCStatus()
		return st != nil && statusHasReason(st.Proto(), domain, reason)
	})
}

// statusHasReason decodes only the details of ErrorInfo's type: a status
// carrying a detail this binary does not know is still checked.
func statusHasReason(p *spb.Status, domain, reason string) bool {
	for _, detail := range p.GetDetails() {
		if !wire.HasFullName(detail.GetTypeUrl(), wire.ErrorInfoFullName) {
			continue
		}
		info := new(errdetails.ErrorInfo)
		if proto.Unmarshal(detail.GetValue(), info) == nil && info.GetReason() == reason && info.GetDomain() == domain {
			return true
		}
	}
	return false
}
