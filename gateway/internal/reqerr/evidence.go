package reqerr

import (
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// evidence is what the ServerMetadata of an error says about the call.
type evidence int

const (
	// answered: a backend answered, or the metadata says nothing either way.
	answered evidence = iota
	// noCall: the generated code returned before calling its gRPC client.
	// Its `var metadata runtime.ServerMetadata` is returned as it was
	// declared, HeaderMD and TrailerMD nil; a call made through the client
	// sets at least one of them (grpc.Header and grpc.Trailer).
	noCall
	// clientOnly: the gateway's gRPC client ended the call itself before the
	// server answered (no response headers, trailers read as an empty set):
	// grpc-go does this when the request is over the client's send limit.
	clientOnly
	// trailersOnly: the server answered with trailers only, before any
	// response header: how a gRPC server refuses a request it did not
	// accept. Its trailers always carry content-type.
	trailersOnly
	// inProcess: RegisterXHandlerServer's shape, HeaderMD and TrailerMD
	// non-nil and empty (the generated code joins them with the in-process
	// stream's, whether or not the service was called). The request itself
	// must then prove the error (see provePath, proveQuery, bodyTooLarge).
	inProcess
)

// evidenceOf reads what md says about the call behind an error.
func evidenceOf(md runtime.ServerMetadata) evidence {
	switch {
	case md.HeaderMD == nil && md.TrailerMD == nil:
		return noCall
	case md.HeaderMD == nil && len(md.TrailerMD) == 0:
		return clientOnly
	case md.HeaderMD == nil:
		return trailersOnly
	case md.TrailerMD != nil && len(md.HeaderMD) == 0 && len(md.TrailerMD) == 0:
		return inProcess
	}
	return answered
}
