package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/internal/validation"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
)

// A request error is one that grpc-gateway's generated code and runtime make
// of a bad request before any backend is called: a path parameter that does
// not convert, a query parameter PopulateQueryParameters refuses, a body the
// decoder refuses. They reach the error handler as InvalidArgument statuses
// whose message is a Go error's text (grpc-gateway issue #5787), and are
// answered here with a sentence a client can read and a BadRequest field
// violation. A request too large for the gateway or the service is a 413.
//
// Two things must hold before a message is read at all, so that a
// backend's own error is never touched:
//
//   - grpc-gateway's exact format (v2.33: the generated code's
//     "type mismatch, parameter: %s, error: %v" and "missing parameter %s",
//     runtime/query.go's "parsing field %q: %w" and its kin, the body
//     decoder's encoding/json and protojson errors, grpc-go's size errors);
//   - evidence that no backend answered, read from the ServerMetadata the
//     generated code puts in the context before calling the error handler
//     (see evidenceOf), or, in process, from the request itself.
//
// The check runs on every error, so it bails out on the code and the
// metadata before any string is looked at.
//
// The recognition is best-effort and fails safe: it knows the texts of the
// versions named here (requestErrorsReadFrom), and a text it does not know,
// or one an upgrade changed, is not rewritten: the status passes through
// unchanged, as grpc-gateway wrote it. (A known format around a converter
// error it does not know, "parsing field %q: ...", names the field and
// says it "is not valid".) The tests build every expected text
// by calling the upstream function that makes it (or read it from the
// template or source file in the module cache), so an upgrade that changes
// a text fails a test instead of silently sending Go internals to clients.

// requestErrorsReadFrom is the grpc-gateway version whose generated-code
// template (protoc-gen-grpc-gateway's internal/gengateway/template.go) and
// runtime (runtime/convert.go, runtime/query.go, runtime/marshal_jsonpb.go)
// the request-error texts were read from. A test fails when go.mod or
// .ci/tools/go.mod (the protoc plugin that generates the handlers) names
// another version: re-read the texts, then change this.
const requestErrorsReadFrom = "v2.33.0"

// evidence is what the ServerMetadata of an error says about the call.
type evidence int

const (
	// answered: a backend answered, or the metadata says nothing either way.
	answered evidence = iota
	// noCall: the generated code returned before calling its gRPC client.
	// Its `var metadata runtime.ServerMetadata` is returned as it was
	// declared, HeaderMD and TrailerMD nil; a call made through the client
	// sets at least one of them (grpc.Header and grpc.Trailer).
	noCall
	// clientOnly: the gateway's gRPC client ended the call itself before the
	// server answered (no response headers, trailers read as an empty set):
	// grpc-go does this when the request is over the client's send limit.
	clientOnly
	// trailersOnly: the server answered with trailers only, before any
	// response header: how a gRPC server refuses a request it did not
	// accept. Its trailers always carry content-type.
	trailersOnly
	// inProcess: RegisterXHandlerServer's shape, HeaderMD and TrailerMD
	// non-nil and empty (the generated code joins them with the in-process
	// stream's, whether or not the service was called). The request itself
	// must then prove the error (see provePath, proveQuery, bodyTooLarge).
	inProcess
)

// evidenceOf reads what md says about the call behind an error.
func evidenceOf(md runtime.ServerMetadata) evidence {
	switch {
	case md.HeaderMD == nil && md.TrailerMD == nil:
		return noCall
	case md.HeaderMD == nil && len(md.TrailerMD) == 0:
		return clientOnly
	case md.HeaderMD == nil:
		return trailersOnly
	case md.TrailerMD != nil && len(md.HeaderMD) == 0 && len(md.TrailerMD) == 0:
		return inProcess
	}
	return answered
}

