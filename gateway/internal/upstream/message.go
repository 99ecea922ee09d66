package upstream

import (
	"encoding/json"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
)

// The message family: any JSON object no convention claims, read by the
// members most APIs share (conventions.go runs it last).

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
