package gateway_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
)

// The benchmarks of issue 20, second round. Every ratio is measured with
// both sides interleaved in one loop, so that both see the same machine
// (the machine these figures come from is shared). BENCHMARKS.md has the
// commands and the figures.

// routesMux returns a mux with n routes added with HandlePath: n/4
// resources /v1/res<i>/{id}, each with GET, PUT, PATCH and DELETE, every
// handler answering at once as a generated one does after its call. The
// routes are added, not generated, because no proto of ours has a thousand
// of them; grpc-gateway keeps both kinds in the same lists and matches
// them alike. /v1/res0 is added first, so it is matched last: the worst
// case for a path that exists.
func routesMux(tb testing.TB, n int, opts ...gwruntime.ServeMuxOption) *gwruntime.ServeMux {
	tb.Helper()
	mux := gwruntime.NewServeMux(opts...)
	book := &bookshelfv1.Book{Id: "7", Title: "Dune"}
	handler := func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		_, out := gwruntime.MarshalerForRequest(mux, r)
		gwruntime.ForwardResponseMessage(r.Context(), mux, out, w, r, book, mux.GetForwardResponseOptions()...)
	}
	methods := []string{"GET", "PUT", "PATCH", "DELETE"}
	for i := range n {
		if err := mux.HandlePath(methods[i%4], fmt.Sprintf("/v1/res%d/{id}", i/4), handler); err != nil {
			tb.Fatal(err)
		}
	}
	return mux
}

// samples are the durations of one side of an interleaved benchmark. The
// ratio of medians is the figure reported: on a shared machine a GC pause
// or a preemption lands on whichever side is running, and shifts a mean
// far more than a median. The ratio of means is reported beside it.
type samples []time.Duration

func (s *samples) add(d time.Duration) { *s = append(*s, d) }

func (s samples) median() float64 {
	if len(s) == 0 {
		return 0
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	return float64(sorted[len(sorted)/2])
}

func (s samples) total() float64 {
	var t time.Duration
	for _, d := range s {
		t += d
	}
	return float64(t)
}

// routingRequests are a 404 (a path no route has) and a 405 (POST on a
// path every method but POST routes), through the same mux.
func routingRequests() (notFound, notAllowed *http.Request) {
	return httptest.NewRequest(http.MethodPost, "/v1/nothing/7", nil), httptest.NewRequest(http.MethodPost, "/v1/res0/7", nil)
}

// BenchmarkRoutingRatio answers a routing 404 and a routing 405 (with its
// Allow header) through the same statusmap mux, interleaved, at 10, 100 and
// 1,000 routes, and reports the 405's time and allocations as multiples of
// the 404's (target: at most 1.5 each). The 405's paths are:
//
//   - same: one path, again and again;
//
//   - ids: a new id every time (/v1/res0/u<n>), as a client walking
//     records sends;
//
//   - uncached: a new id with a colon every time (/v1/res0/u<n>:x), whose
//     Allow statusmap never keeps nor shares (see pathShape): every 405
//     is answered afresh (before the patterns were compiled, by probing
//     the mux: the worst case);
//
//   - shapes: a new path shape every time, on a mux with one more route,
//     GET /v1/deep/{path=**}: /v1/deep/ and six segments, each one of the
//     patterns' strings or not, in a new combination (4,096 of 15,625),
//     so that no Allow kept for one path serves another.
//
//     go test -run '^$' -bench RoutingRatio -count 6 ./gateway
func BenchmarkRoutingRatio(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		for _, paths := range []string{"same", "ids", "uncached", "shapes"} {
			b.Run(fmt.Sprintf("routes=%d/paths=%s", n, paths), func(b *testing.B) {
				mux := routesMux(b, n, gateway.ServeMuxOptions()...)
				nf, na := routingRequests()
				w := &statusWriter{h: http.Header{}}
				reqs := []*http.Request{na}
				allow := "GET, PUT, PATCH, DELETE"
				switch paths {
				case "ids", "uncached":
					suffix := map[string]string{"ids": "", "uncached": ":x"}[paths]
					reqs = make([]*http.Request, 4096)
					for i := range reqs {
						reqs[i] = httptest.NewRequest(http.MethodPost, fmt.Sprintf("/v1/res0/u%d%s", i, suffix), nil)
					}
				case "shapes":
					reqs, allow = newShapes(b, mux), "GET"
				}
				// Allocations of each side alone, outside the timed loop,
				// the 405s on paths the timed loop starts from the other end
				// of.
				allocs404 := testing.AllocsPerRun(50, func() { serveBench(mux, w, nf) })
				j := 0
				allocs405 := testing.AllocsPerRun(50, func() {
					serveBench(mux, w, reqs[len(reqs)-1-j%len(reqs)])
					j++
				})
				var took404, took405 samples
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					// A path is reused after 4,096 others: more than any
					// cache of statusmap's keeps.
					r405 := reqs[i%len(reqs)]
					i++
					start := time.Now()
					if code := serveBench(mux, w, nf); code != 404 {
						b.Fatalf("404 answered %d", code)
					}
					mid := time.Now()
					if code := serveBench(mux, w, r405); code != 405 || w.h.Get("Allow") != allow {
						b.Fatalf("405 answered %d, Allow %q", code, w.h.Get("Allow"))
					}
					took405.add(time.Since(mid))
					took404.add(mid.Sub(start))
				}
				b.ReportMetric(took405.median()/took404.median(), "405/404-time")
				b.ReportMetric(took405.total()/took404.total(), "405/404-time-mean")
				b.ReportMetric(allocs405/allocs404, "405/404-allocs")
			})
		}
	}
}

