// Package reqerr recognises grpc-gateway's own request errors: the errors
// its generated code and runtime make of a bad request before any backend is
// called (a path parameter that does not convert, a query parameter
// PopulateQueryParameters refuses, a body the decoder refuses, a request
// over a size limit). They reach the error handler as InvalidArgument (or
// ResourceExhausted) statuses whose message is a Go error's text
// (grpc-gateway issue #5787); Recognize turns them into a status a client
// can read: InvalidArgument with a sentence and a BadRequest field
// violation, answered 400, or 413 for a request too large.
//
// The recognition reads texts written by others, at these versions:
//
//   - grpc-gateway v2.33.0 (requestErrorsReadFrom): the generated code's
//     template (protoc-gen-grpc-gateway's internal/gengateway/template.go:
//     "type mismatch, parameter: %s, error: %v", "missing parameter %s"),
//     the converters it calls (runtime/convert.go, runtime/proto2_convert.go,
//     chosen by internal/descriptor/types.go), the query parser
//     (runtime/query.go: "parsing field %q: %w" and its kin) and the body
//     decoder (runtime/marshal_jsonpb.go);
//   - protojson (google.golang.org/protobuf v1.36.12: "proto: (line L:C): ...",
//     whose space after "proto:" is U+0020 or U+00A0 at random, by design);
//   - encoding/json and strconv, time, encoding/base64 (the converters'
//     inner errors), net/url (req.ParseForm's "invalid URL escape" and
//     "invalid semicolon separator in query") and net/http
//     (http.MaxBytesError);
//   - grpc-go v1.85.0's size errors (stream.go, rpc_util.go).
//
// Two things must hold before a message is rewritten, so that a backend's
// own error is never touched: the text has one of those exact formats, and
// the ServerMetadata the generated code puts in the context (or, in
// process, the request itself) shows that no backend answered (see
// evidenceOf).
//
// The recognition is best-effort and fails safe: a text it does not know,
// or one an upgrade changed, is not rewritten, and the status passes
// through unchanged, as grpc-gateway wrote it. (A known format around a
// converter error it does not know, "parsing field %q: ...", names the
// field and says it "is not valid".) The tests build every expected text by
// calling the upstream function that makes it (or read it from the template
// or source file in the module cache where no callable function makes it),
// and tie go.mod and .ci/tools/go.mod to requestErrorsReadFrom, so an
// upgrade that changes a text fails a test instead of silently sending Go
// internals to clients.
package reqerr

// requestErrorsReadFrom is the grpc-gateway version whose generated-code
// template (protoc-gen-grpc-gateway's internal/gengateway/template.go) and
// runtime (runtime/convert.go, runtime/query.go, runtime/marshal_jsonpb.go)
// the request-error texts were read from. A test fails when go.mod or
// .ci/tools/go.mod (the protoc plugin that generates the handlers) names
// another version: re-read the texts, then change this.
const requestErrorsReadFrom = "v2.33.0"
