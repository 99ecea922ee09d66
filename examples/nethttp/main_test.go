package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"GET /ok        200 OK",
		"GET /missing   404 Not Found",
		"Content-Type: application/problem+json",
		"GET /conflict  409 Conflict",
		`"message":"saving: version mismatch"`,
		"GET /busy      503 Service Unavailable",
		"Retry-After: 2",
		"GET /secret    401 Unauthorized",
		`WWW-Authenticate: Bearer realm="api"`,
		"GET /crash     500 Internal Server Error",
		`"message":"Internal Server Error"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "boom") {
		t.Errorf("a redacted 5xx message leaked:\n%s", out.String())
	}
}
