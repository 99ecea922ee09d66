package main

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// goNames is the top-level Go names of one Go package: those the other
// plugins declare for the request's files of that package, then the
// plugin's own as readCatalogs claims them. A name declared twice does not
// compile; the plugin finds it at generation time and names both
// declarations, instead of leaving the user a compiler error in generated
// code.
//
// Only the request's files are known: a file of the same Go package
// generated in another run (or hand-written Go) can still clash.
type goNames struct {
	path  protogen.GoImportPath
	names map[string]goDecl
}

// goDecl is what declares a name, and where.
type goDecl struct {
	what string // "message library.v1.ErrorBoom"
	pos  string // "library.proto:12:1"
}

// newGoNames returns the names that protoc-gen-go, protoc-gen-go-grpc and
// protoc-gen-grpc-gateway declare in the Go package path for the request's
// files (those generated in this run and those only imported alike).
func newGoNames(gen *protogen.Plugin, path protogen.GoImportPath) *goNames {
	p := &goNames{path: path, names: make(map[string]goDecl)}
	for _, f := range gen.Files {
		if f.GoImportPath == path {
			p.addFile(f)
		}
	}
	return p
}

// add records a name of another plugin. Clashes among those are theirs to
// report, so the first declaration is kept.
func (p *goNames) add(f *protogen.File, d protoreflect.Descriptor, name, what string) {
	if _, ok := p.names[name]; !ok {
		p.names[name] = goDecl{what, position(f, d)}
	}
}

// claim records a name the plugin generates. When the name is taken it
// returns a problem naming both declarations, and "" otherwise.
func (p *goNames) claim(name, what, pos string) string {
	if prev, ok := p.names[name]; ok {
		return fmt.Sprintf("Go name %s, %s, is also %s (%s) in Go package %s: rename one of them",
			name, what, prev.what, prev.pos, p.path)
	}
	p.names[name] = goDecl{what, pos}
	return ""
}

func (p *goNames) addFile(f *protogen.File) {
	p.add(f, f.Desc, f.GoDescriptorIdent.GoName, "the file descriptor variable of "+headerText(f.Desc.Path()))
	for _, e := range f.Enums {
		p.addEnum(f, e)
	}
	for _, m := range f.Messages {
		p.addMessage(f, m)
	}
	// protoc-gen-go declares an extension as the variable E_<GoName>.
	for _, x := range f.Extensions {
		p.add(f, x.Desc, "E_"+x.GoIdent.GoName, "extension "+string(x.Desc.FullName()))
	}
	for _, s := range f.Services {
		p.addService(f, s)
	}
}

// addEnum adds protoc-gen-go's names of an enum: its type, its values and
// its two maps.
func (p *goNames) addEnum(f *protogen.File, e *protogen.Enum) {
	name, full := e.GoIdent.GoName, string(e.Desc.FullName())
	p.add(f, e.Desc, name, "enum "+full)
	p.add(f, e.Desc, name+"_name", "the name map of enum "+full)
	p.add(f, e.Desc, name+"_value", "the value map of enum "+full)
	for _, v := range e.Values {
		p.add(f, v.Desc, v.GoIdent.GoName, "enum value "+string(v.Desc.FullName()))
	}
}

// addMessage adds protoc-gen-go's names of a message and what it nests:
// its type, oneof wrapper types, constants of proto2 defaults, nested
// enums, messages and extensions.
func (p *goNames) addMessage(f *protogen.File, m *protogen.Message) {
	full := string(m.Desc.FullName())
	p.add(f, m.Desc, m.GoIdent.GoName, "message "+full)
	for _, fd := range m.Fields {
		if fd.Oneof != nil && !fd.Oneof.Desc.IsSynthetic() {
			p.add(f, fd.Desc, fd.GoIdent.GoName, "the oneof wrapper type of field "+string(fd.Desc.FullName()))
		}
		if fd.Desc.HasDefault() {
			p.add(f, fd.Desc, "Default_"+m.GoIdent.GoName+"_"+fd.GoName, "the default of field "+string(fd.Desc.FullName()))
		}
	}
	for _, e := range m.Enums {
		p.addEnum(f, e)
	}
	for _, n := range m.Messages {
		if !n.Desc.IsMapEntry() {
			p.addMessage(f, n)
		}
	}
	for _, x := range m.Extensions {
		p.add(f, x.Desc, "E_"+x.GoIdent.GoName, "extension "+string(x.Desc.FullName()))
	}
}

// addService adds the names protoc-gen-go-grpc and protoc-gen-grpc-gateway
// declare for a service, should the user run them too.
func (p *goNames) addService(f *protogen.File, s *protogen.Service) {
	full, n := string(s.Desc.FullName()), s.GoName
	for _, name := range []string{
		n + "Client", n + "Server", "New" + n + "Client", "Register" + n + "Server",
		"Unimplemented" + n + "Server", "Unsafe" + n + "Server", n + "_ServiceDesc",
		"Register" + n + "HandlerServer", "Register" + n + "HandlerFromEndpoint",
		"Register" + n + "Handler", "Register" + n + "HandlerClient",
	} {
		p.add(f, s.Desc, name, "a gRPC declaration of service "+full)
	}
	for _, m := range s.Methods {
		what := "a gRPC declaration of method " + string(m.Desc.FullName())
		p.add(f, m.Desc, n+"_"+m.GoName+"_FullMethodName", what)
		if m.Desc.IsStreamingClient() || m.Desc.IsStreamingServer() {
			p.add(f, m.Desc, n+"_"+m.GoName+"Client", what)
			p.add(f, m.Desc, n+"_"+m.GoName+"Server", what)
		}
	}
}

// The Go names the plugin declares, every one at the top level of the
// catalog's Go package: readCatalogs checks them against each other and
// against protoc-gen-go's names, generateCatalog writes them.

// domainConst is the catalog's domain constant, LibraryErrorDomain.
func (c *catalog) domainConst() string { return c.enum.GoIdent.GoName + "Domain" }

// reasonConst is the error's reason constant, ReasonBookNotFound.
func (e *catalogError) reasonConst() string { return "Reason" + e.goName }

// constructor is the error's constructor, ErrorBookNotFound.
func (e *catalogError) constructor() string { return "Error" + e.goName }

// test is the error's test, IsBookNotFound.
func (e *catalogError) test() string { return "Is" + e.goName }

// enumValuePrefix is the prefix buf's ENUM_VALUE_PREFIX lint rule asks
// enum values to have: the enum's name in UPPER_SNAKE_CASE and "_"
// (LibraryError: LIBRARY_ERROR_).
func enumValuePrefix(enumName string) string {
	var b strings.Builder
	for i, r := range enumName {
		if i > 0 && isUpper(r) && (!isUpper(rune(enumName[i-1])) || i+1 < len(enumName) && isLower(rune(enumName[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToUpper(string(r)))
	}
	return b.String() + "_"
}

func isUpper(r rune) bool { return r >= 'A' && r <= 'Z' }
func isLower(r rune) bool { return r >= 'a' && r <= 'z' }

// camelCase turns a reason into the Go name of its helpers:
// BOOK_NOT_FOUND is BookNotFound, HTTP2_RESET is Http2Reset.
func camelCase(reason string) string {
	var b strings.Builder
	for word := range strings.SplitSeq(reason, "_") {
		if word == "" {
			continue
		}
		b.WriteString(word[:1])
		b.WriteString(strings.ToLower(word[1:]))
	}
	return b.String()
}
