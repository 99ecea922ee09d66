package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/internal/openapi"
)

// generated is the example service's document as protoc-gen-openapiv2
// writes it; rewritten is its committed rewrite for the tour's gateway
// (examples/tour's options), which tourFlags say to this command.
const (
	generated = "../../examples/proto/bookshelf/v1/bookshelf.swagger.json"
	rewritten = "../../examples/openapi/bookshelf.statusmap.swagger.json"
)

// tourFlags are examples/tour's gatewayOptions and openAPIOptions as flags:
// the statuses its service pins. With them, this command writes what the
// tour writes (.ci/openapi-check checks it too).
var tourFlags = []string{"-pinned", "406,407,502"}

func runCommand(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestStdout(t *testing.T) {
	want, err := os.ReadFile(rewritten)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCommand(t, "", append(tourFlags, generated)...)
	if code != 0 || out != string(want) {
		t.Errorf("exit %d, stderr %q; output equal to %s: %v", code, errOut, rewritten, out == string(want))
	}
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCommand(t, string(input), tourFlags...)
	if code != 0 || out != string(want) {
		t.Errorf("from standard input: exit %d; output equal: %v", code, out == string(want))
	}
}

func TestWriteInPlace(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "api.swagger.json")
	bad := filepath.Join(dir, "not-openapi.json")
	notOpenAPI := []byte(`{"hello": "world"}`)
	if err := os.WriteFile(good, input, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, notOpenAPI, 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, _ := runCommand(t, "", "-l", good, bad)
	if code != 1 || out != good+"\n" {
		t.Errorf("-l: exit %d, output %q; want 1 and the changed file", code, out)
	}
	code, out, errOut := runCommand(t, "", "-w", "-format", "problem", "-success", "put=202", "-rpc-success", "/bookshelf.v1.BookshelfService/GetBook=203", good, bad)
	if code != 1 || out != "" {
		t.Errorf("-w: exit %d, output %q; want 1 (one bad file) and nothing on stdout", code, out)
	}
	if !strings.Contains(errOut, bad) || !strings.Contains(errOut, "not an OpenAPI document") {
		t.Errorf("stderr %q; want the bad file named and why", errOut)
	}
	got, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"202": {`, `"203": {`, `"#/definitions/statusmap.v1.Problem"`, `"application/problem+json"`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("rewritten file lacks %s", want)
		}
	}
	if info, err := os.Stat(good); err != nil || info.Mode().Perm() != 0o640 {
		t.Errorf("mode after -w: %v, %v; want 0640 kept", info.Mode(), err)
	}
	if left, _ := os.ReadFile(bad); !bytes.Equal(left, notOpenAPI) {
		t.Errorf("the bad file was changed: %s", left)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files in the folder; want no temporary file left", len(entries))
	}
	// Its own output is refused, with any options: what the generator
	// wrote is gone from it.
	code, out, errOut = runCommand(t, "", "-l", "-format", "problem", "-success", "PUT=202", "-rpc-success", "/bookshelf.v1.BookshelfService/GetBook=203", good)
	if code != 1 || out != "" || !strings.Contains(errOut, "already rewritten by statusmap-openapi; rewrite the generated document") {
		t.Errorf("-l after -w: exit %d, output %q, stderr %q; want 1 and the file refused as already rewritten", code, out, errOut)
	}
}

// TestWriteThroughSymlink: -w writes the file a link points to and keeps
// the link, as gofmt -w does.
func TestWriteThroughSymlink(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(rewritten)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "gen", "api.swagger.json")
	link := filepath.Join(dir, "api.swagger.json")
	if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, input, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("gen", "api.swagger.json"), link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if code, _, errOut := runCommand(t, "", append(append([]string{"-w"}, tourFlags...), link)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v, %v", info.Mode(), err)
	}
	if got, _ := os.ReadFile(target); !bytes.Equal(got, want) {
		t.Errorf("the link's target is not rewritten")
	}
	for d, want := range map[string]int{dir: 2, filepath.Dir(target): 1} {
		if entries, _ := os.ReadDir(d); len(entries) != want {
			t.Errorf("%d files in %s; want %d, no temporary file left", len(entries), d, want)
		}
	}
}

// TestListStandardInput: -l names standard input as gofmt does, when the
// rewrite would change it, rather than printing the document.
func TestListStandardInput(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCommand(t, string(input), "-l"); code != 0 || out != "<standard input>\n" {
		t.Errorf("-l: exit %d, output %.80q, stderr %q; want <standard input>", code, out, errOut)
	}
}

// TestRPCWithoutOperation: a per-RPC status that no operation of the files
// is the RPC of is an error naming it, and no file is touched.
func TestRPCWithoutOperation(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	for _, rpc := range []string{
		"/bookshelf.v1.BookshelfService/CreateBok", // a method the service lacks
		"/bookshelf.v1.BookshelfServic/CreateBook", // a service no file describes
	} {
		dir := t.TempDir()
		a := filepath.Join(dir, "a.swagger.json")
		b := filepath.Join(dir, "b.swagger.json")
		for _, name := range []string{a, b} {
			if err := os.WriteFile(name, input, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		code, out, errOut := runCommand(t, "", "-w", "-rpc-success", rpc+"=202", a, b)
		if code != 1 || out != "" || !strings.Contains(errOut, rpc) {
			t.Errorf("%s: exit %d, output %q, stderr %q; want 1 and the RPC named", rpc, code, out, errOut)
		}
		for _, name := range []string{a, b} {
			if got, _ := os.ReadFile(name); !bytes.Equal(got, input) {
				t.Errorf("%s: %s was changed", rpc, name)
			}
		}
		code, out, errOut = runCommand(t, string(input), "-rpc-success", rpc+"=202")
		if code != 1 || out != "" || !strings.Contains(errOut, rpc) {
			t.Errorf("%s, standard input: exit %d, output %.80q, stderr %q; want 1 and the RPC named", rpc, code, out, errOut)
		}
	}
}

// TestByteOrderMark: a file that starts with a byte order mark is read,
// and written back without it.
func TestByteOrderMark(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(rewritten)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCommand(t, "\ufeff"+string(input), tourFlags...); code != 0 || out != string(want) {
		t.Errorf("exit %d, stderr %q; output equal to %s: %v", code, errOut, rewritten, out == string(want))
	}
}

// TestDescribeAndPinned: by default a document lists what the options can
// answer (407 only with a proxy challenge); -pinned adds statuses and
// -describe replaces a description.
func TestDescribeAndPinned(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCommand(t, string(input))
	if code != 0 || strings.Contains(out, `"407"`) || strings.Contains(out, `"502"`) || strings.Contains(out, "You must enter a username") {
		t.Errorf("default: exit %d (%s); want no 407, no 502, no documented table's sentence", code, errOut)
	}
	code, out, errOut = runCommand(t, string(input),
		"-proxy-authenticate", `Basic realm="corp"`,
		"-pinned", "502,406",
		"-describe", "401=Send your API key as a Bearer token.",
		"-describe", "502=An upstream failed.")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"407": {`, `"406": {`, `"502": {`, `"description": "Send your API key as a Bearer token."`, `"description": "An upstream failed."`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s", want)
		}
	}
}

func TestFlags(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCommand(t, string(input),
		"-errors", "404,401",
		"-www-authenticate", `Bearer realm="books", scope="read"`,
		"-proxy-authenticate", "Basic realm=proxy",
		"-no-success-statuses")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`Bearer realm=\"books\", scope=\"read\"`, `"statusmap.NotFound"`, `"statusmap.Unauthorized"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	if strings.Contains(out, `"statusmap.BadRequest"`) || strings.Contains(out, `"201"`) {
		t.Errorf("output lists an error status not asked for, or a 201 with -no-success-statuses")
	}

	for _, args := range [][]string{
		{"-format", "xml"},
		{"-success", "POST=404"},
		{"-success", "FETCH=200"},
		{"-rpc-success", "/a.B/C"},
		{"-rpc-success", "CreateBook=201"},
		{"-errors", "404,abc"},
		{"-errors", "200"},
		{"-profile", "kratos"},
		{"-www-authenticate", `Bearer realm="unterminated`},
		{"-www-authenticate", `Basic realm=a/b`},           // not a token: quote it
		{"-proxy-authenticate", `Basic realm="a", Bearer`}, // one challenge a flag
		{"-w"},
		{"-no-such-flag"},
		{"-pinned", "404,x"},
		{"-pinned", "302"},
		{"-describe", "401"},
		{"-describe", "x=text"},
		{"-describe", "407=Proxy."},
		{"-describe", "401=a\x00b"},
	} {
		if code, _, errOut := runCommand(t, string(input), args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

// TestProfileFlag: -profile google lists the statuses Google's table gives
// the codes (429 for ResourceExhausted, 499 for Canceled), as
// gateway.WithStatusMapper does at run time.
func TestProfileFlag(t *testing.T) {
	input, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	_, documented, _ := runCommand(t, string(input))
	code, google, errOut := runCommand(t, string(input), "-profile", "google")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"statusmap.TooManyRequests"`, `"429"`} {
		if !strings.Contains(google, want) {
			t.Errorf("-profile google: output lacks %s", want)
		}
		if strings.Contains(documented, want) {
			t.Errorf("documented profile: output has %s", want)
		}
	}
}

// TestRefusesTooLargeInput: a file over 32 MiB is refused from its size,
// unread; standard input is read one byte past the bound and no further.
func TestRefusesTooLargeInput(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 32 MiB and a byte, none of it written.
	if err := f.Truncate(openapi.MaxDocumentSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, _, errOut := runCommand(t, "", big)
	if code != 1 || !strings.Contains(errOut, "document too large: 33554433 bytes; the limit is 33554432 (32 MiB)") {
		t.Errorf("a file over the bound: exit %d, stderr %q", code, errOut)
	}

	in := &endlessInput{}
	var out, errBuf bytes.Buffer
	code = run(nil, in, &out, &errBuf)
	if code != 1 || !strings.Contains(errBuf.String(), "<standard input>: document too large: more than 33554432 bytes") {
		t.Errorf("endless standard input: exit %d, stderr %q", code, errBuf.String())
	}
	if in.n != openapi.MaxDocumentSize+1 {
		t.Errorf("read %d bytes of endless standard input; want %d", in.n, openapi.MaxDocumentSize+1)
	}
}

// endlessInput reads as spaces forever, counting what it gives, and fails
// once it has given twice the bound, so that a command that reads it all
// fails rather than exhausting memory.
type endlessInput struct{ n int }

func (e *endlessInput) Read(p []byte) (int, error) {
	if e.n > 2*openapi.MaxDocumentSize {
		return 0, errors.New("endlessInput: read far past the bound")
	}
	for i := range p {
		p[i] = ' '
	}
	e.n += len(p)
	return len(p), nil
}
