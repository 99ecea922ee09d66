package gateway

import (
	"fmt"
	"math/bits"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// TestAllowCacheBounded: the cache of Allow lists keeps at most
// maxAllowEntries, however many paths it is given, and what it returns is
// what was put for the key and generation.
func TestAllowCacheBounded(t *testing.T) {
	var c allowCache
	for i := range 5000 {
		k := allowKey{method: "POST", path: fmt.Sprint("/v1/x/", i)}
		c.put(k, uint64(i/1000), []string{fmt.Sprint(i)})
		if got, ok := c.get(k, uint64(i/1000)); !ok || got[0] != fmt.Sprint(i) {
			t.Fatalf("%d: %q, %v", i, got, ok)
		}
		if _, ok := c.get(k, uint64(i/1000)+1); ok {
			t.Fatalf("%d: found under another generation", i)
		}
		if len(c.entries) > maxAllowEntries {
			t.Fatalf("%d entries", len(c.entries))
		}
	}
}

// addFillerRoutes adds maxUncachedPatterns routes (/filler<i>, which no
// test's path matches) to a mux, so that its Allow lists are kept.
func addFillerRoutes(t testing.TB, mux *runtime.ServeMux) {
	t.Helper()
	for i := range maxUncachedPatterns {
		if err := mux.HandlePath("GET", fmt.Sprintf("/filler%d", i), func(http.ResponseWriter, *http.Request, map[string]string) {}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAllowNotCachedForLongPaths: a path longer than maxAllowPath is
// answered but not kept.
func TestAllowNotCachedForLongPaths(t *testing.T) {
	g, err := New()
	if err != nil {
		t.Fatal(err)
	}
	mux := runtime.NewServeMux(g.ServeMuxOptions()...)
	ok := func(http.ResponseWriter, *http.Request, map[string]string) {}
	if err := mux.HandlePath("GET", "/v1/x/{id}", ok); err != nil {
		t.Fatal(err)
	}
	addFillerRoutes(t, mux)
	var b *binding
	mux.HandlePath("GET", "/v1/probe-binding", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		b = exchangeOf(r.Context(), w, nil).b
	})
	req, _ := http.NewRequest("GET", "/v1/probe-binding", nil)
	mux.ServeHTTP(discardWriter{h: http.Header{}}, req)
	if b == nil {
		t.Fatal("no binding")
	}
	for _, id := range []string{"7", strings.Repeat("7", maxAllowPath)} {
		r, _ := http.NewRequest("POST", "/v1/x/"+id, nil)
		if got := b.allowedMethods(r); !slices.Equal(got, []string{"GET"}) {
			t.Fatalf("Allow %q", got)
		}
	}
	if len(b.allow.entries) != 1 {
		t.Errorf("%d entries; want the short path's alone", len(b.allow.entries))
	}
}

// TestAllowByShapeIsProbing: on a mux with literal, variable, nested,
// deep-wildcard and custom-verb routes, the Allow list a binding answers
// with (from its cache, keyed by path shape, on the second pass) is the
// one probing the mux for that very path finds, for every path and method
// tried.
func TestAllowByShapeIsProbing(t *testing.T) {
	g, err := New()
	if err != nil {
		t.Fatal(err)
	}
	mux := runtime.NewServeMux(g.ServeMuxOptions()...)
	ok := func(http.ResponseWriter, *http.Request, map[string]string) {}
	for _, route := range []struct{ method, path string }{
		{"GET", "/v1/books/{id}"},
		{"DELETE", "/v1/books/{id}"},
		{"GET", "/v1/books"},
		{"POST", "/v1/books"},
		{"POST", "/v1/books/{id}:archive"},
		{"GET", "/v1/{name=shelves/*/books/*}"},
		{"PATCH", "/v1/{name=shelves/*}"},
		{"GET", "/files/{path=**}"},
		{"PUT", "/files/{path=**}/meta"},
		{"OPTIONS", "/v1/books/7"},
		{"PURGE", "/cache/{key}"},
	} {
		if err := mux.HandlePath(route.method, route.path, ok); err != nil {
			t.Fatal(err)
		}
	}
	addFillerRoutes(t, mux)
	var b *binding
	mux.HandlePath("GET", "/binding", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		b = exchangeOf(r.Context(), w, nil).b
	})
	req, _ := http.NewRequest("GET", "/binding", nil)
	mux.ServeHTTP(discardWriter{h: http.Header{}}, req)
	if b == nil {
		t.Fatal("no binding")
	}
	// Every path of up to three segments from these.
	segs := []string{"v1", "books", "7", "8", "shelves", "files", "meta", "cache", "", "7:archive", "a%2Fb", "x y", "id", "name"}
	var paths []string
	var grow func(prefix string, depth int)
	grow = func(prefix string, depth int) {
		paths = append(paths, prefix)
		if depth == 3 {
			return
		}
		for _, s := range segs {
			grow(prefix+"/"+s, depth+1)
		}
	}
	for _, s := range segs {
		grow("/"+s, 1)
	}
	shaped := 0
	for pass := range 2 {
		for _, path := range paths {
			for _, method := range []string{"POST", "GET", "PUT", "PURGE"} {
				r, err := http.NewRequest(method, "http://h"+path, nil)
				if err != nil {
					continue
				}
				want := g.probeAllowed(mux, r, nil)
				got := b.allowedMethods(r)
				if !slices.Equal(got, want) {
					t.Fatalf("pass %d: %s %s: Allow %q; probing finds %q", pass, method, path, got, want)
				}
				if _, ok := pathShape(r.URL, b.routeSet(b.generation()).literals); ok && pass == 0 {
					shaped++
				}
			}
		}
	}
	if shaped == 0 {
		t.Error("no path had a shape")
	}
	t.Logf("%d paths × 4 methods, %d with a shape", len(paths), shaped)
}

// allowMuxes are muxes with every kind of pattern grpc-gateway routes:
// literals, variables, nested variables, deep wildcards with and without
// a tail, custom verbs (one with a colon in it, one after a literal with a
// colon), a root route, and methods outside probeMethods; with the
// default options, with strict deep wildcards (the mux's option and the
// pattern's), and unescaping all characters.
func allowMuxes(t testing.TB) map[string]*runtime.ServeMux {
	t.Helper()
	ok := func(http.ResponseWriter, *http.Request, map[string]string) {}
	muxes := map[string]*runtime.ServeMux{}
	for name, opts := range map[string][]runtime.ServeMuxOption{
		"default":      nil,
		"strict":       {runtime.WithStrictDeepWildcardMatching()},
		"unescape-all": {runtime.WithUnescapingMode(runtime.UnescapingModeAllCharacters)},
	} {
		g, err := New()
		if err != nil {
			t.Fatal(err)
		}
		mux := runtime.NewServeMux(append(g.ServeMuxOptions(), opts...)...)
		for _, route := range []struct{ method, path string }{
			{"GET", "/v1/books/{id}"},
			{"DELETE", "/v1/books/{id}"},
			{"GET", "/v1/books"},
			{"POST", "/v1/books"},
			{"POST", "/v1/books/{id}:archive"},
			{"POST", "/v1/{name=books/*}:do:it"},
			{"PUT", "/v1/x:a:b"},
			{"GET", "/v1/{name=shelves/*/books/*}"},
			{"PATCH", "/v1/{name=shelves/*}"},
			{"GET", "/files/{path=**}"},
			{"PUT", "/files/{path=**}/meta"},
			{"HEAD", "/{all=**}:v"},
			{"OPTIONS", "/v1/books/7"},
			{"PURGE", "/cache/{key}"},
			{"PURGE", "/"},
			{"LINK", "/v1/books/{id}"},
		} {
			if err := mux.HandlePath(route.method, route.path, ok); err != nil {
				t.Fatal(err)
			}
		}
		// A pattern strict on its own.
		mux.Handle("DELETE", runtime.MustPattern(runtime.NewPatternWithOptions(1,
			[]int{2, 0, 3, 0, 4, 1, 5, 1, 2, 2}, []string{"deep", "rest", "end"}, "", runtime.WithStrictDeepWildcard())), ok)
		// PURGE is learned; LINK never is, and is never probed.
		learn := httptest.NewRequest("PURGE", "/cache/k", nil)
		mux.ServeHTTP(httptest.NewRecorder(), learn)
		muxes[name] = mux
	}
	return muxes
}

// bindingOf returns mux's binding, reached through a route it adds.
func bindingOf(t testing.TB, mux *runtime.ServeMux) *binding {
	t.Helper()
	var b *binding
	if err := mux.HandlePath("GET", "/binding", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		b = exchangeOf(r.Context(), w, nil).b
	}); err != nil {
		t.Fatal(err)
	}
	mux.ServeHTTP(discardWriter{h: http.Header{}}, httptest.NewRequest("GET", "/binding", nil))
	if b == nil {
		t.Fatal("no binding")
	}
	return b
}

// allowMatchesProbing checks, for one path, that the compiled patterns
// answer (for a path with no RawPath) and answer what probing the mux
// finds, for each method.
func allowMatchesProbing(t *testing.T, b *binding, target string) {
	t.Helper()
	for _, method := range []string{"POST", "GET", "PUT", "PURGE", "LINK", "HEAD"} {
		r, err := http.NewRequest(method, "http://h"+target, nil)
		if err != nil || r.URL.Path == "" {
			return
		}
		want := b.g.probeAllowed(b.mux, r, nil)
		got, ok := b.routeSet(b.generation()).match(r, b.g.learnedMethods())
		if !ok {
			if r.URL.RawPath == "" && strings.HasPrefix(r.URL.Path, "/") {
				t.Fatalf("%s %q: the patterns did not answer", method, target)
			}
			continue
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s %q: the patterns allow %q; probing finds %q", method, target, got, want)
		}
	}
}

// TestAllowMatchIsProbing: the Allow list the compiled patterns answer
// for a new path is the one probing the mux finds, for every path of up
// to four segments drawn from the patterns' strings, verbs, colons,
// escapes and empty segments, on each of allowMuxes.
func TestAllowMatchIsProbing(t *testing.T) {
	segs := []string{"v1", "books", "7", "shelves", "files", "meta", "cache", "deep", "end", "", "7:archive", ":archive",
		"books:do:it", "x:a:b", "x:a", "a:v", ":v", "%3A", "a%2Fb"}
	var paths []string
	var grow func(prefix string, depth int)
	grow = func(prefix string, depth int) {
		paths = append(paths, prefix)
		if depth == 3 {
			return
		}
		for _, s := range segs {
			grow(prefix+"/"+s, depth+1)
		}
	}
	grow("", 0)
	paths[0] = "/"
	for name, mux := range allowMuxes(t) {
		b := bindingOf(t, mux)
		if b.routeSet(b.generation()).patterns == nil {
			t.Fatalf("%s: no patterns read", name)
		}
		for _, path := range paths {
			allowMatchesProbing(t, b, path)
		}
	}
	t.Logf("%d paths, 3 muxes", len(paths))
}

// FuzzAllowMatchIsProbing is TestAllowMatchIsProbing for any path.
func FuzzAllowMatchIsProbing(f *testing.F) {
	for _, s := range []string{"/v1/books/7", "/v1/books/7:archive", "/v1/books/x:do:it", "/files/a/b/meta", "/files",
		"/deep/end", "/deep/x/end", "/x:v", "/:v", "/", "//", "/v1/x:a:b", "/v1/shelves/1/books/2", "/cache/k/"} {
		f.Add(s)
	}
	muxes := allowMuxes(f)
	bindings := map[string]*binding{}
	for name, mux := range muxes {
		bindings[name] = bindingOf(f, mux)
	}
	f.Fuzz(func(t *testing.T, path string) {
		for _, b := range bindings {
			allowMatchesProbing(t, b, path)
		}
	})
}

// TestAllowBoundedUnderFlood: 405s on thousands of paths of new shapes,
// and of paths with no shape, leave the binding's cache within
// maxAllowEntries, the paths with no shape (answered from the patterns)
// not kept at all, and each Allow right.
func TestAllowBoundedUnderFlood(t *testing.T) {
	mux := allowMuxes(t)["default"]
	b := bindingOf(t, mux)
	lits := []string{"v1", "books", "7", "meta", "cache"}
	for i := range 4000 {
		// /files/ then six segments of the patterns' strings, the digits
		// of i in base 5: a new shape each time.
		path := "/files"
		for n, d := i, 0; d < 6; n, d = n/len(lits), d+1 {
			path += "/" + lits[n%len(lits)]
		}
		for _, target := range []string{path, fmt.Sprintf("/v1/books/%d:x", i)} {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("POST", target, nil))
			want := "GET"
			if strings.HasSuffix(target, "/meta") {
				want = "GET, PUT"
			} else if strings.HasPrefix(target, "/v1/") {
				want = "GET, DELETE"
			}
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != want {
				t.Fatalf("POST %s: %d, Allow %q; want 405, %q", target, rec.Code, rec.Header().Get("Allow"), want)
			}
		}
		if n := len(b.allow.entries); n > maxAllowEntries {
			t.Fatalf("after %d paths: %d entries kept", i, n)
		}
	}
	for k := range b.allow.entries {
		if !k.shaped {
			t.Fatalf("a path with no shape was kept: %q", k.path)
		}
	}
	t.Logf("%d entries kept", len(b.allow.entries))
}

