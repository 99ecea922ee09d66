package main

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

// hostileFile is the path of the file hostileCatalog builds.
const hostileFile = "hostile/v1/hostile.proto"

// The imports of every hostile file, built once (protogen does not change
// the request).
var (
	descriptorProto = protodesc.ToFileDescriptorProto(descriptorpb.File_google_protobuf_descriptor_proto)
	optionsProto    = protodesc.ToFileDescriptorProto(statusmapv1.File_statusmap_v1_options_proto)
)

// hostileCatalog is a catalog as a compiler would hand it to the plugin,
// built field by field so that it can hold what no .proto file could
// (a NUL in a comment, a domain that is not UTF-8), with source positions
// and comments like a compiler's.
type hostileCatalog struct {
	domain       string
	enum         string   // "BoomError" when empty
	values       []string // the values after the zero value; BOOM_ERROR_BOOM when empty
	enumComment  string
	valueComment string   // the first error's leading comment
	status       int32    // the first error's http_status, when not 0
	code         int32    // the first error's grpc_code, when not 0
	messages     []string // top-level messages, beside the enum
	path         string   // the file's path; hostileFile when empty
}

// request returns the CodeGeneratorRequest for the catalog: the file, with
// statusmap/v1/options.proto and descriptor.proto as imports.
func (h hostileCatalog) request() *pluginpb.CodeGeneratorRequest {
	enumName := h.enum
	if enumName == "" {
		enumName = "BoomError"
	}
	values := h.values
	if len(values) == 0 {
		values = []string{"BOOM_ERROR_BOOM"}
	}
	// The options as a compiler writes them: fields of EnumOptions that the
	// plugin's descriptor.proto does not know, read back by number.
	enumOpts := new(descriptorpb.EnumOptions)
	var raw []byte
	raw = protowire.AppendTag(raw, 50601, protowire.BytesType)
	raw = protowire.AppendString(raw, h.domain)
	raw = protowire.AppendTag(raw, 50602, protowire.VarintType)
	raw = protowire.AppendVarint(raw, 400)
	enumOpts.ProtoReflect().SetUnknown(raw)

	enum := &descriptorpb.EnumDescriptorProto{
		Name:    proto.String(enumName),
		Options: enumOpts,
		Value: []*descriptorpb.EnumValueDescriptorProto{
			{Name: proto.String(enumValuePrefix(enumName) + "UNSPECIFIED"), Number: proto.Int32(0)},
		},
	}
	info := &descriptorpb.SourceCodeInfo{}
	loc := func(path []int32, line int32, leading string) {
		l := &descriptorpb.SourceCodeInfo_Location{Path: path, Span: []int32{line, 0, 1}}
		if leading != "" {
			l.LeadingComments = proto.String(leading)
		}
		info.Location = append(info.Location, l)
	}
	loc([]int32{5, 0}, 9, h.enumComment)
	loc([]int32{5, 0, 2, 0}, 12, "")
	for i, v := range values {
		value := &descriptorpb.EnumValueDescriptorProto{Name: proto.String(v), Number: proto.Int32(int32(i + 1))}
		if i == 0 && (h.status != 0 || h.code != 0) {
			var raw []byte
			if h.status != 0 {
				raw = protowire.AppendTag(raw, 50603, protowire.VarintType)
				raw = protowire.AppendVarint(raw, uint64(int64(h.status)))
			}
			if h.code != 0 {
				raw = protowire.AppendTag(raw, 50604, protowire.VarintType)
				raw = protowire.AppendVarint(raw, uint64(int64(h.code)))
			}
			value.Options = new(descriptorpb.EnumValueOptions)
			value.Options.ProtoReflect().SetUnknown(raw)
		}
		enum.Value = append(enum.Value, value)
		comment := ""
		if i == 0 {
			comment = h.valueComment
		}
		loc([]int32{5, 0, 2, int32(i + 1)}, int32(13+i), comment)
	}
	path := cmp.Or(h.path, hostileFile)
	file := &descriptorpb.FileDescriptorProto{
		Name:       proto.String(path),
		Package:    proto.String("hostile.v1"),
		Dependency: []string{"statusmap/v1/options.proto"},
		Syntax:     proto.String("proto3"),
		Options:    &descriptorpb.FileOptions{GoPackage: proto.String("example.com/hostile/v1;hostilev1")},
		EnumType:   []*descriptorpb.EnumDescriptorProto{enum},
	}
	for i, m := range h.messages {
		file.MessageType = append(file.MessageType, &descriptorpb.DescriptorProto{Name: proto.String(m)})
		loc([]int32{4, int32(i)}, int32(100+i), "")
	}
	file.SourceCodeInfo = info
	return &pluginpb.CodeGeneratorRequest{
		FileToGenerate: []string{path},
		Parameter:      proto.String("paths=source_relative,Mstatusmap/v1/options.proto=github.com/statusmap/statusmap/proto/statusmap/v1;statusmapv1"),
		ProtoFile:      []*descriptorpb.FileDescriptorProto{descriptorProto, optionsProto, file},
	}
}