// requestError recognises the errors grpc-gateway's generated code and
// runtime make of a bad request before any backend is called, and answers
// them with a status a client can act on: InvalidArgument with a sentence
// and a BadRequest field violation, HTTP 400, or HTTP 413 (still
// InvalidArgument: the same request will never fit, and a code that maps
// to 503 would invite a retry) for a request too large. r may be nil.
func requestError(ctx context.Context, r *http.Request, sp *spb.Status) (clean *spb.Status, httpStatus int, ok bool) {
	code := codes.Code(sp.GetCode())
	if (code != codes.InvalidArgument && code != codes.ResourceExhausted) || len(sp.GetDetails()) != 0 {
		return nil, 0, false
	}
	md, found := runtime.ServerMetadataFromContext(ctx)
	if !found {
		// Not a generated handler's error: a plain net/http handler's
		// WriteError, or a middleware's.
		return nil, 0, false
	}
	ev := evidenceOf(md)
	msg := sp.GetMessage()
	if code == codes.ResourceExhausted {
		if tooLargeForService(ev, msg, r) {
			return tooLarge(), http.StatusRequestEntityTooLarge, true
		}
		return nil, 0, false
	}
	if ev != noCall && ev != inProcess {
		return nil, 0, false
	}

	if msg == bodyTooLargeText {
		if ev == noCall || bodyTooLarge(r) {
			return tooLarge(), http.StatusRequestEntityTooLarge, true
		}
		return nil, 0, false
	}
	if param, detail, isPath := parsePathError(msg); isPath {
		if ev == inProcess && !provePath(ctx, r, param) {
			return nil, 0, false
		}
		return badRequest(param, describe(ctx, param, detail, byPath)), http.StatusBadRequest, true
	}
	if field, sentence, isQuery := parseQueryError(ctx, msg); isQuery {
		if ev == inProcess && !proveQuery(ctx, r, msg) {
			return nil, 0, false
		}
		return badRequest(field, sentence), http.StatusBadRequest, true
	}
	if ev != noCall {
		// In process nothing shows that a body error is the decoder's:
		// the body is read, and the service may have seen it.
		return nil, 0, false
	}
	if field, sentence, isBody := parseBodyError(ctx, msg); isBody {
		return badRequest(field, sentence), http.StatusBadRequest, true
	}
	return nil, 0, false
}

// badRequest is the clean status: InvalidArgument, the sentence, and a
// BadRequest field violation when a field is named.
func badRequest(field, sentence string) *spb.Status {
	sp := &spb.Status{Code: int32(codes.InvalidArgument), Message: sentence}
	if field == "" {
		return sp
	}
	detail, err := anypb.New(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: field, Description: sentence},
	}})
	if err == nil {
		sp.Details = []*anypb.Any{detail}
	}
	return sp
}

// tooLarge is the clean status of a request too large.
func tooLarge() *spb.Status {
	return &spb.Status{Code: int32(codes.InvalidArgument), Message: "request is too large"}
}

// bodyTooLargeText is the text of *http.MaxBytesError, which the body
// decoder's error becomes when a body is over http.MaxBytesReader's bound.
const bodyTooLargeText = "http: request body too large"

// bodyTooLarge reports whether r's body is an http.MaxBytesReader that went
// over its bound: its error is sticky, so a read of nothing returns it. Only
// net/http's own reader is asked (found by its type's name, which is
// unexported): a read of nothing from another reader could block.
func bodyTooLarge(r *http.Request) bool {
	if r == nil || r.Body == nil || reflect.TypeOf(r.Body).String() != "*http.maxBytesReader" {
		return false
	}
	_, err := r.Body.Read(nil)
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}

// tooLargeForService reports whether msg is grpc-go's word that the request
// was over a size limit, said where evidence shows it was about the
// request: the gateway's client refusing to send it (clientOnly), or the
// server refusing to receive it (trailersOnly). The same "received message
// larger than max" from the gateway's own client is about the response,
// which came with headers (answered), and is left alone.
func tooLargeForService(ev evidence, msg string, r *http.Request) bool {
	switch ev {
	case clientOnly:
		_, ok := sizePair(msg, grpcSendTooLarge)
		return ok
	case trailersOnly:
		for _, prefix := range []string{grpcRecvTooLarge, grpcRecvTooLargeForMachine, grpcDecompressedTooLarge} {
			if n, ok := sizePair(msg, prefix); ok {
				return plausibleRequestSize(r, n)
			}
		}
		if rest, ok := strings.CutPrefix(msg, grpcRecvDecompressedTooLarge); ok {
			_, err := strconv.ParseUint(rest, 10, 63)
			return err == nil
		}
	}
	return false
}

