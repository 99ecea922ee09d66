package body

import (
	"encoding/base64"
	"github.com/statusmap/statusmap/internal/jsontext"
	"strconv"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/anypb"
)

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

// appendCodeName appends a code's canonical name as a JSON string, or its
// decimal number for a code gRPC does not define, so that no code is lost.
func appendCodeName(buf []byte, c codes.Code) []byte {
	buf = append(buf, '"')
	if int(c) < len(wire.CodeNames) {
		buf = append(buf, wire.CodeNames[c]...)
	} else {
		buf = strconv.AppendUint(buf, uint64(c), 10)
	}
	return append(buf, '"')
}
