package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// The validation tests put a stand-in for protovalidate's gRPC interceptor
// (go-grpc-middleware's interceptors/protovalidate: InvalidArgument, the
// validator's text, a buf.validate.Violations detail) in front of the test
// service; the real validator runs end to end in examples/validation, a
// module of its own, so that it stays out of this one.

// violationsOf builds the Violations the stand-in answers with: each field
// a path of (number, proto name, subscript) elements.
func violationsOf(fields ...[]*validate.FieldPathElement) *validate.Violations {
	var list []*validate.Violation
	for i, f := range fields {
		p := &validate.FieldPath{}
		p.SetElements(f)
		v := &validate.Violation{}
		v.SetField(p)
		v.SetRuleId([]string{"string.min_len", "map.keys"}[i%2])
		v.SetMessage([]string{"value length must be at least 1 characters", "bad key"}[i%2])
		list = append(list, v)
	}
	vs := &validate.Violations{}
	vs.SetViolations(list)
	return vs
}

func fieldElement(number int32, name string) *validate.FieldPathElement {
	e := &validate.FieldPathElement{}
	e.SetFieldNumber(number)
	e.SetFieldName(name)
	return e
}

// invalidRequest is the stand-in validator's answer: CreateBook's
// book.title, and a map key under a field the request does not have (its
// name derived from the proto name); StreamBooks' fail_with, which the
// request's descriptor names failWith (failWith under UseProtoNames).
func invalidRequest(req any) error {
	var vs *validate.Violations
	switch r := req.(type) {
	case *bookshelfv1.CreateBookRequest:
		if r.GetBook().GetId() != "invalid" {
			return nil
		}
		key := fieldElement(9, "shelf_labels")
		key.SetStringKey(`env "prod"`)
		vs = violationsOf(
			[]*validate.FieldPathElement{fieldElement(1, "book"), fieldElement(2, "title")},
			[]*validate.FieldPathElement{key},
		)
	case *bookshelfv1.StreamBooksRequest:
		if r.GetFailWith() != "invalid" {
			return nil
		}
		vs = violationsOf([]*validate.FieldPathElement{fieldElement(2, "fail_with")})
	default:
		return nil
	}
	st, err := status.New(codes.InvalidArgument, "validation error").WithDetails(vs)
	if err != nil {
		panic(err)
	}
	return st.Err()
}

type validatingStream struct{ grpc.ServerStream }

func (s validatingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return invalidRequest(m)
}

// validatingBackend is the test service behind the stand-in validator,
// with statusmap's interceptors built from interceptors outside it, if any.
func validatingBackend(t testing.TB, interceptors ...statusmap.Option) string {
	t.Helper()
	unary := []grpc.UnaryServerInterceptor{func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if err := invalidRequest(req); err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}}
	stream := []grpc.StreamServerInterceptor{func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		return handler(srv, validatingStream{ss})
	}}
	if interceptors != nil {
		unary = append([]grpc.UnaryServerInterceptor{statusmap.UnaryServerInterceptor(interceptors...)}, unary...)
		stream = append([]grpc.StreamServerInterceptor{statusmap.StreamServerInterceptor(interceptors...)}, stream...)
	}
	return startBackend(t, &bookshelf{}, grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...))
}

// bodyStatus decodes an error body of any of the three formats into the
// status it carries, with protojson (which links both detail types).
func bodyStatus(t *testing.T, format gateway.Format, body []byte) *spb.Status {
	t.Helper()
	switch format {
	case gateway.FormatGoogle:
		b := &statusmapv1.GoogleErrorBody{}
		if err := protojson.Unmarshal(body, b); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return &spb.Status{Code: int32(codes.InvalidArgument), Message: b.GetError().GetMessage(), Details: b.GetError().GetDetails()}
	case gateway.FormatProblem:
		p := &statusmapv1.Problem{}
		if err := protojson.Unmarshal(body, p); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return &spb.Status{Code: int32(codes.InvalidArgument), Message: p.GetDetail(), Details: p.GetDetails()}
	default:
		// A stream that fails writes grpc-gateway's chunk, {"error": status}.
		var chunk map[string]json.RawMessage
		if json.Unmarshal(body, &chunk) == nil && len(chunk) == 1 && chunk["error"] != nil {
			body = chunk["error"]
		}
		sp := &spb.Status{}
		if err := protojson.Unmarshal(body, sp); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return sp
	}
}

