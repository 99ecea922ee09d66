package main

import (
	"errors"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The full names of the options in proto/statusmap/v1/options.proto.
const (
	domainOption            = "statusmap.v1.domain"
	defaultHTTPStatusOption = "statusmap.v1.default_http_status"
	httpStatusOption        = "statusmap.v1.http_status"
	grpcCodeOption          = "statusmap.v1.grpc_code"
)

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

// enumValueDeprecated reports whether a value is marked deprecated.
func enumValueDeprecated(v *protogen.EnumValue) bool {
	opts, ok := v.Desc.Options().(*descriptorpb.EnumValueOptions)
	return ok && opts.GetDeprecated()
}
