package gateway

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/statusmap/statusmap/gateway/internal/body"
	"github.com/statusmap/statusmap/internal/httpwire"
	pins "github.com/statusmap/statusmap/internal/pin"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// defaultMaxErrorBody is how much of a body ErrorFromResponse reads, 1
// MiB, unless WithMaxErrorBody says otherwise.
const defaultMaxErrorBody = 1 << 20

// maxExcerpt is how much of an unrecognised body a message quotes.
const maxExcerpt = 200

// upstreamConfig is how ErrorFromResponse reads responses.
type upstreamConfig struct {
	// maxBody is how much of a body is read.
	maxBody int64
	// passThrough keeps an upstream's 401, 405 and 407 as they are instead
	// of folding them into a 502.
	passThrough bool
	// redact keeps no upstream text in a status answered with a 5xx
	// (WithRedaction).
	redact bool
}

func defaultUpstreamConfig() upstreamConfig {
	return upstreamConfig{maxBody: defaultMaxErrorBody}
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
	ReasonUpstreamUnauthenticated   = "UPSTREAM_UNAUTHENTICATED"
	ReasonUpstreamProxyAuthRequired = "UPSTREAM_PROXY_AUTHENTICATION_REQUIRED"
	ReasonUpstreamMethodNotAllowed  = "UPSTREAM_METHOD_NOT_ALLOWED"

	// ReasonUpstreamTruncated is the reason ErrorFromResponse adds when a
	// body held more than it keeps: its metadata count what was left out,
	// "droppedDetails", "droppedFieldViolations" and "droppedMetadata", and
	// give the length in bytes of a message that was cut, "messageBytes".
	// See ErrorFromResponse for the bounds. "droppedUpstreamInfo" counts
	// the fold ErrorInfos a body claimed under a status other than 502,
	// which are not kept.
	ReasonUpstreamTruncated = "UPSTREAM_TRUNCATED"
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
	cfg.redact = g.cfg.redact
	return readError(resp, cfg, g.cfg.mapper)
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
	return readError(resp, defaultUpstreamConfig(), nil)
}

func readError(resp *http.Response, cfg upstreamConfig, mapper *statusmap.Mapper) error {
	if resp == nil {
		return status.Error(codes.Unknown, "statusmap: no HTTP response")
	}
	if wire.IsSuccessStatus(resp.StatusCode) {
		return nil
	}
	body, truncated := readBounded(resp.Body, cfg.maxBody)
	body, truncated = decodeContent(resp.Header, body, truncated, cfg.maxBody)
	r := newReading(resp.StatusCode, resp.Header, body, truncated)
	d, ok := decodeErrorBody(r)
	d.dropForgedFolds(resp.StatusCode)
	if !ok || d.message == "" && !d.ours {
		d.message = fallbackMessage(resp.StatusCode, body, truncated)
	}
	if d.requestID == "" {
		d.requestID = bodyRequestID(r)
	}
	if d.requestID == "" {
		d.requestID = requestIDFromHeader(resp.Header)
	}
	sp := d.build(resp.StatusCode, mapper, responseHost(resp))
	st := finishStatus(sp, resp, d.ours, cfg, mapper)
	if cfg.redact {
		st = redactUpstream(st, mapper)
	}
	return st.Err()
}

// redactUpstream keeps of a status answered with a 5xx nothing an upstream
// wrote (see Gateway.ErrorFromResponse).
func redactUpstream(st *status.Status, mapper *statusmap.Mapper) *status.Status {
	sp := st.Proto()
	answer := mapper.HTTPStatus(codes.Code(sp.GetCode()))
	if pin := pins.Find(sp.GetDetails()); pin != nil {
		answer = int(pin.GetCode())
	}
	if answer < 500 {
		return st
	}
	sp.Message = http.StatusText(answer)
	kept := sp.Details[:0]
	pinned := false
	for _, d := range sp.Details {
		switch {
		case wire.IsPin(d):
			// A pin's challenges and methods are an upstream's text (and a
			// 5xx writes neither): only its code is kept, once. The fold's
			// own pin is such a bare 502 already.
			if !pinned {
				if bare, err := anypb.New(&statusmapv1.HttpStatus{Code: int32(answer)}); err == nil {
					kept = append(kept, bare)
				}
				pinned = true
			}
		case wire.HasFullName(d.GetTypeUrl(), wire.RetryInfoFullName):
			kept = append(kept, d)
		case wire.HasFullName(d.GetTypeUrl(), wire.ErrorInfoFullName):
			if clean, ok := redactedUpstreamInfo(d); ok {
				kept = append(kept, clean)
			}
		}
	}
	sp.Details = kept
	return status.FromProto(sp)
}

