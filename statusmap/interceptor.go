package statusmap

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/statusmap/statusmap/internal/errchain"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// An Option configures UnaryServerInterceptor and StreamServerInterceptor.
type Option func(*interceptorConfig)

// Rule translates an error the interceptors would otherwise answer as
// Unknown. It returns false when the error is not its kind.
type Rule func(err error) (*status.Status, bool)

type interceptorConfig struct {
	// errs are the bad options seen; the constructors panic with them.
	errs   []error
	rules  []Rule
	mapper *Mapper
	// showText is WithErrorText(true): errors speak with their own text.
	showText bool
	// unknownText is WithUnknownMessage's msg, set when hasUnknownText.
	unknownText    string
	hasUnknownText bool
	// hook is WithErrorHook's, or WithUnknownMessage's report.
	hook func(ctx context.Context, err error)
	// validation is WithValidationDetails'.
	validation ValidationDetails
}

// WithRule adds a rule. Rules are tried in the order they were added, after
// the error was found not to be a gRPC status already, and before the
// built-in rules for context errors and HTTP status methods. A nil rule is
// a bad option (see UnaryServerInterceptor).
func WithRule(rule Rule) Option {
	return func(c *interceptorConfig) {
		if rule == nil {
			c.errs = append(c.errs, errors.New("statusmap: WithRule(nil)"))
			return
		}
		c.rules = append(c.rules, rule)
	}
}

// WithErrorIs adds a rule with errors.Is semantics, the pair of
// WithErrorAs: an error for which errors.Is(err, target) holds becomes a
// status with code and the error's text, as WithErrorIs(sql.ErrNoRows,
// codes.NotFound) would want. The chain is walked with a bound, so an
// error that wraps itself cannot hang it. (WithCode, an option of
// NewMapper, changes a row of the HTTP status -> gRPC code table instead.)
func WithErrorIs(target error, code codes.Code) Option {
	return WithRule(func(err error) (*status.Status, bool) {
		if errchain.Is(err, target) {
			return status.New(code, err.Error()), true
		}
		return nil, false
	})
}

// WithErrorAs adds a rule with errors.As semantics (bounded, as
// WithErrorIs): the first error in the chain of type T is given to
// translate; a nil result means the rule does not apply.
func WithErrorAs[T error](translate func(T) *status.Status) Option {
	return WithRule(func(err error) (*status.Status, bool) {
		var target T
		found := errchain.Walk(err, func(e error) bool {
			if t, ok := e.(T); ok {
				target = t
				return true
			}
			as, ok := e.(interface{ As(any) bool })
			return ok && as.As(&target)
		})
		if found {
			if st := translate(target); st != nil {
				return st, true
			}
		}
		return nil, false
	})
}

// WithCodeMapper sets the table the interceptors read in the direction
// HTTP status -> gRPC code (Mapper.Code): it turns an error's HTTPStatus()
// or StatusCode() into a gRPC code. The default, and a nil Mapper, is
// Code. The gateway's option for the opposite direction is
// gateway.WithStatusMapper.
func WithCodeMapper(m *Mapper) Option {
	return func(c *interceptorConfig) { c.mapper = m }
}

// WithErrorHook sets the function that receives every error whose text
// the interceptors keep from the client (see UnaryServerInterceptor), with
// the call's context, so that the error is logged rather than lost: a
// client of a plain error reads only "Internal Server Error". It is called
// once per translated error, on the goroutine of the call (never from one
// the interceptors start), before the interceptor returns. Errors sent
// with their own text (statuses, the rules' results, a bare context error)
// are not given to it. A nil hook is allowed: the hidden errors are then
// dropped, which is the default.
func WithErrorHook(hook func(ctx context.Context, err error)) Option {
	return func(c *interceptorConfig) { c.hook = hook }
}

