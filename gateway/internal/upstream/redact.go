package upstream

import (
	"bytes"
	"net/http"

	"github.com/statusmap/statusmap/internal/httpwire"
	pins "github.com/statusmap/statusmap/internal/pin"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// redact keeps of a status answered with a 5xx nothing an upstream wrote
// (see gateway.Gateway.ErrorFromResponse): its message becomes the reason
// phrase, and of its details only a bare pin, a RetryInfo and the
// ErrorInfos of RedactedInfo stay. A status answered with a 4xx is
// returned as it is.
//
// It keeps far less than the writer's redaction (gateway's redactStatus,
// which drops only the message and a DebugInfo): every detail here was
// written by an upstream, a third party whose text the gateway would
// otherwise pass on as its own, so only what statusmap can vouch for
// stays: the status (a bare pin), a delay (RetryInfo, for Retry-After)
// and the ErrorInfos the reader itself built. The writer's redaction
// handles statuses of the user's own services, whose details are the
// API's contract.
func redact(st *status.Status, mapper *statusmap.Mapper) *status.Status {
	sp := st.Proto()
	answer := mapper.HTTPStatus(codes.Code(sp.GetCode()))
	if pin := pins.Find(sp.GetDetails()); pin != nil {
		answer = int(pin.GetCode())
	}
	if answer < 500 {
		return st
	}
	sp.Message = http.StatusText(answer)
	kept := sp.Details[:0]
	pinned := false
	for _, d := range sp.Details {
		switch {
		case wire.IsPin(d):
			// A pin's challenges and methods are an upstream's text (and a
			// 5xx writes neither): only its code is kept, once. The fold's
			// own pin is such a bare 502 already.
			if !pinned {
				if bare, err := anypb.New(&statusmapv1.HttpStatus{Code: int32(answer)}); err == nil {
					kept = append(kept, bare)
				}
				pinned = true
			}
		case wire.HasFullName(d.GetTypeUrl(), wire.RetryInfoFullName):
			kept = append(kept, d)
		case wire.HasFullName(d.GetTypeUrl(), wire.ErrorInfoFullName):
			if clean, ok := RedactedInfo(d); ok {
				kept = append(kept, clean)
			}
		}
	}
	sp.Details = kept
	return status.FromProto(sp)
}

// RedactedInfo is an ErrorInfo of domain wire.Domain and one of Read's
// reasons with only the metadata that are numbers or gRPC code names: what
// this package writes there, never what an upstream wrote (a message, a
// challenge, an Allow). It reports false for any other ErrorInfo. The
// gateway's writer applies it too, under WithRedaction.
func RedactedInfo(d *anypb.Any) (*anypb.Any, bool) {
	var info errdetails.ErrorInfo
	if !bytes.Contains(d.GetValue(), []byte(wire.Domain)) || proto.Unmarshal(d.GetValue(), &info) != nil || info.GetDomain() != wire.Domain || !isUpstreamReason(info.GetReason()) {
		return nil, false
	}
	changed := false
	for key, value := range info.GetMetadata() {
		if !redactionKeeps(key, value) {
			delete(info.Metadata, key)
			changed = true
		}
	}
	if !changed {
		return d, true
	}
	clean, err := anypb.New(&info)
	return clean, err == nil
}

// redactionKeeps reports whether an upstream ErrorInfo's metadata entry is
// one this package writes there with a value it chose: a number, or a gRPC
// code's name. A forged entry of another name, or with text, is not.
func redactionKeeps(key, value string) bool {
	switch key {
	case "grpcCode":
		_, ok := wire.ParseCode(value)
		return ok
	case "httpStatus", "responseStatus", "droppedDetails", "droppedFieldViolations", "droppedMetadata", "droppedUpstreamInfo", "messageBytes":
		return httpwire.IsDigits(value)
	}
	return false
}

// isUpstreamReason reports whether reason is one of the ErrorInfo reasons
// Read writes.
func isUpstreamReason(reason string) bool {
	return isFoldReasonName(reason) || reason == ReasonTruncated
}
