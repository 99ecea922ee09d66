package gateway_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
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
