package httpwire

import (
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

// Nothing from a status reaches a header except through the functions in
// this file and FormatRetryAfter, each of which builds the value from
// validated parts: an RFC 9110 challenge, a list of method tokens, or a
// number. Status messages never reach a header.

// MaxHeaderItems bounds how many challenges or methods one header lists, so
// that a status with thousands of them cannot make a header unbounded.
const MaxHeaderItems = 16

// MaxHeaderValue bounds a whole header value built from a status: an item
// that would take it past this is left out, with everything after it.
const MaxHeaderValue = 4096

// AppendQuoted appends s as an RFC 9110 quoted-string, or reports false when
// s holds a byte a quoted-string cannot (controls other than HTAB, DEL).
func AppendQuoted(buf []byte, s string) ([]byte, bool) {
	if len(s) > MaxTokenLen {
		return buf, false
	}
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b == '"' || b == '\\':
			buf = append(buf, '\\', b)
		case b == '\t' || (b >= 0x20 && b != 0x7f):
			buf = append(buf, b)
		default:
			return buf, false
		}
	}
	return append(buf, '"'), true
}

// FormatChallenges renders challenges as one header value. Challenges
// whose scheme is not a token are skipped, as are parameters that do not
// validate; what remains is always a valid field value.
func FormatChallenges(challenges []*statusmapv1.AuthChallenge) string {
	var buf []byte
	n := 0
	for _, c := range challenges {
		if n == MaxHeaderItems || len(buf) >= MaxHeaderValue {
			break
		}
		if !IsToken(c.GetScheme()) {
			continue
		}
		mark := len(buf)
		if n > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, c.GetScheme()...)
		switch {
		case c.GetToken68() != "":
			if !IsToken68(c.GetToken68()) {
				buf = buf[:mark]
				continue
			}
			buf = append(buf, ' ')
			buf = append(buf, c.GetToken68()...)
		default:
			written := 0
			for _, p := range c.GetParams() {
				if written == MaxHeaderItems || !IsToken(p.GetName()) {
					continue
				}
				paramMark := len(buf)
				if written == 0 {
					buf = append(buf, ' ')
				} else {
					buf = append(buf, ", "...)
				}
				buf = append(buf, p.GetName()...)
				buf = append(buf, '=')
				var ok bool
				if buf, ok = AppendQuoted(buf, p.GetValue()); !ok {
					buf = buf[:paramMark]
					continue
				}
				written++
			}
		}
		if len(buf) > MaxHeaderValue {
			buf = buf[:mark]
			break
		}
		n++
	}
	return string(buf)
}

// FormatAllow renders methods as an Allow value: valid tokens only, each
// once, in the order given.
func FormatAllow(methods []string) string {
	var buf []byte
	n := 0
outer:
	for i, m := range methods {
		if n == MaxHeaderItems || !IsToken(m) {
			continue
		}
		for _, earlier := range methods[:i] {
			if earlier == m {
				continue outer
			}
		}
		mark := len(buf)
		if n > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, m...)
		if len(buf) > MaxHeaderValue {
			buf = buf[:mark]
			break
		}
		n++
	}
	return string(buf)
}
