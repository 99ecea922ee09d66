// Package body writes the body of an error response: google.rpc.Status as
// grpc-gateway writes it, Google's {"error": {...}} and RFC 9457's problem
// details, with the error's details rendered as google.protobuf.Any JSON.
// It is the gateway's one writer of an error body, and holds the one
// Any-as-JSON contract both directions share: how a detail is written into
// a JSON body (anyjson.go, KeepMarshalable for a stream's error chunk) and
// read back (ReadDetail, anyjson_read.go).
//
// The bodies are written by hand rather than by marshalling a message: it
// is several times cheaper on the error path, and it lets a body keep what
// protojson refuses (a message with invalid UTF-8, a detail whose type is not
// linked into the binary) instead of losing the whole error. The
// differential fuzz targets in package gateway's body_fuzz_test.go hold
// each writer equal, by meaning, to protojson's output for the same message.
package body

import (
	"github.com/statusmap/statusmap/internal/jsontext"
	"net/http"
	"strconv"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// Options are what a Writer writes every body with.
type Options struct {
	// PinInBody keeps statusmap's own pins among the details written;
	// without it they are left out.
	PinInBody bool
	// ProblemType, when set, gives a problem body's "type" member for a
	// status; "about:blank" otherwise.
	ProblemType func(httpStatus int, code codes.Code) string
	// NoCache renders every detail afresh: for a Writer that lives for one
	// call, whose cache would die with it.
	NoCache bool
}

// Writer writes error bodies under fixed Options. Its buffers and rendered
// details are its own, never the package's; it is safe for concurrent use.
// A nil *Writer writes as NewWriter(Options{NoCache: true}) would, without
// a pool, so that a zero gateway.Gateway still writes its errors.
type Writer struct {
	opts    Options
	buffers sync.Pool
	details *detailCache // nil: no cache
}

// NewWriter returns a Writer with opts.
func NewWriter(opts Options) *Writer {
	w := &Writer{opts: opts}
	if !opts.NoCache {
		w.details = newDetailCache()
	}
	return w
}

// options are w's Options; a nil Writer's are the zero ones.
func (w *Writer) options() Options {
	if w == nil {
		return Options{NoCache: true}
	}
	return w.opts
}

// cache is w's rendered-detail cache, nil (every detail rendered) for a
// nil Writer or one without a cache.
func (w *Writer) cache() *detailCache {
	if w == nil {
		return nil
	}
	return w.details
}

// maxPooledBuffer is the largest body buffer put back in the pool, so that
// one huge error does not pin a huge buffer.
const maxPooledBuffer = 64 << 10

func (w *Writer) getBuffer() *[]byte {
	if w == nil {
		return new([]byte)
	}
	if b, ok := w.buffers.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 512)
	return &b
}

// Release returns a body that Render returned, once it is written.
func (w *Writer) Release(b *[]byte) {
	if w != nil && cap(*b) <= maxPooledBuffer {
		*b = (*b)[:0]
		w.buffers.Put(b)
	}
}

