package main

import (
	"testing"

	"google.golang.org/grpc/codes"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
)

// TestMappingCopy holds the plugin's copy of statusmap's mapping against
// statusmap itself, and its code names against grpc-go's and
// statusmap.v1.Code's.
func TestMappingCopy(t *testing.T) {
	for c := grpcCode(0); c <= maxGRPCCode; c++ {
		if got, want := httpStatusOfCode[c], statusmap.HTTPStatus(codes.Code(c)); got != want {
			t.Errorf("httpStatusOfCode[%v] = %d; statusmap.HTTPStatus says %d", c, got, want)
		}
		if got, want := c.goName(), codes.Code(c).String(); got != want {
			t.Errorf("goName(%d) = %q; grpc-go says %q", c, got, want)
		}
		if got, want := c.String(), statusmapv1.Code(c).String(); got != want {
			t.Errorf("grpcCode(%d) = %q; statusmap.v1.Code says %q", c, got, want)
		}
	}
	if n := len(statusmapv1.Code_name); n != int(maxGRPCCode)+1 {
		t.Errorf("statusmap.v1.Code has %d values; want %d", n, maxGRPCCode+1)
	}
	for s := 400; s <= 599; s++ {
		if got, want := defaultCode(s), statusmap.Code(s); codes.Code(got) != want {
			t.Errorf("defaultCode(%d) = %v; statusmap.Code says %v", s, got, want)
		}
	}
}

func TestFamily(t *testing.T) {
	testCases := []struct {
		httpStatus int
		want       string
	}{
		{400, "INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE"},
		{401, "UNAUTHENTICATED"},
		{404, "NOT_FOUND"},
		{405, "UNIMPLEMENTED"},
		{408, "CANCELLED, DEADLINE_EXCEEDED"},
		{409, "ALREADY_EXISTS, ABORTED"},
		{410, "NOT_FOUND"},
		{412, "INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE"},
		{429, "RESOURCE_EXHAUSTED, UNAVAILABLE"},
		{500, "UNKNOWN, INTERNAL, DATA_LOSS"},
		{502, "RESOURCE_EXHAUSTED, UNAVAILABLE"},
		{418, "UNKNOWN, INTERNAL, DATA_LOSS"},
	}
	for _, tc := range testCases {
		if got := family(tc.httpStatus); got != tc.want {
			t.Errorf("family(%d) = %s; want %s", tc.httpStatus, got, tc.want)
		}
		// The default code is always in the family.
		if !inFamily(defaultCode(tc.httpStatus), tc.httpStatus) {
			t.Errorf("the default code of %d is not in its family", tc.httpStatus)
		}
	}
	if inFamily(0, 409) || inFamily(17, 409) || inFamily(-1, 409) {
		t.Error("OK or a code out of range is in a family")
	}
}
