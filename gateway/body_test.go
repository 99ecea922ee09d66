package gateway_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// TestFormatStatusMatchesGrpcGateway holds FormatStatus against grpc-gateway's
// own DefaultHTTPErrorHandler, the same backend behind both muxes: the body
// is the same by meaning and the Content-Type the same.
func TestFormatStatusMatchesGrpcGateway(t *testing.T) {
	svc := &bookshelf{}
	addr := startBackend(t, svc)
	ours := startMux(t, addr, gateway.ServeMuxOptions()...)
	theirs := startMux(t, addr)
	client := &http.Client{}
	for _, id := range []string{"code-3", "code-5", "code-8", "code-13", "code-16", "retry-1500", "pin-405", "challenge", "debug", "md"} {
		a := doRequest(t, client, "GET", ours+"/v1/books/"+id, "")
		b := doRequest(t, client, "GET", theirs+"/v1/books/"+id, "")
		if a.Header.Get("Content-Type") != b.Header.Get("Content-Type") {
			t.Errorf("%s: Content-Type %q; grpc-gateway %q", id, a.Header.Get("Content-Type"), b.Header.Get("Content-Type"))
		}
		if got, want := jsonOf(t, a.Body), withoutPins(jsonOf(t, b.Body)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: body differs from grpc-gateway's\n got %s\nwant %s", id, a.Body, b.Body)
		}
		if got, want := a.Header.Get("Grpc-Metadata-X-Request-Id"), b.Header.Get("Grpc-Metadata-X-Request-Id"); got != want {
			t.Errorf("%s: metadata header %q; grpc-gateway %q", id, got, want)
		}
	}
}

func TestFormatGoogle(t *testing.T) {
	g := startGateway(t, gateway.WithFormat(gateway.FormatGoogle))
	r := g.do(t, "GET", "/v1/books/retry-1500", "")
	if r.Status != 503 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q", r.Status, r.Header.Get("Content-Type"))
	}
	var body statusmapv1.GoogleErrorBody
	if err := protojson.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body does not decode as GoogleErrorBody: %v\n%s", err, r.Body)
	}
	e := body.GetError()
	if e.GetCode() != 503 || e.GetStatus() != "RESOURCE_EXHAUSTED" || e.GetMessage() != "quota exceeded" || len(e.GetDetails()) != 2 {
		t.Errorf("error = %v", e)
	}
	if !strings.HasSuffix(e.GetDetails()[0].GetTypeUrl(), "google.rpc.ErrorInfo") {
		t.Errorf("first detail %v", e.GetDetails()[0].GetTypeUrl())
	}
}

func TestFormatProblem(t *testing.T) {
	g := startGateway(t, gateway.WithFormat(gateway.FormatProblem))
	r := g.do(t, "GET", "/v1/books/pin-405", "")
	if r.Status != 405 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, Content-Type %q", r.Status, r.Header.Get("Content-Type"))
	}
	var p statusmapv1.Problem
	if err := protojson.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("body does not decode as Problem: %v\n%s", err, r.Body)
	}
	if p.GetType() != "about:blank" || p.GetTitle() != "Method Not Allowed" || p.GetStatus() != 405 ||
		p.GetDetail() != "book pin-405" || p.GetGrpcCode() != "UNIMPLEMENTED" || len(p.GetDetails()) != 0 {
		t.Errorf("problem = %v", &p)
	}
	typed := startGateway(t, gateway.WithFormat(gateway.FormatProblem), gateway.WithProblemType(func(s int, c codes.Code) string {
		return "https://errors.example/" + strings.ToLower(c.String())
	}))
	r = typed.do(t, "GET", "/v1/books/code-5", "")
	if got := jsonOf(t, r.Body)["type"]; got != "https://errors.example/notfound" {
		t.Errorf("type = %v", got)
	}
}