// generateHostile runs the plugin on the catalog. It returns the generated
// source, or the plugin's error, and the declarations the source must hold
// exactly; ok is false when protogen itself refuses the request (names
// that are not proto identifiers, which a compiler never sends).
func generateHostile(t testing.TB, h hostileCatalog) (src, pluginErr string, want []string, ok bool) {
	t.Helper()
	gen, err := protogen.Options{}.New(h.request())
	if err != nil {
		return "", "", nil, false
	}
	if err := run(gen); err != nil {
		gen.Error(err)
	}
	resp := gen.Response()
	if resp.GetError() != "" {
		if len(resp.GetFile()) != 0 {
			t.Errorf("error %q with %d files", resp.GetError(), len(resp.GetFile()))
		}
		return "", resp.GetError(), nil, true
	}
	if len(resp.GetFile()) != 1 {
		t.Fatalf("%d files; want 1", len(resp.GetFile()))
	}
	for _, f := range gen.Files {
		if !f.Generate {
			continue
		}
		enum := f.Enums[0]
		want = append(want, enum.GoIdent.GoName+"Domain")
		prefix := enumValuePrefix(string(enum.Desc.Name()))
		for _, v := range enum.Values[1:] {
			n := camelCase(strings.TrimPrefix(string(v.Desc.Name()), prefix))
			want = append(want, "Reason"+n, "Error"+n, "Is"+n)
		}
	}
	return resp.GetFile()[0].GetContent(), "", want, true
}

// safeComment is a comment line that no Go tool reads as more than a
// comment (//go:generate, //go:build, //line, //export are directives) and
// that hides nothing from a reader: it starts "// " or "//\t", or is "//"
// alone, and holds no control character (but the tab), no line or
// paragraph separator, no bidirectional control or zero width character.
var safeComment = regexp.MustCompile(`^//([ \t][^\x00-\x08\x0a-\x1f\x7f-\x{9f}\x{200b}-\x{200f}\x{2028}-\x{202e}\x{2060}-\x{206f}\x{feff}]*)?$`)

