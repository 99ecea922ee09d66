package upstream

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/statusmap/statusmap/internal/httpwire"

	"github.com/statusmap/statusmap/internal/wire"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// An error body is read by a table of conventions, one per family of APIs
// (decode_*.go). Each convention claims a body by members that only its
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
// Adding a row needs documented bodies in decode_internal_test.go's
// exclusivity table (documentedBodies), with their sources.
var conventions = [...]convention{
	{"grpc-gateway status", decodeStatusBody},        // grpc-gateway runtime.DefaultHTTPErrorHandler
	{"AIP-193", decodeGoogleBody},                    // google.aip.dev/193; Google JSON API errors
	{"grpc-gateway stream chunk", decodeStreamChunk}, // grpc-gateway runtime.ForwardResponseStream
	{"statusmap problem", decodeOurProblem},          // gateway.FormatProblem
	{"RFC 9457 problem", decodeForeignProblem},       // RFC 9457, RFC 7807, ASP.NET Core
	{"connect", decodeConnect},                       // connectrpc.com/docs/protocol
	{"twirp", decodeTwirp},                           // twitchtv.github.io/twirp/docs/spec_v7.html
	{"Huawei Cloud", decodeSeedFamily},               // support.huaweicloud.com; Databricks
	{"Kubernetes Status", decodeKubernetes},          // kubernetes.io, API concepts
	{"AWS JSON", decodeAWS},                          // docs.aws.amazon.com, JSON protocols
	{"error object", decodeErrorObject},              // docs.stripe.com/api/errors; Microsoft API guidelines
	{"OAuth 2.0", decodeOAuth},                       // RFC 6749, section 5.2
	{"FastAPI", decodeFastAPI},                       // fastapi.tiangolo.com
	{"Spring Boot", decodeSpring},                    // docs.spring.io, Spring Boot error handling
	{"Elasticsearch", decodeElasticsearch},           // elastic.co, API conventions (decode_envelopes.go)
	{"PayPal", decodePayPal},                         // developer.paypal.com/api/rest/responses
	{"Cloudflare", decodeCloudflare},                 // developers.cloudflare.com/fundamentals/api
	{"OData", decodeOData},                           // odata.org JSON v3; Azure Table storage, SharePoint
	{"Jira", decodeJira},                             // developer.atlassian.com, Jira REST (decode_fieldmaps.go)
	{"errors without message", decodeBareErrors},     // guides.rubyonrails.org, validations
	{"message list or map", decodeMessageList},       // docs.nestjs.com/techniques/validation
	{"Django REST framework", decodeDRF},             // django-rest-framework.org
	{"error array", decodeErrorArray},                // developer.salesforce.com REST API; Yii
	{"object-store XML", decodeStoreXML},             // docs.aws.amazon.com S3 errors; Azure Storage (decode_xml.go)
	{"SOAP 1.1 fault", decodeSOAP11},                 // w3.org/TR/2000/NOTE-SOAP-20000508
	{"SOAP 1.2 fault", decodeSOAP12},                 // w3.org/TR/soap12-part1
	{"HTML page", decodeHTML},                        // nginx, AWS ALB, Cloudflare pages (decode_html.go)
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
// DefaultMaxErrorBody bytes cannot make a status of many times that size
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

// isProblemType reports whether a Content-Type is application/problem+json.
func isProblemType(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == httpwire.ProblemMediaType
}

// build makes the status: the body's code or the HTTP status's, the
// message, the body's details, and what the convention found as the
// google.rpc details that say it (ErrorInfo, BadRequest, Help,
// RequestInfo, RetryInfo).
func (d *decoded) build(httpStatus int, mapper *statusmap.Mapper, host string) *spb.Status {
	code := mapper.Code(httpStatus)
	if d.hasCode && d.code != codes.OK && d.code <= codes.Unauthenticated {
		code = d.code
	}
	d.boundMessage()
	sp := &spb.Status{Code: int32(code), Message: d.message, Details: d.details}
	if d.reason != "" {
		domain := d.domain
		if domain == "" {
			domain = host
		}
		appendDetail(sp, &errdetails.ErrorInfo{Reason: d.reason, Domain: domain, Metadata: d.metadata})
	}
	if len(d.violations) > 0 {
		// The violations get what is left of maxStatusBytes once the
		// small details below are counted.
		room := maxStatusBytes - proto.Size(sp) - 4*maxText
		kept := d.violations[:0]
		for _, v := range d.violations {
			if size := protowire.SizeBytes(proto.Size(v)) + 1; size <= room {
				room -= size
				kept = append(kept, v)
			} else {
				d.dropped.violations++
			}
		}
		if len(kept) > 0 {
			appendDetail(sp, &errdetails.BadRequest{FieldViolations: kept})
		}
	}
	if d.helpURL != "" {
		appendDetail(sp, &errdetails.Help{Links: []*errdetails.Help_Link{{Description: "documentation", Url: d.helpURL}}})
	}
	if d.requestID != "" && !hasDetail(sp.Details, "google.rpc.RequestInfo") {
		appendDetail(sp, &errdetails.RequestInfo{RequestId: d.requestID})
	}
	if d.hasRetry && !hasDetail(sp.Details, wire.RetryInfoFullName) {
		appendDetail(sp, &errdetails.RetryInfo{RetryDelay: durationpb.New(d.retryDelay)})
	}
	if d.dropped != (dropped{}) {
		meta := make(map[string]string, 4)
		for key, n := range map[string]int{"droppedDetails": d.dropped.details, "droppedFieldViolations": d.dropped.violations, "droppedMetadata": d.dropped.metadata, "messageBytes": d.dropped.messageBytes, "droppedUpstreamInfo": d.dropped.upstreamInfo} {
			if n > 0 {
				meta[key] = strconv.Itoa(n)
			}
		}
		appendDetail(sp, &errdetails.ErrorInfo{Reason: ReasonTruncated, Domain: wire.Domain, Metadata: meta})
	}
	return sp
}

// dropForgedFolds drops, from a body whose status line is not 502, the
// ErrorInfos that only a fold writes (domain wire.Domain, reason
// ReasonUnauthenticated, ReasonProxyAuthRequired or
// ReasonMethodNotAllowed), counting them as "droppedUpstreamInfo".
// A fold is always answered with a 502, so a statusmap gateway's own fold
// reads back as it went in; under any other status the entry is an
// upstream's claim, and a caller testing HasReason would be steered by it.
// ReasonTruncated (which any status may carry, and which only
// counts) and other reasons are kept.
func (d *decoded) dropForgedFolds(httpStatus int) {
	if httpStatus == http.StatusBadGateway {
		return
	}
	kept := d.details[:0]
	for _, a := range d.details {
		if isFoldInfo(a) {
			d.dropped.upstreamInfo++
			continue
		}
		kept = append(kept, a)
	}
	d.details = kept
	if d.domain == wire.Domain && isFoldReasonName(d.reason) {
		d.reason, d.domain, d.metadata = "", "", nil
		d.dropped.upstreamInfo++
	}
}

// isFoldInfo reports whether a detail is an ErrorInfo a fold writes.
func isFoldInfo(a *anypb.Any) bool {
	if !wire.HasFullName(a.GetTypeUrl(), wire.ErrorInfoFullName) || !bytes.Contains(a.GetValue(), []byte(wire.Domain)) {
		return false
	}
	var info errdetails.ErrorInfo
	return proto.Unmarshal(a.GetValue(), &info) == nil && info.GetDomain() == wire.Domain && isFoldReasonName(info.GetReason())
}

// isFoldReasonName reports whether reason is one a fold writes.
func isFoldReasonName(reason string) bool {
	switch reason {
	case ReasonUnauthenticated, ReasonProxyAuthRequired, ReasonMethodNotAllowed:
		return true
	}
	return false
}

// maxStatusBytes bounds the encoded size of a status read from a body,
// but for what finishStatus adds from the headers: a RetryInfo, the fold's
// ErrorInfo (a few KiB), or a pin whose challenges the header bounds allow
// (16 of 16 parameters).
const maxStatusBytes = 128 << 10

// appendDetail adds m to the status's details. Every string in m comes
// from decoded JSON or from text(), so it is valid UTF-8 and marshalling
// cannot fail; should it, the detail is left out rather than the status.
func appendDetail(sp *spb.Status, m proto.Message) {
	if a, err := anypb.New(m); err == nil {
		sp.Details = append(sp.Details, a)
	}
}

// hasDetail reports whether a detail of the type is among details.
func hasDetail(details []*anypb.Any, fullName string) bool {
	for _, d := range details {
		if wire.HasFullName(d.GetTypeUrl(), fullName) {
			return true
		}
	}
	return false
}

// codeByName reads a gRPC code's name (wire.ParseCode's spellings), never a
// number and never a code outside 0 to 16.
func codeByName(name string) (codes.Code, bool) {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return 0, false
	}
	c, ok := wire.ParseCode(name)
	return c, ok && c <= codes.Unauthenticated
}

