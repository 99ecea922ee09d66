package reqerr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requiredVersion returns the version of module that the go.mod file at
// path requires, read from its require lines ("require m v" or a line of a
// require block), or "".
func requiredVersion(t *testing.T, path, module string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inBlock := false
	for line := range strings.Lines(string(raw)) {
		line, _, _ = strings.Cut(line, "//")
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			continue
		case inBlock && fields[0] == ")":
			inBlock = false
			continue
		case fields[0] == "require" && len(fields) == 2 && fields[1] == "(":
			inBlock = true
			continue
		case fields[0] == "require":
			fields = fields[1:]
		case !inBlock:
			continue
		}
		if len(fields) == 2 && fields[0] == module {
			return fields[1]
		}
	}
	return ""
}

// TestRequestErrorsReadFromPinnedVersion ties the texts to the grpc-gateway
// version they were read from: the library's (runtime) and the protoc
// plugin's that generates the handlers (template). An upgrade of either
// fails here until the texts are re-read and requestErrorsReadFrom changed.
func TestRequestErrorsReadFromPinnedVersion(t *testing.T) {
	for _, path := range []string{filepath.Join("..", "..", "..", "go.mod"), filepath.Join("..", "..", "..", ".ci", "tools", "go.mod")} {
		if got := requiredVersion(t, path, grpcGatewayModule); got != requestErrorsReadFrom {
			t.Errorf("%s requires %s %q; the request-error texts were read from %s: re-read them "+
				"(runtime/convert.go, runtime/query.go, protoc-gen-grpc-gateway/internal/gengateway/template.go) "+
				"and update requestErrorsReadFrom", path, grpcGatewayModule, got, requestErrorsReadFrom)
		}
	}
}

// TestRequiredVersionParsesRequireLines: the go.mod reader of the pin test
// finds a module in a block and on its own line, and nothing elsewhere.
func TestRequiredVersionParsesRequireLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "go.mod")
	content := "module x\n\nrequire a/b v1.0.0 // indirect\n\nrequire (\n\tc/d v2.0.0\n\te/f v3.0.0 // indirect\n)\n\nreplace g/h => g/h v9.9.9\ntool g/h\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for module, want := range map[string]string{"a/b": "v1.0.0", "c/d": "v2.0.0", "e/f": "v3.0.0", "g/h": "", "x": ""} {
		if got := requiredVersion(t, path, module); got != want {
			t.Errorf("%s: %q, want %q", module, got, want)
		}
	}
}
