package upstream

// Google's error envelopes: AIP-193's, which statusmap's FormatGoogle
// writes too, and the older Google JSON API error.

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
