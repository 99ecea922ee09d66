package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// The helpers of this file are prefixed with bhv so that they cannot clash
// with those of the package's other test files.

// bhvObject decodes a JSON object body.
func bhvObject(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", body, err)
	}
	return m
}

// bhvCode returns the "code" member of a FormatStatus body, or -1.
func bhvCode(m map[string]any) int {
	if c, ok := m["code"].(float64); ok {
		return int(c)
	}
	return -1
}

// bhvDetailTypes returns the @type of each detail of a status object.
func bhvDetailTypes(m map[string]any) []string {
	var types []string
	details, _ := m["details"].([]any)
	for _, d := range details {
		obj, _ := d.(map[string]any)
		typ, _ := obj["@type"].(string)
		types = append(types, typ)
	}
	return types
}

// bhvDetail returns the first detail of a status object whose @type ends in
// name, or nil.
func bhvDetail(m map[string]any, name string) map[string]any {
	details, _ := m["details"].([]any)
	for _, d := range details {
		obj, _ := d.(map[string]any)
		if typ, _ := obj["@type"].(string); strings.HasSuffix(typ, "/"+name) {
			return obj
		}
	}
	return nil
}

// bhvLines splits a newline-delimited stream body into JSON objects.
func bhvLines(t testing.TB, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		out = append(out, bhvObject(t, line))
	}
	return out
}

// --- Routing -----------------------------------------------------------

func TestRoutingUnknownPath(t *testing.T) {
	g := startGateway(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/nope"},
		{"GET", "/v2/books/1"},
		{"GET", "/v1/books/1/extra"},
		{"DELETE", "/v1/stream"},
		{"POST", "/"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			before := g.Service.calls.Load()
			resp := g.do(t, tc.method, tc.path, "")
			if resp.Status != http.StatusNotFound {
				t.Errorf("status = %d; want 404", resp.Status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q; want application/json", ct)
			}
			if allow := resp.Header.Values("Allow"); len(allow) != 0 {
				t.Errorf("Allow = %q; want none on a 404", allow)
			}
			body := bhvObject(t, resp.Body)
			if got := bhvCode(body); got != 5 {
				t.Errorf("body code = %d; want 5 (NotFound); body %s", got, resp.Body)
			}
			if got := body["message"]; got != "Not Found" {
				t.Errorf("body message = %v; want %q", got, "Not Found")
			}
			if got := g.Service.calls.Load(); got != before {
				t.Errorf("backend calls = %d; want %d (a 404 calls nothing)", got, before)
			}
		})
	}
}

func TestRoutingWrongMethod(t *testing.T) {
	g := startGateway(t)
	for _, tc := range []struct {
		method, path, body string
		wantAllow          string
	}{
		{"POST", "/v1/books/42", "", "GET, PUT, PATCH, DELETE"},
		// A body must not reach a probe: no call, same answer.
		{"POST", "/v1/books/42", `{"id":"42"}`, "GET, PUT, PATCH, DELETE"},
		{"OPTIONS", "/v1/books/42", "", "GET, PUT, PATCH, DELETE"},
		{"PUT", "/v1/books", `{"id":"1"}`, "GET, POST"},
		{"DELETE", "/v1/books", "", "GET, POST"},
		{"PATCH", "/v1/books", "", "GET, POST"},
		{"POST", "/v1/stream/books", "", "GET"},
		{"POST", "/v1/books/42:archive", "", "GET, PUT, PATCH, DELETE"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			before := g.Service.calls.Load()
			resp := g.do(t, tc.method, tc.path, tc.body)
			if got := g.Service.calls.Load(); got != before {
				t.Errorf("backend calls = %d; want %d (probing must not call the backend)", got, before)
			}
			if resp.Status != http.StatusMethodNotAllowed {
				t.Fatalf("status = %d; want 405; body %s", resp.Status, resp.Body)
			}
			if got := strings.Join(resp.Header.Values("Allow"), ", "); got != tc.wantAllow {
				t.Errorf("Allow = %q; want %q", got, tc.wantAllow)
			}
			body := bhvObject(t, resp.Body)
			if got := bhvCode(body); got != 12 {
				t.Errorf("body code = %d; want 12 (Unimplemented)", got)
			}
			if got := body["message"]; got != "Method Not Allowed" {
				t.Errorf("body message = %v; want %q", got, "Method Not Allowed")
			}
		})
	}
}

