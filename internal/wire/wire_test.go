package wire_test

import (
	"testing"

	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

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
		if got, want := wire.IsHTTPStatus(s), s >= 100 && s <= 599; got != want {
			t.Errorf("IsHTTPStatus(%d) = %v", s, got)
		}
		if got, want := wire.IsSuccessStatus(s), s >= 200 && s <= 299; got != want {
			t.Errorf("IsSuccessStatus(%d) = %v", s, got)
		}
	}
}
