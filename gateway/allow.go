package gateway

import (
	"net/http"
	"reflect"
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
//     that a client repeating a wrong method costs one look-up.
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
// (left out of the list) and its path, as the mux routes it.
type allowKey struct {
	method, path, rawPath string
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
	k := allowKey{method: r.Method, path: r.URL.Path, rawPath: r.URL.RawPath}
	cacheable := len(k.method)+len(k.path)+len(k.rawPath) <= maxAllowPath
	if cacheable {
		if methods, ok := b.allow.get(k, gen); ok {
			return methods
		}
	}
	methods := b.g.probeAllowed(b.mux, r, b.registeredMethods(gen))
	if cacheable {
		b.allow.put(k, gen, methods)
	}
	return methods
}

// registeredSet is the methods a mux has routes for, as of a generation.
type registeredSet struct {
	gen     uint64
	methods []string // nil: unknown, probe every method
}

// registeredMethods returns the methods the mux has any route for, or nil
// if it cannot tell.
func (b *binding) registeredMethods(gen uint64) []string {
	if s := b.registered.Load(); s != nil && s.gen == gen {
		return s.methods
	}
	methods := muxMethods(b.mux)
	b.registered.Store(&registeredSet{gen: gen, methods: methods})
	return methods
}

// muxMethods reads the methods of a grpc-gateway mux's routes: the keys of
// its unexported map of handlers by method, which no exported API lists.
// The map is read, never written, as ServeHTTP reads it. Should a later
// grpc-gateway keep its routes otherwise, muxMethods returns nil and every
// method is probed, as before: Allow stays right, at the probes' cost.
func muxMethods(mux *runtime.ServeMux) []string {
	v := reflect.ValueOf(mux).Elem().FieldByName("handlers")
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
		return nil
	}
	methods := make([]string, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		if it.Value().Kind() == reflect.Slice && it.Value().Len() == 0 {
			continue
		}
		methods = append(methods, it.Key().String())
	}
	return methods
}
