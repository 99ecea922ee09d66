package upstream

import (
	"encoding/json"
	"slices"
	"strings"
)

// RFC 9457 problem documents (application/problem+json): statusmap's own
// (FormatProblem, with "grpcCode") and everyone else's.

// decodeOurProblem reads FormatProblem: an RFC 9457 document with the gRPC
// code's name as "grpcCode" and the details as "details".
func decodeOurProblem(r *reading) (decoded, bool) {
	name, ok := str(r.obj, "grpcCode")
	if !ok {
		return decoded{}, false
	}
	if _, ok := integer(r.obj, "status"); !ok {
		return decoded{}, false
	}
	d := decoded{ours: true}
	d.details, d.dropped.details = decodeDetails(r.obj["details"])
	d.code, d.hasCode = codeByName(name)
	d.message = problemMessage(r.obj)
	return d, true
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

// problemMessage is an RFC 9457 document's human message: detail, or the
// title when there is no detail.
func problemMessage(obj map[string]json.RawMessage) string {
	if msg, ok := str(obj, "detail"); ok {
		return msg
	}
	msg, _ := str(obj, "title")
	return msg
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
