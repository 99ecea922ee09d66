package gateway

import (
	"context"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Server metadata becomes response headers (and trailers) through the
// mux's own outgoing matchers, the ones runtime.WithOutgoingHeaderMatcher
// and runtime.WithOutgoingTrailerMatcher set, so that whatever a user's
// matcher drops on a success is dropped on an error too.
//
// grpc-gateway keeps those matchers unexported, and only its own response
// functions apply them. So the error path asks one of them: it calls
// runtime.ForwardResponseMessage on a writer that keeps only headers, with
// metadata whose values are markers, and a forward-response option that
// stops the call before anything is marshalled. Each marker found in the
// captured headers tells under which name the matcher put that key. The
// real values are then written, each made a valid field value.

// field is one header or trailer field to write.
type field struct {
	name, value string
}

// trailerFields are the trailers an error response writes after its body.
type trailerFields []field

func (t trailerFields) write(h http.Header) {
	for _, f := range t {
		h.Add(f.name, f.value)
	}
}

// forwardMetadata writes the server metadata in ctx as headers through the
// mux's matchers (grpc-gateway's defaults when mux is nil), announces the
// trailers when the request accepts them, and returns them to be written
// after the body. statusmap's own key is never forwarded.
func forwardMetadata(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, r *http.Request, h http.Header) trailerFields {
	md, ok := runtime.ServerMetadataFromContext(ctx)
	if !ok {
		return nil
	}
	withTrailers := r != nil && acceptsTrailers(r) && len(md.TrailerMD) > 0
	if len(md.HeaderMD) == 0 && !withTrailers {
		return nil
	}
	headerNames, trailerNames := matchMetadata(ctx, mux, marshaler, r, md, withTrailers)
	for key, name := range headerNames {
		for _, v := range md.HeaderMD[key] {
			h.Add(name, httpwire.FieldValue(key, v))
		}
	}
	if !withTrailers {
		return nil
	}
	var trailers trailerFields
	for key, name := range trailerNames {
		h.Add("Trailer", textproto.CanonicalMIMEHeaderKey(name))
		for _, v := range md.TrailerMD[key] {
			trailers = append(trailers, field{name, httpwire.FieldValue(key, v)})
		}
	}
	if len(trailers) > 0 {
		h["Transfer-Encoding"] = []string{"chunked"}
	}
	return trailers
}

// matchMetadata returns, for each metadata key the matchers forward, the
// header name they give it.
func matchMetadata(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, r *http.Request, md runtime.ServerMetadata, withTrailers bool) (headers, trailers map[string]string) {
	if mux == nil {
		headers = make(map[string]string, len(md.HeaderMD))
		for key := range md.HeaderMD {
			// outgoingHeaderMatcher drops statusmap's own key.
			if name, ok := outgoingHeaderMatcher(key); ok && httpwire.IsToken(name) {
				headers[key] = name
			}
		}
		if withTrailers {
			trailers = make(map[string]string, len(md.TrailerMD))
			for key := range md.TrailerMD {
				if httpwire.IsToken(runtime.MetadataTrailerPrefix + key) {
					trailers[key] = runtime.MetadataTrailerPrefix + key
				}
			}
		}
		return headers, trailers
	}
	headers = askMux(ctx, mux, marshaler, r, md.HeaderMD, nil)
	delete(headers, wire.SuccessStatusKey) // never forwarded
	if withTrailers {
		// grpc-gateway announces trailer names without values, so each
		// trailer key is asked about alone.
		trailers = make(map[string]string, len(md.TrailerMD))
		for key := range md.TrailerMD {
			if key == wire.SuccessStatusKey {
				continue
			}
			one := metadata.MD{key: nil}
			for _, name := range askMux(ctx, mux, marshaler, r, nil, one) {
				trailers[key] = name
			}
		}
	}
	return headers, trailers
}

// markerPrefix starts the stand-in values askMux gives the matchers' caller.
// A NUL never appears in a real value grpc-gateway forwards.
const markerPrefix = "\x00statusmap-key-"

// askMux runs grpc-gateway's forwarding of headerMD (or the trailer
// announcement of trailerMD) on a capturing writer, and reads back each
// key's header name. Only a name that is a valid token is kept.
func askMux(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler, r *http.Request, headerMD, trailerMD metadata.MD) map[string]string {
	keys := make([]string, 0, len(headerMD)+len(trailerMD))
	probe := runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}}
	for key := range headerMD {
		probe.HeaderMD[key] = []string{markerPrefix + strconv.Itoa(len(keys))}
		keys = append(keys, key)
	}
	for key := range trailerMD {
		probe.TrailerMD[key] = []string{markerPrefix + strconv.Itoa(len(keys))}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil
	}
	capture := &headerCapture{h: http.Header{}}
	req := r
	if req == nil || (len(trailerMD) > 0) != acceptsTrailers(req) {
		req = &http.Request{Method: http.MethodGet, Header: http.Header{}}
		if len(trailerMD) > 0 {
			req.Header.Set("TE", "trailers")
		}
	}
	probeCtx := runtime.NewServerMetadataContext(ctx, probe)
	runtime.ForwardResponseMessage(probeCtx, mux, marshaler, capture, req, new(emptypb.Empty), stopForwarding)

	names := make(map[string]string, len(keys))
	if len(trailerMD) > 0 {
		// A trailer's name is announced in Trailer; one key was asked.
		for _, name := range capture.h.Values("Trailer") {
			if httpwire.IsToken(name) {
				names[keys[0]] = name
			}
		}
		return names
	}
	for name, values := range capture.h {
		for _, v := range values {
			i, ok := strings.CutPrefix(v, markerPrefix)
			if !ok {
				continue
			}
			if n, err := strconv.Atoi(i); err == nil && n >= 0 && n < len(keys) && httpwire.IsToken(name) {
				names[keys[n]] = name
			}
		}
	}
	return names
}

// errStopForwarding is what stopForwarding returns to end askMux's call
// of runtime.ForwardResponseMessage before it marshals anything. The
// mux's error handler, statusmap's, recognises it and writes nothing.
var errStopForwarding = stopForwardingError{}

type stopForwardingError struct{}

func (stopForwardingError) Error() string { return "statusmap: matcher probe" }

func stopForwarding(context.Context, http.ResponseWriter, proto.Message) error {
	return errStopForwarding
}

// isStopForwarding reports whether err is errStopForwarding, as
// grpc-gateway wraps it.
func isStopForwarding(err error) bool {
	for range 4 {
		if _, ok := err.(stopForwardingError); ok {
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// headerCapture is askMux's writer: it keeps headers, nothing else.
type headerCapture struct{ h http.Header }

func (c *headerCapture) Header() http.Header         { return c.h }
func (c *headerCapture) Write(p []byte) (int, error) { return len(p), nil }
func (c *headerCapture) WriteHeader(int)             {}

// acceptsTrailers reports whether the request's TE header accepts trailers,
// the condition grpc-gateway forwards trailer metadata on: "trailers" in
// any case. It compares in place: lower-casing a client's header would
// allocate about 11 bytes for each invalid byte of it.
func acceptsTrailers(r *http.Request) bool {
	const trailers = "trailers"
	// The canonical key, read directly: Values would canonicalize "TE" on
	// every call, an allocation.
	for _, te := range r.Header["Te"] {
		for i := 0; i+len(trailers) <= len(te); i++ {
			if strings.EqualFold(te[i:i+len(trailers)], trailers) {
				return true
			}
		}
	}
	return false
}