// WithErrorText(true) restores grpc-go's behaviour: an error that is not a
// status and that no rule translates is sent with its own text (and a
// wrapped context error with the wrapper's), which may hold internals such
// as file names, SQL or an upstream's address. The default, false, sends
// the status text of the error's HTTP status instead and gives the error
// to WithErrorHook. WithErrorText(true) together with WithUnknownMessage
// is a bad option: one hides what the other shows.
func WithErrorText(show bool) Option {
	return func(c *interceptorConfig) { c.showText = show }
}

// WithUnknownMessage sends msg, instead of "Internal Server Error", for
// errors answered as Unknown (see UnaryServerInterceptor: their own text is
// never sent by default). Errors a built-in rule gives another code keep
// the words of that code: a context error's own text, an HTTP status's
// status text. The original error goes to report, as to WithErrorHook; a
// non-nil report replaces the hook, a nil one leaves it as it is.
func WithUnknownMessage(msg string, report func(ctx context.Context, err error)) Option {
	return func(c *interceptorConfig) {
		c.unknownText = msg
		c.hasUnknownText = true
		if report != nil {
			c.hook = report
		}
	}
}

// UnaryServerInterceptor translates a handler's error into a gRPC status
// once, at the edge of the server:
//
//   - nil stays nil (and costs no allocation);
//   - a gRPC status, also wrapped, keeps its code, message and details: it
//     was made on purpose (status.Error, a catalog's error, a pin's
//     Error), and a wrapped one speaks with its own message, not with the
//     wrapper's text (fmt.Errorf("load: %w", st) sends st's message);
//     WithValidationDetails adds a google.rpc.BadRequest to a
//     protovalidate error's;
//   - the rules added with options are tried in order; a rule maps an
//     error on purpose, so its status is sent as the rule made it (and
//     WithErrorIs's carries the error's text: use WithErrorAs or WithRule
//     to choose the words);
//   - context.Canceled and context.DeadlineExceeded become Canceled and
//     DeadlineExceeded, with the context's own text ("context canceled"),
//     not a wrapper's;
//   - an error with an HTTPStatus() int or StatusCode() int method anywhere
//     in its chain becomes Error(that status, its status text): the code
//     from the table and the exact status pinned, so a gateway answers
//     with it, an upstream's 409 as "Conflict";
//   - anything else becomes Unknown with "Internal Server Error" (the status
//     text of Unknown's HTTP status), or WithUnknownMessage's text.
//
// Secure by default: grpc-go would send a plain error's whole text
// ("db: connection reset by peer 10.0.0.7:5432"); these interceptors send
// none of a text they did not see made for a client. Every error whose text
// is withheld (plain, HTTPStatus/StatusCode, a wrapped context error) is
// given to WithErrorHook: set it to log them. WithErrorText(true) sends the
// errors' own texts, as before.
//
// Panics are not this interceptor's business: install a recovery
// interceptor (go-grpc-middleware's recovery, say) outside it.
//
// A bad option (a nil Option, WithRule(nil), WithErrorText(true) with
// WithUnknownMessage) is a programming error: the constructor panics,
// naming it, rather than serve without it.
func UnaryServerInterceptor(opts ...Option) grpc.UnaryServerInterceptor {
	cfg := newInterceptorConfig(opts)
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		resp, err := handler(ctx, req)
		if err == nil {
			return resp, nil
		}
		return resp, cfg.translate(ctx, err)
	}
}

// StreamServerInterceptor is UnaryServerInterceptor for streaming RPCs.
func StreamServerInterceptor(opts ...Option) grpc.StreamServerInterceptor {
	cfg := newInterceptorConfig(opts)
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		err := handler(srv, ss)
		if err == nil {
			return nil
		}
		return cfg.translate(ss.Context(), err)
	}
}