// BenchmarkAllowNewPath is what a routing 405 on a path not answered
// before pays for its Allow, beyond the mux's own routing: matching the
// compiled patterns (how=match), or probing the mux once per method it has
// routes for (how=probe: a path the mux matches in its raw, escaped form,
// or patterns that could not be read), at 10, 100 and 1,000 routes: n/4
// resources /v1/res<i>/{id}, each with GET, PUT, PATCH and DELETE, the
// path matching the last pattern of each method (the worst case; one
// route more, GET /binding, reaches the binding).
//
//	go test -run '^$' -bench AllowNewPath -benchmem ./gateway
func BenchmarkAllowNewPath(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		g, err := New()
		if err != nil {
			b.Fatal(err)
		}
		mux := runtime.NewServeMux(g.ServeMuxOptions()...)
		ok := func(http.ResponseWriter, *http.Request, map[string]string) {}
		methods := []string{"GET", "PUT", "PATCH", "DELETE"}
		for i := range n {
			if err := mux.HandlePath(methods[i%4], fmt.Sprintf("/v1/res%d/{id}", i/4), ok); err != nil {
				b.Fatal(err)
			}
		}
		bd := bindingOf(b, mux)
		routes := bd.routeSet(bd.generation())
		r := httptest.NewRequest(http.MethodPost, "/v1/res0/u7:x", nil)
		for _, how := range []string{"match", "probe"} {
			b.Run(fmt.Sprintf("routes=%d/how=%s", n, how), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var allowed []string
					if how == "match" {
						allowed, _ = routes.match(r, g.learnedMethods())
					} else {
						allowed = g.probeAllowed(mux, r, routes.methods)
					}
					if len(allowed) != 4 {
						b.Fatalf("Allow %q", allowed)
					}
				}
			})
		}
	}
}

