package gateway

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
)

// Format is the shape of the JSON error body.
type Format int

const (
	// FormatStatus is grpc-gateway's body, google.rpc.Status in the
	// request's marshaler: {"code": 5, "message": "...", "details": [...]},
	// where code is the gRPC code. Existing grpc-gateway clients see no
	// difference but the status line.
	FormatStatus Format = iota
	// FormatGoogle is the AIP-193 envelope:
	// {"error": {"code": 404, "message": "...", "status": "NOT_FOUND", "details": [...]}},
	// where code is the HTTP status (statusmapv1.GoogleErrorBody).
	FormatGoogle
	// FormatProblem is an RFC 9457 problem document, Content-Type
	// application/problem+json, with the gRPC code and the details as
	// extension members (statusmapv1.Problem).
	FormatProblem
)

// String returns the format's name: "status", "google" or "problem".
func (f Format) String() string {
	switch f {
	case FormatStatus:
		return "status"
	case FormatGoogle:
		return "google"
	case FormatProblem:
		return "problem"
	default:
		return fmt.Sprintf("Format(%d)", int(f))
	}
}

// An Option configures the handlers. Options are applied once, when a
// handler is built; the handler is then immutable and safe for concurrent
// use.
type Option func(*config)

// config is what the options build. Defaults come from defaultConfig, a
// fresh value for every handler, so no option ever changes a default.
type config struct {
	format            Format
	mapper            *statusmap.Mapper
	wwwAuthenticate   string
	proxyAuthenticate string
	redact            bool
	problemType       func(httpStatus int, code codes.Code) string
	headerMatcher     runtime.HeaderMatcherFunc
	trailerMatcher    runtime.HeaderMatcherFunc
	success           successConfig
	onWriteError      func(*http.Request, error)
	// buffers and details belong to this handler alone (see cache.go).
	buffers *sync.Pool
	details *detailCache
	// probeRoutes is set by ServeMuxOptions, which installs the middleware
	// that makes probing a mux for a path's methods safe.
	probeRoutes bool
}

// The challenges of a 401 and a 407 whose status pins none, unless
// configured. ErrorFromResponse recognises them as a gateway's defaults.
const (
	defaultWWWAuthenticate   = `Bearer realm="api"`
	defaultProxyAuthenticate = `Basic realm="proxy"`
)

func defaultConfig() config {
	return config{
		format:            FormatStatus,
		wwwAuthenticate:   defaultWWWAuthenticate,
		proxyAuthenticate: defaultProxyAuthenticate,
		headerMatcher:     defaultOutgoingMatcher,
		trailerMatcher:    defaultTrailerMatcher,
		success:           defaultSuccessConfig(),
	}
}

func newConfig(opts []Option) *config {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	cfg.buffers = &sync.Pool{}
	cfg.details = newDetailCache()
	return &cfg
}

// WithFormat sets the body format. The default is FormatStatus. Whatever
// the format, a request whose Accept header prefers
// application/problem+json gets FormatProblem.
func WithFormat(f Format) Option {
	return func(c *config) {
		if f >= FormatStatus && f <= FormatProblem {
			c.format = f
		}
	}
}

// WithMapper sets the gRPC-to-HTTP table for statuses without a pinned
// HTTP status. The default is the documented table (statusmap.HTTPStatus).
func WithMapper(m *statusmap.Mapper) Option {
	return func(c *config) { c.mapper = m }
}

// WithAuthChallenges sets the WWW-Authenticate challenges of a 401 whose
// status pins none. The default is `Bearer realm="api"`. Challenges that do
// not validate as RFC 9110 syntax are skipped; if none is left the default
// stays, since a 401 must carry a challenge.
func WithAuthChallenges(challenges ...*statusmapv1.AuthChallenge) Option {
	return func(c *config) {
		if v := formatChallenges(challenges); v != "" {
			c.wwwAuthenticate = v
		}
	}
}

// WithProxyAuthChallenges sets the Proxy-Authenticate challenges of a 407
// whose status pins none. The default is `Basic realm="proxy"`.
func WithProxyAuthChallenges(challenges ...*statusmapv1.AuthChallenge) Option {
	return func(c *config) {
		if v := formatChallenges(challenges); v != "" {
			c.proxyAuthenticate = v
		}
	}
}

// WithRedaction replaces the message of every 5xx response with the reason
// phrase and drops google.rpc.DebugInfo details from it, for services that
// must not leak internals to clients. Off by default, so that installing the
// gateway changes nothing a client reads but the status line; recommended.
func WithRedaction(redact bool) Option {
	return func(c *config) { c.redact = redact }
}

// WithProblemType sets how FormatProblem's "type" member is chosen. The
// default, and the fallback for an empty result, is "about:blank".
func WithProblemType(typeURI func(httpStatus int, code codes.Code) string) Option {
	return func(c *config) { c.problemType = typeURI }
}

// WithOutgoingHeaderMatcher sets which server header metadata keys become
// response headers, and under what name, as runtime.WithOutgoingHeaderMatcher
// does for the mux. ServeMuxOptions installs the same matcher in the mux, so
// successes and errors forward alike. The default is grpc-gateway's:
// every key, prefixed with Grpc-Metadata-.
func WithOutgoingHeaderMatcher(m runtime.HeaderMatcherFunc) Option {
	return func(c *config) {
		if m != nil {
			c.headerMatcher = m
		}
	}
}

// WithOutgoingTrailerMatcher is WithOutgoingHeaderMatcher for trailer
// metadata, which is forwarded only to requests with "TE: trailers".
func WithOutgoingTrailerMatcher(m runtime.HeaderMatcherFunc) Option {
	return func(c *config) {
		if m != nil {
			c.trailerMatcher = m
		}
	}
}

// WithWriteErrorHandler sets a function told when writing a response fails
// (the client went away, say). The library never logs; by default such
// failures are ignored, as nothing more can be sent to that client.
func WithWriteErrorHandler(f func(r *http.Request, err error)) Option {
	return func(c *config) { c.onWriteError = f }
}

func (c *config) writeFailed(r *http.Request, err error) {
	if err != nil && c.onWriteError != nil {
		c.onWriteError(r, err)
	}
}
