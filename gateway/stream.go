package gateway

import (
	"context"
	"github.com/statusmap/statusmap/internal/httpwire"
	pins "github.com/statusmap/statusmap/internal/pin"
	"github.com/statusmap/statusmap/internal/validutf8"
	"unicode/utf8"

	"github.com/statusmap/statusmap/gateway/internal/body"
	"google.golang.org/grpc/status"
)

// handleStreamError answers a server stream's error. grpc-gateway calls it
// with the stream's context and nothing else, then writes the status line
// itself, from its own table, when the stream fails before its first
// message. The request's exchange is found from that context (the
// forward-response option opened the stream under it) and substitutes the status a unary error would get, with its headers; a
// request that prefers application/problem+json gets the problem body in
// place of grpc-gateway's error chunk. After the first message the status
// is already sent, and the error goes into the stream as grpc-gateway
// writes it ({"error": {...}}).
func (b *binding) handleStreamError(ctx context.Context, err error) *status.Status {
	if probeError(err) {
		return probeStatus()
	}
	g := b.g
	ex := exchangeOf(ctx, nil, b)
	sp, httpStatus, pin := g.errorStatus(ctx, err)
	b.withStreamValidationDetails(ctx, ex, sp)
	g.redactStatus(sp, httpStatus)
	if ex != nil && !ex.wroteHeader {
		ex.errorStatus = httpStatus
		h := ex.Header()
		pin = g.withAllowedMethods(pin, httpStatus, b.mux, ex.req, b)
		g.setErrorHeaders(h, sp, httpStatus, pin)
		accept := ex.req.Header["Accept"]
		if httpwire.PrefersProblem(accept) || g.cfg.format != FormatStatus {
			// The stream has sent nothing: answer as a unary call would.
			format := g.cfg.format
			if httpwire.PrefersProblem(accept) {
				format = FormatProblem
			}
			contentType, body := g.bodies.Render(format.wire(), defaultMarshaler, sp, httpStatus)
			ex.errorBody = append([]byte(nil), *body...)
			g.bodies.Release(body)
			ex.errorContentType = contentType
		}
	}
	if !g.cfg.pinInBody {
		sp.Details = pins.Without(sp.Details)
	}
	body.KeepMarshalable(sp.GetDetails())
	if !utf8.ValidString(sp.Message) {
		sp.Message = validutf8.String(sp.Message)
	}
	return status.FromProto(sp)
}
