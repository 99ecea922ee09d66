package gateway

import (
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/httpwire"
)

// acceptsAnyProduced reports whether r's Accept header names a media type
// the mux can produce: a wildcard, the default marshaler's type, a type a
// marshaler is registered for (runtime.WithMarshalerOption), or
// application/problem+json. No Accept header accepts anything. available
// lists what the gateway can produce, for the 406's message.
func acceptsAnyProduced(mux *runtime.ServeMux, r *http.Request) (ok bool, available []string) {
	values := r.Header.Values("Accept")
	if len(values) == 0 {
		return true, nil
	}
	probe := &http.Request{Header: http.Header{}}
	_, fallback := runtime.MarshalerForRequest(mux, probe)
	defaultType := strings.ToLower(fallback.ContentType(nil))
	if mediaType, _, err := mime.ParseMediaType(defaultType); err == nil {
		defaultType = mediaType
	}
	available = []string{defaultType, httpwire.ProblemMediaType}
	for mediaType, q := range httpwire.MediaRanges(values) {
		if mediaType == "" || q == 0 {
			continue
		}
		major, _, _ := strings.Cut(mediaType, "/")
		switch {
		case mediaType == "*/*", mediaType == defaultType, mediaType == httpwire.ProblemMediaType,
			mediaType == major+"/*" && (strings.HasPrefix(defaultType, major+"/") || major == "application"):
			return true, nil
		}
		probe.Header["Accept"] = []string{mediaType}
		if _, out := runtime.MarshalerForRequest(mux, probe); !sameMarshaler(out, fallback) {
			return true, nil // a marshaler is registered for it
		}
	}
	return false, available
}

// sameMarshaler compares two marshalers without panicking on a type that
// is not comparable (such a one is taken as different).
func sameMarshaler(a, b runtime.Marshaler) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || ta == nil || !ta.Comparable() {
		return ta == nil && tb == nil
	}
	return a == b
}
