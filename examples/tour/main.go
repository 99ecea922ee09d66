// Command tour shows statusmap end to end over real sockets.
//
// It starts, in one process, an upstream REST API, a gRPC server with
// statusmap's interceptors, and a grpc-gateway mux with statusmap installed,
// all on 127.0.0.1 ports it picks itself. Then, as an HTTP client, it makes
// one request per documented status (200, 201, 204 and the 14 error
// statuses) and a few telling extras, prints what came back, and exits. It
// exits non-zero if any response differs from the documented table, so it
// doubles as a smoke test:
//
//	go run ./examples/tour
//
// With -serve it keeps the servers running on fixed ports and prints curl
// lines to try by hand:
//
//	go run ./examples/tour -serve
//
// With -bodies DIR it also sends the requests through a gateway in each body
// format and writes every error body into DIR, with the code, message and
// details a client must read from it (DIR/cases.json), for the client tests
// in examples/clients:
//
//	go run ./examples/tour -bodies /tmp/bodies
//
// With -openapi FILE it writes, instead, the OpenAPI document FILE (as
// protoc-gen-openapiv2 generated it) rewritten by the very gateway the tour
// serves, to -o or standard output: go generate and .ci/openapi-check run
// it to write examples/openapi/bookshelf.statusmap.swagger.json.
//
//	go run ./examples/tour -openapi examples/proto/bookshelf/v1/bookshelf.swagger.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
)

