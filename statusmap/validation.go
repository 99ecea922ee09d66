package statusmap

import (
	"context"
	"fmt"

	"github.com/statusmap/statusmap/internal/validation"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// ValidationDetails says what to do with the buf.validate.Violations detail
// that protovalidate's interceptors (go-grpc-middleware's
// interceptors/protovalidate, connect's validate) attach to an
// InvalidArgument: a detail only protovalidate-aware clients can decode.
// WithValidationDetails here and gateway.WithValidationDetails take it.
//
// The google.rpc.BadRequest built has one field violation per violation:
// field is the path in the request's JSON names ("items[2].sku",
// `labels["env"]`; the names of the request message linked into the
// binary, found by the method's name, else derived from the proto names as
// protoc does), description the violation's message, reason its rule id
// ("string.min_len", a CEL rule's id). A status that already carries a
// google.rpc.BadRequest gets none added; a Violations detail that does not
// decode is left as it is.
type ValidationDetails int

const (
	// ValidationOff leaves the details as they are: the interceptors'
	// default.
	ValidationOff ValidationDetails = iota
	// ValidationKeep adds a google.rpc.BadRequest right after the
	// Violations, which stay for protovalidate-aware clients: the
	// gateway's default. A strict client that registers only google.rpc
	// types still refuses such a body, for the Violations.
	ValidationKeep
	// ValidationReplace puts the BadRequest in the Violations' place, for
	// clients that know only google.rpc.
	ValidationReplace
)

// String returns "off", "keep" or "replace".
func (v ValidationDetails) String() string {
	switch v {
	case ValidationOff:
		return "off"
	case ValidationKeep:
		return "keep"
	case ValidationReplace:
		return "replace"
	default:
		return fmt.Sprintf("ValidationDetails(%d)", int(v))
	}
}

// mode is v for internal/validation; the two enumerations are kept equal
// by TestValidationDetailsModes.
func (v ValidationDetails) mode() validation.Mode { return validation.Mode(v) }

// WithValidationDetails makes the interceptors add a google.rpc.BadRequest
// built from a status's buf.validate.Violations (see ValidationDetails), so
// that a gRPC client that knows only google.rpc reads the field errors. Put
// the statusmap interceptor before (outside) the protovalidate one in the
// chain, so that it sees the validation error:
//
//	grpc.ChainUnaryInterceptor(
//		statusmap.UnaryServerInterceptor(statusmap.WithValidationDetails(statusmap.ValidationReplace)),
//		protovalidate_middleware.UnaryServerInterceptor(validator),
//	)
//
// The default is ValidationOff: a gRPC response is left as the service
// wrote it unless asked. gateway.WithValidationDetails is the same setting
// for the HTTP side, with the same type but another default,
// ValidationKeep (an HTTP client rarely decodes the Violations). A value
// that is not one of the three is a bad option.
func WithValidationDetails(v ValidationDetails) Option {
	return func(c *interceptorConfig) {
		if v < ValidationOff || v > ValidationReplace {
			c.errs = append(c.errs, fmt.Errorf("statusmap: WithValidationDetails(%v): not a ValidationDetails", v))
			return
		}
		c.validation = v
	}
}

// withValidationDetails applies WithValidationDetails to a status the
// interceptors send; the field names are those of the request message of
// the call's method (grpc.Method), if it is linked into the binary.
func (c *interceptorConfig) withValidationDetails(ctx context.Context, st *status.Status) *status.Status {
	if c.validation == ValidationOff {
		return st
	}
	sp := st.Proto() // a copy, ours to change
	if len(sp.GetDetails()) == 0 {
		return st
	}
	names := validation.Names{}
	if method, ok := grpc.Method(ctx); ok {
		names.Root = validation.RequestDescriptor(method)
	}
	details, changed := validation.Rewrite(sp.GetDetails(), c.validation.mode(), names)
	if !changed {
		return st
	}
	sp.Details = details
	return status.FromProto(sp)
}
