// Package gateway makes a grpc-gateway v2 server answer errors with the
// documented HTTP statuses, the headers HTTP requires, and error bodies in
// the formats clients use, and reads such responses back into gRPC errors.
//
// One line installs it:
//
//	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
//
// With options, New builds a Gateway, the one configured value every entry
// point derives from (a bad option is an error from New):
//
//	gw, err := gateway.New(gateway.WithFormat(gateway.FormatProblem))
//	mux := runtime.NewServeMux(gw.ServeMuxOptions()...)
//
// Against grpc-gateway's defaults, that mux:
//
//   - answers with statusmap.HTTPStatusOf's status: the documented table, or
//     the exact status a service pinned with statusmap.Error;
//   - writes the body grpc-gateway writes (FormatStatus), or the AIP-193
//     envelope (FormatGoogle), or an RFC 9457 problem (FormatProblem, also
//     chosen by an Accept header that prefers application/problem+json),
//     keeping the message and every detail even where protojson fails, and
//     leaving out only statusmap's own pin, which the status line and
//     headers carry;
//   - answers a known path with the wrong method 405 with Allow, not 501,
//     and gives every 405 an Allow;
//   - writes WWW-Authenticate with a valid challenge (never the message),
//     Proxy-Authenticate for 407, and Retry-After from a RetryInfo detail;
//   - answers POST with 201 and DELETE with 204, as the documented table
//     says, and a stream that fails before its first message with the
//     status a unary call would get.
//
// The options may be given to any number of muxes. Verify reports a mux
// where a later option replaced one of statusmap's error handlers (the
// mux's first request panics then, saying so).
//
// A Gateway is configured once and is then safe for concurrent use. The
// package keeps no mutable global state and never logs.
package gateway
