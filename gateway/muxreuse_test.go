package gateway_test

import (
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
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
