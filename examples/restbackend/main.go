// Command restbackend shows a gRPC service whose data lives behind a REST
// API. When the REST API fails, the service returns
// gateway.ErrorFromResponse(resp): a gRPC error with the backend's code,
// message and details, and its exact HTTP status pinned. The status crosses
// the gRPC hop, and the gateway in front answers its own HTTP clients with
// the backend's very status (409 and 502 here, which no gRPC code could
// carry alone), except an upstream's 401, 405 and 407, which describe the
// upstream and not the client's request: those become 502, with the
// upstream's status, message and headers kept in an ErrorInfo.
//
//	go run ./examples/restbackend
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "restbackend:", err)
		os.Exit(1)
	}
}

// backend is the REST API: each book id picks how it fails.
func backend(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/books/1":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1","title":"Found"}`)
	case "/books/2":
		w.Header().Set("Allow", "GET, PUT")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, `{"error_code":"BOOK.0405","error_msg":"book 2 is read-only","request_id":"rq-2"}`)
	case "/books/3":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"code":"aborted","message":"book 3 changed meanwhile"}`) // a connect-go backend
	default:
		w.Header().Set("Content-Type", "text/html") // a proxy's page: its title is the message
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
	}
}

// shelf is the gRPC service in front of the REST API.
type shelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
	backend string
	client  *http.Client
}

func (s *shelf) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, s.backend+"/books/"+req.GetId(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(httpReq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := gateway.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: req.GetId(), Title: "Found"}, nil
}

func run(ctx context.Context, out io.Writer) error {
	restLis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	rest := &http.Server{Handler: http.HandlerFunc(backend), ReadHeaderTimeout: 5 * time.Second}
	go rest.Serve(restLis)
	defer rest.Close()

	grpcLis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	grpcServer := grpc.NewServer()
	bookshelfv1.RegisterBookshelfServiceServer(grpcServer, &shelf{backend: "http://" + restLis.Addr().String(), client: client})
	go grpcServer.Serve(grpcLis)
	defer grpcServer.Stop()

	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	opts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, grpcLis.Addr().String(), opts); err != nil {
		return err
	}
	frontLis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	front := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go front.Serve(frontLis)
	defer front.Close()

	conn, err := grpc.NewClient(grpcLis.Addr().String(), opts...)
	if err != nil {
		return err
	}
	defer conn.Close()
	grpcClient := bookshelfv1.NewBookshelfServiceClient(conn)

	for _, id := range []string{"1", "2", "3", "4"} {
		if err := askBoth(ctx, out, grpcClient, client, "http://"+frontLis.Addr().String(), id); err != nil {
			return err
		}
	}
	return nil
}

// askBoth asks for book id twice and prints both answers: as a gRPC client
// of the service, and as an HTTP client of the gateway in front of it.
func askBoth(ctx context.Context, out io.Writer, grpcClient bookshelfv1.BookshelfServiceClient, client *http.Client, frontURL, id string) error {
	_, err := grpcClient.GetBook(ctx, &bookshelfv1.GetBookRequest{Id: id})
	st := status.Convert(err)
	fmt.Fprintf(out, "book %s: gRPC %v %q, HTTPStatusOf %d\n", id, st.Code(), st.Message(), statusmap.HTTPStatusOf(err))

	resp, err := client.Get(frontURL + "/v1/books/" + id)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Fprintf(out, "        gateway: %s", resp.Status)
	if allow := resp.Header.Get("Allow"); allow != "" {
		fmt.Fprintf(out, ", Allow: %s", allow)
	}
	fmt.Fprintln(out)
	return nil
}
