package gateway

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/protobuf/proto"
)

// requestState is what the middleware shares, through the request's
// context, with the handlers grpc-gateway calls later for the same request
// (the forward-response option and the stream error handler), which see the
// context but not the request.
type requestState struct {
	method string
	// writer is the middleware's wrapper of the response writer.
	writer *responseWriter
	// stream is set when grpc-gateway forwards a server stream.
	stream bool
}

type stateKey struct{}

func stateFrom(ctx context.Context) *requestState {
	s, _ := ctx.Value(stateKey{}).(*requestState)
	return s
}

// probe marks a request that RoutingErrorHandler sends through the mux to
// learn whether a method is routed for a path. The middleware records the
// match and returns before the handler runs: nothing is called upstream.
type probe struct{ matched bool }

type probeKey struct{}

func isProbe(r *http.Request) bool {
	if r == nil {
		return false
	}
	_, ok := r.Context().Value(probeKey{}).(*probe)
	return ok
}

// probeMethods are the methods a 405 is checked against: those that
// google.api.HttpRule can bind.
var probeMethods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}

// allowedMethods asks the mux which methods it routes for r's path, by
// replaying r as a bodiless probe for each method. Only ServeMuxOptions
// enables this, because only its middleware stops probes before a handler.
func allowedMethods(mux *runtime.ServeMux, r *http.Request) []string {
	var allowed []string
	for _, method := range probeMethods {
		if method == r.Method {
			continue
		}
		p := &probe{}
		// A bare request: the mux routes on the method and the path alone,
		// and without the original headers it can neither take the probe
		// for a form POST standing in for a GET nor for another method
		// (X-HTTP-Method-Override). Nor is a large header copied seven times.
		req := (&http.Request{
			Method:     method,
			URL:        r.URL,
			Proto:      r.Proto,
			ProtoMajor: r.ProtoMajor,
			ProtoMinor: r.ProtoMinor,
			Header:     http.Header{},
			Body:       http.NoBody,
			Host:       r.Host,
			RemoteAddr: r.RemoteAddr,
			RequestURI: r.RequestURI,
		}).WithContext(context.WithValue(r.Context(), probeKey{}, p))
		mux.ServeHTTP(discardWriter{}, req)
		if p.matched {
			allowed = append(allowed, method)
		}
	}
	return allowed
}

// discardWriter is the probes' response writer; probes write nothing, but a
// handler must not crash if one tried.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (discardWriter) WriteHeader(int)             {}

// middleware runs for every request the mux routes to a handler.
func (c *config) middleware(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if p, ok := r.Context().Value(probeKey{}).(*probe); ok {
			p.matched = true
			return
		}
		method := r.Method
		if method == http.MethodPost && isFormPost(r) {
			// grpc-gateway may have routed this form POST to a GET binding
			// (its path-length fallback), and nothing here tells which: a
			// read must not answer 201, so claim no method's status.
			method = ""
		}
		state := &requestState{method: method}
		state.writer = &responseWriter{ResponseWriter: w}
		next(state.writer, r.WithContext(context.WithValue(r.Context(), stateKey{}, state)), params)
	}
}

// isFormPost reports whether r is a form POST, the kind grpc-gateway's
// path-length fallback may route to a GET binding.
func isFormPost(r *http.Request) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "application/x-www-form-urlencoded"
}

// responseWriter lets the handlers set a status grpc-gateway would not:
// a success's status, a stream's error status, and no body where HTTP
// forbids one.
type responseWriter struct {
	http.ResponseWriter
	wroteHeader bool
	noBody      bool
	// successStatus, when set, replaces the implicit 200 of a success. It
	// is applied only when the body is written, not when it is chosen:
	// whatever runs between (another forward-response option, the
	// marshaler) may still fail, and the error's status must then win.
	successStatus int
	// errorStatus, when set, replaces the status grpc-gateway writes for a
	// stream that fails before its first message.
	errorStatus int
}

func (w *responseWriter) WriteHeader(code int) {
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // informational: more may follow
		return
	}
	if w.wroteHeader {
		// A second status cannot be sent; dropping it here spares
		// net/http's "superfluous WriteHeader" log line.
		return
	}
	switch {
	case w.errorStatus != 0:
		code = w.errorStatus
	case code == http.StatusOK && w.successStatus != 0:
		code = w.successStatus
	}
	w.wroteHeader = true
	w.noBody = !bodyAllowed(code)
	if w.noBody {
		w.Header().Del("Content-Type")
		w.Header().Del("Content-Length")
	}
	w.ResponseWriter.WriteHeader(code)
}