// newShapes adds GET /v1/deep/{path=**} to mux and returns 4,096 POSTs
// to paths of as many shapes under it: six segments after /v1/deep, each
// one of v1, res0, id, deep or x (strings of the patterns but the last),
// the digits of the request's index in base 5.
func newShapes(tb testing.TB, mux *gwruntime.ServeMux) []*http.Request {
	tb.Helper()
	if err := mux.HandlePath("GET", "/v1/deep/{path=**}", func(http.ResponseWriter, *http.Request, map[string]string) {}); err != nil {
		tb.Fatal(err)
	}
	segs := []string{"v1", "res0", "id", "deep", "x"}
	reqs := make([]*http.Request, 4096)
	for i := range reqs {
		path := "/v1/deep"
		for n, d := i, 0; d < 6; n, d = n/len(segs), d+1 {
			path += "/" + segs[n%len(segs)]
		}
		reqs[i] = httptest.NewRequest(http.MethodPost, path, nil)
	}
	return reqs
}

// BenchmarkRouting404And405 is each side of BenchmarkRoutingRatio alone,
// for benchstat's ns/op, B/op and allocs/op.
func BenchmarkRouting404And405(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		mux := routesMux(b, n, gateway.ServeMuxOptions()...)
		nf, na := routingRequests()
		for _, side := range []struct {
			name string
			r    *http.Request
		}{{"404", nf}, {"405", na}} {
			b.Run(fmt.Sprintf("routes=%d/status=%s", n, side.name), func(b *testing.B) {
				w := &statusWriter{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					serveBench(mux, w, side.r)
				}
			})
		}
	}
}

