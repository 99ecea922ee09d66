package gateway

import (
	"context"
	"fmt"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway/internal/body"
	"github.com/statusmap/statusmap/internal/validation"
	"github.com/statusmap/statusmap/statusmap"
	spb "google.golang.org/genproto/googleapis/rpc/status"
)

// WithValidationDetails says what the gateway does with the
// buf.validate.Violations detail of protovalidate's interceptors
// (go-grpc-middleware's interceptors/protovalidate, connect's validate),
// which only protovalidate-aware clients can decode: the default,
// statusmap.ValidationKeep, adds a google.rpc.BadRequest (AIP-193's field
// errors) right after it, in every body format; statusmap.ValidationReplace
// puts the BadRequest in its place, for clients that register only
// google.rpc types (a strict decoder refuses a whole body for one unknown
// detail); statusmap.ValidationOff leaves the details as they are.
//
// Each violation is one field violation: field is the path in the
// request's JSON ("items[2].sku", `labels["env"]`), with the names the
// request's marshaler writes (its JSON names, or the proto names under
// protojson's UseProtoNames) of the request message linked into the binary,
// found by the RPC's method name; description is the violation's message;
// reason its rule id. See statusmap.ValidationDetails for the details.
// A status that already carries a BadRequest (statusmap's interceptors with
// their WithValidationDetails, say) gets none added.
//
// statusmap.WithValidationDetails is the same setting for the gRPC
// interceptors, with the same type but another default: ValidationOff
// there (a gRPC response is left as the service wrote it unless asked),
// ValidationKeep here (an HTTP client rarely decodes the Violations).
func WithValidationDetails(v statusmap.ValidationDetails) Option {
	return func(c *config) error {
		if v < statusmap.ValidationOff || v > statusmap.ValidationReplace {
			return fmt.Errorf("gateway: WithValidationDetails(%v): not a statusmap.ValidationDetails", v)
		}
		c.validation = v
		return nil
	}
}

// withValidationDetails applies WithValidationDetails to sp, the caller's
// copy, whose body marshaler is marshaler.
func (g *Gateway) withValidationDetails(ctx context.Context, marshaler runtime.Marshaler, sp *spb.Status) {
	if g.cfg.validation == statusmap.ValidationOff || !validation.HasViolations(sp.GetDetails()) {
		return
	}
	opts, _ := body.JSONOptions(marshaler)
	names := validation.Names{ProtoNames: opts.UseProtoNames}
	if method, ok := runtime.RPCMethod(ctx); ok {
		names.Root = validation.RequestDescriptor(method)
	}
	if details, changed := validation.Rewrite(sp.GetDetails(), validation.Mode(g.cfg.validation), names); changed {
		sp.Details = details
	}
}

// withStreamValidationDetails is withValidationDetails for a server
// stream's error, which grpc-gateway writes with the request's outbound
// marshaler (found from the stream's exchange ex; the default one if the
// stream has none).
func (b *binding) withStreamValidationDetails(ctx context.Context, ex *exchange, sp *spb.Status) {
	if b.g.cfg.validation == statusmap.ValidationOff || !validation.HasViolations(sp.GetDetails()) {
		return
	}
	marshaler := defaultMarshaler
	if ex != nil && ex.req != nil && b.mux != nil {
		_, marshaler = runtime.MarshalerForRequest(b.mux, ex.req)
	}
	b.g.withValidationDetails(ctx, marshaler, sp)
}