// JSONOptions returns the protojson options of a marshaler that is
// grpc-gateway's JSONPb (possibly inside HTTPBodyMarshaler, as the mux's
// default is): only for such a marshaler does the hand-written body follow
// the options the marshaler would (the fuzz targets hold it to protojson
// with those options).
func JSONOptions(m runtime.Marshaler) (protojson.MarshalOptions, bool) {
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

// DefaultJSONOptions are grpc-gateway's default marshaler's.
func DefaultJSONOptions() protojson.MarshalOptions {
	return protojson.MarshalOptions{EmitUnpopulated: true}
}

// Render returns the Content-Type and body of an error response in format,
// for a response whose marshaler is marshaler, in a buffer from the pool
// that the caller gives back with Release.
func (w *Writer) Render(format wire.Format, marshaler runtime.Marshaler, sp *spb.Status, httpStatus int) (string, *[]byte) {
	opts, isJSON := JSONOptions(marshaler)
	if !isJSON {
		opts = DefaultJSONOptions()
	}
	body := w.getBuffer()
	buf := (*body)[:0]
	contentType := "application/json"
	switch {
	case format == wire.FormatGoogle:
		buf = w.appendGoogleBody(buf, sp, httpStatus, opts)
	case format == wire.FormatProblem:
		typeURI := ""
		if problemType := w.options().ProblemType; problemType != nil {
			typeURI = problemType(httpStatus, codes.Code(sp.GetCode()))
		}
		contentType = httpwire.ProblemMediaType
		buf = w.appendProblemBody(buf, sp, httpStatus, typeURI, opts)
	case isJSON:
		contentType = marshaler.ContentType(sp)
		buf = w.appendStatusBody(buf, sp, opts)
	default:
		// A marshaler of the user's own (protobuf binary, YAML, ...): use it
		// as grpc-gateway would, and keep the error in JSON should it fail.
		if b, err := marshaler.Marshal(sp); err == nil {
			contentType = marshaler.ContentType(sp)
			buf = append(buf, b...)
		} else {
			buf = w.appendStatusBody(buf, sp, DefaultJSONOptions())
		}
	}
	*body = buf
	return contentType, body
}

// appendStatusBody writes google.rpc.Status as protojson with opts would,
// by meaning: {"code":5,"message":"...","details":[...]}.
func (w *Writer) appendStatusBody(buf []byte, sp *spb.Status, opts protojson.MarshalOptions) []byte {
	emitAll := opts.EmitUnpopulated || opts.EmitDefaultValues
	buf = append(buf, `{"code":`...)
	buf = strconv.AppendInt(buf, int64(sp.GetCode()), 10)
	if sp.GetMessage() != "" || emitAll {
		buf = append(buf, `,"message":`...)
		buf = jsontext.AppendString(buf, sp.GetMessage())
	}
	if hasDetails(sp.GetDetails(), !w.options().PinInBody) || emitAll {
		buf = append(buf, `,"details":`...)
		buf = w.cache().appendDetails(buf, sp.GetDetails(), opts, !w.options().PinInBody)
	}
	return append(buf, '}')
}

// appendGoogleBody writes statusmapv1.GoogleErrorBody.
func (w *Writer) appendGoogleBody(buf []byte, sp *spb.Status, httpStatus int, opts protojson.MarshalOptions) []byte {
	buf = append(buf, `{"error":{"code":`...)
	buf = strconv.AppendInt(buf, int64(httpStatus), 10)
	buf = append(buf, `,"message":`...)
	buf = jsontext.AppendString(buf, sp.GetMessage())
	buf = append(buf, `,"status":`...)
	buf = appendCodeName(buf, codes.Code(sp.GetCode()))
	buf = append(buf, `,"details":`...)
	buf = w.cache().appendDetails(buf, sp.GetDetails(), opts, !w.options().PinInBody)
	return append(buf, "}}"...)
}

// appendProblemBody writes statusmapv1.Problem.
func (w *Writer) appendProblemBody(buf []byte, sp *spb.Status, httpStatus int, typeURI string, opts protojson.MarshalOptions) []byte {
	if typeURI == "" {
		typeURI = "about:blank"
	}
	buf = append(buf, `{"type":`...)
	buf = jsontext.AppendString(buf, typeURI)
	buf = append(buf, `,"title":`...)
	title := http.StatusText(httpStatus)
	if title == "" {
		title = "Error " + strconv.Itoa(httpStatus)
	}
	buf = jsontext.AppendString(buf, title)
	buf = append(buf, `,"status":`...)
	buf = strconv.AppendInt(buf, int64(httpStatus), 10)
	buf = append(buf, `,"detail":`...)
	buf = jsontext.AppendString(buf, sp.GetMessage())
	buf = append(buf, `,"grpcCode":`...)
	buf = appendCodeName(buf, codes.Code(sp.GetCode()))
	buf = append(buf, `,"details":`...)
	buf = w.cache().appendDetails(buf, sp.GetDetails(), opts, !w.options().PinInBody)
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