// TestAllowFewPatternsKeepNothing: on a mux with at most
// maxUncachedPatterns distinct patterns, every 405 is matched and nothing
// is kept; one route more, and the lists are kept.
func TestAllowFewPatternsKeepNothing(t *testing.T) {
	g, err := New()
	if err != nil {
		t.Fatal(err)
	}
	mux := runtime.NewServeMux(g.ServeMuxOptions()...)
	b := bindingOf(t, mux) // GET /binding: one pattern
	ok := func(http.ResponseWriter, *http.Request, map[string]string) {}
	for i := range maxUncachedPatterns - 1 {
		for _, m := range []string{"GET", "DELETE"} {
			if err := mux.HandlePath(m, fmt.Sprintf("/v1/r%d/{id}", i), ok); err != nil {
				t.Fatal(err)
			}
		}
	}
	answer := func() {
		t.Helper()
		for i := range 20 {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("POST", fmt.Sprintf("/v1/r0/%d", i), nil))
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, DELETE" {
				t.Fatalf("POST /v1/r0/%d: %d, Allow %q", i, rec.Code, rec.Header().Get("Allow"))
			}
		}
	}
	answer()
	if n := len(b.routeSet(b.generation()).patterns); n != maxUncachedPatterns {
		t.Fatalf("%d patterns; want %d", n, maxUncachedPatterns)
	}
	if n := len(b.allow.entries); n != 0 {
		t.Errorf("%d patterns: %d lists kept; want none", maxUncachedPatterns, n)
	}
	if err := mux.HandlePath("GET", "/one/more", ok); err != nil {
		t.Fatal(err)
	}
	answer()
	if n := len(b.allow.entries); n != 1 {
		t.Errorf("%d patterns: %d lists kept; want 1 (the paths' one shape)", maxUncachedPatterns+1, n)
	}
}

// TestAllowListsBuiltOncePerSet: the Allow list of a set of methods is
// built once per set of routes and shared, and no more than maxAllowLists
// lists are kept, however many sets a mux's 405s find.
func TestAllowListsBuiltOncePerSet(t *testing.T) {
	s := &routeSet{methods: make([]string, 64)}
	for i := range s.methods {
		s.methods[i] = fmt.Sprintf("M%02d", i)
	}
	learned := s.methods
	first := s.allowList(0b101, learned)
	if want := []string{"M00", "M02"}; !slices.Equal(first, want) {
		t.Fatalf("allowList(0b101) = %q, want %q", first, want)
	}
	if again := s.allowList(0b101, learned); &again[0] != &first[0] {
		t.Error("the same set of methods built its list again")
	}
	for found := uint64(1); found <= 4*maxAllowLists; found++ {
		if got := s.allowList(found, learned); len(got) != bits.OnesCount64(found) {
			t.Fatalf("allowList(%b) = %q", found, got)
		}
	}
	if n := len(*s.lists.Load()); n > maxAllowLists {
		t.Errorf("%d lists kept, want at most %d", n, maxAllowLists)
	}
}
