package openapi

import (
	"bytes"
	"encoding/json"
	"github.com/statusmap/statusmap/internal/wire"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func addSeeds(f *testing.F) {
	f.Helper()
	for _, name := range []string{"openapiv2.swagger.json", "edge.swagger.json", "nodefaults.swagger.json", "gnostic.openapi.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"a": [1, 2.50, -0, 1e3, true, null, "<&>\u2028"], "b": {}, "c": []}`))
	// Bombs: aliases of aliases, an alias inside its own anchor, and
	// nesting at the bound.
	f.Add([]byte(billionLaughs(9)))
	f.Add([]byte("swagger: \"2.0\"\nx-a: &a [1, *a]\n"))
	f.Add([]byte("swagger: \"2.0\"\nx-a: &a {k: &b [*a]}\n"))
	f.Add(nestedJSON(maxDepth-1, 2))
	f.Add([]byte("swagger: \"2.0\"\nx: " + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + "\n"))
}

// FuzzJSONLikeEncoder holds the hand-written JSON writer to encoding/json's
// Encoder with a two-space indent, which protoc-gen-openapiv2 uses: for a
// document that Encoder wrote, decoding and writing it again gives the same
// bytes.
func FuzzJSONLikeEncoder(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return
		}
		var canonical bytes.Buffer
		enc := json.NewEncoder(&canonical)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return
		}
		tree, _, err := decodeJSON(canonical.Bytes())
		if err != nil {
			t.Fatalf("decodeJSON of encoding/json's output: %v\n%s", err, canonical.Bytes())
		}
		got, err := encodeJSON(tree)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, canonical.Bytes()) {
			t.Fatalf("got:\n%s\nwant (encoding/json):\n%s", got, canonical.Bytes())
		}
		if n := jsonSize(tree); n != len(got) {
			t.Fatalf("jsonSize %d; written %d bytes", n, len(got))
		}
	})
}

// FuzzRewrite: any input gives an error or a document, never a panic; the
// same input gives the same bytes, and a JSON input gives valid JSON.
func FuzzRewrite(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := testConfig(wire.FormatStatus)
		out, err := Rewrite(data, cfg)
		if err != nil {
			return
		}
		again, err := Rewrite(data, cfg)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("a second rewrite differs (err %v)", err)
		}
		if isJSON(data) && !json.Valid(out) {
			t.Fatalf("invalid JSON output:\n%s", out)
		}
	})
}
