package main

import (
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/statusmap/statusmap/internal/wire"
)

// catalog is an enum with the domain option.
type catalog struct {
	enum   *protogen.Enum
	domain string
	errors []*catalogError
}

// catalogError is one value of a catalog other than its zero value.
type catalogError struct {
	value      *protogen.EnumValue
	reason     string // e.g. BOOK_NOT_FOUND
	goName     string // e.g. BookNotFound
	httpStatus int
	code       grpcCode // from grpc_code; 0 (OK) when the value has none
}

// reportFunc records a problem of a catalog at a descriptor's position.
type reportFunc func(f *protogen.File, d protoreflect.Descriptor, format string, args ...any)

// readCatalogs returns the catalogs of the files to generate, by file, and
// every problem found (clashes with the catalogs of imported files of the
// same Go package included), each as "file:line:column: message", all at once so
// that a catalog of a hundred errors is fixed in one round.
func readCatalogs(gen *protogen.Plugin) (map[*protogen.File][]*catalog, error) {
	o, err := newOptions(gen)
	if err != nil || o == nil {
		return nil, err
	}
	r := newCatalogReader(gen, o)
	files := filesToRead(gen)
	for _, f := range files {
		r.readFile(f)
	}
	r.checkOutputNames(files)
	if len(r.problems) > 0 {
		return nil, errors.New(strings.Join(r.problems, "\n"))
	}
	return r.byFile, nil
}

// declared is an enum value that declared a name or a reason first.
type declared struct {
	file  *protogen.File
	value *protogen.EnumValue
}

// catalogReader is readCatalogs' state across the request's files: the
// Go names of each Go package, and the (domain, reason) pairs of the whole
// request, either of which declared twice is an error.
type catalogReader struct {
	gen       *protogen.Plugin
	o         *options
	problems  []string
	byFile    map[*protogen.File][]*catalog
	packages  map[protogen.GoImportPath]*goNames
	goNamesOf map[protogen.GoImportPath]map[string]declared
	reasons   map[[2]string]declared
}

func newCatalogReader(gen *protogen.Plugin, o *options) *catalogReader {
	return &catalogReader{
		gen:       gen,
		o:         o,
		byFile:    make(map[*protogen.File][]*catalog),
		packages:  make(map[protogen.GoImportPath]*goNames),
		goNamesOf: make(map[protogen.GoImportPath]map[string]declared),
		reasons:   make(map[[2]string]declared),
	}
}

// filesToRead are the files of the Go packages generated in this run,
// imported ones first: their helpers are generated in another run (protoc
// runs the plugin once per file), but into the same Go package, so their
// names are taken.
func filesToRead(gen *protogen.Plugin) []*protogen.File {
	generated := make(map[protogen.GoImportPath]bool)
	for _, f := range gen.Files {
		if f.Generate {
			generated[f.GoImportPath] = true
		}
	}
	var files []*protogen.File
	for _, f := range gen.Files {
		if !f.Generate && generated[f.GoImportPath] {
			files = append(files, f)
		}
	}
	for _, f := range gen.Files {
		if f.Generate {
			files = append(files, f)
		}
	}
	return files
}

// reporter is where the problems of f go. An imported file's own problems
// are its own, reported when it is generated: here it only claims names.
func (r *catalogReader) reporter(f *protogen.File) reportFunc {
	if !f.Generate {
		return func(*protogen.File, protoreflect.Descriptor, string, ...any) {}
	}
	return r.report
}

// report records a problem, "file:line:column: message".
func (r *catalogReader) report(f *protogen.File, d protoreflect.Descriptor, format string, args ...any) {
	r.problems = append(r.problems, position(f, d)+": "+fmt.Sprintf(format, args...))
}

// readFile reads the catalogs of f and claims their names.
func (r *catalogReader) readFile(f *protogen.File) {
	report := r.reporter(f)
	for _, enum := range allEnums(f) {
		c := r.o.readCatalog(f, enum, report)
		if c == nil {
			continue
		}
		if f.Generate {
			r.byFile[f] = append(r.byFile[f], c)
		}
		r.claimNames(f, c, report)
	}
}

