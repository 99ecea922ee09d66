package gateway_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
)

// TestRouting405AllowFollowsNewRoutes: a routing 405's Allow, kept for a
// path already answered, follows routes added to the mux afterwards.
func TestRouting405AllowFollowsNewRoutes(t *testing.T) {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	ok := func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {}
	allow := func() string {
		t.Helper()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/things/7", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("POST: %d", rec.Code)
		}
		return rec.Header().Get("Allow")
	}
	if err := mux.HandlePath("GET", "/v1/things/{id}", ok); err != nil {
		t.Fatal(err)
	}
	if got := allow(); got != "GET" {
		t.Fatalf("Allow %q; want GET", got)
	}
	if got := allow(); got != "GET" {
		t.Fatalf("again: Allow %q; want GET", got)
	}
	for _, m := range []string{"DELETE", "OPTIONS"} {
		if err := mux.HandlePath(m, "/v1/things/{id}", ok); err != nil {
			t.Fatal(err)
		}
	}
	if got := allow(); got != "GET, DELETE, OPTIONS" {
		t.Errorf("after adding DELETE and OPTIONS: Allow %q; want GET, DELETE, OPTIONS", got)
	}
}

// TestRouting405AllowManyPaths answers 405s on more distinct paths than
// the binding keeps, with two routes whose Allow differ, and checks every
// answer: a path's list is never another's.
func TestRouting405AllowManyPaths(t *testing.T) {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	ok := func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {}
	for _, route := range []struct{ method, path string }{
		{"GET", "/v1/a/{id}"}, {"GET", "/v1/b/{id}"}, {"PATCH", "/v1/b/{id}"},
	} {
		if err := mux.HandlePath(route.method, route.path, ok); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 1200 {
		for _, tc := range []struct{ prefix, want string }{{"/v1/a/", "GET"}, {"/v1/b/", "GET, PATCH"}} {
			path := fmt.Sprintf("%s%d", tc.prefix, i%700)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, path, nil))
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != tc.want {
				t.Fatalf("PUT %s: %d, Allow %q; want 405, %q", path, rec.Code, rec.Header().Get("Allow"), tc.want)
			}
		}
	}
}

// TestRoutingWrongMethodAllowContainsCollection checks the collection's 405
// by membership, in case the order ever changes.
func TestRoutingWrongMethodAllowContainsCollection(t *testing.T) {
	g := startGateway(t)
	resp := g.do(t, "PUT", "/v1/books", "")
	if resp.Status != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d; want 405", resp.Status)
	}
	allow := map[string]bool{}
	for _, m := range strings.Split(resp.Header.Get("Allow"), ",") {
		allow[strings.TrimSpace(m)] = true
	}
	for _, m := range []string{"GET", "POST"} {
		if !allow[m] {
			t.Errorf("Allow = %q; want it to contain %s", resp.Header.Get("Allow"), m)
		}
	}
	for _, m := range []string{"PUT", "HEAD", "OPTIONS", "DELETE", "PATCH"} {
		if allow[m] {
			t.Errorf("Allow = %q; want it not to contain %s", resp.Header.Get("Allow"), m)
		}
	}
}

// Routes added by hand (HandlePath) get the same routing answers as
// generated ones: every 405 carries Allow, since no entry point of the
// package installs the routing handler without the middleware the probes
// need.
func TestRoutingHandPathsAllow(t *testing.T) {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	called := false
	if err := mux.HandlePath("GET", "/v1/things", func(http.ResponseWriter, *http.Request, map[string]string) { called = true }); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("DELETE", "/v1/things", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET" || called {
		t.Errorf("405 %d, Allow %q, handler called %v; want 405, Allow GET, not called", rec.Code, rec.Header().Get("Allow"), called)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/nothing", nil))
	if rec.Code != 404 {
		t.Errorf("unknown path: %d; want 404", rec.Code)
	}
}

// TestAllowLearnsCustomMethods: a route with a method outside the ones
// every 405 probes (a custom HttpRule binding, HandlePath) is listed in
// Allow once a request has used it.
func TestAllowLearnsCustomMethods(t *testing.T) {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	if err := mux.HandlePath("PURGE", "/cache", func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.WriteHeader(http.StatusNoContent)
	}); err != nil {
		t.Fatal(err)
	}
	get := func() string {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", "/cache", nil))
		if rec.Code != 405 {
			t.Fatalf("GET /cache: %d; want 405", rec.Code)
		}
		return rec.Header().Get("Allow")
	}
	if allow := get(); allow != "" {
		t.Errorf("before any PURGE: Allow %q; want empty (the method is not known yet)", allow)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("PURGE", "/cache", nil))
	if rec.Code != 204 {
		t.Fatalf("PURGE /cache: %d", rec.Code)
	}
	if allow := get(); allow != "PURGE" {
		t.Errorf("after a PURGE: Allow %q; want PURGE", allow)
	}
}

