package gateway_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	statuspb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The tests in this file run grpc-gateway v2.33.0's own error-handling test
// cases (runtime/errors_test.go, the routing cases of runtime/mux_test.go,
// the header and trailer matcher tests of runtime/handler_test.go) on two
// real muxes side by side: runtime.NewServeMux() with grpc-gateway's
// defaults, and runtime.NewServeMux(gateway.ServeMuxOptions()...) with the
// case's own mux options given after statusmap's. The cases (inputs and
// grpc-gateway's expectations) are carried over as facts; each subtest is
// named after the grpc-gateway test it comes from. A few cases marked
// "extra" are not in grpc-gateway's tests: they reach the rows where
// statusmap differs by design, so that every difference is listed here.
//
// For every case the two answers must agree, by meaning, in body, in the
// headers forwarded from metadata and in trailers, and in status, except
// where a case lists a difference by design (designDiff). A listed difference
// must be real: a case that lists one grpc-gateway shares fails, so the list
// cannot go stale. The differences by design are:
//
//   - a routing 405 (and any 405) is 405 with Allow, not 501 without;
//   - Canceled is 408, not 499, and ResourceExhausted 503, not 429
//     (statusmap's documented table);
//   - a 401's WWW-Authenticate is a valid challenge, not the status message;
//   - a RetryInfo detail becomes Retry-After;
//   - a pinned status answers with its pinned HTTP status, and the pin
//     (statusmap.v1.HttpStatus) is left out of the body, where grpc-gateway
//     copies it (withoutPins);
//   - binary ("-bin") metadata is forwarded in base64 without padding, where
//     grpc-gateway writes the raw bytes;
//   - the mux's WithForwardResponseRewriter is not applied to error bodies
//     (README, "One grpc-gateway hook is not applied to error bodies");
//   - a plain Go error (not a status) is answered with the status text of
//     its HTTP status, not its own text, which may hold internals
//     (statusmap's secure default; WithRules(statusmap.WithErrorText(true))
//     restores grpc-gateway's answer).

// muxAnswer is one mux's response, as a client would read it.
type muxAnswer struct {
	status  int
	header  http.Header
	trailer http.Header
	body    []byte
}

// recordAnswer runs serve on a recorder and returns what a client would read:
// the header as it was when the status was sent, and the trailers.
func recordAnswer(serve func(w http.ResponseWriter)) muxAnswer {
	rec := httptest.NewRecorder()
	serve(rec)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	return muxAnswer{status: resp.StatusCode, header: resp.Header, trailer: resp.Trailer, body: body}
}

// designDiff lists where statusmap answers differently from grpc-gateway by
// design, for one case.
type designDiff struct {
	// status is statusmap's status; 0 means grpc-gateway's.
	status int
	// headers are statusmap's values of the headers that differ (nil for a
	// header statusmap does not write).
	headers map[string][]string
	// pinned says grpc-gateway's body carries statusmap's pin, which
	// statusmap leaves out of its body.
	pinned bool
	// body, when set, is statusmap's body (JSON), which differs from
	// grpc-gateway's by design.
	body string
	// rawBinary says statusmap's middleware did not see the response (a
	// success forwarded outside a routed request), so binary metadata goes
	// out as grpc-gateway writes it.
	rawBinary bool
}

// hopByHop are headers that only a server's framing reads: a recorder
// keeps them as handlers set them, a real server rewrites them. The
// comparison ignores them; they are not part of what the handlers decide.
// Date is the server's clock.
var hopByHop = map[string]bool{"Transfer-Encoding": true, "Date": true}

// comparePeers fails t unless ours agrees with theirs, by meaning, except
// for the differences diff lists. theirStatus is the status grpc-gateway's
// own test expects of grpc-gateway.
func comparePeers(t *testing.T, theirs, ours muxAnswer, theirStatus int, diff designDiff) {
	t.Helper()
	if theirs.status != theirStatus {
		t.Errorf("grpc-gateway answered %d; its own test expects %d (the case no longer holds)", theirs.status, theirStatus)
	}
	wantStatus := theirStatus
	if diff.status != 0 {
		wantStatus = diff.status
		if diff.status == theirStatus {
			t.Errorf("status %d listed as a difference, but grpc-gateway answers it too", diff.status)
		}
	}
	if ours.status != wantStatus {
		t.Errorf("status %d; want %d (grpc-gateway %d)", ours.status, wantStatus, theirs.status)
	}

	names := map[string]bool{}
	for name := range theirs.header {
		names[name] = true
	}
	for name := range ours.header {
		names[name] = true
	}
	for name := range diff.headers {
		names[http.CanonicalHeaderKey(name)] = true
	}
	for name := range names {
		if hopByHop[name] {
			continue
		}
		if name == "Content-Length" && !bytes.Equal(ours.body, theirs.body) {
			// Bodies equal by meaning need not be equal in bytes: protojson
			// varies its whitespace from one build to the next. The length
			// need only be the body's own.
			if got := ours.header.Get(name); got != "" && got != strconv.Itoa(len(ours.body)) {
				t.Errorf("Content-Length %s for a %d-byte body", got, len(ours.body))
			}
			continue
		}
		got, their := headerValues(ours.header, name), headerValues(theirs.header, name)
		if want, listed := diff.headers[name]; listed {
			if !slices.Equal(got, want) {
				t.Errorf("header %s = %q; want %q (grpc-gateway %q)", name, got, want, their)
			}
			if slices.Equal(got, their) {
				t.Errorf("header %s listed as a difference, but grpc-gateway writes it too: %q", name, their)
			}
			continue
		}
		if want := binaryHeaderValues(name, their, diff.rawBinary); !slices.Equal(got, want) {
			t.Errorf("header %s = %q; grpc-gateway %q", name, got, their)
		}
	}
	if len(ours.trailer) != len(theirs.trailer) {
		t.Errorf("trailers %v; grpc-gateway %v", ours.trailer, theirs.trailer)
	}
	for name, their := range theirs.trailer {
		if got, want := headerValues(ours.trailer, name), binaryHeaderValues(name, their, diff.rawBinary); !slices.Equal(got, want) {
			t.Errorf("trailer %s = %q; grpc-gateway %q", name, got, their)
		}
	}

	comparePeerBodies(t, theirs.body, ours.body, diff)
}

