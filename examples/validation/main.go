// Command validation runs protovalidate end to end behind a statusmap
// gateway: a gRPC server whose requests the real validator
// (buf.build/go/protovalidate) checks in go-grpc-middleware's
// interceptors/protovalidate, and grpc-gateway with statusmap's gateway in
// front of it, on loopback. It is a module of its own so that the
// validator, CEL and go-grpc-middleware stay out of statusmap's go.mod.
//
// Run from this directory:
//
//	go run .                 print a row per request, as the tour does
//	go run . -bodies DIR     add the error bodies, in the three formats, to
//	                         the tour's DIR/cases.json for the clients of
//	                         examples/clients to decode
//
// The tour (examples/tour) cannot show these rows itself: it is in
// statusmap's module, which must not require the validator.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func main() {
	bodies := flag.String("bodies", "", "add the error bodies to `DIR`/cases.json (written by go run ./examples/tour -bodies DIR)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	if *bodies != "" {
		err = writeBodies(ctx, *bodies, os.Stdout)
	} else {
		err = tour(ctx, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "validation:", err)
		os.Exit(1)
	}
}

// tour prints, for each request, what a REST client gets through a gateway
// with WithValidationDetails(statusmap.ValidationReplace): the status, the
// gRPC code and the field errors read back with ErrorFromResponse.
func tour(ctx context.Context, out io.Writer) error {
	srv, err := start(config{gateway: []gateway.Option{gateway.WithValidationDetails(statusmap.ValidationReplace)}})
	if err != nil {
		return err
	}
	defer srv.stop()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	fmt.Fprintf(out, "statusmap validation tour: gRPC server on %s, gateway on %s\n\n", srv.grpcAddr, srv.gatewayURL)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "    REQUEST\tSTATUS\tgRPC CODE\tBadRequest FIELD\tREASON\tDESCRIPTION")
	bad := 0
	rows := append([]request{{what: "a valid order", body: validRequest}}, requests...)
	for _, r := range rows {
		httpStatus, st, err := ask(ctx, client, srv.gatewayURL, r)
		if err != nil {
			return err
		}
		fields := badRequestFields(st)
		mark := "ok"
		if !sameFields(fields, r.fields) {
			mark = "!!"
			bad++
		}
		printRow(tw, mark, r, httpStatus, st.Code(), fields)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d requests did not give the expected field errors", bad)
	}
	fmt.Fprintf(out, "\n%d requests, every field error where expected\n", len(rows))
	return nil
}

// ask posts r's body and reads the answer back as a REST client would,
// with ErrorFromResponse: its HTTP status and its gRPC status (OK for a
// success).
func ask(ctx context.Context, client *http.Client, gatewayURL string, r request) (int, *status.Status, error) {
	resp, body, err := post(ctx, client, gatewayURL, r.body)
	if err != nil {
		return 0, nil, err
	}
	st := status.Convert(gateway.ErrorFromResponse(&http.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(strings.NewReader(string(body)))}))
	if resp.StatusCode < 300 {
		st = status.New(codes.OK, "")
	}
	return resp.StatusCode, st, nil
}

// sameFields reports whether the violations name exactly the JSON paths
// want maps to (protovalidate's paths to the JSON paths the gateway
// writes): each of them, and no more violations than that.
func sameFields(fields []*errdetails.BadRequest_FieldViolation, want map[string]string) bool {
	got := make(map[string]bool)
	for _, f := range fields {
		got[f.GetField()] = true
	}
	for _, w := range want {
		if !got[w] {
			return false
		}
	}
	return len(fields) == len(want)
}

// printRow prints a request's row of the table, a line a field violation.
func printRow(tw io.Writer, mark string, r request, httpStatus int, code codes.Code, fields []*errdetails.BadRequest_FieldViolation) {
	fmt.Fprintf(tw, "%s  %s\t%d %s\t%v\t", mark, r, httpStatus, http.StatusText(httpStatus), code)
	if len(fields) == 0 {
		fmt.Fprintln(tw, "-\t-\t-")
	}
	for i, f := range fields {
		if i > 0 {
			fmt.Fprint(tw, "\t\t\t")
		}
		field := f.GetField()
		if field == "" {
			field = "(the message)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", field, f.GetReason(), f.GetDescription())
	}
}

// badRequestFields are the field violations of st's BadRequest details.
func badRequestFields(st *status.Status) []*errdetails.BadRequest_FieldViolation {
	var out []*errdetails.BadRequest_FieldViolation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			out = append(out, br.GetFieldViolations()...)
		}
	}
	return out
}

// post sends body to POST /v1/orders and reads the whole response.
func post(ctx context.Context, client *http.Client, baseURL, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/v1/orders", strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, b, err
}
