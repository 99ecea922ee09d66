package gateway

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway/internal/body"
	"github.com/statusmap/statusmap/gateway/internal/reqerr"
	"github.com/statusmap/statusmap/gateway/internal/upstream"
	"github.com/statusmap/statusmap/internal/errchain"
	"github.com/statusmap/statusmap/internal/httpwire"
	pins "github.com/statusmap/statusmap/internal/pin"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
)

// errorStatus finds the status to answer err with, its HTTP status, and the
// pin it carries (nil if none), found once for both the status and the
// headers. The status is a copy, the caller's to change.
//
// Every search of the chain here is bounded (errchain): an error that wraps
// itself must not hang or crash the server, and errors.As and
// status.FromError would.
func (g *Gateway) errorStatus(ctx context.Context, err error) (*spb.Status, int, *statusmapv1.HttpStatus) {
	override := 0
	if statusErr, ok := errchain.Find[*runtime.HTTPStatusError](err); ok {
		// grpc-gateway's own override. Only an error status is honoured, so
		// that no error can be answered as a success.
		if wire.IsErrorStatus(statusErr.HTTPStatus) {
			override = statusErr.HTTPStatus
		}
		err = statusErr.Err
	}

	var sp *spb.Status
	httpStatus := 0
	switch st := errchain.Status(err); {
	case st != nil:
		// The status as it was made: a wrapped status speaks with its own
		// message, as statusmap's interceptors send it (errchain.Status).
		sp = st.Proto()
	case err == nil:
		sp = &spb.Status{Code: int32(codes.Unknown), Message: "unknown error"}
		httpStatus = http.StatusInternalServerError
	default:
		// Not a status: an in-process handler's error (grpc-gateway's
		// RegisterXHandlerServer skips gRPC interceptors) or a plain
		// net/http handler's. Translate it as the interceptors would, with
		// the rules given to WithRules: context errors, an HTTPStatus or
		// StatusCode method pinned, the user's rules, else Unknown. Unless
		// WithRules(statusmap.WithErrorText(true)), the text of an error
		// not made for a client is withheld and handed to the rules' hook.
		sp = errchain.Status(g.cfg.translate(ctx, err)).Proto()
		if text := http.StatusText(override); text != "" && sp.GetCode() == int32(codes.Unknown) &&
			sp.GetMessage() != err.Error() && sp.GetMessage() == http.StatusText(g.cfg.mapper.HTTPStatus(codes.Unknown)) {
			// The withheld text names Unknown's HTTP status, but the answer
			// has the override's (grpc-gateway's 400 for a malformed path
			// escape): its status text speaks for it.
			sp.Message = text
		}
	}
	if sp.GetCode() == int32(codes.OK) {
		// An error handler was given a success: it is still an error.
		sp.Code = int32(codes.Unknown)
	}
	pin := pins.Find(sp.GetDetails())
	switch {
	case override != 0:
		httpStatus = override
	case httpStatus != 0:
	case pin != nil:
		httpStatus = int(pin.GetCode())
	default:
		httpStatus = g.cfg.mapper.HTTPStatus(codes.Code(sp.GetCode()))
	}
	return sp, httpStatus, pin
}

// redactStatus applies WithRedaction to a 5xx status: the message, the
// DebugInfo, and what an upstream wrote into the ErrorInfo of a status
// ErrorFromResponse folded (its message, challenges and Allow).
//
// It keeps every other detail, unlike the reader's redaction
// (upstream.redact, which keeps only a bare pin, a RetryInfo and its own
// ErrorInfos): a status written here comes from the user's own services,
// whose details are the API's contract with its clients, so what it
// protects against is only the internals a 5xx may leak (a message from
// deep in the server, a DebugInfo's stack). The reader's protects the
// other way round: text a third party wrote, none of which is a contract
// of this API.
func (g *Gateway) redactStatus(sp *spb.Status, httpStatus int) {
	if !g.cfg.redact || httpStatus < 500 {
		return
	}
	sp.Message = http.StatusText(httpStatus)
	kept := sp.Details[:0]
	for _, d := range sp.Details {
		switch {
		case wire.HasFullName(d.GetTypeUrl(), wire.DebugInfoFullName):
		case wire.HasFullName(d.GetTypeUrl(), wire.ErrorInfoFullName):
			if clean, ok := upstream.RedactedInfo(d); ok {
				d = clean
			}
			kept = append(kept, d)
		default:
			kept = append(kept, d)
		}
	}
	sp.Details = kept
}