// grpc-go v1.85's size errors, as prefixes of their texts: the client's
// refusal to send (stream.go, "... (%d vs. %d)") and the server's refusals
// to receive (rpc_util.go: the first three "... (%d vs. %d)", the last
// "... %d").
const (
	grpcSendTooLarge             = "trying to send message larger than max ("
	grpcRecvTooLarge             = "grpc: received message larger than max ("
	grpcRecvTooLargeForMachine   = "grpc: received message larger than max length allowed on current machine ("
	grpcDecompressedTooLarge     = "grpc: message after decompression larger than max ("
	grpcRecvDecompressedTooLarge = "grpc: received message after decompression larger than max "
)

// sizePair parses "<prefix>N vs. M)" and returns N.
func sizePair(msg, prefix string) (int64, bool) {
	rest, ok := strings.CutPrefix(msg, prefix)
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(rest, ")")
	if !ok {
		return 0, false
	}
	n, m, ok := strings.Cut(rest, " vs. ")
	if !ok {
		return 0, false
	}
	size, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return 0, false
	}
	if _, err := strconv.ParseInt(m, 10, 64); err != nil {
		return 0, false
	}
	return size, true
}

// plausibleRequestSize reports whether a request message of n bytes could
// have been made of r. A backend that relays a size error of its own
// downstream call looks on the wire like a server refusing our request;
// when our request is far too small to make n bytes, it was not ours. The
// protobuf form of a request is at most about 4 times its URL and body
// (a negative varint is 10 bytes for "-1"), plus a field tag or two. A body
// of unknown length proves nothing either way.
func plausibleRequestSize(r *http.Request, n int64) bool {
	if r == nil || r.URL == nil || r.ContentLength < 0 {
		return true
	}
	return n <= 4*(int64(len(r.URL.Path)+len(r.URL.RawQuery))+r.ContentLength)+64
}

// Where a parameter came from, for the sentence describing it.
const (
	byPath = iota
	byQuery
	byQueryList
)

// parsePathError parses the generated code's path parameter errors
// (protoc-gen-grpc-gateway v2.33 template):
//
//	type mismatch, parameter: %s, error: %v
//	missing parameter %s
//
// detail is the converter's error ("" for a missing parameter).
func parsePathError(msg string) (param, detail string, ok bool) {
	if rest, found := strings.CutPrefix(msg, "type mismatch, parameter: "); found {
		param, detail, ok = strings.Cut(rest, ", error: ")
		return param, detail, ok && isFieldPath(param)
	}
	if rest, found := strings.CutPrefix(msg, "missing parameter "); found && isFieldPath(rest) {
		return rest, "", true
	}
	return "", "", false
}

// isFieldPath reports whether s is a protobuf field path (a.b_c), as the
// generated code names parameters.
func isFieldPath(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// parseQueryError parses runtime.PopulateQueryParameters's errors (runtime/
// query.go v2.33) and req.ParseForm's:
//
//	parsing field %q: %w
//	parsing list %q: %w
//	too many values for field %q: %s
//	duplicate field %q
//	field already set for oneof %q
//	invalid URL escape %q            (net/url)
//	invalid semicolon separator in query
func parseQueryError(ctx context.Context, msg string) (field, sentence string, ok bool) {
	switch {
	case strings.HasPrefix(msg, "parsing field "):
		if f, detail, ok := quotedThen(msg[len("parsing field "):], ": "); ok {
			return f, describe(ctx, f, detail, byQuery), true
		}
	case strings.HasPrefix(msg, "parsing list "):
		if f, detail, ok := quotedThen(msg[len("parsing list "):], ": "); ok {
			return f, describe(ctx, f, detail, byQueryList), true
		}
	case strings.HasPrefix(msg, "too many values for field "):
		if f, _, ok := quotedThen(msg[len("too many values for field "):], ": "); ok {
			return f, f + " must be given once", true
		}
	case strings.HasPrefix(msg, "duplicate field \""):
		if f, rest, ok := quotedThen(msg[len("duplicate field "):], ""); ok && rest == "" {
			return f, f + " must be given once", true
		}
	case strings.HasPrefix(msg, "field already set for oneof "):
		if f, rest, ok := quotedThen(msg[len("field already set for oneof "):], ""); ok && rest == "" {
			return f, "only one field of " + f + " may be given", true
		}
	case strings.HasPrefix(msg, "invalid URL escape \""), msg == "invalid semicolon separator in query":
		return "", "the query string is not valid", true
	}
	return "", "", false
}

// quotedThen parses a Go-quoted field path at the start of s, followed by
// sep, and returns the path and what follows sep.
func quotedThen(s, sep string) (field, rest string, ok bool) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", false
	}
	field, err = strconv.Unquote(q)
	if err != nil || !isFieldPath(field) {
		return "", "", false
	}
	rest, ok = strings.CutPrefix(s[len(q):], sep)
	return field, rest, ok
}