// headerValues returns a header's values; a Trailer announcement's names are
// sorted, as grpc-gateway announces them in map order.
func headerValues(h http.Header, name string) []string {
	values := slices.Clone(h.Values(name))
	if name == "Trailer" {
		slices.Sort(values)
	}
	return values
}

// binaryHeaderValues returns the values statusmap writes for grpc-gateway's values
// of a forwarded field: binary ("-bin") metadata in base64 without padding
// (gRPC's own mapping; grpc-gateway writes raw bytes, which Go's HTTP client
// refuses), anything else as it is. With raw, statusmap did not see the
// response and writes what grpc-gateway writes.
func binaryHeaderValues(name string, values []string, raw bool) []string {
	if raw || !strings.HasSuffix(strings.ToLower(name), "-bin") {
		return values
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = base64.RawStdEncoding.EncodeToString([]byte(v))
	}
	return out
}

// comparePeerBodies compares two bodies by meaning when both are JSON, by
// bytes otherwise (a handler's own text, a protobuf body).
func comparePeerBodies(t *testing.T, theirs, ours []byte, diff designDiff) {
	t.Helper()
	var their, got any
	theirJSON := json.Unmarshal(theirs, &their) == nil
	oursJSON := json.Unmarshal(ours, &got) == nil
	if diff.body != "" {
		var want any
		if err := json.Unmarshal([]byte(diff.body), &want); err != nil {
			t.Fatalf("the case's body is not JSON: %v", err)
		}
		if !oursJSON || !reflect.DeepEqual(got, want) {
			t.Errorf("body %s; want %s (grpc-gateway %s)", ours, diff.body, theirs)
		}
		if theirJSON && reflect.DeepEqual(their, want) {
			t.Errorf("body listed as a difference, but grpc-gateway writes it too: %s", theirs)
		}
		return
	}
	if !theirJSON || !oursJSON {
		if string(ours) != string(theirs) {
			t.Errorf("body %q; grpc-gateway %q", ours, theirs)
		}
		return
	}
	if diff.pinned {
		m, _ := their.(map[string]any)
		before := fmt.Sprint(m["details"])
		if withoutPins(m); fmt.Sprint(m["details"]) == before {
			t.Errorf("case marked pinned, but grpc-gateway's body has no pin: %s", theirs)
		}
	}
	if !reflect.DeepEqual(got, their) {
		t.Errorf("body differs by meaning\n got %s\nwant %s", ours, theirs)
	}
}

// plainAndOurMux returns grpc-gateway's mux and statusmap's, each with the
// case's options (after statusmap's, as a user would give them).
func plainAndOurMux(extra ...runtime.ServeMuxOption) (theirs, ours *runtime.ServeMux) {
	return runtime.NewServeMux(extra...), runtime.NewServeMux(append(gateway.ServeMuxOptions(), extra...)...)
}

// errorComparison is one error given to runtime.HTTPError.
type errorComparison struct {
	name      string
	err       error
	marshaler runtime.Marshaler
	muxOpts   []runtime.ServeMuxOption
	md        *runtime.ServerMetadata
	// status is grpc-gateway's status for the error.
	status int
	diff   designDiff
}

func statusErrorWith(t *testing.T, c codes.Code, msg string, details ...proto.Message) error {
	t.Helper()
	sp := status.New(c, msg).Proto()
	for _, d := range details {
		a, err := anypb.New(d)
		if err != nil {
			t.Fatal(err)
		}
		sp.Details = append(sp.Details, a)
	}
	return status.FromProto(sp).Err()
}

