package upstream

import (
	"github.com/statusmap/statusmap/internal/wire"
)

// The bodies grpc-gateway writes, which statusmap's FormatStatus writes
// too: the only ones that state a gRPC code by number. statusmap's other
// formats are read in problem.go (FormatProblem) and google.go
// (FormatGoogle).

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