// describe turns a converter's error about field into a sentence. The
// converters are runtime/convert.go's (path) and runtime/query.go's
// parseField (query), v2.33.
func describe(ctx context.Context, field, detail string, from int) string {
	subject := field
	if from == byQueryList {
		subject = "each " + field
	}
	if rest, found := strings.CutPrefix(detail, "parsing field "); found && from == byPath {
		// A nested path parameter ("book.id") is set by
		// runtime.PopulateFieldFromPath, whose error is query.go's
		// "parsing field %q: %w" around the converter's.
		if _, inner, ok := quotedThen(rest, ": "); ok {
			detail = inner
		}
	}
	switch {
	case detail == "":
		return field + " is required"
	case strings.HasPrefix(detail, "strconv.ParseInt: "):
		if strings.HasSuffix(detail, ": value out of range") {
			return subject + " is out of range"
		}
		return subject + " must be an integer"
	case strings.HasPrefix(detail, "strconv.ParseUint: "):
		if strings.HasSuffix(detail, ": value out of range") {
			return subject + " is out of range"
		}
		return subject + " must be a non-negative integer"
	case strings.HasPrefix(detail, "strconv.ParseBool: "):
		return subject + " must be true or false"
	case strings.HasPrefix(detail, "strconv.ParseFloat: "), strings.HasPrefix(detail, "invalid syntax \""):
		if strings.HasSuffix(detail, ": value out of range") {
			return subject + " is out of range"
		}
		return subject + " must be a number"
	case strings.HasSuffix(detail, " is not valid"), strings.HasSuffix(detail, " is not a valid value"):
		// runtime.Enum ("%s is not valid") and parseField's enum case
		// ("%q is not a valid value").
		return subject + enumSentence(ctx, field, from == byPath)
	case strings.HasPrefix(detail, "illegal base64 data at input byte "):
		return subject + " must be base64"
	case strings.HasPrefix(detail, "parsing time "), strings.Contains(detail, "google.protobuf.Timestamp"):
		return subject + " must be an RFC 3339 timestamp"
	case strings.HasPrefix(detail, "time: "), strings.Contains(detail, "google.protobuf.Duration"):
		return subject + " must be a duration"
	}
	return subject + " is not valid"
}

// enumSentence is " must be one of A, B, C" with the names of the enum of
// field in the called method's request, or " must be a valid value" when
// they cannot be found or are too many to list. byPath says field is a
// field path from the request's root; otherwise it is a field's own name
// (query errors name the last field, body errors its JSON name), found
// anywhere in the request.
func enumSentence(ctx context.Context, field string, byPath bool) string {
	const generic = " must be a valid value"
	const maxListed = 10
	in := requestDescriptor(ctx)
	if in == nil {
		return generic
	}
	var fd protoreflect.FieldDescriptor
	if byPath {
		fd = fieldByPath(in, field)
	} else {
		fd = fieldByName(in, field)
	}
	if fd == nil || fd.Enum() == nil {
		return generic
	}
	values := fd.Enum().Values()
	names := make([]string, 0, values.Len())
	for i := range values.Len() {
		v := values.Get(i)
		// The zero value of a well-formed enum means "not given".
		if v.Number() == 0 && strings.HasSuffix(string(v.Name()), "_UNSPECIFIED") {
			continue
		}
		names = append(names, string(v.Name()))
	}
	if len(names) == 0 || len(names) > maxListed {
		return generic
	}
	return " must be one of " + strings.Join(names, ", ")
}