// TestRoutingWrongMethodAllowContainsCollection checks the collection's 405
// by membership, in case the order ever changes.
func TestRoutingWrongMethodAllowContainsCollection(t *testing.T) {
	g := startGateway(t)
	resp := g.do(t, "PUT", "/v1/books", "")
	if resp.Status != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d; want 405", resp.Status)
	}
	allow := map[string]bool{}
	for _, m := range strings.Split(resp.Header.Get("Allow"), ",") {
		allow[strings.TrimSpace(m)] = true
	}
	for _, m := range []string{"GET", "POST"} {
		if !allow[m] {
			t.Errorf("Allow = %q; want it to contain %s", resp.Header.Get("Allow"), m)
		}
	}
	for _, m := range []string{"PUT", "HEAD", "OPTIONS", "DELETE", "PATCH"} {
		if allow[m] {
			t.Errorf("Allow = %q; want it not to contain %s", resp.Header.Get("Allow"), m)
		}
	}
}

// TestRoutingComparedWithPlainGrpcGateway shows the difference the options
// make: grpc-gateway's runtime defaults answer a wrong method with 501 and
// no Allow.
func TestRoutingComparedWithPlainGrpcGateway(t *testing.T) {
	svc := &bookshelf{}
	addr := startBackend(t, svc)
	plain := startMux(t, addr)
	ours := startMux(t, addr, gateway.ServeMuxOptions()...)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)

	for _, tc := range []struct {
		name       string
		url        string
		wantStatus int
		wantAllow  string
	}{
		{"plain grpc-gateway", plain, http.StatusNotImplemented, ""},
		{"statusmap gateway", ours, http.StatusMethodNotAllowed, "GET, PUT, PATCH, DELETE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := doRequest(t, client, "POST", tc.url+"/v1/books/42", "")
			if resp.Status != tc.wantStatus {
				t.Errorf("status = %d; want %d", resp.Status, tc.wantStatus)
			}
			if got := resp.Header.Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q; want %q", got, tc.wantAllow)
			}
			if got := bhvCode(bhvObject(t, resp.Body)); got != 12 {
				t.Errorf("body code = %d; want 12 (both answer Unimplemented)", got)
			}
		})
	}
	if got := svc.calls.Load(); got != 0 {
		t.Errorf("backend calls = %d; want 0", got)
	}
}

// --- Success statuses --------------------------------------------------

type bhvSuccessCase struct {
	name       string
	method     string
	path       string
	body       string
	wantStatus int
	// wantBody: "" means an empty body, "-" means don't care, anything else
	// is compared as JSON after decoding (a subset of members: each listed
	// member must be equal).
	wantBody string
	// wantContentType: "" means the header must be absent.
	wantContentType string
}

func bhvCheckSuccess(t *testing.T, resp response, tc bhvSuccessCase) {
	t.Helper()
	if resp.Status != tc.wantStatus {
		t.Errorf("status = %d; want %d; body %s", resp.Status, tc.wantStatus, resp.Body)
	}
	if got, ok := resp.Header["Content-Type"]; tc.wantContentType == "" && ok {
		t.Errorf("Content-Type = %q; want none", got)
	} else if tc.wantContentType != "" && resp.Header.Get("Content-Type") != tc.wantContentType {
		t.Errorf("Content-Type = %q; want %q", resp.Header.Get("Content-Type"), tc.wantContentType)
	}
	if got := resp.Header.Values("Grpc-Metadata-Statusmap-Http-Status"); len(got) != 0 {
		t.Errorf("Grpc-Metadata-Statusmap-Http-Status = %q; want absent", got)
	}
	switch tc.wantBody {
	case "-":
	case "":
		if len(resp.Body) != 0 {
			t.Errorf("body = %q; want empty", resp.Body)
		}
	default:
		got := bhvObject(t, resp.Body)
		want := bhvObject(t, []byte(tc.wantBody))
		if len(want) == 0 && len(got) != 0 {
			t.Errorf("body = %s; want {}", resp.Body)
		}
		for k, v := range want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				t.Errorf("body[%q] = %v; want %v (body %s)", k, got[k], v, resp.Body)
			}
		}
	}
}