// errorComparisons are runtime/errors_test.go's TestDefaultHTTPError, and the
// extra cases that reach every row of grpc-gateway's HTTPStatusFromCode.
func errorComparisons(t *testing.T) []errorComparison {
	jsonpb := func() runtime.Marshaler { return &runtime.JSONPb{} }
	rewriter := runtime.WithForwardResponseRewriter(func(_ context.Context, response proto.Message) (any, error) {
		if s, ok := response.(*statuspb.Status); ok && strings.HasPrefix(s.Message, "example") {
			return &statuspb.Status{Code: s.Code, Message: "bad request: " + s.Message, Details: s.Details}, nil
		}
		return response, nil
	})
	cases := []errorComparison{
		{
			name: "TestDefaultHTTPError/0_plain_error", err: errors.New("example error"), marshaler: jsonpb(), status: 500,
			diff: designDiff{body: `{"code":2,"message":"Internal Server Error"}`},
		},
		{name: "TestDefaultHTTPError/1_not_found", err: status.Error(codes.NotFound, "no such resource"), marshaler: jsonpb(), status: 404},
		{
			name:      "TestDefaultHTTPError/2_details",
			err:       statusErrorWith(t, codes.FailedPrecondition, "failed precondition", &errdetails.PreconditionFailure{}),
			marshaler: jsonpb(), status: 400,
		},
		{
			name: "TestDefaultHTTPError/3_custom_marshaler", err: errors.New("example error"), marshaler: &customTypeMarshaler{&runtime.JSONPb{}}, status: 500,
			diff: designDiff{body: `{"code":2,"message":"Internal Server Error"}`},
		},
		{
			name: "TestDefaultHTTPError/4_HTTPStatusError_405",
			err: &runtime.HTTPStatusError{
				HTTPStatus: http.StatusMethodNotAllowed,
				Err:        status.Error(codes.Unimplemented, http.StatusText(http.StatusMethodNotAllowed)),
			},
			marshaler: jsonpb(), status: 405,
			// The mux routes no method for the request's (empty) path, so
			// Allow is empty: RFC 9110 section 10.2.1 requires the field on
			// every 405, and an empty one says no method is allowed.
			diff: designDiff{headers: map[string][]string{"Allow": {""}}},
		},
		{
			name: "TestDefaultHTTPError/5_forward_response_rewriter",
			err:  status.Error(codes.InvalidArgument, "example error"), marshaler: jsonpb(), status: 400,
			muxOpts: []runtime.ServeMuxOption{rewriter},
			// The rewriter is not applied to error bodies (README): the body is
			// the one grpc-gateway writes without it.
			diff: designDiff{body: `{"code":3,"message":"example error"}`},
		},
	}

	// grpc-gateway's HTTPStatusFromCode, every row, with the mux's default
	// marshaler (EmitUnpopulated), as a generated handler calls HTTPError.
	theirStatus := map[codes.Code]int{
		codes.Canceled: 499, codes.Unknown: 500, codes.InvalidArgument: 400, codes.DeadlineExceeded: 504,
		codes.NotFound: 404, codes.AlreadyExists: 409, codes.PermissionDenied: 403, codes.ResourceExhausted: 429,
		codes.FailedPrecondition: 400, codes.Aborted: 409, codes.OutOfRange: 400, codes.Unimplemented: 501,
		codes.Internal: 500, codes.Unavailable: 503, codes.DataLoss: 500, codes.Unauthenticated: 401,
		codes.Code(42): 500,
	}
	for c := codes.Canceled; c <= codes.Code(42); c++ {
		want, ok := theirStatus[c]
		if !ok {
			continue
		}
		tc := errorComparison{
			name:      "extra/HTTPStatusFromCode/" + c.String(),
			err:       status.Error(c, "the "+c.String()+" message"),
			marshaler: newCustomTypeMarshaler(),
			status:    want,
		}
		switch c {
		case codes.Canceled:
			tc.diff.status = http.StatusRequestTimeout
		case codes.ResourceExhausted:
			tc.diff.status = http.StatusServiceUnavailable
		case codes.Unauthenticated:
			tc.diff.headers = map[string][]string{"Www-Authenticate": {`Bearer realm="api"`}}
		}
		cases = append(cases, tc)
	}

	md := runtime.ServerMetadata{
		HeaderMD:  metadata.Pairs("x-request-id", "req-7", "trace-bin", "\x00\x01raw\xff"),
		TrailerMD: metadata.Pairs("x-trailer", "t-1"),
	}
	cases = append(cases,
		errorComparison{
			name: "extra/retry_info",
			err: statusErrorWith(t, codes.ResourceExhausted, "quota exceeded",
				&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "example.com", Metadata: map[string]string{"limit": "10"}},
				&errdetails.RetryInfo{RetryDelay: durationpb.New(30_000_000_000)}),
			marshaler: newCustomTypeMarshaler(), status: 429,
			diff: designDiff{status: 503, headers: map[string][]string{"Retry-After": {"30"}}},
		},
		errorComparison{
			name:      "extra/pinned_502",
			err:       statusmap.Error(http.StatusBadGateway, "upstream down"),
			marshaler: newCustomTypeMarshaler(), status: 503,
			diff: designDiff{status: 502, pinned: true},
		},
		errorComparison{
			name:      "extra/metadata",
			err:       status.Error(codes.NotFound, "no book"),
			marshaler: newCustomTypeMarshaler(), md: &md, status: 404,
		},
	)
	return cases
}