// summary is a status's details as "type" or, for a BadRequest,
// "google.rpc.BadRequest{field reason description; ...}".
func summary(t *testing.T, details []*anypb.Any) string {
	t.Helper()
	var parts []string
	for _, d := range details {
		name := string(d.MessageName())
		if name == "google.rpc.BadRequest" {
			br := &errdetails.BadRequest{}
			if err := d.UnmarshalTo(br); err != nil {
				t.Fatal(err)
			}
			var fields []string
			for _, fv := range br.GetFieldViolations() {
				fields = append(fields, fv.GetField()+" "+fv.GetReason()+" "+fv.GetDescription())
			}
			name += "{" + strings.Join(fields, "; ") + "}"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, ", ")
}

const (
	createFields = `google.rpc.BadRequest{book.title string.min_len value length must be at least 1 characters; shelfLabels["env \"prod\""] map.keys bad key}`
	streamFields = `google.rpc.BadRequest{failWith string.min_len value length must be at least 1 characters}`
)

// TestValidationDetailsBodies: in every body format, a protovalidate
// error's Violations get a google.rpc.BadRequest by default, in their place
// with ValidationReplace, nothing with ValidationOff; the bodies decode
// with protojson, and ErrorFromResponse reads them back to the same
// details, unary and stream (before its first message) alike.
func TestValidationDetailsBodies(t *testing.T) {
	addr := validatingBackend(t)
	client := &http.Client{}
	t.Cleanup(client.CloseIdleConnections)
	tests := []struct {
		name                  string
		opts                  []gateway.Option
		createWant, streamWnt string
	}{
		{"default: keep", nil,
			"buf.validate.Violations, " + createFields, "buf.validate.Violations, " + streamFields},
		{"keep", []gateway.Option{gateway.WithValidationDetails(statusmap.ValidationKeep)},
			"buf.validate.Violations, " + createFields, "buf.validate.Violations, " + streamFields},
		{"replace", []gateway.Option{gateway.WithValidationDetails(statusmap.ValidationReplace)},
			createFields, streamFields},
		{"off", []gateway.Option{gateway.WithValidationDetails(statusmap.ValidationOff)},
			"buf.validate.Violations", "buf.validate.Violations"},
	}
	for _, tt := range tests {
		for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
			t.Run(tt.name+"/"+format.String(), func(t *testing.T) {
				url := startMux(t, addr, gateway.ServeMuxOptions(append([]gateway.Option{gateway.WithFormat(format)}, tt.opts...)...)...)
				for _, c := range []struct{ method, path, body, want string }{
					{"POST", "/v1/books", `{"id":"invalid"}`, tt.createWant},
					{"GET", "/v1/stream/books?failWith=invalid", "", tt.streamWnt},
				} {
					resp := doRequest(t, client, c.method, url+c.path, c.body)
					if resp.Status != http.StatusBadRequest {
						t.Fatalf("%s %s: %d %s", c.method, c.path, resp.Status, resp.Body)
					}
					sp := bodyStatus(t, format, resp.Body)
					if got := summary(t, sp.GetDetails()); got != c.want {
						t.Errorf("%s %s: body %s\ndetails %s\nwant    %s", c.method, c.path, resp.Body, got, c.want)
					}
					if sp.GetMessage() != "validation error" {
						t.Errorf("message %q", sp.GetMessage())
					}
					read := readBack(t, resp)
					if read.Code() != codes.InvalidArgument || summary(t, read.Proto().GetDetails()) != c.want {
						t.Errorf("%s %s: ErrorFromResponse reads %v %s; want InvalidArgument %s", c.method, c.path, read.Code(), summary(t, read.Proto().GetDetails()), c.want)
					}
				}
			})
		}
	}
}

// readBack is ErrorFromResponse of a response already read.
func readBack(t *testing.T, r response) *status.Status {
	t.Helper()
	resp := &http.Response{StatusCode: r.Status, Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Body))}
	return status.Convert(gateway.ErrorFromResponse(resp))
}

