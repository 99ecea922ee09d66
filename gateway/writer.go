package gateway

import (
	"github.com/statusmap/statusmap/gateway/internal/body"
	"github.com/statusmap/statusmap/internal/httpwire"
	"net/http"

	"github.com/statusmap/statusmap/internal/wire"
)

// An exchange is the response writer the middleware hands the mux's
// handler in place of the server's (exchange.go says what else it is). It
// lets the handlers set a status grpc-gateway would not (a success's
// status, a stream's error status), keeps a body off a status that forbids
// one, and makes every header value valid before the header is sent.

func (w *exchange) WriteHeader(code int) {
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

func (w *exchange) Write(p []byte) (int, error) {
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
		if out, stripped := body.StripPins(p); stripped {
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
func (w *exchange) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush is FlushError for callers of http.Flusher.
func (w *exchange) Flush() {
	_ = w.FlushError()
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *exchange) Unwrap() http.ResponseWriter { return w.ResponseWriter }
