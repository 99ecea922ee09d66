package gateway_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// reuseShelf is the bookshelf, but book "bin" succeeds with binary header
// metadata whose bytes could be a header value as they are: only the
// metadata repair, which asks the mux, writes it in base64.
type reuseShelf struct {
	*bookshelf
}

func (s reuseShelf) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	if req.GetId() == "bin" {
		if err := grpc.SetHeader(ctx, metadata.Pairs("x-safe-bin", safeBin)); err != nil {
			return nil, err
		}
		return &bookshelfv1.Book{Id: "bin"}, nil
	}
	return s.bookshelf.GetBook(ctx, req)
}

const safeBin = "plain bytes"

// startReuseBackend starts a reuseShelf on loopback.
func startReuseBackend(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	bookshelfv1.RegisterBookshelfServiceServer(srv, reuseShelf{&bookshelf{}})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// startReuseMux is a mux built from opts in front of addr, with one route
// of its own (DELETE on the stream's path), so that a stream's 405 has a
// method to list in Allow that only the mux knows.
func startReuseMux(t *testing.T, addr string, opts []runtime.ServeMuxOption) string {
	t.Helper()
	mux := runtime.NewServeMux(opts...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	if err := mux.HandlePath("DELETE", "/v1/stream/books", func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.WriteHeader(http.StatusNoContent)
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestServeMuxOptionsReused: one slice of options given to two muxes, and
// two calls of one Gateway's ServeMuxOptions, make two muxes that each do
// everything statusmap does: the 405's Allow, WithNotAcceptable's 406, a
// stream's Allow, a form POST's 201, and the repair of binary metadata on
// a success. Once, reusing a slice silently turned the last four off on
// both muxes.
func TestServeMuxOptionsReused(t *testing.T) {
	addr := startReuseBackend(t)
	slice := gateway.ServeMuxOptions(gateway.WithNotAcceptable(true))
	g := newGateway(gateway.WithNotAcceptable(true))
	for _, tc := range []struct {
		name string
		a, b []runtime.ServeMuxOption
	}{
		{"one slice", slice, slice},
		{"one Gateway, two calls", g.ServeMuxOptions(), g.ServeMuxOptions()},
	} {
		urls := []string{startReuseMux(t, addr, tc.a), startReuseMux(t, addr, tc.b)}
		for i, url := range urls {
			t.Run(tc.name+"/mux "+string(rune('A'+i)), func(t *testing.T) {
				checkFullyInstalled(t, url)
			})
		}
	}
}

// checkFullyInstalled checks, through the mux at url, each behaviour that
// needs statusmap's binding to know its mux.
func checkFullyInstalled(t *testing.T, url string) {
	t.Helper()
	client := &http.Client{}
	t.Cleanup(client.CloseIdleConnections)
	if r := doRequest(t, client, "POST", url+"/v1/books/42", ""); r.Status != 405 || strings.Join(r.Header.Values("Allow"), ", ") != "GET, PUT, PATCH, DELETE" {
		t.Errorf("routing 405: %d, Allow %q", r.Status, r.Header.Values("Allow"))
	}
	if r := doRequest(t, client, "GET", url+"/v1/books/ok", "", "Accept", "text/xml"); r.Status != 406 {
		t.Errorf("Accept text/xml with WithNotAcceptable: %d; want 406 (%s)", r.Status, r.Body)
	}
	if r := doRequest(t, client, "GET", url+"/v1/stream/books?count=0&fail_with=pin-405", ""); r.Status != 405 || r.Header.Get("Allow") != "DELETE" {
		t.Errorf("stream pinned 405: %d, Allow %q; want 405, DELETE", r.Status, r.Header.Get("Allow"))
	}
	if r := doRequest(t, client, "POST", url+"/v1/books", "", "Content-Type", "application/x-www-form-urlencoded"); r.Status != 201 {
		t.Errorf("form POST to a POST binding: %d; want 201 (%s)", r.Status, r.Body)
	}
	if r := doRequest(t, client, "POST", url+"/v1/books/42", "", "Content-Type", "application/x-www-form-urlencoded"); r.Status != 200 {
		t.Errorf("form POST to a GET binding: %d; want 200 (%s)", r.Status, r.Body)
	}
	r := doRequest(t, client, "GET", url+"/v1/books/bin", "")
	if want := base64.RawStdEncoding.EncodeToString([]byte(safeBin)); r.Status != 200 || r.Header.Get("Grpc-Metadata-X-Safe-Bin") != want {
		t.Errorf("binary metadata on a success: %d, %q; want 200, %q", r.Status, r.Header.Get("Grpc-Metadata-X-Safe-Bin"), want)
	}
}

// TestServeMuxOptionsTwiceInOneMux: the same options given twice to one
// mux (a slice appended to itself, or two calls of ServeMuxOptions of one
// Gateway) install statusmap once in effect: a success's binary metadata
// goes out once, in base64, and a stream's error and a routing 405 are
// answered as with the options given once. Once, each installation
// repaired the metadata again and the header carried the value twice.
func TestServeMuxOptionsTwiceInOneMux(t *testing.T) {
	addr := startReuseBackend(t)
	slice := gateway.ServeMuxOptions(gateway.WithNotAcceptable(true))
	g := newGateway(gateway.WithNotAcceptable(true))
	for _, tc := range []struct {
		name string
		opts []runtime.ServeMuxOption
	}{
		{"one slice twice", append(append([]runtime.ServeMuxOption(nil), slice...), slice...)},
		{"one Gateway, two calls", append(g.ServeMuxOptions(), g.ServeMuxOptions()...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := startReuseMux(t, addr, tc.opts)
			checkFullyInstalled(t, url)
			client := &http.Client{}
			t.Cleanup(client.CloseIdleConnections)
			r := doRequest(t, client, "GET", url+"/v1/books/bin", "")
			want := []string{base64.RawStdEncoding.EncodeToString([]byte(safeBin))}
			if got := r.Header.Values("Grpc-Metadata-X-Safe-Bin"); r.Status != 200 || strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("binary metadata on a success: %d, %q; want 200, %q", r.Status, got, want)
			}
			r = doRequest(t, client, "POST", url+"/v1/books", `{"title":"t"}`)
			if r.Status != 201 {
				t.Errorf("POST: %d; want 201 (%s)", r.Status, r.Body)
			}
		})
	}
}

// TestServeMuxOptionsReusedInterleaved: two muxes built from one slice of
// options (and two from one Gateway), each with a route of its own on the
// stream's path, serve requests at the same time; every routing 405 and
// every stream error lists in Allow the methods of its own mux, never the
// other's.
func TestServeMuxOptionsReusedInterleaved(t *testing.T) {
	addr := startReuseBackend(t)
	slice := gateway.ServeMuxOptions()
	g := newGateway()
	for _, tc := range []struct {
		name string
		a, b []runtime.ServeMuxOption
	}{
		{"one slice", slice, slice},
		{"one Gateway", g.ServeMuxOptions(), g.ServeMuxOptions()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			muxes := []struct{ url, own string }{
				{startMuxWithRoute(t, addr, tc.a, "DELETE"), "DELETE"},
				{startMuxWithRoute(t, addr, tc.b, "PUT"), "PUT"},
			}
			client := &http.Client{}
			t.Cleanup(client.CloseIdleConnections)
			errs := make(chan string, 64)
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m := muxes[i%2]
					for range 4 {
						if status, allow, err := get(client, "POST", m.url+"/v1/stream/books"); err != nil || status != 405 || allow != "GET, "+m.own {
							errs <- fmt.Sprintf("routing 405 through the %s mux: %d, Allow %q, %v", m.own, status, allow, err)
						}
						if status, allow, err := get(client, "GET", m.url+"/v1/stream/books?count=0&fail_with=pin-405"); err != nil || status != 405 || allow != m.own {
							errs <- fmt.Sprintf("stream 405 through the %s mux: %d, Allow %q, %v", m.own, status, allow, err)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})
	}
}

// startMuxWithRoute is startReuseMux with a route of its own for method on
// the stream's path.
func startMuxWithRoute(t *testing.T, addr string, opts []runtime.ServeMuxOption, method string) string {
	t.Helper()
	mux := runtime.NewServeMux(opts...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	if err := mux.HandlePath(method, "/v1/stream/books", func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.WriteHeader(http.StatusNoContent)
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// get sends a request without a body from any goroutine and returns its
// status and Allow.
func get(client *http.Client, method, url string) (int, string, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, "", err
	}
	return resp.StatusCode, strings.Join(resp.Header.Values("Allow"), ", "), nil
}
