package openapi

import (
	"bytes"
	"flag"
	"github.com/statusmap/statusmap/internal/wire"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// testConfig is a gateway's configuration with a few of each kind of
// error status.
func testConfig(f wire.Format) Config {
	return Config{
		Format:          f,
		SuccessByMethod: map[string]int{"POST": 201, "DELETE": 204},
		SuccessByRPC:    map[string]int{"/edge.v1.EdgeService/ReplaceThing": 202},
		Errors: []ErrorStatus{
			{503, "Failed to complete the request because the service is unavailable."},
			{400, "The server failed to process the request."},
			{401, "You must enter a username and password to access the requested page."},
			{404, "The server could not find the requested page."},
			{405, "You are not allowed to use the method specified in the request."},
			{407, "You must use the proxy server for authentication so that the request can be processed."},
		},
		WWWAuthenticate:   `Bearer realm="api"`,
		ProxyAuthenticate: `Basic realm="proxy"`,
	}
}

var formatNames = map[wire.Format]string{wire.FormatStatus: "status", wire.FormatGoogle: "google", wire.FormatProblem: "problem"}

// TestGolden rewrites documents as the generators write them and compares
// the result with the committed golden files (go test -update rewrites
// them). It also checks that the rewrite is byte-stable, and that its
// output is not rewritten again (TestAlreadyRewritten says why).
func TestGolden(t *testing.T) {
	testCases := []struct {
		input   string
		formats []wire.Format
		noRPC   bool // the document lacks testConfig's RPC, not its service
	}{
		{"openapiv2.swagger.json", []wire.Format{wire.FormatStatus, wire.FormatGoogle, wire.FormatProblem}, false},
		{"edge.swagger.json", []wire.Format{wire.FormatStatus}, false},
		{"nodefaults.swagger.json", []wire.Format{wire.FormatProblem}, true},
		{"gnostic.openapi.yaml", []wire.Format{wire.FormatStatus, wire.FormatGoogle, wire.FormatProblem}, false},
	}
	for _, tc := range testCases {
		input, err := os.ReadFile(filepath.Join("testdata", tc.input))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tc.formats {
			name, ext, _ := strings.Cut(tc.input, ".")
			golden := filepath.Join("testdata", "golden", name+"."+formatNames[f]+"."+ext)
			t.Run(filepath.Base(golden), func(t *testing.T) {
				cfg := testConfig(f)
				if tc.noRPC {
					cfg.SuccessByRPC = nil
				}
				got, err := Rewrite(input, cfg)
				if err != nil {
					t.Fatal(err)
				}
				again, err := Rewrite(input, cfg)
				if err != nil || !bytes.Equal(got, again) {
					t.Errorf("a second rewrite of the same input differs (err %v)", err)
				}
				if _, err := Rewrite(got, cfg); err == nil || !strings.Contains(err.Error(), "already rewritten") {
					t.Errorf("rewriting the output again: got error %v; want it refused as already rewritten", err)
				}
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, got)
				}
			})
		}
	}
}

// TestRoundTrip: what the rewrite does not touch comes out byte for byte,
// for both generators' encodings.
func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"openapiv2.swagger.json", "edge.swagger.json", "gnostic.openapi.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var out []byte
		if isJSON(data) {
			v, _, err := decodeJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			out, err = encodeJSON(v)
			if err != nil {
				t.Fatal(err)
			}
		} else {
			v, doc, _, err := decodeYAML(data)
			if err != nil {
				t.Fatal(err)
			}
			out, err = encodeYAML(v, doc)
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(out, data) {
			t.Errorf("%s: decoded and encoded again, it differs:\n%s", name, out)
		}
	}
}

