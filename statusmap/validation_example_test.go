package statusmap_test

import (
	"context"
	"fmt"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// A protovalidate interceptor's error (built here by hand: the real
// validator runs in examples/validation) gets a google.rpc.BadRequest in
// place of its buf.validate.Violations, so that a client knowing only
// google.rpc reads the field errors. In a server, give the option to
// UnaryServerInterceptor and StreamServerInterceptor, outside the
// protovalidate interceptor.
func ExampleWithValidationDetails() {
	items := &validate.FieldPathElement{}
	items.SetFieldNumber(1)
	items.SetFieldName("line_items")
	items.SetIndex(2)
	sku := &validate.FieldPathElement{}
	sku.SetFieldNumber(1)
	sku.SetFieldName("sku")
	field := &validate.FieldPath{}
	field.SetElements([]*validate.FieldPathElement{items, sku})
	violation := &validate.Violation{}
	violation.SetField(field)
	violation.SetRuleId("string.min_len")
	violation.SetMessage("value length must be at least 1 characters")
	violations := &validate.Violations{}
	violations.SetViolations([]*validate.Violation{violation})
	st, _ := status.New(codes.InvalidArgument, "validation error").WithDetails(violations)

	err := statusmap.Translator(statusmap.WithValidationDetails(statusmap.ValidationReplace))(context.Background(), st.Err())
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, fv := range br.GetFieldViolations() {
				fmt.Printf("%s: %s (%s)\n", fv.GetField(), fv.GetDescription(), fv.GetReason())
			}
		}
	}
	// Output:
	// lineItems[2].sku: value length must be at least 1 characters (string.min_len)
}
