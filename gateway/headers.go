package gateway

import (
	"encoding/base64"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/types/known/anypb"
)

// Nothing from a status reaches a header except through the functions in
// this file, each of which builds the value from validated parts: an
// RFC 9110 challenge, a list of method tokens, or a number. Status messages
// never reach a header.

// maxHeaderItems bounds how many challenges or methods one header lists, so
// that a status with thousands of them cannot make a header unbounded.
const maxHeaderItems = 16

// maxTokenLen bounds one token or parameter value copied into a header.
const maxTokenLen = 256

// maxHeaderValue bounds a whole header value built from a status: an item
// that would take it past this is left out, with everything after it.
const maxHeaderValue = 4096

// isTokenChar reports whether b is an RFC 9110 tchar.
func isTokenChar(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// isToken reports whether s is a non-empty RFC 9110 token of bounded length.
func isToken(s string) bool {
	if s == "" || len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// isToken68 reports whether s is an RFC 9110 token68.
func isToken68(s string) bool {
	if s == "" || len(s) > maxTokenLen {
		return false
	}
	i := 0
	for i < len(s) {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-._~+/", b) >= 0) {
			break
		}
		i++
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// appendQuoted appends s as an RFC 9110 quoted-string, or reports false when
// s holds a byte a quoted-string cannot (controls other than HTAB, DEL).
func appendQuoted(buf []byte, s string) ([]byte, bool) {
	if len(s) > maxTokenLen {
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

// formatChallenges renders challenges as one header value. Challenges
// whose scheme is not a token are skipped, as are parameters that do not
// validate; what remains is always a valid field value.
func formatChallenges(challenges []*statusmapv1.AuthChallenge) string {
	var buf []byte
	n := 0
	for _, c := range challenges {
		if n == maxHeaderItems || len(buf) >= maxHeaderValue {
			break
		}
		if !isToken(c.GetScheme()) {
			continue
		}
		mark := len(buf)
		if n > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, c.GetScheme()...)
		switch {
		case c.GetToken68() != "":
			if !isToken68(c.GetToken68()) {
				buf = buf[:mark]
				continue
			}
			buf = append(buf, ' ')
			buf = append(buf, c.GetToken68()...)
		default:
			written := 0
			for _, p := range c.GetParams() {
				if written == maxHeaderItems || !isToken(p.GetName()) {
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
				if buf, ok = appendQuoted(buf, p.GetValue()); !ok {
					buf = buf[:paramMark]
					continue
				}
				written++
			}
		}
		if len(buf) > maxHeaderValue {
			buf = buf[:mark]
			break
		}
		n++
	}
	return string(buf)
}

// formatAllow renders methods as an Allow value: valid tokens only, each
// once, in the order given.
func formatAllow(methods []string) string {
	var buf []byte
	n := 0
outer:
	for i, m := range methods {
		if n == maxHeaderItems || !isToken(m) {
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
		if len(buf) > maxHeaderValue {
			buf = buf[:mark]
			break
		}
		n++
	}
	return string(buf)
}

// retryAfter returns the Retry-After value for the first RetryInfo among the
// details: its delay in whole seconds, rounded up, never negative.
func retryAfter(details []*anypb.Any) (string, bool) {
	for _, detail := range details {
		if !hasFullName(detail.GetTypeUrl(), "google.rpc.RetryInfo") {
			continue
		}
		if seconds, nanos, ok := parseRetryDelay(detail.GetValue()); ok {
			if nanos > 0 {
				seconds++
			}
			return strconv.FormatInt(max(seconds, 0), 10), true
		}
	}
	return "", false
}

// parseRetryDelay reads google.rpc.RetryInfo's retry_delay (field 1, a
// google.protobuf.Duration of seconds, field 1, and nanos, field 2) straight
// from the wire, without decoding into messages: it runs on every error
// that carries one. A RetryInfo without a delay is not ok.
func parseRetryDelay(b []byte) (seconds int64, nanos int32, ok bool) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return 0, 0, false
		}
		b = b[n:]
		if num != 1 || typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return 0, 0, false
			}
			b = b[n:]
			continue
		}
		duration, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return 0, 0, false
		}
		b = b[n:]
		// The last occurrence of a message field merges into the earlier
		// ones; fields inside it follow the same last-wins rule.
		ok = true
		for len(duration) > 0 {
			dnum, dtyp, m := protowire.ConsumeTag(duration)
			if m < 0 {
				return 0, 0, false
			}
			duration = duration[m:]
			if dtyp == protowire.VarintType && (dnum == 1 || dnum == 2) {
				v, m := protowire.ConsumeVarint(duration)
				if m < 0 {
					return 0, 0, false
				}
				duration = duration[m:]
				if dnum == 1 {
					seconds = int64(v)
				} else {
					nanos = int32(v)
				}
				continue
			}
			if m = protowire.ConsumeFieldValue(dnum, dtyp, duration); m < 0 {
				return 0, 0, false
			}
			duration = duration[m:]
		}
	}
	return seconds, nanos, ok
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

// fieldValue makes a metadata value safe for a header. gRPC keeps binary
// metadata ("-bin" keys) decoded; such a value is written in base64, as it
// travels on the gRPC wire, when its raw bytes cannot be a header value. Any
// other unsafe value has its control bytes replaced by spaces.
func fieldValue(key, v string) string {
	if isFieldValueSafe(v) {
		return v
	}
	if strings.HasSuffix(key, "-bin") {
		return base64.StdEncoding.EncodeToString([]byte(v))
	}
	b := []byte(v)
	for i, c := range b {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			b[i] = ' '
		}
	}
	return string(b)
}