// TestValidationDetailsProtoNames: under a marshaler with UseProtoNames,
// the paths use the proto names, as the body does, unary and stream.
func TestValidationDetailsProtoNames(t *testing.T) {
	addr := validatingBackend(t)
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseProtoNames: true}}}
	url := startMux(t, addr, append(gateway.ServeMuxOptions(gateway.WithValidationDetails(statusmap.ValidationReplace)),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, marshaler))...)
	client := &http.Client{}
	t.Cleanup(client.CloseIdleConnections)
	resp := doRequest(t, client, "POST", url+"/v1/books", `{"id":"invalid"}`)
	want := `google.rpc.BadRequest{book.title string.min_len value length must be at least 1 characters; shelf_labels["env \"prod\""] map.keys bad key}`
	if got := summary(t, bodyStatus(t, gateway.FormatStatus, resp.Body).GetDetails()); got != want {
		t.Errorf("details %s\nwant    %s", got, want)
	}
	// A stream's error chunk is written with the same marshaler.
	resp = doRequest(t, client, "GET", url+"/v1/stream/books?failWith=invalid", "")
	want = `google.rpc.BadRequest{fail_with string.min_len value length must be at least 1 characters}`
	if got := summary(t, bodyStatus(t, gateway.FormatStatus, resp.Body).GetDetails()); got != want {
		t.Errorf("stream: %s\ndetails %s\nwant    %s", resp.Body, got, want)
	}
}

// TestValidationDetailsAfterInterceptors: statusmap's interceptors with
// WithValidationDetails(ValidationKeep) already added the BadRequest; the
// gateway adds no second one, and under ValidationReplace drops the
// Violations.
func TestValidationDetailsAfterInterceptors(t *testing.T) {
	addr := validatingBackend(t, statusmap.WithValidationDetails(statusmap.ValidationKeep))
	client := &http.Client{}
	t.Cleanup(client.CloseIdleConnections)
	for mode, want := range map[statusmap.ValidationDetails]string{
		statusmap.ValidationKeep:    "buf.validate.Violations, " + createFields,
		statusmap.ValidationReplace: createFields,
	} {
		url := startMux(t, addr, gateway.ServeMuxOptions(gateway.WithValidationDetails(mode))...)
		resp := doRequest(t, client, "POST", url+"/v1/books", `{"id":"invalid"}`)
		if got := summary(t, bodyStatus(t, gateway.FormatStatus, resp.Body).GetDetails()); got != want {
			t.Errorf("%v: details %s\nwant    %s", mode, got, want)
		}
	}
}

func TestWithValidationDetailsBadValue(t *testing.T) {
	_, err := gateway.New(gateway.WithValidationDetails(statusmap.ValidationDetails(-1)))
	if err == nil || !strings.Contains(err.Error(), "WithValidationDetails(ValidationDetails(-1))") {
		t.Errorf("New: %v; want an error naming WithValidationDetails(ValidationDetails(-1))", err)
	}
}

// BenchmarkValidationDetails: the cost of a protovalidate error with three
// violations, written by WriteError, in each mode (Off is the baseline: the
// Violations rendered with protojson, nothing built).
func BenchmarkValidationDetails(b *testing.B) {
	key := fieldElement(3, "labels")
	key.SetStringKey("env")
	index := fieldElement(2, "line_items")
	index.SetIndex(2)
	st, err := status.New(codes.InvalidArgument, "validation error").WithDetails(violationsOf(
		[]*validate.FieldPathElement{fieldElement(1, "customer_id")},
		[]*validate.FieldPathElement{index, fieldElement(1, "sku")},
		[]*validate.FieldPathElement{key},
	))
	if err != nil {
		b.Fatal(err)
	}
	stErr := st.Err()
	req := httptest.NewRequest("POST", "/v1/orders", nil)
	for _, mode := range []statusmap.ValidationDetails{statusmap.ValidationOff, statusmap.ValidationKeep, statusmap.ValidationReplace} {
		b.Run(mode.String(), func(b *testing.B) {
			g := newGateway(gateway.WithValidationDetails(mode))
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				if err := g.WriteError(rec, req, stErr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
