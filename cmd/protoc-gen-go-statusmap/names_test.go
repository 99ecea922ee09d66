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