func main() {
	serve := flag.Bool("serve", false, "keep the servers running on fixed ports and print curl lines")
	httpAddr := flag.String("http", "127.0.0.1:8080", "with -serve: the gateway's address")
	grpcAddr := flag.String("grpc", "127.0.0.1:9090", "with -serve: the gRPC server's address")
	bodiesDir := flag.String("bodies", "", "also write every error body, in each body format, and what it must decode to, into this directory")
	openAPIIn := flag.String("openapi", "", "write this generated OpenAPI document rewritten for the tour's gateway, and exit")
	openAPIOut := flag.String("o", "", "with -openapi: the file to write (default: standard output)")
	flag.Parse()

	if *openAPIIn != "" {
		if err := writeOpenAPI(*openAPIIn, *openAPIOut, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "tour:", err)
			os.Exit(1)
		}
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *serve {
		err = serveForever(ctx, *httpAddr, *grpcAddr, os.Stdout)
	} else {
		err = tour(ctx, os.Stdout, steps)
		if err == nil && *bodiesDir != "" {
			err = writeBodies(ctx, *bodiesDir, steps, os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

// step is one request of the tour.
type step struct {
	what   string
	method string
	path   string
	body   string
	header []string
	want   int
}

// steps are one request per documented status, in the table's order, then
// the extras.
var steps = []step{
	{"read a book", "GET", "/v1/books/1", "", nil, 200},
	{"create a book", "POST", "/v1/books", `{"id":"2","title":"Go in Practice"}`, nil, 201},
	{"delete it (empty response)", "DELETE", "/v1/books/2", "", nil, 204},
	{"invalid id", "GET", "/v1/books/Bad_Id", "", nil, 400},
	{"private book, no credentials", "GET", "/v1/books/private", "", nil, 401},
	{"private book, wrong user", "GET", "/v1/books/private", "", []string{"Authorization", "Bearer reader"}, 403},
	{"no such book", "GET", "/v1/books/42", "", nil, 404},
	{"wrong method (routing)", "POST", "/v1/books/1", "", nil, 405},
	{"XML asked for (pinned 406)", "GET", "/v1/books/1", "", []string{"Accept", "application/xml"}, 406},
	{"archive proxy wants credentials", "GET", "/v1/books/proxied", "", nil, 407},
	{"upstream call canceled", "GET", "/v1/books/abandoned", "", nil, 408},
	{"create an existing book", "POST", "/v1/books", `{"id":"1","title":"Again"}`, nil, 409},
	{"plain Go error", "GET", "/v1/books/corrupt", "", nil, 500},
	{"unimplemented RPC", "GET", "/v1/books", "", nil, 501},
	{"upstream answered 502 (pinned across the gRPC hop)", "GET", "/v1/books/remote-7", "", nil, 502},
	{"rate limited (RetryInfo)", "GET", "/v1/books/hot", "", nil, 503},
	{"upstream call timed out", "GET", "/v1/books/slow", "", nil, 504},
	// Extras.
	{"problem+json by Accept", "GET", "/v1/books/42", "", []string{"Accept", "application/problem+json"}, 404},
	{"stream fails before its first message", "GET", "/v1/stream/books?fail_with=hot", "", nil, 503},
	{"stream fails after two messages", "GET", "/v1/stream/books?count=2&fail_with=corrupt", "", nil, 200},
	{"private book, owner", "GET", "/v1/books/private", "", []string{"Authorization", "Bearer owner"}, 200},
}

// tour starts the servers, runs the steps, prints a table and returns an
// error if any response differs from what the documented table says.
func tour(ctx context.Context, out io.Writer, steps []step) error {
	srv, err := start("127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.stop()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()

	fmt.Fprintf(out, "statusmap tour: gRPC server on %s, gateway on %s\n\n", srv.grpcAddr, srv.gatewayURL)
	run, err := sendSteps(ctx, out, client, srv.gatewayURL, steps)
	if err != nil {
		return err
	}
	failures := run.failures
	if run.rateLimited != nil {
		showRetryInfo(out, run.rateLimited)
	}
	if run.notFound != nil {
		failures = append(failures, checkCatalogError(out, run.notFound)...)
	}

	if len(failures) > 0 {
		return errors.New("responses differ from the documented table:\n  " + strings.Join(failures, "\n  "))
	}
	fmt.Fprintf(out, "\nall %d responses are what the documented table says.\n", len(steps))
	return nil
}

// stepsRun is what running the steps found: the responses that differ from
// the table, and the two responses the tour reads back afterwards, their
// bodies kept.
type stepsRun struct {
	failures              []string
	rateLimited, notFound *http.Response
}

// sendSteps sends every step and prints its row of the table.
func sendSteps(ctx context.Context, out io.Writer, client *http.Client, base string, steps []step) (stepsRun, error) {
	var run stepsRun
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tREQUEST\tSTATUS\tgRPC CODE\tHEADERS\tBODY")
	for i, s := range steps {
		resp, body, err := send(ctx, client, base, s)
		if err != nil {
			return run, fmt.Errorf("%s %s: %w", s.method, s.path, err)
		}
		mark := "ok"
		if resp.StatusCode != s.want {
			mark = "FAIL"
			run.failures = append(run.failures, fmt.Sprintf("%s %s: got %d; want %d", s.method, s.path, resp.StatusCode, s.want))
		}
		// The first 17 steps are the documented table's rows; the extras
		// after them may answer what the table does not list.
		if s.want >= 400 && i < 17 && !documented(resp.StatusCode) {
			mark = "FAIL"
			run.failures = append(run.failures, fmt.Sprintf("%s %s: %d is not documented", s.method, s.path, resp.StatusCode))
		}
		if s.path == "/v1/books/hot" {
			run.rateLimited = resp
			run.rateLimited.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		if s.path == "/v1/books/42" && run.notFound == nil {
			run.notFound = resp
			run.notFound.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%d %s\t%s\t%s\t%s\n", mark, s.method, s.path, resp.StatusCode, http.StatusText(resp.StatusCode),
			grpcCode(resp, body), interestingHeaders(resp.Header), excerpt(body, 60))
		fmt.Fprintf(tw, "\t  %s\t\t\t\t\n", s.what)
	}
	return run, tw.Flush()
}

// showRetryInfo shows the way back: the 503 read into a gRPC error again.
func showRetryInfo(out io.Writer, rateLimited *http.Response) {
	err := gateway.ErrorFromResponse(rateLimited)
	st := status.Convert(err)
	fmt.Fprintf(out, "\nErrorFromResponse(503 response) = code %v, message %q, HTTPStatusOf %d", st.Code(), st.Message(), statusmap.HTTPStatusOf(err))
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			fmt.Fprintf(out, ", RetryInfo %v", r.GetRetryDelay().AsDuration())
		}
	}
	fmt.Fprintln(out)
}

// checkCatalogError shows the error catalog's side of it: the shelf
// answered with the generated bookshelfv1.ErrorBookNotFound, and a REST
// client recognises it with the generated bookshelfv1.IsBookNotFound, as a
// gRPC client would. It returns the failure when it does not.
func checkCatalogError(out io.Writer, notFound *http.Response) []string {
	err := gateway.ErrorFromResponse(notFound)
	isBookNotFound := bookshelfv1.IsBookNotFound(err)
	fmt.Fprintf(out, "ErrorFromResponse(404 response): bookshelfv1.IsBookNotFound = %v (reason %s, domain %s)\n",
		isBookNotFound, bookshelfv1.ReasonBookNotFound, bookshelfv1.BookshelfErrorDomain)
	if !isBookNotFound {
		return []string{"GET /v1/books/42: ErrorFromResponse's error is not bookshelfv1.IsBookNotFound"}
	}
	return nil
}

func send(ctx context.Context, client *http.Client, base string, s step) (*http.Response, []byte, error) {
	var body io.Reader
	if s.body != "" {
		body = strings.NewReader(s.body)
	}
	req, err := http.NewRequestWithContext(ctx, s.method, base+s.path, body)
	if err != nil {
		return nil, nil, err
	}
	if s.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(s.header); i += 2 {
		req.Header.Set(s.header[i], s.header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, b, err
}

// grpcCode reads the gRPC code back out of an error response.
func grpcCode(resp *http.Response, body []byte) string {
	if resp.StatusCode < 400 {
		return "OK"
	}
	r := *resp
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	return status.Code(ownResponses.ErrorFromResponse(&r)).String()
}

// ownResponses reads back the tour's own gateway's answers. They are this
// client's, not an upstream's: a 401, 405 or 407 is read as it is, not
// folded into a 502 as gateway.ErrorFromResponse does for an upstream.
var ownResponses = func() *gateway.Gateway {
	g, err := gateway.New(gateway.WithUpstreamPassThrough(true))
	if err != nil {
		panic(err)
	}
	return g
}()

// interestingHeaders lists the headers statusmap sets for the status.
func interestingHeaders(h http.Header) string {
	var parts []string
	for _, name := range []string{"Allow", "WWW-Authenticate", "Proxy-Authenticate", "Retry-After"} {
		if v := h.Get(name); v != "" {
			parts = append(parts, name+": "+v)
		}
	}
	if ct := h.Get("Content-Type"); ct == "application/problem+json" {
		parts = append(parts, "Content-Type: "+ct)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

func excerpt(body []byte, n int) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return "(no body)"
	}
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// documented reports whether an HTTP status is a row of statusmap's table.
func documented(httpStatus int) bool {
	for _, e := range statusmap.Documented() {
		if e.HTTPStatus == httpStatus {
			return true
		}
	}
	return false
}