// checkGenerated parses the generated source and fails unless it is exactly
// what a catalog generates: one import (reason), constants whose values
// are string literals, functions of one return statement calling
// reason.Errorf, reason.CodeErrorf or reason.Has, with the names in want and
// no others (no init, no var, no type, no method); every comment a plain
// line comment that no tool reads as a directive; and outside comments
// only the identifiers and literals the plugin writes.
func checkGenerated(src string, want []string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("does not parse: %v", err)
	}
	var got []string
	strs := map[string]bool{}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			switch d.Tok {
			case token.IMPORT:
				// reason, and grpc-go's codes for a grpc_code.
				for _, spec := range d.Specs {
					path, _ := strconv.Unquote(spec.(*ast.ImportSpec).Path.Value)
					if path != string(reasonPackage) && path != string(codesPackage) {
						return fmt.Errorf("imports %s", path)
					}
					strs[path] = true
				}
			case token.CONST:
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					if len(vs.Names) != 1 || len(vs.Values) != 1 {
						return fmt.Errorf("const spec with %d names, %d values", len(vs.Names), len(vs.Values))
					}
					lit, ok := vs.Values[0].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return fmt.Errorf("const %s is not a string literal", vs.Names[0].Name)
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						return err
					}
					strs[v] = true
					got = append(got, vs.Names[0].Name)
				}
			default:
				return fmt.Errorf("unexpected %s declaration", d.Tok)
			}
		case *ast.FuncDecl:
			if d.Recv != nil || len(d.Body.List) != 1 {
				return fmt.Errorf("func %s: a method, or not one statement", d.Name.Name)
			}
			ret, ok := d.Body.List[0].(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 1 {
				return fmt.Errorf("func %s does not return one value", d.Name.Name)
			}
			call, ok := ret.Results[0].(*ast.CallExpr)
			sel, _ := call.Fun.(*ast.SelectorExpr)
			if !ok || sel == nil || fmt.Sprint(sel.X) != "reason" ||
				(sel.Sel.Name != "Errorf" && sel.Sel.Name != "CodeErrorf" && sel.Sel.Name != "Has") {
				return fmt.Errorf("func %s does not return a call of reason", d.Name.Name)
			}
			if sel.Sel.Name == "CodeErrorf" {
				// Its first argument is a constant of package codes.
				code, _ := call.Args[0].(*ast.SelectorExpr)
				if code == nil || fmt.Sprint(code.X) != "codes" {
					return fmt.Errorf("func %s: CodeErrorf without a codes constant", d.Name.Name)
				}
			}
			got = append(got, d.Name.Name)
		default:
			return fmt.Errorf("unexpected declaration %T", decl)
		}
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		return fmt.Errorf("declares %q; want %q", got, want)
	}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if !safeComment.MatchString(c.Text) {
				return fmt.Errorf("comment %q is not a plain line comment", c.Text)
			}
			// Spaces before them or not, "+build" lines are build
			// constraints above the package clause and go vet failures
			// below it; above it, a tool may read "go:" and "line "
			// lines as directives too.
			text := strings.TrimLeft(strings.TrimPrefix(c.Text, "//"), " \t")
			// go vet reports "+build" anywhere in a header line.
			if strings.HasPrefix(text, "+build") || c.Pos() < f.Package &&
				(strings.HasPrefix(text, "go:") || strings.HasPrefix(text, "line ") || strings.Contains(text, "+build")) {
				return fmt.Errorf("comment %q may be read as a directive", c.Text)
			}
		}
	}
	// The header is two lines: the "Code generated" line that tools look
	// for, and the source, on one line.
	if len(f.Comments) == 0 || f.Comments[0].Pos() > f.Package || len(f.Comments[0].List) != 2 ||
		f.Comments[0].List[0].Text != "// Code generated by protoc-gen-go-statusmap. DO NOT EDIT." ||
		!strings.HasPrefix(f.Comments[0].List[1].Text, "// source: ") {
		return fmt.Errorf("the header is not the two lines expected")
	}
	for _, g := range f.Comments[1:] {
		if g.Pos() < f.Package {
			return fmt.Errorf("comment %q above the package clause", g.Text())
		}
	}

	// Outside comments, every identifier and literal is one the plugin
	// writes: nothing from the .proto is code.
	idents := map[string]bool{f.Name.Name: true, "reason": true, "Errorf": true, "CodeErrorf": true, "Has": true, "codes": true,
		"format": true, "args": true, "string": true, "any": true, "err": true, "error": true, "bool": true}
	for _, n := range got {
		idents[n] = true
	}
	for c := grpcCode(1); c <= maxGRPCCode; c++ {
		idents[c.goName()] = true
	}
	var s scanner.Scanner
	file := fset.AddFile("x.go", -1, len(src))
	var scanErr error
	s.Init(file, []byte(src), func(pos token.Position, msg string) { scanErr = fmt.Errorf("%s: %s", pos, msg) }, 0)
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch {
		case tok == token.IDENT && !idents[lit]:
			return fmt.Errorf("identifier %q outside comments", lit)
		case tok == token.STRING:
			if v, err := strconv.Unquote(lit); err != nil || !strs[v] {
				return fmt.Errorf("string %s outside comments", lit)
			}
		case tok == token.INT:
			if n, err := strconv.Atoi(lit); err != nil || n < 400 || n > 599 {
				return fmt.Errorf("number %s", lit)
			}
		case tok == token.FLOAT || tok == token.IMAG || tok == token.CHAR:
			return fmt.Errorf("literal %s", lit)
		}
	}
	return scanErr
}

