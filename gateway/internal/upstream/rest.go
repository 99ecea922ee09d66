package upstream

import (
	"strings"

	"github.com/statusmap/statusmap/internal/httpwire"
)

// The error bodies of well-known REST APIs and frameworks. None states a
// gRPC code: the HTTP status decides it (a number such as Kubernetes'
// "code": 404 is the HTTP status again, never a gRPC code), and what the
// body says is kept as the google.rpc details that say it.

// decodeErrorCodeBody reads a body of an "error_code" string and a message
// member: Huawei Cloud's APIs' body,
// {"error_code": "APIGW.0301", "error_msg": "...", "request_id": "..."},
// and its sibling with "message" in place of "error_msg" (Databricks:
// {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}). A string
// error_code without either message member is not this family's.
func decodeErrorCodeBody(r *reading) (decoded, bool) {
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
