package body

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// readJSON reads a body's details: a body nests no deeper than any status
// worth keeping (protojson's default is 10,000 levels, each of which costs
// a message).
var readJSON = protojson.UnmarshalOptions{RecursionLimit: 64}

// ReadDetail reads one element of a JSON body's details back into the Any
// the writer side of the contract (anyjson.go) wrote it from; nothing is
// dropped. A detail of a type this binary does not link is kept as its
// JSON (wire.KeptJSONTypeURL), one the writer could not render
// ({"@type", "@bytes": base64}) comes back as it was, the stream stand-in
// (KeepMarshalable) as the detail it stands for, and an element that is
// not an Any at all is kept as a google.protobuf.Value.
func ReadDetail(item []byte) *anypb.Any {
	a := new(anypb.Any)
	if readJSON.Unmarshal(item, a) == nil {
		return restoreUndecodable(a)
	}
	var typed struct {
		Type  string  `json:"@type"`
		Bytes *string `json:"@bytes"`
	}
	if json.Unmarshal(item, &typed) == nil && typed.Type != "" {
		if typed.Bytes != nil {
			if value, err := base64.StdEncoding.DecodeString(*typed.Bytes); err == nil {
				return &anypb.Any{TypeUrl: typed.Type, Value: value}
			}
		}
		if kept, ok := keepJSON(item); ok {
			return kept
		}
	}
	return jsonAsValue(item)
}

// keepJSON holds a JSON object with an "@type" member as a wire.KeptJSONTypeURL
// detail, which appendDetailJSON writes back as the same object.
func keepJSON(item []byte) (*anypb.Any, bool) {
	s := new(structpb.Struct)
	if readJSON.Unmarshal(item, s) != nil {
		return nil, false
	}
	value, err := proto.MarshalOptions{Deterministic: true}.Marshal(s)
	if err != nil {
		return nil, false
	}
	return &anypb.Any{TypeUrl: wire.KeptJSONTypeURL, Value: value}, true
}

// jsonAsValue keeps arbitrary JSON as a google.protobuf.Value detail.
func jsonAsValue(item []byte) *anypb.Any {
	v := new(structpb.Value)
	if readJSON.Unmarshal(item, v) != nil {
		v = structpb.NewStringValue(strings.ToValidUTF8(string(item), "\ufffd"))
	}
	a, err := anypb.New(v)
	if err != nil {
		return &anypb.Any{}
	}
	return a
}

// restoreUndecodable turns the stream error handler's stand-in
// (KeepMarshalable, wire.UndecodableReason) for a detail protojson could
// not write back into that detail.
func restoreUndecodable(a *anypb.Any) *anypb.Any {
	if !wire.HasFullName(a.GetTypeUrl(), wire.ErrorInfoFullName) {
		return a
	}
	var info errdetails.ErrorInfo
	if proto.Unmarshal(a.GetValue(), &info) != nil || info.GetReason() != wire.UndecodableReason || info.GetDomain() != wire.Domain {
		return a
	}
	typeURL, err1 := base64.StdEncoding.DecodeString(info.GetMetadata()["type_url"])
	value, err2 := base64.StdEncoding.DecodeString(info.GetMetadata()["value"])
	if err1 != nil || err2 != nil {
		return a
	}
	return &anypb.Any{TypeUrl: string(typeURL), Value: value}
}
