// Command nethttp shows gateway.WriteError in a plain net/http server, with
// no gRPC and no grpc-gateway: handlers return errors, statusmap answers
// them with the documented status, the headers HTTP requires and a JSON
// body a grpc-gateway client already understands.
//
//	go run ./examples/nethttp
//
// It starts the server on a free loopback port, makes a few requests,
// prints the responses and exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "nethttp:", err)
		os.Exit(1)
	}
}

// errVersionMismatch is the kind of error a storage layer returns.
var errVersionMismatch = errors.New("version mismatch")

// handle is an ordinary handler that returns an error instead of writing one.
func handle(r *http.Request) (string, error) {
	switch r.URL.Path {
	case "/ok":
		return `{"hello":"world"}`, nil
	case "/missing":
		return "", status.Error(codes.NotFound, "no such thing")
	case "/conflict":
		// Any error can carry an exact status: pin it.
		return "", statusmap.Errorf(http.StatusConflict, "saving: %v", errVersionMismatch)
	case "/busy":
		st, _ := status.New(codes.Unavailable, "warming up").WithDetails(
			&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)})
		return "", st.Err()
	case "/secret":
		return "", status.Error(codes.Unauthenticated, "token expired")
	}
	return "", errors.New("boom") // a plain Go error: 500
}

func run(ctx context.Context, out io.Writer) error {
	// One Gateway, configured once, shared by every request: it writes
	// RFC 9457 problems for clients whose Accept asks for them, and
	// grpc-gateway's body otherwise; 5xx messages are redacted.
	gw, err := gateway.New(gateway.WithRedaction(true))
	if err != nil {
		return err
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := handle(r)
		if err != nil {
			// The write error, if any, means the client went away.
			_ = gw.WriteError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(lis)
	defer srv.Close()
	base := "http://" + lis.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()

	for _, path := range []string{"/ok", "/missing", "/conflict", "/busy", "/secret", "/crash"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return err
		}
		if path == "/missing" {
			req.Header.Set("Accept", "application/problem+json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "GET %-10s %s\n", path, resp.Status)
		for _, h := range []string{"Content-Type", "Retry-After", "WWW-Authenticate"} {
			if v := resp.Header.Get(h); v != "" {
				fmt.Fprintf(out, "    %s: %s\n", h, v)
			}
		}
		fmt.Fprintf(out, "    %s\n", strings.TrimSpace(string(body)))
	}
	return nil
}
