package gateway

import (
	"context"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/protobuf/proto"
)

// successConfig chooses a success's status.
type successConfig struct {
	disabled bool
	byMethod map[string]int
	byRPC    map[string]int
	// methods is byMethod as a list (compile): a success looks its
	// method up among two or three, where a scan costs less than hashing.
	methods []methodStatus
}

type methodStatus struct {
	method string
	status int
}

// compile makes methods from byMethod, once the options are applied.
func (c *successConfig) compile() {
	c.methods = c.methods[:0:0]
	for m, s := range c.byMethod {
		c.methods = append(c.methods, methodStatus{m, s})
	}
}

func defaultSuccessConfig() successConfig {
	return successConfig{byMethod: map[string]int{
		http.MethodPost:   http.StatusCreated,
		http.MethodDelete: http.StatusNoContent,
	}}
}

// forwardResponse is the forward-response option that sets a success's
// status. grpc-gateway calls it after it wrote the forwarded headers and
// before it writes the body; for a server stream, once with a nil message
// before the first one.
func (b *binding) forwardResponse(ctx context.Context, w http.ResponseWriter, msg proto.Message) error {
	ex := exchangeOf(ctx, w, b)
	if ex == nil || ex.b != b {
		// Not routed through our middleware (grpc-gateway's own answer),
		// or through another statusmap installation of the mux.
		return nil
	}
	if msg == nil {
		if !ex.streaming {
			ex.openStream(ctx)
			md, _ := runtime.ServerMetadataFromContext(ctx)
			b.fixForwardedMetadata(ctx, md, ex)
		}
		return nil
	}
	if ex.streaming || ex.wroteHeader {
		return nil
	}
	// One look-up of the metadata serves both uses: a context walk is most
	// of what statusmap adds to a success.
	md, _ := runtime.ServerMetadataFromContext(ctx)
	b.fixForwardedMetadata(ctx, md, ex)
	httpStatus := b.g.successStatus(ctx, md, ex.method)
	if !wire.BodyAllowed(httpStatus) && !isEmptyMessage(msg) {
		// A message with content keeps it, with 200: nothing is thrown
		// away.
		httpStatus = http.StatusOK
	}
	if httpStatus != http.StatusOK {
		ex.successStatus = httpStatus
	}
	return nil
}

// isEmptyMessage reports whether a response message has no populated
// field. The message decides a 204, not the bytes a marshaler happens to
// write for it ("{}", or {"status":"UNKNOWN"} with EmitUnpopulated).
func isEmptyMessage(msg proto.Message) bool {
	return proto.Size(msg) == 0
}

// successStatus picks the status: the handler's own choice, then the RPC's,
// then the method's.
func (g *Gateway) successStatus(ctx context.Context, md runtime.ServerMetadata, method string) int {
	if len(md.HeaderMD) > 0 {
		if vs := md.HeaderMD[wire.SuccessStatusKey]; len(vs) > 0 {
			if s, err := strconv.Atoi(vs[len(vs)-1]); err == nil && wire.IsSuccessStatus(s) {
				return s
			}
		}
	}
	if g.cfg.success.disabled {
		return http.StatusOK
	}
	// Without per-RPC statuses the context walk that finds the RPC is
	// spared.
	if len(g.cfg.success.byRPC) > 0 {
		if rpc, ok := runtime.RPCMethod(ctx); ok {
			if s, ok := g.cfg.success.byRPC[rpc]; ok {
				return s
			}
		}
	}
	for _, ms := range g.cfg.success.methods {
		if ms.method == method {
			return ms.status
		}
	}
	return http.StatusOK
}
