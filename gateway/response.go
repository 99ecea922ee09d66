package gateway

import (
	"net/http"

	"github.com/statusmap/statusmap/gateway/internal/upstream"
	"github.com/statusmap/statusmap/internal/wire"
)

// The public API of the way back: reading another API's error response
// into a gRPC status. The reading itself is package upstream's
// (gateway/internal/upstream).

// defaultMaxErrorBody is how much of a body ErrorFromResponse reads, 1
// MiB, unless WithMaxErrorBody says otherwise.
const defaultMaxErrorBody = 1 << 20

// upstreamConfig is how ErrorFromResponse reads responses.
type upstreamConfig = upstream.Config

func defaultUpstreamConfig() upstreamConfig {
	return upstreamConfig{MaxBody: defaultMaxErrorBody}
}

// The google.rpc.ErrorInfo domain and reasons that ErrorFromResponse
// writes. Test for them with reason.Has(err, gateway.UpstreamDomain,
// gateway.ReasonUpstreamUnauthenticated) (package
// github.com/statusmap/statusmap/statusmap/reason).
const (
	// UpstreamDomain is the domain of the four reasons below.
	UpstreamDomain = wire.Domain

	// ReasonUpstreamUnauthenticated, ReasonUpstreamProxyAuthRequired and
	// ReasonUpstreamMethodNotAllowed are the reasons of an upstream's 401,
	// 407 and 405 that ErrorFromResponse folded into a 502 (see
	// ErrorFromResponse).
	ReasonUpstreamUnauthenticated   = upstream.ReasonUnauthenticated
	ReasonUpstreamProxyAuthRequired = upstream.ReasonProxyAuthRequired
	ReasonUpstreamMethodNotAllowed  = upstream.ReasonMethodNotAllowed

	// ReasonUpstreamTruncated is the reason ErrorFromResponse adds when a
	// body held more than it keeps: its metadata count what was left out,
	// "droppedDetails", "droppedFieldViolations" and "droppedMetadata", and
	// give the length in bytes of a message that was cut, "messageBytes".
	// See ErrorFromResponse for the bounds. "droppedUpstreamInfo" counts
	// the fold ErrorInfos a body claimed under a status other than 502,
	// which are not kept.
	ReasonUpstreamTruncated = upstream.ReasonTruncated
)

// ErrorFromResponse is the package-level ErrorFromResponse with this
// Gateway's options: WithMaxErrorBody, WithUpstreamPassThrough, and
// WithStatusMapper's table for the code of a body that states none.
//
// With WithRedaction(true), a status that the gateway answers with a 5xx
// (an upstream's 5xx, a folded 401, 405 or 407, a status that is not an
// error) keeps nothing the upstream wrote, for the gateway to pass on: its
// message is the reason phrase of that 5xx, and of its details only the
// pin (bare: its code, no challenge nor method), a RetryInfo, and the
// ErrorInfo of domain UpstreamDomain are kept,
// the latter with the numbers and code names of its metadata only (not
// the upstream's message, challenges or Allow). The ErrorInfo of an
// upstream's own error code (whose domain is the upstream's host), field
// violations, links, request ids and the body's own details are left out.
// A 4xx travels as without redaction: it is the client's to act on.
func (g *Gateway) ErrorFromResponse(resp *http.Response) error {
	cfg := g.cfg.upstream
	cfg.Redact = g.cfg.redact
	return upstream.Read(resp, cfg, g.cfg.mapper)
}

