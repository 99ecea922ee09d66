package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// servers are the tour's three servers.
type servers struct {
	gatewayURL string
	grpcAddr   string
	stop       func()
}

// start runs the upstream REST API, the gRPC server and the gateway on the
// given addresses ("127.0.0.1:0" picks a free port).
func start(httpAddr, grpcAddr string) (*servers, error) {
	return startWith(httpAddr, grpcAddr, gatewayOptions(gateway.FormatStatus), nil)
}

// startWith is start with options for the gateway and for its connection
// to the gRPC server.
func startWith(httpAddr, grpcAddr string, gatewayOpts []gateway.Option, dialOpts []grpc.DialOption) (*servers, error) {
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	listen := func(addr string) (net.Listener, error) {
		lis, err := net.Listen("tcp", addr)
		if err != nil {
			stopAll()
		}
		return lis, err
	}

	// The upstream REST API the shelf calls for remote books.
	upLis, err := listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	upstream := &http.Server{Handler: http.HandlerFunc(upstreamAPI), ReadHeaderTimeout: 5 * time.Second}
	go upstream.Serve(upLis)
	stops = append(stops, func() { upstream.Close() })

	// The gRPC server, translating its handlers' Go errors at the edge.
	grpcLis, err := listen(grpcAddr)
	if err != nil {
		return nil, err
	}
	grpcServer := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor()),
	)
	client := &http.Client{Timeout: 5 * time.Second}
	bookshelfv1.RegisterBookshelfServiceServer(grpcServer, newShelf("http://"+upLis.Addr().String(), client))
	go grpcServer.Serve(grpcLis)
	stops = append(stops, grpcServer.Stop, client.CloseIdleConnections)

	// The gateway: one line installs statusmap.
	mux := runtime.NewServeMux(gateway.ServeMuxOptions(gatewayOpts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	stops = append(stops, cancel)
	err = bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, grpcLis.Addr().String(),
		append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dialOpts...))
	if err != nil {
		stopAll()
		return nil, err
	}
	httpLis, err := listen(httpAddr)
	if err != nil {
		return nil, err
	}
	front := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go front.Serve(httpLis)
	stops = append(stops, func() { front.Close() })

	return &servers{gatewayURL: "http://" + httpLis.Addr().String(), grpcAddr: grpcLis.Addr().String(), stop: stopAll}, nil
}

// upstreamAPI is a REST API that is having a bad day: its remote books are
// behind a gateway that is down, and one sits behind a proxy that wants
// credentials.
func upstreamAPI(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/books/proxied":
		w.Header().Set("Proxy-Authenticate", `Basic realm="upstream"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusProxyAuthRequired)
		io.WriteString(w, `{"error_code":"PROXY.0407","error_msg":"proxy credentials required","request_id":"up-7"}`)
	default:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n")
	}
}

// serveForever runs the servers on fixed ports until ctx is done.
func serveForever(ctx context.Context, httpAddr, grpcAddr string, out io.Writer) error {
	srv, err := start(httpAddr, grpcAddr)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(out, "gateway on %s, gRPC server on %s; try (Ctrl-C to stop):\n\n", srv.gatewayURL, srv.grpcAddr)
	for _, s := range steps {
		line := "curl -i"
		if s.method != "GET" {
			line += " -X " + s.method
		}
		for i := 0; i+1 < len(s.header); i += 2 {
			line += fmt.Sprintf(" -H '%s: %s'", s.header[i], s.header[i+1])
		}
		if s.body != "" {
			line += fmt.Sprintf(" -H 'Content-Type: application/json' -d '%s'", s.body)
		}
		fmt.Fprintf(out, "# %d: %s\n%s '%s%s'\n", s.want, s.what, line, srv.gatewayURL, s.path)
	}
	<-ctx.Done()
	return nil
}
