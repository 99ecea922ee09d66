package upstream

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/internal/httpwire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
)

// The error bodies of well-known REST APIs and frameworks. None states a
// gRPC code: the HTTP status decides it (a number such as Kubernetes'
// "code": 404 is the HTTP status again, never a gRPC code), and what the
// body says is kept as the google.rpc details that say it.

// decodeSeedFamily reads Huawei Cloud's APIs' body,
// {"error_code": "APIGW.0301", "error_msg": "...", "request_id": "..."},
// and its sibling with "message" in place of "error_msg" (Databricks:
// {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}). A string
// error_code without either message member is not this family's.
func decodeSeedFamily(r *reading) (decoded, bool) {
	code := text(r.obj, "error_code")
	if code == "" {
		return decoded{}, false
	}
	msg, ok := str(r.obj, "error_msg")
	if !ok {
		if msg, ok = str(r.obj, "message"); !ok {
			return decoded{}, false
		}
	}
	return decoded{message: msg, reason: code, requestID: text(r.obj, "request_id")}, true
}

// decodeKubernetes reads a Kubernetes API server's metav1.Status:
// {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message",
// "reason": "NotFound", "details": {"name", "group", "kind", "causes":
// [{"reason", "message", "field"}], "retryAfterSeconds"}, "code": 404}.
func decodeKubernetes(r *reading) (decoded, bool) {
	if kind, _ := str(r.obj, "kind"); kind != "Status" {
		return decoded{}, false
	}
	if _, ok := str(r.obj, "apiVersion"); !ok {
		return decoded{}, false
	}
	msg, _ := str(r.obj, "message")
	d := decoded{message: msg, reason: text(r.obj, "reason")}
	if details, ok := r.object("details"); ok {
		for _, key := range []string{"name", "group", "kind", "uid"} {
			d.addMetadata(key, text(details, key))
		}
		causes, skipped, _ := objects(details, "causes")
		d.dropped.violations += skipped
		for _, c := range causes {
			d.addViolation(violation(text(c, "field"), text(c, "message"), text(c, "reason")))
		}
		if seconds, ok := integer(details, "retryAfterSeconds"); ok && seconds > 0 {
			d.retryDelay, d.hasRetry = httpwire.SecondsDelay(seconds), true
		}
	}
	return d, true
}

// decodeAWS reads the AWS JSON protocols' body:
// {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
// "message": "..."} ("Message" in some services).
func decodeAWS(r *reading) (decoded, bool) {
	errorType := awsErrorType(text(r.obj, "__type"))
	if errorType == "" {
		return decoded{}, false
	}
	msg, ok := str(r.obj, "message")
	if !ok {
		msg, _ = str(r.obj, "Message")
	}
	return decoded{message: msg, reason: errorType}, true
}

// awsErrorType is the shape name of an AWS error type, as __type and the
// X-Amzn-ErrorType header write it: without the namespace before "#" and
// the URL after ":".
func awsErrorType(t string) string {
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		t = t[i+1:]
	}
	t, _, _ = strings.Cut(t, ":")
	return strings.TrimSpace(t)
}

// decodeErrorObject reads bodies that nest the error in an "error" object
// (other than Google's and grpc-gateway's): Stripe's {"error": {"type":
// "card_error", "code": "card_declined", "decline_code", "message",
// "param", "doc_url"}}, Microsoft's REST guidelines' {"error": {"code",
// "message", "target", "details": [{"code", "message", "target"}],
// "innerError": {"request-id"}}}, Facebook's {"error": {"message", "type",
// "code": 190, "fbtrace_id"}}, and Huawei's nested {"error": {"code",
// "message"}}. The code (else the type) is the ErrorInfo reason, the
// parameter or target a field violation.
func decodeErrorObject(r *reading) (decoded, bool) {
	inner, ok := r.object("error")
	if !ok {
		return decoded{}, false
	}
	if _, ok := decodeGoogleBody(r); ok {
		return decoded{}, false
	}
	if _, ok := decodeStreamChunk(r); ok || isElasticsearch(r.obj, inner) {
		return decoded{}, false
	}
	d := decoded{message: odataMessage(inner), helpURL: text(inner, "doc_url")}
	msg := d.message
	code, errorType := text(inner, "code"), text(inner, "type")
	switch {
	case code != "":
		d.reason = code
		d.addMetadata("type", errorType)
	case errorType != "":
		d.reason = errorType
		d.addMetadata("code", scalarText(inner, "code"))
	default:
		d.reason = scalarText(inner, "code")
	}
	d.addMetadata("declineCode", text(inner, "decline_code"))
	for _, key := range []string{"param", "target"} {
		d.addViolation(violation(text(inner, key), msg, code))
	}
	details, skipped, _ := objects(inner, "details")
	d.dropped.violations += skipped
	for _, e := range details {
		d.addViolation(violation(text(e, "target"), text(e, "message"), text(e, "code")))
	}
	for _, key := range []string{"innerError", "innererror"} {
		if o, ok := object(inner, key); ok && d.requestID == "" {
			d.requestID = firstText(o, "request-id", "requestId")
		}
	}
	if d.requestID == "" {
		d.requestID = text(inner, "fbtrace_id")
	}
	return d, true
}