// TestRouting405CostsNearA404 pins the allocation side of
// BenchmarkRoutingRatio: a routing 405 allocates at most 1.5 times what a
// 404 does through the same mux, for a path seen before, a new id on a
// route seen before, a new path with no shape (a colon), and a path of a
// new shape.
func TestRouting405CostsNearA404(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	for _, n := range []int{10, 100, 1000} {
		mux := routesMux(t, n, gateway.ServeMuxOptions()...)
		nf, na := routingRequests()
		w := &statusWriter{h: http.Header{}}
		serveBench(mux, w, na)
		if got := w.h.Get("Allow"); got != "GET, PUT, PATCH, DELETE" {
			t.Fatalf("routes=%d: Allow %q", n, got)
		}
		a404 := testing.AllocsPerRun(50, func() { serveBench(mux, w, nf) })
		a405 := testing.AllocsPerRun(50, func() { serveBench(mux, w, na) })
		ids := make([]*http.Request, 64)
		uncached := make([]*http.Request, 64)
		for i := range ids {
			ids[i] = httptest.NewRequest(http.MethodPost, fmt.Sprintf("/v1/res0/id%d", i), nil)
			uncached[i] = httptest.NewRequest(http.MethodPost, fmt.Sprintf("/v1/res0/id%d:x", i), nil)
		}
		each := func(reqs []*http.Request, allow string) float64 {
			i := 0
			return testing.AllocsPerRun(50, func() {
				serveBench(mux, w, reqs[i])
				if got := w.h.Get("Allow"); got != allow {
					t.Fatalf("routes=%d: POST %s: Allow %q; want %q", n, reqs[i].URL.Path, got, allow)
				}
				i++
			})
		}
		a405ids := each(ids, "GET, PUT, PATCH, DELETE")
		a405uncached := each(uncached, "GET, PUT, PATCH, DELETE")
		// Last, as it adds a route: the 404 is measured again on the same
		// mux.
		shapes := newShapes(t, mux)
		a404shapes := testing.AllocsPerRun(50, func() { serveBench(mux, w, nf) })
		a405shapes := each(shapes, "GET")
		t.Logf("routes=%d: 404 %v allocations, 405 %v, 405 on a new id %v, on a path of no shape %v; one route more: 404 %v, 405 on a new shape %v",
			n, a404, a405, a405ids, a405uncached, a404shapes, a405shapes)
		for _, c := range []struct {
			name       string
			a405, a404 float64
		}{{"a path seen before", a405, a404}, {"a new id", a405ids, a404}, {"a path of no shape", a405uncached, a404}, {"a new shape", a405shapes, a404shapes}} {
			if c.a405 > 1.5*c.a404 {
				t.Errorf("routes=%d: a 405 on %s allocates %v times, a 404 %v; want at most 1.5 times", n, c.name, c.a405, c.a404)
			}
		}
	}
}

// generatedMux returns a mux serving the bookshelf through its generated
// handlers (RegisterBookshelfServiceHandlerServer: AnnotateContext, the
// call, then ForwardResponseMessage), with the service in process: what is
// measured is the mux, the generated code and what statusmap adds, not a
// network.
func generatedMux(tb testing.TB, opts ...gwruntime.ServeMuxOption) *gwruntime.ServeMux {
	tb.Helper()
	mux := gwruntime.NewServeMux(opts...)
	if err := bookshelfv1.RegisterBookshelfServiceHandlerServer(context.Background(), mux, &bookshelf{}); err != nil {
		tb.Fatal(err)
	}
	return mux
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

// BenchmarkEndToEndBlocks serves errors from a real gRPC backend through
// two real gateways on loopback (grpc-gateway's defaults, and statusmap),
// with keep-alive clients (1, or 4 at once), in blocks of 64 requests per
// client that alternate sides, and reports each side's error responses per
// second (requests over the wall time of its blocks) and its p50 and p99
// latency. Run it with a fixed count:
//
//	go test -run '^$' -bench EndToEndBlocks -benchtime 4000x -count 6 ./gateway
func BenchmarkEndToEndBlocks(b *testing.B) {
	for _, clients := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchEndToEnd(b, clients) })
	}
}

