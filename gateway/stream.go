package gateway

import (
	"context"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// handleStreamError answers a stream's error. grpc-gateway writes the
// status line itself, from its own table, when the stream fails before its
// first message; the middleware's writer substitutes ours, and the headers
// are set here while they can still be sent.
func (c *config) handleStreamError(ctx context.Context, err error) *status.Status {
	sp, httpStatus, pin := c.errorStatus(err)
	c.redactStatus(sp, httpStatus)
	if state := stateFrom(ctx); state != nil && !state.writer.wroteHeader {
		state.writer.errorStatus = httpStatus
		c.setErrorHeaders(state.writer.Header(), sp, httpStatus, pin)
	}
	keepMarshalable(sp.GetDetails())
	if !utf8.ValidString(sp.Message) {
		sp.Message = strings.ToValidUTF8(sp.Message, "\ufffd")
	}
	return status.FromProto(sp)
}

// undecodableReason marks an ErrorInfo that stands in for a detail protojson
// could not write; ErrorFromResponse turns it back into the original detail.
const (
	undecodableReason = "UNDECODABLE_DETAIL"
	undecodableDomain = "statusmap.dev"
)

// keepMarshalable replaces, in place, each detail protojson cannot write
// (an unknown type, invalid UTF-8) with an ErrorInfo holding its type URL
// and bytes in base64. grpc-gateway marshals a stream's error chunk itself
// and writes nothing at all when that fails; this way the chunk is written
// and the detail can still be read back.
func keepMarshalable(details []*anypb.Any) {
	for i, detail := range details {
		if detail == nil {
			continue
		}
		if _, err := protojson.Marshal(detail); err == nil {
			continue
		}
		stand, err := anypb.New(&errdetails.ErrorInfo{
			Reason: undecodableReason,
			Domain: undecodableDomain,
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