// forwardHeaderMetadata writes server header metadata as headers through
// the matcher, as grpc-gateway's own handler does.
func forwardHeaderMetadata(h http.Header, md runtime.ServerMetadata, matcher runtime.HeaderMatcherFunc) {
	for k, vs := range md.HeaderMD {
		if k == statusmap.HTTPStatusMetadataKey {
			continue
		}
		name, ok := matcher(k)
		if !ok || !isToken(name) {
			continue
		}
		for _, v := range vs {
			h.Add(name, fieldValue(k, v))
		}
	}
}

// announceTrailers declares the trailers that forwardTrailers will write.
func announceTrailers(h http.Header, md runtime.ServerMetadata, matcher runtime.HeaderMatcherFunc) {
	for k := range md.TrailerMD {
		if name, ok := matcher(k); ok && isToken(name) {
			h.Add("Trailer", textproto.CanonicalMIMEHeaderKey(name))
		}
	}
}

// forwardTrailers writes trailer metadata after the body.
func forwardTrailers(h http.Header, md runtime.ServerMetadata, matcher runtime.HeaderMatcherFunc) {
	for k, vs := range md.TrailerMD {
		name, ok := matcher(k)
		if !ok || !isToken(name) {
			continue
		}
		for _, v := range vs {
			h.Add(name, fieldValue(k, v))
		}
	}
}

// acceptsTrailers reports whether the request's TE header accepts trailers,
// the condition grpc-gateway forwards trailer metadata on.
func acceptsTrailers(r *http.Request) bool {
	for _, te := range r.Header.Values("TE") {
		if strings.Contains(strings.ToLower(te), "trailers") {
			return true
		}
	}
	return false
}

// defaultOutgoingMatcher is grpc-gateway's default: every key, prefixed.
func defaultOutgoingMatcher(key string) (string, bool) {
	return runtime.MetadataHeaderPrefix + key, true
}

// defaultTrailerMatcher is grpc-gateway's default for trailers.
func defaultTrailerMatcher(key string) (string, bool) {
	return runtime.MetadataTrailerPrefix + key, true
}

