package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	pins "github.com/statusmap/statusmap/internal/pin"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/wire"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// A mux option given after ServeMuxOptions may replace statusmap's error,
// routing error or stream error handler (grpc-gateway keeps one of each,
// the last given). The replaced handler then answers with grpc-gateway's
// statuses and writes the pin into bodies. Nothing at NewServeMux time can
// see the options that follow statusmap's, so the mux is asked afterwards:
// a probe error is sent through each handler, and statusmap's handlers
// recognise it and say so.

// Verify reports whether statusmap's handlers answer a mux's errors: it
// returns nil for a mux built with ServeMuxOptions (of any Gateway), and
// otherwise an error that names each of the error, routing error and
// stream error handlers that is not statusmap's, and why. Call it once
// after runtime.NewServeMux, in a test or at start-up:
//
//	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
//	if err := gateway.Verify(mux); err != nil {
//		log.Fatal(err)
//	}
//
// A handler of the user's own that hands its errors on to statusmap's
// passes. Verify sends one probe error (its message says what it is)
// through each handler, with a request that reaches no route and a writer
// that discards what it is given: a foreign handler runs and may log it.
//
// Whether Verify is called or not, the first request that reaches
// statusmap's middleware or routing error handler in a mux that fails the
// check panics with the same message (net/http recovers it and logs it):
// the mistake is a construction-time one, and shows at the first request a
// developer sends. Under a server adapter that does not recover panics
// (the mux called other than by net/http's Server), that first request
// would crash the process: call Verify at start-up, before serving. Later
// requests are answered by the foreign handlers, with the pin taken out of
// the JSON and protobuf bodies they write (TestForeignErrorHandlerCannotLeakPin
// shows it).
func Verify(mux *runtime.ServeMux) error {
	if mux == nil {
		return errors.New("statusmap/gateway: Verify: nil mux")
	}
	return verify(mux).err()
}

// handlerProbe is the error Verify sends through a mux's error and stream
// error handlers. statusmap's handlers note that they were reached and
// write nothing.
type handlerProbe struct{ reached bool }

func (*handlerProbe) Error() string {
	return "statusmap/gateway: a probe of the mux's error handlers (see gateway.Verify), not an error"
}

// probeError reports whether err is Verify's probe, and notes that a
// statusmap handler was reached.
func probeError(err error) bool {
	p, ok := err.(*handlerProbe)
	if ok {
		p.reached = true
	}
	return ok
}

// muxCheck is what verify learned: which handlers are statusmap's.
type muxCheck struct {
	errorHandler, routingHandler, streamHandler bool
}

// verify sends the probes. The routing probe's path does not begin with a
// slash, which grpc-gateway answers through the routing error handler
// before it looks for a route.
func verify(mux *runtime.ServeMux) muxCheck {
	body := &probeBody{}
	req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "statusmap-verify"}, Header: http.Header{}, Body: body}
	w := discardWriter{h: http.Header{}}
	ctx := context.Background()
	unary, stream := &handlerProbe{}, &handlerProbe{}
	runtime.HTTPError(ctx, mux, defaultMarshaler, w, req, unary)
	runtime.HTTPStreamError(ctx, mux, defaultMarshaler, w, req, stream)
	mux.ServeHTTP(w, req)
	return muxCheck{errorHandler: unary.reached, routingHandler: body.answered, streamHandler: stream.reached}
}

// err says what is wrong with the mux, or nil.
func (c muxCheck) err() error {
	if c.errorHandler && c.routingHandler && c.streamHandler {
		return nil
	}
	if !c.errorHandler && !c.routingHandler && !c.streamHandler {
		return errors.New("statusmap/gateway: none of the mux's error handlers is statusmap's: build it with runtime.NewServeMux(gateway.ServeMuxOptions()...), " +
			"and give no runtime.WithErrorHandler, WithRoutingErrorHandler or WithStreamErrorHandler after them")
	}
	var handlers, options []string
	for _, h := range [...]struct {
		ours         bool
		name, option string
	}{
		{c.errorHandler, "error handler", "runtime.WithErrorHandler"},
		{c.routingHandler, "routing error handler", "runtime.WithRoutingErrorHandler"},
		{c.streamHandler, "stream error handler", "runtime.WithStreamErrorHandler"},
	} {
		if !h.ours {
			handlers = append(handlers, h.name)
			options = append(options, h.option)
		}
	}
	verb := " is"
	if len(handlers) > 1 {
		verb = " are"
	}
	return errors.New("statusmap/gateway: the mux's " + strings.Join(handlers, " and ") + verb + " not statusmap's: " +
		strings.Join(options, " and ") + " given to runtime.NewServeMux after gateway.ServeMuxOptions replaced statusmap's, " +
		"so errors get grpc-gateway's statuses and bodies that carry statusmap's pin; remove " + pronoun(len(options)))
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// checkMux runs verify on the first request through the binding's mux, and
// panics, once, if the mux fails it (see Verify). Later requests cost one
// atomic load.
func (b *binding) checkMux() {
	if b.checked.Load() {
		return
	}
	var err error
	b.once.Do(func() {
		c := verify(b.mux)
		err = c.err()
		b.foreignHandlers = err != nil
		b.checked.Store(true)
	})
	if err != nil {
		panic(err)
	}
}

// statusmap's answer to a foreign handler's body, when the mux failed the
// check: the exchange (writer.go) hands each write that names the pin's type to
// stripForeignPins. That covers the bodies grpc-gateway's own handlers
// write with its own marshalers (a google.rpc.Status, or a stream's
// {"error": status} chunk, in JSON or binary protobuf); a body in another
// form, or cut into several writes, goes out as written.

// pinName is what every body that carries a pin contains: its type URL
// ends with it.
var pinName = []byte(wire.PinFullName)

// stripForeignPins returns body less the pins among its status's details,
// and whether it took any out: body is kept when it names no pin or cannot
// be read as a status.
func stripForeignPins(body []byte) ([]byte, bool) {
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

// probeStatus is what statusmap's stream error handler returns for Verify's
// probe; it is written nowhere a client sees.
func probeStatus() *status.Status {
	return status.New(codes.Unknown, "")
}