func TestPeerCases(t *testing.T) {
	t.Run("errors", func(t *testing.T) {
		for _, tc := range errorComparisons(t) {
			for _, te := range []string{"", "trailers"} {
				name := tc.name
				if te != "" {
					if tc.md == nil {
						continue
					}
					name += "/TE_trailers"
				}
				t.Run(name, func(t *testing.T) {
					theirMux, ourMux := plainAndOurMux(tc.muxOpts...)
					answer := func(mux *runtime.ServeMux) muxAnswer {
						return recordAnswer(func(w http.ResponseWriter) {
							ctx := context.Background()
							if tc.md != nil {
								ctx = runtime.NewServerMetadataContext(ctx, *tc.md)
							}
							// As TestDefaultHTTPError does: an empty request.
							r, _ := http.NewRequestWithContext(ctx, "", "", nil)
							if te != "" {
								r.Header.Set("TE", te)
							}
							runtime.HTTPError(ctx, mux, tc.marshaler, w, r, tc.err)
						})
					}
					comparePeers(t, answer(theirMux), answer(ourMux), tc.status, tc.diff)
				})
			}
		}
	})

	t.Run("stream", func(t *testing.T) {
		// runtime/errors_test.go's TestHTTPStreamError. Its mux sets
		// runtime.DefaultStreamErrorHandler, grpc-gateway's default, so
		// grpc-gateway's side is the default mux.
		for _, tc := range []struct {
			name string
			err  error
			body string
			diff designDiff
		}{
			{
				"TestHTTPStreamError/Simple_error", errors.New("simple error"), `{"error":{"code":2,"message":"simple error"}}`,
				designDiff{body: `{"error":{"code":2,"message":"Internal Server Error"}}`},
			},
			{"TestHTTPStreamError/Invalid_request_error", status.Error(codes.InvalidArgument, "invalid request"), `{"error":{"code":3,"message":"invalid request"}}`, designDiff{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				theirMux, ourMux := plainAndOurMux()
				answer := func(mux *runtime.ServeMux) muxAnswer {
					return recordAnswer(func(w http.ResponseWriter) {
						r := httptest.NewRequest("GET", "/", nil)
						runtime.HTTPStreamError(r.Context(), mux, &runtime.JSONPb{}, w, r, tc.err)
					})
				}
				theirs, ours := answer(theirMux), answer(ourMux)
				if string(theirs.body) != tc.body {
					t.Errorf("grpc-gateway wrote %s; its own test expects %s", theirs.body, tc.body)
				}
				comparePeers(t, theirs, ours, http.StatusOK, tc.diff)
			})
		}
	})

	t.Run("routing", func(t *testing.T) {
		for _, tc := range routingComparisons() {
			t.Run(tc.name, func(t *testing.T) {
				theirMux, ourMux := plainAndOurMux(tc.muxOpts...)
				for _, mux := range []*runtime.ServeMux{theirMux, ourMux} {
					for _, route := range tc.routes {
						method, pattern, _ := strings.Cut(route, " ")
						if err := mux.HandlePath(method, pattern, func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
							_, _ = io.WriteString(w, route)
						}); err != nil {
							t.Fatalf("HandlePath(%q, %q): %v", method, pattern, err)
						}
					}
				}
				var theirs, ours muxAnswer
				if tc.inProcess {
					theirs, ours = tc.serve(theirMux), tc.serve(ourMux)
				} else {
					theirs, ours = tc.send(t, theirMux), tc.send(t, ourMux)
				}
				if tc.body != "" && !sameJSON(theirs.body, tc.body) {
					t.Errorf("grpc-gateway wrote %s; its own test expects %s", theirs.body, tc.body)
				}
				comparePeers(t, theirs, ours, tc.status, tc.diff)
			})
		}
	})

	t.Run("matchers", func(t *testing.T) {
		for _, tc := range matcherComparisons() {
			for _, outcome := range []string{"success", "error"} {
				for _, drive := range []string{"direct", "routed"} {
					t.Run(tc.name+"/"+outcome+"/"+drive, func(t *testing.T) {
						runMatcherComparison(t, tc, outcome == "error", drive == "routed")
					})
				}
			}
		}
	})
}

// sameJSON reports whether a body is want, by meaning when both are
// JSON.
func sameJSON(body []byte, want string) bool {
	var a, b any
	if json.Unmarshal(body, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return string(body) == want
	}
	return reflect.DeepEqual(a, b)
}

