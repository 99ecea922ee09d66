package upstream

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"strings"
)

// A body in a Content-Encoding the transport did not decode. Go's
// http.Transport decodes gzip itself only when it asked for it (and then
// removes the header); a body an upstream compressed unasked, or one
// relayed by a proxy that kept the header, reaches ErrorFromResponse
// still encoded.

// decodeContent undoes a Content-Encoding of gzip or deflate (RFC 9110,
// section 8.4.1: deflate is the zlib format, which some servers send as
// raw deflate instead), reading at most maxBytes of what it expands to: a
// body that expands past it (a "gzip bomb") is cut there, as a long body
// is, and costs no more than a body of maxBytes. The encoded body was read
// within the same bound. A body in an encoding it does not read (br, zstd,
// a chain of encodings), or that does not decode (a header left behind by
// a client that decoded the body itself), is read as it is: it parses as
// JSON, XML or HTML only if it is one, and fallbackMessage quotes no
// binary bytes.
func decodeContent(h http.Header, body []byte, truncated bool, maxBytes int64) ([]byte, bool) {
	var z io.Reader
	// EqualFold, not ToLower: lower-casing an upstream's header would
	// allocate about 11 bytes for each invalid byte of it.
	switch encoding := strings.TrimSpace(h.Get("Content-Encoding")); {
	case strings.EqualFold(encoding, "gzip"), strings.EqualFold(encoding, "x-gzip"):
		gz, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return body, truncated
		}
		z = gz
	case strings.EqualFold(encoding, "deflate"):
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			z = zr
		} else {
			z = flate.NewReader(bytes.NewReader(body))
		}
	default:
		return body, truncated
	}
	if len(h.Values("Content-Encoding")) > 1 {
		return body, truncated // a chain: not read
	}
	out, cut := readBounded(z, maxBytes)
	if len(out) == 0 {
		return body, truncated
	}
	// An encoded body cut short decodes to a cut body, and the cut
	// decoder says so (io.ErrUnexpectedEOF) as readBounded does.
	return out, truncated || cut
}