// claimNames claims the Go names of catalog c in its Go package, and the
// reasons of its errors in its domain.
func (r *catalogReader) claimNames(f *protogen.File, c *catalog, report reportFunc) {
	pkg := r.packages[f.GoImportPath]
	if pkg == nil {
		pkg = newGoNames(r.gen, f.GoImportPath)
		r.packages[f.GoImportPath] = pkg
		r.goNamesOf[f.GoImportPath] = make(map[string]declared)
	}
	if msg := pkg.claim(c.domainConst(), "the domain constant of catalog "+string(c.enum.Desc.FullName()), position(f, c.enum.Desc)); msg != "" {
		report(f, c.enum.Desc, "%s", msg)
	}
	for _, e := range c.errors {
		r.claimError(f, pkg, c, e, report)
	}
}

// claimError claims error e's reason in its domain and its helpers' Go
// names in pkg; it reports the first that is taken, since one problem per
// error is enough to rename it.
func (r *catalogReader) claimError(f *protogen.File, pkg *goNames, c *catalog, e *catalogError, report reportFunc) {
	here := declared{f, e.value}
	key := [2]string{c.domain, e.reason}
	if prev, ok := r.reasons[key]; ok {
		report(f, e.value.Desc, "duplicate reason %s in domain %q: %s already declares it (%s)",
			e.reason, c.domain, prev.value.Desc.FullName(), position(prev.file, prev.value.Desc))
		return
	}
	r.reasons[key] = here
	names := r.goNamesOf[f.GoImportPath]
	if prev, ok := names[e.goName]; ok {
		report(f, e.value.Desc, "reason %s gives the Go names Error%s and Is%s, which %s (%s) already gives in package %s",
			e.reason, e.goName, e.goName, prev.value.Desc.FullName(), position(prev.file, prev.value.Desc), f.GoImportPath)
		return
	}
	names[e.goName] = here
	pos, value := position(f, e.value.Desc), e.value.Desc.FullName()
	for _, h := range []struct{ name, what string }{
		{e.reasonConst(), "the reason constant of "},
		{e.constructor(), "the constructor of "},
		{e.test(), "the test of "},
	} {
		if msg := pkg.claim(h.name, h.what+string(value), pos); msg != "" {
			report(f, e.value.Desc, "%s", msg)
			return
		}
	}
}

// checkOutputNames reports a file whose helpers would go where
// protoc-gen-go writes another file's code: it writes x_statusmap.pb.go for
// x_statusmap.proto, the name of the helpers of x.proto, and one would
// overwrite the other.
func (r *catalogReader) checkOutputNames(files []*protogen.File) {
	pbGo := make(map[string]*protogen.File)
	for _, f := range r.gen.Files {
		pbGo[f.GeneratedFilenamePrefix+".pb.go"] = f
	}
	for _, f := range files {
		if cs := r.byFile[f]; len(cs) > 0 {
			name := outputName(f)
			if other := pbGo[name]; other != nil {
				r.report(f, cs[0].enum.Desc, "the helpers of %s go to %s, which protoc-gen-go writes for %s: rename one of the files",
					headerText(f.Desc.Path()), headerText(name), headerText(other.Desc.Path()))
			}
		}
	}
}

// outputName is the file the plugin writes for f, beside protoc-gen-go's
// <file>.pb.go.
func outputName(f *protogen.File) string { return f.GeneratedFilenamePrefix + "_statusmap.pb.go" }

// valueOptions are the statusmap options of one enum value.
type valueOptions struct {
	status    int
	hasStatus bool
	code      grpcCode
	hasCode   bool
}

// defaultStatus is a catalog's default_http_status, when it has one.
type defaultStatus struct {
	status int
	ok     bool
}

