// Package statusmap translates between gRPC status codes and HTTP status
// codes, in both directions, for services that speak both.
//
// The package holds:
//
//   - The documented table: the HTTP statuses an API documents, with their
//     descriptions (Documented). It is the single source of truth; the
//     mapping and the README's tables are checked against it.
//   - The mapping: HTTPStatus turns a gRPC code into one of the documented
//     statuses, Code turns an HTTP status into the gRPC code that means the
//     same thing. A Mapper holds another profile or single-row overrides.
//   - Pinning: New, Error and Errorf make a gRPC status that carries the
//     exact HTTP status in an error detail (statusmapv1.HttpStatus), so that
//     HTTPStatusOf returns it unchanged on the far side of any number of gRPC
//     hops.
//   - Server interceptors (UnaryServerInterceptor, StreamServerInterceptor,
//     and Translator for other paths) that turn ordinary Go errors into
//     statuses at the edge, and SetHTTPStatus for a success's status. They
//     are secure by default: a status made on purpose keeps its message,
//     but the text of any other error that no rule translates (which may
//     hold file names, SQL, an address) never reaches a client, who reads the status text of its
//     HTTP status ("Internal Server Error"); set WithErrorHook to log the
//     original. WithErrorText(true) sends the text, as grpc-go does. A
//     gRPC status counts as made on purpose even when the service relays
//     one it did not make (a downstream call's transport error): its
//     message is sent as it is.
//
// Errors of a catalog (an enum with the statusmap.v1.domain option, from
// which protoc-gen-go-statusmap generates Error<Reason> and Is<Reason>
// functions) are made and recognised by the subpackage reason, which the
// generated code calls.
//
// The two mapping directions are deliberately not inverses of each other.
// gRPC has 17 codes and HTTP has many more statuses: HTTPStatus(Code(405)) is
// 501, not 405. Pinning is how an exact status survives.
//
// The package has no mutable state, starts no goroutines and does not log.
// Every function is safe for concurrent use.
package statusmap
