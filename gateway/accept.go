package gateway

import (
	"github.com/statusmap/statusmap/internal/httpwire"
	"iter"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// maxAcceptRanges bounds how many media ranges of an Accept header are
// read, so that a hostile header costs a bounded amount of work.
const maxAcceptRanges = 32

// mediaRanges yields the media ranges of Accept header values, lower-cased,
// with their quality, at most maxAcceptRanges of them.
func mediaRanges(accept []string) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		n := 0
		for _, header := range accept {
			for header != "" && n < maxAcceptRanges {
				var part string
				part, header, _ = strings.Cut(header, ",")
				n++
				mediaType, params, _ := strings.Cut(part, ";")
				if !yield(strings.ToLower(strings.TrimSpace(mediaType)), quality(params)) {
					return
				}
			}
		}
	}
}

// prefersProblem reports whether an Accept header prefers
// application/problem+json to every other JSON media range it accepts: its
// quality is positive and no lower than that of application/json,
// application/* or */*.
func prefersProblem(accept []string) bool {
	problemQ, otherQ := -1.0, -1.0
	for mediaType, q := range mediaRanges(accept) {
		switch mediaType {
		case httpwire.ProblemMediaType:
			problemQ = max(problemQ, q)
		case "application/json", "application/*", "*/*":
			otherQ = max(otherQ, q)
		}
	}
	return problemQ > 0 && problemQ >= otherQ
}

// quality returns the q parameter of a media range's parameters, 1 when
// absent, 0 when malformed.
func quality(params string) float64 {
	for params != "" {
		var param string
		param, params, _ = strings.Cut(params, ";")
		name, value, ok := strings.Cut(strings.TrimSpace(param), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

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
	for mediaType, q := range mediaRanges(values) {
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
