package upstream

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The bodies whose human message is not one string but field errors or a
// list of messages: Rails' and Jira's "errors", Django REST framework's
// field map, NestJS's "message" list. Where no single message exists, it is
// built from the first entry, with its field ("title: can't be blank"),
// and says how many more there are.

// decodeJira reads Atlassian Jira's (and Confluence's) ErrorCollection:
// {"errorMessages": ["Issue does not exist or you do not have permission
// to see it."], "errors": {"summary": "You must specify a summary of the
// issue."}} (developer.atlassian.com, Jira REST API v2/v3, "Status codes"
// and the ErrorCollection schema). The message is the first of
// errorMessages, else the first field error.
func decodeJira(r *reading) (decoded, bool) {
	raw, ok := r.obj["errorMessages"]
	if !ok || len(raw) == 0 || raw[0] != '[' {
		return decoded{}, false
	}
	var d decoded
	w := fieldWalk{d: &d}
	w.value(raw, "", 0)
	if errors, ok := r.obj["errors"]; ok && len(errors) > 0 && errors[0] == '{' {
		w.object(errors, "", 0)
	}
	d.message = w.summary()
	d.reason = machineCode(r.obj)
	return d, true
}

// decodeBareErrors reads an "errors" member that is the whole error, with
// no message beside it: Rails' {"errors": {"title": ["can't be blank"]}}
// (render json: record.errors, guides.rubyonrails.org "Active Record
// Validations", errors.as_json), {"errors": ["Title can't be blank"]}
// (errors.full_messages), {"errors": "Not authorized"}, and a field map of
// single messages, {"errors": {"email": "is invalid"}}. A list of error
// objects (JSON:API, GraphQL) or a body with a message is the message
// family's.
func decodeBareErrors(r *reading) (decoded, bool) {
	raw, ok := r.obj["errors"]
	if !ok || len(raw) == 0 || hasMessageMember(r.obj) {
		return decoded{}, false
	}
	if _, jira := r.obj["errorMessages"]; jira {
		return decoded{}, false
	}
	if _, cloudflare := r.obj["success"]; cloudflare {
		return decoded{}, false
	}
	switch raw[0] {
	case '"', '{':
	case '[':
		if !isMessages(raw) {
			return decoded{}, false
		}
	default:
		return decoded{}, false
	}
	var d decoded
	w := fieldWalk{d: &d}
	w.value(raw, "", 0)
	d.message = w.summary()
	d.reason = machineCode(r.obj)
	return d, true
}

// decodeMessageList reads a "message" that is a list of messages or a map
// of field errors: NestJS's ValidationPipe, {"statusCode": 400, "message":
// ["email must be an email"], "error": "Bad Request"}
// (docs.nestjs.com/techniques/validation), and GitLab's {"message":
// {"name": ["has already been taken"]}} (docs.gitlab.com/api/rest, "Data
// validation and error reporting").
func decodeMessageList(r *reading) (decoded, bool) {
	raw, ok := r.obj["message"]
	if !ok || len(raw) == 0 || raw[0] != '[' && raw[0] != '{' {
		return decoded{}, false
	}
	var d decoded
	w := fieldWalk{d: &d}
	w.value(raw, "", 0)
	d.message = w.summary()
	if d.message == "" {
		d.message, _ = str(r.obj, "error")
	}
	d.reason = machineCode(r.obj)
	return d, true
}

// decodeDRF reads Django REST framework's validation errors: the body is
// the field map, {"title": ["This field is required."], "email": ["Enter
// a valid email address."]}, with "non_field_errors" for the object's own
// and nested serializers as nested maps or lists of maps
// (django-rest-framework.org, "Exceptions" and "Serializers: Validation").
// It claims an object whose every member is a list of strings or a map of
// them, other than "errors" or "message" (the bodies above).
func decodeDRF(r *reading) (decoded, bool) {
	if len(r.obj) == 0 {
		return decoded{}, false
	}
	for key, v := range r.obj {
		if key == "errors" || key == "message" || key == "errorMessages" || key == "detail" || !isMessages(v) && !(len(v) > 0 && v[0] == '{' && allMessages(v)) {
			return decoded{}, false
		}
	}
	var d decoded
	w := fieldWalk{d: &d}
	w.object(r.raw, "", 0)
	d.message = w.summary()
	return d, d.message != ""
}

// isMessages reports whether v is a non-empty JSON array whose first
// element is a string.
func isMessages(v []byte) bool {
	if len(v) == 0 || v[0] != '[' {
		return false
	}
	first := skipSpace(v, 1)
	return first < len(v) && v[first] == '"'
}

// allMessages reports whether every member of the object v is a list of
// messages.
func allMessages(v []byte) bool {
	all := true
	n := eachMember(v, maxViolations, func(_, value []byte) { all = all && isMessages(value) })
	return all && n > 0 && n <= maxViolations
}