// routingComparison is one request to a mux with HandlePath routes, each
// answering with its own "METHOD pattern".
type routingComparison struct {
	name    string
	routes  []string // "METHOD pattern"
	muxOpts []runtime.ServeMuxOption
	method  string
	path    string
	rawPath string // replaces the RawPath net/url derives from path
	header  map[string]string
	// inProcess serves the request with mux.ServeHTTP, for a request no
	// client can send (a malformed escape, an empty path), as grpc-gateway's
	// test does; the others go over loopback to a real server.
	inProcess bool
	// status and body are grpc-gateway's, as its own test expects them
	// (body only where the test checks it).
	status int
	body   string
	diff   designDiff
}

// serve answers the request in process, on a recorder.
func (tc routingComparison) serve(mux *runtime.ServeMux) muxAnswer {
	return recordAnswer(func(w http.ResponseWriter) {
		r := httptest.NewRequest(tc.method, "https://host.example"+tc.path, nil)
		for name, value := range tc.header {
			r.Header.Set(name, value)
		}
		if tc.rawPath != "" {
			r.URL.RawPath = tc.rawPath
		}
		mux.ServeHTTP(w, r)
	})
}

// send answers the request from a real server over loopback.
func (tc routingComparison) send(t *testing.T, mux *runtime.ServeMux) muxAnswer {
	t.Helper()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	r, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range tc.header {
		r.Header.Set(name, value)
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return muxAnswer{status: resp.StatusCode, header: resp.Header, trailer: resp.Trailer, body: body}
}

// diff405 is statusmap's answer where grpc-gateway answers a wrong method on
// a known path with 501 and no Allow.
func diff405(allow string) designDiff {
	return designDiff{status: http.StatusMethodNotAllowed, headers: map[string][]string{"Allow": {allow}}}
}

// routingComparisons are runtime/mux_test.go's routing cases: every case of
// TestMuxServeHTTP (its op-code patterns written as the templates they
// stand for), and the cases of the other routing tests that end in a
// routing error or in a fallback an error handler could disturb.
func routingComparisons() []routingComparison {
	const form = "application/x-www-form-urlencoded"
	jsonCT := map[string]string{"Content-Type": "application/json"}
	legacy := runtime.WithUnescapingMode(runtime.UnescapingModeLegacy)
	allChars := runtime.WithUnescapingMode(runtime.UnescapingModeAllCharacters)
	// grpc-gateway's test gives every mux WithUnescapingMode(spec's mode),
	// whose zero value is UnescapingModeDefault.
	def := runtime.WithUnescapingMode(runtime.UnescapingModeDefault)
	allExceptReserved := runtime.WithUnescapingMode(runtime.UnescapingModeAllExceptReserved)
	noFallback := runtime.WithDisablePathLengthFallback()
	strict := runtime.WithStrictDeepWildcardMatching()
	mux := "TestMuxServeHTTP/"
	return []routingComparison{
		{name: mux + "0", muxOpts: muxOptionList(def), method: "GET", path: "/", status: 404},
		{name: mux + "1", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "GET", path: "/foo", status: 200, body: "GET /foo"},
		{name: mux + "2", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "GET", path: "/bar", status: 404},
		{name: mux + "3", muxOpts: muxOptionList(def), routes: []string{"GET /*", "GET /foo"}, method: "GET", path: "/foo", status: 200, body: "GET /foo"},
		{name: mux + "4", muxOpts: muxOptionList(def), routes: []string{"GET /foo", "POST /foo"}, method: "POST", path: "/foo", status: 200, body: "POST /foo"},
		{name: mux + "5", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "DELETE", path: "/foo", status: 501, diff: diff405("GET")},
		{name: mux + "6", muxOpts: muxOptionList(def), routes: []string{"POST /foo/{id=*}:archive"}, method: "DELETE", path: "/foo/bar:archive", status: 501, diff: diff405("POST")},
		{name: mux + "7", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form}, status: 200, body: "GET /foo"},
		{name: mux + "8", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form + "; charset=UTF-8"}, status: 200, body: "GET /foo"},
		{name: mux + "9", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "PUT", path: "/foo", header: map[string]string{"Content-Type": form + "; charset=UTF-8"}, status: 501, diff: diff405("GET")},
		{name: mux + "10", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form + "; charset"}, status: 501, diff: diff405("GET")},
		{name: mux + "11", muxOpts: muxOptionList(def, noFallback), routes: []string{"GET /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form}, status: 501, diff: diff405("GET")},
		{name: mux + "12", muxOpts: muxOptionList(def, noFallback), routes: []string{"GET /foo", "POST /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form}, status: 200, body: "POST /foo"},
		{name: mux + "13", muxOpts: muxOptionList(def), routes: []string{"GET /foo", "POST /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form, "X-HTTP-Method-Override": "GET"}, status: 200, body: "GET /foo"},
		{name: mux + "14", muxOpts: muxOptionList(def), routes: []string{"GET /foo", "POST /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form + "; charset=UTF-8", "X-HTTP-Method-Override": "GET"}, status: 200, body: "GET /foo"},
		{name: mux + "15", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form}, status: 200, body: "GET /foo"},
		{name: mux + "16", muxOpts: muxOptionList(def), routes: []string{"DELETE /foo", "PUT /foo", "PATCH /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form}, status: 501, diff: diff405("PUT, PATCH, DELETE")},
		{name: mux + "17", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "POST", path: "/foo", header: jsonCT, status: 501, diff: diff405("GET")},
		{name: mux + "18", muxOpts: muxOptionList(def), routes: []string{"POST /foo:bar"}, method: "POST", path: "/foo:bar", header: jsonCT, status: 200, body: "POST /foo:bar"},
		{name: mux + "19", muxOpts: muxOptionList(def), routes: []string{"GET /foo/{id=*}", "GET /foo/{id=*}:verb"}, method: "GET", path: "/foo/bar:verb", header: jsonCT, status: 200, body: "GET /foo/{id=*}:verb"},
		{name: mux + "20", muxOpts: muxOptionList(def), routes: []string{"GET /foo/{id=*}"}, method: "GET", path: "/foo/bar", header: jsonCT, status: 200, body: "GET /foo/{id=*}"},
		{name: mux + "21", muxOpts: muxOptionList(def), routes: []string{"GET /foo/{id=*}"}, method: "GET", path: "/foo/bar:123", header: jsonCT, status: 200, body: "GET /foo/{id=*}"},
		{name: mux + "22", muxOpts: muxOptionList(def), routes: []string{"POST /foo/{id=*}", "POST /foo/{id=*}:verb"}, method: "POST", path: "/foo/bar:verb", header: jsonCT, status: 200, body: "POST /foo/{id=*}:verb"},
		{name: mux + "23", muxOpts: muxOptionList(def), routes: []string{"GET /foo"}, method: "POST", path: "foo", header: jsonCT, status: 400, inProcess: true},
		{name: mux + "24", muxOpts: muxOptionList(def), routes: []string{"POST /foo/{id=*}", "POST /foo/{id=*}:verb:subverb"}, method: "POST", path: "/foo/bar:verb:subverb", header: jsonCT, status: 200, body: "POST /foo/{id=*}:verb:subverb"},
		{name: mux + "25", muxOpts: muxOptionList(legacy), routes: []string{"GET /foo/{id}/bar"}, method: "POST", path: "/foo/404%2fwith%2Fspace/bar", header: jsonCT, status: 404},
		{name: mux + "26", muxOpts: muxOptionList(allExceptReserved), routes: []string{"GET /foo/{id=*}/bar"}, method: "GET", path: "/foo/success%2fwith%2Fspace/bar", header: jsonCT, status: 200, body: "GET /foo/{id=*}/bar"},
		{name: mux + "27", muxOpts: muxOptionList(allChars), routes: []string{"GET /foo/{id=*}/bar"}, method: "GET", path: "/foo/success%2fwith%2Fspace/bar", header: jsonCT, status: 404},
		{name: mux + "28", muxOpts: muxOptionList(legacy), routes: []string{"GET /foo/{id=*}/bar"}, method: "GET", path: "/foo/success%2fwith%2Fspace/bar", header: jsonCT, status: 404},
		{name: mux + "29", muxOpts: muxOptionList(allExceptReserved), routes: []string{"GET /foo/{id=**}"}, method: "GET", path: "/foo/success%2fwith%2Fspace", header: jsonCT, status: 200, body: "GET /foo/{id=**}"},
		{name: mux + "30", muxOpts: muxOptionList(allChars), routes: []string{"POST /api/v1/{name=organizations/*}:action"}, method: "POST", path: "/api/v1/organizations%2Ffoo:action", header: jsonCT, status: 200, body: "POST /api/v1/{name=organizations/*}:action"},
		{name: mux + "31", muxOpts: muxOptionList(allChars), routes: []string{"POST /api/v1/organizations:verb", "POST /api/v1/organizations", "POST /api/v1/dummies:verb"}, method: "POST", path: "/api/v1/organizations:verb", header: jsonCT, status: 200, body: "POST /api/v1/organizations:verb"},
		{name: mux + "32", muxOpts: muxOptionList(allExceptReserved), routes: []string{"GET /foo/*"}, method: "GET", path: "/foo/%25", header: jsonCT, status: 200, body: "GET /foo/*"},
		{
			// A malformed escape skips the routing error handler: the mux calls
			// the error handler with an HTTPStatusError 400 around a plain
			// error, whose text is withheld: the 400's status text stands in.
			name: mux + "33", muxOpts: muxOptionList(allExceptReserved), routes: []string{"GET /foo/*"}, method: "GET", path: "/foo/%25", rawPath: "/foo/%", header: jsonCT, inProcess: true,
			status: 400, body: `{"code":2,"message":"malformed path escape \"%\"","details":[]}`,
			diff: designDiff{body: `{"code":2,"message":"Bad Request","details":[]}`},
		},
		{name: "TestServeHTTP_PathLengthFallbackPrefersGET", routes: []string{"GET /foo", "DELETE /foo", "PUT /foo", "PATCH /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form}, status: 200, body: "GET /foo"},
		{name: "TestServeMux_HandlePathStrictDeepWildcard/strict_rejects_zero_segments", muxOpts: muxOptionList(strict), routes: []string{"GET /v3/files/{path=**}"}, method: "GET", path: "/v3/files", status: 404},
		{name: "TestServeMux_HandlePathStrictDeepWildcard/strict_permits_trailing_empty_segment", muxOpts: muxOptionList(strict), routes: []string{"GET /v3/files/{path=**}"}, method: "GET", path: "/v3/files/", status: 200, body: "GET /v3/files/{path=**}"},
		{name: "TestServeMux_BareVerbDoesNotDependOnRegistrationOrder/only_verb_pattern", routes: []string{"GET /v1/{name}:cancel"}, method: "GET", path: "/v1/:cancel", status: 404},
		{name: "TestServeHTTP_WithDisableHTTPMethodOverride", muxOpts: muxOptionList(runtime.WithDisableHTTPMethodOverride()), routes: []string{"GET /foo", "POST /foo"}, method: "POST", path: "/foo", header: map[string]string{"Content-Type": form, "X-HTTP-Method-Override": "GET"}, status: 200, body: "POST /foo"},
		{name: "TestServeMux_EscapedPathSeparatorHexCase/%2F", muxOpts: muxOptionList(allChars), routes: []string{"GET /v1/items/{id}"}, method: "GET", path: "/v1/items/%2e%2e%2Fadmin", status: 404},
		{name: "TestServeMux_EscapedPathSeparatorHexCase/%2f", muxOpts: muxOptionList(allChars), routes: []string{"GET /v1/items/{id}"}, method: "GET", path: "/v1/items/%2e%2e%2fadmin", status: 404},
		{
			// Not in grpc-gateway's tests: a wrong method on a path whose
			// routes take another method, with a body grpc-gateway checks
			// nowhere; the bodies must still agree.
			name: "extra/405_body", routes: []string{"GET /v1/books/{id}", "DELETE /v1/books/{id}"}, method: "PUT", path: "/v1/books/1", status: 501,
			body: `{"code":12,"message":"Method Not Allowed","details":[]}`, diff: diff405("GET, DELETE"),
		},
	}
}

// muxOptionList lists a case's mux options.
func muxOptionList(o ...runtime.ServeMuxOption) []runtime.ServeMuxOption { return o }

// matcherComparison is one of runtime/handler_test.go's outgoing header and
// trailer matcher cases.
type matcherComparison struct {
	name     string
	md       runtime.ServerMetadata
	caller   http.Header
	muxOpts  []runtime.ServeMuxOption
	forwards http.Header // the forwarded headers grpc-gateway's test expects
	trailer  http.Header // the trailers grpc-gateway's test expects
	diff     designDiff
}

func matcherComparisons() []matcherComparison {
	fooOnly := func(name string) runtime.HeaderMatcherFunc {
		return func(key string) (string, bool) {
			if key == "foo" {
				return name, true
			}
			return "", false
		}
	}
	headerMD := runtime.ServerMetadata{HeaderMD: metadata.Pairs("foo", "bar", "baz", "qux")}
	trailerMD := runtime.ServerMetadata{TrailerMD: metadata.Pairs("foo", "bar", "baz", "qux")}
	te := http.Header{"Te": {"trailers"}}
	return []matcherComparison{
		{
			name: "TestOutgoingHeaderMatcher/default_matcher", md: headerMD,
			muxOpts:  muxOptionList(runtime.WithOutgoingHeaderMatcher(nil)),
			forwards: http.Header{"Grpc-Metadata-Foo": {"bar"}, "Grpc-Metadata-Baz": {"qux"}},
		},
		{
			name: "TestOutgoingHeaderMatcher/custom_matcher", md: headerMD,
			muxOpts:  muxOptionList(runtime.WithOutgoingHeaderMatcher(fooOnly("custom-foo"))),
			forwards: http.Header{"Custom-Foo": {"bar"}},
		},
		{
			name: "TestOutgoingHeaderMatcherWithContentLength/default_matcher", md: headerMD,
			muxOpts:  muxOptionList(runtime.WithOutgoingHeaderMatcher(nil), runtime.WithWriteContentLength()),
			forwards: http.Header{"Grpc-Metadata-Foo": {"bar"}, "Grpc-Metadata-Baz": {"qux"}},
		},
		{
			name: "TestOutgoingHeaderMatcherWithContentLength/custom_matcher", md: headerMD,
			muxOpts:  muxOptionList(runtime.WithOutgoingHeaderMatcher(fooOnly("custom-foo")), runtime.WithWriteContentLength()),
			forwards: http.Header{"Custom-Foo": {"bar"}},
		},
		{
			name: "TestOutgoingTrailerMatcher/default_matcher,_caller_accepts", md: trailerMD, caller: te,
			muxOpts: muxOptionList(runtime.WithOutgoingTrailerMatcher(nil), runtime.WithWriteContentLength()),
			trailer: http.Header{"Grpc-Trailer-Foo": {"bar"}, "Grpc-Trailer-Baz": {"qux"}},
		},
		{
			name: "TestOutgoingTrailerMatcher/default_matcher,_caller_rejects", md: trailerMD,
			muxOpts: muxOptionList(runtime.WithOutgoingTrailerMatcher(nil), runtime.WithWriteContentLength()),
		},
		{
			name: "TestOutgoingTrailerMatcher/custom_matcher", md: trailerMD, caller: te,
			muxOpts: muxOptionList(runtime.WithOutgoingTrailerMatcher(fooOnly("custom-trailer-foo")), runtime.WithWriteContentLength()),
			trailer: http.Header{"Custom-Trailer-Foo": {"bar"}},
		},
		{
			// Not in grpc-gateway's tests: binary metadata, and a matcher
			// that renames one key and drops the other.
			name: "extra/binary_metadata",
			md:   runtime.ServerMetadata{HeaderMD: metadata.Pairs("trace-bin", "\x00\x01raw\xff", "internal-secret", "s3cr3t")},
			muxOpts: muxOptionList(runtime.WithOutgoingHeaderMatcher(func(key string) (string, bool) {
				if key == "trace-bin" {
					return "X-Trace-Bin", true
				}
				return "", false
			})),
			forwards: http.Header{"X-Trace-Bin": {"\x00\x01raw\xff"}},
		},
	}
}

// runMatcherComparison answers with a message (as the grpc-gateway test does)
// or with an error, under the case's metadata and matchers, called directly
// as the test does or from a routed handler as generated code does.
func runMatcherComparison(t *testing.T, tc matcherComparison, withError, routed bool) {
	msg, err := structpb.NewStruct(map[string]any{"id": "foo"}) // {"id":"foo"}, as SimpleMessage{Id: "foo"}
	if err != nil {
		t.Fatal(err)
	}
	fail := status.Error(codes.NotFound, "no foo")
	respond := func(mux *runtime.ServeMux, w http.ResponseWriter, r *http.Request) {
		ctx := runtime.NewServerMetadataContext(r.Context(), tc.md)
		if withError {
			runtime.HTTPError(ctx, mux, &runtime.JSONPb{}, w, r, fail)
			return
		}
		runtime.ForwardResponseMessage(ctx, mux, &runtime.JSONPb{}, w, r, msg, mux.GetForwardResponseOptions()...)
	}
	theirMux, ourMux := plainAndOurMux(tc.muxOpts...)
	answer := func(mux *runtime.ServeMux) muxAnswer {
		if routed {
			if err := mux.HandlePath("GET", "/foo", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
				respond(mux, w, r)
			}); err != nil {
				t.Fatal(err)
			}
		}
		return recordAnswer(func(w http.ResponseWriter) {
			r := httptest.NewRequest("GET", "http://example.com/foo", nil)
			for name, values := range tc.caller {
				r.Header[name] = values
			}
			if routed {
				mux.ServeHTTP(w, r)
			} else {
				respond(mux, w, r)
			}
		})
	}
	theirs, ours := answer(theirMux), answer(ourMux)
	diff := tc.diff
	// A success forwarded outside a routed request never meets statusmap's
	// middleware, the only place it can see a success's headers.
	diff.rawBinary = !withError && !routed

	// grpc-gateway's test's expectations, held of both answers.
	for name, answer := range map[string]muxAnswer{"grpc-gateway": theirs, "statusmap": ours} {
		for key, want := range tc.forwards {
			got := answer.header.Values(key)
			if name == "statusmap" {
				want = binaryHeaderValues(key, want, diff.rawBinary)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: header %s = %q; want %q", name, key, got, want)
			}
		}
		for key := range answer.header {
			if strings.HasPrefix(key, "Grpc-") || strings.HasPrefix(key, "Custom-") || strings.HasPrefix(key, "X-") || strings.HasPrefix(key, "Internal") {
				if _, ok := tc.forwards[key]; !ok {
					t.Errorf("%s: header %s = %q forwarded; the matcher does not forward it", name, key, answer.header.Values(key))
				}
			}
		}
		if !reflect.DeepEqual(answer.trailer, tc.trailer) && (len(answer.trailer) > 0 || len(tc.trailer) > 0) {
			t.Errorf("%s: trailers %v; want %v", name, answer.trailer, tc.trailer)
		}
	}

	theirStatus := http.StatusOK
	if withError {
		theirStatus = http.StatusNotFound
	}
	comparePeers(t, theirs, ours, theirStatus, diff)
	if !withError && string(theirs.body) != `{"id":"foo"}` {
		t.Errorf("grpc-gateway wrote %s; its own test expects the marshaled message", theirs.body)
	}
}
