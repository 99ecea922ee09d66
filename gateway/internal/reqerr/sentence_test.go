package reqerr

import (
	"context"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestKindSentenceKnowsProtobufKindNames: protojson names a field's kind
// by protoreflect.Kind's String; every scalar kind is one kindSentence
// knows.
func TestKindSentenceKnowsProtobufKindNames(t *testing.T) {
	for k := protoreflect.DoubleKind; k <= protoreflect.Sint64Kind; k++ {
		switch k {
		case protoreflect.GroupKind, protoreflect.MessageKind:
			continue
		}
		if got := kindSentence(context.Background(), k.String(), "f"); got == " is not valid" {
			t.Errorf("kind %v (%d): %q", k, k, got)
		}
	}
}
