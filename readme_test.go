// Package readme_test holds the README's snippets for a project outside this
// repository to the files that CI runs as that project (examples/consumer,
// .ci/consumer), so that what the README tells a user is what is tested.
package readme_test

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// consumerSnippets are the files of examples/consumer that the README shows
// whole. Each is in the README as a fenced code block right after a line
// "<!-- file: path -->".
var consumerSnippets = []string{
	"examples/consumer/setup.sh",
	"examples/consumer/buf.yaml",
	"examples/consumer/buf.gen.yaml",
	"examples/consumer/proto/shop/v1/shop_gateway.yaml",
	"examples/consumer/generate.sh",
	"examples/consumer/protoc.sh",
	"examples/consumer/buf.bsr.yaml",
	"examples/consumer/vendor.sh",
	"examples/consumer/proto/shop/v1/errors.proto", // "Error catalogs"
	"examples/consumer/openapi.sh",                 // "OpenAPI"
}

// markedBlocks returns the fenced code blocks of markdown that follow a line
// "<!-- file: path -->", by path, in the order they appear.
func markedBlocks(t *testing.T, markdown string) map[string][]string {
	t.Helper()
	marker := regexp.MustCompile(`^<!-- file: (\S+) -->$`)
	blocks := map[string][]string{}
	lines := strings.SplitAfter(markdown, "\n")
	for i := 0; i < len(lines); i++ {
		m := marker.FindStringSubmatch(strings.TrimRight(lines[i], "\n"))
		if m == nil {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			t.Errorf("README: %s is not followed by a code block", lines[i])
			continue
		}
		var b strings.Builder
		j := i + 2
		for ; j < len(lines) && lines[j] != "```\n" && lines[j] != "```"; j++ {
			b.WriteString(lines[j])
		}
		if j == len(lines) {
			t.Fatalf("README: the code block after %s is not closed", lines[i])
		}
		blocks[m[1]] = append(blocks[m[1]], b.String())
		i = j
	}
	return blocks
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestREADMEConsumerSnippets: every snippet the README shows for a project of
// one's own is, byte for byte, the file of examples/consumer that
// .ci/consumer runs.
func TestREADMEConsumerSnippets(t *testing.T) {
	blocks := markedBlocks(t, readFile(t, "README.md"))
	for _, path := range consumerSnippets {
		want := readFile(t, path)
		got, ok := blocks[path]
		if !ok {
			t.Errorf("README shows no %s (a code block after <!-- file: %s -->)", path, path)
			continue
		}
		for _, g := range got {
			if g != want {
				t.Errorf("README's %s differs from the file:\n--- README\n%s--- file\n%s", path, g, want)
			}
		}
	}
	for path := range blocks {
		if !slices.Contains(consumerSnippets, path) {
			t.Errorf("README marks a block as %s, which this test does not check", path)
		}
	}
}

// goModVersions returns the module versions a go.mod requires.
func goModVersions(t *testing.T, path string) map[string]string {
	t.Helper()
	req := regexp.MustCompile(`^(?:require\s+)?([a-z0-9.\-]+\.[a-z]+/\S+)\s+(v\S+)`)
	versions := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(readFile(t, path)))
	for sc.Scan() {
		if m := req.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			versions[m[1]] = m[2]
		}
	}
	return versions
}

// TestConsumerToolPins: the README's `go get -tool` lines pin the plugins at
// the versions this repository generates its own code with
// (.ci/tools/go.mod), each plugin of .ci/tools/go.mod is among them, and
// protoc-gen-go-statusmap comes with the library, at its version.
func TestConsumerToolPins(t *testing.T) {
	pins := goModVersions(t, ".ci/tools/go.mod")
	line := regexp.MustCompile(`^go get -tool (\S+)@(\S+)`)
	got := map[string]string{}
	for _, l := range strings.Split(readFile(t, "examples/consumer/setup.sh"), "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			got[m[1]] = m[2]
		} else if strings.TrimSpace(l) != "" {
			t.Errorf("setup.sh: %q is not a go get -tool line", l)
		}
	}
	if v := got["github.com/statusmap/statusmap/cmd/protoc-gen-go-statusmap"]; v != "latest" {
		t.Errorf("setup.sh gets protoc-gen-go-statusmap@%s, want @latest (the library's version)", v)
	}
	delete(got, "github.com/statusmap/statusmap/cmd/protoc-gen-go-statusmap")

	tools := regexp.MustCompile(`(?m)^\t(\S+)$`).FindAllStringSubmatch(readFile(t, ".ci/tools/go.mod"), -1)
	if len(tools) == 0 {
		t.Fatal(".ci/tools/go.mod: no tool directives found")
	}
	for _, tool := range tools {
		pkg := tool[1]
		// The module of the tool: the longest required path that prefixes it.
		module := ""
		for m := range pins {
			if (pkg == m || strings.HasPrefix(pkg, m+"/")) && len(m) > len(module) {
				module = m
			}
		}
		if module == "" {
			t.Errorf(".ci/tools/go.mod: no requirement provides %s", pkg)
			continue
		}
		v, ok := got[pkg]
		if !ok {
			t.Errorf("setup.sh does not get %s", pkg)
			continue
		}
		if v != pins[module] {
			t.Errorf("setup.sh gets %s@%s; .ci/tools/go.mod pins %s %s", pkg, v, module, pins[module])
		}
		delete(got, pkg)
	}
	for pkg := range got {
		t.Errorf("setup.sh gets %s, which .ci/tools/go.mod does not pin", pkg)
	}
}

