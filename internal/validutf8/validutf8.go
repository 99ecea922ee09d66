// Package validutf8 holds the rule by which statusmap makes valid UTF-8 the
// text it writes to a client (a stream's error message, a rewritten
// protovalidate violation): one U+FFFD per bad byte, as encoding/json's
// writer and statusmap's own JSON writer (internal/jsontext) do, so that
// one message reads the same in every body. It is shared by the gateway's
// error writer and the protovalidate rewriter (internal/validation). Text
// read back from an upstream's response is another matter: the reader
// (gateway/internal/upstream, text.go) makes it valid with
// strings.ToValidUTF8, one U+FFFD per run of bad bytes.
package validutf8

import (
	"strings"
	"unicode/utf8"
)

// String replaces each byte of s that is not part of valid UTF-8 with
// U+FFFD, one per bad byte, as the gateway's JSON writer does, so that a
// message reads the same in a stream's error chunk, a unary body and a
// rewritten violation. (strings.ToValidUTF8 would replace a whole run of
// bad bytes with one.) Valid text is returned as it is, without allocating.
func String(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\ufffd")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
