package statusmap_test

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's generated tables")

// readmeTables renders the README's tables from the code, so that the docs
// cannot drift from what the code does.
func readmeTables(t *testing.T) map[string]string {
	t.Helper()
	google, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		t.Fatal(err)
	}
	var documented strings.Builder
	documented.WriteString("| HTTP status | Reason | Description (verbatim) | gRPC code |\n|---|---|---|---|\n")
	for _, e := range statusmap.Documented() {
		fmt.Fprintf(&documented, "| %d | %s | %s | %v |\n", e.HTTPStatus, e.Reason, e.Description, e.Code)
	}

	var toHTTP strings.Builder
	toHTTP.WriteString("| gRPC code | HTTP status (default, documented) | HTTP status (`ProfileGoogle`) |\n|---|---|---|\n")
	for c := codes.Code(0); c <= codes.Unauthenticated; c++ {
		fmt.Fprintf(&toHTTP, "| %d %v | %d %s | %d |\n", uint32(c), c, statusmap.HTTPStatus(c), http.StatusText(statusmap.HTTPStatus(c)), google.HTTPStatus(c))
	}
	fmt.Fprintf(&toHTTP, "| any other | %d %s | %d |\n", statusmap.HTTPStatus(99), http.StatusText(statusmap.HTTPStatus(99)), google.HTTPStatus(99))

	// HTTP to gRPC: list every status that maps to something other than
	// Unknown, grouping the 2xx range.
	var fromHTTP strings.Builder
	fromHTTP.WriteString("| HTTP status | gRPC code |\n|---|---|\n")
	fromHTTP.WriteString("| 200 to 299 | OK |\n")
	for s := 300; s < 600; s++ {
		if c := statusmap.Code(s); c != codes.Unknown {
			note := ""
			if !isDocumented(s) {
				note = " (not documented)"
			}
			reason := http.StatusText(s)
			if reason == "" {
				reason = "Client Closed Request" // 499 is nginx's, not IANA's
			}
			fmt.Fprintf(&fromHTTP, "| %d %s%s | %v |\n", s, reason, note, c)
		}
	}
	fromHTTP.WriteString("| anything else (1xx, 3xx, other 4xx and 5xx, < 100, > 599) | Unknown |\n")

	return map[string]string{
		"documented":   documented.String(),
		"grpc-to-http": toHTTP.String(),
		"http-to-grpc": fromHTTP.String(),
	}
}

// TestREADMETables fails when a generated table in README.md differs from
// the code. Run with -update-readme to rewrite them.
func TestREADMETables(t *testing.T) {
	path := filepath.Join("..", "README.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for name, table := range readmeTables(t) {
		begin := "<!-- table:" + name + " -->\n"
		end := "<!-- /table:" + name + " -->"
		i := strings.Index(readme, begin)
		j := strings.Index(readme, end)
		if i < 0 || j < i {
			t.Errorf("README.md has no %q ... %q section", begin, end)
			continue
		}
		if got := readme[i+len(begin) : j]; got != table {
			if *updateREADME {
				readme = readme[:i+len(begin)] + table + readme[j:]
				continue
			}
			t.Errorf("README.md table %q is out of date; run: go test ./statusmap -run TestREADMETables -update-readme\n got:\n%s\nwant:\n%s", name, got, table)
		}
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
