package upstream

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The error bodies of web frameworks' defaults: FastAPI (pydantic) and
// Spring Boot. Like the REST APIs' (rest.go), they state no gRPC code.

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
