package gateway_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

type successCase struct {
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

func checkSuccess(t *testing.T, resp response, tc successCase) {
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
		got := jsonOf(t, resp.Body)
		want := jsonOf(t, []byte(tc.wantBody))
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
	for _, tc := range []successCase{
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
			checkSuccess(t, g.do(t, tc.method, tc.path, tc.body), tc)
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
	post := func(status int) successCase {
		return successCase{"POST", "POST", "/v1/books", `{"id":"b1","title":"T"}`, status, `{"id":"b1","title":"T"}`, js}
	}
	del := func(status int) successCase {
		if status == 204 {
			return successCase{"DELETE", "DELETE", "/v1/books/b1", "", 204, "", ""}
		}
		return successCase{"DELETE", "DELETE", "/v1/books/b1", "", status, `{}`, js}
	}
	put := func(title string, status int) successCase {
		body := `{"id":"b1","title":"` + title + `"}`
		return successCase{"PUT " + title, "PUT", "/v1/books/b1", body, status, body, js}
	}
	get := func(status int) successCase {
		return successCase{"GET", "GET", "/v1/books/b1", "", status, `{"id":"b1"}`, js}
	}
	for _, tc := range []struct {
		name  string
		opts  []gateway.Option
		cases []successCase
	}{
		{"WithSuccessByMethod(false)", []gateway.Option{gateway.WithSuccessByMethod(false)},
			[]successCase{post(200), del(200), put("x", 200), put("accepted", 202), get(200)}},
		// true is the default; the last of two is the one that holds.
		{"WithSuccessByMethod(true)", []gateway.Option{gateway.WithSuccessByMethod(true)},
			[]successCase{post(201), del(204), put("x", 200), put("accepted", 202), get(200)}},
		{"WithSuccessByMethod(false) then true", []gateway.Option{gateway.WithSuccessByMethod(false), gateway.WithSuccessByMethod(true)},
			[]successCase{post(201), del(204)}},
		{"WithRPCSuccessStatus", []gateway.Option{gateway.WithRPCSuccessStatus(createBook, 200)},
			[]successCase{post(200), del(204), put("x", 200)}},
		{"WithRPCSuccessStatus without slash", []gateway.Option{gateway.WithRPCSuccessStatus(strings.TrimPrefix(createBook, "/"), 202)},
			[]successCase{post(202)}},
		{"WithSuccessStatus PUT", []gateway.Option{gateway.WithSuccessStatus("PUT", 202)},
			[]successCase{put("x", 202), post(201), del(204)}},
		{"WithSuccessStatus lower-case method", []gateway.Option{gateway.WithSuccessStatus("put", 202)},
			[]successCase{put("x", 202)}},
		{"WithSuccessStatus GET", []gateway.Option{gateway.WithSuccessStatus("GET", 203)},
			[]successCase{get(203)}},
		{"WithSuccessStatus DELETE 200", []gateway.Option{gateway.WithSuccessStatus("DELETE", 200)},
			[]successCase{del(200)}},
		{"RPC beats method", []gateway.Option{gateway.WithSuccessStatus("POST", 202), gateway.WithRPCSuccessStatus(createBook, 200)},
			[]successCase{post(200)}},
		{"SetHTTPStatus beats RPC", []gateway.Option{gateway.WithRPCSuccessStatus(updateBook, 200)},
			[]successCase{put("accepted", 202), put("x", 200)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGateway(t, tc.opts...)
			for _, c := range tc.cases {
				t.Run(c.name, func(t *testing.T) {
					checkSuccess(t, g.do(t, c.method, c.path, c.body), c)
				})
			}
		})
	}
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
	var logs syncBuffer
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
				if got := bodyCode(jsonOf(t, resp.Body)); got != tc.wantCode {
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

// TestFormPostToPostBindingIsCreated: a form POST that a POST binding
// handles answers 201; the binding decides, not the Content-Type.
func TestFormPostToPostBindingIsCreated(t *testing.T) {
	srv := httptest.NewServer(serveOne(t, "POST", &bookshelfv1.Book{Id: "1"}))
	t.Cleanup(srv.Close)
	r := doRequest(t, srv.Client(), "POST", srv.URL+"/v1/things", "", "Content-Type", "application/x-www-form-urlencoded")
	if r.Status != 201 {
		t.Errorf("form POST to a POST binding: %d; want 201", r.Status)
	}
}

// grpc-gateway routes a form POST to a GET binding (its path-length
// fallback): a read must not answer 201.
func TestFormPostFallbackIsNotCreated(t *testing.T) {
	srv := httptest.NewServer(serveOne(t, "GET", wrapperspb.String("list")))
	t.Cleanup(srv.Close)
	r := doRequest(t, srv.Client(), "POST", srv.URL+"/v1/things", "", "Content-Type", "application/x-www-form-urlencoded")
	if r.Status != 200 {
		t.Errorf("form POST to a GET binding: %d; want 200", r.Status)
	}
}

// A DELETE's 204 is decided by the response message, not by the bytes
// written for it: a forward-response rewriter that wraps an empty message
// does not turn it into a 200. WithSuccessStatus("DELETE", 200) keeps the
// rewritten body.
func TestDeleteDecidedByMessage(t *testing.T) {
	mux := serveOne(t, "DELETE", &emptypb.Empty{}, runtime.WithForwardResponseRewriter(func(_ context.Context, resp proto.Message) (any, error) {
		return map[string]any{"data": resp, "requestId": "abc"}, nil
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	r := doRequest(t, srv.Client(), "DELETE", srv.URL+"/v1/things", "")
	if r.Status != 204 || len(r.Body) != 0 {
		t.Errorf("status %d body %q; want 204 without a body", r.Status, r.Body)
	}
	kept := httptest.NewServer(serveOneWith(t, "DELETE", &emptypb.Empty{}, []gateway.Option{gateway.WithSuccessStatus("DELETE", 200)},
		runtime.WithForwardResponseRewriter(func(_ context.Context, resp proto.Message) (any, error) {
			return map[string]any{"data": resp, "requestId": "abc"}, nil
		})))
	t.Cleanup(kept.Close)
	if r := doRequest(t, kept.Client(), "DELETE", kept.URL+"/v1/things", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"requestId":"abc"`) {
		t.Errorf("with WithSuccessStatus(DELETE, 200): status %d body %q; want 200 with the envelope", r.Status, r.Body)
	}
	plain := httptest.NewServer(serveOne(t, "DELETE", &emptypb.Empty{}))
	t.Cleanup(plain.Close)
	if r := doRequest(t, plain.Client(), "DELETE", plain.URL+"/v1/things", ""); r.Status != 204 || len(r.Body) != 0 {
		t.Errorf("without a rewriter: %d %q; want 204 and no body", r.Status, r.Body)
	}
}

// TestDeleteEmptyMessageEveryMarshaler: the same empty response is 204
// whether the marshaler writes "{}" or, with grpc-gateway's default
// EmitUnpopulated, {"rating":0,"format":"BOOK_FORMAT_UNSPECIFIED",...}.
func TestDeleteEmptyMessageEveryMarshaler(t *testing.T) {
	for _, emit := range []bool{true, false} {
		marshaler := runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{}})
		if emit {
			marshaler = runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: jsonEmitUnpopulated()}})
		}
		var msg proto.Message = &bookshelfv1.Review{}
		srv := httptest.NewServer(serveOne(t, "DELETE", msg, marshaler))
		t.Cleanup(srv.Close)
		if r := doRequest(t, srv.Client(), "DELETE", srv.URL+"/v1/things", ""); r.Status != 204 || len(r.Body) != 0 {
			t.Errorf("EmitUnpopulated %v: %d %q; want 204 and no body", emit, r.Status, r.Body)
		}
	}
	full := httptest.NewServer(serveOne(t, "DELETE", &bookshelfv1.Review{Rating: 5}))
	t.Cleanup(full.Close)
	if r := doRequest(t, full.Client(), "DELETE", full.URL+"/v1/things", ""); r.Status != 200 || len(r.Body) == 0 {
		t.Errorf("a message with content: %d %q; want 200 with it", r.Status, r.Body)
	}
}

func jsonEmitUnpopulated() protojson.MarshalOptions {
	return protojson.MarshalOptions{EmitUnpopulated: true}
}

// BenchmarkSuccessRatio alternates the two sides of
// BenchmarkSuccessThroughMux request by request, so that both see the same
// machine, and reports statusmap's time as a multiple of the plain mux's
// (target: at most 1.05).
func BenchmarkSuccessRatio(b *testing.B) {
	plain, ours := benchMux(b), benchMux(b, gateway.ServeMuxOptions()...)
	w := &statusWriter{h: http.Header{}}
	r := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	var tookPlain, tookOurs time.Duration
	first := true
	for b.Loop() {
		// Each side goes first every other time, so that neither gains
		// from the caches the other warmed.
		first = !first
		if first {
			start := time.Now()
			serveBench(plain, w, r)
			tookPlain += time.Since(start)
		}
		start := time.Now()
		serveBench(ours, w, r)
		tookOurs += time.Since(start)
		if !first {
			start := time.Now()
			serveBench(plain, w, r)
			tookPlain += time.Since(start)
		}
	}
	b.ReportMetric(tookOurs.Seconds()/tookPlain.Seconds(), "statusmap/grpc-gateway")
}

// BenchmarkSuccessTax alternates a success through a plain mux and through
// a statusmap mux, both serving the generated handlers of generatedMux,
// request by request, and reports statusmap's time as a multiple of the
// plain mux's (target: at most 1.03) and the allocations of each.
//
//	go test -run '^$' -bench SuccessTax -count 6 ./gateway
func BenchmarkSuccessTax(b *testing.B) {
	plain, ours := generatedMux(b), generatedMux(b, gateway.ServeMuxOptions()...)
	w := &statusWriter{h: http.Header{}}
	r := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	if !succeeded(serveBench(ours, w, r)) || !succeeded(serveBench(plain, w, r)) {
		b.Fatal("not a success")
	}
	allocsPlain := testing.AllocsPerRun(100, func() { serveBench(plain, w, r) })
	allocsOurs := testing.AllocsPerRun(100, func() { serveBench(ours, w, r) })
	var plainTimes, ourTimes samples
	first := true
	for b.Loop() {
		// Each side goes first every other time, so that neither gains
		// from the caches the other warmed.
		first = !first
		if first {
			start := time.Now()
			serveBench(plain, w, r)
			plainTimes.add(time.Since(start))
		}
		start := time.Now()
		serveBench(ours, w, r)
		ourTimes.add(time.Since(start))
		if !first {
			start := time.Now()
			serveBench(plain, w, r)
			plainTimes.add(time.Since(start))
		}
	}
	b.ReportMetric(ourTimes.median()/plainTimes.median(), "statusmap/grpc-gateway")
	b.ReportMetric(ourTimes.total()/plainTimes.total(), "statusmap/grpc-gateway-mean")
	b.ReportMetric(allocsOurs, "statusmap-allocs")
	b.ReportMetric(allocsPlain, "grpc-gateway-allocs")
}

// TestSuccessAllocatesNoMore: a success through generated handlers costs
// a statusmap mux no allocation more than a plain mux.
func TestSuccessAllocatesNoMore(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	plain, ours := generatedMux(t), generatedMux(t, gateway.ServeMuxOptions()...)
	w := &statusWriter{h: http.Header{}}
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/v1/books/7", ""},
		{"GET", "/v1/books", ""},
	} {
		measure := func(mux http.Handler) float64 {
			return testing.AllocsPerRun(100, func() {
				r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
				if code := serveBench(mux, w, r); !succeeded(code) {
					t.Fatalf("%s %s: %d", tc.method, tc.path, code)
				}
			})
		}
		p, o := measure(plain), measure(ours)
		t.Logf("%s %s: statusmap %v allocations, plain mux %v", tc.method, tc.path, o, p)
		if o > p {
			t.Errorf("%s %s: statusmap %v allocations, plain mux %v; want no more", tc.method, tc.path, o, p)
		}
	}
}

// succeeded reports whether serveBench's status is a 200 (0: the body was
// written without WriteHeader).
func succeeded(code int) bool { return code == 0 || code == 200 }
