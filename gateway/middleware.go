package gateway

import (
	"context"
	"github.com/statusmap/statusmap/internal/httpwire"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/metadata"
)

// binding is one mux's use of a Gateway: the handlers ServeMuxOptions
// installs, and the mux they were installed in. Gateway.install makes one
// per mux, before any handler can run.
type binding struct {
	g   *Gateway
	mux *runtime.ServeMux
	// streams are the exchanges of the server streams open in the mux, by
	// the context grpc-gateway forwards each with: its stream error handler
	// is given nothing else (see exchangeOf). An exchange enters when its
	// stream begins and leaves when its request ends.
	streams openStreams
	// once, checked and foreignHandlers are checkMux's: the mux is
	// verified on its first request (see foreign.go), and foreignHandlers
	// is set, before checked, when some error handler is not statusmap's.
	once            sync.Once
	checked         atomic.Bool
	foreignHandlers bool
	// routes counts the routes added to the mux, registered is the methods
	// they are for, and allow the Allow lists of recent routing 405s (see
	// allow.go).
	routes     atomic.Uint64
	registered atomic.Pointer[routeSet]
	allow      allowCache
}

// middleware runs for every request the mux routes to a handler, and
// creates, owns and ends the request's exchange (exchange.go). On the
// success path it allocates nothing once warm: the exchange comes from a
// pool, and no context or copy of the request is made.
func (b *binding) middleware(next runtime.HandlerFunc) runtime.HandlerFunc {
	// grpc-gateway wraps each route's handler as the route is added.
	b.routes.Add(1)
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if p := probeOf(r); p != nil {
			p.matched = true
			return
		}
		if outer := exchangeOf(r.Context(), w, nil); outer != nil && outer.req == r && outer.b.mux == b.mux {
			// statusmap is installed in this mux more than once (one slice
			// of options given twice): the outer installation made the
			// exchange for this very request, and this one, the last, whose
			// handlers the mux calls, takes it over, so that one binding
			// answers for it. (A handler that sends another request through
			// the mux gets a request of grpc-gateway's making, and an
			// exchange of its own.)
			outer.b = b
			next(w, r, params)
			return
		}
		b.checkMux()
		if b.g.cfg.notAcceptable && b.refuseUnacceptable(w, r) {
			return
		}
		if !isProbeMethod(r.Method) {
			b.g.noteMethod(r.Method)
		}
		// A pooled exchange is zero (putExchange): setting four fields
		// costs less than assigning a whole one.
		ex := b.g.getExchange()
		ex.ResponseWriter, ex.method, ex.req, ex.b = w, r.Method, r, b
		if b.foreignHandlers && !b.g.cfg.pinInBody {
			ex.stripPins = true
		}
		if r.Method == http.MethodPost && isFormPost(r) && !b.routesPost(r) {
			// grpc-gateway routed this form POST to a GET binding (its
			// path-length fallback): it is a read, and answers as one.
			ex.method = http.MethodGet
		}
		returned := false
		defer func() {
			// A handler that panics must not leave its stream open; its
			// exchange is not pooled again.
			if !returned {
				ex.end()
			}
		}()
		next(ex, r, params)
		returned = true
		ex.end()
		if ex.trailerMD != nil {
			ex.b.fixTrailers(ex)
		}
		b.g.putExchange(ex)
	}
}

// refuseUnacceptable answers 406 when WithNotAcceptable is on and r's
// Accept names nothing the mux can produce, and reports whether it did.
func (b *binding) refuseUnacceptable(w http.ResponseWriter, r *http.Request) bool {
	mux := b.mux
	ok, available := acceptsAnyProduced(mux, r)
	if ok {
		return false
	}
	sp := &spb.Status{
		Code:    int32(statusmap.Code(http.StatusNotAcceptable)),
		Message: "none of the media types in Accept can be produced; available: " + strings.Join(available, ", "),
	}
	_, marshaler := runtime.MarshalerForRequest(mux, r)
	b.g.reportWriteError(r, b.g.writeStatus(r.Context(), b, mux, marshaler, w, r, sp, http.StatusNotAcceptable, nil))
	return true
}

// routesPost reports whether the mux has a POST binding for r's path,
// which grpc-gateway tries before any fallback.
func (b *binding) routesPost(r *http.Request) bool {
	p := b.g.getProber(r)
	defer b.g.putProber(p)
	return p.routes(b.mux, http.MethodPost)
}

// isFormPost reports whether r is a form POST, the kind grpc-gateway's
// path-length fallback may route to a GET binding.
func isFormPost(r *http.Request) bool {
	const form = "application/x-www-form-urlencoded"
	ct := r.Header["Content-Type"]
	// EqualFold first: it allocates nothing for the requests that are not forms.
	return len(ct) > 0 && len(ct[0]) >= len(form) && strings.EqualFold(ct[0][:len(form)], form) &&
		httpwire.MediaType(ct[0]) == form
}

