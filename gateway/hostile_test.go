package gateway_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
)

// TestHugeInputs gives the handler a 10 MiB message and 10,000 details:
// every byte and every detail is written, and nothing reaches a header.
func TestHugeInputs(t *testing.T) {
	msg := strings.Repeat("m\r\n", 10<<20/3)
	details := make([]*anypb.Any, 10000)
	for i := range details {
		a, err := anypb.New(&errdetails.ErrorInfo{Reason: "R", Metadata: map[string]string{"i": strings.Repeat("x", i%7)}})
		if err != nil {
			t.Fatal(err)
		}
		details[i] = a
	}
	methods := make([]string, 5000)
	for i := range methods {
		methods[i] = fmt.Sprintf("M%d", i)
	}
	pin, _ := anypb.New(&statusmapv1.HttpStatus{Code: 405, AllowedMethods: methods})
	details = append(details, pin)
	err := status.FromProto(&spb.Status{Code: int32(codes.Unimplemented), Message: msg, Details: details}).Err()
	for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x", nil)
		errorHandler(gateway.WithFormat(format))(req.Context(), runtime.NewServeMux(), &runtime.JSONPb{}, rec, req, err)
		if rec.Code != 405 {
			t.Errorf("%v: status %d", format, rec.Code)
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: %v", format, err)
		}
		// Every detail but the pin, which the status line and Allow carry.
		if got := len(findDetails(body)); got != len(details)-1 {
			t.Errorf("%v: %d details; want %d", format, got, len(details)-1)
		}
		if allow := strings.Split(rec.Header().Get("Allow"), ", "); len(allow) != 16 || allow[0] != "M0" {
			t.Errorf("%v: Allow lists %d methods starting %q; want the first 16", format, len(allow), allow[0])
		}
		for name, vs := range rec.Header() {
			for _, v := range vs {
				if len(v) > 4096 {
					t.Errorf("%v: header %s is %d bytes", format, name, len(v))
				}
			}
		}
	}

	// A 401 pinning a thousand challenges of a hundred long parameters:
	// the header stays within 16 challenges and 4 KiB.
	challenges := make([]*statusmapv1.AuthChallenge, 1000)
	for i := range challenges {
		params := make([]*statusmapv1.AuthParam, 100)
		for j := range params {
			params[j] = &statusmapv1.AuthParam{Name: fmt.Sprintf("p%d", j), Value: strings.Repeat("v", 40)}
		}
		challenges[i] = &statusmapv1.AuthChallenge{Scheme: fmt.Sprintf("S%d", i), Params: params}
	}
	rec := httptest.NewRecorder()
	gateway.WriteError(rec, nil, statusmap.NewPinned(&statusmapv1.HttpStatus{Code: 401, Challenges: challenges}, "who?").Err())
	got := rec.Header().Get("WWW-Authenticate")
	if len(got) == 0 || len(got) > 4096 || strings.Count(got, "p0=") > 16 || !strings.HasPrefix(got, "S0 p0=") {
		t.Errorf("WWW-Authenticate is %d bytes with %d challenges: %.80q...", len(got), strings.Count(got, "p0="), got)
	}
}

// TestDetailsScaleLinearly: ten times the details cost about ten times the
// allocations, not a hundred.
func TestDetailsScaleLinearly(t *testing.T) {
	withDetails := func(n int) error {
		details := make([]*anypb.Any, n)
		for i := range details {
			a, err := anypb.New(&errdetails.ErrorInfo{Reason: fmt.Sprint("R", i)})
			if err != nil {
				t.Fatal(err)
			}
			details[i] = a
		}
		return status.FromProto(&spb.Status{Code: int32(codes.Internal), Message: "m", Details: details}).Err()
	}
	ew := newGateway()
	allocs := func(err error) float64 {
		w := httptest.NewRecorder()
		return testing.AllocsPerRun(3, func() {
			w.Body.Reset()
			ew.WriteError(w, nil, err)
		})
	}
	small, large := allocs(withDetails(1000)), allocs(withDetails(10000))
	if ratio := large / small; ratio > 12 {
		t.Errorf("10x the details cost %.1fx the allocations (%v vs %v)", ratio, large, small)
	}
}

// TestClientCannotChooseStatus sends requests that try to pick their own
// status or headers; the response follows the error alone.
func TestClientCannotChooseStatus(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/code-5", "",
		"Grpc-Metadata-Statusmap-Http-Status", "200",
		"X-HTTP-Method-Override", "DELETE",
		"Accept", "application/problem+json; q=2",
		"TE", "trailers")
	if r.Status != 404 {
		t.Errorf("status %d; want 404", r.Status)
	}
	r = g.do(t, "PUT", "/v1/books/b2", `{"id":"b2","title":"x"}`, "Grpc-Metadata-Statusmap-Http-Status", "202")
	if r.Status != 200 {
		t.Errorf("a client header chose the success status: %d", r.Status)
	}
	if got := statusmap.HTTPStatusOf(status.Error(codes.NotFound, "x")); got != 404 {
		t.Fatal(got)
	}
}
