package gateway

import (
	"net/http"

	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
)

// Nothing from a status reaches a header except through the functions in
// this file, each of which builds the value from validated parts: an
// RFC 9110 challenge, a list of method tokens, or a number. Status messages
// never reach a header.

// maxHeaderItems bounds how many challenges or methods one header lists, so
// that a status with thousands of them cannot make a header unbounded.
const maxHeaderItems = 16

// maxTokenLen bounds one token or parameter value copied into a header.
const maxTokenLen = httpwire.MaxTokenLen

// maxHeaderValue bounds a whole header value built from a status: an item
// that would take it past this is left out, with everything after it.
const maxHeaderValue = 4096

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
		if !httpwire.IsToken(c.GetScheme()) {
			continue
		}
		mark := len(buf)
		if n > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, c.GetScheme()...)
		switch {
		case c.GetToken68() != "":
			if !httpwire.IsToken68(c.GetToken68()) {
				buf = buf[:mark]
				continue
			}
			buf = append(buf, ' ')
			buf = append(buf, c.GetToken68()...)
		default:
			written := 0
			for _, p := range c.GetParams() {
				if written == maxHeaderItems || !httpwire.IsToken(p.GetName()) {
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
		if n == maxHeaderItems || !httpwire.IsToken(m) {
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

// setErrorHeaders writes the headers RFC 9110 asks of the status, from
// validated parts only: a 401's WWW-Authenticate and a 407's
// Proxy-Authenticate (the pin's challenges, else the configured ones), a
// 405's Allow (the pin's methods), and Retry-After from a RetryInfo detail.
func (g *Gateway) setErrorHeaders(h http.Header, sp *spb.Status, httpStatus int, pin *statusmapv1.HttpStatus) {
	switch httpStatus {
	case http.StatusUnauthorized, http.StatusProxyAuthRequired:
		value := formatChallenges(pin.GetChallenges())
		name := wire.ChallengeHeader(httpStatus) // canonical form: a map key below
		if httpStatus == http.StatusProxyAuthRequired {
			if value == "" {
				value = g.cfg.proxyAuthenticate
			}
		} else if value == "" {
			value = g.cfg.wwwAuthenticate
		}
		h[name] = []string{value}
	case http.StatusMethodNotAllowed:
		// RFC 9110 requires Allow on every 405; an empty value says the
		// resource allows no method at all (the service refused the one
		// method the mux routes for the path).
		h[wire.ChallengeHeader(http.StatusMethodNotAllowed)] = []string{formatAllow(pin.GetAllowedMethods())}
	}
	if seconds, ok := retryAfter(sp.GetDetails()); ok {
		h["Retry-After"] = []string{seconds}
	}
}
