package gateway

import (
	"net/http"

	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
)

// Nothing from a status reaches a header except through httpwire's
// formatters, each of which builds the value from validated parts: an
// RFC 9110 challenge, a list of method tokens, or a number. Status messages
// never reach a header.

// MaxRetryDelay bounds every retry delay that crosses between HTTP and
// gRPC: a Retry-After header that Gateway.ErrorFromResponse reads into a
// google.rpc.RetryInfo, and a RetryInfo that the gateway writes as
// Retry-After. A longer delay (an upstream's Retry-After of 2^62 seconds,
// or an HTTP-date in the year 9999) is read or written as this one; a
// negative one as no delay. A day: a client told to wait longer is better
// told the service is down.
const MaxRetryDelay = wire.MaxRetryDelay

// setErrorHeaders writes the headers RFC 9110 asks of the status, from
// validated parts only: a 401's WWW-Authenticate and a 407's
// Proxy-Authenticate (the pin's challenges, else the configured ones), a
// 405's Allow (the pin's methods), and Retry-After from a RetryInfo detail.
func (g *Gateway) setErrorHeaders(h http.Header, sp *spb.Status, httpStatus int, pin *statusmapv1.HttpStatus) {
	switch httpStatus {
	case http.StatusUnauthorized, http.StatusProxyAuthRequired:
		value := httpwire.FormatChallenges(pin.GetChallenges())
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
		h[wire.ChallengeHeader(http.StatusMethodNotAllowed)] = []string{httpwire.FormatAllow(pin.GetAllowedMethods())}
	}
	if seconds, ok := httpwire.RetryAfterOf(sp.GetDetails()); ok {
		h["Retry-After"] = []string{seconds}
	}
}
