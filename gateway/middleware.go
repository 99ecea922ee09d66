package gateway

import (
	"context"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/wire"
	"github.com/statusmap/statusmap/statusmap"
	spb "google.golang.org/genproto/googleapis/rpc/status"
)

// binding is one mux's use of a Gateway: the handlers ServeMuxOptions
// installs, and the mux they were installed in.
type binding struct {
	g *Gateway
	// mux is the mux the options were given to; shared is set if they were
	// given to more than one, when no single mux can be asked.
	mux    atomic.Pointer[runtime.ServeMux]
	shared atomic.Bool
}

// bind is a runtime.ServeMuxOption: it learns which mux it configures.
func (b *binding) bind(mux *runtime.ServeMux) {
	if !b.mux.CompareAndSwap(nil, mux) && b.mux.Load() != mux {
		b.shared.Store(true)
	}
}

// theMux returns the bound mux, or nil when there is not exactly one.
func (b *binding) theMux() *runtime.ServeMux {
	if b.shared.Load() {
		return nil
	}
	return b.mux.Load()
}

// middleware runs for every request the mux routes to a handler. On the
// success path it allocates nothing once warm: the writer comes from a
// pool, and no context or copy of the request is made.
func (b *binding) middleware(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if p := probeOf(r); p != nil {
			p.matched = true
			return
		}
		if b.g.cfg.notAcceptable && b.refuseUnacceptable(w, r) {
			return
		}
		rw := b.g.getWriter()
		*rw = responseWriter{ResponseWriter: w, method: r.Method, req: r}
		if r.Method == http.MethodPost && isFormPost(r) && !b.routesPost(r) {
			// grpc-gateway routed this form POST to a GET binding (its
			// path-length fallback): it is a read, and answers as one.
			rw.method = http.MethodGet
		}
		next(rw, r, params)
		if rw.streamKey != nil {
			b.g.streams.Delete(rw.streamKey)
		}
		b.g.putWriter(rw)
	}
}

// refuseUnacceptable answers 406 when WithNotAcceptable is on and r's
// Accept names nothing the mux can produce, and reports whether it did.
func (b *binding) refuseUnacceptable(w http.ResponseWriter, r *http.Request) bool {
	mux := b.theMux()
	if mux == nil {
		return false
	}
	ok, available := acceptsAnyProduced(mux, r)
	if ok {
		return false
	}
	sp := &spb.Status{
		Code:    int32(statusmap.Code(http.StatusNotAcceptable)),
		Message: "none of the media types in Accept can be produced; available: " + strings.Join(available, ", "),
	}
	_, marshaler := runtime.MarshalerForRequest(mux, r)
	b.g.reportWriteError(r, b.g.writeStatus(r.Context(), mux, marshaler, w, r, sp, http.StatusNotAcceptable, nil))
	return true
}

// routesPost reports whether the mux has a POST binding for r's path,
// which grpc-gateway tries before any fallback.
func (b *binding) routesPost(r *http.Request) bool {
	mux := b.theMux()
	return mux != nil && newProber(r).routes(mux, http.MethodPost)
}

// isFormPost reports whether r is a form POST, the kind grpc-gateway's
// path-length fallback may route to a GET binding.
func isFormPost(r *http.Request) bool {
	ct := r.Header["Content-Type"]
	if len(ct) == 0 || !strings.HasPrefix(strings.ToLower(ct[0]), "application/x-www-form-urlencoded") {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(ct[0])
	return err == nil && mediaType == "application/x-www-form-urlencoded"
}

// handleError is the mux's error handler.
func (b *binding) handleError(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if probeOf(r) != nil || isStopForwarding(err) {
		return
	}
	b.g.reportWriteError(r, b.g.writeError(ctx, mux, marshaler, w, r, err))
}

// handleRoutingError is the mux's routing error handler: an unknown path
// is 404 NotFound, a known path with the wrong method 405 with Allow (not
// grpc-gateway's 501), a malformed request 400 InvalidArgument.
func (b *binding) handleRoutingError(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	if probeOf(r) != nil {
		return
	}
	if !wire.IsErrorStatus(httpStatus) {
		httpStatus = http.StatusInternalServerError
	}
	// The status statusmap.Error(httpStatus, reason) would make, built
	// directly: a routing error has no details to carry, and the Allow
	// methods of a 405 are found by writeStatus.
	sp := &spb.Status{Code: int32(statusmap.Code(httpStatus)), Message: http.StatusText(httpStatus)}
	b.g.reportWriteError(r, b.g.writeStatus(ctx, mux, marshaler, w, r, sp, httpStatus, nil))
}

// reportWriteError tells WithWriteErrorHandler's function of a failed write.
func (g *Gateway) reportWriteError(r *http.Request, err error) {
	if err != nil && g.cfg.onWriteError != nil {
		g.cfg.onWriteError(r, err)
	}
}

// encodeBinaryHeaders rewrites, in base64, the headers grpc-gateway copied
// raw from binary ("-bin") header metadata, so that a success carries them
// as an error does (see fieldValue), and has the writer check every header
// value when some metadata value could not be one.
func (b *binding) encodeBinaryHeaders(ctx context.Context, md runtime.ServerMetadata, rw *responseWriter) {
	if len(md.HeaderMD) == 0 {
		return
	}
	var binary map[string][]string
	for key, values := range md.HeaderMD {
		if strings.HasSuffix(key, "-bin") {
			if binary == nil {
				binary = make(map[string][]string)
			}
			binary[key] = values
			rw.checkHeaders = true
			continue
		}
		for _, v := range values {
			if !isFieldValueSafe(v) {
				rw.checkHeaders = true
			}
		}
	}
	mux := b.theMux()
	if binary == nil || mux == nil {
		return // the writer still makes every value valid
	}
	h := rw.Header()
	for key, name := range askMux(ctx, mux, defaultMarshaler, nil, binary, nil) {
		raw := md.HeaderMD[key]
		values := h.Values(name)
		kept := make([]string, 0, len(values))
		for _, v := range values {
			if i := indexOf(raw, v); i >= 0 {
				raw = append(raw[:i:i], raw[i+1:]...)
				continue
			}
			kept = append(kept, v)
		}
		h.Del(name)
		for _, v := range kept {
			h.Add(name, v)
		}
		for _, v := range md.HeaderMD[key] {
			h.Add(name, fieldValue(key, v))
		}
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
