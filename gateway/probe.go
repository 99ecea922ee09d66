package gateway

import (
	"io"
	"net/http"
	"slices"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/httpwire"
)

// A probe is a bare request sent through the mux to learn whether it
// routes a method for a path: for a routing 405's Allow header, and to tell
// whether a form POST reached a POST binding. statusmap's middleware, the
// outermost, records the match and returns before any handler runs, so
// nothing is called upstream; the error handlers ignore probes.

// probeBody marks a probe. It is the request's body rather than a context
// value, so that telling a probe from a request costs the middleware a type
// assertion, not a walk up a context chain, on every request.
type probeBody struct {
	matched bool
	// answered is set by statusmap's routing error handler (see Verify).
	answered bool
}

func (*probeBody) Read([]byte) (int, error) { return 0, io.EOF }
func (*probeBody) Close() error             { return nil }

// probeOf returns r's probe marker, or nil for a real request.
func probeOf(r *http.Request) *probeBody {
	if r == nil {
		return nil
	}
	p, _ := r.Body.(*probeBody)
	return p
}

// probeMethods are the methods a 405 is always checked against: those
// google.api.HttpRule names (get, put, post, delete, patch), and HEAD and
// OPTIONS. A custom binding, or a route added with HandlePath, may use any
// other method; the Gateway learns those from the requests routed through
// it (Gateway.noteMethod) and probes them too.
var probeMethods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}

// isProbeMethod reports whether method is one of probeMethods.
func isProbeMethod(method string) bool {
	return slices.Contains(probeMethods[:], method)
}

// bindingOrProbeAllowed asks the mux which methods it routes for r's
// path: the probe methods and the other methods learned, in that order.
// When b is mux's binding it delegates to b.allowedMethods, whose cache
// answers for a path seen before and whose compiled patterns for a new one
// (allow.go), sparing the probes; otherwise (no binding, or another mux's)
// it probes every method (probeAllowed).
func (g *Gateway) bindingOrProbeAllowed(mux *runtime.ServeMux, r *http.Request, b *binding) []string {
	if b == nil || b.mux != mux {
		return g.probeAllowed(mux, r, nil)
	}
	return b.allowedMethods(r)
}

// probeAllowed probes the mux for each method of probeMethods and the
// learned methods but r's own; registered, when not nil, lists the methods
// the mux has any route for, and the others are not probed: they route
// nothing.
func (g *Gateway) probeAllowed(mux *runtime.ServeMux, r *http.Request, registered []string) []string {
	learned := g.learnedMethods()
	var allowed []string
	p := g.getProber(r)
	defer g.putProber(p)
	for _, methods := range [2][]string{probeMethods[:], learned} {
		for _, method := range methods {
			if method == r.Method || registered != nil && !slices.Contains(registered, method) {
				continue
			}
			if p.routes(mux, method) {
				if allowed == nil {
					allowed = make([]string, 0, len(probeMethods)+len(learned))
				}
				allowed = append(allowed, method)
			}
		}
	}
	if allowed == nil {
		allowed = []string{}
	}
	return allowed
}

// noteMethod remembers a method outside probeMethods that a routed request
// used, so that later 405s probe it; at most httpwire.MaxHeaderItems are kept.
func (g *Gateway) noteMethod(method string) {
	for {
		old := g.methods.Load()
		var known []string
		if old != nil {
			known = *old
		}
		if slices.Contains(known, method) || len(known) >= httpwire.MaxHeaderItems || !httpwire.IsToken(method) {
			return
		}
		grown := append(slices.Clip(known), method)
		if g.methods.CompareAndSwap(old, &grown) {
			return
		}
	}
}

// learnedMethods returns the methods noteMethod kept.
func (g *Gateway) learnedMethods() []string {
	if m := g.methods.Load(); m != nil {
		return *m
	}
	return nil
}

// prober sends probes for one path, reusing one request. Probers are
// pooled per Gateway (getProber): a probe then costs the mux's own routing
// and nothing of statusmap's.
type prober struct {
	req  http.Request
	body probeBody
	w    discardWriter
}

// getProber prepares bare probes for r's path: the mux routes on the
// method and the path alone, and without the original headers it can
// neither take a probe for a form POST standing in for a GET nor for
// another method (X-HTTP-Method-Override). Nor is a large header copied
// once per method.
func (g *Gateway) getProber(r *http.Request) *prober {
	p, _ := g.probers.Get().(*prober)
	if p == nil {
		// One empty header serves the request and the writer: nothing is
		// written to either.
		p = &prober{w: discardWriter{h: http.Header{}}}
	}
	p.req = http.Request{
		URL:        r.URL,
		Proto:      r.Proto,
		ProtoMajor: r.ProtoMajor,
		ProtoMinor: r.ProtoMinor,
		Header:     p.w.h,
		Host:       r.Host,
		RemoteAddr: r.RemoteAddr,
		RequestURI: r.RequestURI,
	}
	return p
}

// putProber returns p to the pool, keeping nothing of its request. A
// header a foreign handler wrote into is not reused.
func (g *Gateway) putProber(p *prober) {
	p.req = http.Request{}
	if len(p.w.h) > 0 {
		p.w.h = http.Header{}
	}
	g.probers.Put(p)
}

// routes reports whether the mux routes method for the path to a handler.
func (p *prober) routes(mux *runtime.ServeMux, method string) bool {
	p.body.matched = false
	p.req.Method = method
	p.req.Body = &p.body
	mux.ServeHTTP(p.w, &p.req)
	return p.body.matched
}

// discardWriter is the probes' response writer; probes write nothing, but a
// handler must not crash if one tried.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header       { return d.h }
func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (discardWriter) WriteHeader(int)             {}
