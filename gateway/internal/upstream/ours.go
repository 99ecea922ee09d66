package upstream

import (
	"encoding/json"

	"github.com/statusmap/statusmap/internal/wire"
)

// The bodies a statusmap gateway (and grpc-gateway) writes. Only these
// state a gRPC code by number.

// decodeStatusBody reads FormatStatus, grpc-gateway's body:
// {"code": 5, "message": "...", "details": [...]} and nothing else. A
// number outside 0 to 16 without the details array is a REST API's own
// code ({"code": 404, "message": "Not Found"}), left to the message family;
// with the array it is statusmap's body of a code gRPC does not define,
// which the HTTP status then decides.
func decodeStatusBody(r *reading) (decoded, bool) {
	if !onlyKeys(r.obj, "code", "message", "details") {
		return decoded{}, false
	}
	n, ok := integer(r.obj, "code")
	if !ok {
		return decoded{}, false
	}
	_, hasDetails := r.obj["details"]
	inRange := n >= 0 && n <= wire.MaxCode
	if !inRange && !hasDetails {
		return decoded{}, false
	}
	msg, _ := str(r.obj, "message")
	d := decoded{code: codeOf(n), hasCode: inRange, ours: true, message: msg}
	d.details, d.dropped.details = decodeDetails(r.obj["details"])
	return d, true
}

// decodeGoogleBody reads AIP-193's envelope (FormatGoogle, Google's APIs):
// {"error": {"code": 404, "message", "status": "NOT_FOUND", "details"}},
// where code is the HTTP status and status the gRPC code's name, and the
// older Google JSON error, {"error": {"code": 400, "message", "errors":
// [{"domain", "reason", "message", "location"}]}}.
func decodeGoogleBody(r *reading) (decoded, bool) {
	inner, ok := r.object("error")
	if !ok || !onlyKeys(r.obj, "error") {
		return decoded{}, false
	}
	name, hasStatus := str(inner, "status")
	_, hasNumber := integer(inner, "code")
	// The claim is decided before anything is decoded: decodeErrorObject
	// asks it again of every body it reads.
	rawErrors := inner["errors"]
	hasErrors := len(rawErrors) > 0 && rawErrors[0] == '['
	if !hasStatus && !(hasNumber && hasErrors) {
		return decoded{}, false
	}
	legacy, skipped, _ := objects(inner, "errors")
	msg, _ := str(inner, "message")
	d := decoded{ours: hasStatus, message: msg}
	d.details, d.dropped.details = decodeDetails(inner["details"])
	d.code, d.hasCode = codeByName(name)
	d.dropped.violations = skipped
	if len(legacy) > 0 {
		d.reason = text(legacy[0], "reason")
		if domain := text(legacy[0], "domain"); domain != "global" {
			d.domain = domain
		}
		for _, e := range legacy {
			d.addViolation(violation(text(e, "location"), text(e, "message"), text(e, "reason")))
		}
	}
	return d, true
}

// decodeStreamChunk reads the error chunk grpc-gateway writes into a
// stream: {"error": {"code": 5, "message", "details"}}.
func decodeStreamChunk(r *reading) (decoded, bool) {
	inner, ok := r.object("error")
	if !ok || !onlyKeys(r.obj, "error") || !onlyKeys(inner, "code", "message", "details") {
		return decoded{}, false
	}
	n, ok := integer(inner, "code")
	if !ok || n < 0 || n > wire.MaxCode {
		return decoded{}, false
	}
	msg, _ := str(inner, "message")
	d := decoded{code: codeOf(n), hasCode: true, ours: true, message: msg}
	d.details, d.dropped.details = decodeDetails(inner["details"])
	return d, true
}

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

// problemMessage is an RFC 9457 document's human message: detail, or the
// title when there is no detail.
func problemMessage(obj map[string]json.RawMessage) string {
	if msg, ok := str(obj, "detail"); ok {
		return msg
	}
	msg, _ := str(obj, "title")
	return msg
}