// decodeOAuth reads an OAuth 2.0 error response (RFC 6749, section 5.2;
// RFC 6750, section 3): {"error": "invalid_grant", "error_description",
// "error_uri"}.
func decodeOAuth(r *reading) (decoded, bool) {
	code, ok := str(r.obj, "error")
	if !ok {
		return decoded{}, false
	}
	_, hasDescription := r.obj["error_description"]
	_, hasURI := r.obj["error_uri"]
	if !hasDescription && !hasURI {
		return decoded{}, false
	}
	msg, _ := str(r.obj, "error_description")
	if msg == "" {
		msg = code
	}
	return decoded{message: msg, reason: bounded(code), helpURL: text(r.obj, "error_uri")}, true
}

// decodeForeignProblem reads an RFC 9457 problem document not written by
// statusmap: {"type", "title", "status", "detail", "instance"} and
// extension members, told by its Content-Type or by a numeric status with
// a type or a title. It reads the field errors of ASP.NET Core's
// ValidationProblemDetails ("errors": {"Name": ["..."]}, "traceId"), of
// RFC 9457's own examples ("errors": [{"detail", "pointer": "#/age"}],
// and RFC 7807's "invalid-params": [{"name", "reason"}]) and of Zalando's
// problem library ("violations": [{"field", "message"}]), and an extension
// "code" as the ErrorInfo reason.
func decodeForeignProblem(r *reading) (decoded, bool) {
	if _, ours := r.obj["grpcCode"]; ours {
		return decoded{}, false
	}
	_, hasType := str(r.obj, "type")
	_, hasTitle := str(r.obj, "title")
	_, hasDetail := str(r.obj, "detail")
	_, hasStatus := integer(r.obj, "status")
	if !(r.problem && (hasType || hasTitle || hasDetail || hasStatus) || hasStatus && (hasType || hasTitle)) {
		return decoded{}, false
	}
	d := decoded{message: problemMessage(r.obj), reason: text(r.obj, "code")}
	if t := text(r.obj, "type"); strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://") {
		d.helpURL = t
	}
	d.mapViolations(r.obj, "errors")
	for _, list := range [][3]string{{"invalid-params", "name", "reason"}, {"violations", "field", "message"}} {
		items, skipped, _ := objects(r.obj, list[0])
		d.dropped.violations += skipped
		for _, item := range items {
			d.addViolation(violation(text(item, list[1]), text(item, list[2]), ""))
		}
	}
	items, skipped, _ := objects(r.obj, "errors")
	d.dropped.violations += skipped
	for _, item := range items {
		d.addViolation(listViolation(item))
	}
	d.requestID = firstText(r.obj, "traceId", "requestId", "request_id")
	return d, true
}

// mapViolations reads ASP.NET Core's errors map, {"Field": ["message",
// ...]}, one violation per message, fields in order. Only the first
// maxViolations fields and messages are read.
func (d *decoded) mapViolations(obj map[string]json.RawMessage, key string) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || raw[0] != '{' {
		return
	}
	type field struct {
		name     string
		messages []byte
	}
	var fields []field
	n := eachMember(raw, maxViolations, func(k, v []byte) {
		var name string
		if v[0] == '[' && json.Unmarshal(k, &name) == nil {
			fields = append(fields, field{name, v})
		}
	})
	d.dropped.violations += max(n-maxViolations, 0)
	slices.SortStableFunc(fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
	for _, f := range fields {
		room := max(maxViolations-len(d.violations), 0)
		n := eachElement(f.messages, room, func(m []byte) {
			var msg string
			if m[0] == '"' && json.Unmarshal(m, &msg) == nil {
				d.addViolation(violation(f.name, msg, ""))
			}
		})
		d.dropped.violations += max(n-room, 0)
	}
}

