package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// A mux option given after ServeMuxOptions may replace statusmap's error,
// routing error or stream error handler (grpc-gateway keeps one of each,
// the last given). The replaced handler then answers with grpc-gateway's
// statuses and writes the pin into bodies. Nothing at NewServeMux time can
// see the options that follow statusmap's, so the mux is asked afterwards:
// a probe error is sent through each handler, and statusmap's handlers
// recognise it and say so.

// Verify reports whether statusmap's handlers answer a mux's errors: it
// returns nil for a mux built with ServeMuxOptions (of any Gateway), and
// otherwise an error that names each of the error, routing error and
// stream error handlers that is not statusmap's, and why. Call it once
// after runtime.NewServeMux, in a test or at start-up:
//
//	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
//	if err := gateway.Verify(mux); err != nil {
//		log.Fatal(err)
//	}
//
// A handler of the user's own that hands its errors on to statusmap's
// passes. Verify sends one probe error (its message says what it is)
// through each handler, with a request that reaches no route and a writer
// that discards what it is given: a foreign handler runs and may log it.
//
// Whether Verify is called or not, the first request that reaches
// statusmap's middleware or routing error handler in a mux that fails the
// check panics with the same message (net/http recovers it and logs it):
// the mistake is a construction-time one, and shows at the first request a
// developer sends. Under a server adapter that does not recover panics
// (the mux called other than by net/http's Server), that first request
// would crash the process: call Verify at start-up, before serving. Later
// requests are answered by the foreign handlers, with the pin taken out of
// the JSON and protobuf bodies they write (TestForeignErrorHandlerCannotLeakPin
// shows it).
func Verify(mux *runtime.ServeMux) error {
	if mux == nil {
		return errors.New("statusmap/gateway: Verify: nil mux")
	}
	return verify(mux).err()
}

// handlerProbe is the error Verify sends through a mux's error and stream
// error handlers. statusmap's handlers note that they were reached and
// write nothing.
type handlerProbe struct{ reached bool }

func (*handlerProbe) Error() string {
	return "statusmap/gateway: a probe of the mux's error handlers (see gateway.Verify), not an error"
}

// probeError reports whether err is Verify's probe, and notes that a
// statusmap handler was reached.
func probeError(err error) bool {
	p, ok := err.(*handlerProbe)
	if ok {
		p.reached = true
	}
	return ok
}

// muxCheck is what verify learned: which handlers are statusmap's.
type muxCheck struct {
	errorHandler, routingHandler, streamHandler bool
}

// verify sends the probes. The routing probe's path does not begin with a
// slash, which grpc-gateway answers through the routing error handler
// before it looks for a route.
func verify(mux *runtime.ServeMux) muxCheck {
	body := &probeBody{}
	req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "statusmap-verify"}, Header: http.Header{}, Body: body}
	w := discardWriter{h: http.Header{}}
	ctx := context.Background()
	unary, stream := &handlerProbe{}, &handlerProbe{}
	runtime.HTTPError(ctx, mux, defaultMarshaler, w, req, unary)
	runtime.HTTPStreamError(ctx, mux, defaultMarshaler, w, req, stream)
	mux.ServeHTTP(w, req)
	return muxCheck{errorHandler: unary.reached, routingHandler: body.answered, streamHandler: stream.reached}
}

// err says what is wrong with the mux, or nil.
func (c muxCheck) err() error {
	if c.errorHandler && c.routingHandler && c.streamHandler {
		return nil
	}
	if !c.errorHandler && !c.routingHandler && !c.streamHandler {
		return errors.New("statusmap/gateway: none of the mux's error handlers is statusmap's: build it with runtime.NewServeMux(gateway.ServeMuxOptions()...), " +
			"and give no runtime.WithErrorHandler, WithRoutingErrorHandler or WithStreamErrorHandler after them")
	}
	var handlers, options []string
	for _, h := range [...]struct {
		ours         bool
		name, option string
	}{
		{c.errorHandler, "error handler", "runtime.WithErrorHandler"},
		{c.routingHandler, "routing error handler", "runtime.WithRoutingErrorHandler"},
		{c.streamHandler, "stream error handler", "runtime.WithStreamErrorHandler"},
	} {
		if !h.ours {
			handlers = append(handlers, h.name)
			options = append(options, h.option)
		}
	}
	verb := " is"
	if len(handlers) > 1 {
		verb = " are"
	}
	return errors.New("statusmap/gateway: the mux's " + strings.Join(handlers, " and ") + verb + " not statusmap's: " +
		strings.Join(options, " and ") + " given to runtime.NewServeMux after gateway.ServeMuxOptions replaced statusmap's, " +
		"so errors get grpc-gateway's statuses and bodies that carry statusmap's pin; remove " + pronoun(len(options)))
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// checkMux runs verify on the first request through the binding's mux, and
// panics, once, if the mux fails it (see Verify). Later requests cost one
// atomic load.
func (b *binding) checkMux() {
	if b.checked.Load() {
		return
	}
	var err error
	b.once.Do(func() {
		c := verify(b.mux)
		err = c.err()
		b.foreignHandlers = err != nil
		b.checked.Store(true)
	})
	if err != nil {
		panic(err)
	}
}

// probeStatus is what statusmap's stream error handler returns for Verify's
// probe; it is written nowhere a client sees.
func probeStatus() *status.Status {
	return status.New(codes.Unknown, "")
}