// TestCustomMarshalersHonoured installs marshalers a user might: FormatStatus
// must write what grpc-gateway's default handler writes with each, by
// meaning (JSON) or exactly (protobuf binary).
func TestCustomMarshalersHonoured(t *testing.T) {
	mux := runtime.NewServeMux()
	jsonMarshalers := map[string]runtime.Marshaler{
		"proto names":          &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseProtoNames: true}},
		"emit unpopulated":     &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}},
		"emit default values":  &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitDefaultValues: true}},
		"indented":             &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{Multiline: true, Indent: "  "}},
		"enum numbers":         &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseEnumNumbers: true}},
		"http body of default": &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{}},
	}
	handlers := map[string]runtime.ErrorHandlerFunc{}
	for mname := range jsonMarshalers {
		handlers[mname] = errorHandler()
	}
	for name, err := range benchErrors(t) {
		for mname, m := range jsonMarshalers {
			want := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/x", nil)
			runtime.DefaultHTTPErrorHandler(context.Background(), mux, m, want, req, err)
			// The same handler three times: rendered, admitted to the
			// detail cache, then served from it. All three must match.
			var got *httptest.ResponseRecorder
			for round := range 3 {
				got = httptest.NewRecorder()
				handlers[mname](context.Background(), mux, m, got, req, err)
				var a, b any
				if json.Unmarshal(got.Body.Bytes(), &a) != nil || json.Unmarshal(want.Body.Bytes(), &b) != nil || !reflect.DeepEqual(a, b) {
					t.Errorf("%s with %s, round %d:\n got %s\nwant %s", name, mname, round, got.Body, want.Body)
				}
			}
			if got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("%s with %s: Content-Type %q; want %q", name, mname, got.Header().Get("Content-Type"), want.Header().Get("Content-Type"))
			}
		}
		// A non-JSON marshaler is used as it is.
		binary := &runtime.ProtoMarshaller{}
		got := httptest.NewRecorder()
		errorHandler()(context.Background(), mux, binary, got, httptest.NewRequest("GET", "/x", nil), err)
		var decoded spb.Status
		if err := proto.Unmarshal(got.Body.Bytes(), &decoded); err != nil {
			t.Fatalf("%s: binary body: %v", name, err)
		}
		want := httptest.NewRecorder()
		runtime.DefaultHTTPErrorHandler(context.Background(), mux, binary, want, httptest.NewRequest("GET", "/x", nil), err)
		var wantDecoded spb.Status
		if err := proto.Unmarshal(want.Body.Bytes(), &wantDecoded); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&decoded, &wantDecoded) || got.Header().Get("Content-Type") != "application/octet-stream" {
			t.Errorf("%s: binary body %v (%s); want %v", name, &decoded, got.Header().Get("Content-Type"), &wantDecoded)
		}
	}
}

// TestLosslessWhereGrpcGatewayFails gives the handler the two inputs
// protojson cannot marshal: a message with invalid UTF-8 and a detail whose
// type is not linked in. grpc-gateway's default answers both with a bare
// 500; statusmap keeps the status, the message and the detail, in every
// format. (Over a real gRPC hop grpc-go already replaces invalid UTF-8 in
// messages, so that case is called directly, as an in-process handler
// registered with RegisterXHandlerServer would see it.)
func TestLosslessWhereGrpcGatewayFails(t *testing.T) {
	badUTF8 := status.Error(codes.NotFound, "no book \xff\xfe here")
	unknown := status.FromProto(&spb.Status{Code: int32(codes.NotFound), Message: "secret", Details: []*anypb.Any{unknownDetail}}).Err()
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	for _, err := range []error{badUTF8, unknown} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/v1/books/x", nil)
		runtime.DefaultHTTPErrorHandler(req.Context(), mux, marshaler, rec, req, err)
		if rec.Code != 500 || !strings.Contains(rec.Body.String(), "failed to marshal error message") {
			t.Errorf("grpc-gateway's default handler answers %d %s; the comparison assumes its bare 500", rec.Code, rec.Body)
		}
	}
	for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		handler := errorHandler(gateway.WithFormat(format))
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/v1/books/x", nil)
		handler(req.Context(), mux, marshaler, rec, req, badUTF8)
		if rec.Code != 404 {
			t.Errorf("%v badutf8: status %d; want 404", format, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), "no book \ufffd\ufffd here") {
			t.Errorf("%v badutf8: message lost: %s", format, rec.Body)
		}
		jsonOf(t, rec.Body.Bytes())

		rec = httptest.NewRecorder()
		handler(req.Context(), mux, marshaler, rec, req, unknown)
		checkUnknownDetailKept(t, format.String(), rec.Code, rec.Body.Bytes())
	}

	// The same through a real gRPC hop and mux.
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/unknown", "")
	checkUnknownDetailKept(t, "end to end", r.Status, r.Body)
	r = g.do(t, "GET", "/v1/books/badutf8", "")
	if r.Status != 404 || !strings.Contains(string(r.Body), "no book") {
		t.Errorf("end to end badutf8: %d %s", r.Status, r.Body)
	}
}

