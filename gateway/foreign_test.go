package gateway_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// startForeignMux serves the bookshelf through a mux built from statusmap's
// options followed by extra, and returns its URL, the mux and the server's
// log (where net/http writes a handler's panic).
func startForeignMux(t *testing.T, extra ...runtime.ServeMuxOption) (string, *runtime.ServeMux, *syncBuffer) {
	t.Helper()
	addr := startBackend(t, &bookshelf{})
	mux := runtime.NewServeMux(append(gateway.ServeMuxOptions(), extra...)...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ErrorLog = log.New(logs, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, mux, logs
}

// firstRequestPanics sends the first request through a misconfigured mux:
// it must fail (net/http recovers the middleware's panic and drops the
// connection), and the server's log must carry statusmap's message.
func firstRequestPanics(t *testing.T, url string, logs *syncBuffer, wantInMessage string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	resp, err := client.Get(url + "/v1/books/ok")
	if err == nil {
		resp.Body.Close()
		t.Errorf("first request through a mux whose %s was replaced: %d; want the connection dropped by a panic", wantInMessage, resp.StatusCode)
	}
	got := logs.String()
	if !strings.Contains(got, "panic") || !strings.Contains(got, "statusmap") || !strings.Contains(got, wantInMessage) {
		t.Errorf("server log after the first request: %q; want statusmap's panic naming the %s", got, wantInMessage)
	}
}

// TestForeignErrorHandlerCannotLeakPin: grpc-gateway's own error handlers,
// given after statusmap's options, replace statusmap's. The first request
// through the mux panics with a message saying so, and every error body
// written afterwards by the foreign handlers, unary or stream, in JSON or
// in binary protobuf, leaves the pin out (the rest of the status is kept).
func TestForeignErrorHandlerCannotLeakPin(t *testing.T) {
	url, mux, logs := startForeignMux(t,
		runtime.WithErrorHandler(runtime.DefaultHTTPErrorHandler),
		runtime.WithStreamErrorHandler(runtime.DefaultStreamErrorHandler),
		runtime.WithMarshalerOption("application/x-protobuf", &runtime.ProtoMarshaller{}))
	if err := gateway.Verify(mux); err == nil || !strings.Contains(err.Error(), "WithErrorHandler") || !strings.Contains(err.Error(), "WithStreamErrorHandler") {
		t.Errorf("Verify: %v; want an error naming WithErrorHandler and WithStreamErrorHandler", err)
	}
	firstRequestPanics(t, url, logs, "error handler")
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	for _, tc := range []struct {
		path, accept string
		want         int
	}{
		{"/v1/books/pin-404", "", 404},
		{"/v1/books/pin-418", "", 500}, // grpc-gateway's status for Unknown
		{"/v1/books/allow", "", 501},
		{"/v1/stream/books?count=0&fail_with=pin-418", "", 500},
		{"/v1/stream/books?count=2&fail_with=pin-404", "", 200},
	} {
		r := doRequest(t, client, "GET", url+tc.path, "", "Accept", "application/json")
		if r.Status != tc.want {
			t.Errorf("%s: status %d; want %d (the foreign handler's)", tc.path, r.Status, tc.want)
		}
		streamObjects(t, r.Body) // every line still a JSON object
		if bytes.Contains(r.Body, []byte("HttpStatus")) {
			t.Errorf("%s: the pin leaked: %s", tc.path, r.Body)
		}
		if !bytes.Contains(r.Body, []byte(`"book `)) && !bytes.Contains(r.Body, []byte(`"read-only"`)) {
			t.Errorf("%s: the rest of the status is gone: %s", tc.path, r.Body)
		}
	}
	// Binary protobuf: the same status, less the pin.
	r := doRequest(t, client, "GET", url+"/v1/books/pin-404", "", "Accept", "application/x-protobuf")
	var st spb.Status
	if err := proto.Unmarshal(r.Body, &st); err != nil {
		t.Fatalf("binary body: %v (%q)", err, r.Body)
	}
	if r.Status != 404 || st.GetCode() != 5 || st.GetMessage() != "book pin-404" || len(st.GetDetails()) != 0 {
		t.Errorf("binary body: %d %v; want 404, NotFound, the message and no detail", r.Status, &st)
	}
}

// TestVerify: Verify accepts a mux built with statusmap's options, whatever
// comes after them that does not replace a handler, and names each handler
// replaced; it refuses a mux without statusmap at all.
func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []runtime.ServeMuxOption
		want []string // nil: no error
	}{
		{"statusmap", gateway.ServeMuxOptions(), nil},
		{"statusmap, then a matcher", append(gateway.ServeMuxOptions(), runtime.WithOutgoingHeaderMatcher(func(k string) (string, bool) { return k, true })), nil},
		{"error handler after", append(gateway.ServeMuxOptions(), runtime.WithErrorHandler(runtime.DefaultHTTPErrorHandler)), []string{"WithErrorHandler"}},
		{"routing error handler after", append(gateway.ServeMuxOptions(), runtime.WithRoutingErrorHandler(runtime.DefaultRoutingErrorHandler)), []string{"WithRoutingErrorHandler"}},
		{"stream error handler after", append(gateway.ServeMuxOptions(), runtime.WithStreamErrorHandler(runtime.DefaultStreamErrorHandler)), []string{"WithStreamErrorHandler"}},
		{"a handler that hands on to statusmap's", append(gateway.ServeMuxOptions(), handingOn()), nil},
		{"no statusmap", nil, []string{"ServeMuxOptions"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := gateway.Verify(runtime.NewServeMux(tc.opts...))
			if tc.want == nil {
				if err != nil {
					t.Errorf("Verify: %v; want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Verify: nil; want an error naming %v", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Verify: %q does not name %s", err, w)
				}
			}
		})
	}
}

// handingOn is an error handler of the user's own that logs, say, and
// hands every error on to statusmap's, through a mux of its own.
func handingOn() runtime.ServeMuxOption {
	ours := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	return runtime.WithErrorHandler(func(ctx context.Context, _ *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
		runtime.HTTPError(ctx, ours, m, w, r, err)
	})
}

// Verify, called once after NewServeMux, reports a mux whose error
// handlers a later option replaced.
func ExampleVerify() {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	fmt.Println(gateway.Verify(mux))

	replaced := runtime.NewServeMux(append(gateway.ServeMuxOptions(),
		runtime.WithErrorHandler(runtime.DefaultHTTPErrorHandler))...)
	fmt.Println(gateway.Verify(replaced))
	// Output:
	// <nil>
	// statusmap/gateway: the mux's error handler is not statusmap's: runtime.WithErrorHandler given to runtime.NewServeMux after gateway.ServeMuxOptions replaced statusmap's, so errors get grpc-gateway's statuses and bodies that carry statusmap's pin; remove it
}

// TestForeignHandlerContentLength: a foreign handler that counts its body
// in Content-Length before statusmap takes the pin out still sends a whole,
// well-framed response.
func TestForeignHandlerContentLength(t *testing.T) {
	counting := runtime.WithErrorHandler(func(_ context.Context, _ *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, _ *http.Request, err error) {
		body, _ := m.Marshal(status.Convert(err).Proto())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write(body)
	})
	url, _, logs := startForeignMux(t, counting)
	firstRequestPanics(t, url, logs, "error handler")
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	r := doRequest(t, client, "GET", url+"/v1/books/pin-404", "")
	if r.Status != http.StatusTeapot || bytes.Contains(r.Body, []byte("HttpStatus")) || !bytes.Contains(r.Body, []byte("book pin-404")) {
		t.Errorf("%d %s; want the foreign 418 without the pin", r.Status, r.Body)
	}
	if cl := r.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(r.Body)) {
		t.Errorf("Content-Length %s for %d bytes", cl, len(r.Body))
	}
}
