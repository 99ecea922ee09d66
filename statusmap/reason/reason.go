// Package reason is the runtime of statusmap's error catalogs: errors
// identified, as AIP-193 asks, by a reason and a domain (a
// google.rpc.ErrorInfo detail) with an exact HTTP status pinned beside
// them.
//
// The code protoc-gen-go-statusmap generates for an enum with the
// statusmap.v1.domain option calls this package and nothing else, so that
// what an error of a catalog is stays in one place. Write a catalog in a
// .proto and call its generated Error<Reason> and Is<Reason> functions;
// call this package directly only for an error that has no catalog.
//
// The package has no mutable state, starts no goroutines and does not log.
// Every function is safe for concurrent use.
package reason

import (
	"fmt"

	"github.com/statusmap/statusmap/internal/errchain"
	"github.com/statusmap/statusmap/internal/wire"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// New returns the gRPC status of an error identified by a reason and a
// domain: statusmap.New(httpStatus, msg) with a
// google.rpc.ErrorInfo{Reason: reason, Domain: domain} detail after the pin.
//
// The error stays an error whatever httpStatus is: a status that is not 400
// to 599 gives Unknown, unpinned (statusmap.HTTPStatusOf reads it as 500),
// with the ErrorInfo still on it. Generated catalogs only pass 400 to 599.
func New(httpStatus int, domain, reason, msg string) *status.Status {
	return NewCode(statusmap.Code(httpStatus), httpStatus, domain, reason, msg)
}

// NewCode is New with the gRPC code chosen by the caller instead of
// statusmap.Code(httpStatus): a 409 that means "already exists" is
// AlreadyExists, not Aborted. The exact status is pinned beside the code,
// so statusmap.HTTPStatusOf and the gateway answer httpStatus whatever the
// code.
//
// The code is taken as given, but OK, which would make the error nil, is
// replaced by statusmap.Code(httpStatus). A status that is not 400 to 599
// gives Unknown, unpinned, as in New. Generated catalogs pass only a code
// whose HTTP status is httpStatus or statusmap.HTTPStatus(statusmap.Code(httpStatus)),
// which protoc-gen-go-statusmap checks (the statusmap.v1.grpc_code option),
// so that a client that ignores the pin still sees a status of the same
// kind.
func NewCode(code codes.Code, httpStatus int, domain, reason, msg string) *status.Status {
	// statusmap.New pins 400 to 599 under statusmap.Code(httpStatus), and
	// gives anything else unpinned: OK for a 2xx, Unknown otherwise.
	p := statusmap.New(httpStatus, msg).Proto()
	switch {
	case !wire.IsErrorStatus(httpStatus):
		// A 2xx would make a nil error; the caller asked for an error.
		p.Code = int32(codes.Unknown)
	case code != codes.OK:
		p.Code = int32(code)
	}
	info, err := anypb.New(&errdetails.ErrorInfo{Reason: reason, Domain: domain})
	if err == nil {
		// Marshalling a message of known type with valid fields cannot
		// fail; should it ever, the code, message and pin are kept.
		p.Details = append(p.Details, info)
	}
	return status.FromProto(p)
}

// Errorf is New(httpStatus, domain, reason, fmt.Sprintf(format,
// args...)).Err(). It never returns nil. The code generated for a catalog
// value calls it.
func Errorf(httpStatus int, domain, reason, format string, args ...any) error {
	return New(httpStatus, domain, reason, fmt.Sprintf(format, args...)).Err()
}

// CodeErrorf is NewCode(code, httpStatus, domain, reason,
// fmt.Sprintf(format, args...)).Err(). It never returns nil. The code
// generated for a catalog value with a statusmap.v1.grpc_code calls it.
func CodeErrorf(code codes.Code, httpStatus int, domain, reason, format string, args ...any) error {
	return NewCode(code, httpStatus, domain, reason, fmt.Sprintf(format, args...)).Err()
}

// Has reports whether a gRPC status in err's chain carries a
// google.rpc.ErrorInfo with this reason and domain. Every status in the
// chain is looked at, not only the first, so an error that wraps a
// catalog error inside another status is still recognised. The code
// generated for a catalog value's Is<Reason> calls it.
//
// It holds after gRPC hops (the ErrorInfo is a detail of the status) and
// after an HTTP hop through a statusmap gateway, in every body format, once
// the response is read back with gateway.ErrorFromResponse. A reason without
// its domain means nothing (two services may both say NOT_FOUND), so both
// must match.
func Has(err error, domain, reason string) bool {
	return errchain.Walk(err, func(e error) bool {
		s, ok := e.(interface{ GRPCStatus() *status.Status })
		if !ok {
			return false
		}
		st := s.GRPCStatus()
		return st != nil && statusHas(st.Proto(), domain, reason)
	})
}

// statusHas decodes only the details of ErrorInfo's type: a status
// carrying a detail this binary does not know is still checked.
func statusHas(p *spb.Status, domain, reason string) bool {
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
