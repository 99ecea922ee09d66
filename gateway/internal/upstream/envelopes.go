package upstream

import (
	"encoding/json"
	"strconv"
)

// The JSON envelopes of search engines, payment APIs, CRMs and CDNs whose
// message is not a top-level "message" string, or whose code or request
// id has a name of its own.

// decodeElasticsearch reads Elasticsearch's (and OpenSearch's) error:
// {"error": {"root_cause": [{"type", "reason"}], "type":
// "index_not_found_exception", "reason": "no such index [x]", "caused_by":
// {...}}, "status": 404} (elastic.co, "Elasticsearch API conventions",
// error responses). The message is error.reason, with the first root
// cause's when it says more ("all shards failed: failed to create
// query ..."); error.type is the ErrorInfo reason.
func decodeElasticsearch(r *reading) (decoded, bool) {
	inner, ok := r.object("error")
	if !ok || !isElasticsearch(r.obj, inner) {
		return decoded{}, false
	}
	d := decoded{message: text(inner, "reason"), reason: text(inner, "type")}
	if d.message == "" {
		d.message = bounded(text(inner, "type"))
	}
	causes, _, _ := objects(inner, "root_cause")
	if len(causes) > 0 {
		cause, causeType := text(causes[0], "reason"), text(causes[0], "type")
		if cause != "" && cause != d.message {
			d.message += ": " + cause
		}
		if causeType != d.reason {
			d.addMetadata("rootCauseType", causeType)
		}
		d.addMetadata("index", text(causes[0], "index"))
	}
	if d.metadata["index"] == "" {
		d.addMetadata("index", text(inner, "index"))
	}
	return d, true
}

// isElasticsearch tells Elasticsearch's error object: a root_cause list,
// or a string type and reason (no message) beside a numeric status.
func isElasticsearch(obj, inner map[string]json.RawMessage) bool {
	if raw := inner["root_cause"]; len(raw) > 0 && raw[0] == '[' {
		return true
	}
	_, hasStatus := integer(obj, "status")
	_, hasType := str(inner, "type")
	_, hasReason := str(inner, "reason")
	_, hasMessage := inner["message"]
	return hasStatus && hasType && hasReason && !hasMessage
}

// decodePayPal reads PayPal's REST error: {"name": "INVALID_REQUEST",
// "message", "debug_id", "details": [{"field": "/intent", "value",
// "location": "body", "issue": "INVALID_PARAMETER_VALUE", "description"}],
// "links": [{"href", "rel": "information_link"}]}, and the Payments v1
// form with "information_link" and details of {"field", "issue"}
// (developer.paypal.com/api/rest/responses). name is the ErrorInfo
// reason, debug_id the request id, details with a field the violations.
func decodePayPal(r *reading) (decoded, bool) {
	name := text(r.obj, "name")
	debugID := text(r.obj, "debug_id")
	if name == "" || debugID == "" {
		return decoded{}, false
	}
	msg, _ := str(r.obj, "message")
	d := decoded{message: msg, reason: name, requestID: debugID, helpURL: text(r.obj, "information_link")}
	details, skipped, _ := objects(r.obj, "details")
	d.dropped.violations += skipped
	for i, e := range details {
		issue, description := text(e, "issue"), text(e, "description")
		if description == "" {
			description = issue
		}
		if i == 0 {
			d.addMetadata("issue", issue)
		}
		field := text(e, "field")
		if p := pointerField(field); p != "" {
			field = p
		}
		d.addViolation(violation(field, description, issue))
	}
	links, _, _ := objects(r.obj, "links")
	for _, l := range links {
		if d.helpURL == "" && text(l, "rel") == "information_link" {
			d.helpURL = text(l, "href")
		}
	}
	if d.message == "" {
		d.message = name
	}
	return d, true
}

