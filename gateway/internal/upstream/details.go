package upstream

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// codeOf is n as a gRPC code, or OK when n is not one.
func codeOf(n int64) codes.Code {
	if n < 0 || n > wire.MaxCode {
		return codes.OK
	}
	return codes.Code(n)
}

// decodeDetails reads a JSON array of google.protobuf.Any, as statusmap's
// formats write it. Nothing is dropped but for the bounds (the first
// maxDetails details, maxDetailBytes of them in all; the rest are counted
// in dropped, not decoded): a detail of a type this binary does not link
// is kept as its JSON (wire.KeptJSONTypeURL), one the writer could not render
// ({"@type", "@bytes": base64}) comes back as it was, and an element that
// is not an Any at all is kept as a google.protobuf.Value.
func decodeDetails(raw json.RawMessage) (details []*anypb.Any, dropped int) {
	budget := maxDetailBytes
	n := eachElement(raw, maxDetails, func(item []byte) {
		// A detail's encoding is not much larger than its JSON, but a
		// Value's can be: the size is checked again once it is decoded.
		if len(item) > budget {
			dropped++
			return
		}
		d := decodeDetail(item)
		if size := proto.Size(d); size <= budget {
			budget -= size
			details = append(details, d)
			return
		}
		dropped++
	})
	return details, dropped + max(n-maxDetails, 0)
}

// upstreamJSON reads a body's details: a body nests no deeper than any
// status worth keeping (protojson's default is 10,000 levels, each of
// which costs a message).
var upstreamJSON = protojson.UnmarshalOptions{RecursionLimit: 64}

func decodeDetail(item json.RawMessage) *anypb.Any {
	a := new(anypb.Any)
	if upstreamJSON.Unmarshal(item, a) == nil {
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
// detail.
func keepJSON(item json.RawMessage) (*anypb.Any, bool) {
	s := new(structpb.Struct)
	if upstreamJSON.Unmarshal(item, s) != nil {
		return nil, false
	}
	value, err := proto.MarshalOptions{Deterministic: true}.Marshal(s)
	if err != nil {
		return nil, false
	}
	return &anypb.Any{TypeUrl: wire.KeptJSONTypeURL, Value: value}, true
}

// jsonAsValue keeps arbitrary JSON as a google.protobuf.Value detail.
func jsonAsValue(item json.RawMessage) *anypb.Any {
	v := new(structpb.Value)
	if upstreamJSON.Unmarshal(item, v) != nil {
		v = structpb.NewStringValue(strings.ToValidUTF8(string(item), "\ufffd"))
	}
	a, err := anypb.New(v)
	if err != nil {
		return &anypb.Any{}
	}
	return a
}

// restoreUndecodable turns the stream error handler's stand-in (see
// wire.UndecodableReason) for a detail protojson could not write back into
// that detail.
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
