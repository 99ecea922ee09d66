package statusmap

import (
	"context"
	"fmt"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// HTTPStatusMetadataKey is the gRPC header metadata key that SetHTTPStatus
// writes and a statusmap gateway reads (and does not forward).
const HTTPStatusMetadataKey = "statusmap-http-status"

// SetHTTPStatus chooses the HTTP status a statusmap gateway answers this
// call's success with, such as 202 for an accepted job; it overrides the
// gateway's per-method and per-RPC choices. Call it from a gRPC handler
// before the response is sent. It accepts 2xx statuses only: an error's
// status comes from its gRPC status (see New).
func SetHTTPStatus(ctx context.Context, httpStatus int) error {
	if !isSuccessStatus(httpStatus) {
		return fmt.Errorf("statusmap: SetHTTPStatus(%d): not a 2xx status", httpStatus)
	}
	return grpc.SetHeader(ctx, metadata.Pairs(HTTPStatusMetadataKey, strconv.Itoa(httpStatus)))
}
