package gateway

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// A routing 405 lists in Allow the methods the mux routes for the path,
// found by probing the mux (probe.go): each probe is a pass through the
// mux's routing, as long as a 404's. Two things make most 405s cost less
// than that:
//
//   - the binding knows which methods the mux has routes for at all (read
//     once per set of routes), and probes no other: a method with no route
//     routes nothing, and grpc-gateway, finding none, would scan the
//     routes of every other method before giving up;
//   - the binding keeps the Allow list of the last paths it answered, so
//     that a client repeating a wrong method costs one look-up; and it keys
//     them by the path's shape (pathShape), so that /v1/books/7 and
//     /v1/books/8 share one entry.
//
// Both are dropped whenever a route is added to the mux or a method is
// learned (the generation changes), so Allow lists exactly what probing
// would.

// maxAllowEntries bounds a binding's cache of Allow lists, and
// maxAllowPath the path of a request whose list is kept: the paths are the
// client's choice, and a cache of them must not grow with them.
const (
	maxAllowEntries = 256
	maxAllowPath    = 512
)

// allowKey is what a routing 405's Allow depends on: the request's method
// (left out of the list) and its path, as the mux routes it, or the path's
// shape (shaped).
type allowKey struct {
	method, path, rawPath string
	shaped                bool
}

// allowEntry is a cached Allow list and the generation it was found in.
// methods is shared and never modified.
type allowEntry struct {
	gen     uint64
	methods []string
}

// allowCache is a binding's bounded cache of Allow lists.
type allowCache struct {
	mu      sync.Mutex
	entries map[allowKey]allowEntry
}

func (c *allowCache) get(k allowKey, gen uint64) ([]string, bool) {
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || e.gen != gen {
		return nil, false
	}
	return e.methods, true
}

// put keeps an Allow list; when the cache is full, an entry of another
// generation, or else any one, makes room. Random replacement: a flood of
// new paths cannot keep a recurring one out for long, and costs nothing
// to track.
func (c *allowCache) put(k allowKey, gen uint64, methods []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[allowKey]allowEntry)
	}
	if _, ok := c.entries[k]; !ok && len(c.entries) >= maxAllowEntries {
		for old, e := range c.entries {
			delete(c.entries, old)
			if e.gen != gen {
				continue // stale: drop every one met on the way
			}
			break
		}
	}
	c.entries[k] = allowEntry{gen: gen, methods: methods}
}

// generation changes whenever what probing would find may change: a route
// added to the mux (grpc-gateway builds each route's middleware chain as
// it is added, so middleware counts them) or a method learned.
func (b *binding) generation() uint64 {
	return b.routes.Load()<<8 | uint64(len(b.g.learnedMethods()))
}

// allowedMethods is Gateway.allowedMethods for the binding's mux.
func (b *binding) allowedMethods(r *http.Request) []string {
	gen := b.generation()
	routes := b.routeSet(gen)
	k := allowKey{method: r.Method, path: r.URL.Path, rawPath: r.URL.RawPath}
	if shape, ok := pathShape(r.URL, routes.literals); ok {
		k.path, k.shaped = shape, true
	}
	cacheable := len(k.method)+len(k.path)+len(k.rawPath) <= maxAllowPath
	if cacheable {
		if methods, ok := b.allow.get(k, gen); ok {
			return methods
		}
	}
	methods := b.g.probeAllowed(b.mux, r, routes.methods)
	if cacheable {
		b.allow.put(k, gen, methods)
	}
	return methods
}

// routeSet is what a binding knows of its mux's routes, as of a
// generation: the methods they are for, and every string of their
// patterns.
type routeSet struct {
	gen uint64
	// methods is nil when unknown: every method is probed.
	methods []string
	// literals holds the strings of the patterns (their literal segments,
	// and their variables' names); nil when unknown: no path has a shape.
	literals map[string]struct{}
}

// routeSet returns what the binding knows of the mux's routes, read again
// when the generation changed.
func (b *binding) routeSet(gen uint64) *routeSet {
	if s := b.registered.Load(); s != nil && s.gen == gen {
		return s
	}
	s := &routeSet{gen: gen}
	s.methods, s.literals = muxRoutes(b.mux)
	b.registered.Store(s)
	return s
}

// muxRoutes reads the methods and the pattern strings of a grpc-gateway
// mux's routes from its unexported map of handlers by method, which no
// exported API lists. The map is read, never written, as ServeHTTP reads
// it. Should a later grpc-gateway keep its routes otherwise, muxRoutes
// returns nils: every method is probed and no path has a shape, as
// before; Allow stays right, at the probes' cost.
func muxRoutes(mux *runtime.ServeMux) (methods []string, literals map[string]struct{}) {
	v := reflect.ValueOf(mux).Elem().FieldByName("handlers")
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.Slice {
		return nil, nil
	}
	methods = make([]string, 0, v.Len())
	literals = make(map[string]struct{})
	for it := v.MapRange(); it.Next(); {
		handlers := it.Value()
		if handlers.Len() == 0 {
			continue
		}
		methods = append(methods, it.Key().String())
		for i := range handlers.Len() {
			h := handlers.Index(i)
			if h.Kind() != reflect.Struct {
				literals = nil
				continue
			}
			pool := h.FieldByName("pat")
			if pool.Kind() == reflect.Struct {
				pool = pool.FieldByName("pool")
			}
			if pool.Kind() != reflect.Slice || pool.Type().Elem().Kind() != reflect.String {
				literals = nil
				continue
			}
			for j := range pool.Len() {
				if literals != nil {
					literals[pool.Index(j).String()] = struct{}{}
				}
			}
		}
	}
	return methods, literals
}

// muxMethods is muxRoutes' methods.
func muxMethods(mux *runtime.ServeMux) []string {
	methods, _ := muxRoutes(mux)
	return methods
}

// shapeHole stands in a path's shape for a segment that is none of the
// patterns' strings.
const shapeHole = "\x00"

// pathShape returns the path with every segment that is none of the
// patterns' strings replaced by shapeHole, when the mux is sure to route
// every path of that shape alike: grpc-gateway matches a path segment by
// segment, comparing a segment with a pattern's literals for equality and
// taking any other as a variable's value. That holds for a path with no
// escape ('%': grpc-gateway may unescape, and refuse, a variable's value)
// and no colon (a custom verb: grpc-gateway splits it off the last
// segment). For any other path, or when the patterns are unknown, ok is
// false and the path is its own key.
func pathShape(u *url.URL, literals map[string]struct{}) (shape string, ok bool) {
	p := u.Path
	if literals == nil || u.RawPath != "" || !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "%:") {
		return "", false
	}
	if _, clash := literals[shapeHole]; clash {
		return "", false
	}
	var sb strings.Builder
	sb.Grow(len(p))
	for seg := range strings.SplitSeq(p[1:], "/") {
		sb.WriteByte('/')
		if _, lit := literals[seg]; lit {
			sb.WriteString(seg)
		} else {
			sb.WriteString(shapeHole)
		}
	}
	return sb.String(), true
}
