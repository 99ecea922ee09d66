package upstream

import (
	"encoding/json"

	"github.com/statusmap/statusmap/gateway/internal/body"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
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
// is kept as its JSON, one the writer could not render comes back as it
// was, and an element that is not an Any at all is kept as a
// google.protobuf.Value: each element is read by body.ReadDetail, the
// reading half of the one Any-as-JSON contract.
func decodeDetails(raw json.RawMessage) (details []*anypb.Any, dropped int) {
	budget := maxDetailBytes
	n := eachElement(raw, maxDetails, func(item []byte) {
		// A detail's encoding is not much larger than its JSON, but a
		// Value's can be: the size is checked again once it is decoded.
		if len(item) > budget {
			dropped++
			return
		}
		d := body.ReadDetail(item)
		if size := proto.Size(d); size <= budget {
			budget -= size
			details = append(details, d)
			return
		}
		dropped++
	})
	return details, dropped + max(n-maxDetails, 0)
}
