package wire_test

import (
	"testing"

	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/anypb"
)

func TestFindPin(t *testing.T) {
	good, _ := anypb.New(&statusmapv1.HttpStatus{Code: 407})
	bad, _ := anypb.New(&statusmapv1.HttpStatus{Code: 204})
	other, _ := anypb.New(&errdetails.ErrorInfo{Reason: "R"})
	garbage := &anypb.Any{TypeUrl: "type.googleapis.com/statusmap.v1.HttpStatus", Value: []byte{0xff, 0xff}}
	foreignPrefix := &anypb.Any{TypeUrl: "example.com/x/statusmap.v1.HttpStatus", Value: good.GetValue()}
	if got := wire.FindPin([]*anypb.Any{other, garbage, bad, nil, good}); got.GetCode() != 407 {
		t.Errorf("FindPin = %v; want 407", got)
	}
	if got := wire.FindPin([]*anypb.Any{foreignPrefix}); got.GetCode() != 407 {
		t.Errorf("FindPin with another URL prefix = %v; want 407", got)
	}
	if got := wire.FindPin([]*anypb.Any{other, bad, garbage}); got != nil {
		t.Errorf("FindPin = %v; want nil", got)
	}
}

// TestPinFullName holds the constant against the generated descriptor.
func TestPinFullName(t *testing.T) {
	if got := string((&statusmapv1.HttpStatus{}).ProtoReflect().Descriptor().FullName()); got != wire.PinFullName {
		t.Errorf("pin full name = %q; wire.PinFullName = %q", got, wire.PinFullName)
	}
	if !wire.HasFullName("type.googleapis.com/"+wire.PinFullName, wire.PinFullName) || wire.HasFullName("x/statusmap.v1.HttpStatusX", wire.PinFullName) {
		t.Error("HasFullName matches wrongly")
	}
}

func TestStatusRanges(t *testing.T) {
	for s := -1; s <= 1000; s++ {
		if got, want := wire.IsErrorStatus(s), s >= 400 && s <= 599; got != want {
			t.Errorf("IsErrorStatus(%d) = %v", s, got)
		}
		if got, want := wire.IsSuccessStatus(s), s >= 200 && s <= 299; got != want {
			t.Errorf("IsSuccessStatus(%d) = %v", s, got)
		}
	}
}