func benchEndToEnd(b *testing.B, clients int) {
	const block = 64
	addr := startBackend(b, &bookshelf{})
	type side struct {
		name      string
		url       string
		client    *http.Client
		wall      time.Duration
		done      int
		latencies []time.Duration
	}
	sides := []*side{
		{name: "grpc-gateway", url: startMux(b, addr) + "/v1/books/retry-1500"},
		{name: "statusmap", url: startMux(b, addr, gateway.ServeMuxOptions()...) + "/v1/books/retry-1500"},
	}
	// do sends one request and returns its latency, or an error.
	do := func(s *side, buf []byte) (time.Duration, error) {
		start := time.Now()
		resp, err := s.client.Get(s.url)
		if err != nil {
			return 0, err
		}
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			return 0, fmt.Errorf("%s answered %d", s.name, resp.StatusCode)
		}
		return time.Since(start), nil
	}
	// runBlock has each client send n requests to s at once.
	runBlock := func(s *side, n int) {
		lat := make([][]time.Duration, clients)
		errs := make([]error, clients)
		var wg sync.WaitGroup
		start := time.Now()
		for c := range clients {
			wg.Go(func() {
				buf := make([]byte, 4096)
				for range n {
					d, err := do(s, buf)
					if err != nil {
						errs[c] = err
						return
					}
					lat[c] = append(lat[c], d)
				}
			})
		}
		wg.Wait()
		s.wall += time.Since(start)
		for c := range clients {
			if errs[c] != nil {
				b.Fatal(errs[c])
			}
			s.latencies = append(s.latencies, lat[c]...)
			s.done += len(lat[c])
		}
	}
	for _, s := range sides {
		s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
		b.Cleanup(s.client.CloseIdleConnections)
		runBlock(s, block) // warm the connections and the handlers
		s.wall, s.done, s.latencies = 0, 0, make([]time.Duration, 0, b.N+block)
	}
	b.ResetTimer()
	// b.N requests per side in all, block*clients at a time.
	for i := 0; i < b.N; i += block * clients {
		n := max(1, min(block, (b.N-i)/clients))
		for k := range sides {
			// Each side goes first every other block.
			runBlock(sides[(k+i/(block*clients))%2], n)
		}
	}
	b.StopTimer()
	var rates [2]float64
	for k, s := range sides {
		rates[k] = float64(s.done) / s.wall.Seconds()
		slices.Sort(s.latencies)
		b.ReportMetric(rates[k], s.name+"-errors/s")
		b.ReportMetric(float64(percentile(s.latencies, 50).Microseconds()), s.name+"-p50-µs")
		b.ReportMetric(float64(percentile(s.latencies, 99).Microseconds()), s.name+"-p99-µs")
	}
	b.ReportMetric(rates[1]/rates[0], "statusmap/grpc-gateway-errors/s")
	// The same comparison from the medians, which a GC pause or a
	// preemption of a process sharing the machine moves far less.
	b.ReportMetric(float64(percentile(sides[0].latencies, 50))/float64(percentile(sides[1].latencies, 50)), "statusmap/grpc-gateway-p50-speed")
}

// percentile is the p-th percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