// TestREADMEPluginsRunOneWay: every Go protoc plugin in the README's
// buf.gen.yaml snippets runs as `go tool <plugin>`, through the user's own
// go.mod's tool directives, so that snippets followed together work (a
// -modfile in one and none in another gave "no such tool").
func TestREADMEPluginsRunOneWay(t *testing.T) {
	local := regexp.MustCompile(`^\s*(?:- )?local: (.*?)\s*(?:#.*)?$`)
	// The Go plugins; another language's (protoc-gen-es through npx) may run
	// its own way.
	plugin := regexp.MustCompile(`"(protoc-gen-(?:go|go-grpc|grpc-gateway|go-statusmap|openapiv2))"`)
	n := 0
	for i, l := range strings.Split(readFile(t, "README.md"), "\n") {
		m := local.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		p := plugin.FindStringSubmatch(m[1])
		if p == nil {
			continue
		}
		n++
		if want := `["go", "tool", "` + p[1] + `"]`; m[1] != want {
			t.Errorf("README.md:%d: %s runs as %s, want %s", i+1, p[1], m[1], want)
		}
	}
	if n < 5 {
		t.Errorf("found %d Go plugin lines in the README, want the consumer's 5 at least", n)
	}
}

// readmePackages are the Go packages whose names the README writes as
// pkg.Name, with their directories.
var readmePackages = map[string]string{
	"statusmap": "statusmap",
	"reason":    "statusmap/reason",
	"gateway":   "gateway",
}

// exportedNames returns the exported top-level names of the package in dir
// and the exported methods of its types, as go doc would list them.
func exportedNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	names := map[string]bool{}
	add := func(id *ast.Ident) {
		if id.IsExported() {
			names[id.Name] = true
		}
	}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				add(d.Name) // a function, or a method (Gateway.OpenAPI)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						add(s.Name)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add(n)
						}
					}
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s: no exported names", dir)
	}
	return names
}

// TestREADMENamesExist: every Go name the README gives as statusmap.X,
// reason.X or gateway.X (in Go code blocks and in inline code), and every
// name in the rows of the package table for those packages, is one the
// package exports, so that a rename or a removal cannot leave the README
// telling users to call what is gone.
func TestREADMENamesExist(t *testing.T) {
	exported := map[string]map[string]bool{}
	for pkg, dir := range readmePackages {
		exported[pkg] = exportedNames(t, filepath.FromSlash(dir))
	}
	qualified := regexp.MustCompile(`\b(statusmap|reason|gateway)\.([A-Z][A-Za-z0-9_]*)`)
	inline := regexp.MustCompile("`[^`]+`")
	ident := regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)
	tableRow := regexp.MustCompile("^\\| `(statusmap|statusmap/reason|gateway)` \\|")
	check := func(line int, pkg, name string) {
		if !exported[pkg][name] {
			t.Errorf("README.md:%d: %s.%s is not an exported name of package %s", line, pkg, name, readmePackages[pkg])
		}
	}
	fence, rows := "", 0
	for i, l := range strings.Split(readFile(t, "README.md"), "\n") {
		if strings.HasPrefix(l, "```") {
			if fence == "" {
				fence = strings.TrimPrefix(l, "```") + " " // "go ", "json ", " "
			} else {
				fence = ""
			}
			continue
		}
		var code []string
		switch {
		case fence == "go ":
			code = []string{l}
		case fence != "":
			continue // JSON, YAML, shell, another language: not Go names
		default:
			code = inline.FindAllString(l, -1)
		}
		for _, c := range code {
			for _, m := range qualified.FindAllStringSubmatch(c, -1) {
				check(i+1, m[1], m[2])
			}
		}
		if m := tableRow.FindStringSubmatch(l); m != nil && fence == "" {
			rows++
			pkg := m[1]
			if pkg == "statusmap/reason" {
				pkg = "reason"
			}
			for _, c := range inline.FindAllString(l[len(m[0]):], -1) {
				if name := strings.Trim(c, "`"); ident.MatchString(name) {
					check(i+1, pkg, name)
				}
			}
		}
	}
	if rows != len(readmePackages) {
		t.Errorf("README.md: found %d package table rows for %v; want one each", rows, readmePackages)
	}
}
