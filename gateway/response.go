package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
)

// DefaultMaxErrorBody is how much of a body ErrorFromResponse reads: 1 MiB.
const DefaultMaxErrorBody = 1 << 20

// maxExcerpt is how much of an unrecognised body a message quotes.
const maxExcerpt = 200

// upstreamConfig is how ErrorFromResponse reads responses.
type upstreamConfig struct {
	// maxBody is how much of a body is read.
	maxBody int64
}

func defaultUpstreamConfig() upstreamConfig {
	return upstreamConfig{maxBody: DefaultMaxErrorBody}
}

// ErrorFromResponse is the package-level ErrorFromResponse with this
// Gateway's options.
func (g *Gateway) ErrorFromResponse(resp *http.Response) error {
	return ErrorFromResponseLimit(resp, g.cfg.upstream.maxBody)
}

// ErrorFromResponse turns an HTTP response into a gRPC error: nil for a 2xx,
// otherwise a status whose code comes from the body when the body says it
// (and from statusmap.Code otherwise), whose message and details are the
// body's, and whose exact HTTP status is pinned, so that
// statusmap.HTTPStatusOf returns resp.StatusCode. A gRPC service that calls
// a REST backend can return it as it is, and its own gateway answers with
// the backend's status.
//
// It reads the three formats a statusmap gateway writes (giving back the
// status that went in, proto-equal), connect's and twirp's error bodies,
// the {"error_code", "error_msg", "request_id"} bodies of Huawei Cloud APIs,
// and anything else (an HTML page from a proxy, plain text, truncated JSON)
// as a status whose message names the HTTP status and quotes a short, safe
// excerpt. A 1xx or 3xx response, which is not an error status, is Unknown
// and unpinned. A Retry-After header becomes a RetryInfo and a 405's Allow
// header the pin's allowed methods, when the body has none.
//
// It reads at most DefaultMaxErrorBody bytes and does not close the body.
func ErrorFromResponse(resp *http.Response) error {
	return ErrorFromResponseLimit(resp, DefaultMaxErrorBody)
}

// ErrorFromResponseLimit is ErrorFromResponse reading at most maxBytes of
// the body (DefaultMaxErrorBody when maxBytes is not positive).
func ErrorFromResponseLimit(resp *http.Response, maxBytes int64) error {
	if resp == nil {
		return status.Error(codes.Unknown, "statusmap: no HTTP response")
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxErrorBody
	}
	maxBytes = min(maxBytes, math.MaxInt64-1) // maxBytes+1 below must not wrap
	var body []byte
	truncated := false
	if resp.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
		if int64(len(body)) > maxBytes {
			body, truncated = body[:maxBytes], true
		}
		if err != nil {
			// What was read is still worth decoding; say why it stops.
			truncated = true
		}
	}
	sp, ours := decodeErrorBody(resp.StatusCode, resp.Header, body, truncated)
	return finishStatus(sp, resp, ours).Err()
}

