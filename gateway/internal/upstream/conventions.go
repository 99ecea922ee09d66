package upstream

import (
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/anypb"
)

// An error body is read by a table of conventions, one per family of APIs
// (one file per family). Each convention claims a body by members that only its
// family writes together, so at most one claims any body and their order
// does not matter: TestConventionsAreExclusive runs every convention on
// every documented body of every other. The body is parsed once by its
// syntax (newReading: a JSON object or array, an XML document, an HTML
// page), and each convention looks at the syntax it reads. A JSON object
// no convention claims is read by the conventions most APIs share
// (decodeMessageFamily), and anything else (text, truncated or unknown
// JSON or XML) is quoted, but for binary bytes, which are not.

// A convention reads the error bodies of one family of APIs.
type convention struct {
	name string
	// decode reads the body, or reports false when the body is not in the
	// convention. It only reads.
	decode func(*reading) (decoded, bool)
}

// conventions is the table, the one place that decides which reader runs.
// Adding a row needs documented bodies in conventions_test.go's
// exclusivity table (documentedBodies), with their sources.
var conventions = [...]convention{
	{"grpc-gateway status", decodeStatusBody},        // grpc-gateway runtime.DefaultHTTPErrorHandler
	{"AIP-193", decodeGoogleBody},                    // google.aip.dev/193; Google JSON API errors
	{"grpc-gateway stream chunk", decodeStreamChunk}, // grpc-gateway runtime.ForwardResponseStream
	{"statusmap problem", decodeOurProblem},          // gateway.FormatProblem
	{"RFC 9457 problem", decodeForeignProblem},       // RFC 9457, RFC 7807, ASP.NET Core
	{"connect", decodeConnect},                       // connectrpc.com/docs/protocol
	{"twirp", decodeTwirp},                           // twitchtv.github.io/twirp/docs/spec_v7.html
	{"Huawei Cloud", decodeErrorCodeBody},            // support.huaweicloud.com; Databricks
	{"Kubernetes Status", decodeKubernetes},          // kubernetes.io, API concepts
	{"AWS JSON", decodeAWS},                          // docs.aws.amazon.com, JSON protocols
	{"error object", decodeErrorObject},              // docs.stripe.com/api/errors; Microsoft API guidelines
	{"OAuth 2.0", decodeOAuth},                       // RFC 6749, section 5.2
	{"FastAPI", decodeFastAPI},                       // fastapi.tiangolo.com
	{"Spring Boot", decodeSpring},                    // docs.spring.io, Spring Boot error handling
	{"Elasticsearch", decodeElasticsearch},           // elastic.co, API conventions (envelopes.go)
	{"PayPal", decodePayPal},                         // developer.paypal.com/api/rest/responses
	{"Cloudflare", decodeCloudflare},                 // developers.cloudflare.com/fundamentals/api
	{"OData", decodeOData},                           // odata.org JSON v3; Azure Table storage, SharePoint
	{"Jira", decodeJira},                             // developer.atlassian.com, Jira REST (fieldmaps.go)
	{"errors without message", decodeBareErrors},     // guides.rubyonrails.org, validations
	{"message list or map", decodeMessageList},       // docs.nestjs.com/techniques/validation
	{"Django REST framework", decodeDRF},             // django-rest-framework.org
	{"error array", decodeErrorArray},                // developer.salesforce.com REST API; Yii
	{"object-store XML", decodeStoreXML},             // docs.aws.amazon.com S3 errors; Azure Storage (xml.go)
	{"SOAP 1.1 fault", decodeSOAP11},                 // w3.org/TR/2000/NOTE-SOAP-20000508
	{"SOAP 1.2 fault", decodeSOAP12},                 // w3.org/TR/soap12-part1
	{"HTML page", decodeHTML},                        // nginx, AWS ALB, Cloudflare pages (html.go)
}

// decodeErrorBody reads a body by the conventions, or reports false for
// the body to be quoted.
func decodeErrorBody(r *reading) (decoded, bool) {
	for _, c := range conventions {
		if d, ok := c.decode(r); ok {
			return d, true
		}
	}
	if r.obj == nil {
		return decoded{}, false
	}
	return decodeMessageFamily(r)
}

// decoded is what a convention found in a body; build turns it into a
// status.
type decoded struct {
	// code is the gRPC code the body states, when hasCode: only statusmap's
	// own formats and the RPC protocols (connect, twirp) state one. Without
	// it the HTTP status decides.
	code    codes.Code
	hasCode bool
	// ours tells statusmap's own formats, whose default challenges say
	// nothing the status does not.
	ours    bool
	message string
	// details are the body's own google.protobuf.Any details.
	details []*anypb.Any
	// reason, domain and metadata make an ErrorInfo when reason is set. An
	// empty domain is the responding host's.
	reason, domain string
	metadata       map[string]string
	requestID      string
	violations     []*errdetails.BadRequest_FieldViolation
	helpURL        string
	retryDelay     time.Duration
	hasRetry       bool
	// dropped counts what the bounds left out, said in the status.
	dropped dropped
}

// dropped counts what a body held beyond the bounds on what it adds to a
// status: build says it in an ErrorInfo (ReasonTruncated).
type dropped struct {
	details, violations, metadata int
	// messageBytes is the length of a message that was cut.
	messageBytes int
	// upstreamInfo counts the fold ErrorInfos a body claimed under a status
	// line that is not a fold's (see dropForgedFolds).
	upstreamInfo int
}

// Bounds on what one body adds to a status, so that a body of
// gateway.defaultMaxErrorBody (1 MiB) bytes cannot make a status of many times that size
// (the whole status is written again to the gateway's own clients). What
// they leave out is counted in an ErrorInfo of reason
// ReasonTruncated.
const (
	maxViolations = 100
	maxText       = 1024 // one reason, field, description, metadata value or id
	// maxMessage bounds the message; a longer one is cut and ends in "…".
	maxMessage = 4096
	// maxDetails bounds the details a body brings (statusmap's formats,
	// AIP-193, connect): the rest are counted, not decoded.
	maxDetails = 64
	// maxMetadata bounds the ErrorInfo metadata entries a body brings.
	maxMetadata = 32
	// maxDetailBytes bounds the encoded size of all details of a status
	// read from a body together: a detail that would pass it is dropped.
	maxDetailBytes = 64 << 10
)
