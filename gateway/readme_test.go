package gateway_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/statusmap/statusmap/gateway"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's generated examples")

// readmeExamples renders the README's example responses with the code, so
// that the docs show what the library writes, not what it once wrote.
func readmeExamples(t *testing.T) map[string]string {
	t.Helper()
	st, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(
		&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	examples := map[string]string{}
	for name, format := range map[string]gateway.Format{
		"format-status":  gateway.FormatStatus,
		"format-google":  gateway.FormatGoogle,
		"format-problem": gateway.FormatProblem,
	} {
		rec := httptest.NewRecorder()
		newGateway(gateway.WithFormat(format)).WriteError(rec, httptest.NewRequest("GET", "/v1/books/7", nil), st.Err())
		var indented bytes.Buffer
		if err := json.Indent(&indented, compact(t, rec.Body.Bytes()), "", "  "); err != nil {
			t.Fatal(err)
		}
		var head strings.Builder
		head.WriteString("```http\nHTTP/1.1 " + rec.Result().Status + "\n")
		for _, h := range []string{"Content-Type", "Retry-After"} {
			head.WriteString(h + ": " + rec.Header().Get(h) + "\n")
		}
		examples[name] = head.String() + "\n" + indented.String() + "\n```\n"
	}
	return examples
}

func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestREADMEExamples fails when an example response in README.md differs
// from what the code writes. Run with -update-readme to rewrite them.
func TestREADMEExamples(t *testing.T) {
	path := filepath.Join("..", "README.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for name, example := range readmeExamples(t) {
		begin, end := "<!-- example:"+name+" -->\n", "<!-- /example:"+name+" -->"
		i, j := strings.Index(readme, begin), strings.Index(readme, end)
		if i < 0 || j < i {
			t.Errorf("README.md has no %q ... %q section", begin, end)
			continue
		}
		if got := readme[i+len(begin) : j]; got != example {
			if *updateREADME {
				readme = readme[:i+len(begin)] + example + readme[j:]
				continue
			}
			t.Errorf("README.md example %q is out of date; run: go test ./gateway -run TestREADMEExamples -update-readme\n got:\n%s\nwant:\n%s", name, got, example)
		}
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
