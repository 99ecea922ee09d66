package gateway_test

import (
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
)

// TestNotAcceptable: with WithNotAcceptable, an Accept header that names
// nothing the gateway can produce is answered 406, listing what it can,
// before the backend is called; anything it can produce goes through.
func TestNotAcceptable(t *testing.T) {
	g := startGatewayMux(t, []gateway.Option{gateway.WithNotAcceptable(true)},
		runtime.WithMarshalerOption("application/x-protobuf", &runtime.ProtoMarshaller{}))
	for _, tc := range []struct {
		accept string
		want   int
	}{
		{"", 200},
		{"*/*", 200},
		{"application/json", 200},
		{"application/*", 200},
		{"text/xml, application/json;q=0.5", 200},
		{"application/x-protobuf", 200},
		{"application/problem+json", 200},
		{"text/xml", 406},
		{"text/html, image/png", 406},
		{"application/json;q=0, text/xml", 406},
	} {
		before := g.Service.calls.Load()
		var r response
		if tc.accept == "" {
			r = g.do(t, "GET", "/v1/books/ok", "")
		} else {
			r = g.do(t, "GET", "/v1/books/ok", "", "Accept", tc.accept)
		}
		if r.Status != tc.want {
			t.Errorf("Accept %q: status %d; want %d (%s)", tc.accept, r.Status, tc.want, r.Body)
			continue
		}
		called := g.Service.calls.Load() != before
		if tc.want == 406 {
			if called {
				t.Errorf("Accept %q: the backend was called for a 406", tc.accept)
			}
			if !strings.Contains(string(r.Body), "application/json, application/problem+json") {
				t.Errorf("Accept %q: 406 body does not list what can be produced: %s", tc.accept, r.Body)
			}
		}
	}
	// Off by default, as grpc-gateway.
	plain := startGateway(t)
	if r := plain.do(t, "GET", "/v1/books/ok", "", "Accept", "text/xml"); r.Status != 200 {
		t.Errorf("without the option: %d; want 200", r.Status)
	}
}

func TestAcceptProblemJSON(t *testing.T) {
	g := startGateway(t)
	testCases := []struct {
		accept  string
		problem bool
	}{
		{"application/problem+json", true},
		{"application/problem+json, application/json;q=0.9", true},
		{"application/json;q=0.5, application/problem+json", true},
		{"application/json", false},
		{"*/*", false},
		{"application/problem+json;q=0.5, application/json", false},
		{"application/problem+json;q=0", false},
		{"text/html, application/problem+json;q=0.8", true},
		{"", false},
	}
	// Whatever the configured format, Accept can ask for a problem.
	google := startGateway(t, gateway.WithFormat(gateway.FormatGoogle))
	if r := google.do(t, "GET", "/v1/books/code-5", "", "Accept", "application/problem+json"); r.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("FormatGoogle default with Accept problem+json: Content-Type %q", r.Header.Get("Content-Type"))
	}
	for _, tc := range testCases {
		r := g.do(t, "GET", "/v1/books/code-5", "", "Accept", tc.accept)
		isProblem := r.Header.Get("Content-Type") == "application/problem+json"
		if isProblem != tc.problem {
			t.Errorf("Accept %q: Content-Type %q; want problem=%v", tc.accept, r.Header.Get("Content-Type"), tc.problem)
		}
		if r.Status != 404 {
			t.Errorf("Accept %q: status %d", tc.accept, r.Status)
		}
		jsonOf(t, r.Body)
	}
}
