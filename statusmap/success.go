package statusmap

import (
	"context"
	"fmt"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/statusmap/statusmap/internal/wire"
)

// SetHTTPStatus chooses the HTTP status a statusmap gateway answers this
// call's success with, such as 202 for an accepted job; it overrides the
// gateway's per-method and per-RPC choices. Call it from a gRPC handler
// before the response is sent. It accepts 2xx statuses only: an error's
// status comes from its gRPC status (see New).
func SetHTTPStatus(ctx context.Context, httpStatus int) error {
	if !wire.IsSuccessStatus(httpStatus) {
		return fmt.Errorf("statusmap: SetHTTPStatus(%d): not a 2xx status", httpStatus)
	}
	return grpc.SetHeader(ctx, metadata.Pairs(wire.SuccessStatusKey, strconv.Itoa(httpStatus)))
}