// routesMux returns a mux with n routes added with HandlePath: n/4
// resources /v1/res<i>/{id}, each with GET, PUT, PATCH and DELETE, every
// handler answering at once as a generated one does after its call. The
// routes are added, not generated, because no proto of ours has a thousand
// of them; grpc-gateway keeps both kinds in the same lists and matches
// them alike. /v1/res0 is added first, so it is matched last: the worst
// case for a path that exists.
func routesMux(tb testing.TB, n int, opts ...runtime.ServeMuxOption) *runtime.ServeMux {
	tb.Helper()
	mux := runtime.NewServeMux(opts...)
	book := &bookshelfv1.Book{Id: "7", Title: "Dune"}
	handler := func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		_, out := runtime.MarshalerForRequest(mux, r)
		runtime.ForwardResponseMessage(r.Context(), mux, out, w, r, book, mux.GetForwardResponseOptions()...)
	}
	methods := []string{"GET", "PUT", "PATCH", "DELETE"}
	for i := range n {
		if err := mux.HandlePath(methods[i%4], fmt.Sprintf("/v1/res%d/{id}", i/4), handler); err != nil {
			tb.Fatal(err)
		}
	}
	return mux
}

// routingRequests are a 404 (a path no route has) and a 405 (POST on a
// path every method but POST routes), through the same mux.
func routingRequests() (notFound, notAllowed *http.Request) {
	return httptest.NewRequest(http.MethodPost, "/v1/nothing/7", nil), httptest.NewRequest(http.MethodPost, "/v1/res0/7", nil)
}

// BenchmarkRoutingRatio answers a routing 404 and a routing 405 (with its
// Allow header) through the same statusmap mux, interleaved, at 10, 100 and
// 1,000 routes, and reports the 405's time and allocations as multiples of
// the 404's (target: at most 1.5 each). The 405's paths are:
//
//   - same: one path, again and again;
//
//   - ids: a new id every time (/v1/res0/u<n>), as a client walking
//     records sends;
//
//   - uncached: a new id with a colon every time (/v1/res0/u<n>:x), whose
//     Allow statusmap never keeps nor shares (see pathShape): every 405
//     is answered afresh (before the patterns were compiled, by probing
//     the mux: the worst case);
//
//   - shapes: a new path shape every time, on a mux with one more route,
//     GET /v1/deep/{path=**}: /v1/deep/ and six segments, each one of the
//     patterns' strings or not, in a new combination (4,096 of 15,625),
//     so that no Allow kept for one path serves another.
//
//     go test -run '^$' -bench RoutingRatio -count 6 ./gateway
func BenchmarkRoutingRatio(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		for _, paths := range []string{"same", "ids", "uncached", "shapes"} {
			b.Run(fmt.Sprintf("routes=%d/paths=%s", n, paths), func(b *testing.B) {
				mux := routesMux(b, n, gateway.ServeMuxOptions()...)
				nf, na := routingRequests()
				w := &statusWriter{h: http.Header{}}
				reqs := []*http.Request{na}
				allow := "GET, PUT, PATCH, DELETE"
				switch paths {
				case "ids", "uncached":
					suffix := map[string]string{"ids": "", "uncached": ":x"}[paths]
					reqs = make([]*http.Request, 4096)
					for i := range reqs {
						reqs[i] = httptest.NewRequest(http.MethodPost, fmt.Sprintf("/v1/res0/u%d%s", i, suffix), nil)
					}
				case "shapes":
					reqs, allow = newShapes(b, mux), "GET"
				}
				// Allocations of each side alone, outside the timed loop,
				// the 405s on paths the timed loop starts from the other end
				// of.
				allocs404 := testing.AllocsPerRun(50, func() { serveBench(mux, w, nf) })
				j := 0
				allocs405 := testing.AllocsPerRun(50, func() {
					serveBench(mux, w, reqs[len(reqs)-1-j%len(reqs)])
					j++
				})
				var took404, took405 samples
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					// A path is reused after 4,096 others: more than any
					// cache of statusmap's keeps.
					r405 := reqs[i%len(reqs)]
					i++
					start := time.Now()
					if code := serveBench(mux, w, nf); code != 404 {
						b.Fatalf("404 answered %d", code)
					}
					mid := time.Now()
					if code := serveBench(mux, w, r405); code != 405 || w.h.Get("Allow") != allow {
						b.Fatalf("405 answered %d, Allow %q", code, w.h.Get("Allow"))
					}
					took405.add(time.Since(mid))
					took404.add(mid.Sub(start))
				}
				b.ReportMetric(took405.median()/took404.median(), "405/404-time")
				b.ReportMetric(took405.total()/took404.total(), "405/404-time-mean")
				b.ReportMetric(allocs405/allocs404, "405/404-allocs")
			})
		}
	}
}

