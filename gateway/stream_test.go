package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestStreamStatusBeforeFirstMessage(t *testing.T) {
	g := startGateway(t)
	for _, tc := range []struct {
		query      string
		wantStatus int
		wantCode   int
		wantHeader map[string]string
	}{
		{"count=0&fail_with=code-8", 503, 8, nil},
		{"count=0&failWith=code-8", 503, 8, nil}, // the JSON name works as well
		{"count=0&fail_with=pin-405", 405, 12, nil},
		{"count=0&fail_with=code-16", 401, 16, map[string]string{"WWW-Authenticate": `Bearer realm="api"`}},
		{"count=0&fail_with=challenge", 401, 16, map[string]string{"WWW-Authenticate": `Bearer realm="books", error="invalid_token"`}},
		{"count=0&fail_with=allow", 405, 12, map[string]string{"Allow": "GET, PUT"}},
		{"count=0&fail_with=retry-1500", 503, 8, map[string]string{"Retry-After": "2"}},
		{"count=0&fail_with=code-5", 404, 5, nil},
		{"count=0&fail_with=pin-418", 418, 2, nil},
		{"fail_with=code-3", 400, 3, nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp := g.do(t, "GET", "/v1/stream/books?"+tc.query, "")
			if resp.Status != tc.wantStatus {
				t.Errorf("status = %d; want %d", resp.Status, tc.wantStatus)
			}
			for k, v := range tc.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q; want %q", k, got, v)
				}
			}
			if tc.wantStatus != 401 && resp.Header.Get("WWW-Authenticate") != "" {
				t.Errorf("WWW-Authenticate = %q; want none", resp.Header.Get("WWW-Authenticate"))
			}
			lines := streamObjects(t, resp.Body)
			if len(lines) != 1 {
				t.Fatalf("body has %d lines; want 1 error line: %s", len(lines), resp.Body)
			}
			errObj, _ := lines[0]["error"].(map[string]any)
			if got := bodyCode(errObj); got != tc.wantCode {
				t.Errorf("error.code = %d; want %d; body %s", got, tc.wantCode, resp.Body)
			}
		})
	}
}

// TestStreamComparedWithPlainGrpcGateway: grpc-gateway answers a stream
// that fails with ResourceExhausted with 429; the documented status is 503.
func TestStreamComparedWithPlainGrpcGateway(t *testing.T) {
	addr := startBackend(t, &bookshelf{})
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	for _, tc := range []struct {
		name string
		url  string
		want int
	}{
		{"plain grpc-gateway", startMux(t, addr), http.StatusTooManyRequests},
		{"statusmap gateway", startMux(t, addr, gateway.ServeMuxOptions()...), http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := doRequest(t, client, "GET", tc.url+"/v1/stream/books?count=0&fail_with=code-8", "")
			if resp.Status != tc.want {
				t.Errorf("status = %d; want %d", resp.Status, tc.want)
			}
		})
	}
}

func TestStreamErrorAfterFirstMessage(t *testing.T) {
	g := startGateway(t)
	resp := g.do(t, "GET", "/v1/stream/books?count=2&fail_with=code-5", "")
	if resp.Status != http.StatusOK {
		t.Errorf("status = %d; want 200 (the status was sent with the first message)", resp.Status)
	}
	lines := streamObjects(t, resp.Body)
	if len(lines) != 3 {
		t.Fatalf("body has %d lines; want 3: %s", len(lines), resp.Body)
	}
	for i := range 2 {
		result, ok := lines[i]["result"].(map[string]any)
		if !ok {
			t.Errorf("line %d = %v; want a result", i, lines[i])
			continue
		}
		if got, want := result["id"], fmt.Sprint(i); got != want {
			t.Errorf("line %d result.id = %v; want %q", i, got, want)
		}
	}
	errObj, ok := lines[2]["error"].(map[string]any)
	if !ok {
		t.Fatalf("line 2 = %v; want an error", lines[2])
	}
	if got := bodyCode(errObj); got != 5 {
		t.Errorf("error.code = %d; want 5", got)
	}
	if got := errObj["message"]; got != "book code-5" {
		t.Errorf("error.message = %v; want %q", got, "book code-5")
	}
}

func TestStreamSuccess(t *testing.T) {
	g := startGateway(t)
	for _, count := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(count), func(t *testing.T) {
			resp := g.do(t, "GET", fmt.Sprintf("/v1/stream/books?count=%d", count), "")
			if resp.Status != http.StatusOK {
				t.Errorf("status = %d; want 200", resp.Status)
			}
			if got := len(streamObjects(t, resp.Body)); got != count {
				t.Errorf("lines = %d; want %d: %s", got, count, resp.Body)
			}
		})
	}
}

// TestStreamErrorHonoursAccept: a stream that fails before its first
// message answers a client that prefers problem+json with a problem
// document, as a unary error would.
func TestStreamErrorHonoursAccept(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/stream/books?count=0&fail_with=code-5", "", "Accept", "application/problem+json")
	if r.Status != 404 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, Content-Type %q; want 404 problem+json (%s)", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	var p struct {
		Status   int    `json:"status"`
		Detail   string `json:"detail"`
		GrpcCode string `json:"grpcCode"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil || p.Status != 404 || p.GrpcCode != "NOT_FOUND" || p.Detail != "book code-5" {
		t.Errorf("body %s (%v)", r.Body, err)
	}
	// Without the preference, grpc-gateway's error chunk, as before.
	r = g.do(t, "GET", "/v1/stream/books?count=0&fail_with=code-5", "")
	if r.Status != 404 || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("without Accept: status %d, Content-Type %q", r.Status, r.Header.Get("Content-Type"))
	}
}

// A stream error whose detail protojson cannot write travels in a stand-in
// ErrorInfo that ErrorFromResponse turns back into the detail.
func TestStreamUnknownDetailRestored(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/stream/books?count=1&fail_with=unknown", "")
	lines := strings.Split(strings.TrimSpace(string(r.Body)), "\n")
	if r.Status != 200 || len(lines) != 2 {
		t.Fatalf("status %d, %d lines: %s", r.Status, len(lines), r.Body)
	}
	got := status.Convert(gateway.ErrorFromResponse(fakeResponse(404, "application/json", lines[1])))
	want := status.Convert(errorFor(context.Background(), "unknown"))
	if !proto.Equal(got.Proto(), want.Proto()) {
		t.Errorf("read back %v; want %v (chunk %s)", got.Proto(), want.Proto(), lines[1])
	}
}