// decodeFastAPI reads FastAPI's (pydantic's) validation error:
// {"detail": [{"type": "missing", "loc": ["body", "name"], "msg": "Field
// required", "input": ...}]}. The message is the first error's, with its
// field.
func decodeFastAPI(r *reading) (decoded, bool) {
	raw, ok := r.obj["detail"]
	if !ok || len(raw) == 0 || raw[0] != '[' {
		return decoded{}, false
	}
	items, skipped, ok := objects(r.obj, "detail")
	if !ok {
		return decoded{}, false
	}
	var d decoded
	d.dropped.violations = skipped
	for _, item := range items {
		field, msg := locPath(item["loc"]), text(item, "msg")
		d.addViolation(violation(field, msg, text(item, "type")))
		if d.message == "" && msg != "" {
			d.message = msg
			if field != "" {
				d.message = field + ": " + msg
			}
		}
	}
	if more := len(items) + skipped - 1; more > 0 && d.message != "" {
		d.message += fmt.Sprintf(" (and %d more)", more)
	}
	return d, true
}

// locPath turns a pydantic loc, ["body", "items", 0, "name"], into a field
// path as google.rpc.BadRequest writes one, "items[0].name": the part of
// the request (body, query, path, header, cookie) is left out.
func locPath(raw json.RawMessage) string {
	var loc [][]byte
	eachElement(raw, maxLocParts, func(elem []byte) { loc = append(loc, elem) })
	if len(loc) == 0 {
		return ""
	}
	if part, ok := jsonString(loc[0]); ok && len(loc) > 1 {
		switch part {
		case "body", "query", "path", "header", "cookie":
			loc = loc[1:]
		}
	}
	var b strings.Builder
	for _, elem := range loc {
		if s, ok := jsonString(elem); ok {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		} else if v, err := strconv.ParseFloat(string(elem), 64); err == nil {
			b.WriteString("[" + strconv.FormatFloat(v, 'f', -1, 64) + "]")
		}
	}
	return bounded(b.String())
}

// maxLocParts bounds how much of a pydantic loc is read: more parts than
// this would not fit in a bounded field path anyway.
const maxLocParts = 64

// jsonString reads a JSON string value.
func jsonString(raw []byte) (string, bool) {
	var s string
	return s, len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil
}

// decodeSpring reads Spring Boot's default error attributes:
// {"timestamp", "status": 400, "error": "Bad Request", "message", "path",
// "errors": [{"field", "defaultMessage", "code", "objectName"}],
// "requestId"}. Since Boot 2.3 the message is empty unless configured;
// the reason phrase in "error" is then the message.
func decodeSpring(r *reading) (decoded, bool) {
	_, hasTimestamp := r.obj["timestamp"]
	_, hasStatus := integer(r.obj, "status")
	phrase, hasError := str(r.obj, "error")
	if _, ok := str(r.obj, "path"); !ok || !hasTimestamp || !hasStatus || !hasError {
		return decoded{}, false
	}
	msg, _ := str(r.obj, "message")
	if strings.TrimSpace(msg) == "" || msg == "No message available" {
		msg = phrase
	}
	d := decoded{message: msg, requestID: text(r.obj, "requestId")}
	items, skipped, _ := objects(r.obj, "errors")
	d.dropped.violations += skipped
	for _, e := range items {
		d.addViolation(violation(text(e, "field"), text(e, "defaultMessage"), text(e, "code")))
	}
	return d, true
}