// ErrorFromResponse turns an HTTP response into a gRPC error: nil for a 2xx
// whatever its body says (Slack's {"ok": false} under 200 included: a
// caller that reads such APIs checks their bodies itself), otherwise a
// status with the body's code, message and details, whose exact HTTP
// status is pinned, so that statusmap.HTTPStatusOf returns
// resp.StatusCode. A gRPC service that calls a REST backend can return it
// as it is, and its own gateway answers with the backend's status.
//
// It reads the three formats a statusmap gateway writes (giving back the
// status that went in; the exact status, a 405's methods and a 401's or
// 407's challenges come from the status line and the headers), connect's
// and twirp's bodies, and the error bodies of REST APIs by the conventions
// they use: RFC 9457 problems (ASP.NET's ValidationProblemDetails
// included), Kubernetes' Status, AWS's {"__type", "message"}, OAuth's
// {"error", "error_description"}, bodies that nest an "error" object
// (Stripe, Microsoft, Huawei), Elasticsearch's error with its root causes,
// PayPal's {"name", "message", "debug_id", "details"}, Cloudflare's
// {"success": false, "errors"}, OData's "odata.error", Jira's
// "errorMessages", Rails' "errors"
// (a string, a list of strings or a field map), NestJS's "message" list,
// Django REST framework's field maps, a top-level array of errors
// (Salesforce, Yii), Spring Boot's and FastAPI's, the {"message"} and
// {"errors": [...]} bodies of GitHub, AWS API Gateway, JSON:API and most
// others, the XML errors of object stores and AWS (<Error><Code/>
// <Message/><RequestId/></Error>), SOAP 1.1 and 1.2 faults, and the HTML
// pages of proxies and load balancers (their <title>). The code is always
// a gRPC code: only statusmap's formats, connect and twirp state one, and
// for every other body it is statusmap.Code of the HTTP status (a "code":
// 404 is never read as a gRPC code). The message is the body's human one,
// built from the first entry where there is no single one ("title: can't
// be blank (and 2 more)"); an HTML page without a title gives the status
// ("HTTP 502 Bad Gateway"), never its markup; a body that has none (plain
// text, truncated or unknown JSON or XML) gives a message that names the
// HTTP status and quotes a short, safe excerpt, and binary bytes are never
// quoted. What else the body says becomes google.rpc details: an API's own
// error code (as sent) an ErrorInfo reason whose domain is the host that
// answered, field errors a BadRequest, a documentation link a Help. A
// request id (from the body, or a header: X-Request-Id, X-Amzn-RequestId,
// x-amz-request-id, x-ms-request-id, Request-Id and any other
// "-Request-Id", X-Correlation-Id, Paypal-Debug-Id, X-Slack-Req-Id,
// X-AREQUESTID, then CF-Ray) becomes a RequestInfo, and Retry-After
// (seconds, decimal seconds such as "2.0", or an HTTP-date counted from the
// response's Date) a RetryInfo, unless the body has one. A body in a
// Content-Encoding of gzip or deflate that the transport did not decode is
// decoded, within the same byte bound.
//
// An upstream's 401, 405 and 407 are not the client's: its credentials,
// its proxy, its resource. By default they are folded into 502 Bad Gateway
// (code Unavailable), with an ErrorInfo of domain UpstreamDomain and reason
// ReasonUpstreamUnauthenticated, ReasonUpstreamMethodNotAllowed or
// ReasonUpstreamProxyAuthRequired whose metadata keep what the upstream
// said: "httpStatus", "grpcCode", "message", and "wwwAuthenticate",
// "proxyAuthenticate" or "allow". A gateway that answers with the error
// then writes no challenge and no Allow. Every other status travels
// exactly. A service that relays its client's own credentials upstream
// makes a Gateway with WithUpstreamPassThrough and calls its
// ErrorFromResponse to keep them as they are, challenges and Allow
// included.
//
// Only a fold writes an ErrorInfo of those three reasons, and a fold is
// answered with a 502: one in the body of a response of any other status
// is an upstream's claim, and is dropped (counted as "droppedUpstreamInfo",
// see ReasonUpstreamTruncated), so that reason.Has is not steered
// by it. Under a 502 it is kept, so that a statusmap gateway's fold reads
// back as it went in; it then says what the upstream reports of its own
// upstream, and proves nothing about this hop.
//
// A response whose status is not an error status (1xx, 3xx, or a number
// outside 100 to 599) is Unknown and unpinned: a pin in its body is never
// believed, and one of 401, 405 or 407 is folded into a 502 as that status
// would be (with "responseStatus" in the metadata), so that no status line
// lets an upstream choose the gateway's answer or its challenge. A body's
// pin never decides the status, and is never kept as it is: it is rebuilt
// with the response's status, its challenges kept only for a 401 or 407
// and its methods only for a 405.
//
// Reading is bounded in size and in cost: at most 1 MiB of the body is
// read (the rest is quoted as cut; an encoded body is read, and expanded,
// to that many bytes at most; for another bound, call the ErrorFromResponse
// of a Gateway made with WithMaxErrorBody), and what a body adds to the
// status is bounded, so that reading any body allocates a few times its
// size at most and the status stays small enough to be written again: a
// message of 4 KiB (then cut, ending in "…"), 64 details, 100 field
// violations, 32 ErrorInfo metadata entries of 1 KiB, and 128 KiB encoded
// in all. What the bounds leave out is counted in an ErrorInfo of reason
// ReasonUpstreamTruncated.
//
// A body that never ends blocks the read until the request's context is
// done or the http.Client's Timeout passes, as for any net/http body: call
// it with the response of a request made with a deadline
// (http.NewRequestWithContext, or a Client with a Timeout). What was read
// by then is read as a body cut short. It does not close the body.
func ErrorFromResponse(resp *http.Response) error {
	return upstream.Read(resp, defaultUpstreamConfig(), nil)
}