func newInterceptorConfig(opts []Option) *interceptorConfig {
	cfg := &interceptorConfig{}
	for i, opt := range opts {
		if opt == nil {
			cfg.errs = append(cfg.errs, fmt.Errorf("statusmap: option %d is nil", i))
			continue
		}
		opt(cfg)
	}
	if cfg.showText && cfg.hasUnknownText {
		cfg.errs = append(cfg.errs, errors.New("statusmap: WithErrorText(true) with WithUnknownMessage: one sends the errors' text, the other hides it"))
	}
	if len(cfg.errs) > 0 {
		panic(errors.Join(cfg.errs...))
	}
	return cfg
}

// Translator returns what the interceptors do to a handler's error, for
// code that returns errors to gRPC some other way (a connect handler, a
// bridge of its own, a queue worker): the same translation, rules and hook
// as UnaryServerInterceptor(opts...). The options are applied once, here,
// as the interceptors apply theirs; make the function once and keep it:
//
//	translate := statusmap.Translator(statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound))
//	...
//	return translate(ctx, err)
//
// The function returns nil for nil and is safe for concurrent use.
// Translator panics on a bad option, naming it, as the interceptors do.
func Translator(opts ...Option) func(ctx context.Context, err error) error {
	cfg := newInterceptorConfig(opts)
	return func(ctx context.Context, err error) error {
		if err == nil {
			return nil
		}
		return cfg.translate(ctx, err)
	}
}

func (c *interceptorConfig) translate(ctx context.Context, err error) error {
	if st := errchain.Status(err); st != nil {
		if st.Code() == codes.OK {
			// A non-nil error claiming OK would reach the client as a
			// success: it is an unknown error.
			return c.unknown(ctx, err)
		}
		// The status as it was made, not status.FromError's copy whose
		// message is the whole wrapped text.
		return c.withValidationDetails(ctx, st).Err()
	}
	for _, rule := range c.rules {
		if st, ok := rule(err); ok && st != nil {
			if st.Code() == codes.OK {
				continue
			}
			return st.Err()
		}
	}
	switch {
	case errchain.Is(err, context.Canceled):
		return c.contextError(ctx, codes.Canceled, context.Canceled, err)
	case errchain.Is(err, context.DeadlineExceeded):
		return c.contextError(ctx, codes.DeadlineExceeded, context.DeadlineExceeded, err)
	}
	if httpStatus, ok := statusCodeInChain(err); ok {
		code := c.mapper.Code(httpStatus)
		return pinned(&statusmapv1.HttpStatus{Code: int32(httpStatus)}, code, c.withheld(ctx, err, httpStatus, code)).Err()
	}
	return c.unknown(ctx, err)
}

// withheld returns the text to send for err, which was not made for a
// client: its own with WithErrorText(true), else the status text of
// httpStatus (or the name of code, for a status net/http has no text for,
// as 499), err going to the hook.
func (c *interceptorConfig) withheld(ctx context.Context, err error, httpStatus int, code codes.Code) string {
	if c.showText {
		return err.Error()
	}
	c.report(ctx, err)
	if text := http.StatusText(httpStatus); text != "" {
		return text
	}
	return code.String()
}

// report hands an error whose text is withheld to the hook, if any.
func (c *interceptorConfig) report(ctx context.Context, err error) {
	if c.hook != nil {
		c.hook(ctx, err)
	}
}

// contextError answers a context error with the context's own text. A
// wrapped one's whole text may hold internals (`Get "http://10.0.3.7/x":
// context deadline exceeded`): it is withheld like a plain error's, unless
// WithErrorText(true).
func (c *interceptorConfig) contextError(ctx context.Context, code codes.Code, base, err error) error {
	if c.showText {
		return status.Error(code, err.Error())
	}
	if err != base {
		c.report(ctx, err)
	}
	return status.Error(code, base.Error())
}

// unknown answers an error no rule translates.
func (c *interceptorConfig) unknown(ctx context.Context, err error) error {
	if c.hasUnknownText && !c.showText {
		c.report(ctx, err)
		return status.Error(codes.Unknown, c.unknownText)
	}
	return status.Error(codes.Unknown, c.withheld(ctx, err, c.mapper.HTTPStatus(codes.Unknown), codes.Unknown))
}
