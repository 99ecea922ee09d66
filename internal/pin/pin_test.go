package pin_test

import (
	"errors"
	"testing"

	"github.com/statusmap/statusmap/internal/pin"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/anypb"
)

func TestFind(t *testing.T) {
	good, _ := anypb.New(&statusmapv1.HttpStatus{Code: 407})
	bad, _ := anypb.New(&statusmapv1.HttpStatus{Code: 204})
	other, _ := anypb.New(&errdetails.ErrorInfo{Reason: "R"})
	garbage := &anypb.Any{TypeUrl: "type.googleapis.com/statusmap.v1.HttpStatus", Value: []byte{0xff, 0xff}}
	foreignPrefix := &anypb.Any{TypeUrl: "example.com/x/statusmap.v1.HttpStatus", Value: good.GetValue()}
	if got := pin.Find([]*anypb.Any{other, garbage, bad, nil, good}); got.GetCode() != 407 {
		t.Errorf("FindPin = %v; want 407", got)
	}
	if got := pin.Find([]*anypb.Any{foreignPrefix}); got.GetCode() != 407 {
		t.Errorf("FindPin with another URL prefix = %v; want 407", got)
	}
	if got := pin.Find([]*anypb.Any{other, bad, garbage}); got != nil {
		t.Errorf("FindPin = %v; want nil", got)
	}
}

// TestFromDetails: decoded details follow Find's rule, so statusmap.PinOf
// and the gateway agree on which pin counts.
func TestFromDetails(t *testing.T) {
	cases := [][]*anypb.Any{}
	good, _ := anypb.New(&statusmapv1.HttpStatus{Code: 407})
	bad, _ := anypb.New(&statusmapv1.HttpStatus{Code: 204})
	other, _ := anypb.New(&errdetails.ErrorInfo{Reason: "R"})
	cases = append(cases, []*anypb.Any{other, bad, good}, []*anypb.Any{bad}, []*anypb.Any{good, bad}, nil)
	for i, details := range cases {
		var decoded []any
		for _, d := range details {
			m, err := d.UnmarshalNew()
			if err != nil {
				decoded = append(decoded, err)
				continue
			}
			decoded = append(decoded, m)
		}
		decoded = append(decoded, errors.New("a detail that did not decode"))
		want, got := pin.Find(details).GetCode(), pin.FromDetails(decoded).GetCode()
		if got != want {
			t.Errorf("case %d: FromDetails = %d; Find = %d", i, got, want)
		}
	}
}
