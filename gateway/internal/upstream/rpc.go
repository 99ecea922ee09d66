package upstream

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"google.golang.org/protobuf/proto"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The RPC protocols over HTTP whose codes are gRPC's by name.

// decodeConnect reads connect's unary error body:
// {"code": "not_found", "message": "...", "details": [{"type", "value", "debug"}]}
// (connectrpc.com/docs/protocol, "Error end-of-stream" and unary errors).
// A code connect does not define is an API's own, kept as the ErrorInfo
// reason.
func decodeConnect(r *reading) (decoded, bool) {
	name, ok := str(r.obj, "code")
	if !ok || !onlyKeys(r.obj, "code", "message", "details") {
		return decoded{}, false
	}
	msg, isString := str(r.obj, "message")
	if _, has := r.obj["message"]; has && !isString {
		return decoded{}, false // connect's message is a string
	}
	d := decoded{message: msg}
	d.details, d.dropped.details = decodeConnectDetails(r.obj["details"])
	if d.code, d.hasCode = codeByName(name); !d.hasCode {
		d.reason = bounded(name)
	}
	return d, true
}

// decodeConnectDetails reads connect's details: {"type": "google.rpc.RetryInfo",
// "value": base64 without padding}, within the bounds decodeDetails keeps.
func decodeConnectDetails(raw json.RawMessage) (details []*anypb.Any, dropped int) {
	budget := maxDetailBytes
	n := eachElement(raw, maxDetails, func(raw []byte) {
		var item struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		}
		if len(raw) > budget || json.Unmarshal(raw, &item) != nil {
			dropped++
			return
		}
		var a *anypb.Any
		value, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(item.Value, "="))
		if err != nil || item.Type == "" {
			// Not decodable: keep what it said, as text.
			if a, err = anypb.New(structpb.NewStringValue(item.Type + ": " + item.Value)); err != nil {
				dropped++
				return
			}
		} else {
			a = &anypb.Any{TypeUrl: "type.googleapis.com/" + item.Type, Value: value}
		}
		budget -= proto.Size(a)
		details = append(details, a)
	})
	return details, dropped + max(n-maxDetails, 0)
}

// twirpCodes are twirp's codes that are not gRPC's names.
var twirpCodes = map[string]codes.Code{
	"malformed": codes.InvalidArgument,
	"bad_route": codes.Unimplemented,
}

// decodeTwirp reads twirp's error body: {"code": "not_found", "msg": "...",
// "meta": {"k": "v"}} (twitchtv.github.io/twirp/docs/spec_v7.html). The
// meta and a code twirp does not define are kept in an ErrorInfo of domain
// "twirp".
func decodeTwirp(r *reading) (decoded, bool) {
	name, ok := str(r.obj, "code")
	if !ok || !onlyKeys(r.obj, "code", "msg", "meta") {
		return decoded{}, false
	}
	msg, ok := str(r.obj, "msg")
	if !ok {
		return decoded{}, false
	}
	d := decoded{message: msg}
	d.code, d.hasCode = codeByName(name)
	if c, ok := twirpCodes[name]; ok {
		d.code, d.hasCode = c, true
	}
	n := eachMember(r.obj["meta"], maxMetadata, func(k, v []byte) {
		key, ok1 := jsonString(k)
		value, ok2 := jsonString(v)
		if ok1 && ok2 {
			if d.metadata == nil {
				d.metadata = make(map[string]string)
			}
			d.metadata[bounded(key)] = bounded(value)
		}
	})
	d.dropped.metadata += max(n-maxMetadata, 0)
	if len(d.metadata) > 0 || !d.hasCode {
		d.reason, d.domain = bounded(strings.ToUpper(name)), "twirp"
	}
	return d, true
}
