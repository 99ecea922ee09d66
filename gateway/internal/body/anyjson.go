package body

import (
	"encoding/base64"

	"github.com/statusmap/statusmap/internal/jsontext"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The Any-as-JSON contract: how a google.protobuf.Any detail is written
// into a JSON error body (this file) and read back (ReadDetail, in
// anyjson_read.go). Each form written here has its reader there:
//
//   - a detail protojson can write is its protojson object;
//   - a detail kept from JSON (wire.KeptJSONTypeURL) is the object it was
//     read from (appendDetailJSON; keepJSON reads it);
//   - a detail protojson cannot write is {"@type", "@bytes"} in a body the
//     gateway writes itself (appendRawAny; ReadDetail reads "@bytes"),
//   - and, in a stream's error chunk, which grpc-gateway marshals, an
//     ErrorInfo stand-in (KeepMarshalable; restoreUndecodable reads it).
//
// The round trip of every form is held by TestAnyJSONRoundTrip.

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

// appendRawAny writes a detail as {"@type": url, "@bytes": base64(bytes)}.
// The member is not protojson's "value" (the JSON form of well-known types
// such as StringValue): a reader must not mistake the raw bytes for a
// message's field, and one that knows the type refuses the member loudly
// instead of decoding it wrong.
func appendRawAny(buf []byte, detail *anypb.Any) []byte {
	buf = append(buf, `{"@type":`...)
	buf = jsontext.AppendString(buf, detail.GetTypeUrl())
	buf = append(buf, `,"@bytes":"`...)
	buf = base64.StdEncoding.AppendEncode(buf, detail.GetValue())
	return append(buf, `"}`...)
}

// KeepMarshalable replaces, in place, each detail protojson cannot write
// (an unknown type, invalid UTF-8) with an ErrorInfo of reason
// wire.UndecodableReason holding its type URL and bytes in base64.
// grpc-gateway marshals a stream's error chunk itself and writes nothing at
// all when that fails; this way the chunk is written and ReadDetail turns
// the stand-in back into the detail.
func KeepMarshalable(details []*anypb.Any) {
	for i, detail := range details {
		if detail == nil {
			continue
		}
		if _, err := protojson.Marshal(detail); err == nil {
			continue
		}
		stand, err := anypb.New(&errdetails.ErrorInfo{
			Reason: wire.UndecodableReason, // ReadDetail turns it back
			Domain: wire.Domain,
			Metadata: map[string]string{
				"type_url": base64.StdEncoding.EncodeToString([]byte(detail.GetTypeUrl())),
				"value":    base64.StdEncoding.EncodeToString(detail.GetValue()),
			},
		})
		if err == nil {
			details[i] = stand
		}
	}
}
