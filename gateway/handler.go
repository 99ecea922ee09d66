package gateway

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// ServeMuxOptions returns the options that make a grpc-gateway mux answer
// the statusmap way, all configured by opts:
//
//	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
//
// They install ErrorHandler, RoutingErrorHandler and StreamErrorHandler, the
// success statuses (POST 201, DELETE 204; see WithSuccessStatus), the
// outgoing header and trailer matchers, and a middleware that the success
// statuses, the stream statuses and the Allow header of a routing 405 rely
// on. Options given to runtime.NewServeMux after these override them.
//
// Put them first, before runtime.WithMiddlewares of your own: grpc-gateway
// runs the first middleware outermost, and statusmap's stops the probes
// that find a routing 405's Allow methods before they reach yours (they
// never reach a handler either way).
func ServeMuxOptions(opts ...Option) []runtime.ServeMuxOption {
	cfg := newConfig(opts)
	cfg.probeRoutes = true
	return []runtime.ServeMuxOption{
		runtime.WithErrorHandler(cfg.handleError),
		runtime.WithRoutingErrorHandler(cfg.handleRoutingError),
		runtime.WithStreamErrorHandler(cfg.handleStreamError),
		runtime.WithMiddlewares(cfg.middleware),
		runtime.WithForwardResponseOption(cfg.forwardResponse),
		runtime.WithOutgoingHeaderMatcher(cfg.outgoingHeaderMatcher),
		runtime.WithOutgoingTrailerMatcher(cfg.trailerMatcher),
	}
}

// ErrorHandler returns a runtime.ErrorHandlerFunc that answers an error with
// statusmap.HTTPStatusOf's status (the documented table, or the pinned exact
// status), the headers HTTP requires for it, and a body in the configured
// format. A *runtime.HTTPStatusError's status is honoured, as grpc-gateway
// does, when it is a 4xx or 5xx.
func ErrorHandler(opts ...Option) runtime.ErrorHandlerFunc {
	return newConfig(opts).handleError
}

// RoutingErrorHandler returns a runtime.RoutingErrorHandlerFunc: an unknown
// path is 404 NotFound, a known path with the wrong method 405 (not
// grpc-gateway's 501), a malformed request 400. With ServeMuxOptions a 405
// also lists the path's methods in Allow.
func RoutingErrorHandler(opts ...Option) runtime.RoutingErrorHandlerFunc {
	return newConfig(opts).handleRoutingError
}

// StreamErrorHandler returns a runtime.StreamErrorHandlerFunc. Installed with
// ServeMuxOptions, a stream that fails before its first message is answered
// with the same HTTP status and headers as a unary error; after the first
// message the status is already sent, and the error goes into the stream as
// grpc-gateway writes it ({"error": {...}}).
func StreamErrorHandler(opts ...Option) runtime.StreamErrorHandlerFunc {
	return newConfig(opts).handleStreamError
}

// An ErrorWriter writes errors for plain net/http handlers, with no
// grpc-gateway mux: the same statuses, headers and bodies as ErrorHandler,
// with grpc-gateway's default JSON marshaler. It is safe for concurrent use.
type ErrorWriter struct {
	cfg       *config
	marshaler runtime.Marshaler
}

// NewErrorWriter returns an ErrorWriter configured by opts.
func NewErrorWriter(opts ...Option) *ErrorWriter {
	return &ErrorWriter{
		cfg:       newConfig(opts),
		marshaler: &runtime.JSONPb{MarshalOptions: defaultJSONOptions()},
	}
}

// Write answers r with err. r may be nil (no content negotiation then).
func (ew *ErrorWriter) Write(w http.ResponseWriter, r *http.Request, err error) {
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	ew.cfg.writeError(ctx, ew.marshaler, w, r, err)
}

// WriteError is NewErrorWriter().Write(w, r, err): an error response from a
// plain net/http handler, with the default options. It keeps nothing from
// one call to the next (the package holds no state), so a server that
// answers many errors should make one ErrorWriter and reuse it: its pooled
// buffers and rendered-detail cache make each error several times cheaper.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	cfg := defaultConfig() // no pool and no cache: they would die with the call
	(&ErrorWriter{cfg: &cfg, marshaler: &runtime.JSONPb{MarshalOptions: defaultJSONOptions()}}).Write(w, r, err)
}

