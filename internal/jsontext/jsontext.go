// Package jsontext writes JSON strings the one way statusmap writes the
// text it did not choose (messages, titles, type URLs, map keys of field
// paths): '"' and '\\' escaped, control characters and DEL as \n, \r, \t
// or \u00XX, invalid UTF-8 as U+FFFD, so that every reader (encoding/json,
// protojson, a browser) reads back the same text. The detail renderer of
// gateway/internal/body escapes as protojson does instead, byte for byte,
// because its output must equal protojson's.
package jsontext

import "unicode/utf8"

// HexDigits are the lower-case hexadecimal digits of a \u00XX escape.
const HexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as protojson would need it to be; control characters are escaped.
func AppendString(buf []byte, s string) []byte {
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
				buf = append(buf, '\\', 'u', '0', '0', HexDigits[b>>4], HexDigits[b&0xf])
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
