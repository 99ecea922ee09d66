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

// TestMuxPatterns guards the read of grpc-gateway's patterns, as
// TestMuxMethods the read of its methods: should a new version keep them
// otherwise, muxRoutes returns no patterns (a new path's 405 probes the
// mux again, correct but slower) and this test says so. A pattern routed
// for several methods is kept once, with each method's bit.
func TestMuxPatterns(t *testing.T) {
	mux := runtime.NewServeMux()
	ok := func(http.ResponseWriter, *http.Request, map[string]string) {}
	for _, route := range []struct{ method, path string }{
		{"GET", "/v1/x/{id}"}, {"PUT", "/v1/x/{name}"}, {"GET", "/v1/x"}, {"POST", "/v1/x/{id}:run"},
	} {
		if err := mux.HandlePath(route.method, route.path, ok); err != nil {
			t.Fatal(err)
		}
	}
	methods, _, patterns := muxRoutes(mux)
	if len(patterns) != 3 {
		t.Fatalf("%d patterns %+v; want 3 (grpc-gateway's patterns are no longer readable: new paths' 405s probe the mux)", len(patterns), patterns)
	}
	var routed []string
	for _, p := range patterns {
		var names []string
		for i, m := range methods {
			if p.methods&(1<<i) != 0 {
				names = append(names, m)
			}
		}
		slices.Sort(names)
		routed = append(routed, fmt.Sprintf("%s %s", p.verb, strings.Join(names, ",")))
	}
	slices.Sort(routed)
	if want := " GET, GET,PUT,run POST"; strings.Join(routed, ",") != want {
		t.Errorf("patterns by verb and methods %q; want %q", strings.Join(routed, ","), want)
	}
}
