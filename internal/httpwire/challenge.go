// Package httpwire holds the HTTP grammar (RFC 9110) that the gateway's
// writer, its reader of responses and the statusmap-openapi command share:
// tokens, token68, authentication challenges (read here, written in
// challenge_format.go), Allow, Retry-After (from a header or a RetryInfo
// detail, and written), Accept media ranges and the
// rules that make a value a header field value. One parser reads a
// challenge wherever one is read, and one formatter writes it.
package httpwire

import (
	"fmt"
	"strings"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

// MaxTokenLen bounds one token or parameter value: a longer one is not
// read, and not written.
const MaxTokenLen = 256

// IsTokenChar reports whether b is an RFC 9110 tchar.
func IsTokenChar(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// IsToken reports whether s is a non-empty RFC 9110 token of bounded length.
func IsToken(s string) bool {
	if s == "" || len(s) > MaxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !IsTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// IsToken68 reports whether s is an RFC 9110 token68.
func IsToken68(s string) bool {
	if s == "" || len(s) > MaxTokenLen {
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

// ParseChallenges reads WWW-Authenticate or Proxy-Authenticate values
// (RFC 9110, section 11.6.1) into challenges, so that a 401 or 407 read back
// from a response keeps the challenges it was sent with. It reads at most
// max challenges, and at most max parameters of each, and stops at the
// first malformed part of a value, keeping what came before.
func ParseChallenges(values []string, max int) []*statusmapv1.AuthChallenge {
	var out []*statusmapv1.AuthChallenge
	for _, v := range values {
		p := parser{s: v, max: max}
		out = p.challenges(out, max)
	}
	return out
}

// ParseChallenge reads exactly one challenge, as a command line gives it
// (`Bearer realm="api"`): ParseChallenges' grammar, with an error where
// anything of the value is left unread. It checks the syntax only; what
// it returns is the caller's to validate.
func ParseChallenge(value string, max int) (*statusmapv1.AuthChallenge, error) {
	p := parser{s: value, max: max}
	out := p.challenges(nil, 1)
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: no scheme", value)
	}
	p.skip(" \t")
	if !p.done() {
		return nil, fmt.Errorf("%q: cannot read %q", value, p.s[p.i:])
	}
	return out[0], nil
}

// challenges appends the challenges of one value, up to limit in all.
func (p *parser) challenges(out []*statusmapv1.AuthChallenge, limit int) []*statusmapv1.AuthChallenge {
	for len(out) < limit {
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
	return out
}

// parser walks one header value.
type parser struct {
	s   string
	i   int
	max int // parameters per challenge
}

func (p *parser) done() bool { return p.i >= len(p.s) }

func (p *parser) peek() byte { return p.s[p.i] }

// skip advances over any bytes of set and returns how many it skipped.
func (p *parser) skip(set string) int {
	start := p.i
	for !p.done() && strings.IndexByte(set, p.peek()) >= 0 {
		p.i++
	}
	return p.i - start
}

func (p *parser) token() string {
	start := p.i
	for !p.done() && IsTokenChar(p.peek()) {
		p.i++
	}
	if p.i-start > MaxTokenLen {
		return ""
	}
	return p.s[start:p.i]
}

func (p *parser) token68() string {
	start := p.i
	for !p.done() && (IsTokenChar(p.peek()) && p.peek() != '=' || p.peek() == '/') {
		p.i++
	}
	for !p.done() && p.peek() == '=' {
		p.i++
	}
	if t := p.s[start:p.i]; IsToken68(t) {
		return t
	}
	return ""
}

// atChallengeEnd reports whether only white space lies before the next
// comma or the end.
func (p *parser) atChallengeEnd() bool {
	p.skip(" \t")
	return p.done() || p.peek() == ','
}

// params reads name=value pairs; it returns false, having consumed
// nothing, when what follows is not a parameter.
func (p *parser) params(c *statusmapv1.AuthChallenge) bool {
	read := false
	for len(c.Params) < p.max {
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
func (p *parser) value() (string, bool) {
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
			return b.String(), b.Len() <= MaxTokenLen
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
