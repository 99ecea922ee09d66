// Package pin finds statusmap's pin (statusmapv1.HttpStatus) among a
// status's details, one rule for statusmap and its gateway.
package pin

import (
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// Find returns the first valid pin among a status's details, or nil. A
// detail that does not decode, or whose code is not 400 to 599, is skipped.
// Only details of the pin's type are decoded.
func Find(details []*anypb.Any) *statusmapv1.HttpStatus {
	for _, detail := range details {
		if !wire.IsPin(detail) {
			continue
		}
		pin := new(statusmapv1.HttpStatus)
		if proto.Unmarshal(detail.GetValue(), pin) == nil && valid(pin) {
			return pin
		}
	}
	return nil
}

// FromDetails is Find for details already decoded, as grpc-go's
// status.Status.Details returns them (which costs nothing for a status
// without details): the first pin whose code is 400 to 599, or nil. A
// detail that did not decode is an error value there, and is skipped.
func FromDetails(details []any) *statusmapv1.HttpStatus {
	for _, detail := range details {
		if pin, ok := detail.(*statusmapv1.HttpStatus); ok && valid(pin) {
			return pin
		}
	}
	return nil
}

// valid is the one rule: a pin counts when its code is an error status, so
// that a pin never turns an error into a success.
func valid(pin *statusmapv1.HttpStatus) bool {
	return wire.IsErrorStatus(int(pin.GetCode()))
}

// Without drops statusmap's pins from details, in place, and returns what
// is left: a pin never leaves the process that reads it.
func Without(details []*anypb.Any) []*anypb.Any {
	kept := details[:0]
	for _, d := range details {
		if !wire.IsPin(d) {
			kept = append(kept, d)
		}
	}
	return kept
}
