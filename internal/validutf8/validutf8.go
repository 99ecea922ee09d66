// Package validutf8 holds the one rule by which statusmap makes text we did
// not write valid UTF-8, shared by the gateway's error writer and the
// protovalidate rewriter (internal/validation).
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
