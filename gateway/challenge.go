package gateway

import (
	"github.com/statusmap/statusmap/internal/httpwire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

// parseChallenges reads WWW-Authenticate or Proxy-Authenticate values
// (RFC 9110, section 11.6.1) into challenges, so that a 401 or 407 read back
// from a response keeps the challenges it was sent with. It reads at most
// httpwire.MaxHeaderItems challenges and stops at the first malformed part of a
// value, keeping what came before. The grammar is httpwire's, which the
// statusmap-openapi command reads its flags with too.
func parseChallenges(values []string) []*statusmapv1.AuthChallenge {
	return httpwire.ParseChallenges(values, httpwire.MaxHeaderItems)
}
