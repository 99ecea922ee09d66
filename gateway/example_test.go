package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// exampleShelf is a read-only shelf holding one book, "1".
type exampleShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (exampleShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	if req.GetId() != "1" {
		return nil, status.Errorf(codes.NotFound, "no book %q", req.GetId())
	}
	return &bookshelfv1.Book{Id: "1", Title: "Dune", Author: "Frank Herbert"}, nil
}

func (exampleShelf) CreateBook(_ context.Context, req *bookshelfv1.CreateBookRequest) (*bookshelfv1.Book, error) {
	return req.GetBook(), nil
}

func (exampleShelf) DeleteBook(context.Context, *bookshelfv1.DeleteBookRequest) (*emptypb.Empty, error) {
	// gRPC has no code for 405: pin the exact HTTP status on the error.
	return nil, statusmap.Error(http.StatusMethodNotAllowed, "books are read-only")
}

// exampleCompact prints a JSON body on one line without the spaces that
// protojson inserts at random.
func exampleCompact(body []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil {
		return fmt.Sprintf("%q", body)
	}
	return buf.String()
}

func ExampleServeMuxOptions() {
	// A gRPC server.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer()
	bookshelfv1.RegisterBookshelfServiceServer(srv, exampleShelf{})
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	// A grpc-gateway mux in front of it, answering the statusmap way.
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err = bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, lis.Addr().String(),
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())})
	if err != nil {
		panic(err)
	}
	web := httptest.NewServer(mux)
	defer web.Close()

	for _, call := range []struct{ method, path, body string }{
		{"GET", "/v1/books/1", ""},
		{"GET", "/v1/books/2", ""},
		{"POST", "/v1/books", `{"id":"3","title":"Emma"}`},
		{"DELETE", "/v1/books/1", ""},
		{"POST", "/v1/books/1", ""},
	} {
		var body io.Reader
		if call.body != "" {
			body = strings.NewReader(call.body)
		}
		req, err := http.NewRequest(call.method, web.URL+call.path, body)
		if err != nil {
			panic(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(call.method, call.path, "->", resp.Status)
		if allow := resp.Header.Get("Allow"); allow != "" {
			fmt.Println("  Allow:", allow)
		}
		if resp.StatusCode >= 400 {
			var st struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal(b, &st)
			fmt.Printf("  code %d (%s): %s\n", st.Code, codes.Code(st.Code), st.Message)
		} else {
			fmt.Println(" ", exampleCompact(b))
		}
	}
	// Output:
	// GET /v1/books/1 -> 200 OK
	//   {"id":"1","title":"Dune","author":"Frank Herbert"}
	// GET /v1/books/2 -> 404 Not Found
	//   code 5 (NotFound): no book "2"
	// POST /v1/books -> 201 Created
	//   {"id":"3","title":"Emma","author":""}
	// DELETE /v1/books/1 -> 405 Method Not Allowed
	//   Allow: GET, PUT, PATCH
	//   code 12 (Unimplemented): books are read-only
	// POST /v1/books/1 -> 405 Method Not Allowed
	//   Allow: GET, PUT, PATCH, DELETE
	//   code 12 (Unimplemented): Method Not Allowed
}

func ExampleWriteError() {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := gateway.WriteError(w, r, statusmap.Error(http.StatusConflict, "version mismatch")); err != nil {
			// The client went away mid-answer: nothing more can be sent.
			return
		}
	}))
	defer web.Close()

	resp, err := http.Get(web.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status)
	fmt.Println(resp.Header.Get("Content-Type"))
	fmt.Println(exampleCompact(body))
	// Output:
	// 409 Conflict
	// application/json
	// {"code":10,"message":"version mismatch","details":[]}
}

func ExampleWithFormat() {
	g, err := gateway.New(gateway.WithFormat(gateway.FormatProblem))
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	_ = g.WriteError(rec, nil, status.Error(codes.NotFound, "no such book"))
	fmt.Println(rec.Code)
	fmt.Println(rec.Header().Get("Content-Type"))
	fmt.Println(exampleCompact(rec.Body.Bytes()))
	// Output:
	// 404
	// application/problem+json
	// {"type":"about:blank","title":"Not Found","status":404,"detail":"no such book","grpcCode":"NOT_FOUND","details":[]}
}

// Whatever the format, a client that prefers application/problem+json gets
// a problem document.
func ExampleGateway_WriteError() {
	g, err := gateway.New()
	if err != nil {
		panic(err)
	}
	for _, accept := range []string{"application/json", "application/problem+json"} {
		req := httptest.NewRequest("GET", "/v1/books/7", nil)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		_ = g.WriteError(rec, req, status.Error(codes.ResourceExhausted, "slow down"))
		fmt.Println(accept, "->", rec.Code, rec.Header().Get("Content-Type"))
		fmt.Println(" ", exampleCompact(rec.Body.Bytes()))
	}
	// Output:
	// application/json -> 503 application/json
	//   {"code":8,"message":"slow down","details":[]}
	// application/problem+json -> 503 application/problem+json
	//   {"type":"about:blank","title":"Service Unavailable","status":503,"detail":"slow down","grpcCode":"RESOURCE_EXHAUSTED","details":[]}
}

// New checks every option once; a bad one is an error, never dropped.
func ExampleNew() {
	_, err := gateway.New(gateway.WithFormat(gateway.Format(7)), gateway.WithSuccessStatus("POST", 302))
	fmt.Println(err)

	g, err := gateway.New(gateway.WithFormat(gateway.FormatGoogle), gateway.WithRedaction(true))
	if err != nil {
		panic(err)
	}
	mux := runtime.NewServeMux(g.ServeMuxOptions()...)
	_ = mux
	// Output:
	// gateway: WithFormat(Format(7)): not a format
	// gateway: WithSuccessStatus("POST", 302): not a 2xx status
}

// WithStatusMapper gives the gateway another gRPC code -> HTTP status
// table, for statuses that pin none: under statusmap.ProfileGoogle,
// ResourceExhausted is 429 (the documented table says 503).
func ExampleWithStatusMapper() {
	google, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		panic(err)
	}
	gw, err := gateway.New(gateway.WithStatusMapper(google))
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	if err := gw.WriteError(rec, nil, status.Error(codes.ResourceExhausted, "quota")); err != nil {
		panic(err)
	}
	fmt.Println(rec.Code)
	// Output:
	// 429
}

// WithMaxErrorBody bounds how much of a body a Gateway's ErrorFromResponse
// reads (1 MiB by default): the rest is quoted as cut.
func ExampleWithMaxErrorBody() {
	gw, err := gateway.New(gateway.WithMaxErrorBody(16))
	if err != nil {
		panic(err)
	}
	resp := &http.Response{
		StatusCode: http.StatusBadGateway,
		Header:     http.Header{"Content-Type": {"text/plain"}},
		Body:       io.NopCloser(strings.NewReader("upstream connect error or disconnect/reset before headers")),
	}
	fmt.Println(status.Convert(gw.ErrorFromResponse(resp)).Message())
	// Output:
	// HTTP 502 Bad Gateway: upstream connect …
}