// bodyAllowed reports whether a response with the status may have content
// (RFC 9110, sections 15.3.5, 15.3.6 and 15.4.5).
func bodyAllowed(code int) bool {
	return code != http.StatusNoContent && code != http.StatusResetContent && code != http.StatusNotModified
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		if !bodyAllowed(w.successStatus) && !isEmptyBody(p) {
			// The message was empty but what is written is not (a
			// forward-response rewriter wrapped it, say): keep it, with
			// 200. Nothing is thrown away.
			w.successStatus = 0
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.noBody {
		// grpc-gateway writes "{}" for an empty message; a 204 has no body.
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// isEmptyBody reports whether a body is what marshalers write for an empty
// message: nothing, or an empty JSON object.
func isEmptyBody(p []byte) bool {
	p = bytes.TrimSpace(p)
	return len(p) == 0 || string(p) == "{}"
}

// FlushError sends the status (the deferred success status included) and
// what was written so far. grpc-gateway flushes after every stream message,
// through http.ResponseController, which finds this method.
func (w *responseWriter) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush is FlushError for callers of http.Flusher.
func (w *responseWriter) Flush() {
	_ = w.FlushError()
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// successConfig chooses a success's status.
type successConfig struct {
	disabled bool
	byMethod map[string]int
	byRPC    map[string]int
}

func defaultSuccessConfig() successConfig {
	return successConfig{byMethod: map[string]int{
		http.MethodPost:   http.StatusCreated,
		http.MethodDelete: http.StatusNoContent,
	}}
}

// WithSuccessStatus sets the status a successful call with the HTTP method
// answers with. The defaults follow the documented table: POST 201, DELETE
// 204 (200 when the response message is not empty: nothing is thrown
// away), and 200 for everything else. A status outside 200 to 299 is
// ignored.
func WithSuccessStatus(method string, httpStatus int) Option {
	return func(c *config) {
		if httpStatus < 200 || httpStatus > 299 {
			return
		}
		c.success.byMethod = cloneMap(c.success.byMethod)
		c.success.byMethod[strings.ToUpper(method)] = httpStatus
	}
}

// WithRPCSuccessStatus sets the success status of one RPC, named by its full
// method name ("/bookshelf.v1.BookshelfService/CreateBook"); it overrides
// WithSuccessStatus. A gRPC handler can also choose its own status per call
// with statusmap.SetHTTPStatus, which overrides both.
func WithRPCSuccessStatus(fullMethod string, httpStatus int) Option {
	return func(c *config) {
		if httpStatus < 200 || httpStatus > 299 {
			return
		}
		if !strings.HasPrefix(fullMethod, "/") {
			fullMethod = "/" + fullMethod
		}
		c.success.byRPC = cloneMap(c.success.byRPC)
		c.success.byRPC[fullMethod] = httpStatus
	}
}

// WithoutSuccessStatuses answers every success with 200, as grpc-gateway
// does, unless a handler calls statusmap.SetHTTPStatus.
func WithoutSuccessStatuses() Option {
	return func(c *config) { c.success.disabled = true }
}

// cloneMap copies before writing, so that no option writes into a map
// another config shares.
func cloneMap(m map[string]int) map[string]int {
	out := make(map[string]int, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// forwardResponse is the forward-response option that sets a success's
// status. grpc-gateway calls it before it writes the body.
func (c *config) forwardResponse(ctx context.Context, _ http.ResponseWriter, msg proto.Message) error {
	state := stateFrom(ctx)
	if state == nil {
		return nil
	}
	if msg == nil {
		// grpc-gateway calls the options once with nil before a stream.
		state.stream = true
		return nil
	}
	if state.stream || state.writer.wroteHeader {
		return nil
	}
	httpStatus := c.successStatus(ctx, state.method)
	if !bodyAllowed(httpStatus) && proto.Size(msg) != 0 {
		// A message with content keeps it: nothing is thrown away.
		httpStatus = http.StatusOK
	}
	if httpStatus != http.StatusOK {
		state.writer.successStatus = httpStatus
	}
	return nil
}

// successStatus picks the status: the handler's own choice, then the RPC's,
// then the method's.
func (c *config) successStatus(ctx context.Context, method string) int {
	if md, ok := runtime.ServerMetadataFromContext(ctx); ok {
		if vs := md.HeaderMD.Get(statusmap.HTTPStatusMetadataKey); len(vs) > 0 {
			if s, err := strconv.Atoi(vs[len(vs)-1]); err == nil && s >= 200 && s <= 299 {
				return s
			}
		}
	}
	if c.success.disabled {
		return http.StatusOK
	}
	if rpc, ok := runtime.RPCMethod(ctx); ok {
		if s, ok := c.success.byRPC[rpc]; ok {
			return s
		}
	}
	if s, ok := c.success.byMethod[method]; ok {
		return s
	}
	return http.StatusOK
}

// outgoingHeaderMatcher is the matcher ServeMuxOptions installs: the
// configured one, minus statusmap's own key.
func (c *config) outgoingHeaderMatcher(key string) (string, bool) {
	if key == statusmap.HTTPStatusMetadataKey {
		return "", false
	}
	return c.headerMatcher(key)
}