func TestSuccessStatuses(t *testing.T) {
	g := startGateway(t)
	const js = "application/json"
	for _, tc := range []bhvSuccessCase{
		{"POST creates", "POST", "/v1/books", `{"id":"b1","title":"T"}`, 201, `{"id":"b1","title":"T"}`, js},
		{"DELETE empty", "DELETE", "/v1/books/b1", "", 204, "", ""},
		{"DELETE with content", "DELETE", "/v1/books/b1:archive", "", 200, `{"id":"b1","title":"archived"}`, js},
		{"GET", "GET", "/v1/books/b1", "", 200, `{"id":"b1","title":"Title b1"}`, js},
		{"GET collection", "GET", "/v1/books", "", 200, "-", js},
		{"PUT", "PUT", "/v1/books/b1", `{"id":"b1","title":"x"}`, 200, `{"id":"b1","title":"x"}`, js},
		{"PATCH", "PATCH", "/v1/books/b1", `{"id":"b1","title":"x"}`, 200, `{"id":"b1","title":"x"}`, js},
		{"PUT SetHTTPStatus", "PUT", "/v1/books/b1", `{"id":"b1","title":"accepted"}`, 202, `{"id":"b1","title":"accepted"}`, js},
		{"PATCH SetHTTPStatus", "PATCH", "/v1/books/b1", `{"id":"b1","title":"accepted"}`, 202, `{"id":"b1","title":"accepted"}`, js},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bhvCheckSuccess(t, g.do(t, tc.method, tc.path, tc.body), tc)
		})
	}
}

// TestSuccessSetHTTPStatusThenError: a handler that chose 202 and then
// failed answers with the error's status, and its choice does not leak.
func TestSuccessSetHTTPStatusThenError(t *testing.T) {
	g := startGateway(t)
	resp := g.do(t, "PUT", "/v1/books/code-5", `{"id":"code-5","title":"accepted"}`)
	if resp.Status != http.StatusNotFound {
		t.Errorf("status = %d; want 404", resp.Status)
	}
	if got := resp.Header.Values("Grpc-Metadata-Statusmap-Http-Status"); len(got) != 0 {
		t.Errorf("Grpc-Metadata-Statusmap-Http-Status = %q; want absent", got)
	}
}