// rewriteTree rewrites a document and returns its tree.
func rewriteTree(t *testing.T, doc string, cfg Config) *object {
	t.Helper()
	out, err := Rewrite([]byte(doc), cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := decodeJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	return v.(*object)
}

// responseKeys lists an operation's response keys.
func responseKeys(root *object, path, method string) string {
	return strings.Join(root.object("paths").object(path).object(method).object("responses").keys, " ")
}

func TestSuccessStatuses(t *testing.T) {
	input, err := os.ReadFile("testdata/edge.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(wire.FormatStatus)
	cfg.Errors = nil
	testCases := []struct {
		name   string
		cfg    func(*Config)
		path   string
		method string
		want   string
	}{
		{"GET keeps 200 and the document's own 404", nil, "/v1/things/{id}", "get", "200 404 default"},
		{"DELETE of a message without fields", nil, "/v1/things/{id}", "delete", "204 default"},
		{"DELETE of a Struct keeps 200 and may be 204", nil, "/v1/things/{id}:purge", "delete", "200 204 default"},
		{"per-RPC status", nil, "/v1/things/{id}", "put", "202 default"},
		{"per-RPC status, additional binding", nil, "/v1/things/{id}", "patch", "202 default"},
		{"disabled", func(c *Config) { c.SuccessDisabled = true }, "/v1/things/{id}", "put", "200 default"},
		{"per-method", func(c *Config) { c.SuccessByRPC = nil; c.SuccessByMethod = map[string]int{"PATCH": 205} }, "/v1/things/{id}", "patch", "200 205 default"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			if tc.cfg != nil {
				tc.cfg(&c)
			}
			root := rewriteTree(t, string(input), c)
			if got := responseKeys(root, tc.path, tc.method); got != tc.want {
				t.Errorf("got responses %q; want %q", got, tc.want)
			}
		})
	}
	root := rewriteTree(t, string(input), cfg)
	get404 := root.object("paths").object("/v1/things/{id}").object("get").object("responses").object("404")
	if got := get404.str("description"); got != "Returned when the thing does not exist." {
		t.Errorf("the document's own 404 became %q", got)
	}
	noContent := root.object("paths").object("/v1/things/{id}").object("delete").object("responses").object("204")
	if _, ok := noContent.get("schema"); ok {
		t.Errorf("the 204 of a message without fields has a schema")
	}
}

func TestErrorResponses(t *testing.T) {
	input, err := os.ReadFile("testdata/openapiv2.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	root := rewriteTree(t, string(input), testConfig(wire.FormatProblem))
	if got, want := responseKeys(root, "/v1/books/{id}", "get"), "200 400 401 404 405 407 503 default"; got != want {
		t.Errorf("GET responses %q; want %q", got, want)
	}
	ref := root.object("paths").object("/v1/books/{id}").object("get").object("responses").object("404").str("$ref")
	if ref != "#/responses/statusmap.NotFound" {
		t.Errorf("404 is %q; want a reference to the shared response", ref)
	}
	shared := root.object("responses")
	if got := shared.object("statusmap.NotFound").str("description"); got != "The server could not find the requested page." {
		t.Errorf("404 description %q; want the configured one verbatim", got)
	}
	for status, header := range map[string]string{"Unauthorized": "WWW-Authenticate", "ProxyAuthenticationRequired": "Proxy-Authenticate", "MethodNotAllowed": "Allow", "ServiceUnavailable": "Retry-After",
		// The gateway writes Retry-After with any status whose error
		// carries a RetryInfo, listed or not.
		"Error": "Retry-After"} {
		if shared.object("statusmap."+status).object("headers").object(header) == nil {
			t.Errorf("%s has no %s header", status, header)
		}
	}
	if got := shared.object("statusmap.NotFound").object("schema").str("$ref"); got != "#/definitions/statusmap.v1.Problem" {
		t.Errorf("problem format body %q", got)
	}
	produces, _ := root.get("produces")
	if list, _ := produces.([]any); len(list) != 2 || list[1] != "application/problem+json" {
		t.Errorf("produces %v; want application/problem+json added", produces)
	}
}

func TestRewriteRefuses(t *testing.T) {
	testCases := []struct {
		name, doc, want string
	}{
		{"empty object", `{}`, "neither a swagger nor an openapi member"},
		{"swagger 1.2", `{"swagger": "1.2"}`, `swagger "1.2"`},
		{"openapi 4", "openapi: 4.0.0\n", `openapi "4.0.0"`},
		{"openapi as a number", "openapi: 3.0\n", "a number"},
		{"a list", "- a\n- b\n", "not an object"},
		{"bad JSON", `{"swagger": "2.0",}`, "invalid JSON"},
		{"trailing JSON", `{"swagger": "2.0"} {}`, "data after the document"},
		{"duplicate JSON key", `{"swagger": "2.0", "swagger": "2.0"}`, "duplicate key"},
		{"bad YAML", "openapi: [3.0.3\n", "invalid YAML"},
		{"YAML merge key", "openapi: 3.0.3\nx: &a {b: 1}\ny:\n  <<: *a\n", "merge keys"},
		{"paths not an object", `{"swagger": "2.0", "paths": {"/a": {"get": {"responses": []}}}}`, "not an object"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Rewrite([]byte(tc.doc), testConfig(wire.FormatStatus))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v; want one saying %q", err, tc.want)
			}
		})
	}
}