func checkUnknownDetailKept(t *testing.T, name string, code int, body []byte) {
	t.Helper()
	if code != 404 {
		t.Errorf("%s unknown detail: status %d; want 404", name, code)
	}
	details := findDetails(jsonOf(t, body))
	if len(details) != 1 {
		t.Fatalf("%s unknown detail: details %v in %s", name, details, body)
	}
	d := details[0].(map[string]any)
	raw, _ := base64.StdEncoding.DecodeString(d["@bytes"].(string))
	if d["@type"] != unknownDetail.GetTypeUrl() || string(raw) != string(unknownDetail.GetValue()) {
		t.Errorf("%s unknown detail kept as %v", name, d)
	}
}

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

// benchErrors are the errors of the comparison: one without details, one
// with the two details a quota error carries.
func benchErrors(b testing.TB) map[string]error {
	b.Helper()
	withDetails, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
		&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"limit": "10"}},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)},
	)
	if err != nil {
		b.Fatal(err)
	}
	return map[string]error{
		"no-details":  status.Error(codes.NotFound, "no such book"),
		"two-details": withDetails.Err(),
	}
}

// BenchmarkErrorHandler pairs statusmap's error handler (through a mux built
// with ServeMuxOptions) with grpc-gateway's
// runtime.DefaultHTTPErrorHandler on the same errors, with the mux's default
// marshaler and the server metadata a generated handler puts in the
// context. Compare the pairs with benchstat, or by eye:
//
//	go test -run '^$' -bench ErrorHandler -benchmem ./gateway
func BenchmarkErrorHandler(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: true},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: true},
	}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := runtime.NewServerMetadataContext(context.Background(), runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}})
	handlers := []struct {
		name    string
		handler runtime.ErrorHandlerFunc
	}{
		{"grpc-gateway", runtime.DefaultHTTPErrorHandler},
		{"statusmap", errorHandler()},
	}
	for _, name := range []string{"no-details", "two-details"} {
		err := benchErrors(b)[name]
		for _, h := range handlers {
			b.Run("err="+name+"/impl="+h.name, func(b *testing.B) {
				w := &statusWriter{h: http.Header{}}
				b.ReportAllocs()
				for range b.N {
					clear(w.h)
					h.handler(ctx, mux, marshaler, w, req, err)
				}
			})
		}
	}
}

// BenchmarkErrorHandlerUniqueDetails is the worst case for statusmap's
// rendered-detail cache: every error's ErrorInfo differs (a request id in
// its metadata), so no detail is ever served from the cache.
func BenchmarkErrorHandlerUniqueDetails(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	errs := make([]error, 4096)
	for i := range errs {
		st, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
			&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"request_id": fmt.Sprint(i)}},
			&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(i) * time.Millisecond)},
		)
		if err != nil {
			b.Fatal(err)
		}
		errs[i] = st.Err()
	}
	for _, h := range []struct {
		name    string
		handler runtime.ErrorHandlerFunc
	}{{"grpc-gateway", runtime.DefaultHTTPErrorHandler}, {"statusmap", errorHandler()}} {
		b.Run("impl="+h.name, func(b *testing.B) {
			w := &statusWriter{h: http.Header{}}
			b.ReportAllocs()
			for i := range b.N {
				clear(w.h)
				h.handler(ctx, mux, marshaler, w, req, errs[i%len(errs)])
			}
		})
	}
}

// TestErrorHandlerAllocatesLess pins the allocation side of the
// comparison: fewer allocations than grpc-gateway without details, no more
// with two.
func TestErrorHandlerAllocatesLess(t *testing.T) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := runtime.NewServerMetadataContext(context.Background(), runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}})
	ours := errorHandler()
	for name, err := range benchErrors(t) {
		measure := func(h runtime.ErrorHandlerFunc) float64 {
			w := &statusWriter{h: http.Header{}}
			return testing.AllocsPerRun(200, func() {
				clear(w.h)
				h(ctx, mux, marshaler, w, req, err)
			})
		}
		theirs, mine := measure(runtime.DefaultHTTPErrorHandler), measure(ours)
		t.Logf("%s: statusmap %v allocs, grpc-gateway %v", name, mine, theirs)
		if name == "no-details" && mine >= theirs || mine > theirs {
			t.Errorf("%s: statusmap allocates %v times; grpc-gateway %v", name, mine, theirs)
		}
	}
}