// readingBodies are an example error body per convention ErrorFromResponse
// reads, grown to about size bytes by repeating the part of it that a
// large body repeats (details, violations, metadata, or the message).
// A convention added to the reader gets a row here: the table is all there
// is to change.
func readingBodies(size int) []struct {
	name, contentType string
	body              []byte
} {
	grow := func(prefix, item, suffix string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for i := 0; b.Len()+len(item)+1+len(suffix) <= size || i == 0; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.ReplaceAll(item, "#", itoa(i)))
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	const jsonType = "application/json"
	return []struct {
		name, contentType string
		body              []byte
	}{
		{"google.rpc.Status", jsonType, grow(`{"code":5,"message":"no such book","details":[`, `{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"R#","domain":"d","metadata":{"k":"v#"}}`, `]}`)},
		{"google envelope", jsonType, grow(`{"error":{"code":404,"message":"no such book","status":"NOT_FOUND","details":[`, `{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en","message":"m#"}`, `]}}`)},
		{"problem+json", "application/problem+json", grow(`{"type":"about:blank","title":"Bad Request","status":400,"errors":[`, `{"pointer":"/f#","detail":"must be set"}`, `]}`)},
		{"connect", jsonType, grow(`{"code":"not_found","message":"no such book","details":[`, `{"type":"google.rpc.ErrorInfo","value":"CgFSEgFk"}`, `]}`)},
		{"twirp", jsonType, grow(`{"code":"not_found","msg":"no such book","meta":{`, `"k#":"v#"`, `}}`)},
		{"kubernetes", jsonType, grow(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":"Invalid","code":422,"details":{"causes":[`, `{"reason":"FieldValueRequired","message":"required","field":"spec.f#"}`, `]}}`)},
		{"error object", jsonType, grow(`{"error":{"code":"BadArgument","message":"m","details":[`, `{"code":"NullValue","target":"f#","message":"must be set"}`, `]}}`)},
		{"fastapi", jsonType, grow(`{"detail":[`, `{"loc":["body","f#"],"msg":"field required","type":"value_error.missing"}`, `]}`)},
		{"message + errors", jsonType, grow(`{"message":"invalid","errors":[`, `{"field":"f#","message":"must be set","code":"missing"}`, `]}`)},
		{"elasticsearch", jsonType, grow(`{"status":400,"error":{"type":"illegal_argument_exception","reason":"bad","root_cause":[`, `{"type":"illegal_argument_exception","reason":"unknown field [f#]"}`, `]}}`)},
		{"paypal", jsonType, grow(`{"name":"UNPROCESSABLE_ENTITY","debug_id":"90957fca61718","message":"The requested action could not be performed.","details":[`, `{"field":"/purchase_units/#/amount","issue":"INVALID_PARAMETER","description":"bad"}`, `]}`)},
		{"cloudflare", jsonType, grow(`{"success":false,"messages":[],"result":null,"errors":[`, `{"code":1003,"message":"Invalid or missing zone id #"}`, `]}`)},
		{"odata", jsonType, grow(`{"odata.error":{"code":"InvalidInput","message":{"lang":"en-US","value":"bad"},"innererror":{"items":[`, `{"k":"v#"}`, `]}}}`)},
		{"jira", jsonType, grow(`{"errorMessages":[],"errors":{`, `"customfield_#":"Field is required."`, `}}`)},
		{"rails errors map", jsonType, grow(`{"errors":{`, `"f#":["can't be blank"]`, `}}`)},
		{"nestjs message list", jsonType, grow(`{"statusCode":400,"error":"Bad Request","message":[`, `"f# must be a string"`, `]}`)},
		{"drf field map", jsonType, grow(`{`, `"f#":["This field is required."]`, `}`)},
		{"error array", jsonType, grow(`[`, `{"message":"Required fields are missing: [f#]","errorCode":"REQUIRED_FIELD_MISSING","fields":["f#"]}`, `]`)},
		{"s3 xml", "application/xml", grow(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>r</RequestId><Extra>`, `<Item>v#</Item>`, `</Extra></Error>`)},
		{"soap 1.1", "text/xml", grow(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>bad request</faultstring><detail>`, `<item>v#</item>`, `</detail></soap:Fault></soap:Body></soap:Envelope>`)},
		{"soap 1.2", "application/soap+xml", grow(`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">bad request</env:Text></env:Reason><env:Detail>`, `<item>v#</item>`, `</env:Detail></env:Fault></env:Body></env:Envelope>`)},
		{"html page", "text/html", grow(`<html><head><title>502 Bad Gateway</title></head><body>`, `<p>line #</p>`, `</body></html>`)},
		{"long message", jsonType, []byte(`{"message":"` + strings.Repeat("a", max(1, size-15)) + `"}`)},
		{"plain text", "text/plain; charset=utf-8", bytes.Repeat([]byte("no such book. "), max(1, size/14))},
	}
}

// BenchmarkErrorFromResponseSize reads each convention's example body at
// 1 KiB, 16 KiB, 256 KiB and 1 MiB (just under DefaultMaxErrorBody). MB/s
// is the reading rate; ns/KiB the cost per KiB of body.
//
//	go test -run '^$' -bench ErrorFromResponseSize -count 6 ./gateway
func BenchmarkErrorFromResponseSize(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10, 256 << 10, 1<<20 - 64} {
		for _, tc := range readingBodies(size) {
			b.Run(fmt.Sprintf("%s/size=%dKiB", tc.name, (size+64)>>10), func(b *testing.B) {
				resp := &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {tc.contentType}}}
				rd := bytes.NewReader(tc.body)
				b.ReportAllocs()
				b.SetBytes(int64(len(tc.body)))
				for b.Loop() {
					rd.Reset(tc.body)
					resp.Body = io.NopCloser(rd)
					if gateway.ErrorFromResponse(resp) == nil {
						b.Fatal("no error")
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(float64(len(tc.body))/1024), "ns/KiB")
			})
		}
	}
}

// TestReadingBodiesAreRead checks that each example body of
// BenchmarkErrorFromResponseSize is read as an error of its convention
// (not as an unrecognised body), and is under the size limit.
func TestReadingBodiesAreRead(t *testing.T) {
	for _, tc := range readingBodies(1 << 10) {
		if len(tc.body) > gateway.DefaultMaxErrorBody {
			t.Errorf("%s: %d bytes", tc.name, len(tc.body))
		}
		resp := &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {tc.contentType}}, Body: io.NopCloser(bytes.NewReader(tc.body))}
		err := gateway.ErrorFromResponse(resp)
		if err == nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
