package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/statusmap/statusmap/internal/wire"
)

// The full names of the options in proto/statusmap/v1/options.proto.
const (
	domainOption            = "statusmap.v1.domain"
	defaultHTTPStatusOption = "statusmap.v1.default_http_status"
	httpStatusOption        = "statusmap.v1.http_status"
	grpcCodeOption          = "statusmap.v1.grpc_code"
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

// options reads the statusmap options of descriptors.
//
// The plugin deliberately does not link the Go code generated from
// options.proto: it finds the extensions in the request's own descriptors,
// by full name. So it builds even while the generated code is deleted and
// regenerated (.ci/proto-check does exactly that, in the same buf run), and
// it reads what the .proto being compiled declares, whatever version of
// statusmap this binary was built from.
type options struct {
	types             *protoregistry.Types
	domain            protoreflect.ExtensionType
	defaultHTTPStatus protoreflect.ExtensionType
	httpStatus        protoreflect.ExtensionType
	grpcCode          protoreflect.ExtensionType // nil when options.proto predates it
}

// newOptions finds the options among the request's files. It returns nil
// when no file of the request imports options.proto: then no enum can be a
// catalog.
func newOptions(gen *protogen.Plugin) (*options, error) {
	o := &options{types: new(protoregistry.Types)}
	found := map[protoreflect.FullName]*protoreflect.ExtensionType{
		domainOption:            &o.domain,
		defaultHTTPStatusOption: &o.defaultHTTPStatus,
		httpStatusOption:        &o.httpStatus,
	}
	n := 0
	for _, f := range gen.Files {
		exts := f.Desc.Extensions()
		for i := range exts.Len() {
			xd := exts.Get(i)
			slot, required := found[xd.FullName()]
			switch {
			case required:
				n++
			case xd.FullName() == grpcCodeOption:
				// Optional: a copy of options.proto from before grpc_code
				// still declares catalogs.
				slot = &o.grpcCode
			default:
				continue
			}
			xt := dynamicpb.NewExtensionType(xd)
			if err := o.types.RegisterExtension(xt); err != nil {
				return nil, err
			}
			*slot = xt
		}
	}
	switch n {
	case 0:
		return nil, nil
	case len(found):
		return o, nil
	}
	return nil, errors.New("statusmap/v1/options.proto is incomplete: it must declare " +
		domainOption + ", " + defaultHTTPStatusOption + " and " + httpStatusOption)
}

// read returns the value of extension xt in opts and whether it is set.
// The options were parsed before the extensions were known, so their
// values are unknown fields: parse them again with a resolver that knows.
func (o *options) read(opts proto.Message, xt protoreflect.ExtensionType) (protoreflect.Value, bool, error) {
	if opts == nil || !opts.ProtoReflect().IsValid() {
		return protoreflect.Value{}, false, nil
	}
	all, err := proto.Marshal(opts)
	if err != nil {
		return protoreflect.Value{}, false, err
	}
	// Only this option's field is parsed: another option that does not
	// parse is its own problem, reported once.
	var b []byte
	for rest := all; len(rest) > 0; {
		num, typ, n := protowire.ConsumeTag(rest)
		if n < 0 {
			return protoreflect.Value{}, false, protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, rest[n:])
		if m < 0 {
			return protoreflect.Value{}, false, protowire.ParseError(m)
		}
		if num == xt.TypeDescriptor().Number() {
			b = append(b, rest[:n+m]...)
		}
		rest = rest[n+m:]
	}
	m := opts.ProtoReflect().New().Interface()
	if err := (proto.UnmarshalOptions{Resolver: o.types}).Unmarshal(b, m); err != nil {
		return protoreflect.Value{}, false, err
	}
	// The extension's containing message is the request's copy of
	// descriptor.proto, not the one linked into this binary, so
	// proto.GetExtension would not match it: find the field by name.
	var (
		value protoreflect.Value
		found bool
	)
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.FullName() == xt.TypeDescriptor().FullName() {
			value, found = v, true
		}
		return !found
	})
	return value, found, nil
}

// maxDomainLen bounds a domain as DNS bounds a name (RFC 1035 section
// 2.3.4, 253 characters written without the final dot). AIP-193 domains are
// service names, "pubsub.googleapis.com": nothing longer is plausible.
const maxDomainLen = 253

// domainLabel is one dot-separated part of a domain, as in a DNS host name
// (RFC 1123): letters, digits and '-', not at either end, at most 63.
var domainLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// validDomain reports whether s is a plausible AIP-193 domain: a host name
// ("library.example.com", "localhost", "api-v2.example.com"). Nothing else
// is: no spaces, no control characters, no quotes, no empty labels. The
// generated code quotes the domain anyway; this keeps a typo or a hostile
// catalog from reaching the ErrorInfo of every error it declares.
func validDomain(s string) bool {
	if s == "" || len(s) > maxDomainLen {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if !domainLabel.MatchString(label) {
			return false
		}
	}
	return true
}

