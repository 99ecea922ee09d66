package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/statusmap/statusmap/internal/openapi"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/codes"
)

// An OpenAPIOption configures Gateway.OpenAPI.
type OpenAPIOption func(*openAPIConfig) error

type openAPIConfig struct {
	errorStatuses  []int // nil: the default list
	pinned         []int
	descriptions   map[int]string
	describedOrder []int // in the order given, for the errors
}

// WithErrorStatuses lists exactly these error statuses, each 400 to 599, on
// every operation, in place of the default list (see Gateway.OpenAPI). Any
// other status an error may carry is still described by each operation's
// default response.
func WithErrorStatuses(statuses ...int) OpenAPIOption {
	return func(c *openAPIConfig) error {
		if err := checkStatuses("WithErrorStatuses", statuses); err != nil {
			return err
		}
		c.errorStatuses = append([]int{}, statuses...)
		return nil
	}
}

// WithPinnedStatuses lists these error statuses, each 400 to 599, beside
// the others (the default list, or WithErrorStatuses'): the statuses the
// services pin (statusmap.Error, New or NewPinned, an error catalog's
// http_status), which no configuration of the Gateway can know. A status
// listed already is listed once.
func WithPinnedStatuses(statuses ...int) OpenAPIOption {
	return func(c *openAPIConfig) error {
		if err := checkStatuses("WithPinnedStatuses", statuses); err != nil {
			return err
		}
		c.pinned = append(c.pinned, statuses...)
		return nil
	}
}

// WithErrorDescription replaces the description of an error status, 400
// to 599, in the document: the default says what the status means to a
// client of a gRPC API and which gRPC codes the Gateway's mapper answers
// with it. The description must be valid UTF-8 without control characters
// other than newline and tab (OpenAPI descriptions are CommonMark), at most
// 4096 bytes; the status must be one the document lists, else
// Gateway.OpenAPI fails, since the description would describe nothing.
func WithErrorDescription(status int, description string) OpenAPIOption {
	return func(c *openAPIConfig) error {
		name := fmt.Sprintf("WithErrorDescription(%d)", status)
		if err := checkStatuses(name, []int{status}); err != nil {
			return err
		}
		if err := checkDescription(description); err != nil {
			return fmt.Errorf("gateway: %s: %w", name, err)
		}
		if _, dup := c.descriptions[status]; dup {
			return fmt.Errorf("gateway: %s: %d is described twice", name, status)
		}
		if c.descriptions == nil {
			c.descriptions = map[int]string{}
		}
		c.descriptions[status] = description
		c.describedOrder = append(c.describedOrder, status)
		return nil
	}
}

// checkStatuses refuses a status that is not an error's, or one given twice.
func checkStatuses(name string, statuses []int) error {
	if err := wire.CheckErrorStatuses(statuses); err != nil {
		return fmt.Errorf("gateway: %s: %w", name, err)
	}
	return nil
}

// maxDescription bounds a description given to WithErrorDescription.
const maxDescription = 4096

// checkDescription refuses what a document should not carry: no text,
// invalid UTF-8, control characters but newline and tab, or a page of it.
func checkDescription(d string) error {
	switch {
	case strings.TrimSpace(d) == "":
		return errors.New("empty description")
	case len(d) > maxDescription:
		return fmt.Errorf("description of %d bytes; at most %d", len(d), maxDescription)
	case !utf8.ValidString(d):
		return errors.New("description is not valid UTF-8")
	}
	for _, r := range d {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029') {
			return fmt.Errorf("description has the control character %U", r)
		}
	}
	return nil
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
//   - its error statuses, by default those the Gateway's configuration can
//     answer: every status its mapper gives a gRPC code, 405 (routing), 406
//     with WithNotAcceptable, 407 when WithProxyAuthChallenges is given;
//     WithErrorStatuses lists exactly others, and WithPinnedStatuses adds
//     those the services pin. Each is a reference to one shared response
//     with a description (what the status means to a client of a gRPC API,
//     and the gRPC codes the mapper answers with it; WithErrorDescription
//     replaces it), the body schema of the configured format (google.rpc.Status as the generator defined it,
//     statusmap.v1.GoogleErrorBody, or statusmap.v1.Problem), and the
//     headers RFC 9110 asks of the status: WWW-Authenticate on 401,
//     Proxy-Authenticate on 407, Allow on 405, Retry-After on 429 and 503.
//   - a default response for any other error status (413 for a request too
//     large, a status an error pins that is not listed, one left out by
//     WithErrorStatuses),
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
// nests deeper than 128; and when its rewrite would have more than 524,288
// values or be over 128 MiB, counted before any of it is written. The error says "document too large" and names
// the bound.
func (g *Gateway) OpenAPI(doc []byte, opts ...OpenAPIOption) ([]byte, error) {
	var oc openAPIConfig
	if err := errors.Join(applyOptions(&oc, opts, "OpenAPI option")...); err != nil {
		return nil, err
	}
	cfg, err := g.openAPIConfig(oc)
	if err != nil {
		return nil, err
	}
	out, err := openapi.Rewrite(doc, cfg)
	if err != nil {
		return nil, fmt.Errorf("gateway: OpenAPI: %w", err)
	}
	return out, nil
}

