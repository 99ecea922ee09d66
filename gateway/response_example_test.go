package gateway_test

import (
	"context"
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
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// restBackedShelf is a gRPC service whose books live behind a REST API.
type restBackedShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	restURL string
}

func (s *restBackedShelf) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	httpReq, err := http.NewRequestWithContext(ctx, "GET", s.restURL+"/books/"+req.GetId(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := gateway.ErrorFromResponse(resp); err != nil {
		return nil, err // the backend's exact status travels on, pinned
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

// A gRPC method that calls a REST backend returns the backend's error with
// ErrorFromResponse; the gateway in front answers with the backend's very
// status, 409 here, which the gRPC code alone (Aborted) could not carry.
func ExampleErrorFromResponse() {
	rest := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"error_code":"BOOK.0409","error_msg":"version mismatch","request_id":"r-1"}`)
	}))
	defer rest.Close()

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer()
	bookshelfv1.RegisterBookshelfServiceServer(srv, &restBackedShelf{restURL: rest.URL})
	go srv.Serve(lis)
	defer srv.Stop()

	// A gRPC client sees the backend's error, status pinned.
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	_, err = bookshelfv1.NewBookshelfServiceClient(conn).GetBook(context.Background(), &bookshelfv1.GetBookRequest{Id: "7"})
	fmt.Println(status.Code(err), status.Convert(err).Message(), statusmap.HTTPStatusOf(err))

	// So does an HTTP client of the gateway in front.
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(context.Background(), mux, lis.Addr().String(),
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		panic(err)
	}
	front := httptest.NewServer(mux)
	defer front.Close()
	resp, err := http.Get(front.URL + "/v1/books/7")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// Aborted version mismatch 409
	// 409 Conflict
}

// An upstream's 401 is not the client's: by default ErrorFromResponse
// folds it into a 502 that keeps the upstream's challenge in an ErrorInfo.
// A service that relays its client's own credentials passes it through.
func ExampleGateway_ErrorFromResponse() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"token expired"}`)
	}))
	defer upstream.Close()
	get := func() *http.Response {
		resp, err := http.Get(upstream.URL)
		if err != nil {
			panic(err)
		}
		return resp
	}

	resp := get()
	err := gateway.ErrorFromResponse(resp)
	resp.Body.Close()
	fmt.Println(status.Code(err), statusmap.HTTPStatusOf(err), reason.Has(err, gateway.UpstreamDomain, gateway.ReasonUpstreamUnauthenticated))

	relay, err := gateway.New(gateway.WithUpstreamPassThrough(true))
	if err != nil {
		panic(err)
	}
	resp = get()
	err = relay.ErrorFromResponse(resp)
	resp.Body.Close()
	rec := httptest.NewRecorder()
	relay.WriteError(rec, nil, err)
	fmt.Println(status.Code(err), rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// Unavailable 502 true
	// Unauthenticated 401 Bearer error="invalid_token"
}

// A body that holds more than ErrorFromResponse keeps says so in the
// status: here 100 details, of which the first 64 are kept; a Gateway made
// WithRedaction(true) keeps none of an upstream's text in a 5xx.
func ExampleReasonUpstreamTruncated() {
	body := `{"code":14,"message":"busy","details":[` + strings.TrimSuffix(strings.Repeat(`{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en","message":"m"},`, 100), ",") + `]}`
	resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"4611686018427387904"}}, Body: io.NopCloser(strings.NewReader(body))}
	err := gateway.ErrorFromResponse(resp)
	for _, d := range status.Convert(err).Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			fmt.Println(d.GetReason(), d.GetMetadata())
		case *errdetails.RetryInfo:
			fmt.Println("retry in", d.GetRetryDelay().AsDuration(), "at most", gateway.MaxRetryDelay)
		}
	}
	redacted, _ := gateway.New(gateway.WithRedaction(true))
	resp.Body = io.NopCloser(strings.NewReader(body))
	fmt.Println(status.Convert(redacted.ErrorFromResponse(resp)).Message())
	// Output:
	// UPSTREAM_TRUNCATED map[droppedDetails:36]
	// retry in 24h0m0s at most 24h0m0s
	// Service Unavailable
}