// decodeCloudflare reads Cloudflare's API v4 envelope: {"success": false,
// "errors": [{"code": 7003, "message", "error_chain": [{"code",
// "message"}]}], "messages": [], "result": null}
// (developers.cloudflare.com/fundamentals/api/, "Make API calls" and
// troubleshooting). The message is the first error's, with its chain's
// first; its code is the ErrorInfo reason.
func decodeCloudflare(r *reading) (decoded, bool) {
	if raw := r.obj["success"]; string(raw) != "false" {
		return decoded{}, false
	}
	items, skipped, ok := objects(r.obj, "errors")
	if !ok {
		return decoded{}, false
	}
	d := decoded{}
	for _, e := range items {
		if d.message == "" {
			d.message = text(e, "message")
			d.reason = scalarText(e, "code")
			if chain, _, _ := objects(e, "error_chain"); len(chain) > 0 {
				if cause := text(chain[0], "message"); cause != "" {
					d.message += ": " + cause
				}
			}
		}
	}
	if more := len(items) + skipped - 1; more > 0 && d.message != "" {
		d.message += " (and " + strconv.Itoa(more) + " more)"
	}
	return d, true
}

// decodeErrorArray reads a body that is a JSON array of error objects:
// Salesforce's REST API, [{"message": "Required fields are missing:
// [Name]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["Name"]}]
// (developer.salesforce.com, REST API "Status Codes and Error Responses"),
// and Yii's validation errors, [{"field": "email", "message": "Email
// cannot be blank."}] (yiiframework.com, "RESTful Web Services: Response
// Formatting"). The first error's message (with its field) is the message,
// its errorCode (or code) the ErrorInfo reason, and fields the violations.
// An array of messages or of field maps is Django REST framework's.
func decodeErrorArray(r *reading) (decoded, bool) {
	if r.array == nil {
		return decoded{}, false
	}
	var items []map[string]json.RawMessage
	n := eachElement(r.array, maxViolations, func(item []byte) {
		var o map[string]json.RawMessage
		if item[0] == '{' && json.Unmarshal(item, &o) == nil {
			items = append(items, o)
		}
	})
	if len(items) == 0 || text(items[0], "message") == "" {
		// Django REST framework's: a view's ValidationError,
		// ["This field must be an even number."], or a list
		// serializer's, [{}, {"name": ["This field is required."]}].
		var d decoded
		w := fieldWalk{d: &d}
		w.value(r.array, "", 0)
		d.message = w.summary()
		return d, d.message != ""
	}
	var d decoded
	d.dropped.violations = max(n-maxViolations, 0)
	for _, e := range items {
		msg, code := text(e, "message"), firstText(e, "errorCode", "code")
		if field := text(e, "field"); field != "" {
			d.addViolation(violation(field, msg, code))
			if d.message == "" {
				d.message = field + ": " + msg
			}
		}
		eachElement(e["fields"], maxViolations, func(f []byte) {
			if len(d.violations) >= maxViolations {
				d.dropped.violations++
			} else if field, ok := jsonString(f); ok {
				d.addViolation(violation(field, msg, code))
			}
		})
	}
	if d.message == "" {
		d.message = text(items[0], "message")
	}
	d.reason = firstText(items[0], "errorCode", "code", "error_code")
	if more := n - 1; more > 0 {
		d.message += " (and " + strconv.Itoa(more) + " more)"
	}
	return d, true
}

// decodeOData reads OData's JSON error of the v2/v3 protocol, which Azure
// Table storage and SharePoint send: {"odata.error": {"code":
// "ResourceNotFound", "message": {"lang": "en-US", "value": "The specified
// resource does not exist."}}} (learn.microsoft.com, "Table service error
// codes"; odata.org, JSON format v3 "Error Response"). OData v4's
// {"error": {"code", "message"}} is the error object's.
func decodeOData(r *reading) (decoded, bool) {
	inner, ok := r.object("odata.error")
	if !ok {
		return decoded{}, false
	}
	return decoded{message: odataMessage(inner), reason: scalarText(inner, "code")}, true
}

// odataMessage is an error object's message: a string, or OData's
// {"lang", "value"}.
func odataMessage(inner map[string]json.RawMessage) string {
	if msg, ok := str(inner, "message"); ok {
		return msg
	}
	if o, ok := object(inner, "message"); ok {
		msg, _ := str(o, "value")
		return msg
	}
	return ""
}
