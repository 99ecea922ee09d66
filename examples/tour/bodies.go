package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/genproto/googleapis/rpc/code"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// The -bodies flag feeds the client tests in examples/clients: the tour's
// requests are sent once through a gateway in each body format, and every
// error body is written as it came off the wire, next to what a client must
// decode from it. The expectation is taken from the gRPC side (the status
// the gateway received from the server), not from the body, so that a body
// that loses or changes anything fails the clients' tests; for a routing
// error, which reaches no server, it is what grpc-gateway alone writes.

// bodyFormats are the gateway's body formats, in the order they are written.
var bodyFormats = []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem}

// bodiesIndex is the name of the file listing every case.
const bodiesIndex = "cases.json"

// bodyCase is one error body and what a client must read from it. Its JSON
// form is what the client tests read (examples/clients/*/).
type bodyCase struct {
	// Format is the gateway's configured body format.
	Format string `json:"format"`
	// Kind is the message a client decodes the body as: "status"
	// (google.rpc.Status), "google" (statusmap.v1.GoogleErrorBody),
	// "problem" (statusmap.v1.Problem), or "stream" (a stream's error
	// chunk, {"error": google.rpc.Status}).
	Kind     string `json:"kind"`
	Request  string `json:"request"`
	What     string `json:"what"`
	Body     string `json:"body"` // file name, relative to the index
	HTTP     int    `json:"httpStatus"`
	MimeType string `json:"contentType"`
	// Source says where the expectation comes from: "grpc" (the status the
	// gRPC server answered) or "grpc-gateway" (a routing error, which
	// reaches no server: the status a plain grpc-gateway mux writes for
	// the same request).
	Source   string `json:"source"`
	Code     int32  `json:"code"`
	CodeName string `json:"codeName"`
	Message  string `json:"message"`
	// DetailTypes are the details' type URLs, in order; Details are the
	// details in the protobuf JSON form of google.protobuf.Any.
	DetailTypes []string          `json:"detailTypes"`
	Details     []json.RawMessage `json:"details"`
}

// writeBodies sends steps through a gateway in each body format and writes
// each error body, and an index of bodyCases, into dir.
func writeBodies(ctx context.Context, dir string, steps []step, out io.Writer) error {
	var cases []bodyCase
	for _, format := range bodyFormats {
		got, err := collectBodies(ctx, dir, format, steps)
		if err != nil {
			return fmt.Errorf("format %s: %w", format, err)
		}
		cases = append(cases, got...)
	}
	index, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, bodiesIndex), append(index, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d error bodies (%d formats) and %s to %s\n", len(cases), len(bodyFormats), bodiesIndex, dir)
	return nil
}

// collectBodies runs the steps through a gateway writing format and writes
// their error bodies into dir/<format>.
func collectBodies(ctx context.Context, dir string, format gateway.Format, steps []step) ([]bodyCase, error) {
	rec := &statusRecorder{}
	srv, err := startWith("127.0.0.1:0", "127.0.0.1:0",
		gatewayOptions(format),
		[]grpc.DialOption{grpc.WithChainUnaryInterceptor(rec.unary), grpc.WithChainStreamInterceptor(rec.stream)})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	plainURL, stopPlain, err := startPlainGateway(srv.grpcAddr)
	if err != nil {
		return nil, err
	}
	defer stopPlain()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	if err := os.MkdirAll(filepath.Join(dir, format.String()), 0o755); err != nil {
		return nil, err
	}

	c := bodyCollector{rec: rec, client: client, gatewayURL: srv.gatewayURL, plainURL: plainURL, dir: dir, format: format}
	var cases []bodyCase
	for i, s := range steps {
		bc, err := c.collect(ctx, i, s)
		if err != nil {
			return nil, err
		}
		if bc != nil {
			cases = append(cases, *bc)
		}
	}
	return cases, nil
}

// bodyCollector sends steps to a gateway writing format, the gRPC status
// each RPC ended with recorded by rec, and to a plain grpc-gateway at
// plainURL for the statuses of errors grpc-gateway itself answers.
type bodyCollector struct {
	rec                  *statusRecorder
	client               *http.Client
	gatewayURL, plainURL string
	dir                  string
	format               gateway.Format
}