// finishStatus makes the decoded status agree with the response: an error
// code, the exact status pinned, and what the headers add. ours tells a body
// in one of the gateway's formats.
func finishStatus(sp *spb.Status, resp *http.Response, ours bool) *status.Status {
	httpStatus := resp.StatusCode
	if httpStatus < 400 || httpStatus > 599 {
		// Not an error status: nothing to pin. Keep the message.
		sp.Code = int32(codes.Unknown)
		return status.FromProto(sp)
	}
	if sp.Code == int32(codes.OK) {
		sp.Code = int32(statusmap.Code(httpStatus))
	}
	if _, ok := retryAfter(sp.Details); !ok {
		if seconds, err := strconv.ParseInt(strings.TrimSpace(resp.Header.Get("Retry-After")), 10, 64); err == nil && seconds >= 0 {
			if a, err := anypb.New(&errdetails.RetryInfo{RetryDelay: durationpb.New(durationFromSeconds(seconds))}); err == nil {
				sp.Details = append(sp.Details, a)
			}
		}
	}
	pin := wire.FindPin(sp.Details)
	allow := resp.Header.Values("Allow")
	needAllow := httpStatus == http.StatusMethodNotAllowed && len(allow) > 0 && len(pin.GetAllowedMethods()) == 0
	var challenges []*statusmapv1.AuthChallenge
	if len(pin.GetChallenges()) == 0 {
		var values []string
		switch httpStatus {
		case http.StatusUnauthorized:
			values = resp.Header.Values("Www-Authenticate")
		case http.StatusProxyAuthRequired:
			values = resp.Header.Values("Proxy-Authenticate")
		}
		// A gateway's default challenge (a statusmap gateway writes one on
		// every 401 and 407) says nothing the status does not: reading it
		// into a pin would only make a round trip differ from what went in.
		// Anything else an upstream said is kept.
		if len(values) > 0 && !(ours && isDefaultChallenge(httpStatus, values)) {
			challenges = parseChallenges(values)
		}
	}
	current := statusmap.HTTPStatus(codes.Code(sp.Code)) // what the status alone says
	if pin != nil {
		current = int(pin.GetCode())
	}
	if current == httpStatus && !needAllow && len(challenges) == 0 {
		return status.FromProto(sp)
	}
	// Replace any pin with one that says the response's status.
	kept := sp.Details[:0]
	for _, d := range sp.Details {
		if !wire.IsPin(d) {
			kept = append(kept, d)
		}
	}
	sp.Details = kept
	newPin := &statusmapv1.HttpStatus{Code: int32(httpStatus)}
	if pin != nil {
		newPin.AllowedMethods, newPin.Challenges = pin.GetAllowedMethods(), pin.GetChallenges()
	}
	if len(challenges) > 0 {
		newPin.Challenges = challenges
	}
	if needAllow {
		for _, v := range allow {
			for _, m := range strings.Split(v, ",") {
				if m = strings.TrimSpace(m); isToken(m) && len(newPin.AllowedMethods) < maxHeaderItems {
					newPin.AllowedMethods = append(newPin.AllowedMethods, m)
				}
			}
		}
	}
	if a, err := anypb.New(newPin); err == nil {
		sp.Details = append(sp.Details, a)
	}
	return status.FromProto(sp)
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

// durationFromSeconds bounds absurd Retry-After values to what a
// Duration can hold.
func durationFromSeconds(seconds int64) time.Duration {
	const maxSeconds = int64(^uint64(0)>>1) / 1e9
	if seconds > maxSeconds {
		seconds = maxSeconds
	}
	return time.Duration(seconds) * time.Second
}

// decodeErrorBody recognises the body's format and decodes it. ours is
// true for the gateway's own formats.
func decodeErrorBody(httpStatus int, header http.Header, body []byte, truncated bool) (sp *spb.Status, ours bool) {
	var obj map[string]json.RawMessage
	trimmed := bytes.TrimSpace(body)
	if !truncated && len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &obj) == nil {
		if sp, ours, ok := decodeKnownJSON(httpStatus, header, obj); ok {
			return sp, ours
		}
	}
	return &spb.Status{
		Code:    int32(statusmap.Code(httpStatus)),
		Message: fallbackMessage(httpStatus, body, truncated),
	}, false
}

// fallbackMessage names the status and quotes a short excerpt of the body,
// made safe: valid UTF-8, no control characters.
func fallbackMessage(httpStatus int, body []byte, truncated bool) string {
	msg := "HTTP " + strconv.Itoa(httpStatus)
	if text := http.StatusText(httpStatus); text != "" {
		msg += " " + text
	}
	excerpt := body
	if len(excerpt) > maxExcerpt {
		excerpt = excerpt[:maxExcerpt]
		truncated = true
	}
	clean := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(excerpt), "\ufffd"))
	clean = strings.Join(strings.Fields(clean), " ")
	if clean != "" {
		msg += ": " + clean
		if truncated {
			msg += " …"
		}
	}
	return msg
}

// str and num read a member of a decoded object.
func str(obj map[string]json.RawMessage, key string) (string, bool) {
	var s string
	raw, ok := obj[key]
	return s, ok && json.Unmarshal(raw, &s) == nil
}

func num(obj map[string]json.RawMessage, key string) (int64, bool) {
	var n int64
	raw, ok := obj[key]
	return n, ok && json.Unmarshal(raw, &n) == nil
}

func object(obj map[string]json.RawMessage, key string) (map[string]json.RawMessage, bool) {
	var o map[string]json.RawMessage
	raw, ok := obj[key]
	return o, ok && json.Unmarshal(raw, &o) == nil
}

