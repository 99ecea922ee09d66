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
		if proto.Unmarshal(detail.GetValue(), pin) == nil && wire.IsErrorStatus(int(pin.GetCode())) {
			return pin
		}
	}
	return nil
}
