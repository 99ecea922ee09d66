package gateway

import (
	"strings"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

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