// decodeMessageFamily reads any other JSON object by the members most
// APIs share: the message (GitHub's and AWS API Gateway's {"message"},
// "detail", "title", "error", JSON:API's and GraphQL's "errors" list, ...),
// field errors in an "errors" list (GitHub's "field", JSON:API's
// "source": {"pointer"}) or map, an API's own code, a documentation link
// and a request id. A body with no message is not read: it is quoted.
func decodeMessageFamily(r *reading) (decoded, bool) {
	list, skipped, _ := objects(r.obj, "errors")
	d := decoded{message: humanMessage(r, list)}
	if d.message == "" {
		return decoded{}, false
	}
	d.dropped.violations = skipped
	for _, e := range list {
		d.addViolation(listViolation(e))
	}
	d.mapViolations(r.obj, "errors")
	d.reason = firstText(r.obj, "code", "reason", "error_code", "errorCode")
	if d.reason == "" {
		d.reason = machineCode(r.obj)
	}
	if e := text(r.obj, "error"); d.reason == "" && isCodeLike(e) {
		d.reason = e
	}
	if d.reason == "" && len(list) > 0 {
		// GraphQL: {"errors": [{"message", "extensions": {"code"}}]}.
		if ext, ok := object(list[0], "extensions"); ok {
			d.reason = text(ext, "code")
		}
	}
	if d.reason == "" && len(list) > 0 {
		// JSON:API's and GitHub's {"errors": [{"code": "123", ...}]}: the
		// first error's own code.
		d.reason = firstText(list[0], "code", "error_code", "errorCode")
		if n, ok := integer(list[0], "code"); ok && d.reason == "" {
			d.reason = strconv.FormatInt(n, 10)
		}
	}
	if d.reason == "" {
		// AWS API Gateway names the error in a header only.
		d.reason = awsErrorType(headerText(r.header.Get("X-Amzn-Errortype")))
	}
	d.helpURL = firstText(r.obj, "documentation_url", "doc_url", "more_info")
	d.requestID = firstText(r.obj, requestIDMembers[:]...)
	return d, true
}

// humanMessage finds a body's human message by the conventions of real
// APIs, in this order: message, detail, title (when there is no detail),
// error_description, error when it is a string, error.message,
// errors[0].message, errors[0].detail, errors[0].title, otherMessageKeys.
func humanMessage(r *reading, list []map[string]json.RawMessage) string {
	obj := r.obj
	for _, key := range []string{"message", "detail", "title", "error_description", "error"} {
		if s, _ := str(obj, key); strings.TrimSpace(s) != "" {
			return s
		}
	}
	if inner, ok := r.object("error"); ok {
		if s, _ := str(inner, "message"); s != "" {
			return s
		}
	}
	if len(list) > 0 {
		if s := firstText(list[0], "message", "detail", "title"); s != "" {
			return s
		}
	}
	for _, key := range otherMessageKeys {
		if s, _ := str(obj, key); strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// otherMessageKeys are the members other APIs put their message in, looked
// at last: "msg", AWS's "Message", AWS Lambda's {"errorMessage",
// "errorType"}, Google Maps' "error_message", Okta's {"errorCode",
// "errorSummary"}, Telegram's {"ok": false, "error_code", "description"}.
var otherMessageKeys = []string{"msg", "Message", "errorMessage", "error_message", "errorSummary", "description"}

// listViolation reads one element of an "errors" list as a field
// violation: GitHub's {"resource", "field", "code"}, JSON:API's {"source":
// {"pointer": "/data/attributes/title"}, "detail"}, RFC 9457's {"detail",
// "pointer": "#/age"}, a {"field", "message"} pair.
func listViolation(e map[string]json.RawMessage) *errdetails.BadRequest_FieldViolation {
	field := text(e, "field")
	if field == "" {
		field = pointerField(text(e, "pointer"))
	}
	if field == "" {
		if source, ok := object(e, "source"); ok {
			field = pointerField(text(source, "pointer"))
			if field == "" {
				field = text(source, "parameter")
			}
		}
	}
	description := firstText(e, "message", "detail", "defaultMessage", "title")
	reason := scalarText(e, "code")
	if description == "" {
		description = reason
	}
	return violation(field, description, reason)
}

// pointerField turns a JSON pointer into the document, as JSON:API's
// source.pointer gives one ("/data/attributes/address/city"), into a field
// path ("address.city").
func pointerField(pointer string) string {
	pointer = strings.TrimPrefix(pointer, "#") // a URI fragment
	if !strings.HasPrefix(pointer, "/") {
		return ""
	}
	pointer = strings.TrimPrefix(pointer, "/data/attributes/")
	pointer = strings.TrimPrefix(pointer, "/data/")
	pointer = strings.TrimPrefix(pointer, "/")
	parts := strings.Split(pointer, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return strings.Join(parts, ".")
}

// firstText is the first of the members that is a non-empty string.
func firstText(obj map[string]json.RawMessage, keys ...string) string {
	for _, key := range keys {
		if s := text(obj, key); s != "" {
			return s
		}
	}
	return ""
}

// isCodeLike reports whether s reads as an identifier ("invalid_grant",
// "NotFound") rather than prose.
func isCodeLike(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '.' || b == '-') {
			return false
		}
	}
	return true
}