// hostileDomains are domains that must be refused, each with file and line.
var hostileDomains = []string{
	"",
	"evil.example.com\nfunc init() { panic(\"pwned\") }\n//",
	"evil.example.com\r\nvar X = 1",
	"evil.example.com */ func init() {} /*",
	`evil.example.com"; func init() {}; const x = "`,
	`evil.example.com\`,
	"evil.example.com\u2028func init() {}",
	"evil.example.com\u2029x",
	"evil.example.com\u0085x",
	"evil.example.com\x00",
	"evil\texample.com",
	" library.example.com",
	"library example.com",
	"library..example.com",
	".example.com",
	"-library.example.com",
	"library.example.com.",
	"bücher.example.com",
	"evil.example.com\xff",
	strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 62), // 254
	strings.Repeat("a", 64) + ".com",
}

// hostileComments are comments that must come out as comments, whole.
var hostileComments = []string{
	" Ends here.\nfunc init() { panic(\"pwned\") }\n",
	" */ func init() {} /*",
	"go:generate rm -rf /tmp/pwned",
	"line evil.go:1",
	" A\rfunc init() {}",
	" A\r\nfunc init() {}",
	" A\u2028func init() {}",
	" A\u2029func init() {}",
	" A\u0085func init() {}",
	" quotes \" and ` and backslashes \\ \\n and \\\"",
	" NUL \x00 ESC \x1b[31m DEL \x7f",
	" invalid UTF-8 \xff\xfe",
	" BOM \ufeff in the middle",
	" Trojan \u202e}{ \u2066source\u2069",
	" package main",
	"\n\n\n",
	"+build ignore",
	" A\n  +build ignore\n\t+build linux",
	" A\u2028+build ignore",
}

