package gateway

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
)

// Reading a grpc-gateway mux's routes, which no exported API lists, and
// matching a path against them as the mux would (allow.go uses both).

// routePattern is a grpc-gateway pattern (runtime.Pattern, whose fields
// are unexported), compiled from its operations as the mux matches it,
// and the methods it is routed for.
type routePattern struct {
	ops     []patternOp
	pool    []string
	tailLen int
	verb    string
	// strict is grpc-gateway's strict deep wildcard, the pattern's or the
	// mux's: ** matches no empty run of segments after the first.
	strict  bool
	methods uint64
}

type patternOp struct {
	code    utilities.OpCode
	operand int
}

// matches reports whether grpc-gateway's ServeMux would route path (the
// request's, without its leading '/', of n segments, and with no escape
// the mux would unescape) to this pattern: ServeHTTP's split of a custom
// verb off the last segment, then Pattern.matchAndEscape's walk of the
// operations, which in that mode (UnescapingModeLegacy: the mux matches
// the unescaped Path as it is) cannot fail but by not matching. What the
// walk pushes and captures makes no difference to whether it matches, and
// is not made.
func (p *routePattern) matches(path string, n int) bool {
	if p.verb != "" {
		// grpc-gateway matches a pattern with a verb only against a last
		// segment ending in ':' and the verb, with something before.
		last := path[strings.LastIndexByte(path, '/')+1:]
		if len(last) <= len(p.verb)+1 || last[len(last)-len(p.verb)-1] != ':' || !strings.HasSuffix(last, p.verb) {
			return false
		}
		path = path[:len(path)-len(p.verb)-1]
	}
	pos, off := 0, 0
	for _, op := range p.ops {
		switch op.code {
		case utilities.OpPush, utilities.OpLitPush:
			if pos >= n {
				return false
			}
			seg := path[off:]
			if i := strings.IndexByte(seg, '/'); i >= 0 {
				seg = seg[:i]
			}
			if op.code == utilities.OpLitPush && seg != p.pool[op.operand] {
				return false
			}
			pos, off = pos+1, off+len(seg)+1
		case utilities.OpPushM:
			end := n - p.tailLen
			if end < pos || p.strict && pos > 0 && pos == end {
				return false
			}
			for ; pos < end; pos++ {
				if i := strings.IndexByte(path[off:], '/'); i >= 0 {
					off += i + 1
				} else {
					off = len(path) + 1
				}
			}
		}
	}
	return pos == n
}

// muxRoutes reads the methods, the pattern strings and the patterns of a
// grpc-gateway mux's routes from its unexported map of handlers by method,
// which no exported API lists. The map is read, never written, as
// ServeHTTP reads it. Should a later grpc-gateway keep its routes
// otherwise, muxRoutes returns nils for what it cannot read: every method
// is probed, no path has a shape, every new path is probed, as before;
// Allow stays right, at the probes' cost.
func muxRoutes(mux *runtime.ServeMux) (methods []string, literals map[string]struct{}, patterns []routePattern) {
	muxValue := reflect.ValueOf(mux).Elem()
	v := muxValue.FieldByName("handlers")
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.Slice {
		return nil, nil, nil
	}
	strict := false
	if f := muxValue.FieldByName("strictDeepWildcard"); f.Kind() == reflect.Bool {
		strict = f.Bool()
	}
	r := routeReader{
		strict:   strict,
		literals: make(map[string]struct{}),
		index:    make(map[string]int),
		compiled: true,
	}
	methods = make([]string, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		handlers := it.Value()
		if handlers.Len() == 0 {
			continue
		}
		bit := uint64(0)
		if len(methods) < 64 {
			bit = 1 << len(methods)
		} else {
			r.compiled = false // the methods of a pattern are bits of a uint64
		}
		methods = append(methods, it.Key().String())
		for i := range handlers.Len() {
			r.add(handlers.Index(i), bit)
		}
	}
	switch {
	case !r.compiled:
		r.patterns = nil
	case r.patterns == nil:
		r.patterns = []routePattern{}
	}
	return methods, r.literals, r.patterns
}

