// Command validate-descriptor writes buf/validate/validate.proto, and every
// file it imports, as a google.protobuf.FileDescriptorSet on stdout, from
// the descriptor embedded in protovalidate's generated Go package. The
// .proto file is published on the Buf Schema Registry; with no network but
// the Go module proxy (or none at all, once the module is in the module
// cache), this is how protoc gets it, as --descriptor_set_in:
//
//	go run ./cmd/validate-descriptor > /tmp/validate.binpb
//	protoc --descriptor_set_in=/tmp/validate.binpb -I proto --go_out=... orders/v1/orders.proto
//
// generate.sh does exactly that.
package main

import (
	"fmt"
	"os"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

func main() {
	set := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}
	// Imports first, as protoc wants them.
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := 0; i < imports.Len(); i++ {
			add(imports.Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	add(validate.File_buf_validate_validate_proto)
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(set)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validate-descriptor:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(b); err != nil {
		fmt.Fprintln(os.Stderr, "validate-descriptor:", err)
		os.Exit(1)
	}
}
