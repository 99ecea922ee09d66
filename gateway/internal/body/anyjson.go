package body

import (
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// appendDetailJSON appends one detail as protojson with opts writes it,
// except a detail kept from JSON (wire.KeptJSONTypeURL), which is written as the
// object it was read from. The body writers call it for every detail the
// wire-bytes renderer does not write.
func appendDetailJSON(opts protojson.MarshalOptions, buf []byte, detail *anypb.Any) ([]byte, error) {
	if detail.GetTypeUrl() == wire.KeptJSONTypeURL {
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
