package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/statusmap/statusmap/internal/openapi"
	"github.com/statusmap/statusmap/internal/wire"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
)

// An OpenAPIOption configures Gateway.OpenAPI.
type OpenAPIOption func(*openAPIConfig) error

type openAPIConfig struct {
	errorStatuses []int
}

// WithErrorStatuses lists exactly these error statuses, each 400 to 599, on
// every operation, in place of the default: every documented error status
// (statusmap.Documented) and every status the Gateway's mapper gives a gRPC
// code. Any other status an error may carry is still described by each
// operation's default response.
func WithErrorStatuses(statuses ...int) OpenAPIOption {
	return func(c *openAPIConfig) error {
		seen := map[int]bool{}
		for _, s := range statuses {
			if s < 400 || s > 599 {
				return fmt.Errorf("gateway: WithErrorStatuses: %d is not a 4xx or 5xx status", s)
			}
			if seen[s] {
				return fmt.Errorf("gateway: WithErrorStatuses: %d is listed twice", s)
			}
			seen[s] = true
		}
		c.errorStatuses = append([]int{}, statuses...)
		return nil
	}
}

// OpenAPI rewrites an OpenAPI document of the services this Gateway fronts
// so that it says what the Gateway answers, and returns it in the input's
// encoding (JSON or YAML). The input is what the generators write: OpenAPI
// 2.0 from grpc-gateway's protoc-gen-openapiv2, or OpenAPI 3.0 or 3.1 from
// gnostic's protoc-gen-openapi. Any other document is an error, and so is
// one OpenAPI already rewrote: the generator's 200s and default responses
// are gone from it, so rewrite the generated document.
//
// Every operation then lists:
//   - its success as the Gateway answers it: the per-RPC status
//     (WithRPCSuccessStatus, matched by the operationId the generators write,
//     Service_Method, then by the numbered ones of additional bindings,
//     Service_Method2, ...), else the method's (POST 201), else 200. A
//     per-RPC status of a service the document describes that no operation
//     is the RPC of is an error; one of a service it does not describe is
//     another document's and is left be. DELETE's 204
//     has no body when the response message declares no field; for a message
//     with fields, 200 stays and a 204 is added for an empty one. A server
//     stream answers 200. A handler's own statusmap.SetHTTPStatus cannot be
//     known from the document.
//   - every error status (see WithErrorStatuses), each a reference to one
//     shared response with the documented description, the body schema of
//     the configured format (google.rpc.Status as the generator defined it,
//     statusmap.v1.GoogleErrorBody, or statusmap.v1.Problem), and the
//     headers RFC 9110 asks of the status: WWW-Authenticate on 401,
//     Proxy-Authenticate on 407, Allow on 405, Retry-After on 429 and 503.
//   - a default response for any other error status (413 for a request too
//     large, a status an error pins, one left out by WithErrorStatuses),
//     which declares Retry-After too: the Gateway writes it with any error
//     status whose error carries a google.rpc.RetryInfo.
//
// A request whose Accept header prefers application/problem+json gets a
// problem whatever the format: a 3.x document lists it as a second media
// type of every error; OpenAPI 2.0 cannot give a media type its own schema,
// so a 2.0 document lists application/problem+json among the media types
// produced and defines statusmap.v1.Problem beside the format's schema.
//
// The same document and Gateway always give the same bytes; what the
// rewrite does not change keeps its place, so the output differs from the
// input only where it must.
//
// A document is refused, before the work it would cost, when it is over
// 32 MiB; when it holds more than 524,288 values (objects, arrays,
// scalars), each YAML alias counted as the values it stands for, or its
// aliases stand for more than twice the values it writes plus 10,000, so
// that a "billion laughs" of a few hundred bytes is refused unexpanded;
// when its keys and strings, aliases expanded, are over 32 MiB; when it
// nests deeper than 1000; and when its rewrite would have more than 524,288
// values or be over 128 MiB. The error says "document too large" and names
// the bound.
func (g *Gateway) OpenAPI(doc []byte, opts ...OpenAPIOption) ([]byte, error) {
	var oc openAPIConfig
	var errs []error
	for i, opt := range opts {
		if opt == nil {
			errs = append(errs, fmt.Errorf("gateway: OpenAPI option %d is nil", i))
			continue
		}
		if err := opt(&oc); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out, err := openapi.Rewrite(doc, g.openAPIConfig(oc))
	if err != nil {
		return nil, fmt.Errorf("gateway: OpenAPI: %w", err)
	}
	return out, nil
}

// openAPIConfig translates the Gateway's configuration for the rewrite.
func (g *Gateway) openAPIConfig(oc openAPIConfig) openapi.Config {
	cfg := openapi.Config{
		Format:            openapi.FormatStatus,
		SuccessDisabled:   g.cfg.success.disabled,
		SuccessByMethod:   g.cfg.success.byMethod,
		SuccessByRPC:      g.cfg.success.byRPC,
		WWWAuthenticate:   g.cfg.wwwAuthenticate,
		ProxyAuthenticate: g.cfg.proxyAuthenticate,
	}
	switch g.cfg.format {
	case FormatGoogle:
		cfg.Format = openapi.FormatGoogle
	case FormatProblem:
		cfg.Format = openapi.FormatProblem
	}
	statuses := oc.errorStatuses
	if statuses == nil {
		statuses = g.defaultErrorStatuses()
	}
	descriptions := map[int]string{}
	for _, e := range statusmap.Documented() {
		descriptions[e.HTTPStatus] = e.Description
	}
	for _, s := range statuses {
		d := descriptions[s]
		if d == "" {
			d = http.StatusText(s)
		}
		if d == "" {
			d = "Error " + strconv.Itoa(s) + "."
		}
		cfg.Errors = append(cfg.Errors, openapi.ErrorStatus{Status: s, Description: d})
	}
	return cfg
}

// defaultErrorStatuses are every documented error status and every status
// the mapper gives a gRPC code, in order.
func (g *Gateway) defaultErrorStatuses() []int {
	set := map[int]bool{}
	for _, e := range statusmap.Documented() {
		if e.HTTPStatus >= 400 {
			set[e.HTTPStatus] = true
		}
	}
	for c := codes.Canceled; c <= codes.Unauthenticated; c++ {
		if s := g.cfg.mapper.HTTPStatus(c); wire.IsErrorStatus(s) {
			set[s] = true
		}
	}
	statuses := make([]int, 0, len(set))
	for s := range set {
		statuses = append(statuses, s)
	}
	sort.Ints(statuses)
	return statuses
}