// One-off details must not keep the recurring ones out of the cache: after
// hundreds of unique details, a recurring error costs what it cost fresh.
func TestDetailCacheRecovers(t *testing.T) {
	common, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
		&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"limit": "10"}},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)},
	)
	if err != nil {
		t.Fatal(err)
	}
	allocs := func(ew *gateway.Gateway) float64 {
		w := &statusWriter{h: http.Header{}}
		ew.WriteError(w, nil, common.Err()) // seen once
		ew.WriteError(w, nil, common.Err()) // admitted
		return testing.AllocsPerRun(50, func() {
			clear(w.h)
			ew.WriteError(w, nil, common.Err())
		})
	}
	fresh := allocs(newGateway())
	flooded := newGateway()
	for i := range 3000 {
		st, _ := status.New(codes.NotFound, "x").WithDetails(&errdetails.RequestInfo{RequestId: fmt.Sprint("req-", i)})
		flooded.WriteError(&statusWriter{h: http.Header{}}, nil, st.Err())
		if i%2 == 0 {
			flooded.WriteError(&statusWriter{h: http.Header{}}, nil, st.Err()) // some recur once
		}
	}
	if got := allocs(flooded); got > fresh {
		t.Errorf("after a flood of unique details: %v allocs per error; fresh %v", got, fresh)
	}
}

// BenchmarkUniqueDetailsRatio alternates the two sides of
// BenchmarkErrorHandlerUniqueDetails error by error and reports statusmap's
// time as a multiple of grpc-gateway's (target: at most 0.5).
func BenchmarkUniqueDetailsRatio(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	w := &statusWriter{h: http.Header{}}
	var tookTheirs, tookOurs time.Duration
	i := 0
	for b.Loop() {
		st, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
			&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"request_id": fmt.Sprint(i)}},
			&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(i) * time.Millisecond)},
		)
		if err != nil {
			b.Fatal(err)
		}
		i++
		e := st.Err()
		clear(w.h)
		start := time.Now()
		runtime.DefaultHTTPErrorHandler(ctx, mux, marshaler, w, req, e)
		mid := time.Now()
		clear(w.h)
		ours(ctx, mux, marshaler, w, req, e)
		tookOurs += time.Since(mid)
		tookTheirs += mid.Sub(start)
	}
	b.ReportMetric(tookOurs.Seconds()/tookTheirs.Seconds(), "statusmap/grpc-gateway")
}

// uniqueDetailCases are the detail mixes of BenchmarkUniqueDetailsMix: each
// google.rpc error detail alone, then the pairs errors commonly carry.
var uniqueDetailCases = []string{
	"ErrorInfo", "RequestInfo", "RetryInfo", "ResourceInfo", "BadRequest", "PreconditionFailure",
	"QuotaFailure", "Help", "LocalizedMessage", "DebugInfo",
	"ErrorInfo+RequestInfo", "ErrorInfo+RetryInfo", "BadRequest+RequestInfo", "ResourceInfo+ErrorInfo",
	"QuotaFailure+RetryInfo", "PreconditionFailure+ErrorInfo", "ErrorInfo+Help", "BadRequest+LocalizedMessage",
}

// uniqueDetail is the detail of a type for the i-th error: every one holds
// something of its own (a request id, an index), so that no two errors
// share a rendered detail.
func uniqueDetail(kind string, i int) proto.Message {
	id := fmt.Sprintf("req-%08x", i)
	switch kind {
	case "ErrorInfo":
		return &errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"request_id": id, "limit": "10"}}
	case "RequestInfo":
		return &errdetails.RequestInfo{RequestId: id, ServingData: "pod-3"}
	case "RetryInfo":
		return &errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(i) * time.Millisecond)}
	case "ResourceInfo":
		return &errdetails.ResourceInfo{ResourceType: "book", ResourceName: "shelves/1/books/" + id, Owner: "user:reader", Description: "no such book"}
	case "BadRequest":
		return &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "book.title", Description: "too long: " + id, Reason: "TITLE_TOO_LONG"},
		}}
	case "PreconditionFailure":
		return &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
			{Type: "TOS", Subject: "user:" + id, Description: "terms of service not accepted"},
		}}
	case "QuotaFailure":
		return &errdetails.QuotaFailure{Violations: []*errdetails.QuotaFailure_Violation{
			{Subject: "project:" + id, Description: "daily limit", QuotaMetric: "books.example/reads", QuotaValue: int64(i)},
		}}
	case "Help":
		return &errdetails.Help{Links: []*errdetails.Help_Link{{Description: "quota", Url: "https://bookshelf.example/quota?id=" + id}}}
	case "LocalizedMessage":
		return &errdetails.LocalizedMessage{Locale: "fr-CH", Message: "Livre introuvable : " + id}
	case "DebugInfo":
		return &errdetails.DebugInfo{StackEntries: []string{"main.go:12", id}, Detail: "lookup failed"}
	}
	panic("unknown detail " + kind)
}