// requestDescriptor returns the request message descriptor of the method
// the generated handler annotated ctx with, or nil: the lookup
// internal/validation makes for the interceptors' violations.
func requestDescriptor(ctx context.Context) protoreflect.MessageDescriptor {
	method, ok := runtime.RPCMethod(ctx) // "/pkg.Service/Method"
	if !ok {
		return nil
	}
	return validation.RequestDescriptor(method)
}

// newRequest returns an empty request message of the method ctx names, of
// its generated type when it is linked in, or nil.
func newRequest(ctx context.Context) proto.Message {
	in := requestDescriptor(ctx)
	if in == nil {
		return nil
	}
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(in.FullName()); err == nil {
		return mt.New().Interface()
	}
	return dynamicpb.NewMessage(in)
}

// fieldByPath walks a dotted field path from md.
func fieldByPath(md protoreflect.MessageDescriptor, path string) protoreflect.FieldDescriptor {
	var fd protoreflect.FieldDescriptor
	for name := range strings.SplitSeq(path, ".") {
		if md == nil {
			return nil
		}
		fd = md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil {
			return nil
		}
		md = fd.Message()
	}
	return fd
}

// fieldByName finds the first field named name (its own or its JSON name)
// in md and the messages it holds, breadth first and a few levels deep.
func fieldByName(md protoreflect.MessageDescriptor, name string) protoreflect.FieldDescriptor {
	const maxDepth = 4
	level := []protoreflect.MessageDescriptor{md}
	seen := map[protoreflect.FullName]bool{md.FullName(): true}
	for depth := 0; depth < maxDepth && len(level) > 0; depth++ {
		var next []protoreflect.MessageDescriptor
		for _, m := range level {
			fields := m.Fields()
			if fd := fields.ByName(protoreflect.Name(name)); fd != nil {
				return fd
			}
			if fd := fields.ByJSONName(name); fd != nil {
				return fd
			}
			for i := range fields.Len() {
				if sub := fields.Get(i).Message(); sub != nil && !seen[sub.FullName()] {
					seen[sub.FullName()] = true
					next = append(next, sub)
				}
			}
		}
		level = next
	}
	return nil
}

// parseBodyError parses the body decoder's errors: marshaler.NewDecoder(
// req.Body).Decode wraps an encoding/json decoder (syntax errors, a body cut
// short) and then protojson (v1.36: "proto: (line L:C): ..." and
// "proto: syntax error (line L:C): ...", whose space after "proto:" is
// U+0020 or U+00A0 at random, by design).
func parseBodyError(ctx context.Context, msg string) (field, sentence string, ok bool) {
	const notJSON = "request body is not valid JSON"
	if msg == "unexpected EOF" || strings.HasPrefix(msg, "invalid character ") {
		return "", notJSON, true
	}
	rest, ok := strings.CutPrefix(msg, "proto:")
	if !ok {
		return "", "", false
	}
	if r, found := strings.CutPrefix(rest, " "); found {
		rest = r
	} else if r, found := strings.CutPrefix(rest, "\u00a0"); found {
		rest = r
	} else {
		return "", "", false
	}
	if strings.HasPrefix(rest, "syntax error (line ") {
		return "", notJSON, true
	}
	if !strings.HasPrefix(rest, "(line ") {
		return "", "", false
	}
	_, what, found := strings.Cut(rest, "): ")
	if !found {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(what, "invalid value for "):
		// "invalid value for %v field %v: %v": kind, JSON name, token.
		kind, after, found := strings.Cut(what[len("invalid value for "):], " field ")
		if !found {
			break
		}
		name, _, found := strings.Cut(after, ": ")
		if !found || !isFieldPath(name) {
			break
		}
		return name, name + kindSentence(ctx, kind, name), true
	case strings.HasPrefix(what, "unknown field \""):
		if name, tail, ok := quotedThen(what[len("unknown field "):], ""); ok && tail == "" {
			return name, name + " is not a field of this request", true
		}
	case strings.HasPrefix(what, "duplicate field \""):
		if name, tail, ok := quotedThen(what[len("duplicate field "):], ""); ok && tail == "" {
			return name, name + " must be given once", true
		}
	}
	return "", "request body is not valid", true
}

