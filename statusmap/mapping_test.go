package statusmap_test

import (
	"math"
	"net/http"
	"testing"

	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
)

// wantHTTPStatus is the documented profile, typed out again on purpose: the
// test holds the switch in mapping.go against the table.
var wantHTTPStatus = map[codes.Code]int{
	codes.OK:                 200,
	codes.Canceled:           408,
	codes.Unknown:            500,
	codes.InvalidArgument:    400,
	codes.DeadlineExceeded:   504,
	codes.NotFound:           404,
	codes.AlreadyExists:      409,
	codes.PermissionDenied:   403,
	codes.ResourceExhausted:  503,
	codes.FailedPrecondition: 400,
	codes.Aborted:            409,
	codes.OutOfRange:         400,
	codes.Unimplemented:      501,
	codes.Internal:           500,
	codes.Unavailable:        503,
	codes.DataLoss:           500,
	codes.Unauthenticated:    401,
}

func TestHTTPStatusEveryCode(t *testing.T) {
	// Walk 0..16 by number, so that a code added to grpc-go cannot be
	// forgotten: it would be missing from wantHTTPStatus.
	for c := codes.Code(0); c <= codes.Unauthenticated; c++ {
		want, ok := wantHTTPStatus[c]
		if !ok {
			t.Fatalf("no expectation for code %v", c)
		}
		if got := statusmap.HTTPStatus(c); got != want {
			t.Errorf("HTTPStatus(%v) = %d; want %d", c, got, want)
		}
		if got := statusmap.HTTPStatus(c); !isDocumented(got) {
			t.Errorf("HTTPStatus(%v) = %d, which is not documented", c, got)
		}
	}
	for _, c := range []codes.Code{17, 99, 1 << 20, math.MaxUint32} {
		if got := statusmap.HTTPStatus(c); got != 500 {
			t.Errorf("HTTPStatus(%d) = %d; want 500", uint32(c), got)
		}
	}
}

func TestCode(t *testing.T) {
	testCases := []struct {
		httpStatus int
		want       codes.Code
	}{
		{200, codes.OK}, {201, codes.OK}, {202, codes.OK}, {204, codes.OK}, {206, codes.OK}, {299, codes.OK},
		{400, codes.InvalidArgument},
		{401, codes.Unauthenticated},
		{403, codes.PermissionDenied},
		{404, codes.NotFound},
		{405, codes.Unimplemented},
		{406, codes.InvalidArgument},
		{407, codes.Unauthenticated},
		{408, codes.DeadlineExceeded},
		{409, codes.Aborted},
		{410, codes.NotFound},
		{412, codes.FailedPrecondition},
		{415, codes.InvalidArgument},
		{416, codes.OutOfRange},
		{422, codes.InvalidArgument},
		{429, codes.ResourceExhausted},
		{499, codes.Canceled},
		{500, codes.Internal},
		{501, codes.Unimplemented},
		{502, codes.Unavailable},
		{503, codes.Unavailable},
		{504, codes.DeadlineExceeded},
		// Everything else is Unknown.
		{100, codes.Unknown}, {101, codes.Unknown}, {199, codes.Unknown},
		{300, codes.Unknown}, {301, codes.Unknown}, {304, codes.Unknown}, {399, codes.Unknown},
		{402, codes.Unknown}, {411, codes.Unknown}, {418, codes.Unknown}, {451, codes.Unknown},
		{505, codes.Unknown}, {511, codes.Unknown}, {599, codes.Unknown},
		{0, codes.Unknown}, {-1, codes.Unknown}, {99, codes.Unknown}, {600, codes.Unknown},
		{math.MaxInt, codes.Unknown}, {math.MinInt, codes.Unknown},
	}
	for _, tc := range testCases {
		if got := statusmap.Code(tc.httpStatus); got != tc.want {
			t.Errorf("Code(%d) = %v; want %v", tc.httpStatus, got, tc.want)
		}
	}
}

func TestCodeIsTotal(t *testing.T) {
	// Over a wide range: OK exactly for 2xx, and always a defined code.
	for s := -1000; s <= 2000; s++ {
		got := statusmap.Code(s)
		if got > codes.Unauthenticated {
			t.Fatalf("Code(%d) = %d, outside 0..16", s, uint32(got))
		}
		if isOK, is2xx := got == codes.OK, s >= 200 && s <= 299; isOK != is2xx {
			t.Fatalf("Code(%d) = %v; OK must be returned for 2xx and only for 2xx", s, got)
		}
	}
}

func TestDocumentedErrorsMapToErrorCodes(t *testing.T) {
	for _, e := range statusmap.Documented() {
		if e.HTTPStatus >= 400 && e.Code == codes.OK {
			t.Errorf("documented %d maps to OK", e.HTTPStatus)
		}
		// The forward direction must answer the code with an error status
		// of the same class (4xx stays 4xx where the code is a client
		// error, and so on) or, failing that, with a documented status.
		if back := statusmap.HTTPStatus(e.Code); !isDocumented(back) {
			t.Errorf("HTTPStatus(Code(%d)) = %d, not documented", e.HTTPStatus, back)
		}
	}
	if got := http.StatusText(statusmap.HTTPStatus(codes.Canceled)); got != "Request Timeout" {
		t.Errorf("Canceled answers with %q; want Request Timeout", got)
	}
}

func TestMappingDoesNotAllocate(t *testing.T) {
	m, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for c := codes.Code(0); c <= 20; c++ {
			_ = statusmap.HTTPStatus(c)
			_ = m.HTTPStatus(c)
		}
		for s := 100; s < 600; s++ {
			_ = statusmap.Code(s)
			_ = m.Code(s)
		}
	})
	if allocs != 0 {
		t.Errorf("mapping allocates %v times per run; want 0", allocs)
	}
}
