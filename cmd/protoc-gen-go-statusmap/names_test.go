package main

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

// runRequest runs the plugin on a request, as protoc or buf would.
func runRequest(t *testing.T, req *pluginpb.CodeGeneratorRequest) *pluginpb.CodeGeneratorResponse {
	t.Helper()
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := run(gen); err != nil {
		gen.Error(err)
	}
	resp := gen.Response()
	if resp.GetError() != "" && len(resp.GetFile()) != 0 {
		t.Errorf("error %q with %d files", resp.GetError(), len(resp.GetFile()))
	}
	return resp
}

// stringExtension is a string option of files, declared in the file.
func stringExtension(f *descriptorpb.FileDescriptorProto, name string) {
	f.Dependency = append(f.Dependency, "google/protobuf/descriptor.proto")
	f.Extension = append(f.Extension, &descriptorpb.FieldDescriptorProto{
		Name: proto.String(name), Number: proto.Int32(50999),
		Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
		Type:     descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
		Extendee: proto.String(".google.protobuf.FileOptions"),
	})
	loc := &descriptorpb.SourceCodeInfo_Location{Path: []int32{7, int32(len(f.Extension) - 1)}, Span: []int32{200, 0, 1}}
	f.SourceCodeInfo.Location = append(f.SourceCodeInfo.Location, loc)
}

// TestExtensionNames: protoc-gen-go declares an extension foo_domain as
// E_FooDomain, not FooDomain. An extension error_boom does not clash with
// ErrorBoom; an extension foo_domain clashes with the domain constant of a
// catalog Foo nested in message E, E_FooDomain.
func TestExtensionNames(t *testing.T) {
	req := hostileCatalog{domain: "ok.example.com"}.request()
	stringExtension(req.ProtoFile[2], "error_boom")
	if resp := runRequest(t, req); resp.GetError() != "" || len(resp.GetFile()) != 1 {
		t.Errorf("extension error_boom: error %q, %d files; want no error, 1 file", resp.GetError(), len(resp.GetFile()))
	}

	req = hostileCatalog{domain: "ok.example.com", enum: "Foo", values: []string{"FOO_BOOM"}}.request()
	f := req.ProtoFile[2]
	f.MessageType = append(f.MessageType, &descriptorpb.DescriptorProto{Name: proto.String("E"), EnumType: f.EnumType})
	f.EnumType = nil
	// The enum's places: now the first enum of message 0.
	for _, l := range f.SourceCodeInfo.Location {
		if len(l.Path) >= 2 && l.Path[0] == 5 {
			l.Path = append([]int32{4, 0, 4}, l.Path[1:]...)
		}
	}
	stringExtension(f, "foo_domain")
	want := hostileFile + ":10:1: Go name E_FooDomain, the domain constant of catalog hostile.v1.E.Foo, is also extension hostile.v1.foo_domain (" + hostileFile + ":201:1)"
	if resp := runRequest(t, req); !strings.HasPrefix(resp.GetError(), want) {
		t.Errorf("extension foo_domain: error %q; want %q", resp.GetError(), want)
	}
}

// TestImportedCatalogsClash: protoc runs the plugin once per file, so the
// helpers of an imported file of the same Go package come from another run
// into the same package. Their names are taken: a file generating the same
// names fails, with both positions. An imported file of another Go package
// takes no name.
func TestImportedCatalogsClash(t *testing.T) {
	const bFile = "hostile/v1/b.proto"
	request := func(bPackage string) *pluginpb.CodeGeneratorRequest {
		a := hostileCatalog{domain: "a.example.com", enum: "ErrorX", values: []string{"ERROR_X_BOOM"}}.request()
		b := hostileCatalog{domain: "b.example.com", enum: "OtherError", values: []string{"OTHER_ERROR_BOOM", "OTHER_ERROR_X_DOMAIN"}, path: bFile}.request()
		fa, fb := a.ProtoFile[2], b.ProtoFile[2]
		fb.Dependency = append(fb.Dependency, fa.GetName())
		fb.Options.GoPackage = proto.String(bPackage)
		b.ProtoFile = append(b.ProtoFile[:2], fa, fb)
		return b
	}
	resp := runRequest(t, request("example.com/hostile/v1;hostilev1"))
	want := strings.Join([]string{
		bFile + `:14:1: reason BOOM gives the Go names ErrorBoom and IsBoom, which hostile.v1.ERROR_X_BOOM (` + hostileFile + `:14:1) already gives in package "example.com/hostile/v1"`,
		bFile + `:15:1: Go name ErrorXDomain, the constructor of hostile.v1.OTHER_ERROR_X_DOMAIN, is also the domain constant of catalog hostile.v1.ErrorX (` + hostileFile + `:10:1) in Go package "example.com/hostile/v1": rename one of them`,
	}, "\n")
	if resp.GetError() != want {
		t.Errorf("same Go package: error\n%s\nwant\n%s", resp.GetError(), want)
	}
	if resp := runRequest(t, request("example.com/hostile/v1/b;bv1")); resp.GetError() != "" || len(resp.GetFile()) != 1 {
		t.Errorf("another Go package: error %q, %d files; want no error, 1 file", resp.GetError(), len(resp.GetFile()))
	}
}

// TestOutputNameCollision: protoc-gen-go writes x_statusmap.pb.go for
// x_statusmap.proto, the plugin the same name for x.proto's helpers. With
// both files in the request (both generated, or x_statusmap.proto only
// imported), the plugin fails
// rather than leave one output to overwrite the other; in another
// directory, x_statusmap.proto is no matter.
func TestOutputNameCollision(t *testing.T) {
	request := func(other string, generate ...string) *pluginpb.CodeGeneratorRequest {
		// x.proto imports the other file, as protoc sends only the files
		// to generate and their imports.
		req := hostileCatalog{domain: "ok.example.com", path: "hostile/v1/x.proto"}.request()
		x := req.ProtoFile[2]
		x.Dependency = append(x.Dependency, other)
		req.ProtoFile = append(req.ProtoFile[:2], &descriptorpb.FileDescriptorProto{
			Name:    proto.String(other),
			Package: proto.String("hostile.other.v1"),
			Syntax:  proto.String("proto3"),
			Options: &descriptorpb.FileOptions{GoPackage: proto.String("example.com/hostile/v1;hostilev1")},
		}, x)
		req.FileToGenerate = generate
		return req
	}
	want := `hostile/v1/x.proto:10:1: the helpers of hostile/v1/x.proto go to hostile/v1/x_statusmap.pb.go, which protoc-gen-go writes for hostile/v1/x_statusmap.proto: rename one of the files`
	for _, generate := range [][]string{
		{"hostile/v1/x.proto", "hostile/v1/x_statusmap.proto"},
		{"hostile/v1/x.proto"},
	} {
		if resp := runRequest(t, request("hostile/v1/x_statusmap.proto", generate...)); resp.GetError() != want {
			t.Errorf("generating %q: error %q; want %q", generate, resp.GetError(), want)
		}
	}
	if resp := runRequest(t, request("hostile/v2/x_statusmap.proto", "hostile/v1/x.proto")); resp.GetError() != "" || len(resp.GetFile()) != 1 {
		t.Errorf("another directory: error %q, %d files; want no error, 1 file", resp.GetError(), len(resp.GetFile()))
	}
}
