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
//
// # Where things live
//
// This folder holds the public API and the mux hooks; each folder under
// internal/ answers one question and imports nothing from this one. A
// test (TestFileMapIsTrue) keeps the map true.
//
//	gateway.go           Gateway, New, ServeMuxOptions, WriteError, the header matcher
//	options.go           Option, Format, the options of the writer and of success statuses
//	upstream_options.go  the options of the way back
//	response.go          ErrorFromResponse and the UPSTREAM_* reasons
//	openapi.go           Gateway.OpenAPI and its options
//	middleware.go        binding, its middleware, error handlers, success metadata repair
//	exchange.go          exchange: one request's state, exchangeOf, open streams, the pool
//	writer.go            the exchange as the mux's http.ResponseWriter
//	status.go            choosing the status of an error, redacting it, writing it
//	headers.go           the headers of an error: challenges, Allow, Retry-After
//	stream.go            a server stream's error
//	success.go           success statuses (the forward-response hook)
//	validation.go        validation details (WithValidationDetails)
//	metadata.go          forwarding gRPC metadata to headers and trailers
//	accept.go            Accept against the mux's marshalers (406)
//	probe.go             probing the mux for the methods of a path
//	routes.go            reading and matching the mux's routes
//	allow.go             a routing 405's Allow from the mux's compiled patterns, cached
//	foreign.go           Verify: a mux whose error handlers were replaced
//	doc.go               this overview
//	internal/body/       writing an error body
//	  body.go            the three formats (FormatStatus, FormatGoogle, FormatProblem)
//	  json.go            code names
//	  anyjson.go         a detail as JSON: protojson, a kept JSON detail, raw bytes, the stream stand-in
//	  anyjson_read.go    a detail read back from JSON, each form anyjson.go writes
//	  cache.go           the per-Writer cache of rendered details
//	  detailjson.go      the ten google.rpc details rendered from wire bytes
//	  schema.go          their field tables
//	  wirescan.go        reading their wire bytes as protobuf would
//	  strippins.go       a foreign handler's body less the pins
//	internal/reqerr/     recognising grpc-gateway's own request errors
//	  doc.go             the sources and versions the texts were read from
//	  reqerr.go          Recognize, and the statuses it builds
//	  evidence.go        what the call's metadata says
//	  path.go            path parameter errors
//	  query.go           query parameter errors
//	  body.go            request body errors
//	  size.go            requests too large
//	  sentence.go        the sentence a client reads
//	  fields.go          field paths and descriptors
//	internal/upstream/   reading other APIs' error responses
//	  read.go            Read and Config; the body read within its bound
//	  reading.go         one body being read
//	  content.go         bodies in a Content-Encoding
//	  conventions.go     the table of conventions, tried in order; what one decoded
//	  ours.go            grpc-gateway's and statusmap's status bodies
//	  google.go          AIP-193 envelopes
//	  problem.go         RFC 9457 problems
//	  rpc.go             Connect and Twirp
//	  rest.go            well-known REST APIs
//	  frameworks.go      FastAPI and Spring Boot
//	  envelopes.go       search, payment, CRM and CDN envelopes
//	  fieldmaps.go       field errors and field maps
//	  message.go         any other JSON object with a message
//	  xml.go             XML errors and SOAP faults
//	  html.go            HTML error pages
//	  members.go         reading JSON members; bounded, codeByName
//	  scan.go            walking valid JSON
//	  text.go            clean: upstream header values, excerpts and titles made fit
//	  details.go         a body's details, within bounds, each read by body.ReadDetail
//	  requestid.go       request ids and the headers beside the status
//	  build.go           the status, within its bounds
//	  fold.go            agreeing with the response; 401, 405, 407 folded into 502
//	  redact.go          what redaction keeps
package gateway