// newShapes adds GET /v1/deep/{path=**} to mux and returns 4,096 POSTs
// to paths of as many shapes under it: six segments after /v1/deep, each
// one of v1, res0, id, deep or x (strings of the patterns but the last),
// the digits of the request's index in base 5.
func newShapes(tb testing.TB, mux *runtime.ServeMux) []*http.Request {
	tb.Helper()
	if err := mux.HandlePath("GET", "/v1/deep/{path=**}", func(http.ResponseWriter, *http.Request, map[string]string) {}); err != nil {
		tb.Fatal(err)
	}
	segs := []string{"v1", "res0", "id", "deep", "x"}
	reqs := make([]*http.Request, 4096)
	for i := range reqs {
		path := "/v1/deep"
		for n, d := i, 0; d < 6; n, d = n/len(segs), d+1 {
			path += "/" + segs[n%len(segs)]
		}
		reqs[i] = httptest.NewRequest(http.MethodPost, path, nil)
	}
	return reqs
}

// BenchmarkRouting404And405 is each side of BenchmarkRoutingRatio alone,
// for benchstat's ns/op, B/op and allocs/op.
func BenchmarkRouting404And405(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		mux := routesMux(b, n, gateway.ServeMuxOptions()...)
		nf, na := routingRequests()
		for _, side := range []struct {
			name string
			r    *http.Request
		}{{"404", nf}, {"405", na}} {
			b.Run(fmt.Sprintf("routes=%d/status=%s", n, side.name), func(b *testing.B) {
				w := &statusWriter{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					serveBench(mux, w, side.r)
				}
			})
		}
	}
}

// TestRouting405CostsNearA404 pins the allocation side of
// BenchmarkRoutingRatio: a routing 405 allocates at most 1.5 times what a
// 404 does through the same mux, for a path seen before, a new id on a
// route seen before, a new path with no shape (a colon), and a path of a
// new shape.
func TestRouting405CostsNearA404(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	for _, n := range []int{10, 100, 1000} {
		mux := routesMux(t, n, gateway.ServeMuxOptions()...)
		nf, na := routingRequests()
		w := &statusWriter{h: http.Header{}}
		serveBench(mux, w, na)
		if got := w.h.Get("Allow"); got != "GET, PUT, PATCH, DELETE" {
			t.Fatalf("routes=%d: Allow %q", n, got)
		}
		a404 := testing.AllocsPerRun(50, func() { serveBench(mux, w, nf) })
		a405 := testing.AllocsPerRun(50, func() { serveBench(mux, w, na) })
		ids := make([]*http.Request, 64)
		uncached := make([]*http.Request, 64)
		for i := range ids {
			ids[i] = httptest.NewRequest(http.MethodPost, fmt.Sprintf("/v1/res0/id%d", i), nil)
			uncached[i] = httptest.NewRequest(http.MethodPost, fmt.Sprintf("/v1/res0/id%d:x", i), nil)
		}
		each := func(reqs []*http.Request, allow string) float64 {
			i := 0
			return testing.AllocsPerRun(50, func() {
				serveBench(mux, w, reqs[i])
				if got := w.h.Get("Allow"); got != allow {
					t.Fatalf("routes=%d: POST %s: Allow %q; want %q", n, reqs[i].URL.Path, got, allow)
				}
				i++
			})
		}
		a405ids := each(ids, "GET, PUT, PATCH, DELETE")
		a405uncached := each(uncached, "GET, PUT, PATCH, DELETE")
		// Last, as it adds a route: the 404 is measured again on the same
		// mux.
		shapes := newShapes(t, mux)
		a404shapes := testing.AllocsPerRun(50, func() { serveBench(mux, w, nf) })
		a405shapes := each(shapes, "GET")
		t.Logf("routes=%d: 404 %v allocations, 405 %v, 405 on a new id %v, on a path of no shape %v; one route more: 404 %v, 405 on a new shape %v",
			n, a404, a405, a405ids, a405uncached, a404shapes, a405shapes)
		for _, c := range []struct {
			name       string
			a405, a404 float64
		}{{"a path seen before", a405, a404}, {"a new id", a405ids, a404}, {"a path of no shape", a405uncached, a404}, {"a new shape", a405shapes, a404shapes}} {
			if c.a405 > 1.5*c.a404 {
				t.Errorf("routes=%d: a 405 on %s allocates %v times, a 404 %v; want at most 1.5 times", n, c.name, c.a405, c.a404)
			}
		}
	}
}