// kindSentence says what a JSON value of a field of the given protobuf kind
// (protoreflect.Kind's String) must be.
func kindSentence(ctx context.Context, kind, name string) string {
	switch kind {
	case "int32", "int64", "sint32", "sint64", "sfixed32", "sfixed64":
		return " must be an integer"
	case "uint32", "uint64", "fixed32", "fixed64":
		return " must be a non-negative integer"
	case "bool":
		return " must be true or false"
	case "float", "double":
		return " must be a number"
	case "string":
		return " must be a string"
	case "bytes":
		return " must be base64"
	case "enum":
		return enumSentence(ctx, name, false)
	}
	return " is not valid"
}

// provePath reports whether r's own value of the path parameter param fails
// the conversion to its field's type: then the generated code returned
// before calling the service, and the error is the gateway's. Only simple
// templates are read ({name} or {name=*} variables, an optional verb);
// anything else proves nothing.
func provePath(ctx context.Context, r *http.Request, param string) bool {
	template, ok := runtime.HTTPPathPattern(ctx)
	if !ok || r == nil || r.URL == nil {
		return false
	}
	msg := newRequest(ctx)
	if msg == nil {
		return false
	}
	candidates := make([]string, 0, 2)
	if v, ok := pathValue(template, r.URL.Path, param); ok {
		candidates = append(candidates, v)
	}
	if v, ok := pathValue(template, r.URL.EscapedPath(), param); ok {
		if u, err := url.PathUnescape(v); err == nil {
			candidates = append(candidates, u)
		}
	}
	if len(candidates) == 0 {
		return false
	}
	// However the mux unescaped the path, the value it converted fails.
	for _, v := range candidates {
		if runtime.PopulateFieldFromPath(proto.Clone(msg), param, v) == nil {
			return false
		}
	}
	return true
}

// pathValue returns the segment of path that template binds to param.
func pathValue(template, path, param string) (string, bool) {
	template, tverb := splitVerb(template)
	path, pverb := splitVerb(path)
	if tverb != pverb {
		return "", false
	}
	tsegs := strings.Split(strings.TrimPrefix(template, "/"), "/")
	psegs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(tsegs) != len(psegs) {
		return "", false
	}
	value, found := "", false
	for i, t := range tsegs {
		if !strings.HasPrefix(t, "{") {
			if t != "*" && t != psegs[i] {
				return "", false
			}
			continue
		}
		name, ok := strings.CutSuffix(t[1:], "}")
		if !ok {
			return "", false
		}
		if n, pattern, hasPattern := strings.Cut(name, "="); hasPattern {
			if pattern != "*" {
				return "", false
			}
			name = n
		}
		if name == param {
			value, found = psegs[i], true
		}
	}
	return value, found
}

// splitVerb splits a ":verb" off the last segment of a path or template.
func splitVerb(path string) (string, string) {
	last := path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.LastIndexByte(last, ':'); i >= 0 && !strings.Contains(last[i:], "}") {
		return path[:len(path)-len(last)+i], last[i+1:]
	}
	return path, ""
}

