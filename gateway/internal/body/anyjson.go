package body

import (
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// KeptJSONTypeURL is the type URL of a detail read from JSON whose type
// this binary does not know: the JSON object, "@type" member and all, held
// in a google.protobuf.Struct. Protobuf resolvers look only at the name
// after the last slash, so every reader still decodes it as a Struct (a
// gRPC client sees the object and its type); the host part tells the
// writer to put it back as the object it was, so the detail reaches the
// next HTTP client as itself rather than wrapped. The reader of upstream
// bodies makes such details; this package writes them.
//
// A Struct holds JSON numbers as doubles, which is exact for what protojson
// writes (64-bit integers are written as strings).
const KeptJSONTypeURL = "json." + wire.Domain + "/google.protobuf.Struct"

// appendDetailJSON appends one detail as protojson with opts writes it,
// except a detail kept from JSON (KeptJSONTypeURL), which is written as the
// object it was read from. The body writers call it for every detail the
// wire-bytes renderer does not write.
func appendDetailJSON(opts protojson.MarshalOptions, buf []byte, detail *anypb.Any) ([]byte, error) {
	if detail.GetTypeUrl() == KeptJSONTypeURL {
		s := new(structpb.Struct)
		if proto.Unmarshal(detail.GetValue(), s) == nil {
			if t, ok := s.GetFields()["@type"].GetKind().(*structpb.Value_StringValue); ok && t.StringValue != "" {
				if out, err := opts.MarshalAppend(buf, s); err == nil {
					return out, nil
				}
			}
		}
	}
	return opts.MarshalAppend(buf, detail)
}
