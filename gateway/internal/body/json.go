package body

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/anypb"
)

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as protojson would need it to be; control characters are escaped.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != 0x7f {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '"':
				buf = append(buf, '\\', '"')
			case '\\':
				buf = append(buf, '\\', '\\')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// appendRawAny writes a detail as {"@type": url, "@bytes": base64(bytes)}.
// The member is not protojson's "value" (the JSON form of well-known types
// such as StringValue): a reader must not mistake the raw bytes for a
// message's field, and one that knows the type refuses the member loudly
// instead of decoding it wrong.
func appendRawAny(buf []byte, detail *anypb.Any) []byte {
	buf = append(buf, `{"@type":`...)
	buf = appendJSONString(buf, detail.GetTypeUrl())
	buf = append(buf, `,"@bytes":"`...)
	buf = base64.StdEncoding.AppendEncode(buf, detail.GetValue())
	return append(buf, `"}`...)
}

// appendCodeName appends a code's canonical name as a JSON string, or its
// decimal number for a code gRPC does not define, so that no code is lost.
func appendCodeName(buf []byte, c codes.Code) []byte {
	buf = append(buf, '"')
	if int(c) < len(wire.CodeNames) {
		buf = append(buf, wire.CodeNames[c]...)
	} else {
		buf = strconv.AppendUint(buf, uint64(c), 10)
	}
	return append(buf, '"')
}
