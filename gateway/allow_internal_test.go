package gateway

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// TestMuxMethods guards the read of grpc-gateway's routes: should a new
// version keep them otherwise, muxMethods returns nil (every method is
// probed again, correct but slower) and this test says so.
func TestMuxMethods(t *testing.T) {
	mux := runtime.NewServeMux()
	if got := muxMethods(mux); got == nil || len(got) != 0 {
		t.Fatalf("no routes: %q; want an empty list", got)
	}
	ok := func(http.ResponseWriter, *http.Request, map[string]string) {}
	for _, m := range []string{"GET", "PUT", "GET", "PURGE"} {
		if err := mux.HandlePath(m, "/v1/x/{id}", ok); err != nil {
			t.Fatal(err)
		}
	}
	got := muxMethods(mux)
	slices.Sort(got)
	if strings.Join(got, ",") != "GET,PURGE,PUT" {
		t.Errorf("muxMethods %q; want GET, PURGE, PUT (grpc-gateway's routes are no longer readable: 405s probe every method)", got)
	}
}

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

// TestAllowNotCachedForLongPaths: a path longer than maxAllowPath is
// answered (probed) but not kept.
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
