// Package openapi rewrites the OpenAPI documents that grpc-gateway users
// generate (OpenAPI 2.0 from protoc-gen-openapiv2, OpenAPI 3.x from gnostic's
// protoc-gen-openapi) so that they describe what a statusmap gateway
// answers: its success statuses, its error statuses with their headers, and
// its error bodies.
//
// It knows nothing of the gateway package: gateway.Gateway.OpenAPI
// translates its configuration into a Config. The output is a function of
// the input and the Config alone; keys the rewrite does not touch keep their
// order, so that the output differs from the input only where it must.
package openapi

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/internal/wire"
)

// ErrorStatus is an error status every operation lists.
type ErrorStatus struct {
	// Status is the HTTP status, 400 to 599.
	Status int
	// Description is the response's description, written verbatim.
	Description string
}

// Config is what the rewrite needs to know of a gateway's configuration.
type Config struct {
	// Format is the format of the error bodies. Whatever it is, a request
	// whose Accept header prefers application/problem+json gets a problem.
	Format wire.Format
	// SuccessDisabled answers every success with 200.
	SuccessDisabled bool
	// SuccessByMethod is the success status of each HTTP method (upper
	// case); a method without one answers 200.
	SuccessByMethod map[string]int
	// SuccessByRPC is the success status of RPCs by full method name
	// ("/bookshelf.v1.BookshelfService/CreateBook"); it overrides
	// SuccessByMethod. An operation is the RPC's when its operationId is
	// <Service>_<Method>, possibly followed by a number (an additional
	// binding), as both generators write it.
	SuccessByRPC map[string]int
	// Errors are the error statuses every operation lists, in any order.
	Errors []ErrorStatus
	// WWWAuthenticate and ProxyAuthenticate are the challenges of a 401
	// and a 407, quoted in the headers' descriptions.
	WWWAuthenticate   string
	ProxyAuthenticate string
}

// Rewrite returns doc rewritten for cfg, in doc's own encoding: JSON for a
// JSON document, YAML otherwise. doc must be an OpenAPI 2.0 or 3.0/3.1
// document as a generator wrote it; anything else, a document Rewrite
// already rewrote included, is an error. So is a document past a bound
// (MaxDocumentSize, MaxValues, MaxText, MaxOutputSize), with ErrTooLarge.
// The same doc and cfg always give the same bytes.
func Rewrite(doc []byte, cfg Config) ([]byte, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	top, v, yd, asJSON, values, err := decode(doc)
	if err != nil {
		return nil, err
	}
	if err := (&rewriter{cfg: cfg, v: v, root: top, values: values}).run(); err != nil {
		return nil, err
	}
	if asJSON {
		return encodeJSON(top)
	}
	return encodeYAML(top, yd)
}

// byteOrderMark is UTF-8's, which some editors put at the start of a file.
// It is read past and not written back.
const byteOrderMark = "\ufeff"

// decode reads an OpenAPI document: its top-level object, its version,
// whether it is JSON (else YAML, with what yd keeps of it), and how many
// values it holds. A document past a bound (see MaxDocumentSize) is an
// error wrapping ErrTooLarge.
func decode(doc []byte) (top *object, v version, yd yamlDoc, asJSON bool, values int, err error) {
	if err := checkSize(len(doc)); err != nil {
		return nil, 0, yd, false, 0, err
	}
	doc = bytes.TrimPrefix(doc, []byte(byteOrderMark))
	var root any
	asJSON = isJSON(doc)
	if asJSON {
		root, values, err = decodeJSON(doc)
	} else {
		root, yd, values, err = decodeYAML(doc)
	}
	if err != nil {
		return nil, 0, yd, asJSON, 0, err
	}
	top, ok := root.(*object)
	if !ok {
		return nil, 0, yd, asJSON, 0, errors.New("not an OpenAPI document: the top level is not an object")
	}
	v, err = versionOf(top)
	return top, v, yd, asJSON, values, err
}