// reasonPattern is AIP-193's form of ErrorInfo.reason: UPPER_SNAKE_CASE, at
// most 63 characters.
var reasonPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,61}[A-Z0-9]$`)

// readCatalogs returns the catalogs of the files to generate, by file, and
// every problem found (clashes with the catalogs of imported files of the
// same Go package included), each as "file:line:column: message", all at once so
// that a catalog of a hundred errors is fixed in one round.
func readCatalogs(gen *protogen.Plugin) (map[*protogen.File][]*catalog, error) {
	o, err := newOptions(gen)
	if err != nil || o == nil {
		return nil, err
	}
	var problems []string
	report := func(f *protogen.File, d protoreflect.Descriptor, format string, args ...any) {
		problems = append(problems, position(f, d)+": "+fmt.Sprintf(format, args...))
	}

	byFile := make(map[*protogen.File][]*catalog)
	// The Go names of each Go package, and the (domain, reason) pairs of the
	// whole request: either one declared twice is an error.
	type declared struct {
		file  *protogen.File
		value *protogen.EnumValue
	}
	packages := make(map[protogen.GoImportPath]*goNames)
	goNamesOf := make(map[protogen.GoImportPath]map[string]declared)
	reasons := make(map[[2]string]declared)

	// The files of the Go packages generated in this run, imported ones
	// first: their helpers are generated in another run (protoc runs the
	// plugin once per file), but into the same Go package, so their names
	// are taken. Their own problems are theirs, reported when they are
	// generated: here they only claim names.
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
	ignore := func(*protogen.File, protoreflect.Descriptor, string, ...any) {}

	for _, f := range files {
		report := report
		if !f.Generate {
			report = ignore
		}
		for _, enum := range allEnums(f) {
			c := o.readCatalog(f, enum, report)
			if c == nil {
				continue
			}
			if f.Generate {
				byFile[f] = append(byFile[f], c)
			}
			pkg := packages[f.GoImportPath]
			if pkg == nil {
				pkg = newGoNames(gen, f.GoImportPath)
				packages[f.GoImportPath] = pkg
				goNamesOf[f.GoImportPath] = make(map[string]declared)
			}
			if msg := pkg.claim(c.domainConst(), "the domain constant of catalog "+string(enum.Desc.FullName()), position(f, enum.Desc)); msg != "" {
				report(f, enum.Desc, "%s", msg)
			}
			names := goNamesOf[f.GoImportPath]
			for _, e := range c.errors {
				here := declared{f, e.value}
				key := [2]string{c.domain, e.reason}
				if prev, ok := reasons[key]; ok {
					report(f, e.value.Desc, "duplicate reason %s in domain %q: %s already declares it (%s)",
						e.reason, c.domain, prev.value.Desc.FullName(), position(prev.file, prev.value.Desc))
					continue
				}
				reasons[key] = here
				if prev, ok := names[e.goName]; ok {
					report(f, e.value.Desc, "reason %s gives the Go names Error%s and Is%s, which %s (%s) already gives in package %s",
						e.reason, e.goName, e.goName, prev.value.Desc.FullName(), position(prev.file, prev.value.Desc), f.GoImportPath)
					continue
				}
				names[e.goName] = here
				// One problem per error is enough to rename it.
				pos, value := position(f, e.value.Desc), e.value.Desc.FullName()
				for _, h := range []struct{ name, what string }{
					{e.reasonConst(), "the reason constant of "},
					{e.constructor(), "the constructor of "},
					{e.test(), "the test of "},
				} {
					if msg := pkg.claim(h.name, h.what+string(value), pos); msg != "" {
						report(f, e.value.Desc, "%s", msg)
						break
					}
				}
			}
		}
	}
	// protoc-gen-go writes x_statusmap.pb.go for x_statusmap.proto, the
	// name of the helpers of x.proto: one would overwrite the other.
	pbGo := make(map[string]*protogen.File)
	for _, f := range gen.Files {
		pbGo[f.GeneratedFilenamePrefix+".pb.go"] = f
	}
	for _, f := range files {
		if cs := byFile[f]; len(cs) > 0 {
			name := outputName(f)
			if other := pbGo[name]; other != nil {
				report(f, cs[0].enum.Desc, "the helpers of %s go to %s, which protoc-gen-go writes for %s: rename one of the files",
					headerText(f.Desc.Path()), headerText(name), headerText(other.Desc.Path()))
			}
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return byFile, nil
}

// outputName is the file the plugin writes for f, beside protoc-gen-go's
// <file>.pb.go.
func outputName(f *protogen.File) string { return f.GeneratedFilenamePrefix + "_statusmap.pb.go" }

// readCatalog returns the catalog that enum declares, or nil when it is not
// one or its domain cannot be read. Problems, those of options that do not
// parse included, go to report.
func (o *options) readCatalog(f *protogen.File, enum *protogen.Enum,
	report func(*protogen.File, protoreflect.Descriptor, string, ...any)) *catalog {
	// An option that does not parse (a proto3 string that is not UTF-8) is
	// a problem of the catalog, at its place.
	read := func(d protoreflect.Descriptor, opts proto.Message, xt protoreflect.ExtensionType) (protoreflect.Value, bool) {
		v, ok, err := o.read(opts, xt)
		if err != nil {
			report(f, d, "%s: (%s) does not parse: %v", d.FullName(), xt.TypeDescriptor().FullName(), err)
			return protoreflect.Value{}, false
		}
		return v, ok
	}
	enumOpts := enum.Desc.Options()
	domain, hasDomain, err := o.read(enumOpts, o.domain)
	if err != nil {
		report(f, enum.Desc, "enum %s: (%s) is not a domain name: %v", enum.Desc.FullName(), domainOption, err)
		return nil
	}
	def, hasDefault := read(enum.Desc, enumOpts, o.defaultHTTPStatus)

	statuses := make([]int, len(enum.Values))
	hasStatus := make([]bool, len(enum.Values))
	codes := make([]grpcCode, len(enum.Values))
	hasCode := make([]bool, len(enum.Values))
	anyStatus := false
	for i, v := range enum.Values {
		s, ok := read(v.Desc, v.Desc.Options(), o.httpStatus)
		if ok {
			statuses[i], hasStatus[i], anyStatus = int(s.Int()), true, true
		}
		if o.grpcCode != nil {
			if c, ok := read(v.Desc, v.Desc.Options(), o.grpcCode); ok {
				codes[i], hasCode[i], anyStatus = grpcCode(c.Enum()), true, true
			}
		}
	}

	if !hasDomain {
		if hasDefault || anyStatus {
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
	defaultStatus := 0
	if hasDefault {
		defaultStatus = int(def.Int())
		if !wire.IsErrorStatus(defaultStatus) {
			report(f, enum.Desc, "enum %s: (%s) %d is not an error status (400 to 599)", enum.Desc.FullName(), defaultHTTPStatusOption, defaultStatus)
		}
	}

	prefix := enumValuePrefix(string(enum.Desc.Name()))
	for i, v := range enum.Values {
		name := string(v.Desc.Name())
		if v.Desc.Number() == 0 {
			// The zero value is what an unset field reads as: "no error".
			if hasStatus[i] {
				report(f, v.Desc, "%s is the zero value, which is not an error: remove its (%s)", name, httpStatusOption)
			}
			if hasCode[i] {
				report(f, v.Desc, "%s is the zero value, which is not an error: remove its (%s)", name, grpcCodeOption)
			}
			continue
		}
		e := &catalogError{value: v, reason: strings.TrimPrefix(name, prefix), httpStatus: statuses[i]}
		switch {
		case !hasStatus[i] && !hasDefault:
			report(f, v.Desc, "%s has no (%s) and enum %s has no (%s)", name, httpStatusOption, enum.Desc.Name(), defaultHTTPStatusOption)
			continue
		case !hasStatus[i]:
			e.httpStatus = defaultStatus
		case !wire.IsErrorStatus(e.httpStatus):
			report(f, v.Desc, "%s: (%s) %d is not an error status (400 to 599)", name, httpStatusOption, e.httpStatus)
			continue
		}
		if hasCode[i] {
			// The code must answer, without the pin, with the value's
			// status or with what its default code answers (inFamily).
			switch c := codes[i]; {
			case c == 0:
				report(f, v.Desc, "%s: (%s) OK is not an error's code; the codes of %d are %s", name, grpcCodeOption, e.httpStatus, family(e.httpStatus))
				continue
			case c < 0 || c > maxGRPCCode:
				report(f, v.Desc, "%s: (%s) %d is not a gRPC code; the codes of %d are %s", name, grpcCodeOption, int32(c), e.httpStatus, family(e.httpStatus))
				continue
			case !inFamily(c, e.httpStatus):
				report(f, v.Desc, "%s: (%s) %s does not fit HTTP %d: statusmap answers %s with %d; the codes of %d are %s",
					name, grpcCodeOption, c, e.httpStatus, c, httpStatusOfCode[c], e.httpStatus, family(e.httpStatus))
				continue
			}
			e.code = codes[i]
		}
		if !reasonPattern.MatchString(e.reason) {
			report(f, v.Desc, "%s: reason %q is not an AIP-193 reason (UPPER_SNAKE_CASE, at most 63 characters)", name, e.reason)
			continue
		}
		e.goName = camelCase(e.reason)
		c.errors = append(c.errors, e)
	}
	return c
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

// enumValueDeprecated reports whether a value is marked deprecated.
func enumValueDeprecated(v *protogen.EnumValue) bool {
	opts, ok := v.Desc.Options().(*descriptorpb.EnumValueOptions)
	return ok && opts.GetDeprecated()
}