// writeError writes a whole error response: status, the headers HTTP
// requires, forwarded metadata, the body, and trailers. mux is nil outside
// a grpc-gateway mux, and b the binding whose handler answers (nil then).
// It returns the error of writing the body.
func (g *Gateway) writeError(ctx context.Context, b *binding, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) error {
	sp, httpStatus, pin := g.errorStatus(ctx, err)
	if clean, cleanStatus, ok := reqerr.Recognize(ctx, r, sp); ok {
		sp, httpStatus, pin = clean, cleanStatus, nil
	}
	return g.writeStatus(ctx, b, mux, marshaler, w, r, sp, httpStatus, pin)
}

// writeStatus is writeError once the status is chosen.
func (g *Gateway) writeStatus(ctx context.Context, b *binding, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, sp *spb.Status, httpStatus int, pin *statusmapv1.HttpStatus) error {
	g.withValidationDetails(ctx, marshaler, sp)
	g.redactStatus(sp, httpStatus)

	format := g.cfg.format
	if r != nil && httpwire.PrefersProblem(r.Header.Values("Accept")) {
		format = FormatProblem
	}
	contentType, body := g.bodies.Render(format.wire(), marshaler, sp, httpStatus)

	// The header names are written in canonical form, as map keys, which
	// spares net/http's canonicalisation on every error.
	h := w.Header()
	delete(h, "Trailer")
	delete(h, "Transfer-Encoding")
	h["Content-Type"] = []string{contentType}
	pin = g.withAllowedMethods(pin, httpStatus, mux, r, b)
	g.setErrorHeaders(h, sp, httpStatus, pin)
	trailers := forwardMetadata(ctx, mux, marshaler, r, h)

	w.WriteHeader(httpStatus)
	_, werr := w.Write(*body)
	g.bodies.Release(body)
	trailers.write(h)
	return werr
}

// withAllowedMethods completes a 405 whose pin lists no methods (a routing
// 405, or a service's own statusmap.Error(405, ...)) with the methods the
// mux routes for the path, since RFC 9110 requires Allow on every 405. The
// request's own method is left out: the mux or the service refused it.
// b is mux's binding, or nil if unknown.
func (g *Gateway) withAllowedMethods(pin *statusmapv1.HttpStatus, httpStatus int, mux *runtime.ServeMux, r *http.Request, b *binding) *statusmapv1.HttpStatus {
	if httpStatus != http.StatusMethodNotAllowed || len(pin.GetAllowedMethods()) > 0 || mux == nil || r == nil || probeOf(r) != nil {
		return pin
	}
	complete := &statusmapv1.HttpStatus{Code: int32(httpStatus), Challenges: pin.GetChallenges()}
	complete.AllowedMethods = g.bindingOrProbeAllowed(mux, r, b)
	return complete
}

// bodyOptions are what the Gateway's error bodies are written with.
func (c *config) bodyOptions() body.Options {
	return body.Options{PinInBody: c.pinInBody, ProblemType: c.problemType}
}

// wire is f as the internal packages name it (wire.Format), the one
// conversion for the body writer and the OpenAPI rewrite.
func (f Format) wire() wire.Format {
	switch f {
	case FormatGoogle:
		return wire.FormatGoogle
	case FormatProblem:
		return wire.FormatProblem
	}
	return wire.FormatStatus
}