// TestHostileCatalogs runs the catalogs an attacker (or a typo) would write
// through the plugin: each one either fails with the file and line of the
// culprit, or generates code with exactly the expected declarations, which
// `go vet` then checks.
func TestHostileCatalogs(t *testing.T) {
	type generated struct {
		name, src string
	}
	var vet []generated
	check := func(name string, h hostileCatalog, wantErr string) {
		t.Helper()
		src, perr, want, ok := generateHostile(t, h)
		switch {
		case !ok:
			t.Errorf("%s: protogen refused the request", name)
		case wantErr != "":
			if !strings.Contains(perr, wantErr) {
				t.Errorf("%s: error %q; want one containing %q", name, perr, wantErr)
			}
			for _, line := range strings.Split(perr, "\n") {
				if !regexp.MustCompile(`^` + regexp.QuoteMeta(hostileFile) + `:\d+:\d+: `).MatchString(line) {
					t.Errorf("%s: error line %q has no file:line:column", name, line)
				}
			}
		case perr != "":
			t.Errorf("%s: error %q; want generated code", name, perr)
		default:
			if err := checkGenerated(src, want); err != nil {
				t.Errorf("%s: %v\n%s", name, err, src)
			}
			vet = append(vet, generated{name, src})
		}
	}

	for i, d := range hostileDomains {
		check(fmt.Sprintf("domain %d %q", i, d), hostileCatalog{domain: d}, hostileFile+":10:1: enum hostile.v1.BoomError: (statusmap.v1.domain) ")
	}
	// The longest plausible domain is a domain.
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61)
	check("domain of 253 characters", hostileCatalog{domain: long}, "")
	check("domain with digits and hyphens", hostileCatalog{domain: "api-v2.example-1.com"}, "")
	check("domain localhost", hostileCatalog{domain: "localhost"}, "")
	// The file's path is written in the "// source:" line.
	check("path with a newline", hostileCatalog{domain: "ok.example.com", path: "hostile/v1/x\nfunc init() {}\n.proto"}, "")
	// A build constraint in the header would drop the file from the build.
	for _, sep := range []string{"\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\x00", "\u202e"} {
		for _, line := range []string{"+build ignore", "go:build ignore", "go:generate rm -rf /tmp/pwned", "line evil.go:1"} {
			check(fmt.Sprintf("path with %q%q", sep, line), hostileCatalog{domain: "ok.example.com", path: "hostile/v1/x" + sep + line + sep + ".proto"}, "")
		}
	}
	check("path starting with a quote", hostileCatalog{domain: "ok.example.com", path: `"hostile/v1/x.proto`}, "")

	for i, c := range hostileComments {
		check(fmt.Sprintf("comments %d %q", i, c), hostileCatalog{domain: "ok.example.com", enumComment: c, valueComment: c}, "")
	}

	// Go keywords and predeclared names as proto names.
	check("keywords", hostileCatalog{domain: "ok.example.com", enum: "Var",
		values:   []string{"VAR_RETURN", "VAR_GO", "VAR_IMPORT", "VAR_PACKAGE", "VAR_NIL", "VAR_INIT", "VAR_FUNC"},
		messages: []string{"func", "init", "Type", "error", "go"}}, "")

	// Names that clash with a generated helper.
	check("message ErrorBoom", hostileCatalog{domain: "ok.example.com", messages: []string{"ErrorBoom"}},
		hostileFile+":14:1: Go name ErrorBoom, the constructor of hostile.v1.BOOM_ERROR_BOOM, is also message hostile.v1.ErrorBoom ("+hostileFile+":101:1)")
	check("message IsBoom", hostileCatalog{domain: "ok.example.com", messages: []string{"IsBoom"}},
		"Go name IsBoom, the test of hostile.v1.BOOM_ERROR_BOOM, is also message hostile.v1.IsBoom")
	check("message ReasonBoom", hostileCatalog{domain: "ok.example.com", messages: []string{"ReasonBoom"}},
		"Go name ReasonBoom, the reason constant of hostile.v1.BOOM_ERROR_BOOM, is also message hostile.v1.ReasonBoom")
	check("message BoomErrorDomain", hostileCatalog{domain: "ok.example.com", messages: []string{"BoomErrorDomain"}},
		hostileFile+":10:1: Go name BoomErrorDomain, the domain constant of catalog hostile.v1.BoomError, is also message hostile.v1.BoomErrorDomain ("+hostileFile+":101:1)")
	check("message ErrorDomain, enum Error", hostileCatalog{domain: "ok.example.com", enum: "Error", values: []string{"ERROR_BOOM"}, messages: []string{"ErrorDomain"}},
		"Go name ErrorDomain, the domain constant of catalog hostile.v1.Error, is also message hostile.v1.ErrorDomain")
	// Two helpers: the domain constant of enum ErrorX is the constructor
	// of its reason X_DOMAIN.
	check("helper against helper", hostileCatalog{domain: "ok.example.com", enum: "ErrorX", values: []string{"ERROR_X_X_DOMAIN"}},
		hostileFile+":14:1: Go name ErrorXDomain, the constructor of hostile.v1.ERROR_X_X_DOMAIN, is also the domain constant of catalog hostile.v1.ErrorX ("+hostileFile+":10:1)")

	vetGenerated(t, func(add func(path, src string)) {
		for i, g := range vet {
			add(fmt.Sprintf("hostile%d", i), g.src)
		}
	})
}

