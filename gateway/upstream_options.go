package gateway

import "fmt"

// The options of the way back, Gateway.ErrorFromResponse.

// WithUpstreamPassThrough keeps an upstream's 401, 405 and 407 as they
// are in Gateway.ErrorFromResponse: pinned, with their challenges and
// Allow methods, so that the gateway in front answers the client with
// them. Use it only for a service that relays its client's own credentials
// to the upstream, whose challenge is then the client's to answer. By
// default they are folded into a 502 (see ErrorFromResponse).
func WithUpstreamPassThrough(pass bool) Option {
	return func(c *config) error {
		c.upstream.PassThrough = pass
		return nil
	}
}

// WithMaxErrorBody sets how many bytes of a body Gateway.ErrorFromResponse
// reads: 1 MiB by default, as the package-level ErrorFromResponse. n must
// be positive: zero or less is a bad option, an error from New. To read
// one response with another bound, make a Gateway for it:
//
//	g, err := gateway.New(gateway.WithMaxErrorBody(64 << 10))
//	...
//	err = g.ErrorFromResponse(resp)
func WithMaxErrorBody(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("gateway: WithMaxErrorBody(%d): not a positive size", n)
		}
		c.upstream.MaxBody = n
		return nil
	}
}