func (c *config) handleError(ctx context.Context, _ *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if c.probeRoutes && isProbe(r) {
		return
	}
	c.writeError(ctx, marshaler, w, r, err)
}

func (c *config) handleRoutingError(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	if c.probeRoutes && isProbe(r) {
		return
	}
	if !(httpStatus >= 400 && httpStatus <= 599) {
		httpStatus = http.StatusInternalServerError
	}
	pin := &statusmapv1.HttpStatus{Code: int32(httpStatus)}
	if httpStatus == http.StatusMethodNotAllowed && c.probeRoutes && mux != nil {
		pin.AllowedMethods = allowedMethods(mux, r)
	}
	c.writeError(ctx, marshaler, w, r, statusmap.NewPinned(pin, http.StatusText(httpStatus)).Err())
}

// errorStatus finds the status to answer err with, its HTTP status, and the
// pin it carries (nil if none), found once for both the status and the
// headers.
func (c *config) errorStatus(err error) (*spb.Status, int, *statusmapv1.HttpStatus) {
	override := 0
	if statusErr := findHTTPStatusError(err); statusErr != nil {
		if statusErr.HTTPStatus >= 400 && statusErr.HTTPStatus <= 599 {
			override = statusErr.HTTPStatus
		}
		err = statusErr.Err
	}

	var sp *spb.Status
	httpStatus := 0
	// Every search of the chain here is bounded (statusmap.FromError,
	// HTTPStatusOf, Translate): an error that wraps itself must not hang or
	// crash the server, and errors.Is/As and status.FromError would.
	switch st, ok := statusmap.FromError(err); {
	case ok:
		sp = st.Proto()
		if _, direct := err.(interface{ GRPCStatus() *status.Status }); !direct {
			// A wrapped status speaks with the whole text, as
			// status.FromError (and so grpc-gateway) has it.
			sp.Message = err.Error()
		}
	case err == nil:
		sp = &spb.Status{Code: int32(codes.Unknown), Message: "unknown error"}
		httpStatus = http.StatusInternalServerError
	default:
		// Not a status: translate it as the interceptors would (context
		// errors, an HTTPStatus or StatusCode method pinned, else Unknown
		// with its text), with the HTTP status HTTPStatusOf gives it.
		httpStatus = c.mapper.HTTPStatusOf(err)
		translated, _ := statusmap.FromError(statusmap.Translate(context.Background(), err, statusmap.WithMapper(c.mapper)))
		sp = translated.Proto()
	}
	if sp.GetCode() == int32(codes.OK) {
		// An error handler was given a success: it is still an error.
		sp.Code = int32(codes.Unknown)
	}
	pin := statusmap.FindPin(sp.GetDetails())
	switch {
	case override != 0:
		httpStatus = override
	case httpStatus != 0:
	case pin != nil:
		httpStatus = int(pin.GetCode())
	default:
		httpStatus = c.mapper.HTTPStatus(codes.Code(sp.GetCode()))
	}
	return sp, httpStatus, pin
}

// findHTTPStatusError is errors.As for grpc-gateway's override type, with
// two differences that matter on the error path: the walk is bounded (an
// error that wraps itself cannot hang or overflow the stack), and there is
// no heap-allocated target.
func findHTTPStatusError(err error) *runtime.HTTPStatusError {
	budget := maxChainDepth
	return findHTTPStatusErrorWithin(err, &budget)
}

// maxChainDepth bounds a walk of an error chain, as statusmap's does.
const maxChainDepth = 512

