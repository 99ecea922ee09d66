package gateway_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
)

// bookshelfDoc is a trimmed OpenAPI 2.0 document as protoc-gen-openapiv2
// writes it: POST and DELETE operations and the generator's default error.
const bookshelfDoc = `{
  "swagger": "2.0",
  "info": {"title": "bookshelf/v1/bookshelf.proto", "version": "version not set"},
  "produces": ["application/json"],
  "paths": {
    "/v1/books": {
      "post": {
        "operationId": "BookshelfService_CreateBook",
        "responses": {
          "200": {"description": "A successful response.", "schema": {"$ref": "#/definitions/v1Book"}},
          "default": {"description": "An unexpected error response.", "schema": {"$ref": "#/definitions/rpcStatus"}}
        }
      }
    },
    "/v1/books/{id}": {
      "delete": {
        "operationId": "BookshelfService_DeleteBook",
        "responses": {
          "200": {"description": "A successful response.", "schema": {"type": "object", "properties": {}}},
          "default": {"description": "An unexpected error response.", "schema": {"$ref": "#/definitions/rpcStatus"}}
        }
      }
    }
  },
  "definitions": {
    "protobufAny": {"type": "object", "properties": {"@type": {"type": "string"}}, "additionalProperties": true},
    "rpcStatus": {"type": "object", "properties": {"code": {"type": "integer", "format": "int32"}, "message": {"type": "string"}, "details": {"type": "array", "items": {"type": "object", "$ref": "#/definitions/protobufAny"}}}},
    "v1Book": {"type": "object", "properties": {"id": {"type": "string"}}}
  }
}`

// swagger is the part of a rewritten document the tests read.
type swagger struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Ref string `json:"$ref"`
		} `json:"responses"`
	} `json:"paths"`
	Responses map[string]struct {
		Description string `json:"description"`
		Schema      struct {
			Ref string `json:"$ref"`
		} `json:"schema"`
		Headers map[string]struct {
			Description string `json:"description"`
		} `json:"headers"`
	} `json:"responses"`
}

