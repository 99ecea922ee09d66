// Command protoc-gen-go-statusmap generates Go helpers for error catalogs:
// enums with the statusmap.v1.domain option (proto/statusmap/v1/options.proto).
//
// It is a protoc/buf plugin. For every file that declares a catalog it writes
// <file>_statusmap.pb.go beside protoc-gen-go's output, in the same Go
// package, with for each error (each value but the zero value), whose reason
// is the value's name without the enum's prefix:
//
//   - Reason<Name>, the reason string, and <Enum>Domain, the domain;
//   - Error<Name>(format string, args ...any) error, a gRPC status with code
//     statusmap.Code(http_status), or the value's grpc_code, the exact HTTP
//     status pinned and a google.rpc.ErrorInfo{Reason, Domain};
//   - Is<Name>(err error) bool, true when a gRPC status in err's chain
//     carries that reason and domain.
//
// A bad catalog fails generation with every problem listed as
// file:line:column: a status outside 400 to 599, a value with no status and
// no default, a grpc_code outside the status's family (see the README's Error
// catalogs) or on
// the zero value, statusmap options without a domain, a domain that is not a
// host name (letters, digits, '-' and '.', at most 253 characters), two
// values with the same reason (in one domain or, by their Go names, in one
// Go package), a generated name that a declaration of protoc-gen-go,
// protoc-gen-go-grpc or protoc-gen-grpc-gateway for the request's files of
// the same Go package already has, or that another generated name has
// (those of imported files of the same Go package, generated in another
// run, included), or a file x.proto with a catalog in the request beside
// x_statusmap.proto, for which protoc-gen-go writes x_statusmap.pb.go too
// (both plugins writing to the same out directory, as buf.gen.yaml has
// them).
//
// Text from the .proto reaches the generated source only as a string
// literal (strconv.Quote) or as "// " comment lines that cannot end early
// nor become directives (see the README's Error catalogs).
//
// It takes protoc-gen-go's path options (paths=source_relative, module=...).
// A project pins it as a tool of its own go.mod,
//
//	go get -tool github.com/statusmap/statusmap/cmd/protoc-gen-go-statusmap
//
// (or installs it with go install ...@version) and runs it from buf.gen.yaml:
//
//	plugins:
//	  - local: ["go", "tool", "protoc-gen-go-statusmap"]
//	    out: gen
//	    opt: paths=source_relative
//
// The README's "Generating the gateway" has a consumer's whole buf.gen.yaml.
package main

import (
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

func main() {
	protogen.Options{}.Run(run)
}

// run is the plugin's whole work on one request: generate, after declaring
// what the plugin supports (it only reads names and options, so every
// syntax and edition protogen accepts is fine).
func run(gen *protogen.Plugin) error {
	gen.SupportedFeatures = uint64(pluginpb.CodeGeneratorResponse_FEATURE_PROTO3_OPTIONAL |
		pluginpb.CodeGeneratorResponse_FEATURE_SUPPORTS_EDITIONS)
	gen.SupportedEditionsMinimum = descriptorpb.Edition_EDITION_PROTO2
	gen.SupportedEditionsMaximum = descriptorpb.Edition_EDITION_2023
	return generate(gen)
}