func TestSuccessStatusOptions(t *testing.T) {
	const (
		js         = "application/json"
		createBook = "/bookshelf.v1.BookshelfService/CreateBook"
		updateBook = "/bookshelf.v1.BookshelfService/UpdateBook"
	)
	post := func(status int) bhvSuccessCase {
		return bhvSuccessCase{"POST", "POST", "/v1/books", `{"id":"b1","title":"T"}`, status, `{"id":"b1","title":"T"}`, js}
	}
	del := func(status int) bhvSuccessCase {
		if status == 204 {
			return bhvSuccessCase{"DELETE", "DELETE", "/v1/books/b1", "", 204, "", ""}
		}
		return bhvSuccessCase{"DELETE", "DELETE", "/v1/books/b1", "", status, `{}`, js}
	}
	put := func(title string, status int) bhvSuccessCase {
		body := `{"id":"b1","title":"` + title + `"}`
		return bhvSuccessCase{"PUT " + title, "PUT", "/v1/books/b1", body, status, body, js}
	}
	get := func(status int) bhvSuccessCase {
		return bhvSuccessCase{"GET", "GET", "/v1/books/b1", "", status, `{"id":"b1"}`, js}
	}
	for _, tc := range []struct {
		name  string
		opts  []gateway.Option
		cases []bhvSuccessCase
	}{
		{"WithSuccessByMethod(false)", []gateway.Option{gateway.WithSuccessByMethod(false)},
			[]bhvSuccessCase{post(200), del(200), put("x", 200), put("accepted", 202), get(200)}},
		// true is the default; the last of two is the one that holds.
		{"WithSuccessByMethod(true)", []gateway.Option{gateway.WithSuccessByMethod(true)},
			[]bhvSuccessCase{post(201), del(204), put("x", 200), put("accepted", 202), get(200)}},
		{"WithSuccessByMethod(false) then true", []gateway.Option{gateway.WithSuccessByMethod(false), gateway.WithSuccessByMethod(true)},
			[]bhvSuccessCase{post(201), del(204)}},
		{"WithRPCSuccessStatus", []gateway.Option{gateway.WithRPCSuccessStatus(createBook, 200)},
			[]bhvSuccessCase{post(200), del(204), put("x", 200)}},
		{"WithRPCSuccessStatus without slash", []gateway.Option{gateway.WithRPCSuccessStatus(strings.TrimPrefix(createBook, "/"), 202)},
			[]bhvSuccessCase{post(202)}},
		{"WithSuccessStatus PUT", []gateway.Option{gateway.WithSuccessStatus("PUT", 202)},
			[]bhvSuccessCase{put("x", 202), post(201), del(204)}},
		{"WithSuccessStatus lower-case method", []gateway.Option{gateway.WithSuccessStatus("put", 202)},
			[]bhvSuccessCase{put("x", 202)}},
		{"WithSuccessStatus GET", []gateway.Option{gateway.WithSuccessStatus("GET", 203)},
			[]bhvSuccessCase{get(203)}},
		{"WithSuccessStatus DELETE 200", []gateway.Option{gateway.WithSuccessStatus("DELETE", 200)},
			[]bhvSuccessCase{del(200)}},
		{"RPC beats method", []gateway.Option{gateway.WithSuccessStatus("POST", 202), gateway.WithRPCSuccessStatus(createBook, 200)},
			[]bhvSuccessCase{post(200)}},
		{"SetHTTPStatus beats RPC", []gateway.Option{gateway.WithRPCSuccessStatus(updateBook, 200)},
			[]bhvSuccessCase{put("accepted", 202), put("x", 200)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGateway(t, tc.opts...)
			for _, c := range tc.cases {
				t.Run(c.name, func(t *testing.T) {
					bhvCheckSuccess(t, g.do(t, c.method, c.path, c.body), c)
				})
			}
		})
	}
}

// TestOptionsValidated: a bad option is an error from New, naming it,
// and a panic from the package-level shortcut; never dropped.
func TestOptionsValidated(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  gateway.Option
	}{
		{"nil option", nil},
		{"format", gateway.WithFormat(gateway.Format(7))},
		{"negative format", gateway.WithFormat(-1)},
		{"success 302", gateway.WithSuccessStatus("POST", 302)},
		{"success 500", gateway.WithSuccessStatus("PUT", 500)},
		{"success bad method", gateway.WithSuccessStatus("PO ST", 201)},
		{"rpc 404", gateway.WithRPCSuccessStatus("/bookshelf.v1.BookshelfService/CreateBook", 404)},
		{"rpc name", gateway.WithRPCSuccessStatus("CreateBook", 201)},
		{"problem type nil", gateway.WithProblemType(nil)},
		{"write error handler nil", gateway.WithWriteErrorHandler(nil)},
		{"no challenges", gateway.WithAuthChallenges()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := gateway.New(tc.opt); err == nil {
				t.Fatal("New accepted a bad option")
			}
			defer func() {
				if recover() == nil {
					t.Error("ServeMuxOptions did not panic on a bad option")
				}
			}()
			gateway.ServeMuxOptions(tc.opt)
		})
	}
	_, err := gateway.New(gateway.WithFormat(9), gateway.WithSuccessStatus("GET", 404))
	if err == nil || !strings.Contains(err.Error(), "WithFormat") || !strings.Contains(err.Error(), "WithSuccessStatus") {
		t.Errorf("New's error does not name every bad option: %v", err)
	}
}