func findHTTPStatusErrorWithin(err error, budget *int) *runtime.HTTPStatusError {
	for err != nil && *budget > 0 {
		*budget--
		switch e := err.(type) {
		case *runtime.HTTPStatusError:
			return e
		case interface{ Unwrap() error }:
			err = e.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				if found := findHTTPStatusErrorWithin(inner, budget); found != nil {
					return found
				}
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}

// debugInfoFullName is google.rpc.DebugInfo's full name.
const debugInfoFullName = "google.rpc.DebugInfo"

// redact applies WithRedaction to a 5xx status.
func (c *config) redactStatus(sp *spb.Status, httpStatus int) {
	if !c.redact || httpStatus < 500 {
		return
	}
	sp.Message = http.StatusText(httpStatus)
	kept := sp.Details[:0]
	for _, d := range sp.Details {
		if !hasFullName(d.GetTypeUrl(), debugInfoFullName) {
			kept = append(kept, d)
		}
	}
	sp.Details = kept
}

// hasFullName reports whether a type URL names the message fullName.
func hasFullName(typeURL, fullName string) bool {
	if i := strings.LastIndexByte(typeURL, '/'); i >= 0 {
		typeURL = typeURL[i+1:]
	}
	return typeURL == fullName
}

// setErrorHeaders writes the headers RFC 9110 asks of the status, from
// validated parts only.
func (c *config) setErrorHeaders(h http.Header, sp *spb.Status, httpStatus int, pin *statusmapv1.HttpStatus) {
	switch httpStatus {
	case http.StatusUnauthorized, http.StatusProxyAuthRequired:
		value := formatChallenges(pin.GetChallenges())
		name := "Www-Authenticate" // canonical form: a map key below
		if httpStatus == http.StatusProxyAuthRequired {
			name = "Proxy-Authenticate"
			if value == "" {
				value = c.proxyAuthenticate
			}
		} else if value == "" {
			value = c.wwwAuthenticate
		}
		h[name] = []string{value}
	case http.StatusMethodNotAllowed:
		if allow := formatAllow(pin.GetAllowedMethods()); allow != "" {
			h["Allow"] = []string{allow}
		}
	}
	if seconds, ok := retryAfter(sp.GetDetails()); ok {
		h["Retry-After"] = []string{seconds}
	}
}

func (c *config) writeError(ctx context.Context, marshaler runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	sp, httpStatus, pin := c.errorStatus(err)
	c.redactStatus(sp, httpStatus)

	format := c.format
	if r != nil && prefersProblem(r.Header.Values("Accept")) {
		format = FormatProblem
	}
	contentType, body := c.errorBody(format, marshaler, sp, httpStatus)

	// The header names are written in canonical form, as map keys, which
	// spares net/http's canonicalisation on every error.
	h := w.Header()
	delete(h, "Trailer")
	delete(h, "Transfer-Encoding")
	h["Content-Type"] = []string{contentType}
	c.setErrorHeaders(h, sp, httpStatus, pin)

	md, haveMD := runtime.ServerMetadataFromContext(ctx)
	withTrailers := haveMD && r != nil && acceptsTrailers(r)
	if haveMD {
		forwardHeaderMetadata(h, md, c.headerMatcher)
		if withTrailers {
			announceTrailers(h, md, c.trailerMatcher)
			h["Transfer-Encoding"] = []string{"chunked"}
		}
	}
	w.WriteHeader(httpStatus)
	_, werr := w.Write(*body)
	c.putBuffer(body)
	c.writeFailed(r, werr)
	if withTrailers {
		forwardTrailers(h, md, c.trailerMatcher)
	}
}

// jsonOptions returns the protojson options of a marshaler that is
// grpc-gateway's JSONPb (possibly inside HTTPBodyMarshaler, as the mux's
// default is): only for such a marshaler is a hand-written body provably
// the same, by meaning, as what the marshaler would write.
func jsonOptions(m runtime.Marshaler) (protojson.MarshalOptions, bool) {
	for {
		switch v := m.(type) {
		case *runtime.HTTPBodyMarshaler:
			if v == nil {
				return protojson.MarshalOptions{}, false
			}
			m = v.Marshaler
		case *runtime.JSONPb:
			if v == nil {
				return protojson.MarshalOptions{}, false
			}
			return v.MarshalOptions, true
		default:
			return protojson.MarshalOptions{}, false
		}
	}
}

// defaultJSONOptions are grpc-gateway's default marshaler's.
func defaultJSONOptions() protojson.MarshalOptions {
	return protojson.MarshalOptions{EmitUnpopulated: true}
}

// errorBody returns the Content-Type and body of an error response, in a
// buffer from the pool that the caller returns with putBuffer.
func (c *config) errorBody(format Format, marshaler runtime.Marshaler, sp *spb.Status, httpStatus int) (string, *[]byte) {
	opts, isJSON := jsonOptions(marshaler)
	if !isJSON {
		opts = defaultJSONOptions()
	}
	body := c.getBuffer()
	buf := (*body)[:0]
	contentType := "application/json"
	switch {
	case format == FormatGoogle:
		buf = c.appendGoogleBody(buf, sp, httpStatus, opts)
	case format == FormatProblem:
		typeURI := ""
		if c.problemType != nil {
			typeURI = c.problemType(httpStatus, codes.Code(sp.GetCode()))
		}
		contentType = problemMediaType
		buf = c.appendProblemBody(buf, sp, httpStatus, typeURI, opts)
	case isJSON:
		contentType = marshaler.ContentType(sp)
		buf = c.appendStatusBody(buf, sp, opts)
	default:
		// A marshaler of the user's own (protobuf binary, YAML, ...): use it
		// as grpc-gateway would, and keep the error in JSON should it fail.
		if b, err := marshaler.Marshal(sp); err == nil {
			contentType = marshaler.ContentType(sp)
			buf = append(buf, b...)
		} else {
			buf = c.appendStatusBody(buf, sp, defaultJSONOptions())
		}
	}
	*body = buf
	return contentType, body
}

// appendStatusBody writes google.rpc.Status as protojson with opts would,
// by meaning: {"code":5,"message":"...","details":[...]}.
func (c *config) appendStatusBody(buf []byte, sp *spb.Status, opts protojson.MarshalOptions) []byte {
	emitAll := opts.EmitUnpopulated || opts.EmitDefaultValues
	buf = append(buf, `{"code":`...)
	buf = strconv.AppendInt(buf, int64(sp.GetCode()), 10)
	if sp.GetMessage() != "" || emitAll {
		buf = append(buf, `,"message":`...)
		buf = appendJSONString(buf, sp.GetMessage())
	}
	if len(sp.GetDetails()) > 0 || emitAll {
		buf = append(buf, `,"details":`...)
		buf = c.details.appendDetails(buf, sp.GetDetails(), opts)
	}
	return append(buf, '}')
}

// appendGoogleBody writes statusmapv1.GoogleErrorBody.
func (c *config) appendGoogleBody(buf []byte, sp *spb.Status, httpStatus int, opts protojson.MarshalOptions) []byte {
	buf = append(buf, `{"error":{"code":`...)
	buf = strconv.AppendInt(buf, int64(httpStatus), 10)
	buf = append(buf, `,"message":`...)
	buf = appendJSONString(buf, sp.GetMessage())
	buf = append(buf, `,"status":`...)
	buf = appendCodeName(buf, codes.Code(sp.GetCode()))
	buf = append(buf, `,"details":`...)
	buf = c.details.appendDetails(buf, sp.GetDetails(), opts)
	return append(buf, "}}"...)
}

// appendProblemBody writes statusmapv1.Problem.
func (c *config) appendProblemBody(buf []byte, sp *spb.Status, httpStatus int, typeURI string, opts protojson.MarshalOptions) []byte {
	if typeURI == "" {
		typeURI = "about:blank"
	}
	buf = append(buf, `{"type":`...)
	buf = appendJSONString(buf, typeURI)
	buf = append(buf, `,"title":`...)
	title := http.StatusText(httpStatus)
	if title == "" {
		title = "Error " + strconv.Itoa(httpStatus)
	}
	buf = appendJSONString(buf, title)
	buf = append(buf, `,"status":`...)
	buf = strconv.AppendInt(buf, int64(httpStatus), 10)
	buf = append(buf, `,"detail":`...)
	buf = appendJSONString(buf, sp.GetMessage())
	buf = append(buf, `,"grpcCode":`...)
	buf = appendCodeName(buf, codes.Code(sp.GetCode()))
	buf = append(buf, `,"details":`...)
	buf = c.details.appendDetails(buf, sp.GetDetails(), opts)
	return append(buf, '}')
}
