// Package upstream reads other APIs' error responses into gRPC statuses:
// the way back of the gateway (gateway.ErrorFromResponse, whose doc says
// what is read and how it is bounded). Read is the whole job: read the body
// within its bound, undo a Content-Encoding, parse it once, let the table
// of conventions find the one family that wrote it, build the status, add
// what the headers say, make it agree with the status line, and redact it
// on request. Which file holds each step is in gateway/doc.go's file map
// (kept true by a test); this doc does not repeat it.
package upstream

import (
	"io"
	"math"
	"net/http"

	"github.com/statusmap/statusmap/internal/wire"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Config is how Read reads responses.
type Config struct {
	// MaxBody is how much of a body is read; it must be positive.
	MaxBody int64
	// PassThrough keeps an upstream's 401, 405 and 407 as they are instead
	// of folding them into a 502.
	PassThrough bool
	// Redact keeps no upstream text in a status answered with a 5xx
	// (gateway.WithRedaction; see redact).
	Redact bool
}

// The ErrorInfo reasons, of domain wire.Domain, that Read writes: an
// upstream's 401, 407 and 405 folded into a 502, and what the bounds left
// out of a body (gateway.ReasonUpstream* documents them).
const (
	ReasonUnauthenticated   = "UPSTREAM_UNAUTHENTICATED"
	ReasonProxyAuthRequired = "UPSTREAM_PROXY_AUTHENTICATION_REQUIRED"
	ReasonMethodNotAllowed  = "UPSTREAM_METHOD_NOT_ALLOWED"
	ReasonTruncated         = "UPSTREAM_TRUNCATED"
)

// Read turns an HTTP response into a gRPC error, nil for a 2xx (see
// gateway.ErrorFromResponse). mapper, which may be nil for the default
// table, gives the code of a body that states none.
func Read(resp *http.Response, cfg Config, mapper *statusmap.Mapper) error {
	if resp == nil {
		return status.Error(codes.Unknown, "statusmap: no HTTP response")
	}
	if wire.IsSuccessStatus(resp.StatusCode) {
		return nil
	}
	body, truncated := readBounded(resp.Body, cfg.MaxBody)
	body, truncated = decodeContent(resp.Header, body, truncated, cfg.MaxBody)
	r := newReading(resp.StatusCode, resp.Header, body, truncated)
	d, ok := decodeErrorBody(r)
	d.dropForgedFolds(resp.StatusCode)
	if !ok || d.message == "" && !d.ours {
		d.message = fallbackMessage(resp.StatusCode, body, truncated)
	}
	if d.requestID == "" {
		d.requestID = bodyRequestID(r)
	}
	if d.requestID == "" {
		d.requestID = requestIDFromHeader(resp.Header)
	}
	sp := d.build(resp.StatusCode, mapper, responseHost(resp))
	st := finishStatus(sp, resp, d.ours, cfg, mapper)
	if cfg.Redact {
		st = redact(st, mapper)
	}
	return st.Err()
}

// readBounded reads at most maxBytes of a body. truncated tells a body cut
// short, by the bound or by a read error.
func readBounded(body io.Reader, maxBytes int64) (b []byte, truncated bool) {
	if body == nil {
		return nil, false
	}
	maxBytes = min(maxBytes, math.MaxInt64-1) // maxBytes+1 below must not wrap
	b, err := io.ReadAll(io.LimitReader(body, maxBytes+1))
	if int64(len(b)) > maxBytes {
		b, truncated = b[:maxBytes], true
	}
	if err != nil {
		// What was read is still worth decoding; say why it stops.
		truncated = true
	}
	return b, truncated
}

// responseHost is the host that answered, the domain of an API's own
// error codes.
func responseHost(resp *http.Response) string {
	if resp.Request == nil || resp.Request.URL == nil {
		return ""
	}
	return headerText(resp.Request.URL.Hostname())
}