// collect sends step i and writes its error body, checked against the
// gRPC status it stands for; nil when the step's answer carries none.
func (c bodyCollector) collect(ctx context.Context, i int, s step) (*bodyCase, error) {
	c.rec.reset()
	resp, body, err := send(ctx, c.client, c.gatewayURL, s)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", s.method, s.path, err)
	}
	sp, streamed := c.rec.last()
	if resp.StatusCode < 400 && !(streamed && sp != nil) {
		return nil, nil
	}
	kind := bodyKind(c.format, streamed, resp)
	if kind == "stream" {
		body = lastLine(body)
	}
	bc := &bodyCase{
		Format:   c.format.String(),
		Kind:     kind,
		Request:  s.method + " " + s.path,
		What:     s.what,
		Body:     fmt.Sprintf("%s/%02d-%d.json", c.format, i, resp.StatusCode),
		HTTP:     resp.StatusCode,
		MimeType: resp.Header.Get("Content-Type"),
	}
	bc.Source = "grpc"
	if sp == nil {
		// No RPC ended with an error: grpc-gateway answered on its own.
		bc.Source = "grpc-gateway"
		if sp, err = plainStatus(ctx, c.client, c.plainURL, s); err != nil {
			return nil, fmt.Errorf("%s: %w", bc.Request, err)
		}
	}
	if err := bc.expect(sp); err != nil {
		return nil, fmt.Errorf("%s: %w", bc.Request, err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, filepath.FromSlash(bc.Body)), body, 0o644); err != nil {
		return nil, err
	}
	return bc, nil
}

// bodyKind is the message a client decodes an error response's body as, as
// the gateway's documentation says. A stream's error after its first
// message is grpc-gateway's last chunk, {"error": google.rpc.Status}, in
// every format. Before it, the gateway answers as for a unary call, except
// that FormatStatus keeps grpc-gateway's chunk.
func bodyKind(format gateway.Format, streamed bool, resp *http.Response) string {
	switch {
	case streamed && resp.StatusCode < 400:
		return "stream"
	case strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json"):
		return gateway.FormatProblem.String()
	case streamed && format == gateway.FormatStatus:
		return "stream"
	default:
		return format.String()
	}
}

// startPlainGateway runs a grpc-gateway mux without statusmap in front of
// the gRPC server at grpcAddr.
func startPlainGateway(grpcAddr string) (url string, stop func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	mux := runtime.NewServeMux()
	err = bookshelfv1.RegisterBookshelfServiceHandlerFromEndpoint(ctx, mux, grpcAddr,
		[]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())})
	if err != nil {
		cancel()
		return "", nil, err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return "", nil, err
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go server.Serve(lis)
	return "http://" + lis.Addr().String(), func() { server.Close(); cancel() }, nil
}

// plainStatus is the status a plain grpc-gateway mux writes for s: its body,
// google.rpc.Status in protojson.
func plainStatus(ctx context.Context, client *http.Client, plainURL string, s step) (*spb.Status, error) {
	resp, body, err := send(ctx, client, plainURL, s)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 400 {
		return nil, fmt.Errorf("grpc-gateway answered %d, not an error", resp.StatusCode)
	}
	sp := &spb.Status{}
	if err := protojson.Unmarshal(body, sp); err != nil {
		return nil, fmt.Errorf("grpc-gateway's body %q: %w", body, err)
	}
	return sp, nil
}

// pinType is the type URL of statusmap's pin. It is left out of what a body
// must carry: a body is for clients that know only google.rpc, and the status
// line and headers already say what the pin says.
var pinType = "type.googleapis.com/" + string(proto.MessageName(&statusmapv1.HttpStatus{}))

// expect fills in the code, message and details a client must read.
func (c *bodyCase) expect(sp *spb.Status) error {
	c.Code = sp.GetCode()
	c.CodeName = code.Code(sp.GetCode()).String()
	c.Message = sp.GetMessage()
	c.DetailTypes = []string{}
	c.Details = []json.RawMessage{}
	for _, d := range sp.GetDetails() {
		if d.GetTypeUrl() == pinType {
			continue
		}
		b, err := protojson.Marshal(d)
		if err != nil {
			return err
		}
		c.DetailTypes = append(c.DetailTypes, d.GetTypeUrl())
		c.Details = append(c.Details, b)
	}
	return nil
}

func lastLine(body []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
	return lines[len(lines)-1]
}

// statusRecorder remembers the last error status the gateway received from
// the gRPC server, and whether the call was a stream. The steps run one at a
// time, so the last is the step's.
type statusRecorder struct {
	mu       sync.Mutex
	sp       *spb.Status
	streamed bool
}

func (r *statusRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sp, r.streamed = nil, false
}

func (r *statusRecorder) record(err error, streamed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sp, r.streamed = nil, streamed
	if err != nil {
		r.sp = status.Convert(err).Proto()
	}
}

func (r *statusRecorder) last() (sp *spb.Status, streamed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sp, r.streamed
}

func (r *statusRecorder) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	r.record(err, false)
	return err
}

func (r *statusRecorder) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	cs, err := streamer(ctx, desc, cc, method, opts...)
	r.record(err, true)
	if err != nil {
		return nil, err
	}
	return &recordingStream{ClientStream: cs, rec: r}, nil
}

// recordingStream records the error that ends a stream.
type recordingStream struct {
	grpc.ClientStream
	rec *statusRecorder
}

func (s *recordingStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil && err != io.EOF {
		s.rec.record(err, true)
	}
	return err
}
