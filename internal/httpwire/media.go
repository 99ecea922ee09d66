package httpwire

import "mime"

// ProblemMediaType is RFC 9457's media type for a problem details body.
const ProblemMediaType = "application/problem+json"

// maxContentType bounds the Content-Type values MediaType parses. No media
// type comes near it (RFC 6838 caps a type and a subtype at 127 characters
// each), and mime.ParseMediaType lower-cases the whole value before it
// reads it, writing three bytes for each invalid one and growing its
// buffer as it goes: about 11 bytes allocated for each byte of a hostile
// header, whose size only the peer's header limit bounds (1 MB in
// net/http).
const maxContentType = 1024

// MediaType is the media type of a Content-Type header value, lower-cased,
// as mime.ParseMediaType reads it; "" when the value has none, does not
// parse, or is over 1 KiB.
func MediaType(contentType string) string {
	if len(contentType) > maxContentType {
		return ""
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return mediaType
}