// redactedUpstreamInfo is an ErrorInfo of domain UpstreamDomain with only
// the metadata that are numbers or gRPC code names: what this package
// writes there, never what an upstream wrote (a message, a challenge, an
// Allow). It reports false for any other ErrorInfo.
func redactedUpstreamInfo(d *anypb.Any) (*anypb.Any, bool) {
	var info errdetails.ErrorInfo
	if !bytes.Contains(d.GetValue(), []byte(UpstreamDomain)) || proto.Unmarshal(d.GetValue(), &info) != nil || info.GetDomain() != UpstreamDomain || !isUpstreamReason(info.GetReason()) {
		return nil, false
	}
	changed := false
	for key, value := range info.GetMetadata() {
		if !redactionKeeps(key, value) {
			delete(info.Metadata, key)
			changed = true
		}
	}
	if !changed {
		return d, true
	}
	clean, err := anypb.New(&info)
	return clean, err == nil
}

// redactionKeeps reports whether an upstream ErrorInfo's metadata entry is
// one this package writes there with a value it chose: a number, or a gRPC
// code's name. A forged entry of another name, or with text, is not.
func redactionKeeps(key, value string) bool {
	switch key {
	case "grpcCode":
		_, ok := wire.ParseCode(value)
		return ok
	case "httpStatus", "responseStatus", "droppedDetails", "droppedFieldViolations", "droppedMetadata", "droppedUpstreamInfo", "messageBytes":
		return isDigits(value)
	}
	return false
}

