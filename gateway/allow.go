package gateway

import (
	"maps"
	"math/bits"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// A routing 405 lists in Allow the methods the mux routes for the path:
// those probing the mux (probe.go) would find, each probe a pass through
// the mux's routing, as long as a 404's. Three things spare the probes:
//
//   - the binding reads the mux's routes once per set of routes (routeSet):
//     the methods they are for, and their patterns, compiled as grpc-gateway
//     matches them and kept once each with the methods routed to them; a
//     new path is then matched against the patterns, without a request,
//     a context or an allocation (routeSet.match), and is probed only when
//     the patterns could not be read or the mux would match the path's raw,
//     escaped form;
//   - were the patterns unreadable, the methods still spare the probes of
//     methods with no route: those route nothing, and grpc-gateway, finding
//     none, would scan the routes of every other method before giving up;
//   - past maxUncachedPatterns distinct patterns, the binding keeps the
//     Allow list of the last paths it answered, so that a client repeating
//     a wrong method costs one look-up; and it keys them by the path's
//     shape (pathShape), so that /v1/books/7 and /v1/books/8 share one
//     entry.
//
// All are dropped whenever a route is added to the mux or a method is
// learned (the generation changes), so Allow lists exactly what probing
// would: TestAllowMatchIsProbing and FuzzAllowMatchIsProbing hold the
// patterns' answers to the probes', TestAllowByShapeIsProbing the kept ones.

// maxAllowEntries bounds a binding's cache of Allow lists, and
// maxAllowPath the path of a request whose list is kept: the paths are the
// client's choice, and a cache of them must not grow with them.
const (
	maxAllowEntries = 256
	maxAllowPath    = 512
)

// maxUncachedPatterns is the number of distinct patterns up to which a
// 405's Allow is matched every time rather than kept: matching a few
// patterns costs less than finding the path's shape and looking it up,
// and far less than keeping it.
const maxUncachedPatterns = 8

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

// allowedMethods answers Gateway.bindingOrProbeAllowed for the binding's
// mux. A path seen before (or its shape) is a look-up; a new one is
// matched against the mux's patterns, compiled once per set of routes
// (routeSet.match), and probed only when they could not be read or the
// path is one they cannot judge alone.
func (b *binding) allowedMethods(r *http.Request) []string {
	gen := b.generation()
	routes := b.routeSet(gen)
	if routes.patterns != nil && len(routes.patterns) <= maxUncachedPatterns {
		if methods, ok := routes.match(r, b.g.learnedMethods()); ok {
			return methods
		}
	}
	k := allowKey{method: r.Method, path: r.URL.Path, rawPath: r.URL.RawPath}
	shaped := false
	if shape, ok := pathShape(r.URL, routes.literals); ok {
		k.path, k.shaped, shaped = shape, true, true
	}
	cacheable := len(k.method)+len(k.path)+len(k.rawPath) <= maxAllowPath
	if cacheable {
		if methods, ok := b.allow.get(k, gen); ok {
			return methods
		}
	}
	methods, matched := routes.match(r, b.g.learnedMethods())
	if !matched {
		methods = b.g.probeAllowed(b.mux, r, routes.methods)
	} else if !shaped {
		// Matching a path of no shape costs less than keeping it would: a
		// flood of such paths, each its own key, would only push the
		// shapes out of the cache.
		cacheable = false
	}
	if cacheable {
		b.allow.put(k, gen, methods)
	}
	return methods
}

// routeSet is what a binding knows of its mux's routes, as of a
// generation: the methods they are for, every string of their patterns,
// and the patterns themselves.
type routeSet struct {
	gen uint64
	// methods is nil when unknown: every method is probed.
	methods []string
	// literals holds the strings of the patterns (their literal segments,
	// and their variables' names); nil when unknown: no path has a shape.
	literals map[string]struct{}
	// patterns are the mux's distinct patterns, each with the methods
	// (bits, by index in methods) it is routed for; nil when unknown, or
	// when the mux has more than 64 methods: every 405 probes then.
	patterns []routePattern
	// lists holds the Allow lists match has built, by the bits of the
	// methods found: few sets of methods recur, and a list is built once
	// per set rather than once per 405. The map is never modified, only
	// replaced, and holds at most maxAllowLists lists.
	lists atomic.Pointer[map[uint64][]string]
}

// maxAllowLists bounds a routeSet's lists.
const maxAllowLists = 64

// routeSet returns what the binding knows of the mux's routes, read again
// when the generation changed.
func (b *binding) routeSet(gen uint64) *routeSet {
	if s := b.registered.Load(); s != nil && s.gen == gen {
		return s
	}
	s := &routeSet{gen: gen}
	s.methods, s.literals, s.patterns = muxRoutes(b.mux)
	b.registered.Store(s)
	return s
}

// match answers a routing 405's Allow for r from the compiled patterns:
// the methods of probeMethods, then those learned, but r's own, with a
// pattern that matches r's path, as probing each would find. ok is false
// when the patterns cannot tell: they are unknown, or the path has an
// escape the mux would route on its raw form (RawPath), where grpc-gateway
// unescapes (and may refuse) what it matches; r is probed then.
func (s *routeSet) match(r *http.Request, learned []string) (allowed []string, ok bool) {
	path := r.URL.Path
	if s.patterns == nil || r.URL.RawPath != "" || !strings.HasPrefix(path, "/") {
		return nil, false
	}
	// The methods whose answer matters: listed in Allow, if routed.
	var want uint64
	for i, m := range s.methods {
		if m != r.Method && (isProbeMethod(m) || slices.Contains(learned, m)) {
			want |= 1 << i
		}
	}
	var found uint64
	if want != 0 {
		path = path[1:]
		n := strings.Count(path, "/") + 1
		for i := range s.patterns {
			p := &s.patterns[i]
			if p.methods&want&^found != 0 && p.matches(path, n) {
				if found |= p.methods & want; found == want {
					break
				}
			}
		}
	}
	if found == 0 {
		return []string{}, true
	}
	return s.allowList(found, learned), true
}

// allowList is the Allow list of the methods whose bits are set in found,
// in probeMethods' order then the learned methods': built once per set of
// methods (lists), and shared, so never to be modified.
func (s *routeSet) allowList(found uint64, learned []string) []string {
	old := s.lists.Load()
	if old != nil {
		if list, ok := (*old)[found]; ok {
			return list
		}
	}
	list := make([]string, 0, bits.OnesCount64(found))
	for _, methods := range [2][]string{probeMethods[:], learned} {
		for _, m := range methods {
			if i := slices.Index(s.methods, m); i >= 0 && found&(1<<i) != 0 && !slices.Contains(list, m) {
				list = append(list, m)
			}
		}
	}
	if old == nil || len(*old) < maxAllowLists {
		next := map[uint64][]string{}
		if old != nil {
			next = maps.Clone(*old)
		}
		next[found] = list
		// A lost race loses only this list's memo: it is built again.
		s.lists.CompareAndSwap(old, &next)
	}
	return list
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
