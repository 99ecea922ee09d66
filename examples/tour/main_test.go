package main

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statusmap/statusmap/statusmap"
)

func TestTour(t *testing.T) {
	var out bytes.Buffer
	if err := tour(context.Background(), &out, steps); err != nil {
		t.Fatalf("tour: %v\n%s", err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "all 21 responses are what the documented table says") {
		t.Errorf("no success line:\n%s", text)
	}
	// Every documented status is shown, in a row marked ok.
	for _, e := range statusmap.Documented() {
		row := strconv.Itoa(e.HTTPStatus) + " " + http.StatusText(e.HTTPStatus)
		found := false
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "ok") && strings.Contains(line, row) {
				found = true
			}
		}
		if !found {
			t.Errorf("no ok row with %q", row)
		}
	}
	for _, header := range []string{
		"Allow: GET, PUT, PATCH, DELETE",
		`WWW-Authenticate: Bearer realm="api"`,
		`Proxy-Authenticate: Basic realm="bookshelf-archive"`,
		"Retry-After: 30",
		"Content-Type: application/problem+json",
	} {
		if !strings.Contains(text, header) {
			t.Errorf("no row shows %q", header)
		}
	}
	if !strings.Contains(text, "ErrorFromResponse(503 response) = code ResourceExhausted") {
		t.Errorf("no read-back line:\n%s", text)
	}
	if strings.Contains(text, "FAIL") {
		t.Errorf("a row failed:\n%s", text)
	}
}

// TestTourFailsOnAMismatch: the tour is a smoke test only if a row that
// differs from the table makes it fail.
func TestTourFailsOnAMismatch(t *testing.T) {
	wrong := append([]step(nil), steps[:3]...)
	wrong[1].want = 200 // POST answers 201
	var out bytes.Buffer
	err := tour(context.Background(), &out, wrong)
	if err == nil || !strings.Contains(err.Error(), "got 201; want 200") || !strings.Contains(out.String(), "FAIL") {
		t.Errorf("tour with a wrong row: err %v\n%s", err, out.String())
	}
}

func TestTourServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- serveForever(ctx, "127.0.0.1:0", "127.0.0.1:0", out) }()
	// serveForever prints the curl lines once it listens; then stop it.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "curl -i") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "curl -i"); got != len(steps) {
		t.Errorf("%d curl lines; want %d\n%s", got, len(steps), out.String())
	}
}

// lockedBuffer is written by serveForever's goroutine and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