func rewrite(t *testing.T, g *gateway.Gateway, opts ...gateway.OpenAPIOption) swagger {
	t.Helper()
	out, err := g.OpenAPI([]byte(bookshelfDoc), opts...)
	if err != nil {
		t.Fatal(err)
	}
	var doc swagger
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func responseCodes(doc swagger, path, method string) string {
	var keys []string
	for k := range doc.Paths[path][method].Responses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// TestOpenAPIFollowsTheOptions: the document comes from the same options
// as the runtime.
func TestOpenAPIFollowsTheOptions(t *testing.T) {
	g, err := gateway.New()
	if err != nil {
		t.Fatal(err)
	}
	doc := rewrite(t, g)
	// The statuses the mapping and the routing can answer: no 406 without
	// WithNotAcceptable, no 407 without a proxy challenge, no 502 that
	// only a pin can give.
	if got, want := responseCodes(doc, "/v1/books", "post"), "201 400 401 403 404 405 408 409 500 501 503 504 default"; got != want {
		t.Errorf("default POST responses %q; want %q", got, want)
	}
	if got := responseCodes(doc, "/v1/books/{id}", "delete"); !strings.HasPrefix(got, "204 400") {
		t.Errorf("default DELETE responses %q; want 204 and the errors", got)
	}
	// Neutral descriptions, with the codes of the mapping; the documented
	// table's sentences are that API's, not the user's.
	for name, want := range map[string]string{
		"statusmap.BadRequest": "The request is not valid: an argument is malformed or out of range, or the resource is not in the state the operation needs. " +
			"The gateway answers it for the gRPC codes INVALID_ARGUMENT, FAILED_PRECONDITION and OUT_OF_RANGE.",
		"statusmap.NotFound":         "The resource, or the path, does not exist. The gateway answers it for the gRPC code NOT_FOUND.",
		"statusmap.MethodNotAllowed": "The path does not support the method; the Allow header lists those it does.",
	} {
		if got := doc.Responses[name].Description; got != want {
			t.Errorf("%s: description %q; want %q", name, got, want)
		}
	}
	for _, e := range statusmap.Documented() {
		name := "statusmap." + strings.ReplaceAll(strings.ReplaceAll(e.Reason, " ", ""), "-", "")
		if r, ok := doc.Responses[name]; ok && r.Description == e.Description {
			t.Errorf("%s: the documented table's sentence %q", name, e.Description)
		}
	}

	g, err = gateway.New(
		gateway.WithFormat(gateway.FormatGoogle),
		gateway.WithRPCSuccessStatus("/bookshelf.v1.BookshelfService/CreateBook", http.StatusAccepted),
		gateway.WithAuthChallenges(&statusmapv1.AuthChallenge{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "books"}}}),
	)
	if err != nil {
		t.Fatal(err)
	}
	doc = rewrite(t, g, gateway.WithErrorStatuses(404, 401, 429))
	if got, want := responseCodes(doc, "/v1/books", "post"), "202 401 404 429 default"; got != want {
		t.Errorf("POST responses %q; want %q", got, want)
	}
	if got := doc.Responses["statusmap.NotFound"].Schema.Ref; got != "#/definitions/statusmap.v1.GoogleErrorBody" {
		t.Errorf("google format body %q", got)
	}
	if got := doc.Responses["statusmap.Unauthorized"].Headers["WWW-Authenticate"].Description; !strings.Contains(got, `Basic realm="books"`) {
		t.Errorf("WWW-Authenticate description %q; want the configured challenge", got)
	}
	if doc.Responses["statusmap.TooManyRequests"].Headers["Retry-After"].Description == "" {
		t.Errorf("429 has no Retry-After header")
	}

	g, err = gateway.New(gateway.WithSuccessByMethod(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := responseCodes(rewrite(t, g, gateway.WithErrorStatuses()), "/v1/books", "post"); got != "200 default" {
		t.Errorf("WithSuccessByMethod(false), no error statuses: POST responses %q; want 200 default", got)
	}
}

func TestOpenAPIRefuses(t *testing.T) {
	g, err := gateway.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.OpenAPI([]byte(`{"openapi": "2.5"}`)); err == nil || !strings.Contains(err.Error(), "unsupported document") {
		t.Errorf("openapi 2.5: got %v; want unsupported document", err)
	}
	if _, err := g.OpenAPI([]byte(bookshelfDoc), gateway.WithErrorStatuses(302)); err == nil || !strings.Contains(err.Error(), "302") {
		t.Errorf("WithErrorStatuses(302): got %v; want an error naming 302", err)
	}
	if _, err := g.OpenAPI([]byte(bookshelfDoc), nil); err == nil {
		t.Errorf("a nil option: got no error")
	}
	out, err := g.OpenAPI([]byte(bookshelfDoc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.OpenAPI(out); err == nil || !strings.Contains(err.Error(), "already rewritten") {
		t.Errorf("its own output: got %v; want it refused as already rewritten", err)
	}
}

// TestOpenAPIErrorStatuses: the statuses listed by default follow the
// configuration; WithPinnedStatuses adds, WithErrorStatuses chooses, and
// WithErrorDescription replaces a description, refusing what would describe
// nothing or carry control characters.
func TestOpenAPIErrorStatuses(t *testing.T) {
	google, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		t.Fatal(err)
	}
	gone, err := statusmap.NewMapper(statusmap.WithHTTPStatus(codes.NotFound, http.StatusGone))
	if err != nil {
		t.Fatal(err)
	}
	proxy := &statusmapv1.AuthChallenge{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "corp"}}}
	for _, tc := range []struct {
		name  string
		opts  []gateway.Option
		oopts []gateway.OpenAPIOption
		want  string
	}{
		{"proxy challenge", []gateway.Option{gateway.WithProxyAuthChallenges(proxy)}, nil, "201 400 401 403 404 405 407 408 409 500 501 503 504 default"},
		{"not acceptable", []gateway.Option{gateway.WithNotAcceptable(true)}, nil, "201 400 401 403 404 405 406 408 409 500 501 503 504 default"},
		{"google profile", []gateway.Option{gateway.WithStatusMapper(google)}, nil, "201 400 401 403 404 405 409 429 499 500 501 503 504 default"},
		{"a custom row", []gateway.Option{gateway.WithStatusMapper(gone)}, nil, "201 400 401 403 405 408 409 410 500 501 503 504 default"},
		{"pinned", nil, []gateway.OpenAPIOption{gateway.WithPinnedStatuses(502, 404, 418)}, "201 400 401 403 404 405 408 409 418 500 501 502 503 504 default"},
		{"exactly, and pinned", nil, []gateway.OpenAPIOption{gateway.WithErrorStatuses(404), gateway.WithPinnedStatuses(502)}, "201 404 502 default"},
	} {
		g, err := gateway.New(tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got := responseCodes(rewrite(t, g, tc.oopts...), "/v1/books", "post"); got != tc.want {
			t.Errorf("%s: POST responses %q; want %q", tc.name, got, tc.want)
		}
	}

	g, err := gateway.New(gateway.WithStatusMapper(gone))
	if err != nil {
		t.Fatal(err)
	}
	doc := rewrite(t, g, gateway.WithErrorDescription(401, "Send your API key as a Bearer token.\n\nSee *Auth*."))
	if got := doc.Responses["statusmap.Unauthorized"].Description; got != "Send your API key as a Bearer token.\n\nSee *Auth*." {
		t.Errorf("401 described %q", got)
	}
	if got, want := doc.Responses["statusmap.Gone"].Description, "Gone. The gateway answers it for the gRPC code NOT_FOUND."; got != want {
		t.Errorf("410 of a custom row described %q; want %q", got, want)
	}
	for _, tc := range []struct {
		opts []gateway.OpenAPIOption
		want string
	}{
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(407, "Proxy.")}, "WithErrorDescription: 407 not listed (list it with WithErrorStatuses or WithPinnedStatuses)"},
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(404, "a"), gateway.WithErrorDescription(404, "b")}, "404 is described twice"},
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(302, "Found.")}, "302 is not a 4xx or 5xx status"},
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(404, " ")}, "empty description"},
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(404, "a\rb")}, "control character U+000D"},
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(404, "a\u2028b")}, "control character U+2028"},
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(404, "\xff")}, "not valid UTF-8"},
		{[]gateway.OpenAPIOption{gateway.WithErrorDescription(404, strings.Repeat("x", 4097))}, "at most 4096"},
		{[]gateway.OpenAPIOption{gateway.WithPinnedStatuses(302)}, "WithPinnedStatuses: 302 is not a 4xx or 5xx status"},
	} {
		if _, err := g.OpenAPI([]byte(bookshelfDoc), tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v; want an error naming %q", err, tc.want)
		}
	}
}

