package gateway

import (
	"context"
	"net/http"
	"sync"

	"google.golang.org/grpc/metadata"
)

// An exchange is one request routed through a binding's mux and the
// answer to it: the one place where the mux's hooks (middleware, error
// handlers, forward-response option) keep and find what they know of a
// request. It is the wrapper of the request's http.ResponseWriter (see
// writer.go for what the wrapper does), so that every hook given the
// writer finds it without a context value or a copy of the request.
//
// Lifecycle: binding.middleware creates it, from its Gateway's pool, for
// each routed request that is not a probe, and owns it. The hooks find it
// with exchangeOf, and only fill it in. The middleware ends it when the
// handler returns (or panics): it leaves its binding's open streams and
// goes back to the pool, and nothing may keep it after that.
type exchange struct {
	http.ResponseWriter
	// b is the binding of the mux that routed the request: the one that
	// created the exchange, or the last statusmap installation of the same
	// mux (see binding.middleware), whose handlers the mux calls.
	b *binding
	// req is the request, for a stream's error.
	req *http.Request
	// method is the method of the binding that handled the request.
	method string
	// streaming is set when grpc-gateway began forwarding a server stream
	// (forwardResponse with a nil message); stream is the context it
	// forwards it with, under which the stream error handler finds the
	// exchange among b's open streams (openStreams) until end.
	streaming bool
	stream    context.Context

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
	// foreign handler writes goes out less the pin (body.StripPins).
	// ownError is set when statusmap's error handler answers, whose body
	// needs no such care.
	stripPins bool
	ownError  bool
}

// maxUnwrap is how many Unwrap methods exchangeOf follows to find the
// exchange under a response writer: user middleware wraps a writer a few
// times at most, and a bound keeps a writer whose Unwrap returns itself (or
// a cycle) from looping forever; deeper, exchangeOf finds none (nil).
const maxUnwrap = 16

// exchangeOf finds the exchange a hook is called for, or nil for a
// request that statusmap's middleware did not route (a probe, an error
// grpc-gateway answers before routing, WriteError's). Every hook passes
// the context it was given. A hook given the response writer passes it as
// w (b unused): the exchange is under it, maybe wrapped by a user's
// middleware with an Unwrap method, as http.ResponseController expects.
// The stream error handler, which grpc-gateway gives only the stream's
// context, passes a nil w and its binding, among whose open streams the
// exchange is.
func exchangeOf(ctx context.Context, w http.ResponseWriter, b *binding) *exchange {
	if w == nil {
		if b == nil {
			return nil
		}
		return b.streams.find(ctx)
	}
	for range maxUnwrap {
		switch v := w.(type) {
		case *exchange:
			return v
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

// openStreams are the exchanges of the server streams open in a binding's
// mux, by the context grpc-gateway forwards each with. A context that more
// than one open stream was forwarded with (a handler of the user's own that
// reuses one) finds none of them, rather than the wrong one, until all have
// ended.
type openStreams struct {
	mu sync.Mutex
	m  map[context.Context]openStream
}

// openStream is the exchange of the one stream open with a context, or
// nil when open counts more than one.
type openStream struct {
	ex   *exchange
	open int
}

func (s *openStreams) find(ctx context.Context) *exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[ctx].ex
}

// openStream records that grpc-gateway forwards a server stream with ctx:
// the stream error handler is given nothing else.
func (ex *exchange) openStream(ctx context.Context) {
	ex.streaming, ex.stream = true, ctx
	s := &ex.b.streams
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[context.Context]openStream)
	}
	e := s.m[ctx]
	e.open++
	e.ex = nil
	if e.open == 1 {
		e.ex = ex
	}
	s.m[ctx] = e
}

// end ends the exchange once its handler has returned or panicked: it
// leaves its binding's open streams. The creator then pools it
// (putExchange), unless the handler panicked.
func (ex *exchange) end() {
	if ex.stream == nil {
		return
	}
	s := &ex.b.streams
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.m[ex.stream]; e.open > 1 {
		s.m[ex.stream] = openStream{open: e.open - 1}
	} else {
		delete(s.m, ex.stream)
	}
	ex.stream = nil
}

// getExchange and putExchange pool the exchanges of a Gateway's bindings.
// An exchange is put back when its handler has returned, after which
// net/http forbids using the ResponseWriter; it is cleared first so that it
// keeps no request, body or stream alive. An exchange from getExchange is
// therefore zero.
func (g *Gateway) getExchange() *exchange {
	if ex, ok := g.exchanges.Get().(*exchange); ok {
		return ex
	}
	return new(exchange)
}

func (g *Gateway) putExchange(ex *exchange) {
	*ex = exchange{}
	g.exchanges.Put(ex)
}