// bhvSyncBuffer is a bytes.Buffer the server's goroutines can log into.
type bhvSyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *bhvSyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *bhvSyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSuccessNoSuperfluousWriteHeader runs every kind of answer through a
// real server whose error log is captured: net/http logs "superfluous
// response.WriteHeader call" when a status is written twice.
func TestSuccessNoSuperfluousWriteHeader(t *testing.T) {
	svc := &bookshelf{}
	addr := startBackend(t, svc)
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, addr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}); err != nil {
		t.Fatal(err)
	}
	var logs bhvSyncBuffer
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ErrorLog = log.New(&logs, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)

	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/v1/books", `{"id":"b1"}`, 201},
		{"POST", "/v1/books", `{"id":"code-6"}`, 409},
		{"POST", "/v1/books", `{not json`, 400},
		{"DELETE", "/v1/books/b1", "", 204},
		{"DELETE", "/v1/books/b1:archive", "", 200},
		{"DELETE", "/v1/books/pin-410", "", 410},
		{"PUT", "/v1/books/b1", `{"id":"b1","title":"accepted"}`, 202},
		{"PUT", "/v1/books/b1", `{"id":"b1"}`, 200},
		{"GET", "/v1/books/b1", "", 200},
		{"GET", "/v1/books/code-5", "", 404},
		{"GET", "/v1/books/challenge", "", 401},
		{"GET", "/v1/nope", "", 404},
		{"POST", "/v1/books/42", "", 405},
		{"GET", "/v1/stream/books?count=2", "", 200},
		{"GET", "/v1/stream/books?count=0&fail_with=code-8", "", 503},
		{"GET", "/v1/stream/books?count=2&fail_with=code-5", "", 200},
		{"GET", "/v1/stream/books?count=0&fail_with=pin-405", "", 405},
	} {
		resp := doRequest(t, client, tc.method, srv.URL+tc.path, tc.body)
		if resp.Status != tc.want {
			t.Errorf("%s %s: status = %d; want %d", tc.method, tc.path, resp.Status, tc.want)
		}
	}
	client.CloseIdleConnections()
	srv.Close() // waits for the handlers, and so for their log lines
	if got := logs.String(); got != "" {
		t.Errorf("server error log = %q; want empty", got)
	}
}

// --- Streams -----------------------------------------------------------

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
			lines := bhvLines(t, resp.Body)
			if len(lines) != 1 {
				t.Fatalf("body has %d lines; want 1 error line: %s", len(lines), resp.Body)
			}
			errObj, _ := lines[0]["error"].(map[string]any)
			if got := bhvCode(errObj); got != tc.wantCode {
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
	lines := bhvLines(t, resp.Body)
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
	if got := bhvCode(errObj); got != 5 {
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
			if got := len(bhvLines(t, resp.Body)); got != count {
				t.Errorf("lines = %d; want %d: %s", got, count, resp.Body)
			}
		})
	}
}

// --- Redaction ---------------------------------------------------------

