package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
)

// Format is the shape of the JSON error body.
type Format int

const (
	// FormatStatus is grpc-gateway's body, google.rpc.Status in the
	// request's marshaler: {"code": 5, "message": "...", "details": [...]},
	// where code is the gRPC code. For every error grpc-gateway can write,
	// the body is equal by meaning to grpc-gateway's but for the differences
	// TestPeerCases lists (grpc-gateway's own error cases run on both): the
	// pin is left out, the gateway's own request errors are made readable, a
	// protovalidate error gets a google.rpc.BadRequest, a Go error that is
	// not a status is translated as the interceptors would (its text withheld
	// by default), and the mux's forward-response rewriter is not run on
	// errors.
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

// ParseFormat is String's inverse.
func ParseFormat(name string) (Format, error) {
	for f := FormatStatus; f <= FormatProblem; f++ {
		if name == f.String() {
			return f, nil
		}
	}
	return 0, fmt.Errorf("gateway: unknown format %q (want status, google or problem)", name)
}

// An Option configures a Gateway. New checks every option and reports the
// bad ones; none is ever dropped silently.
type Option func(*config) error

// config is what the options build. A fresh one comes from defaultConfig
// for every Gateway, so no option ever changes a default.
type config struct {
	format            Format
	mapper            *statusmap.Mapper
	wwwAuthenticate   string
	proxyAuthenticate string
	proxyConfigured   bool // WithProxyAuthChallenges: OpenAPI lists 407
	redact            bool
	pinInBody         bool
	notAcceptable     bool
	problemType       func(httpStatus int, code codes.Code) string
	success           successConfig
	onWriteError      func(*http.Request, error)
	upstream          upstreamConfig
	validation        statusmap.ValidationDetails
	// rules are WithRules' options; translate is statusmap.Translator of
	// the mapper, then the rules, built once for every error errorStatus
	// translates.
	rules     []statusmap.Option
	translate func(ctx context.Context, err error) error
}

// The challenges of a 401 and a 407 whose status pins none, unless
// configured. ErrorFromResponse recognises them as a gateway's defaults.
const (
	defaultWWWAuthenticate   = wire.DefaultWWWAuthenticate
	defaultProxyAuthenticate = wire.DefaultProxyAuthenticate
)

func defaultConfig() config {
	return config{
		format:            FormatStatus,
		wwwAuthenticate:   defaultWWWAuthenticate,
		proxyAuthenticate: defaultProxyAuthenticate,
		success:           defaultSuccessConfig(),
		upstream:          defaultUpstreamConfig(),
		validation:        statusmap.ValidationKeep,
	}
}

// applyOptions applies opts to c and returns every error, one a bad
// option: New and Gateway.OpenAPI report every bad option, never the first
// alone. kind names an option in the error of a nil one.
func applyOptions[C any, O ~func(*C) error](c *C, opts []O, kind string) []error {
	var errs []error
	for i, opt := range opts {
		if opt == nil {
			errs = append(errs, fmt.Errorf("gateway: %s %d is nil", kind, i))
			continue
		}
		if err := opt(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// newConfig applies opts to the defaults and reports every bad option.
func newConfig(opts []Option) (config, error) {
	cfg := defaultConfig()
	errs := applyOptions(&cfg, opts, "option")
	// WithRules checked its options (checkRules): Translator cannot panic.
	cfg.translate = statusmap.Translator(append([]statusmap.Option{statusmap.WithCodeMapper(cfg.mapper)}, cfg.rules...)...)
	cfg.success.compile()
	return cfg, errors.Join(errs...)
}

// WithFormat sets the body format. The default is FormatStatus. Whatever
// the format, a request whose Accept header prefers
// application/problem+json gets FormatProblem.
func WithFormat(f Format) Option {
	return func(c *config) error {
		if f < FormatStatus || f > FormatProblem {
			return fmt.Errorf("gateway: WithFormat(%v): not a format", f)
		}
		c.format = f
		return nil
	}
}

// WithStatusMapper sets the table the gateway reads in the direction
// gRPC code -> HTTP status (Mapper.HTTPStatus), for statuses without a
// pinned HTTP status. A Mapper is one table read both ways, so the same
// table also gives the code where the gateway must find one from an HTTP
// status: Gateway.ErrorFromResponse for a body that states none, and the
// translation of errors that are not gRPC statuses (WithRules), unless one
// of those rules is a statusmap.WithCodeMapper of its own, which then wins
// for the translation. The default, and a nil Mapper, is the documented
// table (statusmap.HTTPStatus). The interceptors' option is
// statusmap.WithCodeMapper.
func WithStatusMapper(m *statusmap.Mapper) Option {
	return func(c *config) error {
		c.mapper = m
		return nil
	}
}

// WithAuthChallenges sets the WWW-Authenticate challenges of a 401 whose
// status pins none. The default is `Bearer realm="api"`. Every challenge
// must be valid RFC 9110 syntax (a token scheme, token parameter names,
// values a quoted-string can hold, or a token68), and there must be one.
func WithAuthChallenges(challenges ...*statusmapv1.AuthChallenge) Option {
	return func(c *config) error {
		v, err := checkedChallenges("WithAuthChallenges", challenges)
		c.wwwAuthenticate = v
		return err
	}
}

// WithProxyAuthChallenges sets the Proxy-Authenticate challenges of a 407
// whose status pins none, as WithAuthChallenges does for a 401. The
// default is `Basic realm="proxy"`.
func WithProxyAuthChallenges(challenges ...*statusmapv1.AuthChallenge) Option {
	return func(c *config) error {
		v, err := checkedChallenges("WithProxyAuthChallenges", challenges)
		c.proxyAuthenticate, c.proxyConfigured = v, true
		return err
	}
}

// checkedChallenges renders challenges, or says which one is not valid.
func checkedChallenges(name string, challenges []*statusmapv1.AuthChallenge) (string, error) {
	if len(challenges) == 0 {
		return "", fmt.Errorf("gateway: %s: no challenge (a 401 or 407 must carry one)", name)
	}
	if len(challenges) > httpwire.MaxHeaderItems {
		return "", fmt.Errorf("gateway: %s: %d challenges, more than %d", name, len(challenges), httpwire.MaxHeaderItems)
	}
	for i, ch := range challenges {
		if httpwire.FormatChallenges(challenges[i:i+1]) == "" || !challengeComplete(ch) {
			return "", fmt.Errorf("gateway: %s: challenge %d (%q) is not valid RFC 9110 syntax", name, i, ch.GetScheme())
		}
	}
	v := httpwire.FormatChallenges(challenges)
	if len(v) > httpwire.MaxHeaderValue {
		return "", fmt.Errorf("gateway: %s: the header would exceed %d bytes", name, httpwire.MaxHeaderValue)
	}
	return v, nil
}

// challengeComplete reports whether httpwire.FormatChallenges keeps every part of
// ch, so that an option is refused rather than quietly trimmed.
func challengeComplete(ch *statusmapv1.AuthChallenge) bool {
	if ch.GetToken68() != "" {
		return len(ch.GetParams()) == 0 && httpwire.IsToken68(ch.GetToken68())
	}
	if len(ch.GetParams()) > httpwire.MaxHeaderItems {
		return false
	}
	for _, p := range ch.GetParams() {
		if !httpwire.IsToken(p.GetName()) {
			return false
		}
		if _, ok := httpwire.AppendQuoted(nil, p.GetValue()); !ok {
			return false
		}
	}
	return true
}

// WithRules translates errors that are not gRPC statuses with the same
// options as statusmap's interceptors (WithErrorIs, WithErrorAs, WithRule,
// WithUnknownMessage, ...). Give it the options your interceptors get:
// handlers registered in process (grpc-gateway's RegisterXHandlerServer)
// skip gRPC interceptors, and their errors reach the gateway untranslated,
// so that a sentinel error mapped to NotFound is a 404 either way.
// Without it, such errors (and a plain net/http handler's, given to
// WriteError) are translated with no rules: secure by default, a text not
// made for a client is withheld, so give it statusmap.WithErrorHook to log
// them.
func WithRules(opts ...statusmap.Option) Option {
	return func(c *config) error {
		// Checked with the rules of earlier WithRules: options that are
		// fine alone may clash together (WithErrorText(true) with
		// WithUnknownMessage), and would panic at every request.
		rules := append(c.rules[:len(c.rules):len(c.rules)], opts...)
		if err := checkRules(rules); err != nil {
			return err
		}
		c.rules = rules
		return nil
	}
}

// checkRules reports bad interceptor options as an error: statusmap's
// constructors panic on them, a programming error in the interceptors'
// own setup, but New reports every bad option it is given.
func checkRules(opts []statusmap.Option) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gateway: WithRules: %v", p)
		}
	}()
	statusmap.UnaryServerInterceptor(opts...)
	return nil
}

// WithRedaction replaces the message of every 5xx response with the reason
// phrase and drops google.rpc.DebugInfo details from it, for services that
// must not leak internals to clients. It also keeps an upstream's text out
// of 5xx answers: see Gateway.ErrorFromResponse. Off by default, so that
// installing the gateway changes no gRPC status's message a client
// reads; recommended.
func WithRedaction(redact bool) Option {
	return func(c *config) error {
		c.redact = redact
		return nil
	}
}

// WithNotAcceptable answers 406 Not Acceptable, before any backend is
// called, a request whose Accept header names none of the media types the
// gateway can produce (the mux's default marshaler's type, the types of
// marshalers registered with runtime.WithMarshalerOption, and
// application/problem+json) and no wildcard. The message lists the types it
// can produce. Off by default, as grpc-gateway answers such a request in its
// default marshaler's type.
func WithNotAcceptable(on bool) Option {
	return func(c *config) error {
		c.notAcceptable = on
		return nil
	}
}

// WithPinInBody keeps statusmap's own statusmapv1.HttpStatus detail (the
// pin) in error bodies. By default it is left out: the status line, Allow
// and the challenge headers already say what it says, ErrorFromResponse
// reads the exact status back from them, and a strict client decoder that
// does not know statusmap's types (protojson, protobuf-es, Python) would
// refuse a whole body for one unknown detail. Turn it on only for
// gateways whose clients are statusmap-to-statusmap hops that link
// statusmap's types.
func WithPinInBody(keep bool) Option {
	return func(c *config) error {
		c.pinInBody = keep
		return nil
	}
}

// WithProblemType sets how FormatProblem's "type" member is chosen. The
// default, and the fallback for an empty result, is "about:blank".
func WithProblemType(typeURI func(httpStatus int, code codes.Code) string) Option {
	return func(c *config) error {
		if typeURI == nil {
			return errors.New("gateway: WithProblemType(nil)")
		}
		c.problemType = typeURI
		return nil
	}
}

// WithWriteErrorHandler sets a function told when writing an error
// response through the mux fails (the client went away, say). The library
// never logs; by default such failures are ignored, as nothing more can be
// sent to that client. Gateway.WriteError returns the failure instead.
func WithWriteErrorHandler(f func(r *http.Request, err error)) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("gateway: WithWriteErrorHandler(nil)")
		}
		c.onWriteError = f
		return nil
	}
}

