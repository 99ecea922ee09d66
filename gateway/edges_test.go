package gateway_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
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

// TestStreamErrorHonoursAccept: a stream that fails before its first
// message answers a client that prefers problem+json with a problem
// document, as a unary error would.
func TestStreamErrorHonoursAccept(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/stream/books?count=0&fail_with=code-5", "", "Accept", "application/problem+json")
	if r.Status != 404 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, Content-Type %q; want 404 problem+json (%s)", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	var p struct {
		Status   int    `json:"status"`
		Detail   string `json:"detail"`
		GrpcCode string `json:"grpcCode"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil || p.Status != 404 || p.GrpcCode != "NOT_FOUND" || p.Detail != "book code-5" {
		t.Errorf("body %s (%v)", r.Body, err)
	}
	// Without the preference, grpc-gateway's error chunk, as before.
	r = g.do(t, "GET", "/v1/stream/books?count=0&fail_with=code-5", "")
	if r.Status != 404 || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("without Accept: status %d, Content-Type %q", r.Status, r.Header.Get("Content-Type"))
	}
}

// TestFormPostToPostBindingIsCreated: a form POST that a POST binding
// handles answers 201; the binding decides, not the Content-Type.
func TestFormPostToPostBindingIsCreated(t *testing.T) {
	srv := httptest.NewServer(serveOne(t, "POST", &bookshelfv1.Book{Id: "1"}))
	t.Cleanup(srv.Close)
	r := doRequest(t, srv.Client(), "POST", srv.URL+"/v1/things", "", "Content-Type", "application/x-www-form-urlencoded")
	if r.Status != 201 {
		t.Errorf("form POST to a POST binding: %d; want 201", r.Status)
	}
}

// TestDeleteEmptyMessageEveryMarshaler: the same empty response is 204
// whether the marshaler writes "{}" or, with grpc-gateway's default
// EmitUnpopulated, {"rating":0,"format":"BOOK_FORMAT_UNSPECIFIED",...}.
func TestDeleteEmptyMessageEveryMarshaler(t *testing.T) {
	for _, emit := range []bool{true, false} {
		marshaler := runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{}})
		if emit {
			marshaler = runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: jsonEmitUnpopulated()}})
		}
		var msg proto.Message = &bookshelfv1.Review{}
		srv := httptest.NewServer(serveOne(t, "DELETE", msg, marshaler))
		t.Cleanup(srv.Close)
		if r := doRequest(t, srv.Client(), "DELETE", srv.URL+"/v1/things", ""); r.Status != 204 || len(r.Body) != 0 {
			t.Errorf("EmitUnpopulated %v: %d %q; want 204 and no body", emit, r.Status, r.Body)
		}
	}
	full := httptest.NewServer(serveOne(t, "DELETE", &bookshelfv1.Review{Rating: 5}))
	t.Cleanup(full.Close)
	if r := doRequest(t, full.Client(), "DELETE", full.URL+"/v1/things", ""); r.Status != 200 || len(r.Body) == 0 {
		t.Errorf("a message with content: %d %q; want 200 with it", r.Status, r.Body)
	}
}

func jsonEmitUnpopulated() protojson.MarshalOptions {
	return protojson.MarshalOptions{EmitUnpopulated: true}
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
