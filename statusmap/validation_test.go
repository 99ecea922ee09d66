package statusmap_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// validationFailure is what protovalidate's interceptor (go-grpc-middleware's
// interceptors/protovalidate) answers an invalid request with: InvalidArgument,
// the validator's text, and a buf.validate.Violations detail. The real
// validator runs end to end in examples/validation, a module of its own.
func validationFailure(t testing.TB, fields ...[]*validate.FieldPathElement) error {
	vs := &validate.Violations{}
	var list []*validate.Violation
	for _, f := range fields {
		p := &validate.FieldPath{}
		p.SetElements(f)
		v := &validate.Violation{}
		v.SetField(p)
		v.SetRuleId("string.min_len")
		v.SetMessage("value length must be at least 1 characters")
		list = append(list, v)
	}
	vs.SetViolations(list)
	st, err := status.New(codes.InvalidArgument, "validation error").WithDetails(vs)
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func pathElement(number int32, name string) *validate.FieldPathElement {
	e := &validate.FieldPathElement{}
	e.SetFieldNumber(number)
	e.SetFieldName(name)
	return e
}

// validationStart serves the bookshelf over bufconn: statusmap's
// interceptors with opts outside a stand-in for protovalidate's, which
// fails every call with fail.
func validationStart(t *testing.T, fail error, opts ...statusmap.Option) bookshelfv1.BookshelfServiceClient {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor(opts...),
			func(context.Context, any, *grpc.UnaryServerInfo, grpc.UnaryHandler) (any, error) { return nil, fail }),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor(opts...),
			func(any, grpc.ServerStream, *grpc.StreamServerInfo, grpc.StreamHandler) error { return fail }),
	)
	bookshelfv1.RegisterBookshelfServiceServer(srv, bookshelfv1.UnimplementedBookshelfServiceServer{})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return bookshelfv1.NewBookshelfServiceClient(conn)
}

// detailNames are the full names of a status's details, and its
// BadRequest's fields, as a client that links both types reads them.
func detailNames(t *testing.T, err error) (names, fields []string) {
	t.Helper()
	st, _ := status.FromError(err)
	for _, d := range st.Proto().GetDetails() {
		name := string(d.MessageName())
		names = append(names, name)
		if name == "google.rpc.BadRequest" {
			br := &errdetails.BadRequest{}
			if err := anypb.UnmarshalTo(d, br, proto.UnmarshalOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, fv := range br.GetFieldViolations() {
				fields = append(fields, fv.GetField()+" "+fv.GetReason()+" "+fv.GetDescription())
			}
		}
	}
	if st.Code() != codes.InvalidArgument || st.Message() != "validation error" {
		t.Errorf("status %v %q changed", st.Code(), st.Message())
	}
	return names, fields
}

func TestInterceptorValidationDetails(t *testing.T) {
	unaryFail := validationFailure(t,
		[]*validate.FieldPathElement{pathElement(1, "book"), pathElement(2, "title")})
	// StreamBooksRequest.fail_with: its JSON name, failWith, comes from the
	// request's descriptor, found by the method's name.
	streamFail := validationFailure(t, []*validate.FieldPathElement{pathElement(2, "fail_with")})
	const why = " string.min_len value length must be at least 1 characters"
	tests := []struct {
		name                 string
		opts                 []statusmap.Option
		unaryNames, strNames []string
		unaryFields, strFlds []string
	}{
		{"default: off", nil,
			[]string{"buf.validate.Violations"}, []string{"buf.validate.Violations"}, nil, nil},
		{"off", []statusmap.Option{statusmap.WithValidationDetails(statusmap.ValidationOff)},
			[]string{"buf.validate.Violations"}, []string{"buf.validate.Violations"}, nil, nil},
		{"keep", []statusmap.Option{statusmap.WithValidationDetails(statusmap.ValidationKeep)},
			[]string{"buf.validate.Violations", "google.rpc.BadRequest"}, []string{"buf.validate.Violations", "google.rpc.BadRequest"},
			[]string{"book.title" + why}, []string{"failWith" + why}},
		{"replace", []statusmap.Option{statusmap.WithValidationDetails(statusmap.ValidationReplace)},
			[]string{"google.rpc.BadRequest"}, []string{"google.rpc.BadRequest"},
			[]string{"book.title" + why}, []string{"failWith" + why}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			client := validationStart(t, unaryFail, tt.opts...)
			_, err := client.CreateBook(ctx, &bookshelfv1.CreateBookRequest{})
			names, fields := detailNames(t, err)
			if strings.Join(names, ",") != strings.Join(tt.unaryNames, ",") || strings.Join(fields, ",") != strings.Join(tt.unaryFields, ",") {
				t.Errorf("unary: details %q fields %q; want %q %q", names, fields, tt.unaryNames, tt.unaryFields)
			}

			client = validationStart(t, streamFail, tt.opts...)
			stream, err := client.StreamBooks(ctx, &bookshelfv1.StreamBooksRequest{})
			if err == nil {
				_, err = stream.Recv()
			}
			if err == io.EOF {
				t.Fatal("stream ended without an error")
			}
			names, fields = detailNames(t, err)
			if strings.Join(names, ",") != strings.Join(tt.strNames, ",") || strings.Join(fields, ",") != strings.Join(tt.strFlds, ",") {
				t.Errorf("stream: details %q fields %q; want %q %q", names, fields, tt.strNames, tt.strFlds)
			}
		})
	}
}

func TestWithValidationDetailsBadValue(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(error).Error(), "WithValidationDetails(ValidationDetails(7))") {
			t.Errorf("panic %v; want one naming WithValidationDetails(ValidationDetails(7))", p)
		}
	}()
	statusmap.UnaryServerInterceptor(statusmap.WithValidationDetails(7))
}
