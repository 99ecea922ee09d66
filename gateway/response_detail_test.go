package gateway_test

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// A detail whose type this binary does not link, as a statusmap gateway
// that links it writes it (protojson's form of an Any).
const foreignDetail = `{"@type":"type.googleapis.com/acme.quota.v1.QuotaFailure","limit":10,"window":"60s","tags":["a","b"],"nested":{"ok":true}}`

// TestUnknownDetailComesBackAsItself: read by a service that does not
// link the type, the detail is written again by its gateway as the very
// object it was, not wrapped; a gRPC client sees it as a Struct holding
// that object.
func TestUnknownDetailComesBackAsItself(t *testing.T) {
	for _, body := range []string{
		`{"code":9,"message":"over quota","details":[` + foreignDetail + `]}`,
		`{"error":{"code":400,"message":"over quota","status":"FAILED_PRECONDITION","details":[` + foreignDetail + `]}}`,
		`{"type":"about:blank","title":"Bad Request","status":400,"detail":"over quota","grpcCode":"FAILED_PRECONDITION","details":[` + foreignDetail + `]}`,
	} {
		err := gateway.ErrorFromResponse(fakeResponse(400, "application/json", body))
		st := status.Convert(err)
		if len(st.Details()) != 1 {
			t.Fatalf("details %v", st.Details())
		}
		s, ok := st.Details()[0].(*structpb.Struct)
		if !ok || s.GetFields()["@type"].GetStringValue() != "type.googleapis.com/acme.quota.v1.QuotaFailure" {
			t.Errorf("a gRPC client sees %T %v", st.Details()[0], st.Details()[0])
		}
		for _, f := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
			rec := httptest.NewRecorder()
			newGateway(gateway.WithFormat(f)).WriteError(rec, nil, err)
			details := findDetails(jsonOf(t, rec.Body.Bytes()))
			var want any
			if err := json.Unmarshal([]byte(foreignDetail), &want); err != nil {
				t.Fatal(err)
			}
			if len(details) != 1 || !reflect.DeepEqual(details[0], want) {
				t.Errorf("%v: written again as %s; want the detail %s", f, rec.Body, foreignDetail)
			}
			// And read once more, it is the same detail.
			again := status.Convert(gateway.ErrorFromResponse(rec.Result()))
			if len(again.Proto().GetDetails()) != 1 || !proto.Equal(again.Proto().GetDetails()[0], st.Proto().GetDetails()[0]) {
				t.Errorf("%v: read again as %v", f, again.Proto().GetDetails())
			}
		}
		// Where protojson writes it (grpc-gateway's stream chunk), it is a
		// Struct in an Any, which reads back as the same detail.
		chunk, err := protojson.Marshal(st.Proto())
		if err != nil {
			t.Fatal(err)
		}
		again := status.Convert(gateway.ErrorFromResponse(fakeResponse(400, "application/json", `{"error":`+string(chunk)+`}`)))
		if len(again.Proto().GetDetails()) != 1 || !proto.Equal(again.Proto().GetDetails()[0], st.Proto().GetDetails()[0]) {
			t.Errorf("from protojson %s: read as %v", chunk, again.Proto().GetDetails())
		}
	}
}
