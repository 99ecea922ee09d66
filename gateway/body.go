package gateway

import (
	"github.com/statusmap/statusmap/internal/httpwire"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/wire"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// The bodies are written by hand rather than by marshalling a message: it
// is several times cheaper on the error path, and it lets a body keep what
// protojson refuses (a message with invalid UTF-8, a detail whose type is not
// linked into the binary) instead of losing the whole error. The
// differential fuzz targets in body_fuzz_test.go hold each writer equal, by
// meaning, to protojson's output for the same message.

// jsonOptions returns the protojson options of a marshaler that is
// grpc-gateway's JSONPb (possibly inside HTTPBodyMarshaler, as the mux's
// default is): only for such a marshaler does the hand-written body follow
// the options the marshaler would (the fuzz targets hold it to protojson
// with those options).
func jsonOptions(m runtime.Marshaler) (protojson.MarshalOptions, bool) {
	for {
		switch v := m.(type) {
		case *runtime.HTTPBodyMarshaler:
			if v == nil {
				return protojson.MarshalOptions{}, false
			}
			m = v.Marshaler
		case *runtime.JSONPb:
			if v == nil {
				return protojson.MarshalOptions{}, false
			}
			return v.MarshalOptions, true
		default:
			return protojson.MarshalOptions{}, false
		}
	}
}

// defaultJSONOptions are grpc-gateway's default marshaler's.
func defaultJSONOptions() protojson.MarshalOptions {
	return protojson.MarshalOptions{EmitUnpopulated: true}
}

// errorBody returns the Content-Type and body of an error response, in a
// buffer from the pool that the caller returns with putBuffer.
func (g *Gateway) errorBody(format Format, marshaler runtime.Marshaler, sp *spb.Status, httpStatus int) (string, *[]byte) {
	opts, isJSON := jsonOptions(marshaler)
	if !isJSON {
		opts = defaultJSONOptions()
	}
	body := g.getBuffer()
	buf := (*body)[:0]
	contentType := "application/json"
	switch {
	case format == FormatGoogle:
		buf = g.appendGoogleBody(buf, sp, httpStatus, opts)
	case format == FormatProblem:
		typeURI := ""
		if g.cfg.problemType != nil {
			typeURI = g.cfg.problemType(httpStatus, codes.Code(sp.GetCode()))
		}
		contentType = httpwire.ProblemMediaType
		buf = g.appendProblemBody(buf, sp, httpStatus, typeURI, opts)
	case isJSON:
		contentType = marshaler.ContentType(sp)
		buf = g.appendStatusBody(buf, sp, opts)
	default:
		// A marshaler of the user's own (protobuf binary, YAML, ...): use it
		// as grpc-gateway would, and keep the error in JSON should it fail.
		if b, err := marshaler.Marshal(sp); err == nil {
			contentType = marshaler.ContentType(sp)
			buf = append(buf, b...)
		} else {
			buf = g.appendStatusBody(buf, sp, defaultJSONOptions())
		}
	}
	*body = buf
	return contentType, body
}

// appendStatusBody writes google.rpc.Status as protojson with opts would,
// by meaning: {"code":5,"message":"...","details":[...]}.
func (g *Gateway) appendStatusBody(buf []byte, sp *spb.Status, opts protojson.MarshalOptions) []byte {
	emitAll := opts.EmitUnpopulated || opts.EmitDefaultValues
	buf = append(buf, `{"code":`...)
	buf = strconv.AppendInt(buf, int64(sp.GetCode()), 10)
	if sp.GetMessage() != "" || emitAll {
		buf = append(buf, `,"message":`...)
		buf = appendJSONString(buf, sp.GetMessage())
	}
	if hasDetails(sp.GetDetails(), !g.cfg.pinInBody) || emitAll {
		buf = append(buf, `,"details":`...)
		buf = g.details.appendDetails(buf, sp.GetDetails(), opts, !g.cfg.pinInBody)
	}
	return append(buf, '}')
}

// appendGoogleBody writes statusmapv1.GoogleErrorBody.
func (g *Gateway) appendGoogleBody(buf []byte, sp *spb.Status, httpStatus int, opts protojson.MarshalOptions) []byte {
	buf = append(buf, `{"error":{"code":`...)
	buf = strconv.AppendInt(buf, int64(httpStatus), 10)
	buf = append(buf, `,"message":`...)
	buf = appendJSONString(buf, sp.GetMessage())
	buf = append(buf, `,"status":`...)
	buf = appendCodeName(buf, codes.Code(sp.GetCode()))
	buf = append(buf, `,"details":`...)
	buf = g.details.appendDetails(buf, sp.GetDetails(), opts, !g.cfg.pinInBody)
	return append(buf, "}}"...)
}

// appendProblemBody writes statusmapv1.Problem.
func (g *Gateway) appendProblemBody(buf []byte, sp *spb.Status, httpStatus int, typeURI string, opts protojson.MarshalOptions) []byte {
	if typeURI == "" {
		typeURI = "about:blank"
	}
	buf = append(buf, `{"type":`...)
	buf = appendJSONString(buf, typeURI)
	buf = append(buf, `,"title":`...)
	title := http.StatusText(httpStatus)
	if title == "" {
		title = "Error " + strconv.Itoa(httpStatus)
	}
	buf = appendJSONString(buf, title)
	buf = append(buf, `,"status":`...)
	buf = strconv.AppendInt(buf, int64(httpStatus), 10)
	buf = append(buf, `,"detail":`...)
	buf = appendJSONString(buf, sp.GetMessage())
	buf = append(buf, `,"grpcCode":`...)
	buf = appendCodeName(buf, codes.Code(sp.GetCode()))
	buf = append(buf, `,"details":`...)
	buf = g.details.appendDetails(buf, sp.GetDetails(), opts, !g.cfg.pinInBody)
	return append(buf, '}')
}

// hasDetails reports whether a details array would hold anything.
func hasDetails(details []*anypb.Any, skipPins bool) bool {
	for _, d := range details {
		if !skipPins || !wire.IsPin(d) {
			return true
		}
	}
	return false
}