// handleError is the mux's error handler.
func (b *binding) handleError(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if probeError(err) || probeOf(r) != nil || isStopForwarding(err) {
		return
	}
	if ex := exchangeOf(ctx, w, b); ex != nil {
		ex.ownError = true
	}
	b.g.reportWriteError(r, b.g.writeError(ctx, b, mux, marshaler, w, r, err))
}

// handleRoutingError is the mux's routing error handler: an unknown path
// is 404 NotFound, a known path with the wrong method 405 with Allow (not
// grpc-gateway's 501), a malformed request 400 InvalidArgument.
func (b *binding) handleRoutingError(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	if p := probeOf(r); p != nil {
		p.answered = true
		return
	}
	b.checkMux()
	if !wire.IsErrorStatus(httpStatus) {
		httpStatus = http.StatusInternalServerError
	}
	// The status statusmap.Error(httpStatus, reason) would make, built
	// directly: a routing error has no details to carry. A 405's Allow
	// methods are found here, where the binding (its cache of Allow lists,
	// allow.go) is at hand.
	sp := &spb.Status{Code: int32(statusmap.Code(httpStatus)), Message: http.StatusText(httpStatus)}
	var pin *statusmapv1.HttpStatus
	if httpStatus == http.StatusMethodNotAllowed && mux == b.mux {
		pin = b.g.withAllowedMethods(nil, httpStatus, mux, r, b)
	}
	b.g.reportWriteError(r, b.g.writeStatus(ctx, b, mux, marshaler, w, r, sp, httpStatus, pin))
}

// reportWriteError tells WithWriteErrorHandler's function of a failed write.
func (g *Gateway) reportWriteError(r *http.Request, err error) {
	if err != nil && g.cfg.onWriteError != nil {
		g.cfg.onWriteError(r, err)
	}
}

// fixForwardedMetadata repairs what grpc-gateway forwarded from metadata
// into a success's (or a stream's) headers through the mux's matchers,
// which may be the user's own: binary ("-bin") values are rewritten in
// base64, as an error carries them (see httpwire.FieldValue); statusmap's
// own key is removed, whatever name a matcher gave it; and the writer is
// told to check every value when some metadata value could not be a header
// value.
// Trailers, which grpc-gateway writes after the body, are repaired by
// fixTrailers when the handler has returned.
func (b *binding) fixForwardedMetadata(ctx context.Context, md runtime.ServerMetadata, ex *exchange) {
	if len(md.TrailerMD) > 0 && acceptsTrailers(ex.req) {
		ex.trailerMD, ex.ctx = md.TrailerMD, ctx
	}
	if len(md.HeaderMD) == 0 {
		return
	}
	var fix metadata.MD
	for key, values := range md.HeaderMD {
		if rewritten(key) {
			if fix == nil {
				fix = metadata.MD{}
			}
			fix[key] = values
		}
		if !httpwire.AllFieldValuesSafe(values) {
			ex.checkHeaders = true
		}
	}
	if fix == nil {
		return
	}
	h := ex.Header()
	for key, name := range askMux(ctx, b.mux, defaultMarshaler, nil, fix, nil) {
		replaceValues(h, name, md.HeaderMD[key], forwardedValues(key, md.HeaderMD[key]))
	}
}

// fixTrailers is fixForwardedMetadata for the trailers of a success,
// once grpc-gateway has written them and before net/http sends them.
func (b *binding) fixTrailers(ex *exchange) {
	h := ex.Header()
	for key, values := range ex.trailerMD {
		if !rewritten(key) && httpwire.AllFieldValuesSafe(values) {
			continue
		}
		for _, name := range askMux(ex.ctx, b.mux, defaultMarshaler, ex.req, nil, metadata.MD{key: nil}) {
			replaceValues(h, name, values, forwardedValues(key, values))
		}
	}
}

// rewritten reports whether statusmap forwards a metadata key's values
// otherwise than grpc-gateway copies them: its own key not at all, binary
// keys in base64 (forwardedValues).
func rewritten(key string) bool {
	return key == wire.SuccessStatusKey || strings.HasSuffix(key, "-bin")
}

// forwardedValues are the values statusmap forwards for a metadata key:
// none for its own key, each made a field value (httpwire.FieldValue)
// otherwise.
func forwardedValues(key string, values []string) []string {
	if key == wire.SuccessStatusKey {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = httpwire.FieldValue(key, v)
	}
	return out
}

// replaceValues replaces, under name, the values grpc-gateway copied raw
// (one occurrence each) with the given ones, keeping any other value.
func replaceValues(h http.Header, name string, raw, with []string) {
	values := h.Values(name)
	kept := make([]string, 0, len(values)+len(with))
	left := append([]string(nil), raw...)
	for _, v := range values {
		if i := indexOf(left, v); i >= 0 {
			left = append(left[:i], left[i+1:]...)
			continue
		}
		kept = append(kept, v)
	}
	h.Del(name)
	for _, v := range append(kept, with...) {
		h.Add(name, v)
	}
}

func indexOf(values []string, v string) int {
	for i, x := range values {
		if x == v {
			return i
		}
	}
	return -1
}
