package gateway_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// loadRequest is one kind of request of the load test, with what its
// response must be. tag makes every request's response its own.
type loadRequest struct {
	method, path, body string
	header             []string
	want               int
	// check inspects the body; tag is the request's unique mark.
	check func(body []byte, tag string) error
}

func wantMessage(body []byte, tag string) error {
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("body is not JSON: %v: %q", err, body)
	}
	if msg, _ := v["message"].(string); !strings.Contains(msg, tag) {
		return fmt.Errorf("message %q is not this request's (%s)", msg, tag)
	}
	return nil
}

func wantJSON(body []byte, _ string) error {
	if !json.Valid(body) {
		return fmt.Errorf("body is not JSON: %q", body)
	}
	return nil
}

func wantBookID(body []byte, tag string) error {
	var v struct{ ID string }
	if err := json.Unmarshal(body, &v); err != nil || !strings.HasSuffix(v.ID, tag) {
		return fmt.Errorf("book %q is not this request's (%s): %v", v.ID, tag, err)
	}
	return nil
}

func wantStreamLines(n int) func([]byte, string) error {
	return func(body []byte, _ string) error {
		lines := 0
		sc := bufio.NewScanner(strings.NewReader(string(body)))
		for sc.Scan() {
			if !json.Valid(sc.Bytes()) {
				return fmt.Errorf("stream line is not JSON: %q", sc.Text())
			}
			lines++
		}
		if lines != n {
			return fmt.Errorf("%d stream lines; want %d", lines, n)
		}
		return nil
	}
}

// loadMix is the mix: successes, errors, pins, streams, routing errors and
// hostile requests. %s in a path is replaced by the request's tag.
var loadMix = []loadRequest{
	{method: "GET", path: "/v1/books/ok-%s", want: 200, check: wantBookID},
	{method: "POST", path: "/v1/books", body: `{"id":"new-%s"}`, want: 201, check: wantBookID},
	{method: "DELETE", path: "/v1/books/gone-%s", want: 204, check: func(b []byte, _ string) error {
		if len(b) != 0 {
			return fmt.Errorf("204 with a body: %q", b)
		}
		return nil
	}},
	{method: "GET", path: "/v1/books/code-5~%s", want: 404, check: wantMessage},
	{method: "GET", path: "/v1/books/code-8~%s", want: 503, check: wantMessage},
	{method: "GET", path: "/v1/books/code-16~%s", want: 401, check: wantMessage},
	{method: "GET", path: "/v1/books/pin-405~%s", want: 405, check: wantMessage},
	{method: "GET", path: "/v1/books/pin-502~%s", want: 502, check: wantMessage},
	{method: "GET", path: "/v1/books/retry-1500", want: 503, check: wantJSON},
	{method: "POST", path: "/v1/books/x-%s", want: 405, check: wantJSON},
	{method: "GET", path: "/v1/nowhere/%s", want: 404, check: wantJSON},
	{method: "GET", path: "/v1/stream/books?count=3", want: 200, check: wantStreamLines(3)},
	{method: "GET", path: "/v1/stream/books?count=0&fail_with=pin-409", want: 409, check: wantStreamLines(1)},
	{method: "GET", path: "/v1/stream/books?count=2&fail_with=code-13", want: 200, check: wantStreamLines(3)},
	// Hostile: headers that try to choose the status or the format, bytes
	// that are not UTF-8, and a body that is not JSON.
	{method: "GET", path: "/v1/books/code-5~%s", header: []string{"Grpc-Metadata-Statusmap-Http-Status", "200", "Accept", "application/problem+json;q=7, */*;q=abc", "TE", "trailers, deflate"}, want: 404, check: wantJSON},
	// grpc-go refuses to marshal a string that is not UTF-8: Internal, 500.
	{method: "GET", path: "/v1/books/%%ff%%fe-%s", want: 500, check: wantJSON},
	{method: "POST", path: "/v1/books", body: `{"id": "%s", "title": `, want: 400, check: wantJSON},
	{method: "PUT", path: "/v1/books/b-%s", body: "\xff\xfe\x00", want: 400, check: wantJSON},
}

// TestLoad drives a real gateway and gRPC server on loopback with 64
// concurrent clients over the mix, checks every response, and then checks
// that no goroutine outlives the servers. It is bounded: a fixed number of
// requests, stopping by itself.
func TestLoad(t *testing.T) {
	// Goroutines already running (other tests' idle connections) are not
	// this test's; its own servers are stopped by the subtest's cleanups,
	// which run before the check.
	before := goleak.IgnoreCurrent()
	const clients = 64
	perClient := 150
	if testing.Short() {
		perClient = 30
	}

	var total, failures atomic.Int64
	t.Run("traffic", func(t *testing.T) {
		g := startGateway(t)
		transport := &http.Transport{MaxIdleConnsPerHost: clients}
		defer transport.CloseIdleConnections()
		client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
		start := time.Now()
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				for i := range perClient {
					tag := fmt.Sprintf("c%d-r%d", c, i)
					rq := loadMix[(c+i)%len(loadMix)]
					err := sendLoad(client, g.URL, rq, tag)
					total.Add(1)
					if err != nil {
						if failures.Add(1) <= 5 {
							t.Errorf("%s %s: %v", rq.method, rq.path, err)
						}
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		t.Logf("load: %d requests from %d clients in %v (%.0f req/s), %d failures",
			total.Load(), clients, elapsed.Round(time.Millisecond), float64(total.Load())/elapsed.Seconds(), failures.Load())
	})
	if failures.Load() != 0 {
		t.Fatalf("%d of %d responses were wrong", failures.Load(), total.Load())
	}
	goleak.VerifyNone(t, before)
}

func sendLoad(client *http.Client, base string, rq loadRequest, tag string) error {
	path := rq.path
	if strings.Contains(path, "%s") {
		path = fmt.Sprintf(path, tag)
	}
	var body io.Reader
	if rq.body != "" {
		b := rq.body
		if strings.Contains(b, "%s") {
			b = fmt.Sprintf(b, tag)
		}
		body = strings.NewReader(b)
	}
	req, err := http.NewRequest(rq.method, base+path, body)
	if err != nil {
		return err
	}
	if rq.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(rq.header); i += 2 {
		req.Header.Set(rq.header[i], rq.header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != rq.want {
		return fmt.Errorf("status %d; want %d (%s)", resp.StatusCode, rq.want, b)
	}
	if resp.StatusCode >= 400 && !isDocumented(resp.StatusCode) && resp.StatusCode != 502 && resp.StatusCode != 409 {
		return fmt.Errorf("status %d is not documented", resp.StatusCode)
	}
	for name, vs := range resp.Header {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				return fmt.Errorf("header %s holds a control byte: %q", name, v)
			}
		}
	}
	return rq.check(b, tag)
}