func decodeKnownJSON(httpStatus int, header http.Header, obj map[string]json.RawMessage) (sp *spb.Status, ours, ok bool) {
	// AIP-193: {"error": {"code": 404, "message", "status": "NOT_FOUND", "details"}}.
	if inner, ok := object(obj, "error"); ok {
		if name, ok := str(inner, "status"); ok {
			code, known := parseCodeName(name)
			if !known {
				code = statusmap.Code(httpStatus)
			}
			msg, _ := str(inner, "message")
			return &spb.Status{Code: int32(code), Message: msg, Details: decodeDetails(inner["details"])}, true, true
		}
		// grpc-gateway's stream error chunk: {"error": {"code": 5, "message", "details"}}.
		if code, ok := num(inner, "code"); ok && code >= 0 && code <= math.MaxInt32 {
			msg, _ := str(inner, "message")
			return &spb.Status{Code: int32(code), Message: msg, Details: decodeDetails(inner["details"])}, true, true
		}
		// Some APIs nest {"error": {"code": "APIGW.0301", "message": ...}}.
		if errorCode, ok := str(inner, "code"); ok {
			msg, _ := str(inner, "message")
			return withErrorCode(httpStatus, header, msg, errorCode, ""), false, true
		}
	}
	// RFC 9457, with or without our extension members.
	if _, ok := num(obj, "status"); ok {
		_, hasType := obj["type"]
		_, hasTitle := obj["title"]
		if hasType || hasTitle {
			code := statusmap.Code(httpStatus)
			name, ours := str(obj, "grpcCode")
			if ours {
				if c, known := parseCodeName(name); known {
					code = c
				}
			}
			msg, ok := str(obj, "detail")
			if !ok {
				msg, _ = str(obj, "title")
			}
			return &spb.Status{Code: int32(code), Message: msg, Details: decodeDetails(obj["details"])}, ours, true
		}
	}
	// grpc-gateway: {"code": 5, "message", "details"}. A number is a gRPC
	// code only if it is one, or if the body has the details array that
	// FormatStatus writes: {"code": 404, "message": "Not Found"} is a REST
	// API's own code, kept as an ErrorInfo reason.
	if code, ok := num(obj, "code"); ok {
		_, hasDetails := obj["details"]
		msg, _ := str(obj, "message")
		if code >= 0 && (code <= int64(codes.Unauthenticated) || hasDetails && code <= math.MaxInt32) {
			return &spb.Status{Code: int32(code), Message: msg, Details: decodeDetails(obj["details"])}, true, true
		}
		return withErrorCode(httpStatus, header, msg, strconv.FormatInt(code, 10), ""), false, true
	}
	if name, ok := str(obj, "code"); ok {
		// twirp: {"code": "not_found", "msg", "meta"}.
		if msg, ok := str(obj, "msg"); ok {
			return decodeTwirp(httpStatus, name, msg, obj), false, true
		}
		// connect: {"code": "not_found", "message", "details": [{"type", "value"}]}.
		msg, _ := str(obj, "message")
		code, known := parseCodeName(name)
		if !known {
			// An API's own code, such as "BOOK_LOCKED": keep it.
			return withErrorCode(httpStatus, header, msg, name, ""), false, true
		}
		return &spb.Status{Code: int32(code), Message: msg, Details: decodeConnectDetails(obj["details"])}, false, true
	}
	// Huawei Cloud: {"error_code": "APIGW.0301", "error_msg", "request_id"}.
	if errorCode, ok := str(obj, "error_code"); ok {
		msg, _ := str(obj, "error_msg")
		requestID, _ := str(obj, "request_id")
		return withErrorCode(httpStatus, header, msg, errorCode, requestID), false, true
	}
	return nil, false, false
}

// withErrorCode keeps an API's own error code as an ErrorInfo reason and
// its request id (from the body, or X-Request-Id) as a RequestInfo.
func withErrorCode(httpStatus int, header http.Header, msg, errorCode, requestID string) *spb.Status {
	sp := &spb.Status{Code: int32(statusmap.Code(httpStatus)), Message: msg}
	if a, err := anypb.New(&errdetails.ErrorInfo{Reason: errorCode}); err == nil {
		sp.Details = append(sp.Details, a)
	}
	if requestID == "" {
		requestID = header.Get("X-Request-Id")
	}
	if requestID != "" {
		if a, err := anypb.New(&errdetails.RequestInfo{RequestId: requestID}); err == nil {
			sp.Details = append(sp.Details, a)
		}
	}
	return sp
}