func TestRedaction(t *testing.T) {
	const leaked = "db password rejected at 10.0.0.3"
	for _, tc := range []struct {
		name        string
		redact      bool
		path        string
		header      []string
		wantStatus  int
		wantMessage string
		wantDebug   bool
	}{
		{"redacted 500", true, "/v1/books/debug", nil, 500, "Internal Server Error", false},
		{"redacted pinned 502", true, "/v1/books/pin-502", nil, 502, "Bad Gateway", false},
		{"redacted 503", true, "/v1/books/code-14", nil, 503, "Service Unavailable", false},
		{"404 kept", true, "/v1/books/code-5", nil, 404, "book code-5", false},
		{"pinned 422 kept", true, "/v1/books/pin-422", nil, 422, "book pin-422", false},
		{"not redacting", false, "/v1/books/debug", nil, 500, leaked, true},
		{"explicitly off", false, "/v1/books/code-13", nil, 500, "book code-13", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGateway(t, gateway.WithRedaction(tc.redact))
			resp := g.do(t, "GET", tc.path, "", tc.header...)
			if resp.Status != tc.wantStatus {
				t.Errorf("status = %d; want %d", resp.Status, tc.wantStatus)
			}
			body := bhvObject(t, resp.Body)
			if got := body["message"]; got != tc.wantMessage {
				t.Errorf("message = %v; want %q", got, tc.wantMessage)
			}
			if tc.redact && bytes.Contains(resp.Body, []byte("10.0.0.3")) {
				t.Errorf("body %s leaks the message", resp.Body)
			}
			if got := bhvDetail(body, "google.rpc.DebugInfo") != nil; got != tc.wantDebug {
				t.Errorf("DebugInfo present = %v; want %v; details %v", got, tc.wantDebug, bhvDetailTypes(body))
			}
			if tc.path == "/v1/books/debug" {
				info := bhvDetail(body, "google.rpc.ErrorInfo")
				if info == nil || info["reason"] != "DB" {
					t.Errorf("ErrorInfo = %v; want one with reason DB; details %v", info, bhvDetailTypes(body))
				}
			}
		})
	}
}

// TestRedactionOtherFormats: every format and the stream path redact.
func TestRedactionOtherFormats(t *testing.T) {
	g := startGateway(t, gateway.WithRedaction(true))
	for _, tc := range []struct {
		name   string
		path   string
		header []string
		// message digs the message out of the body.
		message func(t testing.TB, body []byte) any
	}{
		{"problem by Accept", "/v1/books/debug", []string{"Accept", "application/problem+json"},
			func(t testing.TB, b []byte) any { return bhvObject(t, b)["detail"] }},
		{"stream before first message", "/v1/stream/books?count=0&fail_with=debug", nil,
			func(t testing.TB, b []byte) any {
				lines := bhvLines(t, b)
				if len(lines) == 0 {
					return nil
				}
				e, _ := lines[len(lines)-1]["error"].(map[string]any)
				return e["message"]
			}},
		{"stream after first message", "/v1/stream/books?count=1&fail_with=debug", nil,
			func(t testing.TB, b []byte) any {
				lines := bhvLines(t, b)
				if len(lines) == 0 {
					return nil
				}
				e, _ := lines[len(lines)-1]["error"].(map[string]any)
				return e["message"]
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := g.do(t, "GET", tc.path, "", tc.header...)
			if got := tc.message(t, resp.Body); got != "Internal Server Error" {
				t.Errorf("message = %v; want %q; body %s", got, "Internal Server Error", resp.Body)
			}
			if bytes.Contains(resp.Body, []byte("10.0.0.3")) || bytes.Contains(resp.Body, []byte("DebugInfo")) {
				t.Errorf("body %s leaks the message or DebugInfo", resp.Body)
			}
		})
	}

	// The same status written twice must be redacted twice: redaction must
	// not have changed a status that is shared.
	w := newGateway(gateway.WithRedaction(true))
	for i := range 2 {
		rec := httptest.NewRecorder()
		w.WriteError(rec, nil, bhvDebugError())
		body := bhvObject(t, rec.Body.Bytes())
		if got := body["message"]; got != "Internal Server Error" {
			t.Errorf("write %d: message = %v; want redacted", i, got)
		}
		if bhvDetail(body, "google.rpc.DebugInfo") != nil {
			t.Errorf("write %d: DebugInfo present; want dropped", i)
		}
	}
}

// bhvDebugErr is one error value, reused across writes.
var bhvDebugErr = errorFor(context.Background(), "debug")

func bhvDebugError() error { return bhvDebugErr }

// TestRedactionDoesNotMutateError: writing a redacted response must leave
// the caller's error as it was.
func TestRedactionDoesNotMutateError(t *testing.T) {
	err := errorFor(context.Background(), "debug")
	before := err.Error()
	newGateway(gateway.WithRedaction(true)).WriteError(httptest.NewRecorder(), nil, err)
	if got := err.Error(); got != before {
		t.Errorf("err.Error() = %q after a redacted write; want %q", got, before)
	}
	rec := httptest.NewRecorder()
	gateway.WriteError(rec, nil, err)
	body := bhvObject(t, rec.Body.Bytes())
	if got := body["message"]; got != "db password rejected at 10.0.0.3" {
		t.Errorf("unredacted message after a redacted write = %v; want the original", got)
	}
	if bhvDetail(body, "google.rpc.DebugInfo") == nil {
		t.Errorf("DebugInfo lost from the error after a redacted write; details %v", bhvDetailTypes(body))
	}
}