// parseChallenges reads WWW-Authenticate or Proxy-Authenticate values
// (RFC 9110, section 11.6.1) into challenges, so that a 401 or 407 read back
// from a response keeps the challenges it was sent with. It reads at most
// maxHeaderItems challenges and stops at the first malformed part of a
// value, keeping what came before.
func parseChallenges(values []string) []*statusmapv1.AuthChallenge {
	var out []*statusmapv1.AuthChallenge
	for _, v := range values {
		p := challengeParser{s: v}
		for len(out) < maxHeaderItems {
			p.skip(" \t,")
			if p.done() {
				break
			}
			scheme := p.token()
			if scheme == "" {
				break
			}
			c := &statusmapv1.AuthChallenge{Scheme: scheme}
			out = append(out, c)
			if p.skip(" \t") == 0 || p.done() || p.peek() == ',' {
				continue
			}
			if !p.params(c) {
				mark := p.i
				if t := p.token68(); t != "" && p.atChallengeEnd() {
					c.Token68 = t
					continue
				}
				p.i = mark
				break
			}
		}
	}
	return out
}

// challengeParser walks one header value.
type challengeParser struct {
	s string
	i int
}

func (p *challengeParser) done() bool { return p.i >= len(p.s) }

func (p *challengeParser) peek() byte { return p.s[p.i] }

// skip advances over any bytes of set and returns how many it skipped.
func (p *challengeParser) skip(set string) int {
	start := p.i
	for !p.done() && strings.IndexByte(set, p.peek()) >= 0 {
		p.i++
	}
	return p.i - start
}

func (p *challengeParser) token() string {
	start := p.i
	for !p.done() && isTokenChar(p.peek()) {
		p.i++
	}
	if p.i-start > maxTokenLen {
		return ""
	}
	return p.s[start:p.i]
}

func (p *challengeParser) token68() string {
	start := p.i
	for !p.done() && (isTokenChar(p.peek()) && p.peek() != '=' || p.peek() == '/') {
		p.i++
	}
	for !p.done() && p.peek() == '=' {
		p.i++
	}
	if t := p.s[start:p.i]; isToken68(t) {
		return t
	}
	return ""
}

// atChallengeEnd reports whether only white space lies before the next
// comma or the end.
func (p *challengeParser) atChallengeEnd() bool {
	p.skip(" \t")
	return p.done() || p.peek() == ','
}

// params reads name=value pairs; it returns false, having consumed
// nothing, when what follows is not a parameter.
func (p *challengeParser) params(c *statusmapv1.AuthChallenge) bool {
	read := false
	for len(c.Params) < maxHeaderItems {
		mark := p.i
		name := p.token()
		p.skip(" \t")
		if name == "" || p.done() || p.peek() != '=' {
			p.i = mark
			return read
		}
		p.i++
		p.skip(" \t")
		if !p.done() && p.peek() == '=' {
			// "abc==" is a token68, not a parameter.
			p.i = mark
			return read
		}
		value, ok := p.value()
		if !ok {
			p.i = mark
			return read
		}
		c.Params = append(c.Params, &statusmapv1.AuthParam{Name: name, Value: value})
		read = true
		// After a parameter: another parameter, or the next challenge.
		p.skip(" \t")
		if p.done() || p.peek() != ',' {
			return true
		}
		next := p.i
		p.i++
		p.skip(" \t,")
		lookahead := p.i
		p.token()
		p.skip(" \t")
		isParam := !p.done() && p.peek() == '='
		p.i = lookahead
		if !isParam {
			p.i = next
			return true
		}
	}
	return read
}

// value reads a token or a quoted-string.
func (p *challengeParser) value() (string, bool) {
	if p.done() {
		return "", false
	}
	if p.peek() != '"' {
		t := p.token()
		return t, t != ""
	}
	p.i++
	var b strings.Builder
	for !p.done() {
		ch := p.peek()
		switch {
		case ch == '"':
			p.i++
			return b.String(), b.Len() <= maxTokenLen
		case ch == '\\' && p.i+1 < len(p.s):
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		case ch < 0x20 && ch != '\t' || ch == 0x7f:
			return "", false
		default:
			b.WriteByte(ch)
			p.i++
		}
	}
	return "", false
}
