package body

import (
	"bytes"
	"encoding/json"
	"strings"

	pins "github.com/statusmap/statusmap/internal/pin"
	"github.com/statusmap/statusmap/internal/wire"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
)

// A foreign handler's body (an error handler not statusmap's, see package
// gateway's Verify): the gateway's exchange hands each write that names the
// pin's type to StripPins. That covers the bodies grpc-gateway's own handlers
// write with its own marshalers (a google.rpc.Status, or a stream's
// {"error": status} chunk, in JSON or binary protobuf); a body in another
// form, or cut into several writes, goes out as written.

// pinName is what every body that carries a pin contains: its type URL
// ends with it.
var pinName = []byte(wire.PinFullName)

// StripPins returns body less the pins among its status's details,
// and whether it took any out: body is kept when it names no pin or cannot
// be read as a status.
func StripPins(body []byte) ([]byte, bool) {
	if !bytes.Contains(body, pinName) {
		return body, false
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		// A body whose pin name is elsewhere (a message, say) is kept as
		// written, byte for byte.
		out, removed, ok := withoutPinsJSON(body, true)
		if !ok || removed == 0 {
			return body, false
		}
		return out, true
	}
	st := new(spb.Status)
	if proto.Unmarshal(body, st) != nil || !hasPin(st) {
		return body, false
	}
	st.Details = pins.Without(st.Details)
	out, err := proto.Marshal(st)
	if err != nil {
		return body, false
	}
	return out, true
}

// hasPin reports whether a status's details hold a pin.
func hasPin(st *spb.Status) bool {
	for _, d := range st.GetDetails() {
		if wire.IsPin(d) {
			return true
		}
	}
	return false
}

// withoutPinsJSON rewrites a JSON object less the pins in its "details"
// array and, at the top (nested is true), in the object under "error" (a
// stream's error chunk, FormatGoogle's envelope), and counts the pins
// removed. The members keep their order and values; whitespace between
// them is not kept, and what follows the object (a stream's delimiter) is.
// ok is false when body is not such an object.
func withoutPinsJSON(body []byte, nested bool) (out []byte, removed int, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, 0, false
	}
	out = append(make([]byte, 0, len(body)), '{')
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		var value json.RawMessage
		if err != nil || !isKey || dec.Decode(&value) != nil {
			return nil, 0, false
		}
		n, ok := 0, true
		switch {
		case strings.EqualFold(key, "details") && len(value) > 0 && value[0] == '[':
			value, n, ok = withoutPinDetails(value)
		case strings.EqualFold(key, "error") && nested && len(value) > 0 && value[0] == '{':
			value, n, ok = withoutPinsJSON(value, false)
		}
		if !ok {
			return nil, 0, false
		}
		removed += n
		if len(out) > 1 {
			out = append(out, ',')
		}
		name, _ := json.Marshal(key) // a string always marshals
		out = append(append(append(out, name...), ':'), value...)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, 0, false
	}
	rest := body[dec.InputOffset():]
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, 0, false
	}
	return append(append(out, '}'), rest...), removed, true
}

// withoutPinDetails returns a JSON array of details less those whose
// "@type" names the pin, and how many it removed.
func withoutPinDetails(array []byte) ([]byte, int, bool) {
	var items []json.RawMessage
	if json.Unmarshal(array, &items) != nil {
		return nil, 0, false
	}
	out := append(make([]byte, 0, len(array)), '[')
	removed := 0
	for _, item := range items {
		var typed struct {
			Type string `json:"@type"`
		}
		if json.Unmarshal(item, &typed) == nil && wire.HasFullName(typed.Type, wire.PinFullName) {
			removed++
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, item...)
	}
	return append(out, ']'), removed, true
}