// uniqueDetailError is the i-th error of a detail mix, with details of its
// own.
func uniqueDetailError(tb testing.TB, mix string, i int) error {
	sp := &spb.Status{Code: int32(codes.ResourceExhausted), Message: "quota exceeded"}
	for kind := range strings.SplitSeq(mix, "+") {
		detail, err := anypb.New(uniqueDetail(kind, i))
		if err != nil {
			tb.Fatal(err)
		}
		sp.Details = append(sp.Details, detail)
	}
	return status.FromProto(sp).Err()
}

// uniqueDetailErrors makes errors from to from+n-1 of a detail mix, each
// with its own details.
func uniqueDetailErrors(tb testing.TB, mix string, from, n int) []error {
	tb.Helper()
	errs := make([]error, n)
	for i := range errs {
		errs[i] = uniqueDetailError(tb, mix, from+i)
	}
	return errs
}

// BenchmarkUniqueDetailsMix runs each side alone on errors whose details
// are all different (b.N of them, made before the timer starts), for each
// detail mix, so that allocs/op is each side's own;
// BenchmarkUniqueDetailsMixRatio gives the time ratio.
//
//	go test -run '^$' -bench 'UniqueDetailsMix$' -benchmem ./gateway
func BenchmarkUniqueDetailsMix(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	for _, mix := range uniqueDetailCases {
		for _, h := range []struct {
			name    string
			handler runtime.ErrorHandlerFunc
		}{{"grpc-gateway", runtime.DefaultHTTPErrorHandler}, {"statusmap", ours}} {
			b.Run("details="+mix+"/impl="+h.name, func(b *testing.B) {
				errs := uniqueDetailErrors(b, mix, 0, b.N)
				w := &statusWriter{h: http.Header{}}
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					clear(w.h)
					h.handler(ctx, mux, marshaler, w, req, errs[i])
				}
			})
		}
	}
}

// BenchmarkUniqueDetailsMixRatio alternates the two sides error by error,
// for each detail mix, each error's details its own, and reports
// statusmap's time as a multiple of grpc-gateway's (target: at most 0.5).
func BenchmarkUniqueDetailsMixRatio(b *testing.B) {
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	for _, mix := range uniqueDetailCases {
		b.Run("details="+mix, func(b *testing.B) {
			w := &statusWriter{h: http.Header{}}
			var tookTheirs, tookOurs time.Duration
			i := 0
			for b.Loop() {
				e := uniqueDetailError(b, mix, i)
				i++
				clear(w.h)
				start := time.Now()
				runtime.DefaultHTTPErrorHandler(ctx, mux, marshaler, w, req, e)
				mid := time.Now()
				clear(w.h)
				ours(ctx, mux, marshaler, w, req, e)
				tookOurs += time.Since(mid)
				tookTheirs += mid.Sub(start)
			}
			b.ReportMetric(tookOurs.Seconds()/tookTheirs.Seconds(), "statusmap/grpc-gateway")
		})
	}
}

// TestUniqueDetailsAllocs pins the allocations of an error whose details
// are its own, rendered from their bytes: at most 15 with two details, for
// every pair of BenchmarkUniqueDetailsMix (and 13 with one).
func TestUniqueDetailsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	mux := runtime.NewServeMux()
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}}
	req := httptest.NewRequest(http.MethodGet, "/v1/books/7", nil)
	ctx := context.Background()
	ours := errorHandler()
	w := &statusWriter{h: http.Header{}}
	// Warm the rendered-detail cache's admission list past its bound, as
	// a server's is after a few thousand errors: its first growth is not
	// a cost per error.
	for _, err := range uniqueDetailErrors(t, "ErrorInfo+RequestInfo", 1<<20, 2100) {
		ours(ctx, mux, marshaler, w, req, err)
	}
	for m, mix := range uniqueDetailCases {
		// Each mix its own ids: a detail seen before would be cached.
		errs := uniqueDetailErrors(t, mix, m<<16, 256)
		i := 0
		allocs := testing.AllocsPerRun(200, func() {
			clear(w.h)
			ours(ctx, mux, marshaler, w, req, errs[i%len(errs)])
			i++
		})
		limit := 13.0
		if strings.Contains(mix, "+") {
			limit = 15
		}
		t.Logf("%s: %v allocations", mix, allocs)
		if allocs > limit {
			t.Errorf("%s: %v allocations per error; want at most %v", mix, allocs, limit)
		}
	}
}