// RPCsOfNoDocument returns, sorted, those of rpcs ("/pkg.Service/Method")
// whose service no operation of any of docs belongs to. Rewrite takes such
// an RPC's status for another document's and leaves it be; a command given
// both the RPCs and all the documents can tell its user that the status
// does nothing. A doc that cannot be read describes no service.
func RPCsOfNoDocument(rpcs []string, docs ...[]byte) []string {
	var ids []string
	for _, doc := range docs {
		if top, v, _, _, _, err := decode(doc); err == nil {
			ids = append(ids, operationIDs(top, v)...)
		}
	}
	var out []string
	for _, rpc := range rpcs {
		if service, _, ok := splitRPC(rpc); !ok || !describesService(ids, service) {
			out = append(out, rpc)
		}
	}
	sort.Strings(out)
	return out
}

func (cfg Config) validate() error {
	if cfg.Format < wire.FormatStatus || cfg.Format > wire.FormatProblem {
		return fmt.Errorf("openapi: unknown format %d", cfg.Format)
	}
	for m, s := range cfg.SuccessByMethod {
		if !wire.IsSuccessStatus(s) {
			return fmt.Errorf("openapi: success status %d of %s is not a 2xx status", s, m)
		}
	}
	for rpc, s := range cfg.SuccessByRPC {
		if !wire.IsSuccessStatus(s) {
			return fmt.Errorf("openapi: success status %d of %s is not a 2xx status", s, rpc)
		}
		if _, _, ok := splitRPC(rpc); !ok {
			return fmt.Errorf("openapi: %q is not a full method name such as /pkg.Service/Method", rpc)
		}
	}
	statuses := make([]int, len(cfg.Errors))
	for i, e := range cfg.Errors {
		statuses[i] = e.Status
	}
	if err := wire.CheckErrorStatuses(statuses); err != nil {
		return fmt.Errorf("openapi: error status %w", err)
	}
	return nil
}

// version is the document's OpenAPI major version: 2 or 3.
type version int

func versionOf(top *object) (version, error) {
	if v, ok := top.get("swagger"); ok {
		if s, _ := v.(string); s == "2.0" {
			return 2, nil
		}
		return 0, fmt.Errorf("unsupported document: swagger %v; want 2.0", describe(v))
	}
	if v, ok := top.get("openapi"); ok {
		if s, _ := v.(string); strings.HasPrefix(s, "3.0.") || strings.HasPrefix(s, "3.1.") {
			return 3, nil
		}
		return 0, fmt.Errorf("unsupported document: openapi %v; want 3.0.x or 3.1.x", describe(v))
	}
	return 0, errors.New("not an OpenAPI document: it has neither a swagger nor an openapi member")
}

func describe(v any) string {
	switch t := v.(type) {
	case string:
		return strconv.Quote(t)
	case number:
		return string(t) + " (a number, not a string)"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// splitRPC splits "/pkg.Service/Method" into "Service" and "Method".
func splitRPC(rpc string) (service, method string, ok bool) {
	full, method, ok := wire.SplitFullMethod(rpc)
	if !ok {
		return "", "", false
	}
	// wire.SplitFullMethod holds the simple name non-empty.
	return full[strings.LastIndexByte(full, '.')+1:], method, true
}

// reasonName is the name of a shared response: the reason phrase without
// spaces ("NotFound"), or "Error418" for a status without one.
func reasonName(status int) string {
	var b strings.Builder
	for _, r := range http.StatusText(status) {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Error" + strconv.Itoa(status)
	}
	return b.String()
}

// sortedErrors returns the configured error statuses in numeric order.
func (cfg Config) sortedErrors() []ErrorStatus {
	errs := append([]ErrorStatus(nil), cfg.Errors...)
	sort.Slice(errs, func(i, j int) bool { return errs[i].Status < errs[j].Status })
	return errs
}
