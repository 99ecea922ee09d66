package gateway_test

import (
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// rawBin is binary metadata whose bytes cannot be a header value.
const rawBin = "\x00\r\n\xff"

// binShelf sets binary header metadata on a success and on a stream.
type binShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (binShelf) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	if err := grpc.SetHeader(ctx, metadata.Pairs("x-raw-bin", rawBin, "x-plain", "p")); err != nil {
		return nil, err
	}
	if err := grpc.SetTrailer(ctx, metadata.Pairs("x-raw-bin", rawBin)); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

func (binShelf) StreamBooks(req *bookshelfv1.StreamBooksRequest, stream grpc.ServerStreamingServer[bookshelfv1.Book]) error {
	if err := stream.SetHeader(metadata.Pairs("x-raw-bin", rawBin)); err != nil {
		return err
	}
	for i := range req.GetCount() {
		if err := stream.Send(&bookshelfv1.Book{Id: string(rune('a' + i))}); err != nil {
			return err
		}
	}
	return nil
}

func startBinShelf(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	bookshelfv1.RegisterBookshelfServiceServer(srv, binShelf{})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// TestBinaryMetadataHeadersValid: binary metadata reaches the client in
// base64 (unpadded, as gRPC's HTTP/2 mapping) on a unary success, a stream
// and a stream that fails before its first message, so that Go's HTTP
// client reads every response. Plain grpc-gateway copies the raw bytes, and
// the same client refuses the response.
func TestBinaryMetadataHeadersValid(t *testing.T) {
	addr := startBinShelf(t)
	ours := startMux(t, addr, gateway.ServeMuxOptions()...)
	theirs := startMux(t, addr)
	want := base64.RawStdEncoding.EncodeToString([]byte(rawBin))
	for _, path := range []string{"/v1/books/7", "/v1/stream/books?count=2"} {
		resp, err := http.Get(ours + path)
		if err != nil {
			t.Fatalf("%s: statusmap's response refused: %v", path, err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Grpc-Metadata-X-Raw-Bin"); got != want {
			t.Errorf("%s: Grpc-Metadata-X-Raw-Bin = %q; want %q", path, got, want)
		}
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		// The premise, side by side: grpc-gateway's own answer is refused.
		if resp, err := http.Get(theirs + path); err == nil {
			resp.Body.Close()
			t.Errorf("%s: grpc-gateway's response was accepted; the premise of this test no longer holds", path)
		}
	}
	// A stream that fails before its first message: the harness's "md"
	// error sets binary metadata too.
	g := startGateway(t)
	resp, err := http.Get(g.URL + "/v1/stream/books?count=0&fail_with=md")
	if err != nil {
		t.Fatalf("stream error refused: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("Grpc-Metadata-X-Raw-Bin") == "" {
		t.Errorf("stream error: status %d, header %q", resp.StatusCode, resp.Header.Get("Grpc-Metadata-X-Raw-Bin"))
	}
}

// TestBinaryTrailersValid: binary trailer metadata on a success, which
// grpc-gateway writes after the body, goes out in base64 too.
func TestBinaryTrailersValid(t *testing.T) {
	url := startMux(t, startBinShelf(t), gateway.ServeMuxOptions()...)
	req, err := http.NewRequest("GET", url+"/v1/books/7", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("TE", "trailers")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatalf("reading the body and trailers: %v", err)
	}
	resp.Body.Close()
	if got, want := resp.Trailer.Get("Grpc-Trailer-X-Raw-Bin"), base64.RawStdEncoding.EncodeToString([]byte(rawBin)); got != want {
		t.Errorf("trailer %q; want %q", got, want)
	}
}

// TestOwnKeyNeverForwarded: statusmap's success-status metadata key is not
// forwarded even by a matcher of the user's own that forwards every key.
func TestOwnKeyNeverForwarded(t *testing.T) {
	g := startGatewayMux(t, nil, runtime.WithOutgoingHeaderMatcher(func(key string) (string, bool) {
		return "X-Md-" + key, true
	}))
	r := g.do(t, "PUT", "/v1/books/x", `{"id":"x","title":"accepted"}`)
	if r.Status != 202 {
		t.Fatalf("status %d; want the handler's 202", r.Status)
	}
	for name := range r.Header {
		if strings.Contains(strings.ToLower(name), "statusmap") {
			t.Errorf("statusmap's own key forwarded as %s: %v", name, r.Header[name])
		}
	}
}

func TestMetadataForwarding(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/md", "")
	if got := r.Header.Get("Grpc-Metadata-X-Request-Id"); got != "req-7" {
		t.Errorf("Grpc-Metadata-X-Request-Id = %q; want req-7", got)
	}
	// Binary metadata goes out in base64 without padding, as gRPC's HTTP/2
	// mapping writes it.
	if got := r.Header.Get("Grpc-Metadata-X-Raw-Bin"); got != "DQpJbmplY3RlZDogMQ" {
		t.Errorf("Grpc-Metadata-X-Raw-Bin = %q", got)
	}
	if r.Header.Get("Injected") != "" {
		t.Error("metadata injected a header")
	}
	if len(r.Trailer) != 0 {
		t.Errorf("trailers without TE: trailers: %v", r.Trailer)
	}
	r = g.do(t, "GET", "/v1/books/md", "", "TE", "trailers")
	if got := r.Trailer.Get("Grpc-Trailer-X-Trailer"); got != "t-1" {
		t.Errorf("trailer = %q; want t-1 (trailers %v)", got, r.Trailer)
	}

	// A matcher given to the mux after statusmap's options, the
	// grpc-gateway way, applies to errors as to successes.
	custom := startGatewayMux(t, nil, runtime.WithOutgoingHeaderMatcher(func(key string) (string, bool) {
		if key == "x-request-id" {
			return "X-Request-Id", true
		}
		return "", false
	}))
	r = custom.do(t, "GET", "/v1/books/md", "")
	if r.Header.Get("X-Request-Id") != "req-7" || r.Header.Get("Grpc-Metadata-X-Request-Id") != "" || r.Header.Get("Grpc-Metadata-X-Raw-Bin") != "" {
		t.Errorf("custom matcher not honoured: %v", r.Header)
	}
	// The same matcher applies to successes, which the mux forwards.
	r = custom.do(t, "GET", "/v1/books/ok", "")
	if r.Status != 200 {
		t.Errorf("success status %d", r.Status)
	}
}