// The readers of members. A member of the wrong JSON type is absent.

func str(obj map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// text is str bounded and trimmed, empty when absent.
func text(obj map[string]json.RawMessage, key string) string {
	s, _ := str(obj, key)
	return bounded(strings.TrimSpace(s))
}

// integer reads a JSON number that is an integer.
func integer(obj map[string]json.RawMessage, key string) (int64, bool) {
	raw, ok := obj[key]
	if !ok {
		return 0, false
	}
	var n int64
	return n, json.Unmarshal(raw, &n) == nil
}

func object(obj map[string]json.RawMessage, key string) (map[string]json.RawMessage, bool) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	var o map[string]json.RawMessage
	return o, json.Unmarshal(raw, &o) == nil
}

// objects reads an array member, keeping its object elements among the
// first maxViolations; skipped counts the elements not read.
func objects(obj map[string]json.RawMessage, key string) (out []map[string]json.RawMessage, skipped int, ok bool) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || raw[0] != '[' {
		return nil, 0, false
	}
	n := eachElement(raw, maxViolations, func(item []byte) {
		var o map[string]json.RawMessage
		if item[0] == '{' && json.Unmarshal(item, &o) == nil {
			out = append(out, o)
		}
	})
	return out, max(n-maxViolations, 0), true
}

