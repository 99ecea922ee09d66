package body

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
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

// TestAnyJSONRoundTrip holds the Any-as-JSON contract both ways: every form
// a detail takes in a JSON body (written by a Writer, or, for a stream's
// error chunk, by protojson after KeepMarshalable) is read back by
// ReadDetail into the same Any.
func TestAnyJSONRoundTrip(t *testing.T) {
	mustAny := func(m proto.Message) *anypb.Any {
		a, err := anypb.New(m)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	unlinked := &anypb.Any{TypeUrl: "type.example.com/example.Unlinked", Value: []byte{0x08, 0x96, 0x01, 0x12, 0x01, 'x'}}
	// proto.Marshal refuses invalid UTF-8; a peer's bytes may hold it.
	badUTF8 := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "BAD_\xff")
	invalidUTF8 := &anypb.Any{TypeUrl: "type.googleapis.com/" + wire.ErrorInfoFullName, Value: badUTF8}
	upstreamObject := `{"@type":"type.example.com/example.Unlinked","a":1,"b":[true,null,"c"],"d":{"e":"f"}}`
	kept := ReadDetail([]byte(upstreamObject))
	if kept.GetTypeUrl() != wire.KeptJSONTypeURL {
		t.Fatalf("an unlinked object was read as %s; want %s", kept.GetTypeUrl(), wire.KeptJSONTypeURL)
	}

	for _, tc := range []struct {
		name   string
		detail *anypb.Any
		member string // a member the written element must carry
	}{
		{"known google.rpc detail", mustAny(&errdetails.ErrorInfo{Reason: "R", Domain: "example.com", Metadata: map[string]string{"k": "v"}}), `"reason"`},
		{"known duration detail", mustAny(&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)}), `"retryDelay"`},
		{"known well-known type", mustAny(wrapperspb.String("text")), `"value"`},
		{"unlinked type kept as JSON", kept, `"d"`},
		{"unlinked type as raw bytes", unlinked, `"@bytes"`},
		{"invalid UTF-8 as raw bytes", invalidUTF8, `"@bytes"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range []*Writer{NewWriter(Options{}), nil} {
				items := writtenDetails(t, w, tc.detail)
				if len(items) != 1 {
					t.Fatalf("%d details written; want 1", len(items))
				}
				if !bytes.Contains(items[0], []byte(tc.member)) {
					t.Errorf("written as %s; want a member %s", items[0], tc.member)
				}
				if got := ReadDetail(items[0]); !sameAny(got, tc.detail) {
					t.Errorf("written as %s, read back as %v; want %v", items[0], got, tc.detail)
				}
			}
		})
	}

	t.Run("kept JSON is the object it was read from", func(t *testing.T) {
		items := writtenDetails(t, nil, kept)
		var got, want any
		if json.Unmarshal(items[0], &got) != nil || json.Unmarshal([]byte(upstreamObject), &want) != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("written as %s; want %s", items[0], upstreamObject)
		}
	})

	t.Run("stream stand-in", func(t *testing.T) {
		known := mustAny(&errdetails.ErrorInfo{Reason: "R", Domain: "example.com"})
		originals := []*anypb.Any{unlinked, invalidUTF8, known, kept}
		details := make([]*anypb.Any, len(originals))
		copy(details, originals)
		KeepMarshalable(details)
		for i, d := range details[:2] {
			if !wire.HasFullName(d.GetTypeUrl(), wire.ErrorInfoFullName) || d == originals[i] {
				t.Fatalf("detail %d not replaced by a stand-in: %v", i, d)
			}
		}
		for i := 2; i < len(details); i++ {
			if details[i] != originals[i] {
				t.Errorf("detail %d, which protojson writes, was replaced: %v", i, details[i])
			}
		}
		// grpc-gateway marshals the chunk with protojson, which now succeeds.
		chunk, err := protojson.Marshal(&spb.Status{Code: int32(codes.Internal), Details: details})
		if err != nil {
			t.Fatal(err)
		}
		var parsed struct{ Details []json.RawMessage }
		if err := json.Unmarshal(chunk, &parsed); err != nil || len(parsed.Details) != len(originals) {
			t.Fatalf("chunk %s: %v", chunk, err)
		}
		for i, item := range parsed.Details {
			if got := ReadDetail(item); !sameAny(got, originals[i]) {
				t.Errorf("detail %d written as %s, read back as %v; want %v", i, item, got, originals[i])
			}
		}
	})
}

// writtenDetails renders a google.rpc.Status body holding detail with w
// and returns the elements of its "details" array.
func writtenDetails(t *testing.T, w *Writer, detail *anypb.Any) []json.RawMessage {
	t.Helper()
	sp := &spb.Status{Code: int32(codes.Internal), Message: "m", Details: []*anypb.Any{detail}}
	_, rendered := w.Render(wire.FormatStatus, &runtime.JSONPb{MarshalOptions: DefaultJSONOptions()}, sp, 500)
	defer w.Release(rendered)
	var parsed struct{ Details []json.RawMessage }
	if err := json.Unmarshal(*rendered, &parsed); err != nil {
		t.Fatalf("body %s: %v", *rendered, err)
	}
	return parsed.Details
}

// sameAny reports whether two details are the same Any: the same type URL,
// and the same bytes or, for a type linked here (whose bytes protojson may
// re-encode in another order), equal messages.
func sameAny(a, b *anypb.Any) bool {
	if a.GetTypeUrl() != b.GetTypeUrl() {
		return false
	}
	if bytes.Equal(a.GetValue(), b.GetValue()) {
		return true
	}
	ma, errA := a.UnmarshalNew()
	mb, errB := b.UnmarshalNew()
	return errA == nil && errB == nil && proto.Equal(ma, mb)
}
