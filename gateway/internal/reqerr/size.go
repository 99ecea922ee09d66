package reqerr

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

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
