package reqerr

import (
	"strconv"
	"strings"
	"testing"
)

// TestTooLargeForServiceRefusesLookalikes: texts near grpc-go's size
// errors, or said where the evidence is not about the request, are not
// taken for a request too large.
func TestTooLargeForServiceRefusesLookalikes(t *testing.T) {
	for _, c := range []struct {
		ev   evidence
		msg  string
		want bool
	}{
		{clientOnly, grpcSendTooLarge + "2006 vs. 1000)", true},
		{clientOnly, grpcRecvTooLarge + "2006 vs. 1000)", false},
		{trailersOnly, grpcRecvTooLarge + "2006 vs. 1000)", true},
		{trailersOnly, grpcRecvDecompressedTooLarge + "1000", true},
		{trailersOnly, grpcDecompressedTooLarge + "2006 vs. 1000)", true},
		{trailersOnly, grpcRecvTooLargeForMachine + "2006 vs. 1000)", true},
		{trailersOnly, grpcRecvDecompressedTooLarge + "many", false},
		{trailersOnly, grpcSendTooLarge + "2006 vs. 1000)", false},
		{trailersOnly, grpcRecvTooLarge + "2006 vs. 1000", false},
		{trailersOnly, grpcRecvTooLarge + "big vs. 1000)", false},
		{answered, grpcRecvTooLarge + "2006 vs. 1000)", false},
		{noCall, grpcSendTooLarge + "2006 vs. 1000)", false},
	} {
		if got := tooLargeForService(c.ev, c.msg, nil); got != c.want {
			t.Errorf("%v %q: %v, want %v", c.ev, c.msg, got, c.want)
		}
	}
}

// TestRequestErrorGRPCSizeTexts: grpc-go's size errors the recogniser
// knows are in grpc-go's source, with the formats sizePair parses. The
// external TestRequestTooLargeForService makes the reachable ones over a
// real connection; "max length allowed on current machine" is reachable
// only where int is 32 bits.
func TestRequestErrorGRPCSizeTexts(t *testing.T) {
	src := readSource(t, grpcModule, "stream.go") + readSource(t, grpcModule, "rpc_util.go")
	for _, format := range []string{
		grpcSendTooLarge + "%d vs. %d)",
		grpcRecvTooLarge + "%d vs. %d)",
		grpcRecvTooLargeForMachine + "%d vs. %d)",
		grpcDecompressedTooLarge + "%d vs. %d)",
		grpcRecvDecompressedTooLarge + "%d",
	} {
		if call := "status.Errorf(codes.ResourceExhausted, " + strconv.Quote(format); !strings.Contains(src, call) {
			t.Errorf("grpc-go's source has no %s", call)
		}
	}
}
