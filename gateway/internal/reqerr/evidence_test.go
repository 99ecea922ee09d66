package reqerr

import (
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/metadata"
)

// TestEvidenceOf pins the metadata shapes measured on grpc-gateway v2.33
// and grpc-go v1.85 (see the constants' comments).
func TestEvidenceOf(t *testing.T) {
	ct := metadata.Pairs("content-type", "application/grpc")
	for _, c := range []struct {
		name string
		md   runtime.ServerMetadata
		want evidence
	}{
		{"generated code returned before the call", runtime.ServerMetadata{}, noCall},
		{"client refused to send", runtime.ServerMetadata{TrailerMD: metadata.MD{}}, clientOnly},
		{"server answered with trailers only", runtime.ServerMetadata{TrailerMD: ct}, trailersOnly},
		{"in process", runtime.ServerMetadata{HeaderMD: metadata.MD{}, TrailerMD: metadata.MD{}}, inProcess},
		{"server sent headers", runtime.ServerMetadata{HeaderMD: ct, TrailerMD: metadata.MD{}}, answered},
		{"in process with metadata", runtime.ServerMetadata{HeaderMD: metadata.Pairs("x", "1"), TrailerMD: metadata.MD{}}, answered},
		{"headers but no trailers", runtime.ServerMetadata{HeaderMD: metadata.MD{}}, answered},
	} {
		if got := evidenceOf(c.md); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