// readCatalog returns the catalog that enum declares, or nil when it is not
// one or its domain cannot be read. Problems, those of options that do not
// parse included, go to report.
func (o *options) readCatalog(f *protogen.File, enum *protogen.Enum, report reportFunc) *catalog {
	read := o.reader(f, report)
	enumOpts := enum.Desc.Options()
	domain, hasDomain, err := o.read(enumOpts, o.domain)
	if err != nil {
		report(f, enum.Desc, "enum %s: (%s) is not a domain name: %v", enum.Desc.FullName(), domainOption, err)
		return nil
	}
	def, hasDefault := read(enum.Desc, enumOpts, o.defaultHTTPStatus)
	values, anyValueOption := o.readValues(enum, read)
	if !hasDomain {
		if hasDefault || anyValueOption {
			report(f, enum.Desc, "enum %s has statusmap options but no (%s): a catalog needs its error domain, such as \"library.example.com\"",
				enum.Desc.FullName(), domainOption)
		}
		return nil
	}
	c := &catalog{enum: enum, domain: domain.String()}
	if !validDomain(c.domain) {
		report(f, enum.Desc, "enum %s: (%s) %q is not a domain name: by AIP-193 it is a service name such as \"library.example.com\" (letters, digits, '-' and '.', at most %d characters)",
			enum.Desc.FullName(), domainOption, c.domain, maxDomainLen)
	}
	var dflt defaultStatus
	if hasDefault {
		dflt = defaultStatus{int(def.Int()), true}
		if !wire.IsErrorStatus(dflt.status) {
			report(f, enum.Desc, "enum %s: (%s) %d is not an error status (400 to 599)", enum.Desc.FullName(), defaultHTTPStatusOption, dflt.status)
		}
	}
	prefix := enumValuePrefix(string(enum.Desc.Name()))
	for i, v := range enum.Values {
		if v.Desc.Number() == 0 {
			checkZeroValue(f, v, values[i], report)
			continue
		}
		if e := readError(f, enum, v, prefix, values[i], dflt, report); e != nil {
			c.errors = append(c.errors, e)
		}
	}
	return c
}

// reader reads an option, reporting one that does not parse (a proto3
// string that is not UTF-8) as a problem of the catalog, at its place.
func (o *options) reader(f *protogen.File, report reportFunc) func(protoreflect.Descriptor, proto.Message, protoreflect.ExtensionType) (protoreflect.Value, bool) {
	return func(d protoreflect.Descriptor, opts proto.Message, xt protoreflect.ExtensionType) (protoreflect.Value, bool) {
		v, ok, err := o.read(opts, xt)
		if err != nil {
			report(f, d, "%s: (%s) does not parse: %v", d.FullName(), xt.TypeDescriptor().FullName(), err)
			return protoreflect.Value{}, false
		}
		return v, ok
	}
}

// readValues reads the options of every value of enum, and whether any
// value has one: all of them before the domain is checked, so that an enum
// without a domain but with value options is reported.
func (o *options) readValues(enum *protogen.Enum, read func(protoreflect.Descriptor, proto.Message, protoreflect.ExtensionType) (protoreflect.Value, bool)) ([]valueOptions, bool) {
	values := make([]valueOptions, len(enum.Values))
	anyOption := false
	for i, v := range enum.Values {
		if s, ok := read(v.Desc, v.Desc.Options(), o.httpStatus); ok {
			values[i].status, values[i].hasStatus, anyOption = int(s.Int()), true, true
		}
		if o.grpcCode != nil {
			if c, ok := read(v.Desc, v.Desc.Options(), o.grpcCode); ok {
				values[i].code, values[i].hasCode, anyOption = grpcCode(c.Enum()), true, true
			}
		}
	}
	return values, anyOption
}

// allEnums returns the file's enums, those nested in messages included, in
// the order they are declared.
func allEnums(f *protogen.File) []*protogen.Enum {
	enums := append([]*protogen.Enum(nil), f.Enums...)
	var walk func([]*protogen.Message)
	walk = func(msgs []*protogen.Message) {
		for _, m := range msgs {
			enums = append(enums, m.Enums...)
			walk(m.Messages)
		}
	}
	walk(f.Messages)
	return enums
}

// position is a descriptor's place in its .proto file, "file:line:column",
// 1-based as compilers print it. Without source info it is the file and
// the descriptor's full name. A path that is not plain text is quoted
// (headerText), so that every problem stays on a line of its own.
func position(f *protogen.File, d protoreflect.Descriptor) string {
	path := headerText(f.Desc.Path())
	loc := f.Desc.SourceLocations().ByDescriptor(d)
	if loc.Path == nil {
		return fmt.Sprintf("%s (%s)", path, d.FullName())
	}
	return fmt.Sprintf("%s:%d:%d", path, loc.StartLine+1, loc.StartColumn+1)
}