// onlyKeys reports whether obj has no member outside keys: an RPC
// protocol's body has exactly its members, which tells it from a REST API
// body that happens to share one.
func onlyKeys(obj map[string]json.RawMessage, keys ...string) bool {
	for k := range obj {
		found := false
		for _, want := range keys {
			if k == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// scalarText reads a string, or a number as its text: an API's own error
// code is either.
func scalarText(obj map[string]json.RawMessage, key string) string {
	if s := text(obj, key); s != "" {
		return s
	}
	if n, ok := integer(obj, key); ok {
		return strconv.FormatInt(n, 10)
	}
	return ""
}

// bounded cuts s to maxText bytes at a rune boundary.
func bounded(s string) string {
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// violation is a field violation, or nil when there is no field.
func violation(field, description, reason string) *errdetails.BadRequest_FieldViolation {
	if field == "" {
		return nil
	}
	return &errdetails.BadRequest_FieldViolation{Field: bounded(field), Description: bounded(description), Reason: bounded(reason)}
}

// addViolation adds v when it is not nil and the list has room, and
// counts it when the list has none.
func (d *decoded) addViolation(v *errdetails.BadRequest_FieldViolation) {
	switch {
	case v == nil:
	case len(d.violations) >= maxViolations:
		d.dropped.violations++
	default:
		d.violations = append(d.violations, v)
	}
}

// addMetadata sets a metadata entry when the value is not empty and there
// is room, and counts it when there is none.
func (d *decoded) addMetadata(key, value string) {
	if value == "" {
		return
	}
	if _, ok := d.metadata[key]; !ok && len(d.metadata) >= maxMetadata {
		d.dropped.metadata++
		return
	}
	if d.metadata == nil {
		d.metadata = make(map[string]string)
	}
	d.metadata[key] = value
}

// boundMessage cuts the message to maxMessage bytes, at a rune boundary,
// marking the cut with "…".
func (d *decoded) boundMessage() {
	if len(d.message) <= maxMessage {
		return
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(d.message[cut]) {
		cut--
	}
	d.dropped.messageBytes = len(d.message)
	d.message = d.message[:cut] + "…"
}
