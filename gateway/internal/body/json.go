package body

import (
	"strconv"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/codes"
)

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
