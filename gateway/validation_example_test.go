package gateway_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// A protovalidate interceptor's error (built here by hand; the real
// validator runs in examples/validation) is answered with a
// google.rpc.BadRequest in place of its buf.validate.Violations, which a
// client that registers only google.rpc types can decode. Through a mux
// the field names are those of the RPC's request message.
func ExampleWithValidationDetails() {
	labels := &validate.FieldPathElement{}
	labels.SetFieldNumber(3)
	labels.SetFieldName("labels")
	labels.SetStringKey("env")
	field := &validate.FieldPath{}
	field.SetElements([]*validate.FieldPathElement{labels})
	violation := &validate.Violation{}
	violation.SetField(field)
	violation.SetRuleId("string.in")
	violation.SetMessage("value must be in list [dev, prod]")
	violations := &validate.Violations{}
	violations.SetViolations([]*validate.Violation{violation})
	st, _ := status.New(codes.InvalidArgument, "validation error").WithDetails(violations)

	g, err := gateway.New(gateway.WithFormat(gateway.FormatGoogle), gateway.WithValidationDetails(statusmap.ValidationReplace))
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	_ = g.WriteError(rec, nil, st.Err())
	// Compacted: protojson, which writes the details, varies its spacing.
	var body bytes.Buffer
	_ = json.Compact(&body, rec.Body.Bytes())
	fmt.Println(rec.Code, body.String())
	// Output:
	// 400 {"error":{"code":400,"message":"validation error","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"labels[\"env\"]","description":"value must be in list [dev, prod]","reason":"string.in","localizedMessage":null}]}]}}
}