// WithSuccessStatus sets the status a successful call with the HTTP method
// answers with. The defaults follow the documented table: POST 201, DELETE
// 204 (200 when the response message is not empty: nothing is thrown
// away), and 200 for everything else. The status must be a 2xx.
func WithSuccessStatus(method string, httpStatus int) Option {
	return func(c *config) error {
		if !httpwire.IsToken(method) {
			return fmt.Errorf("gateway: WithSuccessStatus(%q, %d): not an HTTP method", method, httpStatus)
		}
		if !wire.IsSuccessStatus(httpStatus) {
			return fmt.Errorf("gateway: WithSuccessStatus(%q, %d): not a 2xx status", method, httpStatus)
		}
		c.success.byMethod = cloneMap(c.success.byMethod)
		c.success.byMethod[strings.ToUpper(method)] = httpStatus
		return nil
	}
}

// WithRPCSuccessStatus sets the success status of one RPC, named by its full
// method name ("/bookshelf.v1.BookshelfService/CreateBook"); it overrides
// WithSuccessStatus. A gRPC handler can also choose its own status per call
// with statusmap.SetHTTPStatus, which overrides both. The status must be a
// 2xx.
func WithRPCSuccessStatus(fullMethod string, httpStatus int) Option {
	return func(c *config) error {
		if !strings.HasPrefix(fullMethod, "/") {
			fullMethod = "/" + fullMethod
		}
		if _, _, ok := wire.SplitFullMethod(fullMethod); !ok {
			return fmt.Errorf("gateway: WithRPCSuccessStatus(%q, %d): not a full method name like /pkg.Service/Method", fullMethod, httpStatus)
		}
		if !wire.IsSuccessStatus(httpStatus) {
			return fmt.Errorf("gateway: WithRPCSuccessStatus(%q, %d): not a 2xx status", fullMethod, httpStatus)
		}
		c.success.byRPC = cloneMap(c.success.byRPC)
		c.success.byRPC[fullMethod] = httpStatus
		return nil
	}
}

// WithSuccessByMethod(false) answers every success with 200, as
// grpc-gateway does, unless a handler calls statusmap.SetHTTPStatus: the
// statuses by HTTP method (POST 201, DELETE 204, WithSuccessStatus) are
// off, and so are WithRPCSuccessStatus's. The default, true, answers with
// them.
func WithSuccessByMethod(on bool) Option {
	return func(c *config) error {
		c.success.disabled = !on
		return nil
	}
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