// vetGenerated runs `go vet` on generated files, each as a package of a
// module outside this one that requires this one through a replace: the
// generated code is compiled and vetted as a user's would be. It runs
// offline, with this module's go.sum, from the module cache. A file added
// under a name ending in _test.go is a test of its package, and then
// `go test` runs too.
func vetGenerated(t *testing.T, files func(add func(path, src string))) {
	t.Helper()
	if testing.Short() {
		t.Skip("go vet of generated code skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/generated\n\ngo 1.26\n\nrequire github.com/statusmap/statusmap v0.0.0\n\nreplace github.com/statusmap/statusmap => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(dir, "go.sum"))
	n, tests := 0, false
	files(func(name, src string) {
		if strings.HasSuffix(name, "_test.go") {
			tests = true
		} else {
			name = filepath.Join(name, "generated_statusmap.pb.go")
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	})
	if n == 0 {
		t.Fatal("nothing to vet")
	}
	commands := [][]string{{"vet", "./..."}}
	if tests {
		commands = append(commands, []string{"test", "-count=1", "./..."})
	}
	for _, args := range commands {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s of %d generated files: %v\n%s", strings.Join(args, " "), n, err, out)
		}
	}
}

// FuzzPlugin feeds the plugin catalogs with hostile names, domains,
// comments and file paths: it either refuses the catalog, each problem with the file,
// line and column, or generates code that parses, declares exactly the
// helpers of the catalog and nothing else, and whose comments are plain
// comments holding nothing a tool or a reader would take for more.
func FuzzPlugin(f *testing.F) {
	f.Add("library.example.com", "LibraryError", "LIBRARY_ERROR_SHELF_NOT_FOUND", " The catalog.\n", " No shelf.\n", "Shelf", int32(404), int32(0), "")
	f.Add("evil.example.com\nfunc init() {}\n//", "BoomError", "BOOM_ERROR_BOOM", "", "", "Book", int32(0), int32(0), "")
	f.Add("ok.example.com", "BoomError", "BOOM_ERROR_BOOM", "go:generate touch pwned", " A\u2028func init() {}", "ErrorBoom", int32(0), int32(0), "")
	f.Add("ok.example.com", "ErrorX", "ERROR_X_X_DOMAIN", " */ func init() {} /*", " \x00\xff\ufeff\u202e", "IsBoom", int32(0), int32(0), "")
	f.Add("ok.example.com", "BoomError", "BOOM_ERROR_EXISTS", "", "", "Book", int32(409), int32(6), "")
	f.Add("ok.example.com", "BoomError", "BOOM_ERROR_BOOM", "", "", "Book", int32(0), int32(0), "hostile/v1/x\n+build ignore\n.proto")
	f.Add("ok.example.com", "BoomError", "BOOM_ERROR_BOOM", "", "", "Book", int32(0), int32(0), "hostile/v1/x\u2028//go:build ignore.proto")
	f.Fuzz(func(t *testing.T, domain, enum, value, enumComment, valueComment, message string, status, code int32, path string) {
		h := hostileCatalog{domain: domain, enum: enum, values: []string{value},
			enumComment: enumComment, valueComment: valueComment, messages: []string{message},
			status: status, code: code, path: path}
		src, perr, want, ok := generateHostile(t, h)
		if !ok {
			return // not a request a compiler sends
		}
		if perr != "" {
			for _, line := range strings.Split(perr, "\n") {
				if !strings.HasPrefix(line, headerText(cmp.Or(path, hostileFile))+":") {
					t.Fatalf("error line %q does not start with the file", line)
				}
			}
			return
		}
		if err := checkGenerated(src, want); err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		// A grpc_code that got through is of the status's family.
		if code != 0 && !inFamily(grpcCode(code), cmp.Or(int(status), 400)) {
			t.Fatalf("grpc_code %d accepted for HTTP %d", code, status)
		}
	})
}

// TestHeaderText: the path in the header is one line, as is when plain,
// quoted (and still unquotable, to the path) otherwise.
func TestHeaderText(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"library/v1/library.proto", "library/v1/library.proto"},
		{"my protos/ünïcode.proto", "my protos/ünïcode.proto"},
		{"x\n+build ignore\n.proto", `"x\n\x2bbuild ignore\n.proto"`},
		{"a+build.proto", `"a\x2bbuild.proto"`},
		{"x\u2028go:build ignore.proto", `"x\u2028go:build ignore.proto"`},
		{"x\u0085\u2029\r\t\x00\u202e\xff.proto", `"x\u0085\u2029\r\t\x00\u202e\xff.proto"`},
		{`"quoted".proto`, `"\"quoted\".proto"`},
		{" ", `" "`},
		{" a.proto", `" a.proto"`},
		{"a.proto ", `"a.proto "`},
		{"", `""`},
	} {
		got := headerText(tc.path)
		if got != tc.want {
			t.Errorf("headerText(%q) = %s; want %s", tc.path, got, tc.want)
		}
		if got != tc.path {
			if p, err := strconv.Unquote(got); err != nil || p != tc.path {
				t.Errorf("headerText(%q) = %s unquotes to %q, %v", tc.path, got, p, err)
			}
		}
	}
}
