package gateway

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway/internal/body"
	"github.com/statusmap/statusmap/internal/wire"
)

// A Gateway is statusmap's configuration of a grpc-gateway server, built
// once from validated options. Everything is derived from it, so that all
// its entry points answer alike: the mux options (ServeMuxOptions), an
// error writer for plain net/http handlers (WriteError), and the way back
// from an HTTP response to a gRPC error (ErrorFromResponse).
//
// A Gateway holds its own pool of body buffers and its own cache of
// rendered details, and is safe for concurrent use. Make one per server and
// keep it.
type Gateway struct {
	cfg config
	// bodies writes error bodies, with the Gateway's own buffer pool and
	// rendered-detail cache (package body).
	bodies *body.Writer
	// exchanges pools the middleware's exchanges (exchange.go), probers
	// the probes of the mux (probe.go).
	exchanges sync.Pool
	probers   sync.Pool
	// methods are the methods outside probeMethods that routed requests
	// used (see noteMethod).
	methods atomic.Pointer[[]string]
}

// New returns a Gateway configured by opts, or an error that names every
// bad option.
func New(opts ...Option) (*Gateway, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return &Gateway{cfg: cfg, bodies: body.NewWriter(cfg.bodyOptions())}, nil
}

// mustNew is New for the package-level shortcuts, whose options are
// written in the program's source: a bad one is a programming error,
// reported at once rather than served.
func mustNew(opts []Option) *Gateway {
	g, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return g
}

// ServeMuxOptions returns the options that make a grpc-gateway mux answer
// the statusmap way:
//
//	g, err := gateway.New(gateway.WithFormat(gateway.FormatProblem))
//	...
//	mux := runtime.NewServeMux(g.ServeMuxOptions()...)
//
// They install the error, routing error and stream error handlers, the
// success statuses (POST 201, DELETE 204; see WithSuccessStatus), a
// middleware that the success statuses, the stream statuses and the Allow
// header of a routing 405 rely on, and an outgoing header matcher that is
// grpc-gateway's default less statusmap's own metadata key.
//
// They compose with the mux's own options as grpc-gateway's defaults do:
// runtime.WithOutgoingHeaderMatcher and runtime.WithOutgoingTrailerMatcher
// given after them apply to errors exactly as to successes.
//
// Put them first, before runtime.WithMiddlewares of your own: grpc-gateway
// runs the first middleware outermost, and statusmap's stops the probes
// that find a routing 405's Allow methods before they reach yours.
//
// The returned options may be given to any number of muxes: each mux they
// configure gets handlers of its own, bound to it. Mux options given after
// them must not replace the error, routing error or stream error handler
// (runtime.WithErrorHandler, WithRoutingErrorHandler,
// WithStreamErrorHandler): Verify reports a mux where one did, and the
// first request routed through such a mux panics saying so.
func (g *Gateway) ServeMuxOptions() []runtime.ServeMuxOption {
	return []runtime.ServeMuxOption{g.install}
}

// install is the one option ServeMuxOptions returns. It makes a binding
// for the mux it is given, so that every mux knows its own: reused on
// another mux, the option makes another binding.
func (g *Gateway) install(mux *runtime.ServeMux) {
	b := &binding{g: g, mux: mux}
	for _, opt := range [...]runtime.ServeMuxOption{
		runtime.WithErrorHandler(b.handleError),
		runtime.WithRoutingErrorHandler(b.handleRoutingError),
		runtime.WithStreamErrorHandler(b.handleStreamError),
		runtime.WithMiddlewares(b.middleware),
		runtime.WithForwardResponseOption(b.forwardResponse),
		runtime.WithOutgoingHeaderMatcher(outgoingHeaderMatcher),
	} {
		opt(mux)
	}
}

// WriteError answers r with err from a plain net/http handler, with no
// grpc-gateway mux: the same statuses, headers and bodies as the mux's
// error handler, in grpc-gateway's default JSON marshaler. r may be nil (no
// content negotiation then). It returns the error of writing the body, if
// any. A nil err is not an error to answer: WriteError writes nothing and
// returns an error saying so, and w is left to the caller.
func (g *Gateway) WriteError(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		return errNilError
	}
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	return g.writeError(ctx, nil, nil, defaultMarshaler, w, r, err)
}

// errNilError is what WriteError, the method and the function, returns
// for a nil error.
var errNilError = errors.New("statusmap/gateway: WriteError called with a nil error; nothing was written")

// defaultMarshaler is grpc-gateway's default JSON marshaler, used where no
// mux chose one. It is never modified.
var defaultMarshaler runtime.Marshaler = &runtime.JSONPb{MarshalOptions: body.DefaultJSONOptions()}

// ServeMuxOptions is New(opts...) followed by ServeMuxOptions: the one line
// that installs statusmap in a grpc-gateway mux.
//
//	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
//
// It panics, naming the option, if an option is bad; use New to get an
// error instead.
func ServeMuxOptions(opts ...Option) []runtime.ServeMuxOption {
	return mustNew(opts).ServeMuxOptions()
}

// WriteError is (*Gateway).WriteError with the default options: it answers
// r with err from a plain net/http handler and returns the error of
// writing the body, if any; a nil err writes nothing and returns an error
// saying so. It keeps nothing from one call to the next (the package
// holds no state), so a server that answers many errors should make one
// Gateway and call its WriteError: its pooled buffers and rendered-detail
// cache make each error several times cheaper.
func WriteError(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		return errNilError
	}
	cfg, _ := newConfig(nil) // no option, no error
	opts := cfg.bodyOptions()
	opts.NoCache = true // it would die with the call
	g := &Gateway{cfg: cfg, bodies: body.NewWriter(opts)}
	return g.WriteError(w, r, err)
}

// outgoingHeaderMatcher is grpc-gateway's default outgoing header matcher
// (every key, prefixed with Grpc-Metadata-) less statusmap's own key.
func outgoingHeaderMatcher(key string) (string, bool) {
	if key == wire.SuccessStatusKey {
		return "", false
	}
	return runtime.MetadataHeaderPrefix + key, true
}
