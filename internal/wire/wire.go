// Package wire holds the rules that statusmap, its gateway and its
// generators must agree on byte for byte: the pin's type name and how a
// type URL is matched, the metadata key of a success status, and the ranges
// of HTTP statuses. It imports no generated code of this repository, so
// that protoc-gen-go-statusmap can use it while that code is regenerated.
package wire

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/types/known/anypb"
)

// PinFullName is statusmapv1.HttpStatus's protobuf full name, the part of
// a type URL after its last slash. A test holds it against the descriptor.
const PinFullName = "statusmap.v1.HttpStatus"

// SuccessStatusKey is the gRPC header metadata key that
// statusmap.SetHTTPStatus writes and a statusmap gateway reads (and never
// forwards to a client).
const SuccessStatusKey = "statusmap-http-status"

// HasFullName reports whether a type URL names the message fullName:
// whatever comes before its last slash is the URL's host part.
func HasFullName(typeURL, fullName string) bool {
	if i := strings.LastIndexByte(typeURL, '/'); i >= 0 {
		typeURL = typeURL[i+1:]
	}
	return typeURL == fullName
}

// IsPin reports whether a detail is a statusmapv1.HttpStatus.
func IsPin(detail *anypb.Any) bool {
	return HasFullName(detail.GetTypeUrl(), PinFullName)
}

// IsErrorStatus reports whether an HTTP status is a client or server error,
// the only statuses an error may be answered with.
func IsErrorStatus(httpStatus int) bool {
	return httpStatus >= 400 && httpStatus <= 599
}

// IsHTTPStatus reports whether a number is an HTTP status, 100 to 599
// (RFC 9110, section 15: three digits, the first 1 to 5).
func IsHTTPStatus(n int) bool {
	return n >= 100 && n <= 599
}

// IsSuccessStatus reports whether an HTTP status is a 2xx.
func IsSuccessStatus(httpStatus int) bool {
	return httpStatus >= 200 && httpStatus <= 299
}

// SplitFullMethod splits a gRPC full method name, "/pkg.Service/Method"
// (the leading slash may be left out), into its service's full name
// ("pkg.Service") and its method. ok is false unless both are non-empty,
// the service's simple name (after its last dot) is too, and the method
// holds no slash: the one rule the gateway's options, the
// OpenAPI rewrite and its command hold a full method name to.
func SplitFullMethod(fullMethod string) (service, method string, ok bool) {
	service, method, ok = strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	if !ok || service == "" || strings.HasSuffix(service, ".") || method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return service, method, true
}

// MaxCode is the largest gRPC code, Unauthenticated (16): a code above it
// is none gRPC defines.
const MaxCode = 16

// CodeNames are the gRPC codes' names as google/rpc/code.proto spells them
// ("NOT_FOUND"), indexed by code: the names AIP-193 bodies and problems
// carry. grpc-go's codes.Code.String spells them "NotFound".
var CodeNames = [MaxCode + 1]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
	"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
	"INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
}

// ChallengeHeader is the header, in canonical form, that RFC 9110 asks of
// an error status: WWW-Authenticate on 401, Proxy-Authenticate on 407,
// Allow on 405; "" for any other status.
func ChallengeHeader(httpStatus int) string {
	switch httpStatus {
	case 401:
		return "Www-Authenticate"
	case 405:
		return "Allow"
	case 407:
		return "Proxy-Authenticate"
	}
	return ""
}

// CheckErrorStatuses refuses a status that is not an error's, or one given
// twice: "404 is listed twice". Its callers name what they check.
func CheckErrorStatuses(statuses []int) error {
	seen := make(map[int]bool, len(statuses))
	for _, s := range statuses {
		if !IsErrorStatus(s) {
			return fmt.Errorf("%d is not a 4xx or 5xx status", s)
		}
		if seen[s] {
			return fmt.Errorf("%d is listed twice", s)
		}
		seen[s] = true
	}
	return nil
}

// BodyAllowed reports whether a final response with the status may have
// content: not a 204, a 205 or a 304 (RFC 9110, sections 15.3.5, 15.3.6
// and 15.4.5). The gateway's writer drops the body of such a response and
// the OpenAPI rewrite describes it without one. (A 1xx is interim, never
// a final status; neither caller sees one.)
func BodyAllowed(httpStatus int) bool {
	return httpStatus != 204 && httpStatus != 205 && httpStatus != 304
}
