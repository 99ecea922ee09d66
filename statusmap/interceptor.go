package statusmap

import (
	"context"
	"errors"
	"fmt"

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
	errs          []error
	rules         []Rule
	mapper        *Mapper
	hideUnknown   bool
	unknownText   string
	reportUnknown func(ctx context.Context, err error)
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

// WithErrorCode adds a rule: an error for which errors.Is(err, target)
// holds becomes a status with code and the error's text, as
// WithErrorCode(sql.ErrNoRows, codes.NotFound) would want. The chain is
// walked with a bound, so an error that wraps itself cannot hang it.
func WithErrorCode(target error, code codes.Code) Option {
	return WithRule(func(err error) (*status.Status, bool) {
		if errchain.Is(err, target) {
			return status.New(code, err.Error()), true
		}
		return nil, false
	})
}

// WithErrorAs adds a rule with errors.As semantics (bounded, as
// WithErrorCode): the first error in the chain of type T is given to
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

// WithMapper sets the table that turns an error's HTTPStatus() or
// StatusCode() into a gRPC code. The default is Code.
func WithMapper(m *Mapper) Option {
	return func(c *interceptorConfig) { c.mapper = m }
}

// WithUnknownMessage answers errors that no rule translates with msg
// instead of their own text, which may hold internals (file names, SQL, an
// upstream's address). It covers context errors too: a wrapped
// context.Canceled or context.DeadlineExceeded keeps its code but is sent
// with the context's own text only ("context deadline exceeded"), not the
// wrapper's. The original error goes to report, so that it is not lost;
// report may be nil only if losing it is really meant.
func WithUnknownMessage(msg string, report func(ctx context.Context, err error)) Option {
	return func(c *interceptorConfig) {
		c.hideUnknown = true
		c.unknownText = msg
		c.reportUnknown = report
	}
}

// UnaryServerInterceptor translates a handler's error into a gRPC status
// once, at the edge of the server:
//
//   - nil stays nil (and costs no allocation);
//   - a gRPC status, also wrapped, keeps its code, message and details;
//   - the rules added with options are tried in order;
//   - context.Canceled and context.DeadlineExceeded become Canceled and
//     DeadlineExceeded;
//   - an error with an HTTPStatus() int or StatusCode() int method anywhere
//     in its chain becomes Error(that status, err.Error()): the code from
//     the table and the exact status pinned, so a gateway answers with it;
//   - anything else becomes Unknown with the error's text (as grpc-go would
//     send it), or the message of WithUnknownMessage.
//
// Panics are not this interceptor's business: install a recovery
// interceptor (go-grpc-middleware's recovery, say) outside it.
//
// A bad option (a nil Option, WithRule(nil)) is a programming error: the
// constructor panics, naming it, rather than serve without it.
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
	if len(cfg.errs) > 0 {
		panic(errors.Join(cfg.errs...))
	}
	return cfg
}

// Translate is what the interceptors do to a handler's error, for code
// that returns errors to gRPC some other way. It returns nil for nil, and
// panics on a bad option as the interceptors do.
func Translate(ctx context.Context, err error, opts ...Option) error {
	if err == nil {
		return nil
	}
	return newInterceptorConfig(opts).translate(ctx, err)
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
		return st.Err()
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
		return pinned(&statusmapv1.HttpStatus{Code: int32(httpStatus)}, c.mapper.Code(httpStatus), err.Error()).Err()
	}
	return c.unknown(ctx, err)
}

// contextError answers a context error. Its text is the error's own, which
// for a wrapped one may hold internals (`Get "http://10.0.3.7/internal":
// context deadline exceeded`); with WithUnknownMessage only the context's
// own text is sent, and the original goes to the report function.
func (c *interceptorConfig) contextError(ctx context.Context, code codes.Code, base, err error) error {
	if c.hideUnknown {
		if c.reportUnknown != nil && err != base {
			c.reportUnknown(ctx, err)
		}
		return status.Error(code, base.Error())
	}
	return status.Error(code, err.Error())
}

// unknown answers an error no rule translates.
func (c *interceptorConfig) unknown(ctx context.Context, err error) error {
	if c.hideUnknown {
		if c.reportUnknown != nil {
			c.reportUnknown(ctx, err)
		}
		return status.Error(codes.Unknown, c.unknownText)
	}
	return status.Error(codes.Unknown, err.Error())
}
