// Package wire holds the rules that statusmap, its gateway and its
// generators must agree on byte for byte: the pin's type name and how a
// type URL is matched, the metadata key of a success status, and the ranges
// of HTTP statuses. It imports no generated code of this repository, so
// that protoc-gen-go-statusmap can use it while that code is regenerated.
package wire

import (
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

// IsSuccessStatus reports whether an HTTP status is a 2xx.
func IsSuccessStatus(httpStatus int) bool {
	return httpStatus >= 200 && httpStatus <= 299
}
