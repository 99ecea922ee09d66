// Command statusmap-openapi rewrites the OpenAPI documents that
// grpc-gateway's protoc-gen-openapiv2 (OpenAPI 2.0) or gnostic's
// protoc-gen-openapi (OpenAPI 3.x) generate, so that they say what a
// statusmap gateway answers: POST 201, DELETE 204, the error statuses its
// configuration can answer (or those -errors names) and those -pinned names,
// each with a description, its headers and the configured error body.
//
//	go run github.com/statusmap/statusmap/cmd/statusmap-openapi [flags] FILE...
//
// It writes the rewritten documents to standard output, or with -w rewrites
// the files in place (a symbolic link's target, the link kept), as gofmt
// does; with no FILE it reads standard input. A FILE must be a regular file
// (not a directory, a named pipe or a device); see "Bounds" below for the
// size of a document. -l lists the files the
// rewrite changes, standard input as "<standard input>". A file that is not
// an OpenAPI 2.0 or 3.x document as a generator wrote it (one this command
// already rewrote included) is an error and is left untouched. So is a file
// that describes an -rpc-success RPC's service but not the RPC; and when no
// file describes the service at all, no file is written.
//
// The flags mirror the gateway's options, and the command builds the same
// gateway.Gateway a server would (gateway.New) and calls its OpenAPI method,
// so that a document and a server built from the same options agree:
//
//	-format status|google|problem   gateway.WithFormat
//	-success METHOD=STATUS          gateway.WithSuccessStatus (repeatable)
//	-rpc-success /pkg.Svc/Rpc=STATUS gateway.WithRPCSuccessStatus (repeatable)
//	-no-success-statuses            gateway.WithSuccessByMethod(false)
//	-www-authenticate CHALLENGE     gateway.WithAuthChallenges (repeatable)
//	-proxy-authenticate CHALLENGE   gateway.WithProxyAuthChallenges (repeatable)
//	-profile documented|google      gateway.WithStatusMapper (statusmap.WithProfile)
//	-errors 400,404,...             gateway.WithErrorStatuses
//	-pinned 406,502,...             gateway.WithPinnedStatuses
//	-describe STATUS=TEXT           gateway.WithErrorDescription (repeatable)
//
// The flags must match the options of the server the document describes;
// nothing checks it. A program that builds the server's gateway.Gateway
// from one function of options and calls its OpenAPI method (run by go
// generate, as examples/tour -openapi is) cannot drift, and is the better
// way when the server is Go.
//
// A CHALLENGE is one RFC 9110 challenge, such as `Bearer realm="api"` or
// `Basic realm="proxy", charset="UTF-8"`, read as the gateway reads a
// response's challenges: a parameter value that is not a token must be
// quoted (realm="a/b", not realm=a/b).
//
// # Bounds
//
// A document, from a file or standard input, is read whole, up to 32 MiB;
// a longer one is refused after reading one byte more, as is a document
// holding more than 524,288 values (each YAML alias counted as the values
// it stands for, and at most twice the values written plus 10,000: a
// "billion laughs" is refused before it is expanded),
// more than 32 MiB of keys and strings once its aliases are expanded,
// nesting deeper than 128, or whose rewrite would have more than 524,288
// values or 128 MiB (its size, which indentation makes grow with nesting,
// counted before any of it is written).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/statusmap/statusmap/gateway"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the command, with its arguments and streams: 0 on success, 1 if a
// file could not be rewritten, 2 for bad flags.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := newFlagSet(&o, stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	usage := func(err error) int {
		fmt.Fprintf(stderr, "statusmap-openapi: %v\n", err)
		return 2
	}
	gatewayOpts, rpcs, err := o.gatewayOptions()
	if err != nil {
		return usage(err)
	}
	openAPIOpts, err := o.openAPIOptions()
	if err != nil {
		return usage(err)
	}
	g, err := gateway.New(gatewayOpts...)
	if err != nil {
		return usage(err)
	}
	if o.write && fs.NArg() == 0 {
		return usage(errors.New("-w needs a FILE"))
	}
	// A bad OpenAPI option is a usage error too, not one per file.
	if _, err := g.OpenAPI([]byte(`{"swagger":"2.0"}`), openAPIOpts...); err != nil {
		return usage(err)
	}
	return o.rewriteAll(g, openAPIOpts, rpcs, fs.Args(), stdin, stdout, stderr)
}
