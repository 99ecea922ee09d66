package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/statusmap/statusmap/gateway"
)

func TestRoutingUnknownPath(t *testing.T) {
	g := startGateway(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/nope"},
		{"GET", "/v2/books/1"},
		{"GET", "/v1/books/1/extra"},
		{"DELETE", "/v1/stream"},
		{"POST", "/"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			before := g.Service.calls.Load()
			resp := g.do(t, tc.method, tc.path, "")
			if resp.Status != http.StatusNotFound {
				t.Errorf("status = %d; want 404", resp.Status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q; want application/json", ct)
			}
			if allow := resp.Header.Values("Allow"); len(allow) != 0 {
				t.Errorf("Allow = %q; want none on a 404", allow)
			}
			body := jsonOf(t, resp.Body)
			if got := bodyCode(body); got != 5 {
				t.Errorf("body code = %d; want 5 (NotFound); body %s", got, resp.Body)
			}
			if got := body["message"]; got != "Not Found" {
				t.Errorf("body message = %v; want %q", got, "Not Found")
			}
			if got := g.Service.calls.Load(); got != before {
				t.Errorf("backend calls = %d; want %d (a 404 calls nothing)", got, before)
			}
		})
	}
}

func TestRoutingWrongMethod(t *testing.T) {
	g := startGateway(t)
	for _, tc := range []struct {
		method, path, body string
		wantAllow          string
	}{
		{"POST", "/v1/books/42", "", "GET, PUT, PATCH, DELETE"},
		// A body must not reach a probe: no call, same answer.
		{"POST", "/v1/books/42", `{"id":"42"}`, "GET, PUT, PATCH, DELETE"},
		{"OPTIONS", "/v1/books/42", "", "GET, PUT, PATCH, DELETE"},
		{"PUT", "/v1/books", `{"id":"1"}`, "GET, POST"},
		{"DELETE", "/v1/books", "", "GET, POST"},
		{"PATCH", "/v1/books", "", "GET, POST"},
		{"POST", "/v1/stream/books", "", "GET"},
		{"POST", "/v1/books/42:archive", "", "GET, PUT, PATCH, DELETE"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			before := g.Service.calls.Load()
			resp := g.do(t, tc.method, tc.path, tc.body)
			if got := g.Service.calls.Load(); got != before {
				t.Errorf("backend calls = %d; want %d (probing must not call the backend)", got, before)
			}
			if resp.Status != http.StatusMethodNotAllowed {
				t.Fatalf("status = %d; want 405; body %s", resp.Status, resp.Body)
			}
			if got := strings.Join(resp.Header.Values("Allow"), ", "); got != tc.wantAllow {
				t.Errorf("Allow = %q; want %q", got, tc.wantAllow)
			}
			body := jsonOf(t, resp.Body)
			if got := bodyCode(body); got != 12 {
				t.Errorf("body code = %d; want 12 (Unimplemented)", got)
			}
			if got := body["message"]; got != "Method Not Allowed" {
				t.Errorf("body message = %v; want %q", got, "Method Not Allowed")
			}
		})
	}
}

// TestRoutingComparedWithPlainGrpcGateway shows the difference the options
// make: grpc-gateway's runtime defaults answer a wrong method with 501 and
// no Allow.
func TestRoutingComparedWithPlainGrpcGateway(t *testing.T) {
	svc := &bookshelf{}
	addr := startBackend(t, svc)
	plain := startMux(t, addr)
	ours := startMux(t, addr, gateway.ServeMuxOptions()...)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)

	for _, tc := range []struct {
		name       string
		url        string
		wantStatus int
		wantAllow  string
	}{
		{"plain grpc-gateway", plain, http.StatusNotImplemented, ""},
		{"statusmap gateway", ours, http.StatusMethodNotAllowed, "GET, PUT, PATCH, DELETE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := doRequest(t, client, "POST", tc.url+"/v1/books/42", "")
			if resp.Status != tc.wantStatus {
				t.Errorf("status = %d; want %d", resp.Status, tc.wantStatus)
			}
			if got := resp.Header.Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q; want %q", got, tc.wantAllow)
			}
			if got := bodyCode(jsonOf(t, resp.Body)); got != 12 {
				t.Errorf("body code = %d; want 12 (both answer Unimplemented)", got)
			}
		})
	}
	if got := svc.calls.Load(); got != 0 {
		t.Errorf("backend calls = %d; want 0", got)
	}
}