// TestOpenAPIRefusesAliasBomb: a YAML "billion laughs", 9^9 strings in 375
// bytes, is refused before it is expanded, naming the bound, and so is a
// document over 32 MiB.
func TestOpenAPIRefusesAliasBomb(t *testing.T) {
	g, err := gateway.New()
	if err != nil {
		t.Fatal(err)
	}
	var bomb strings.Builder
	bomb.WriteString("swagger: \"2.0\"\nx-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for c := 'b'; c <= 'i'; c++ {
		p := string(c - 1)
		fmt.Fprintf(&bomb, "x-%c: &%c [%s]\n", c, c, strings.TrimSuffix(strings.Repeat("*"+p+",", 9), ","))
	}
	_, err = g.OpenAPI([]byte(bomb.String()))
	if err == nil || !strings.Contains(err.Error(), "gateway: OpenAPI: document too large: its aliases expanded, the document has more than 524288 values") {
		t.Errorf("billion laughs: got %v", err)
	}
	big := append([]byte(`{"swagger": "2.0", "x": "`), make([]byte, 32<<20)...)
	if _, err := g.OpenAPI(big); err == nil || !strings.Contains(err.Error(), "the limit is 33554432 (32 MiB)") {
		t.Errorf("over 32 MiB: got %v", err)
	}
}

