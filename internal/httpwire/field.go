package httpwire

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// The rules by which a value we did not write becomes a header field value
// (RFC 9110, section 5.5): a value that is not one as it is, and binary
// metadata, is written in base64, so that no byte is lost and no header is
// refused.

// FieldValue makes a metadata value a header field value. Binary metadata
// ("-bin" keys, which gRPC keeps decoded) is written in base64 without
// padding, as gRPC's own HTTP/2 mapping writes it. Any other value with
// bytes a field value cannot hold (only an in-process handler can set
// one; gRPC refuses it on the wire) is written in base64 too, so that no
// byte is lost.
func FieldValue(key, v string) string {
	if strings.HasSuffix(key, "-bin") || !isFieldValueSafe(v) {
		return base64.RawStdEncoding.EncodeToString([]byte(v))
	}
	return v
}

// isFieldValueSafe reports whether v can be a header field value as it is:
// no control characters but HTAB, and no DEL.
func isFieldValueSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// SanitizeHeader makes every header value valid before a response's
// header is sent, whatever wrote it: grpc-gateway copies binary metadata
// into headers as raw bytes on successes and on streams, and Go's HTTP
// client refuses a whole response for one such value. An invalid value is
// written in base64, as binary metadata travels in gRPC. It does not
// allocate when every value is valid, the usual case.
func SanitizeHeader(h http.Header) {
	for _, values := range h {
		sanitizeValues(values)
	}
}

// sanitizeValues is SanitizeHeader for one field's values, in place.
func sanitizeValues(values []string) {
	for i, v := range values {
		if !isFieldValueSafe(v) {
			values[i] = base64.RawStdEncoding.EncodeToString([]byte(v))
		}
	}
}

// AllFieldValuesSafe reports whether every value can be a field value.
func AllFieldValuesSafe(values []string) bool {
	for _, v := range values {
		if !isFieldValueSafe(v) {
			return false
		}
	}
	return true
}