// twirpCodes are twirp's codes that are not gRPC's names.
var twirpCodes = map[string]codes.Code{
	"malformed": codes.InvalidArgument,
	"bad_route": codes.Unimplemented,
}

func decodeTwirp(httpStatus int, name, msg string, obj map[string]json.RawMessage) *spb.Status {
	code, known := parseCodeName(name)
	if c, ok := twirpCodes[name]; ok {
		code, known = c, true
	}
	if !known {
		code = statusmap.Code(httpStatus)
	}
	sp := &spb.Status{Code: int32(code), Message: msg}
	var meta map[string]string
	if raw, ok := obj["meta"]; (ok && json.Unmarshal(raw, &meta) == nil && len(meta) > 0) || !known {
		if a, err := anypb.New(&errdetails.ErrorInfo{Reason: strings.ToUpper(name), Domain: "twirp", Metadata: meta}); err == nil {
			sp.Details = append(sp.Details, a)
		}
	}
	return sp
}

// decodeDetails reads a JSON array of google.protobuf.Any. A detail the
// gateway could not render, written as {"@type", "@bytes": base64}, comes
// back as it was; one that is neither is kept as a
// google.protobuf.Value holding its JSON, so that nothing is dropped.
func decodeDetails(raw json.RawMessage) []*anypb.Any {
	var items []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return nil
	}
	details := make([]*anypb.Any, 0, len(items))
	for _, item := range items {
		details = append(details, decodeDetail(item))
	}
	return details
}

func decodeDetail(item json.RawMessage) *anypb.Any {
	a := new(anypb.Any)
	if protojson.Unmarshal(item, a) == nil {
		return restoreUndecodable(a)
	}
	var typed struct {
		Type  string  `json:"@type"`
		Bytes *string `json:"@bytes"`
	}
	if json.Unmarshal(item, &typed) == nil && typed.Type != "" && typed.Bytes != nil {
		if value, err := base64.StdEncoding.DecodeString(*typed.Bytes); err == nil {
			return &anypb.Any{TypeUrl: typed.Type, Value: value}
		}
	}
	return jsonAsValue(item)
}

// jsonAsValue keeps arbitrary JSON as a google.protobuf.Value detail.
func jsonAsValue(item json.RawMessage) *anypb.Any {
	v := new(structpb.Value)
	if protojson.Unmarshal(item, v) != nil {
		v = structpb.NewStringValue(string(item))
	}
	a, err := anypb.New(v)
	if err != nil {
		return &anypb.Any{}
	}
	return a
}

// restoreUndecodable turns StreamErrorHandler's stand-in for a detail
// protojson could not write back into that detail.
func restoreUndecodable(a *anypb.Any) *anypb.Any {
	if !wire.HasFullName(a.GetTypeUrl(), "google.rpc.ErrorInfo") {
		return a
	}
	var info errdetails.ErrorInfo
	if proto.Unmarshal(a.GetValue(), &info) != nil || info.GetReason() != undecodableReason || info.GetDomain() != undecodableDomain {
		return a
	}
	typeURL, err1 := base64.StdEncoding.DecodeString(info.GetMetadata()["type_url"])
	value, err2 := base64.StdEncoding.DecodeString(info.GetMetadata()["value"])
	if err1 != nil || err2 != nil {
		return a
	}
	return &anypb.Any{TypeUrl: string(typeURL), Value: value}
}

// decodeConnectDetails reads connect's details: {"type": "google.rpc.RetryInfo",
// "value": base64 without padding}.
func decodeConnectDetails(raw json.RawMessage) []*anypb.Any {
	var items []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return nil
	}
	details := make([]*anypb.Any, 0, len(items))
	for _, item := range items {
		value, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(item.Value, "="))
		if err != nil || item.Type == "" {
			// Not decodable: keep what it said, as text.
			if a, err := anypb.New(structpb.NewStringValue(item.Type + ": " + item.Value)); err == nil {
				details = append(details, a)
			}
			continue
		}
		details = append(details, &anypb.Any{TypeUrl: "type.googleapis.com/" + item.Type, Value: value})
	}
	return details
}
