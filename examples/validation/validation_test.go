package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	ordersv1 "github.com/statusmap/statusmap/examples/validation/gen/orders/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// decodeBody reads an error body of a format as the status it carries,
// with protojson (this binary links buf.validate's types too).
func decodeBody(t *testing.T, format gateway.Format, body []byte) *spb.Status {
	t.Helper()
	switch format {
	case gateway.FormatGoogle:
		b := &statusmapv1.GoogleErrorBody{}
		if err := protojson.Unmarshal(body, b); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return &spb.Status{Code: int32(codes.InvalidArgument), Message: b.GetError().GetMessage(), Details: b.GetError().GetDetails()}
	case gateway.FormatProblem:
		p := &statusmapv1.Problem{}
		if err := protojson.Unmarshal(body, p); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return &spb.Status{Code: int32(codes.InvalidArgument), Message: p.GetDetail(), Details: p.GetDetails()}
	default:
		sp := &spb.Status{}
		if err := protojson.Unmarshal(body, sp); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return sp
	}
}

// shape is the details' names, a BadRequest's written as its sorted
// fields: "buf.validate.Violations, google.rpc.BadRequest[customerId ...]".
func shape(t *testing.T, details []*anypb.Any) string {
	t.Helper()
	var parts []string
	for _, d := range details {
		name := string(d.MessageName())
		if name == "google.rpc.BadRequest" {
			br := &errdetails.BadRequest{}
			if err := d.UnmarshalTo(br); err != nil {
				t.Fatal(err)
			}
			var fields []string
			for _, fv := range br.GetFieldViolations() {
				if fv.GetReason() == "" || fv.GetDescription() == "" {
					t.Errorf("%q: reason %q, description %q", fv.GetField(), fv.GetReason(), fv.GetDescription())
				}
				fields = append(fields, fv.GetField())
			}
			sort.Strings(fields)
			name += "[" + strings.Join(fields, " ") + "]"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, ", ")
}

// wantFields is a request's BadRequest, as shape writes it.
func wantFields(r request) string {
	var fields []string
	for _, f := range r.fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return "google.rpc.BadRequest[" + strings.Join(fields, " ") + "]"
}

// TestGatewayEndToEnd: the real validator's Violations, through the real
// go-grpc-middleware interceptor and statusmap's gateway, become a
// BadRequest whose fields are the request's JSON paths, in every body
// format and mode, and ErrorFromResponse reads the same details back.
func TestGatewayEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for _, mode := range []statusmap.ValidationDetails{statusmap.ValidationKeep, statusmap.ValidationReplace, statusmap.ValidationOff} {
		for _, format := range bodyFormats {
			t.Run(mode.String()+"/"+format.String(), func(t *testing.T) {
				srv, err := start(config{gateway: []gateway.Option{gateway.WithFormat(format), gateway.WithValidationDetails(mode)}})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.stop()
				for _, r := range requests {
					resp, body, err := post(ctx, client, srv.gatewayURL, r.body)
					if err != nil {
						t.Fatal(err)
					}
					if resp.StatusCode != http.StatusBadRequest {
						t.Fatalf("%s: %d %s", r, resp.StatusCode, body)
					}
					want := map[statusmap.ValidationDetails]string{
						statusmap.ValidationKeep:    "buf.validate.Violations, " + wantFields(r),
						statusmap.ValidationReplace: wantFields(r),
						statusmap.ValidationOff:     "buf.validate.Violations",
					}[mode]
					sp := decodeBody(t, format, body)
					if got := shape(t, sp.GetDetails()); got != want {
						t.Errorf("%s: %s\ndetails %s\nwant    %s", r, body, got, want)
					}
					if !strings.HasPrefix(sp.GetMessage(), "validation error") {
						t.Errorf("%s: message %q", r, sp.GetMessage())
					}
					back := status.Convert(gateway.ErrorFromResponse(&http.Response{
						StatusCode: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(strings.NewReader(string(body))),
					}))
					if back.Code() != codes.InvalidArgument || shape(t, back.Proto().GetDetails()) != want {
						t.Errorf("%s: ErrorFromResponse reads %v %s; want InvalidArgument %s", r, back.Code(), shape(t, back.Proto().GetDetails()), want)
					}
				}
			})
		}
	}
}

// TestInterceptorEndToEnd: statusmap's interceptors with
// WithValidationDetails(ValidationReplace), outside the validator's, give
// a gRPC client the same BadRequest, with the request's JSON names; the
// gateway in front of them adds no second one.
func TestInterceptorEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := start(config{interceptors: []statusmap.Option{statusmap.WithValidationDetails(statusmap.ValidationReplace)}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	conn, err := grpc.NewClient(srv.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	orders := ordersv1.NewOrderServiceClient(conn)
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for _, r := range requests {
		req := &ordersv1.CreateOrderRequest{}
		if err := protojson.Unmarshal([]byte(r.body), req); err != nil {
			t.Fatal(err)
		}
		_, err := orders.CreateOrder(ctx, req)
		st := status.Convert(err)
		if st.Code() != codes.InvalidArgument || shape(t, st.Proto().GetDetails()) != wantFields(r) {
			t.Errorf("%s over gRPC: %v %s; want InvalidArgument %s", r, st.Code(), shape(t, st.Proto().GetDetails()), wantFields(r))
		}

		_, body, err := post(ctx, client, srv.gatewayURL, r.body)
		if err != nil {
			t.Fatal(err)
		}
		if got := shape(t, decodeBody(t, gateway.FormatStatus, body).GetDetails()); got != wantFields(r) {
			t.Errorf("%s through the gateway: %s; want %s", r, got, wantFields(r))
		}
	}
}

// TestValidRequestPasses: the validator lets a valid order through.
func TestValidRequestPasses(t *testing.T) {
	srv, err := start(config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	resp, body, err := post(context.Background(), client, srv.gatewayURL, validRequest)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

// TestTour: the program's rows find every field error where expected.
func TestTour(t *testing.T) {
	var out strings.Builder
	if err := tour(context.Background(), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `labels["Bad \"key\""]`) {
		t.Errorf("no map key row:\n%s", out.String())
	}
}

// TestWriteBodies: the bodies are added to the tour's index, replacing an
// earlier run's, with their fields and the BadRequest in place of the
// Violations.
func TestWriteBodies(t *testing.T) {
	dir := t.TempDir()
	tourCase := `{"format":"status","body":"status/00-404.json"}`
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), []byte("["+tourCase+"]"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for range 2 {
		if err := writeBodies(ctx, dir, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []bodyCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(bodyFormats)*len(requests); len(cases) != want {
		t.Fatalf("%d cases, want %d", len(cases), want)
	}
	for _, c := range cases[1:] {
		if strings.Join(c.DetailTypes, ",") != "type.googleapis.com/google.rpc.BadRequest" || len(c.Fields) == 0 {
			t.Errorf("%s: details %v, fields %v", c.Body, c.DetailTypes, c.Fields)
		}
		if _, err := os.Stat(filepath.Join(dir, c.Body)); err != nil {
			t.Error(err)
		}
	}
}
