package gateway

import (
	"context"
	"net/http"

	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/metadata"
)

// responseWriter is the middleware's wrapper of a routed request's
// response writer. It lets the handlers set a status grpc-gateway would
// not (a success's status, a stream's error status), keeps a body off a
// status that forbids one, and makes every header value valid before the
// header is sent.
type responseWriter struct {
	http.ResponseWriter
	// method is the method of the binding that handled the request.
	method string
	// req is the request, for a stream's error.
	req *http.Request
	// binding is the middleware's, for a 405's Allow (allow.go).
	binding *binding
	// streamKey is the context grpc-gateway forwards a server stream with
	// (nil for a unary call), the key of Gateway.streams.
	streamKey context.Context

	wroteHeader bool
	noBody      bool
	// checkHeaders is set when forwarded metadata may have put a value in
	// the header that is not a valid field value (see httpwire.SanitizeHeader).
	checkHeaders bool
	// trailerMD and ctx are set when grpc-gateway will forward trailer
	// metadata after the body (see fixTrailers).
	trailerMD metadata.MD
	ctx       context.Context
	// successStatus, when set, replaces the implicit 200 of a success. It
	// is applied only when the body is written, not when it is chosen:
	// whatever runs between (another forward-response option, the
	// marshaler) may still fail, and the error's status must then win.
	successStatus int
	// errorStatus, when set, replaces the status grpc-gateway writes for a
	// stream that fails before its first message.
	errorStatus int
	// errorBody, when set, replaces the body grpc-gateway writes for a
	// stream that fails before its first message (see stream.go).
	errorBody        []byte
	errorContentType string
	// stripPins is set when the mux's error handlers are not all
	// statusmap's and the pin is not wanted in bodies: an error body a
	// foreign handler writes goes out less the pin (stripForeignPins).
	// ownError is set when statusmap's error handler answers, whose body
	// needs no such care.
	stripPins bool
	ownError  bool
}

// writerOf finds the middleware's writer under w, which a user's own
// middleware may have wrapped (with an Unwrap method, as
// http.ResponseController expects).
func writerOf(w http.ResponseWriter) *responseWriter {
	for range 16 {
		switch v := w.(type) {
		case *responseWriter:
			return v
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil
		}
	}
	return nil
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
	w.noBody = !wire.BodyAllowed(code)
	h := w.Header()
	if w.errorContentType != "" {
		h["Content-Type"] = []string{w.errorContentType}
	}
	if w.noBody {
		delete(h, "Content-Type")
		delete(h, "Content-Length")
	}
	if w.checkHeaders {
		httpwire.SanitizeHeader(h)
	}
	if w.stripPins && !w.ownError && code >= 400 {
		// The body may lose its pin: a length counted with it would be
		// wrong.
		delete(h, "Content-Length")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.noBody {
		// grpc-gateway writes the marshaled empty message ("{}", or
		// {"status":"UNKNOWN"} with EmitUnpopulated); a 204 has no body.
		return len(p), nil
	}
	if w.errorBody != nil {
		// A stream's error before its first message: grpc-gateway writes
		// its error chunk, then a delimiter; the body chosen in stream.go
		// goes out in place of both.
		body := w.errorBody
		w.errorBody = w.errorBody[:0]
		if len(body) > 0 {
			if _, err := w.ResponseWriter.Write(body); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}
	if w.stripPins && !w.ownError {
		if out, stripped := stripForeignPins(p); stripped {
			if _, err := w.ResponseWriter.Write(out); err != nil {
				return 0, err
			}
			return len(p), nil
		}
	}
	return w.ResponseWriter.Write(p)
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

// getWriter and putWriter pool the middleware's writers. A writer is put
// back when its handler has returned, after which net/http forbids using
// the ResponseWriter; it is cleared first so that it keeps no request, body
// or stream alive. A writer from getWriter is therefore zero.
func (g *Gateway) getWriter() *responseWriter {
	if rw, ok := g.writers.Get().(*responseWriter); ok {
		return rw
	}
	return new(responseWriter)
}

func (g *Gateway) putWriter(rw *responseWriter) {
	*rw = responseWriter{}
	g.writers.Put(rw)
}