// TestOpenAPIRPCStatuses: a per-RPC status must find its operation in a
// document of its service; an RPC of another service is another
// document's, since one gateway may front services documented apart.
func TestOpenAPIRPCStatuses(t *testing.T) {
	g, err := gateway.New(
		gateway.WithRPCSuccessStatus("/other.v1.OtherService/CreateThing", http.StatusAccepted),
		gateway.WithRPCSuccessStatus("/bookshelf.v1.BookshelfService/CreateBook", http.StatusAccepted),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := responseCodes(rewrite(t, g, gateway.WithErrorStatuses()), "/v1/books", "post"); got != "202 default" {
		t.Errorf("POST responses %q; want 202 default", got)
	}
	misspelt, err := gateway.New(gateway.WithRPCSuccessStatus("/bookshelf.v1.BookshelfService/CreateBok", http.StatusAccepted))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := misspelt.OpenAPI([]byte(bookshelfDoc)); err == nil || !strings.Contains(err.Error(), "/bookshelf.v1.BookshelfService/CreateBok") {
		t.Errorf("a status of a method the service lacks: got %v; want an error naming the RPC", err)
	}
}

// The document and the mux come from one Gateway, so they cannot drift.
func ExampleGateway_OpenAPI() {
	g, err := gateway.New(gateway.WithFormat(gateway.FormatProblem))
	if err != nil {
		panic(err)
	}
	// mux := runtime.NewServeMux(g.ServeMuxOptions()...)
	doc, err := g.OpenAPI([]byte(bookshelfDoc), gateway.WithErrorStatuses(404, 409))
	if err != nil {
		panic(err)
	}
	var rewritten struct {
		Paths map[string]map[string]struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(doc, &rewritten); err != nil {
		panic(err)
	}
	for _, op := range []struct{ path, method string }{{"/v1/books", "post"}, {"/v1/books/{id}", "delete"}} {
		var keys []string
		for k := range rewritten.Paths[op.path][op.method].Responses {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Println(strings.ToUpper(op.method), op.path, keys)
	}
	// Output:
	// POST /v1/books [201 404 409 default]
	// DELETE /v1/books/{id} [204 404 409 default]
}

// The document lists what the Gateway's configuration can answer, the
// statuses the services pin, and descriptions of the API's own.
func ExampleWithPinnedStatuses() {
	g, err := gateway.New(gateway.WithProxyAuthChallenges(&statusmapv1.AuthChallenge{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "corp"}}}))
	if err != nil {
		panic(err)
	}
	generated := []byte(`{"swagger": "2.0", "paths": {"/v1/books": {"post": {"operationId": "BookshelfService_CreateBook", "responses": {"200": {"description": "A successful response."}}}}}}`)
	doc, err := g.OpenAPI(generated,
		gateway.WithPinnedStatuses(http.StatusBadGateway),
		gateway.WithErrorDescription(http.StatusUnauthorized, "Send your API key as a Bearer token."))
	if err != nil {
		panic(err)
	}
	var d struct {
		Paths map[string]map[string]struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
		Responses map[string]struct {
			Description string `json:"description"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		panic(err)
	}
	var statuses []string
	for s := range d.Paths["/v1/books"]["post"].Responses {
		statuses = append(statuses, s)
	}
	sort.Strings(statuses)
	fmt.Println(strings.Join(statuses, " "))
	fmt.Println(d.Responses["statusmap.Unauthorized"].Description)
	fmt.Println(d.Responses["statusmap.NotFound"].Description)
	// Output:
	// 201 400 401 403 404 405 407 408 409 500 501 502 503 504 default
	// Send your API key as a Bearer token.
	// The resource, or the path, does not exist. The gateway answers it for the gRPC code NOT_FOUND.
}
