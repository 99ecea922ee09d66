package gateway_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// catalogShelf answers GetBook with the example catalog's generated errors:
//
//	"missing"  bookshelfv1.ErrorBookNotFound (404)
//	"dup"      bookshelfv1.ErrorBookAlreadyExists (409, code AlreadyExists)
//	"foreign"  the reason BOOK_NOT_FOUND in another domain
type catalogShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (catalogShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	switch req.GetId() {
	case "missing":
		return nil, bookshelfv1.ErrorBookNotFound("no book %q", req.GetId())
	case "dup":
		return nil, bookshelfv1.ErrorBookAlreadyExists("book %q already exists", req.GetId())
	case "foreign":
		return nil, reason.Errorf(404, "other.example.com", bookshelfv1.ReasonBookNotFound, "not ours")
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

// catalogRelay is a gRPC service on the far side of an HTTP hop: it reads
// its books from a gateway's REST API and returns the REST error read back
// with ErrorFromResponse, as a service calling another team's API does.
type catalogRelay struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	baseURL string
	client  *http.Client
}

func (r *catalogRelay) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, r.baseURL+"/v1/books/"+req.GetId(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.client.Do(httpReq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := gateway.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

// startCatalogServer serves svc over gRPC on loopback, with statusmap's
// interceptors as a real deployment has them, and returns a client.
func startCatalogServer(t *testing.T, svc bookshelfv1.BookshelfServiceServer) (string, bookshelfv1.BookshelfServiceClient) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor()),
	)
	bookshelfv1.RegisterBookshelfServiceServer(srv, svc)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return lis.Addr().String(), bookshelfv1.NewBookshelfServiceClient(conn)
}

// startCatalogGateway fronts the gRPC server at addr with a real
// grpc-gateway mux, statusmap installed with opts.
func startCatalogGateway(t *testing.T, addr string, opts ...gateway.Option) string {
	t.Helper()
	mux := runtime.NewServeMux(gateway.ServeMuxOptions(opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// catalogCase is one generated error and how it must look everywhere.
type catalogCase struct {
	id         string
	is         func(error) bool // the generated Is function that must hold
	isNot      func(error) bool // a generated Is function that must not
	code       codes.Code
	httpStatus int
}

var catalogCases = []catalogCase{
	{"missing", bookshelfv1.IsBookNotFound, bookshelfv1.IsBookAlreadyExists, codes.NotFound, 404},
	// Code(409) is Aborted; the pin keeps the 409 exact.
	{"dup", bookshelfv1.IsBookAlreadyExists, bookshelfv1.IsBookNotFound, codes.AlreadyExists, 409},
}

// checkCatalogError checks an error received after some hops.
func checkCatalogError(t *testing.T, where string, c catalogCase, err error) {
	t.Helper()
	if !c.is(err) {
		t.Errorf("%s %s: generated Is function false on %v", where, c.id, err)
	}
	if c.isNot(err) {
		t.Errorf("%s %s: another reason's Is function true on %v", where, c.id, err)
	}
	if got := status.Code(err); got != c.code {
		t.Errorf("%s %s: code %v; want %v", where, c.id, got, c.code)
	}
	if got := statusmap.HTTPStatusOf(err); got != c.httpStatus {
		t.Errorf("%s %s: HTTPStatusOf %d; want %d", where, c.id, got, c.httpStatus)
	}
}

// TestCatalogErrorOverGRPC: a generated error keeps its reason, domain,
// code and exact status across a real gRPC hop, through the interceptors.
func TestCatalogErrorOverGRPC(t *testing.T) {
	_, client := startCatalogServer(t, catalogShelf{})
	ctx := context.Background()
	for _, c := range catalogCases {
		_, err := client.GetBook(ctx, &bookshelfv1.GetBookRequest{Id: c.id})
		checkCatalogError(t, "gRPC", c, err)
	}
	_, err := client.GetBook(ctx, &bookshelfv1.GetBookRequest{Id: "foreign"})
	if status.Code(err) != codes.NotFound || bookshelfv1.IsBookNotFound(err) {
		t.Errorf("another domain's BOOK_NOT_FOUND: code %v, IsBookNotFound %v; want NotFound, false", status.Code(err), bookshelfv1.IsBookNotFound(err))
	}
	if _, err := client.GetBook(ctx, &bookshelfv1.GetBookRequest{Id: "1"}); bookshelfv1.IsBookNotFound(err) || err != nil {
		t.Errorf("a success: err %v", err)
	}
}

// TestCatalogErrorOverHTTP: through a real gateway, in each body format, a
// REST client's ErrorFromResponse result satisfies the generated Is
// function, and so does a gRPC client of a service that relays it.
func TestCatalogErrorOverHTTP(t *testing.T) {
	addr, _ := startCatalogServer(t, catalogShelf{})
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	formats := []struct {
		name        string
		format      gateway.Format
		contentType string
	}{
		{"FormatStatus", gateway.FormatStatus, "application/json"},
		{"FormatGoogle", gateway.FormatGoogle, "application/json"},
		{"FormatProblem", gateway.FormatProblem, "application/problem+json"},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			base := startCatalogGateway(t, addr, gateway.WithFormat(f.format))
			for _, c := range catalogCases {
				resp, body := catalogGet(t, client, base+"/v1/books/"+c.id)
				if resp.StatusCode != c.httpStatus || resp.Header.Get("Content-Type") != f.contentType {
					t.Errorf("%s: %d %q; want %d %q", c.id, resp.StatusCode, resp.Header.Get("Content-Type"), c.httpStatus, f.contentType)
				}
				if !bytes.Contains(body, []byte(bookshelfv1.ReasonBookNotFound)) && c.id == "missing" {
					t.Errorf("%s: the body does not name the reason: %s", c.id, body)
				}
				checkCatalogError(t, "ErrorFromResponse", c, gateway.ErrorFromResponse(resp))
			}
			resp, _ := catalogGet(t, client, base+"/v1/books/foreign")
			if err := gateway.ErrorFromResponse(resp); bookshelfv1.IsBookNotFound(err) || status.Code(err) != codes.NotFound {
				t.Errorf("another domain's BOOK_NOT_FOUND after HTTP: IsBookNotFound %v, code %v; want false, NotFound", bookshelfv1.IsBookNotFound(err), status.Code(err))
			}

			// gRPC, then HTTP, then gRPC again.
			_, relay := startCatalogServer(t, &catalogRelay{baseURL: base, client: client})
			for _, c := range catalogCases {
				_, err := relay.GetBook(context.Background(), &bookshelfv1.GetBookRequest{Id: c.id})
				checkCatalogError(t, "gRPC after HTTP", c, err)
			}
		})
	}
}

// catalogGet sends a GET and returns the response with its body read, and
// still readable once more from resp.Body.
func catalogGet(t *testing.T, client *http.Client, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, body
}