// proveQuery reports whether the gateway's parse of r's query fails with
// exactly msg, so that it failed before calling the service: one of r's
// query parameters, parsed alone as the gateway parses the query, fails
// with msg; or msg is a duplicate field and two parameters name that field;
// or msg is a oneof already set and two parameters set different fields of
// that oneof (either pair makes the gateway refuse the query whatever the
// order it reads them in). A parameter the template binds from the path is
// skipped: the gateway filters it out of the query.
func proveQuery(ctx context.Context, r *http.Request, msg string) bool {
	if r == nil || r.URL == nil {
		return false
	}
	if strings.HasPrefix(msg, "invalid URL escape \"") || msg == "invalid semicolon separator in query" {
		_, err := url.ParseQuery(r.URL.RawQuery)
		return err != nil && err.Error() == msg
	}
	req := newRequest(ctx)
	if req == nil {
		return false
	}
	in := req.ProtoReflect().Descriptor()
	template, _ := runtime.HTTPPathPattern(ctx)
	values := r.Form
	if values == nil {
		values = r.URL.Query()
	}
	var duplicate, oneof string
	if rest, found := strings.CutPrefix(msg, "duplicate field "); found {
		duplicate, _, _ = quotedThen(rest, "")
	} else if rest, found := strings.CutPrefix(msg, "field already set for oneof "); found {
		oneof, _, _ = quotedThen(rest, "")
	}
	var named map[string]bool    // the fields named so far
	var oneofs map[string]string // a oneof (by its parent's path) → the field set
	if duplicate != "" {
		named = make(map[string]bool)
	}
	if oneof != "" {
		oneofs = make(map[string]string)
	}
	noFilter := utilities.NewDoubleArray(nil)
	for key, vals := range values {
		path, field := queryFieldPath(in, key)
		if strings.Contains(template, "{"+path[0]+"}") || strings.Contains(template, "{"+path[0]+"=") || strings.Contains(template, "{"+path[0]+".") {
			continue
		}
		if named != nil {
			if named[field] && field == duplicate {
				return true
			}
			named[field] = true
		}
		if oneofs != nil && setsOtherOneofField(in, path, oneofs, oneof) {
			return true
		}
		err := runtime.PopulateQueryParameters(proto.Clone(req), url.Values{key: vals}, noFilter)
		if err != nil && err.Error() == msg {
			return true
		}
	}
	return false
}

// queryFieldPath returns the field path PopulateQueryParameters reads key
// as, and the name it gives the field in a "duplicate field" error
// (runtime/query.go v2.33, Parse and normalizeFieldPath): a map key in
// brackets is split off, and each name, its own or its JSON name, is the
// field's own name, as far as the names are singular fields of md;
// otherwise the key's own path.
func queryFieldPath(md protoreflect.MessageDescriptor, key string) (path []string, field string) {
	fieldKey, mapKey := key, ""
	// query.go's regexp ^(.*)\[(.*)\]$, whose "." matches no newline.
	if i := strings.LastIndexByte(key, '['); i >= 0 && strings.HasSuffix(key, "]") && i < len(key)-1 && !strings.Contains(key, "\n") {
		fieldKey, mapKey = key[:i], key[i:]
	}
	raw := strings.Split(fieldKey, ".")
	path = make([]string, 0, len(raw))
	for i, name := range raw {
		fd := md.Fields().ByTextName(name)
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil {
			return raw, fieldKey + mapKey
		}
		path = append(path, string(fd.Name()))
		if i == len(raw)-1 {
			break
		}
		if fd.Message() == nil || fd.Cardinality() == protoreflect.Repeated {
			return raw, fieldKey + mapKey
		}
		md = fd.Message()
	}
	return path, strings.Join(path, ".") + mapKey
}

// setsOtherOneofField reports whether path goes through a field of a oneof
// named name that oneofs records as set to another field in the same
// message, and records the oneof fields path goes through.
func setsOtherOneofField(md protoreflect.MessageDescriptor, path []string, oneofs map[string]string, name string) bool {
	for i, segment := range path {
		if md == nil {
			return false
		}
		fd := md.Fields().ByName(protoreflect.Name(segment))
		if fd == nil {
			return false
		}
		if of := fd.ContainingOneof(); of != nil && !of.IsSynthetic() {
			where := strings.Join(path[:i], ".") + "#" + string(of.Name())
			set, found := oneofs[where]
			if !found {
				oneofs[where] = segment
			} else if set != segment && string(of.Name()) == name {
				return true
			}
		}
		md = fd.Message()
	}
	return false
}