// routeReader gathers what muxRoutes reads of the mux's handlers: the
// literals of every pattern, and the patterns, once each (index maps a
// pattern's key to its place), for as long as each could be compiled.
type routeReader struct {
	strict   bool
	literals map[string]struct{}
	index    map[string]int
	patterns []routePattern
	compiled bool
}

// add reads one handler (grpc-gateway's unexported handler struct, whose
// pattern is its field pat) routed for the method of bit.
func (r *routeReader) add(h reflect.Value, bit uint64) {
	var pat reflect.Value
	if h.Kind() == reflect.Struct {
		pat = h.FieldByName("pat")
	}
	pool := pat
	if pool.Kind() == reflect.Struct {
		pool = pool.FieldByName("pool")
	}
	if pool.Kind() != reflect.Slice || pool.Type().Elem().Kind() != reflect.String {
		r.literals, r.compiled = nil, false
		return
	}
	if r.literals != nil {
		for j := range pool.Len() {
			r.literals[pool.Index(j).String()] = struct{}{}
		}
	}
	if !r.compiled {
		return
	}
	p, ok := readPattern(pat, pool)
	if !ok {
		r.compiled = false
		return
	}
	p.strict = p.strict || r.strict
	key := patternKey(&p)
	if j, seen := r.index[key]; seen {
		r.patterns[j].methods |= bit
		return
	}
	p.methods = bit
	r.index[key] = len(r.patterns)
	r.patterns = append(r.patterns, p)
}

// readPattern reads a runtime.Pattern's operations, literal pool, tail
// length, verb and strictness; ok is false when any is not where, or not
// what, grpc-gateway v2 keeps it.
func readPattern(pat, pool reflect.Value) (p routePattern, ok bool) {
	ops, tail, verb, strict := pat.FieldByName("ops"), pat.FieldByName("tailLen"), pat.FieldByName("verb"), pat.FieldByName("strictDeepWildcard")
	if ops.Kind() != reflect.Slice || ops.Type().Elem().Kind() != reflect.Struct || ops.Type().Elem().NumField() != 2 ||
		tail.Kind() != reflect.Int || verb.Kind() != reflect.String || strict.IsValid() && strict.Kind() != reflect.Bool {
		return p, false
	}
	p.pool = make([]string, pool.Len())
	for i := range p.pool {
		p.pool[i] = pool.Index(i).String()
	}
	p.ops = make([]patternOp, 0, ops.Len())
	for i := range ops.Len() {
		op := ops.Index(i)
		code, operand := op.Field(0), op.Field(1)
		if code.Kind() != reflect.Int || operand.Kind() != reflect.Int {
			return p, false
		}
		o := patternOp{code: utilities.OpCode(code.Int()), operand: int(operand.Int())}
		switch o.code {
		case utilities.OpNop, utilities.OpPush, utilities.OpPushM, utilities.OpConcatN, utilities.OpCapture:
		case utilities.OpLitPush:
			if o.operand < 0 || o.operand >= len(p.pool) {
				return p, false
			}
		default:
			return p, false // an operation this reading does not know
		}
		p.ops = append(p.ops, o)
	}
	p.tailLen, p.verb = int(tail.Int()), verb.String()
	p.strict = strict.IsValid() && strict.Bool()
	return p, true
}

// patternKey is what matching a pattern depends on: two patterns with the
// same key (say /v1/books/{id} for GET and for DELETE) match the same
// paths, and are matched once.
func patternKey(p *routePattern) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%q %t %d", p.verb, p.strict, p.tailLen)
	for _, op := range p.ops {
		switch op.code {
		case utilities.OpPush, utilities.OpPushM:
			fmt.Fprintf(&sb, " %d", op.code)
		case utilities.OpLitPush:
			fmt.Fprintf(&sb, " %q", p.pool[op.operand])
		}
	}
	return sb.String()
}

// muxMethods is muxRoutes' methods.
func muxMethods(mux *runtime.ServeMux) []string {
	methods, _, _ := muxRoutes(mux)
	return methods
}