func TestConfigRefused(t *testing.T) {
	testCases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"format", Config{Format: 7}, "unknown format"},
		{"method status", Config{SuccessByMethod: map[string]int{"POST": 404}}, "not a 2xx"},
		{"rpc status", Config{SuccessByRPC: map[string]int{"/a.B/C": 302}}, "not a 2xx"},
		{"rpc name", Config{SuccessByRPC: map[string]int{"CreateBook": 201}}, "not a full method name"},
		{"error status", Config{Errors: []ErrorStatus{{200, "ok"}}}, "not a 4xx or 5xx"},
		{"error twice", Config{Errors: []ErrorStatus{{404, "a"}, {404, "b"}}}, "listed twice"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Rewrite([]byte(`{"swagger": "2.0"}`), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v; want one saying %q", err, tc.want)
			}
		})
	}
}

// twoGets is a document with an RPC whose name is another's plus a digit,
// Get2, beside Get and Get's additional binding, which protoc-gen-openapiv2
// names Get2 too when no RPC Get2 exists.
const twoGets = `{
  "swagger": "2.0",
  "paths": {
    "/a": {"get": {"operationId": "Svc_Get", "responses": {"200": {"description": "A successful response."}}}},
    "/b": {"get": {"operationId": "Svc_Get2", "responses": {"200": {"description": "A successful response."}}}},
    "/c": {"get": {"operationId": "Svc_Get23", "responses": {"200": {"description": "A successful response."}}}},
    "/d": {"get": {"operationId": "Svc_List3", "responses": {"200": {"description": "A successful response."}}}},
    "/e": {"get": {"operationId": "Svc_List", "responses": {"200": {"description": "A successful response."}}}}
  }
}`

// TestRPCStatusExactNameFirst: an operation is first the RPC whose
// operationId it is; only then the numbered additional binding of one.
func TestRPCStatusExactNameFirst(t *testing.T) {
	cfg := Config{SuccessByRPC: map[string]int{"/p.Svc/Get": 203, "/p.Svc/Get2": 206, "/p.Svc/List": 202}}
	root := rewriteTree(t, twoGets, cfg)
	for path, want := range map[string]string{
		"/a": "203 default", // Get itself
		"/b": "206 default", // the RPC Get2, not Get's second binding
		"/c": "206 default", // Get2's third binding: the longest name that fits
		"/d": "202 default", // List's third binding
		"/e": "202 default",
	} {
		if got := responseKeys(root, path, "get"); got != want {
			t.Errorf("%s: got responses %q; want %q", path, got, want)
		}
	}
	// Without a status of its own, Svc_Get2 is Get's additional binding.
	root = rewriteTree(t, twoGets, Config{SuccessByRPC: map[string]int{"/p.Svc/Get": 203}})
	if got := responseKeys(root, "/b", "get"); got != "203 default" {
		t.Errorf("Get's binding Svc_Get2: got responses %q; want 203 default", got)
	}
}