// isUpstreamReason reports whether reason is one of the ErrorInfo reasons
// ErrorFromResponse writes.
func isUpstreamReason(reason string) bool {
	switch reason {
	case ReasonUpstreamUnauthenticated, ReasonUpstreamProxyAuthRequired, ReasonUpstreamMethodNotAllowed, ReasonUpstreamTruncated:
		return true
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != "" && len(s) <= 20
}

// readBounded reads at most maxBytes of a body. truncated tells a body cut
// short, by the bound or by a read error.
func readBounded(body io.Reader, maxBytes int64) (b []byte, truncated bool) {
	if body == nil {
		return nil, false
	}
	maxBytes = min(maxBytes, math.MaxInt64-1) // maxBytes+1 below must not wrap
	b, err := io.ReadAll(io.LimitReader(body, maxBytes+1))
	if int64(len(b)) > maxBytes {
		b, truncated = b[:maxBytes], true
	}
	if err != nil {
		// What was read is still worth decoding; say why it stops.
		truncated = true
	}
	return b, truncated
}

// responseHost is the host that answered, the domain of an API's own
// error codes.
func responseHost(resp *http.Response) string {
	if resp.Request == nil || resp.Request.URL == nil {
		return ""
	}
	return headerText(resp.Request.URL.Hostname())
}

// finishStatus makes the decoded status agree with the response: an error
// code, the exact status pinned (or an upstream's 401, 405 or 407 folded),
// and what the headers add. ours tells a body in one of the gateway's
// formats.
func finishStatus(sp *spb.Status, resp *http.Response, ours bool, cfg upstreamConfig, mapper *statusmap.Mapper) *status.Status {
	httpStatus := resp.StatusCode
	if !wire.IsErrorStatus(httpStatus) {
		// Not an error status: nothing to pin, and a pin in the body is
		// not believed (it would let the upstream choose the status, and
		// the challenge, of the gateway's answer). Keep the message; a pin
		// of 401, 405 or 407 is folded as the status would be.
		sp.Code = int32(codes.Unknown)
		pin := pins.Find(sp.Details)
		sp.Details = pins.Without(sp.Details)
		if reason, ok := foldReason(int(pin.GetCode())); ok && !cfg.passThrough {
			return fold(sp, resp.Header, reason, pin, httpStatus)
		}
		return status.FromProto(sp)
	}
	if sp.Code == int32(codes.OK) || sp.Code > int32(codes.Unauthenticated) {
		sp.Code = int32(mapper.Code(httpStatus))
	}
	if _, ok := body.RetryAfter(sp.Details); !ok {
		if delay, ok := retryAfterHeader(resp.Header, time.Now()); ok {
			appendDetail(sp, &errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
		}
	}
	pin := pins.Find(sp.Details)
	if reason, ok := foldReason(httpStatus); ok && !cfg.passThrough {
		return fold(sp, resp.Header, reason, pin, httpStatus)
	}
	allow := resp.Header.Values("Allow")
	needAllow := httpStatus == http.StatusMethodNotAllowed && len(allow) > 0 && len(pin.GetAllowedMethods()) == 0
	var challenges []*statusmapv1.AuthChallenge
	if len(pin.GetChallenges()) == 0 {
		values := challengeValues(resp.Header, httpStatus)
		// A gateway's default challenge (a statusmap gateway writes one on
		// every 401 and 407) says nothing the status does not: reading it
		// into a pin would only make a round trip differ from what went in.
		// Anything else an upstream said is kept.
		if len(values) > 0 && !(ours && isDefaultChallenge(httpStatus, values)) {
			challenges = parseChallenges(values)
		}
	}
	// What the status alone says, by the default table and by the
	// Gateway's: a pin is needed unless both give the response's status.
	code := codes.Code(sp.Code)
	current := statusmap.HTTPStatus(code)
	if mapped := mapper.HTTPStatus(code); mapped != current {
		current = 0
	}
	if pin != nil {
		current = int(pin.GetCode())
	}
	if current == httpStatus && !needAllow && len(challenges) == 0 && pinFits(sp.Details, pin, httpStatus) {
		return status.FromProto(sp)
	}
	// Replace any pin with one that says the response's status.
	sp.Details = pins.Without(sp.Details)
	newPin := &statusmapv1.HttpStatus{Code: int32(httpStatus)}
	// A body's challenges and methods are kept only for the status that
	// writes them: a 400 does not carry a 401's challenge along.
	switch {
	case httpStatus == http.StatusMethodNotAllowed:
		newPin.AllowedMethods = pin.GetAllowedMethods()
	case httpStatus == http.StatusUnauthorized || httpStatus == http.StatusProxyAuthRequired:
		newPin.Challenges = pin.GetChallenges()
	}
	if len(challenges) > 0 {
		newPin.Challenges = challenges
	}
	if needAllow {
		for _, v := range allow {
			for _, m := range strings.Split(v, ",") {
				if m = strings.TrimSpace(m); httpwire.IsToken(m) && len(newPin.AllowedMethods) < httpwire.MaxHeaderItems {
					newPin.AllowedMethods = append(newPin.AllowedMethods, m)
				}
			}
		}
	}
	appendDetail(sp, newPin)
	return status.FromProto(sp)
}

// pinFits reports whether the body's pins may stay as they are: none, or
// one valid pin that says no more than the response's status would (its
// challenges on a 401 or 407 only, its methods on a 405 only, no field
// this package does not know). Any other pin is rebuilt, so that a pin of
// the status line's own code cannot carry an upstream's text along.
func pinFits(details []*anypb.Any, pin *statusmapv1.HttpStatus, httpStatus int) bool {
	n := 0
	for _, d := range details {
		if wire.IsPin(d) {
			n++
		}
	}
	if n == 0 {
		return true
	}
	if n > 1 || pin == nil || len(pin.ProtoReflect().GetUnknown()) > 0 {
		return false
	}
	challenges := httpStatus == http.StatusUnauthorized || httpStatus == http.StatusProxyAuthRequired
	return (len(pin.GetChallenges()) == 0 || challenges) && (len(pin.GetAllowedMethods()) == 0 || httpStatus == http.StatusMethodNotAllowed)
}

// challengeValues are the challenge header's values of a 401 or a 407.
func challengeValues(h http.Header, httpStatus int) []string {
	if httpStatus != http.StatusUnauthorized && httpStatus != http.StatusProxyAuthRequired {
		return nil
	}
	return h.Values(wire.ChallengeHeader(httpStatus))
}

// foldReason is the ErrorInfo reason of an upstream status that is not the
// client's to act on.
func foldReason(httpStatus int) (string, bool) {
	switch httpStatus {
	case http.StatusUnauthorized:
		return ReasonUpstreamUnauthenticated, true
	case http.StatusProxyAuthRequired:
		return ReasonUpstreamProxyAuthRequired, true
	case http.StatusMethodNotAllowed:
		return ReasonUpstreamMethodNotAllowed, true
	}
	return "", false
}

// fold turns an upstream's 401, 405 or 407 into a 502 that keeps, in an
// ErrorInfo, everything the upstream said: its status, the code and
// message read from its body, and its challenges or Allow (from the
// headers, else from the body's pin). The pin says 502, so no gateway
// writes a challenge or an Allow for it. line is the response's status,
// kept as "responseStatus" when it is not the folded one (a pin in the
// body of a response whose status is not an error).
func fold(sp *spb.Status, h http.Header, reason string, pin *statusmapv1.HttpStatus, line int) *status.Status {
	httpStatus := 0
	meta := map[string]string{"grpcCode": wire.CodeNames[sp.Code]}
	key, fromPin := "", ""
	switch reason {
	case ReasonUpstreamUnauthenticated:
		httpStatus, key, fromPin = http.StatusUnauthorized, "wwwAuthenticate", httpwire.FormatChallenges(pin.GetChallenges())
	case ReasonUpstreamProxyAuthRequired:
		httpStatus, key, fromPin = http.StatusProxyAuthRequired, "proxyAuthenticate", httpwire.FormatChallenges(pin.GetChallenges())
	default:
		httpStatus, key, fromPin = http.StatusMethodNotAllowed, "allow", httpwire.FormatAllow(pin.GetAllowedMethods())
	}
	header := wire.ChallengeHeader(httpStatus)
	meta["httpStatus"] = strconv.Itoa(httpStatus)
	if line != httpStatus {
		meta["responseStatus"] = strconv.Itoa(line)
	}
	if v := headerValue(h.Values(header)); v != "" {
		meta[key] = v
	} else if fromPin != "" {
		meta[key] = fromPin
	}
	upstream := "upstream answered " + strconv.Itoa(httpStatus) + " " + http.StatusText(httpStatus)
	if sp.Message != "" {
		meta["message"] = bounded(sp.Message)
		if !strings.HasPrefix(sp.Message, "HTTP "+strconv.Itoa(httpStatus)) {
			upstream += ": " + sp.Message
		} else if _, excerpt, ok := strings.Cut(sp.Message, ": "); ok {
			upstream += ": " + excerpt // the fallback message already names the status
		}
	}
	sp.Message = upstream
	sp.Code = int32(codes.Unavailable)
	sp.Details = pins.Without(sp.Details)
	appendDetail(sp, &errdetails.ErrorInfo{Reason: reason, Domain: UpstreamDomain, Metadata: meta})
	appendDetail(sp, &statusmapv1.HttpStatus{Code: http.StatusBadGateway})
	return status.FromProto(sp)
}

// headerValue joins a header's values as one, made fit for a proto string
// and bounded as the gateway bounds the headers it writes.
func headerValue(values []string) string {
	v := strings.Join(values, ", ")
	if len(v) > httpwire.MaxHeaderValue {
		v = v[:httpwire.MaxHeaderValue]
	}
	return strings.TrimSpace(strings.ToValidUTF8(mapControls(v, true, -1), ""))
}

// retryAfterHeader reads Retry-After (RFC 9110, section 10.2.3) as a
// delay: delay-seconds, or an HTTP-date counted from the response's Date
// header (from now when there is none). A date in the past is no delay,
// and no delay is longer than MaxRetryDelay.
func retryAfterHeader(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(v, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return durationFromSeconds(seconds), true
	}
	if delay, ok := decimalSeconds(v); ok {
		return delay, true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	return min(max(when.Sub(now), 0), MaxRetryDelay), true
}

// isDefaultChallenge reports whether values is the challenge a statusmap
// gateway writes by default for the status.
func isDefaultChallenge(httpStatus int, values []string) bool {
	want := defaultWWWAuthenticate
	if httpStatus == http.StatusProxyAuthRequired {
		want = defaultProxyAuthenticate
	}
	return len(values) == 1 && values[0] == want
}

// durationFromSeconds is a delay in seconds, clamped to MaxRetryDelay.
func durationFromSeconds(seconds int64) time.Duration {
	return time.Duration(min(max(seconds, 0), int64(MaxRetryDelay/time.Second))) * time.Second
}

// fallbackMessage names the status and quotes a short excerpt of the body,
// made safe: valid UTF-8, no control characters. A body that is not text
// (binary bytes: a NUL, a control character other than whitespace, or
// bytes that are not UTF-8) is not quoted.
func fallbackMessage(httpStatus int, body []byte, truncated bool) string {
	msg := statusText(httpStatus)
	excerpt := body
	if len(excerpt) > maxExcerpt {
		excerpt = excerpt[:maxExcerpt]
		truncated = true
	}
	if !isText(excerpt) {
		return msg
	}
	clean := mapControls(strings.ToValidUTF8(string(excerpt), "\ufffd"), false, ' ')
	clean = strings.Join(strings.Fields(clean), " ")
	if clean != "" {
		msg += ": " + clean
		if truncated {
			msg += " …"
		}
	}
	return msg
}
