package statusmap_test

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/statusmap"
)

func TestDocumentedOrderAndColumns(t *testing.T) {
	wantOrder := []int{200, 201, 204, 400, 401, 403, 404, 405, 406, 407, 408, 409, 500, 501, 502, 503, 504}
	got := statusmap.Documented()
	if len(got) != len(wantOrder) {
		t.Fatalf("Documented() has %d rows; want %d", len(got), len(wantOrder))
	}
	for i, e := range got {
		if e.HTTPStatus != wantOrder[i] {
			t.Errorf("row %d: HTTPStatus = %d; want %d", i, e.HTTPStatus, wantOrder[i])
		}
		if e.Reason != http.StatusText(e.HTTPStatus) || e.Reason == "" {
			t.Errorf("row %d: Reason = %q; want %q", i, e.Reason, http.StatusText(e.HTTPStatus))
		}
		if e.Code != statusmap.Code(e.HTTPStatus) {
			t.Errorf("row %d: Code = %v; want Code(%d) = %v", i, e.Code, e.HTTPStatus, statusmap.Code(e.HTTPStatus))
		}
		if e.Description == "" || strings.TrimSpace(e.Description) != e.Description {
			t.Errorf("row %d: Description = %q", i, e.Description)
		}
		if !isDocumented(e.HTTPStatus) {
			t.Errorf("isDocumented(%d) = false", e.HTTPStatus)
		}
	}
	for _, s := range []int{0, 202, 302, 410, 429, 499, 505} {
		if isDocumented(s) {
			t.Errorf("isDocumented(%d) = true", s)
		}
	}
}

func TestDocumentedReturnsACopy(t *testing.T) {
	first := statusmap.Documented()
	first[0].HTTPStatus = 999
	first[0].Description = "changed"
	second := statusmap.Documented()
	if second[0].HTTPStatus != 200 || second[0].Description == "changed" {
		t.Fatalf("changing the returned slice changed the table: %+v", second[0])
	}
}

// TestDocumentedMatchesSeed holds the table against the seed page the API
// documentation came from: the copy in testdata (always), and the shared
// original when the checkout has it beside it (CI does), so that a change to
// either is noticed.
func TestDocumentedMatchesSeed(t *testing.T) {
	checkSeed(t, filepath.Join("testdata", "seed.md"))
	shared := filepath.Join("..", "..", "shared", "seed", "README.md")
	if _, err := os.Stat(shared); err != nil {
		t.Logf("shared seed not available: %v", err)
		return
	}
	checkSeed(t, shared)
}

func checkSeed(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile(`^\| (\d{3}) \| ([^|]+) \| (.+) \|$`)
	var seed []statusmap.Entry
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		m := row.FindStringSubmatch(scanner.Text())
		if m == nil {
			continue
		}
		s, _ := strconv.Atoi(m[1])
		seed = append(seed, statusmap.Entry{HTTPStatus: s, Reason: strings.TrimSpace(m[2]), Description: m[3]})
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	got := statusmap.Documented()
	if len(seed) != len(got) {
		t.Fatalf("%s has %d rows, Documented() %d", path, len(seed), len(got))
	}
	for i := range seed {
		if got[i].HTTPStatus != seed[i].HTTPStatus || got[i].Description != seed[i].Description || got[i].Reason != seed[i].Reason {
			t.Errorf("%s row %d: got %d %q %q; seed says %d %q %q", path, i,
				got[i].HTTPStatus, got[i].Reason, got[i].Description,
				seed[i].HTTPStatus, seed[i].Reason, seed[i].Description)
		}
	}
}

// isDocumented reports whether an HTTP status is a row of the table.
func isDocumented(httpStatus int) bool {
	for _, e := range statusmap.Documented() {
		if e.HTTPStatus == httpStatus {
			return true
		}
	}
	return false
}