// TestRPCWithoutOperation: a per-RPC status of a service the document
// describes must find its operation; one of a service it does not describe
// belongs to another document.
func TestRPCWithoutOperation(t *testing.T) {
	input, err := os.ReadFile("testdata/openapiv2.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	testCases := []struct {
		name string
		cfg  Config
		want string // "" for no error
	}{
		{"misspelt method", Config{SuccessByRPC: map[string]int{"/bookshelf.v1.BookshelfService/CreateBok": 202}}, "/bookshelf.v1.BookshelfService/CreateBok"},
		{"misspelt method, success statuses off", Config{SuccessDisabled: true, SuccessByRPC: map[string]int{"/bookshelf.v1.BookshelfService/GetBok": 202}}, "/bookshelf.v1.BookshelfService/GetBok"},
		{"another document's service", Config{SuccessByRPC: map[string]int{"/other.v1.OtherService/CreateThing": 202}}, ""},
		{"a server stream's RPC", Config{SuccessByRPC: map[string]int{"/bookshelf.v1.BookshelfService/StreamBooks": 202}}, ""},
		{"an additional binding's RPC", Config{SuccessByRPC: map[string]int{"/bookshelf.v1.BookshelfService/UpdateBook": 202}}, ""},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Rewrite(input, tc.cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got error %v; want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got error %v; want one naming %s", err, tc.want)
			}
		})
	}
}

// TestRPCsOfNoDocument: the command's check that each RPC it was given a
// status for is of a service one of its documents describes.
func TestRPCsOfNoDocument(t *testing.T) {
	v2, err := os.ReadFile("testdata/openapiv2.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	v3, err := os.ReadFile("testdata/edge.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	rpcs := []string{"/z.Other/A", "/bookshelf.v1.BookshelfService/CreateBook", "/edge.v1.EdgeService/Anything", "/a.BookshelfServic/CreateBook"}
	got := strings.Join(RPCsOfNoDocument(rpcs, v2, v3, []byte("not a document")), " ")
	if want := "/a.BookshelfServic/CreateBook /z.Other/A"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

// TestAlreadyRewritten: a rewritten document has lost what the generator
// wrote (its 200s, its default), so it is refused rather than rewritten
// again with what could be other options.
func TestAlreadyRewritten(t *testing.T) {
	for _, name := range []string{"openapiv2.status.swagger.json", "gnostic.problem.openapi.yaml"} {
		doc, err := os.ReadFile(filepath.Join("testdata", "golden", name))
		if err != nil {
			t.Fatal(err)
		}
		cfg := testConfig(wire.FormatStatus)
		cfg.SuccessByRPC = nil
		cfg.SuccessDisabled = true
		if _, err := Rewrite(doc, cfg); err == nil || !strings.Contains(err.Error(), "already rewritten by statusmap-openapi; rewrite the generated document") {
			t.Errorf("%s: got error %v; want it refused as already rewritten", name, err)
		}
	}
}

// TestByteOrderMark: a document may start with a UTF-8 byte order mark;
// the output has none.
func TestByteOrderMark(t *testing.T) {
	for _, name := range []string{"openapiv2.swagger.json", "gnostic.openapi.yaml"} {
		doc, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		cfg := testConfig(wire.FormatStatus)
		cfg.SuccessByRPC = nil
		want, err := Rewrite(doc, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Rewrite(append([]byte("\ufeff"), doc...), cfg)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s with a byte order mark: error %v, output equal to the one without: %v", name, err, bytes.Equal(got, want))
		}
	}
}
