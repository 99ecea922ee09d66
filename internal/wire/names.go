package wire

import (
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
)

// Domain is the ErrorInfo domain of every reason statusmap itself writes:
// the gateway's UPSTREAM_* reasons and the stand-in for a detail it could
// not render.
const Domain = "statusmap.dev"

// Full names of the google.rpc error details that statusmap reads by name.
const (
	ErrorInfoFullName = "google.rpc.ErrorInfo"
	RetryInfoFullName = "google.rpc.RetryInfo"
	DebugInfoFullName = "google.rpc.DebugInfo"
)

// MaxRetryDelay bounds every retry delay that crosses between HTTP and
// gRPC, both ways (gateway.MaxRetryDelay documents it).
const MaxRetryDelay = 24 * time.Hour

// ParseCode reads a gRPC code's name: the canonical spelling of CodeNames,
// the lower-case names connect and twirp write ("not_found", "canceled"),
// the Go names grpc-go prints ("NotFound"), or a decimal number.
func ParseCode(name string) (codes.Code, bool) {
	upper := strings.ToUpper(name)
	if upper == "CANCELED" {
		return codes.Canceled, true
	}
	for c, canonical := range CodeNames {
		if upper == canonical || name == codes.Code(c).String() {
			return codes.Code(c), true
		}
	}
	if n, err := strconv.ParseUint(name, 10, 32); err == nil {
		return codes.Code(n), true
	}
	return 0, false
}
