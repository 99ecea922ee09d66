package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	shopv1 "example.com/shop/gen/shop/v1"
)

// TestCatalogOverHTTP serves OrderService on loopback, a real gRPC server
// behind statusmap's gateway, and reads its catalog errors back from HTTP.
func TestCatalogOverHTTP(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newGRPCServer()
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h, err := newGateway(ctx, lis.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(h)
	t.Cleanup(web.Close)

	get := func(t *testing.T, path string) (*http.Response, []byte) {
		t.Helper()
		var resp *http.Response
		var err error
		if order, ok := strings.CutPrefix(path, "POST "); ok {
			resp, err = http.Post(web.URL+"/v1/orders", "application/json", strings.NewReader(order))
		} else {
			resp, err = http.Get(web.URL + path)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, body
	}

	t.Run("found", func(t *testing.T) {
		resp, body := get(t, "/v1/orders/42")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, body %s", resp.StatusCode, body)
		}
		var order struct{ ID, Item string }
		if err := json.Unmarshal(body, &order); err != nil || order.Item != "teapot" {
			t.Fatalf("body %s: %v", body, err)
		}
	})

	cases := []struct {
		path   string
		status int
		code   codes.Code
		is     func(error) bool
		isNot  func(error) bool
	}{
		{"/v1/orders/7", http.StatusNotFound, codes.NotFound, shopv1.IsOrderNotFound, shopv1.IsInvalidOrderId},
		{"/v1/orders/x1", http.StatusBadRequest, codes.InvalidArgument, shopv1.IsInvalidOrderId, shopv1.IsOrderNotFound},
		// The catalog's (statusmap.v1.grpc_code) chose AlreadyExists for this 409.
		{`POST {"id":"42","item":"kettle"}`, http.StatusConflict, codes.AlreadyExists, shopv1.IsOrderExists, shopv1.IsOrderNotFound},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			resp, body := get(t, c.path)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, c.status, body)
			}
			err := gateway.ErrorFromResponse(resp)
			if got := status.Code(err); got != c.code {
				t.Errorf("code %v, want %v (%v)", got, c.code, err)
			}
			if !c.is(err) {
				t.Errorf("catalog test false for %v (body %s)", err, body)
			}
			if c.isNot(err) {
				t.Errorf("another reason's test true for %v", err)
			}
		})
	}
}