// --- Concurrency -------------------------------------------------------

// bhvFetch is doRequest for goroutines other than the test's: it returns
// errors rather than calling t.Fatal.
func bhvFetch(client *http.Client, method, url, body string) (int, http.Header, []byte, error) {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

func TestConcurrentRequests(t *testing.T) {
	g := startGateway(t, gateway.WithRedaction(true))
	type request struct {
		method, path, body string
		want               int
		calls              int64 // backend calls the request makes
		header, value      string
	}
	requests := []request{
		{"GET", "/v1/books/b1", "", 200, 1, "", ""},
		{"GET", "/v1/books/code-5", "", 404, 1, "", ""},
		{"GET", "/v1/books/code-8", "", 503, 1, "", ""},
		{"GET", "/v1/books/pin-418", "", 418, 1, "", ""},
		{"GET", "/v1/books/pin-405", "", 405, 1, "", ""},
		{"GET", "/v1/books/allow", "", 405, 1, "Allow", "GET, PUT"},
		{"GET", "/v1/books/challenge", "", 401, 1, "WWW-Authenticate", `Bearer realm="books", error="invalid_token"`},
		{"GET", "/v1/books/retry-2500", "", 503, 1, "Retry-After", "3"},
		{"GET", "/v1/books/debug", "", 500, 1, "", ""},
		{"POST", "/v1/books", `{"id":"c"}`, 201, 1, "", ""},
		{"DELETE", "/v1/books/c", "", 204, 1, "", ""},
		{"DELETE", "/v1/books/c:archive", "", 200, 1, "", ""},
		{"PUT", "/v1/books/c", `{"id":"c","title":"accepted"}`, 202, 1, "", ""},
		{"PATCH", "/v1/books/c", `{"id":"c"}`, 200, 1, "", ""},
		{"POST", "/v1/books/42", "", 405, 0, "Allow", "GET, PUT, PATCH, DELETE"},
		{"PUT", "/v1/books", "", 405, 0, "Allow", "GET, POST"},
		{"GET", "/v1/nope", "", 404, 0, "", ""},
		{"GET", "/v1/stream/books?count=0&fail_with=code-16", "", 401, 1, "WWW-Authenticate", `Bearer realm="api"`},
		{"GET", "/v1/stream/books?count=2&fail_with=code-5", "", 200, 1, "", ""},
		{"GET", "/v1/stream/books?count=0&fail_with=pin-409", "", 409, 1, "", ""},
	}
	const goroutines, perGoroutine = 16, 50
	var wantCalls int64
	for i := range goroutines * perGoroutine {
		wantCalls += requests[i%len(requests)].calls
	}
	before := g.Service.calls.Load()

	var wg sync.WaitGroup
	for w := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perGoroutine {
				rq := requests[(w*perGoroutine+i)%len(requests)]
				status, header, body, err := bhvFetch(g.Client, rq.method, g.URL+rq.path, rq.body)
				if err != nil {
					t.Errorf("%s %s: %v", rq.method, rq.path, err)
					return
				}
				if status != rq.want {
					t.Errorf("%s %s: status = %d; want %d; body %s", rq.method, rq.path, status, rq.want, body)
				}
				if rq.header != "" && header.Get(rq.header) != rq.value {
					t.Errorf("%s %s: %s = %q; want %q", rq.method, rq.path, rq.header, header.Get(rq.header), rq.value)
				}
				if rq.want == 204 && len(body) != 0 {
					t.Errorf("%s %s: body = %q; want empty", rq.method, rq.path, body)
				}
				if bytes.Contains(body, []byte("10.0.0.3")) {
					t.Errorf("%s %s: body %s leaks a redacted message", rq.method, rq.path, body)
				}
			}
		}()
	}
	wg.Wait()
	if got := g.Service.calls.Load() - before; got != wantCalls {
		t.Errorf("backend calls = %d; want %d (routing errors and probes call nothing)", got, wantCalls)
	}
}

