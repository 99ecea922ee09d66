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
		`book 1: gRPC OK "", HTTPStatusOf 200`,
		"gateway: 200 OK",
		// The upstream's 405 (and its Allow) describes the upstream's
		// resource, not the gateway's: it is folded into a 502.
		`book 2: gRPC Unavailable "upstream answered 405 Method Not Allowed: book 2 is read-only", HTTPStatusOf 502`,
		`book 3: gRPC Aborted "book 3 changed meanwhile", HTTPStatusOf 409`,
		"gateway: 409 Conflict",
		`book 4: gRPC Unavailable "502 Bad Gateway", HTTPStatusOf 502`,
		"gateway: 502 Bad Gateway",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
