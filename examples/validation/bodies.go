package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// The -bodies flag adds this example's error bodies to those the tour
// wrote (go run ./examples/tour -bodies DIR), in the same cases.json, for
// the clients of examples/clients, which decode them strictly with only
// the google.rpc types registered. The gateway runs with
// WithValidationDetails(statusmap.ValidationReplace): a body that kept the
// buf.validate.Violations would be refused whole by such a client.
//
// What a client must read is taken from the gRPC side, as the tour does:
// the code and message the server answered, and for its Violations the
// BadRequest the gateway must write, built here from protovalidate's own
// reading of each violation (the path as protovalidate.FieldPathString
// writes it, mapped by request.fields, a table written by hand, to the
// JSON path; the rule id; the message), not by the code under test.

// bodyFormats are the gateway's body formats.
var bodyFormats = []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem}

// bodyCase is the tour's (examples/tour/bodies.go), with Fields: the JSON
// paths the BadRequest names, sorted.
type bodyCase struct {
	Format      string            `json:"format"`
	Kind        string            `json:"kind"`
	Request     string            `json:"request"`
	What        string            `json:"what"`
	Body        string            `json:"body"`
	HTTP        int               `json:"httpStatus"`
	MimeType    string            `json:"contentType"`
	Source      string            `json:"source"`
	Code        int32             `json:"code"`
	CodeName    string            `json:"codeName"`
	Message     string            `json:"message"`
	DetailTypes []string          `json:"detailTypes"`
	Details     []json.RawMessage `json:"details"`
	Fields      []string          `json:"fields"`
}

// bodiesDir is this example's directory under the tour's.
const bodiesDir = "validation"

// writeBodies runs the requests through a gateway in each format and adds
// their bodies to dir/cases.json, replacing those of an earlier run.
func writeBodies(ctx context.Context, dir string, out io.Writer) error {
	index := filepath.Join(dir, "cases.json")
	b, err := os.ReadFile(index)
	if err != nil {
		return fmt.Errorf("%w (write the tour's bodies first: go run ./examples/tour -bodies %s)", err, dir)
	}
	var existing []json.RawMessage
	if err := json.Unmarshal(b, &existing); err != nil {
		return fmt.Errorf("%s: %w", index, err)
	}
	var all []any
	for _, raw := range existing {
		var c struct {
			Body string `json:"body"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("%s: %w", index, err)
		}
		if !strings.HasPrefix(c.Body, bodiesDir+"/") {
			all = append(all, raw)
		}
	}
	n := 0
	for _, format := range bodyFormats {
		cases, err := collectBodies(ctx, dir, format)
		if err != nil {
			return fmt.Errorf("format %s: %w", format, err)
		}
		for _, c := range cases {
			all = append(all, c)
		}
		n += len(cases)
	}
	b, err = json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(index, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "added %d validation error bodies (%d formats) to %s\n", n, len(bodyFormats), index)
	return nil
}

// collectBodies runs every request through a gateway writing format.
func collectBodies(ctx context.Context, dir string, format gateway.Format) ([]bodyCase, error) {
	rec := &recorder{}
	srv, err := start(config{
		gateway: []gateway.Option{gateway.WithFormat(format), gateway.WithValidationDetails(statusmap.ValidationReplace)},
		dial:    []grpc.DialOption{grpc.WithChainUnaryInterceptor(rec.unary)},
	})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	if err := os.MkdirAll(filepath.Join(dir, bodiesDir, format.String()), 0o755); err != nil {
		return nil, err
	}
	var cases []bodyCase
	for i, r := range requests {
		resp, body, err := post(ctx, client, srv.gatewayURL, r.body)
		if err != nil {
			return nil, err
		}
		sp := rec.last()
		if sp == nil || resp.StatusCode != http.StatusBadRequest {
			return nil, fmt.Errorf("%s: %d %s, not a validation error", r, resp.StatusCode, body)
		}
		kind := format.String()
		c := bodyCase{
			Format:   format.String(),
			Kind:     kind,
			Request:  "POST /v1/orders",
			What:     r.what,
			Body:     fmt.Sprintf("%s/%s/%02d-%d.json", bodiesDir, format, i, resp.StatusCode),
			HTTP:     resp.StatusCode,
			MimeType: resp.Header.Get("Content-Type"),
			Source:   "grpc",
		}
		if err := c.expect(sp, r); err != nil {
			return nil, fmt.Errorf("%s: %w", r, err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(c.Body)), body, 0o644); err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// expect fills in what a client must read: the server's code and message,
// and its Violations as the BadRequest the gateway must write in their
// place.
func (c *bodyCase) expect(sp *spb.Status, r request) error {
	c.Code = sp.GetCode()
	c.CodeName = code.Code(sp.GetCode()).String()
	c.Message = sp.GetMessage()
	c.DetailTypes = []string{}
	c.Details = []json.RawMessage{}
	for _, d := range sp.GetDetails() {
		if d.MessageName() == "buf.validate.Violations" {
			br, fields, err := expectedBadRequest(d, r)
			if err != nil {
				return err
			}
			d = br
			c.Fields = fields
		}
		b, err := protojson.Marshal(d)
		if err != nil {
			return err
		}
		c.DetailTypes = append(c.DetailTypes, d.GetTypeUrl())
		c.Details = append(c.Details, b)
	}
	if c.Fields == nil {
		return errors.New("the server sent no buf.validate.Violations")
	}
	return nil
}

// expectedBadRequest is the BadRequest a client must read for a
// Violations detail, and its fields, sorted.
func expectedBadRequest(d *anypb.Any, r request) (*anypb.Any, []string, error) {
	vs := &validate.Violations{}
	if err := d.UnmarshalTo(vs); err != nil {
		return nil, nil, err
	}
	br := &errdetails.BadRequest{}
	var fields []string
	seen := map[string]bool{}
	for _, v := range vs.GetViolations() {
		path := protovalidate.FieldPathString(v.GetField())
		field, ok := r.fields[path]
		if !ok {
			return nil, nil, fmt.Errorf("the validator reports %q (%s), which the request's table does not expect", path, v.GetRuleId())
		}
		seen[path] = true
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
			Field: field, Description: v.GetMessage(), Reason: v.GetRuleId(),
		})
		fields = append(fields, field)
	}
	for path := range r.fields {
		if !seen[path] {
			return nil, nil, fmt.Errorf("the validator does not report %q, which the request's table expects", path)
		}
	}
	sort.Strings(fields)
	a, err := anypb.New(br)
	return a, fields, err
}

// recorder remembers the last error status the gateway received from the
// gRPC server.
type recorder struct {
	mu sync.Mutex
	sp *spb.Status
}

func (r *recorder) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sp = nil
	if err != nil {
		r.sp = status.Convert(err).Proto()
	}
	return err
}

func (r *recorder) last() *spb.Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sp
}