// openAPIConfig translates the Gateway's configuration for the rewrite.
func (g *Gateway) openAPIConfig(oc openAPIConfig) (openapi.Config, error) {
	cfg := openapi.Config{
		Format:            g.cfg.format.wire(),
		SuccessDisabled:   g.cfg.success.disabled,
		SuccessByMethod:   g.cfg.success.byMethod,
		SuccessByRPC:      g.cfg.success.byRPC,
		WWWAuthenticate:   g.cfg.wwwAuthenticate,
		ProxyAuthenticate: g.cfg.proxyAuthenticate,
	}
	set := map[int]bool{}
	statuses := oc.errorStatuses
	if statuses == nil {
		statuses = g.defaultErrorStatuses()
	}
	for _, s := range append(append([]int{}, statuses...), oc.pinned...) {
		set[s] = true
	}
	var unlisted []string
	for _, s := range oc.describedOrder {
		if !set[s] {
			unlisted = append(unlisted, strconv.Itoa(s))
		}
	}
	if len(unlisted) > 0 {
		return cfg, fmt.Errorf("gateway: OpenAPI: WithErrorDescription: %s not listed (list it with WithErrorStatuses or WithPinnedStatuses)", strings.Join(unlisted, ", "))
	}
	for s := range set {
		d, ok := oc.descriptions[s]
		if !ok {
			d = g.errorDescription(s)
		}
		cfg.Errors = append(cfg.Errors, openapi.ErrorStatus{Status: s, Description: d})
	}
	sort.Slice(cfg.Errors, func(i, j int) bool { return cfg.Errors[i].Status < cfg.Errors[j].Status })
	return cfg, nil
}

// errorDescription is the default description of an error status: what it
// means to a client of a gRPC API behind the Gateway, then the gRPC codes
// the mapper answers with it.
func (g *Gateway) errorDescription(s int) string {
	d := statusMeanings[s]
	if d == "" {
		if text := http.StatusText(s); text != "" {
			d = text + "."
		} else {
			d = "Error " + strconv.Itoa(s) + "."
		}
	}
	var names []string
	for c := codes.Canceled; c <= codes.Unauthenticated; c++ {
		if g.cfg.mapper.HTTPStatus(c) == s {
			names = append(names, wire.CodeNames[c])
		}
	}
	switch len(names) {
	case 0:
	case 1:
		d += " The gateway answers it for the gRPC code " + names[0] + "."
	default:
		last := len(names) - 1
		d += " The gateway answers it for the gRPC codes " + strings.Join(names[:last], ", ") + " and " + names[last] + "."
	}
	return d
}

// statusMeanings say what an error status means to a client of a gRPC API,
// whichever codes the mapper gives it (errorDescription names them). The
// documented table's own sentences (statusmap.Documented) describe that
// API's pages, not the user's API.
var statusMeanings = map[int]string{
	http.StatusBadRequest:            "The request is not valid: an argument is malformed or out of range, or the resource is not in the state the operation needs.",
	http.StatusUnauthorized:          "The request has no valid credentials: authenticate as the WWW-Authenticate header says, then retry.",
	http.StatusForbidden:             "The caller is authenticated but not allowed to do this.",
	http.StatusNotFound:              "The resource, or the path, does not exist.",
	http.StatusMethodNotAllowed:      "The path does not support the method; the Allow header lists those it does.",
	http.StatusNotAcceptable:         "No media type the request's Accept header allows can be produced.",
	http.StatusProxyAuthRequired:     "The request must first authenticate with the proxy, as the Proxy-Authenticate header says.",
	http.StatusRequestTimeout:        "The request was canceled, or took too long, before it completed.",
	http.StatusConflict:              "The request conflicts with the resource's current state: it exists already, or a concurrent change aborted the operation.",
	http.StatusPreconditionFailed:    "A precondition of the request does not hold.",
	http.StatusRequestEntityTooLarge: "The request is too large.",
	http.StatusTooManyRequests:       "A quota or rate limit is exhausted: retry later, after Retry-After when it is given.",
	499:                              "The client closed the request before the server answered.",
	http.StatusInternalServerError:   "The server failed to complete the request because of an internal error.",
	http.StatusNotImplemented:        "The operation is not implemented or not supported.",
	http.StatusBadGateway:            "A service the server depends on failed or answered with an error.",
	http.StatusServiceUnavailable:    "The service cannot handle the request now: retry later with backoff, after Retry-After when it is given.",
	http.StatusGatewayTimeout:        "The request did not complete before its deadline.",
}

// defaultErrorStatuses are the error statuses the Gateway can answer by
// its configuration, in order: every status its mapper gives a gRPC code;
// 405, which routing answers; 406 with WithNotAcceptable; 407 when a proxy
// challenge is configured (WithProxyAuthChallenges).
func (g *Gateway) defaultErrorStatuses() []int {
	set := map[int]bool{http.StatusMethodNotAllowed: true}
	for c := codes.Canceled; c <= codes.Unauthenticated; c++ {
		if s := g.cfg.mapper.HTTPStatus(c); wire.IsErrorStatus(s) {
			set[s] = true
		}
	}
	if g.cfg.notAcceptable {
		set[http.StatusNotAcceptable] = true
	}
	if g.cfg.proxyConfigured {
		set[http.StatusProxyAuthRequired] = true
	}
	statuses := make([]int, 0, len(set))
	for s := range set {
		statuses = append(statuses, s)
	}
	sort.Ints(statuses)
	return statuses
}
