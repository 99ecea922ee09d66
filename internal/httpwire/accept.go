package httpwire

import (
	"iter"
	"strconv"
	"strings"
)

// maxAcceptRanges bounds how many media ranges of an Accept header are
// read, so that a hostile header costs a bounded amount of work.
const maxAcceptRanges = 32

// MediaRanges yields the media ranges of Accept header values, lower-cased,
// with their quality, at most maxAcceptRanges of them.
func MediaRanges(accept []string) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		n := 0
		for _, header := range accept {
			for header != "" && n < maxAcceptRanges {
				var part string
				part, header, _ = strings.Cut(header, ",")
				n++
				mediaType, params, _ := strings.Cut(part, ";")
				if !yield(lowerASCII(strings.TrimSpace(mediaType)), quality(params)) {
					return
				}
			}
		}
	}
}

// lowerASCII lower-cases the ASCII letters of s, as RFC 9110 compares
// media types, and keeps every other byte: a media range is ASCII tokens,
// so no other byte can make it match. strings.ToLower would also rewrite
// each invalid byte as U+FFFD, three bytes, in a buffer it grows as it
// goes: about 11 bytes allocated for each byte of a client's hostile
// Accept header. This allocates nothing for a lower-case range and one
// copy otherwise.
func lowerASCII(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for j := i; j < len(s); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// PrefersProblem reports whether an Accept header prefers
// application/problem+json to every other JSON media range it accepts: its
// quality is positive and no lower than that of application/json,
// application/* or */*.
func PrefersProblem(accept []string) bool {
	problemQ, otherQ := -1.0, -1.0
	for mediaType, q := range MediaRanges(accept) {
		switch mediaType {
		case ProblemMediaType:
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