// TestSuccessStatusLaterFailure: a success status must not be committed
// before grpc-gateway knows it will send a success. A forward-response
// option installed after ServeMuxOptions, or a response rewriter, may still
// fail the call; the client must then get the error's status, as it does
// from plain grpc-gateway, not 201 or 204 with an error body.
func TestSuccessStatusLaterFailure(t *testing.T) {
	denyOption := runtime.WithForwardResponseOption(func(_ context.Context, _ http.ResponseWriter, msg proto.Message) error {
		if msg == nil {
			return nil
		}
		return status.Error(codes.PermissionDenied, "denied after the call")
	})
	denyRewriter := runtime.WithForwardResponseRewriter(func(_ context.Context, msg proto.Message) (any, error) {
		return nil, status.Error(codes.PermissionDenied, "denied by the rewriter")
	})
	addr := startBackend(t, &bookshelf{})
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	for _, tc := range []struct {
		name       string
		muxOpts    []runtime.ServeMuxOption
		wantStatus int
		wantCode   int
	}{
		{"plain grpc-gateway, option", []runtime.ServeMuxOption{denyOption}, 403, 7},
		// grpc-gateway's own error handler runs the error through the
		// failing rewriter too, and so answers 500.
		{"plain grpc-gateway, rewriter", []runtime.ServeMuxOption{denyRewriter}, 500, 13},
		{"statusmap gateway, option", append(gateway.ServeMuxOptions(), denyOption), 403, 7},
		{"statusmap gateway, rewriter", append(gateway.ServeMuxOptions(), denyRewriter), 403, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := startMux(t, addr, tc.muxOpts...)
			for _, rq := range []struct{ method, path, body string }{
				{"POST", "/v1/books", `{"id":"b1"}`},
				{"DELETE", "/v1/books/b1", ""},
				{"PUT", "/v1/books/b1", `{"id":"b1","title":"accepted"}`},
				{"GET", "/v1/books/b1", ""},
			} {
				resp := doRequest(t, client, rq.method, url+rq.path, rq.body)
				if resp.Status != tc.wantStatus {
					t.Errorf("%s %s: status = %d; want %d; body %q", rq.method, rq.path, resp.Status, tc.wantStatus, resp.Body)
					continue
				}
				if got := bhvCode(bhvObject(t, resp.Body)); got != tc.wantCode {
					t.Errorf("%s %s: body code = %d; want %d", rq.method, rq.path, got, tc.wantCode)
				}
			}
		})
	}
}

// TestSuccess205HasNoContent: RFC 9110 section 15.3.6, a server MUST NOT
// generate content in a 205 response; like a 204, the "{}" grpc-gateway
// writes must be dropped.
func TestSuccess205HasNoContent(t *testing.T) {
	g := startGateway(t, gateway.WithSuccessStatus("DELETE", http.StatusResetContent))
	resp := g.do(t, "DELETE", "/v1/books/b1", "")
	if resp.Status != http.StatusResetContent {
		t.Errorf("status = %d; want 205", resp.Status)
	}
	if len(resp.Body) != 0 {
		t.Errorf("body = %q; want empty (a 205 has no content)", resp.Body)
	}
}

// TestSuccess204WithTrailers: a 204 to a request accepting trailers is
// still a 204 without content, and nothing is logged.
func TestSuccess204WithTrailers(t *testing.T) {
	g := startGateway(t)
	resp := g.do(t, "DELETE", "/v1/books/b1", "", "TE", "trailers")
	if resp.Status != http.StatusNoContent {
		t.Errorf("status = %d; want 204", resp.Status)
	}
	if len(resp.Body) != 0 {
		t.Errorf("body = %q; want empty", resp.Body)
	}
}
