package body

import (
	"github.com/statusmap/statusmap/internal/wire"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestKeptJSONTypeURL pins the type URL of a detail kept from JSON: bodies
// already written and read carry it, so it must never change.
func TestKeptJSONTypeURL(t *testing.T) {
	if wire.KeptJSONTypeURL != "json.statusmap.dev/google.protobuf.Struct" {
		t.Errorf("wire.KeptJSONTypeURL = %q", wire.KeptJSONTypeURL)
	}
}

// TestAppendDetailJSONKept: a kept detail is written back as the object
// it was read from; one without a string "@type" stays a wrapped Struct.
func TestAppendDetailJSONKept(t *testing.T) {
	for _, tc := range []struct {
		object map[string]any
		want   string
	}{
		{map[string]any{"@type": "type.example.com/x.Y", "a": 1.0}, `{"@type":"type.example.com/x.Y","a":1}`},
		{map[string]any{"a": 1.0}, `{"@type":"json.statusmap.dev/google.protobuf.Struct","value":{"a":1}}`},
	} {
		s, err := structpb.NewStruct(tc.object)
		if err != nil {
			t.Fatal(err)
		}
		value, err := proto.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendDetailJSON(protojson.MarshalOptions{}, nil, &anypb.Any{TypeUrl: wire.KeptJSONTypeURL, Value: value})
		if err != nil {
			t.Fatal(err)
		}
		if string(stripRandomSpace(got)) != tc.want {
			t.Errorf("%v: got %s; want %s", tc.object, got, tc.want)
		}
	}
}
