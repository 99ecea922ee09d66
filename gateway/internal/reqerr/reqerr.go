package reqerr

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/anypb"
)

// Recognize recognises the errors grpc-gateway's generated code and runtime
// make of a bad request before any backend is called, and returns the
// status to answer them with: InvalidArgument with a sentence and a
// BadRequest field violation, HTTP 400, or HTTP 413 (still InvalidArgument:
// the same request will never fit, and a code that maps to 503 would invite
// a retry) for a request too large. ctx is the context the generated
// handler gave the error handler, r the request (r may be nil), sp the
// status of the error; sp is not modified. ok is false for anything else,
// a text not known included: the caller then answers sp as it is.
//
// It runs on every error, so it bails out on the code and the metadata
// before any string is looked at.
func Recognize(ctx context.Context, r *http.Request, sp *spb.Status) (clean *spb.Status, httpStatus int, ok bool) {
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
