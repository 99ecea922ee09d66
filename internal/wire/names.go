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

// UndecodableReason is the ErrorInfo reason (of domain Domain) that stands
// in for a detail protojson could not write: the gateway's stream error
// handler writes it, with the detail's type URL and bytes in base64 as the
// metadata "type_url" and "value", and the reader of upstream bodies turns
// it back into that detail.
const UndecodableReason = "UNDECODABLE_DETAIL"

// KeptJSONTypeURL is the type URL of a detail read from JSON whose type
// this binary does not know: the JSON object, "@type" member and all, held
// in a google.protobuf.Struct. Protobuf resolvers look only at the name
// after the last slash, so every reader still decodes it as a Struct (a
// gRPC client sees the object and its type); the host part tells the
// gateway's writer to put it back as the object it was, so the detail
// reaches the next HTTP client as itself rather than wrapped. The reader
// of upstream bodies makes such details; the writer renders them.
//
// A Struct holds JSON numbers as doubles, which is exact for what protojson
// writes (64-bit integers are written as strings).
const KeptJSONTypeURL = "json." + Domain + "/google.protobuf.Struct"

// The challenges a statusmap gateway writes on a 401 and a 407 when nothing
// says another: the writer's defaults, which the reader recognises as
// saying nothing the status does not.
const (
	DefaultWWWAuthenticate   = `Bearer realm="api"`
	DefaultProxyAuthenticate = `Basic realm="proxy"`
)

// Format is the shape of an error body, as the body writer and the OpenAPI
// rewrite both need it; gateway.Format is the public name of the same
// three shapes.
type Format uint8

const (
	// FormatStatus is google.rpc.Status: {"code", "message", "details"}.
	FormatStatus Format = iota
	// FormatGoogle is the AIP-193 envelope, statusmap.v1.GoogleErrorBody:
	// {"error": {...}}.
	FormatGoogle
	// FormatProblem is an RFC 9457 problem, statusmap.v1.Problem, as
	// application/problem+json.
	FormatProblem
)