// hasMessageMember reports whether a body has a human message as a string
// member: the message family reads it.
func hasMessageMember(obj map[string]json.RawMessage) bool {
	for _, key := range []string{"message", "error", "detail", "title", "error_description"} {
		if s, _ := str(obj, key); strings.TrimSpace(s) != "" {
			return true
		}
	}
	for _, key := range otherMessageKeys {
		if s, _ := str(obj, key); strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}

// nonFieldKeys name the errors of a whole object rather than of a field:
// Django REST framework's, Django's and Rails'.
var nonFieldKeys = map[string]bool{"non_field_errors": true, "__all__": true, "base": true}

// maxFieldDepth and maxFieldObjects bound how far a walk of nested field
// errors goes: a field path past them is not a field a client fixes.
const (
	maxFieldDepth   = 3
	maxFieldObjects = maxViolations
)

// fieldWalk reads field errors in the order of the body: field →
// "message", field → ["message", ...], nested maps (field.sub) and lists
// of maps (field[0].sub), each message a field violation (but for
// nonFieldKeys'). first is the first message with its field; n counts the
// messages, those past the bounds included.
type fieldWalk struct {
	d       *decoded
	first   string
	n       int
	objects int
}

func (w *fieldWalk) object(raw []byte, prefix string, depth int) {
	if w.objects++; w.objects > maxFieldObjects {
		return
	}
	count := eachMember(raw, maxViolations, func(k, v []byte) {
		if name, ok := jsonString(k); ok {
			w.value(v, joinField(prefix, name), depth)
		}
	})
	w.skipped(count - maxViolations)
}

func (w *fieldWalk) value(v []byte, field string, depth int) {
	switch v[0] {
	case '"':
		w.message(field, v)
	case '[':
		i := 0
		count := eachElement(v, maxViolations, func(e []byte) {
			switch {
			case e[0] == '"':
				w.message(field, e)
			case e[0] == '{' && w.detail(field, e):
			case e[0] == '{' && depth < maxFieldDepth:
				w.object(e, bounded(field+"["+strconv.Itoa(i)+"]"), depth+1)
			}
			i++
		})
		w.skipped(count - maxViolations)
	case '{':
		if depth < maxFieldDepth {
			w.object(v, field, depth+1)
		}
	}
}

// detail reads an error of a field as an object, {"message": "is
// invalid", "code": "invalid"} (or Rails' errors.details, {"error":
// "blank"}), and reports false when the object is not one but a nested
// map of fields.
func (w *fieldWalk) detail(field string, raw []byte) bool {
	if w.objects++; w.objects > maxFieldObjects {
		return true // past the bound: neither read nor walked
	}
	var o map[string]json.RawMessage
	if json.Unmarshal(raw, &o) != nil {
		return false
	}
	msg, ok := str(o, "message")
	if !ok {
		if msg, ok = str(o, "error"); !ok {
			return false
		}
	}
	n := len(w.d.violations)
	w.add(field, msg)
	if code := scalarText(o, "code"); code != "" && len(w.d.violations) > n {
		w.d.violations[n].Reason = bounded(code)
	}
	return true
}

func (w *fieldWalk) message(field string, raw []byte) {
	msg, _ := jsonString(raw)
	w.add(field, msg)
}

// add counts a message of a field, keeps the first, and adds it as a
// violation.
func (w *fieldWalk) add(field, msg string) {
	if msg = strings.TrimSpace(msg); msg == "" {
		return
	}
	w.n++
	if nonFieldKeys[field] {
		field = ""
	}
	if w.first == "" {
		w.first = msg
		if field != "" {
			w.first = field + ": " + msg
		}
	}
	w.d.addViolation(violation(field, msg, ""))
}

// skipped counts the entries past the bounds as messages left out.
func (w *fieldWalk) skipped(n int) {
	if n > 0 {
		w.n += n
		w.d.dropped.violations += n
	}
}

// summary is the first message, and how many more there are.
func (w *fieldWalk) summary() string {
	if w.n > 1 && w.first != "" {
		return w.first + " (and " + strconv.Itoa(w.n-1) + " more)"
	}
	return w.first
}

// joinField appends a member's name to a field path.
func joinField(prefix, name string) string {
	if prefix == "" {
		return bounded(name)
	}
	return bounded(prefix + "." + name)
}

// machineCode is a body's own error code, as sent: a string "code",
// "error_code" or "errorCode", an identifier-like "name", "type",
// "error_type", "errorType" or "id" (Feathers' "NotFound", Discourse's
// "invalid_access", Heroku's and DigitalOcean's "not_found"),
// else a numeric code as its text.
func machineCode(obj map[string]json.RawMessage) string {
	if code := firstText(obj, "code", "error_code", "errorCode"); code != "" {
		return code
	}
	for _, key := range []string{"name", "type", "error_type", "errorType", "id"} {
		// An id that holds a digit is an instance's, not a code.
		if s := text(obj, key); isCodeLike(s) && !(key == "id" && strings.ContainsAny(s, "0123456789")) {
			return s
		}
	}
	for _, key := range []string{"code", "error_code", "errorCode"} {
		if n, ok := integer(obj, key); ok {
			return strconv.FormatInt(n, 10)
		}
	}
	return ""
}
